"""The all-notes query and the ``note`` commands (list, highlight, edit, delete)."""

from __future__ import annotations

import json

import pytest
from notes_support import FERRY_TEXT, build_library, run_cli

from tuireader.store.queries import all_notes, get_article


@pytest.fixture
def db(tmp_path):
    build_library(tmp_path / "lib.db").close()
    return str(tmp_path / "lib.db")


def test_all_notes_newest_first_and_filters(db, tmp_path):
    lib = build_library(tmp_path / "lib.db")  # reopen (the articles are already there)
    try:
        notes = all_notes(lib.db)
        assert len(notes) == 9
        assert [n.created for n in notes] == sorted((n.created for n in notes), reverse=True)
        assert {n.article_id for n in all_notes(lib.db, tag="floods")} == {1}
        assert all_notes(lib.db, tag="no such tag") == []
        assert {n.id for n in all_notes(lib.db, article_id=2)} == {7, 8}
        assert [n.text for n in all_notes(lib.db, text="BROTHER ma")] == [
            "+1",
            "Ask him which year.",
        ]
        assert [n.text for n in all_notes(lib.db, text="shelf")] == [
            "Compare with the **library** in chapter 3."
        ]
        assert all_notes(lib.db, text="100%_") == []  # LIKE wildcards are literal
        assert len(all_notes(lib.db, text="ferry", tag="floods", article_id=1)) == 6
    finally:
        lib.close()


def test_note_highlight_finds_the_passage_and_saves_it(db):
    result = run_cli(
        "--db", db, "note", "highlight", "1", "knew   the river", "--note", "why?", "--json"
    )
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    assert FERRY_TEXT[made["start"] : made["end"]] == "knew the river"
    listed = json.loads(run_cli("--db", db, "note", "list", "--article", "1", "--json").output)
    mine = next(n for n in listed if n["id"] == made["id"])
    assert (mine["quote"], mine["text"], mine["orphaned"]) == ("knew the river", "why?", False)
    missing = run_cli("--db", db, "note", "highlight", "1", "not in this article")
    assert missing.exit_code == 1 and "not in article 1" in missing.output
    nope = run_cli("--db", db, "note", "highlight", "99", "x")
    assert nope.exit_code == 1 and "no article with id 99" in nope.output


def test_note_edit_and_delete(db, tmp_path):
    assert run_cli("--db", db, "note", "edit", "3", "rewritten").exit_code == 0
    lib = build_library(tmp_path / "lib.db")
    try:
        assert any(n.text == "rewritten" for n in get_article(lib.db, 1).notes)
    finally:
        lib.close()
    assert run_cli("--db", db, "note", "delete", "3").exit_code == 0
    gone = run_cli("--db", db, "note", "delete", "3")
    assert gone.exit_code == 1 and "no note with id 3" in gone.output
    listed = json.loads(run_cli("--db", db, "note", "list", "--json").output)
    assert 3 not in {n["id"] for n in listed}
    shown = json.loads(run_cli("--db", db, "list", "--json").output)
    assert next(a for a in shown["articles"] if a["id"] == 1)["notes"] == 5


def test_note_list_prints_untrusted_text_as_text(db):
    result = run_cli("--db", db, "note", "list", "--search", "Mallory")
    assert result.exit_code == 0, result.output
    assert "[bold]Mallory[/] <script>" in result.output
    assert "[orphaned]" in run_cli("--db", db, "note", "list", "--article", "2").output
