"""``db copy``: a whole library SQLite → PostgreSQL → SQLite, compared column by column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tuireader.importers.model import ParsedArticle, ParsedComment
from tuireader.importing import import_paths
from tuireader.store.copy import copy_library
from tuireader.store.db import Database, StoreError
from tuireader.store.library import Library
from tuireader.store.models import (
    Article,
    ArticleTag,
    Comment,
    LibraryMeta,
    Note,
    Source,
    Tag,
    UserState,
)
from tuireader.store.queries import ListQuery, get_article, library_counts, list_page
from tuireader.store.search import search

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"
USERS = ("alice", "bob", "carol")


def _fill(lib: Library) -> None:
    """Everything a library can hold, with awkward cases."""
    import_paths(lib, sorted(SAMPLES.glob("*.json")))
    t0 = datetime(2025, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    # A reply whose parent arrives in a later import: the parent gets the larger id.
    first, _ = lib.save_article(
        ParsedArticle(
            title="Thread 🧵 with a late parent — 日本語",
            url="https://example.org/late",
            text="Late parents happen.",
            raw=bytes(range(256)) * 3,
            raw_format="bytes",
            comments=[ParsedComment("c2", "Bo", "a reply", parent_key="c1")],
            published=t0,
        )
    )
    lib.save_article(
        ParsedArticle(
            title="Thread 🧵 with a late parent — 日本語",
            url="https://example.org/late",
            text="Late parents happen.",
            comments=[
                ParsedComment("c1", "Al", "the parent", posted=t0),
                ParsedComment("c2", "Bo", "a reply", parent_key="c1"),
                ParsedComment("c3", "Cy", "deeper", parent_key="c2"),
            ],
        )
    )
    pending, _ = lib.save_article(
        ParsedArticle(title="Pending", url="https://example.org/p", pending=True, site="Elsewhere")
    )
    view = get_article(lib.db, first, user="alice")
    c1 = next(c for c in view.comments if c.key == "c1")
    lib.add_note(
        first,
        "alice, private",
        quote="parents",
        prefix="Late ",
        suffix=" happen",
        start=5,
        end=12,
        user="alice",
    )
    lib.add_note(first, "alice, shared", shared=True, user="alice")
    lib.add_note(first, "bob on c1", comment_id=c1.id, user="bob")
    orphan = lib.add_note(pending, "orphaned one", quote="gone", user="carol")
    lib.set_tags(first, ["x", "émigré", "[b]tag[/b]"])
    lib.set_flag(first, "starred", True, user="alice")
    lib.set_reading_position(first, 321, user="alice")
    lib.mark_opened(first, user="alice")
    lib.set_flag(first, "archived", True, user="bob")
    lib.mark_opened(pending, mark_read=False, user="bob")
    lib.set_reading_position(pending, 9, user="bob")
    lib.set_flag(pending, "read", True, user="carol")
    with lib.db.transaction() as s:
        s.get(Note, orphan).orphaned = True  # type: ignore[union-attr]
        s.get(Article, pending).fetch_error = "timed out"  # type: ignore[union-attr]
        s.add(
            Source(
                name="A feed",
                kind="feed",
                url="https://feed.example.org",
                feed_url="https://feed.example.org/rss",
                etag='"e1"',
                last_modified="Tue, 01 Apr 2025 10:00:00 GMT",
                last_error="HTTP 503",
                last_synced=t0 + timedelta(days=1),
            )
        )


def _plain(obj: Any, drop: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in obj.model_dump().items() if k not in drop}


def snapshot(db: Database) -> dict[str, Any]:
    """Every row of every table, ids replaced by the natural keys they stand for."""
    with db.session() as s:
        sources = {src.id: src.name for src in s.execute(select(Source)).scalars()}
        articles = {a.id: a for a in s.execute(select(Article)).scalars()}
        keys = {i: a.dedup_key for i, a in articles.items()}
        comments = {c.id: c for c in s.execute(select(Comment)).scalars()}
        tags = {t.id: t.name for t in s.execute(select(Tag)).scalars()}
        return {
            "sources": sorted(
                json.dumps(_plain(x, ("id",)), default=str, sort_keys=True)
                for x in s.execute(select(Source)).scalars()
            ),
            "articles": {
                a.dedup_key: {**_plain(a, ("id", "source_id")), "source": sources.get(a.source_id)}
                for a in articles.values()
            },
            "comments": sorted(
                (
                    keys[c.article_id],
                    c.key,
                    comments[c.parent_id].key if c.parent_id else "",
                    json.dumps(_plain(c, ("id", "article_id", "parent_id")), default=str),
                )
                for c in comments.values()
            ),
            "tags": sorted(tags.values()),
            "article_tags": sorted(
                (keys[at.article_id], tags[at.tag_id])
                for at in s.execute(select(ArticleTag)).scalars()
            ),
            "notes": sorted(
                (
                    keys[n.article_id],
                    comments[n.comment_id].key if n.comment_id else "",
                    json.dumps(
                        _plain(n, ("id", "article_id", "comment_id")), default=str, sort_keys=True
                    ),
                )
                for n in s.execute(select(Note)).scalars()
            ),
            "states": sorted(
                (
                    u.username,
                    keys[u.article_id],
                    json.dumps(_plain(u, ("username", "article_id")), default=str, sort_keys=True),
                )
                for u in s.execute(select(UserState)).scalars()
            ),
            "meta": {m.key: m.value for m in s.execute(select(LibraryMeta)).scalars()},
        }


def views(db: Database) -> dict[str, Any]:
    """What each user sees: counts, list order, notes of every article."""
    out = {}
    for user in USERS:
        rows = list_page(db, ListQuery(), limit=1000, user=user)
        out[user] = {
            "counts": library_counts(db, user=user),
            "rows": [(r.title, r.read, r.starred, r.archived, r.note_count) for r in rows],
            "notes": sorted(n.text for r in rows for n in get_article(db, r.id, user=user).notes),
        }
    return out


@pytest.fixture
def filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    monkeypatch.setenv("TUIREADER_USER", "alice")
    lib = Library.open(f"sqlite:///{tmp_path / 'source.db'}")
    _fill(lib)
    yield lib
    lib.close()


def test_round_trip_sqlite_other_sqlite(
    filled: Library, any_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whoever runs the copy, the copy keeps the library's primary user.
    monkeypatch.setenv("TUIREADER_USER", "operator")
    middle = Library.open(any_db_url)
    back = Library.open(f"sqlite:///{tmp_path / 'back.db'}")
    try:
        seen: list[tuple[int, int]] = []
        there = copy_library(filled, middle, progress=lambda d, t: seen.append((d, t)))
        assert seen and seen[-1][0] == seen[-1][1] == there.articles
        assert there.users >= {"alice", "bob", "carol"}
        copy_library(middle, back)
        original = snapshot(filled.db)
        assert original["states"] and original["notes"] and original["article_tags"]
        assert snapshot(middle.db) == original
        assert snapshot(back.db) == original
        assert views(middle.db) == views(back.db) == views(filled.db)
        # Ids are kept, and new rows continue after them (PostgreSQL's sequences moved on).
        with filled.db.session() as s:
            ids = sorted(s.execute(select(Article.id)).scalars())
        with middle.db.session() as s:
            assert sorted(s.execute(select(Article.id)).scalars()) == ids
        new_id, _ = middle.save_article(ParsedArticle(title="After the copy", text="fresh"))
        assert new_id == max(ids) + 1
        middle.add_note(new_id, "a new note after the copy", user="bob")
        # The copy is searchable on its own engine.
        assert [h.where for h in search(middle.db, "parents in:notes", user="alice")] == ["note"]
        assert search(middle.db, "parents in:notes", user="bob") == []
        assert [h.where for h in search(back.db, "deeper in:comments")] == ["comment"]
    finally:
        middle.close()
        back.close()


def test_refuses_a_non_empty_target_and_merges_when_told(filled: Library, any_db_url: str) -> None:
    target = Library.open(any_db_url)
    try:
        mine, _ = target.save_article(ParsedArticle(title="Already here", text="own"))
        late, _ = target.save_article(
            ParsedArticle(
                title="Thread 🧵 with a late parent — 日本語",
                url="https://example.org/late",
                text="Target's own text.",
                comments=[ParsedComment("t1", "Tess", "target only")],
            )
        )
        target.set_flag(late, "read", True, user="bob")
        target.add_note(late, "bob on c1", user="bob")  # the same note: not duplicated
        before = snapshot(target.db)
        with pytest.raises(StoreError, match="not empty.*--merge"):
            copy_library(filled, target)
        assert snapshot(target.db) == before
        result = copy_library(filled, target, merge=True)
        assert result.merged == 1
        again = copy_library(filled, target, merge=True)
        assert (again.articles, again.comments, again.notes) == (0, 0, 0)
        bob = get_article(target.db, late, user="bob")
        assert bob.text == "Target's own text."  # an article already there keeps its content
        assert [c.key for c in bob.comments] == ["t1", "c1", "c2", "c3"]
        by_key = {c.key: c for c in bob.comments}
        assert by_key["c3"].parent_id == by_key["c2"].id
        assert by_key["c2"].parent_id == by_key["c1"].id
        assert (bob.read, bob.archived) == (True, True)  # the target's and the source's flags
        assert sorted(n.text for n in bob.notes) == ["alice, shared", "bob on c1"]
        alice = get_article(target.db, late, user="alice")
        assert alice.starred and alice.reading_position == 321
        assert get_article(target.db, mine).title == "Already here"
        total = len(snapshot(filled.db)["articles"]) + 1
        assert library_counts(target.db, user="carol").total == total
    finally:
        target.close()


def test_cli_db_copy(cli, filled: Library, any_db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = filled.db.url
    out = cli("db", "copy", "--from", src, "--to", any_db_url, "--json")
    assert out.exit_code == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["articles"] == len(snapshot(filled.db)["articles"]) and report["merged"] == 0
    refused = cli("db", "copy", "--from", src, "--to", any_db_url)
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: ") and "--merge" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    merged = cli("db", "copy", "--from", src, "--to", any_db_url, "--merge", "--json")
    assert json.loads(merged.stdout)["merged"] == report["articles"]
    same = cli("db", "copy", "--from", src, "--to", src)
    assert same.exit_code == 1 and "same library" in same.stderr
    missing = cli("db", "copy", "--from", str(tmp_path / "nope" / "x.db"), "--to", any_db_url)
    assert missing.exit_code == 1 and "does not exist" in missing.stderr
