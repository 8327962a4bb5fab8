"""Users of a shared library: own notes, shared notes, own reading state, on both engines.

``alice`` opens the library first (she is its primary user: her state is in
the article columns); ``bob`` is another user (his state is in ``user_state``).
Every behaviour is checked for both, so the two storage paths must agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tuireader.importers.model import ParsedArticle, ParsedComment, ParsedNote
from tuireader.store.db import StoreError
from tuireader.store.library import Library
from tuireader.store.queries import (
    ListQuery,
    all_notes,
    count_articles,
    cursor_of,
    get_article,
    get_summaries,
    library_counts,
    list_at_offset,
    list_page,
)
from tuireader.store.search import search
from tuireader.store.users import current_user, primary_user, reader_for, resolve_user

USERS = ("alice", "bob")


@pytest.fixture
def shared(any_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    """A library opened first by alice, holding 12 articles."""
    monkeypatch.setenv("TUIREADER_USER", "alice")
    lib = Library.open(any_db_url)
    base = datetime(2025, 3, 1, tzinfo=UTC)
    lib.save_many(
        ParsedArticle(
            title=f"Story {n:02d}",
            url=f"https://example.org/{n}",
            text=f"Body {n} about okapis and zebras." if n % 2 else f"Body {n} about herons.",
            site="Zoo",
            published=base + timedelta(days=n),
            comments=[ParsedComment("c1", "Cy", f"comment {n}")],
        )
        for n in range(12)
    )
    yield lib
    lib.close()


def _ids(lib: Library) -> list[int]:
    """Article ids, newest first."""
    return [r.id for r in list_page(lib.db, ListQuery(), limit=100, user="alice")]


def test_primary_user_is_who_made_the_library(shared: Library) -> None:
    assert primary_user(shared.db) == "alice"
    assert reader_for(shared.db, "alice").primary
    assert not reader_for(shared.db, "bob").primary
    assert reader_for(shared.db).name == "alice"  # TUIREADER_USER


def test_two_users_notes_on_one_article(shared: Library) -> None:
    article = _ids(shared)[0]
    comment = get_article(shared.db, article, user="bob").comments[0].id
    a1 = shared.add_note(article, "alice's private note", user="alice")
    a2 = shared.add_note(article, "alice shares this", quote="okapis", shared=True, user="alice")
    b1 = shared.add_note(article, "bob's own note", comment_id=comment, user="bob")
    seen = {u: {n.id for n in get_article(shared.db, article, user=u).notes} for u in USERS}
    assert seen == {"alice": {a1, a2}, "bob": {a2, b1}}
    bob_view = get_article(shared.db, article, user="bob")
    assert {n.id: (n.owner, n.shared) for n in bob_view.notes} == {
        a2: ("alice", True),
        b1: ("bob", False),
    }
    assert {n.id for n in all_notes(shared.db, user="bob")} == {a2, b1}
    assert {n.id for n in all_notes(shared.db, user="carol")} == {a2}
    assert library_counts(shared.db, user="alice").notes == 2
    assert library_counts(shared.db, user="carol").notes == 1
    # The list shows each user the count of the notes they see.
    for user, count in (("alice", 2), ("bob", 2), ("carol", 1)):
        assert get_summaries(shared.db, [article], user=user)[0].note_count == count
    # Search finds only the notes a user sees.
    assert [h.note_id for h in search(shared.db, "private in:notes", user="alice")] == [a1]
    assert search(shared.db, "private in:notes", user="bob") == []
    assert [h.note_id for h in search(shared.db, "shares in:notes", user="bob")] == [a2]
    assert [h.article_id for h in search(shared.db, "has:note", user="carol")] == [article]
    other = _ids(shared)[1]
    shared.add_note(other, "only bob", user="bob")
    assert {h.article_id for h in search(shared.db, "has:note", user="bob")} == {article, other}
    assert {h.article_id for h in search(shared.db, "has:note", user="alice")} == {article}


def test_only_the_owner_changes_a_note(shared: Library) -> None:
    article = _ids(shared)[0]
    mine = shared.add_note(article, "mine", user="alice", shared=True)
    with pytest.raises(StoreError, match="belongs to alice"):
        shared.update_note(mine, "hijacked", user="bob")
    with pytest.raises(StoreError, match="belongs to alice"):
        shared.delete_note(mine, user="bob")
    private = shared.add_note(article, "private", user="alice")
    with pytest.raises(StoreError, match=f"no note with id {private}"):
        shared.update_note(private, "x", user="bob")  # bob cannot even see it
    shared.set_note_shared(mine, False, user="alice")
    assert all(n.id != mine for n in get_article(shared.db, article, user="bob").notes)
    shared.update_note(mine, "edited", user="alice")
    assert [n.text for n in get_article(shared.db, article, user="alice").notes][0] == "edited"
    shared.delete_note(mine, user="alice")
    assert [n.id for n in get_article(shared.db, article, user="alice").notes] == [private]


def test_imported_notes_belong_to_the_importer(shared: Library) -> None:
    article, _ = shared.save_article(
        ParsedArticle(
            title="Imported",
            url="https://example.org/imp",
            text="text",
            notes=[ParsedNote(text="from bob's backup")],
            starred=True,
            read=True,
        ),
        user="bob",
    )
    assert [n.owner for n in get_article(shared.db, article, user="bob").notes] == ["bob"]
    assert get_article(shared.db, article, user="alice").notes == ()
    bob, alice = (get_article(shared.db, article, user=u) for u in ("bob", "alice"))
    assert (bob.starred, bob.read) == (True, True)
    assert (alice.starred, alice.read) == (False, False)


@pytest.mark.parametrize("me", USERS)
def test_reading_state_is_per_user(shared: Library, me: str) -> None:
    other = "bob" if me == "alice" else "alice"
    ids = _ids(shared)
    # The other user's state must not leak into mine.
    for article in ids[:6]:
        shared.set_flag(article, "read", True, user=other)
        shared.set_flag(article, "starred", True, user=other)
    shared.set_flag(ids[0], "archived", True, user=other)
    shared.set_flag(ids[1], "read", True, user=me)
    shared.set_flag(ids[2], "starred", True, user=me)
    shared.set_flag(ids[3], "archived", True, user=me)
    shared.set_flag(ids[3], "starred", True, user=me)
    shared.set_flag(ids[3], "starred", False, user=me)
    counts = library_counts(shared.db, user=me)
    assert (counts.total, counts.unread, counts.starred, counts.archived) == (12, 11, 1, 1)

    def view(name: str) -> list[int]:
        q = ListQuery(view=name)  # type: ignore[arg-type]
        rows = [r.id for r in list_page(shared.db, q, limit=100, user=me)]
        assert count_articles(shared.db, q, user=me) == len(rows)
        assert [r.id for r in list_at_offset(shared.db, q, 0, 100, user=me)] == rows
        return rows

    assert view("unread") == [i for i in ids if i != ids[1]]
    assert view("starred") == [ids[2]]
    assert view("archived") == [ids[3]]
    assert view("inbox") == [i for i in ids if i != ids[3]]
    rows = {r.id: r for r in list_page(shared.db, ListQuery(), limit=100, user=me)}
    assert (rows[ids[1]].read, rows[ids[2]].starred, rows[ids[3]].archived) == (True, True, True)
    assert not any(rows[i].starred for i in ids[:2] + ids[3:6])
    # Reading position and openings are per user too.
    shared.set_reading_position(ids[4], 99, user=other)
    assert shared.mark_opened(ids[4], user=me) is None
    assert shared.mark_opened(ids[4], mark_read=False, user=me) is not None
    shared.set_reading_position(ids[4], 7, user=me)
    mine = get_article(shared.db, ids[4], user=me)
    assert (mine.read, mine.reading_position) == (True, 7)
    assert mine.last_opened is not None and mine.last_opened.tzinfo is not None
    assert get_article(shared.db, ids[4], user=other).reading_position == 99
    # Search filters use my state.
    assert [h.article_id for h in search(shared.db, "is:starred", user=me)] == [ids[2]]
    # ids[1] (herons) and ids[4] (okapis) are the ones I read.
    assert [h.article_id for h in search(shared.db, "okapis is:read", user=me)] == [ids[4]]
    assert len(search(shared.db, "okapis is:unread", user=me)) == 5
    assert len(search(shared.db, "is:archived", user=me)) == 1
    with pytest.raises(StoreError):
        shared.set_flag(10_000, "read", True, user=me)


@pytest.mark.parametrize("me", USERS)
@pytest.mark.parametrize("view", ["all", "unread", "inbox"])
def test_keyset_paging_per_user(shared: Library, me: str, view: str) -> None:
    ids = _ids(shared)
    for article in ids[::3]:
        shared.set_flag(article, "read", True, user=me)
        shared.set_flag(article, "archived", True, user=me)
    query = ListQuery(view=view)  # type: ignore[arg-type]
    seen: list[int] = []
    after = None
    while page := list_page(shared.db, query, after=after, limit=3, user=me):
        seen.extend(r.id for r in page)
        after = cursor_of(query, page[-1])
    expected = ids if view == "all" else [i for i in ids if i not in ids[::3]]
    assert seen == expected


def test_deleting_an_article_deletes_every_users_state(shared: Library) -> None:
    article = _ids(shared)[0]
    shared.set_flag(article, "starred", True, user="bob")
    shared.delete_article(article)
    assert library_counts(shared.db, user="bob").starred == 0


def test_current_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_USER", "  key:SHA256:abc\x1b[2J ")
    assert current_user() == "key:SHA256:abc[2J"
    monkeypatch.delenv("TUIREADER_USER")
    monkeypatch.setenv("USER", "osuser")
    monkeypatch.setenv("LOGNAME", "osuser")
    assert current_user() == "osuser"
    assert resolve_user(None) == "osuser"
    assert resolve_user("x" * 500) == "x" * 200
    with pytest.raises(StoreError):
        resolve_user(" \x00 ")


def test_cli_users_see_their_own_notes(  # type: ignore[no-untyped-def]
    cli, any_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "sample_data" / "070_literal-brackets.json"
    monkeypatch.setenv("TUIREADER_USER", "alice")
    article = json.loads(cli("--db", any_db_url, "import", str(sample), "--json").stdout)[
        "imported"
    ][0]
    private = json.loads(
        cli("--db", any_db_url, "note", "add", str(article), "mine only", "--json").stdout
    )["id"]
    shared = json.loads(
        cli(
            "--db", any_db_url, "note", "add", str(article), "for everyone", "--shared", "--json"
        ).stdout
    )["id"]
    monkeypatch.setenv("TUIREADER_USER", "bob")
    shown = json.loads(cli("--db", any_db_url, "show", str(article), "--json").stdout)
    assert [(n["id"], n["owner"]) for n in shown["notes"] if n["owner"] == "alice"] == [
        (shared, "alice")
    ]
    refused = cli("--db", any_db_url, "note", "share", str(private))
    assert refused.exit_code == 1 and refused.stderr.startswith("error: no note with id")
    monkeypatch.setenv("TUIREADER_USER", "alice")
    assert cli("--db", any_db_url, "note", "share", str(shared), "--unshare").exit_code == 0
    monkeypatch.setenv("TUIREADER_USER", "bob")
    shown = json.loads(cli("--db", any_db_url, "show", str(article), "--json").stdout)
    assert not [n for n in shown["notes"] if n["owner"] == "alice"]


@pytest.mark.parametrize("view", ["starred", "archived"])
def test_both_plans_of_a_second_users_view_agree(
    shared: Library, view: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tuireader.store.userstate as userstate

    ids = _ids(shared)
    for article in ids[1::2]:
        shared.set_flag(article, view, True, user="bob")
    query = ListQuery(view=view)  # type: ignore[arg-type]
    results = []
    for limit in (0, 10**9):  # probe user_state while reading articles / start from user_state
        monkeypatch.setattr(userstate, "DRIVE_LIMIT", limit)
        first = list_page(shared.db, query, limit=4, user="bob")
        rest = list_page(shared.db, query, after=cursor_of(query, first[-1]), user="bob")
        jump = list_at_offset(shared.db, query, 2, 3, user="bob")
        results.append(([r.id for r in first + rest], [r.id for r in jump]))
    assert results[0] == results[1] == (ids[1::2], ids[1::2][2:5])
