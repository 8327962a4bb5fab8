"""The article list's page cache: fixed-size pages of rows, loaded on demand, LRU-bounded.

Pure Python (no Textual, no store): the list widget asks it which pages are
missing for the rows on screen, loads them in a worker, and puts them back.
A ``generation`` number tells stale pages (from before a reload) apart.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, Protocol, TypeVar

__all__ = ["PageCache"]


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=_HasId)


class PageCache(Generic[RowT]):
    """Pages of *page_size* rows; at most *max_pages* kept (least recently used go first)."""

    def __init__(self, page_size: int = 100, max_pages: int = 64) -> None:
        self.page_size = page_size
        self.max_pages = max_pages
        self.generation = 0
        self.total: int | None = None
        self._pages: OrderedDict[int, list[RowT]] = OrderedDict()
        self.pending: set[int] = set()

    def reset(self, total: int | None = None) -> int:
        """Forget every page (a new query or a reload); return the new generation."""
        self.generation += 1
        self.total = total
        self._pages.clear()
        self.pending.clear()
        return self.generation

    def page_of(self, index: int) -> int:
        """The page holding row *index*."""
        return index // self.page_size

    def row(self, index: int) -> RowT | None:
        """Row *index*, or None when its page is not loaded."""
        page = self._pages.get(index // self.page_size)
        if page is None:
            return None
        self._pages.move_to_end(index // self.page_size)
        offset = index % self.page_size
        return page[offset] if offset < len(page) else None

    def missing(self, first: int, last: int) -> list[int]:
        """Pages covering rows *first*..*last* that are neither loaded nor being loaded."""
        if self.total is None or self.total == 0:
            return []
        last = min(last, self.total - 1)
        pages = range(max(0, first) // self.page_size, max(0, last) // self.page_size + 1)
        return [p for p in pages if p not in self._pages and p not in self.pending]

    def neighbours(self, page: int) -> tuple[RowT | None, RowT | None]:
        """The row just before *page* and the row just after it, when loaded (keyset anchors)."""
        before_page = self._pages.get(page - 1)
        after_page = self._pages.get(page + 1)
        before = before_page[-1] if before_page and len(before_page) == self.page_size else None
        after = after_page[0] if after_page else None
        return before, after

    def put(self, generation: int, page: int, rows: list[RowT]) -> bool:
        """Store a loaded page; False (and nothing stored) if it is stale."""
        self.pending.discard(page)
        if generation != self.generation:
            return False
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return True

    def replace(self, row: RowT) -> list[int]:
        """Swap in a new version of *row* wherever it is loaded; return the row indices."""
        changed = []
        for number, page in self._pages.items():
            for offset, old in enumerate(page):
                if old.id == row.id:
                    page[offset] = row
                    changed.append(number * self.page_size + offset)
        return changed

    def loaded_pages(self) -> list[int]:
        """The numbers of the loaded pages (for tests and benchmarks)."""
        return sorted(self._pages)
