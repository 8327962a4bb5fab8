"""The article list's page cache."""

from __future__ import annotations

from dataclasses import dataclass

from tuireader.app.widgets.page_cache import PageCache


@dataclass(frozen=True)
class Row:
    id: int
    flag: bool = False


def rows(page: int, size: int = 10) -> list[Row]:
    return [Row(page * size + i) for i in range(size)]


def test_missing_pages_cover_the_visible_rows_once() -> None:
    cache: PageCache[Row] = PageCache(page_size=10)
    cache.reset(total=95)
    assert cache.missing(5, 25) == [0, 1, 2]
    cache.pending.add(1)
    assert cache.missing(5, 25) == [0, 2]
    assert cache.missing(90, 200) == [9]  # clamped to the last row


def test_stale_pages_are_dropped_after_a_reset() -> None:
    cache: PageCache[Row] = PageCache(page_size=10)
    old = cache.reset(total=50)
    new = cache.reset(total=50)
    assert not cache.put(old, 0, rows(0))
    assert cache.row(3) is None
    assert cache.put(new, 0, rows(0))
    assert cache.row(3) == Row(3)


def test_least_recently_used_pages_are_evicted() -> None:
    cache: PageCache[Row] = PageCache(page_size=10, max_pages=2)
    gen = cache.reset(total=100)
    cache.put(gen, 0, rows(0))
    cache.put(gen, 1, rows(1))
    assert cache.row(0) is not None  # touch page 0
    cache.put(gen, 2, rows(2))
    assert cache.loaded_pages() == [0, 2]


def test_neighbours_give_keyset_anchors() -> None:
    cache: PageCache[Row] = PageCache(page_size=10)
    gen = cache.reset(total=100)
    cache.put(gen, 3, rows(3))
    cache.put(gen, 5, rows(5))
    assert cache.neighbours(4) == (Row(39), Row(50))
    assert cache.neighbours(0) == (None, None)
    cache.put(gen, 6, rows(6)[:4])  # a short page is no anchor for the next one
    assert cache.neighbours(7) == (None, None)


def test_replace_swaps_a_row_everywhere_it_is_loaded() -> None:
    cache: PageCache[Row] = PageCache(page_size=10)
    gen = cache.reset(total=30)
    cache.put(gen, 1, rows(1))
    assert cache.replace(Row(14, flag=True)) == [14]
    assert cache.row(14) == Row(14, flag=True)
    assert cache.replace(Row(99, flag=True)) == []
