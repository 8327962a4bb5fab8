"""Highlights in the store: added from a span, re-anchored when an article's text changes."""

from __future__ import annotations

import json

import pytest
from notes_support import FERRY_TEXT, ferry, t

from tuireader.importers.model import ParsedNote
from tuireader.importing import import_paths
from tuireader.store.db import StoreError
from tuireader.store.library import Library
from tuireader.store.queries import get_article

PASSAGE = "The monks moved the books upstairs, one shelf at a time."
EDITED = "The monks carried the books upstairs, one shelf at a time."
INSERTED = "Update: a reader sent photos of the flood, printed below.\n\n"


@pytest.fixture
def library(tmp_path):
    lib = Library.open(f"sqlite:///{tmp_path / 'lib.db'}")
    yield lib
    lib.close()


def saved_ferry(library: Library) -> tuple[int, int]:
    """The ferry article without its imported notes, and one highlight made on it."""
    article_id, _ = library.save_article(ferry(notes=[]))
    start = FERRY_TEXT.index(PASSAGE)
    note_id = library.add_highlight(article_id, start, start + len(PASSAGE), "books first")
    return article_id, note_id


def note_of(library: Library, article_id: int, note_id: int):
    return next(n for n in get_article(library.db, article_id).notes if n.id == note_id)


def test_add_highlight_stores_both_selectors(library):
    article_id, note_id = saved_ferry(library)
    n = note_of(library, article_id, note_id)
    assert (n.quote, n.text, n.orphaned) == (PASSAGE, "books first", False)
    assert FERRY_TEXT[n.start : n.end] == PASSAGE
    assert n.prefix == FERRY_TEXT[n.start - 32 : n.start]
    assert n.suffix == ""  # the passage ends the text
    assert get_article(library.db, article_id).notes[0].id == note_id


def test_add_highlight_rejects_a_bad_span(library):
    article_id, _ = saved_ferry(library)
    with pytest.raises(StoreError, match="cannot highlight"):
        library.add_highlight(article_id, 10, 10)
    with pytest.raises(StoreError, match="cannot highlight"):
        library.add_highlight(article_id, 0, len(FERRY_TEXT) + 1)
    with pytest.raises(StoreError, match="no article"):
        library.add_highlight(999, 0, 1)


def test_reimport_with_text_inserted_and_passage_edited_moves_the_highlight(library):
    article_id, note_id = saved_ferry(library)
    comment_note = library.add_note(article_id, "on a comment", comment_id=1)
    new_text = INSERTED + FERRY_TEXT.replace(PASSAGE, EDITED)
    same_id, created = library.save_article(ferry(notes=[], text=new_text, body_markdown=new_text))
    assert (same_id, created) == (article_id, False)
    view = get_article(library.db, article_id)
    assert view.text == new_text
    n = note_of(library, article_id, note_id)
    assert n.orphaned is False
    assert n.quote == EDITED
    assert new_text[n.start : n.end] == EDITED
    assert n.text == "books first"
    assert note_of(library, article_id, comment_note).text == "on a comment"
    assert len(view.notes) == 2


def test_reimport_without_the_passage_keeps_the_note_orphaned(library):
    article_id, note_id = saved_ferry(library)
    before = note_of(library, article_id, note_id)
    new_text = INSERTED + FERRY_TEXT.replace(" " + PASSAGE, "")
    library.save_article(ferry(notes=[], text=new_text, body_markdown=new_text))
    n = note_of(library, article_id, note_id)
    assert n.orphaned is True
    assert (n.quote, n.prefix, n.suffix, n.start, n.end) == (
        before.quote,
        before.prefix,
        before.suffix,
        before.start,
        before.end,
    )
    assert n.text == "books first"
    # The passage coming back re-anchors it.
    library.save_article(ferry(notes=[]))
    back = note_of(library, article_id, note_id)
    assert back.orphaned is False
    assert FERRY_TEXT[back.start : back.end] == PASSAGE


def test_reimport_of_the_same_text_changes_nothing(library):
    article_id, note_id = saved_ferry(library)
    before = note_of(library, article_id, note_id)
    library.save_article(ferry(notes=[]))
    assert note_of(library, article_id, note_id) == before


def test_reimporting_a_bundle_file_reanchors_through_the_import_path(library, tmp_path):
    article_id, note_id = saved_ferry(library)
    new_text = INSERTED + FERRY_TEXT.replace(PASSAGE, EDITED)
    bundle = {
        "format": "tuireader-bundle",
        "version": 1,
        "articles": [
            {
                "title": "The ferry and the flood",
                "url": "https://river.example/ferry",
                "site": "River Weekly",
                "body_markdown": new_text,
                "text": new_text,
            }
        ],
    }
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    outcome = import_paths(library, [path])
    assert outcome.updated == [article_id] and not outcome.failed
    n = note_of(library, article_id, note_id)
    assert new_text[n.start : n.end] == EDITED and not n.orphaned


def test_imported_highlight_with_a_stale_position_is_placed_by_its_quote(library):
    wrong = ParsedNote(text="x", quote="the river would rise", start=0, end=20, created=t(3))
    lost = ParsedNote(text="y", quote="words that are nowhere", start=1, end=5, created=t(4))
    article_id, _ = library.save_article(ferry(notes=[wrong, lost]))
    notes = {n.text: n for n in get_article(library.db, article_id).notes}
    assert FERRY_TEXT[notes["x"].start : notes["x"].end] == "the river would rise"
    assert notes["x"].prefix and not notes["x"].orphaned
    assert notes["y"].orphaned and notes["y"].quote == "words that are nowhere"


def test_reimport_never_duplicates_notes(library):
    article_id, _ = library.save_article(ferry())
    count = len(get_article(library.db, article_id).notes)
    library.save_article(ferry())
    new_text = INSERTED + FERRY_TEXT.replace(PASSAGE, EDITED)
    library.save_article(ferry(text=new_text, body_markdown=new_text))
    view = get_article(library.db, article_id)
    assert len(view.notes) == count == 6
    # Two "+1" notes on different comments are both kept.
    assert sorted(n.comment_id for n in view.notes if n.text == "+1") == [1, 2]


def test_an_edited_note_is_not_brought_back_by_a_reimport(library):
    article_id, _ = library.save_article(ferry())
    plain = next(n for n in get_article(library.db, article_id).notes if not n.quote)
    library.update_note(plain.id, "my better wording")
    library.save_article(ferry())
    texts = [n.text for n in get_article(library.db, article_id).notes if not n.quote]
    assert "my better wording" in texts
    assert plain.text not in texts


def test_notes_sharing_a_time_in_one_import_are_all_kept(library):
    same = t(5)
    notes = [ParsedNote(text=f"note {i}", created=same) for i in range(3)]
    article_id, _ = library.save_article(ferry(notes=notes))
    assert len(get_article(library.db, article_id).notes) == 3
    library.save_article(ferry(notes=notes))
    assert len(get_article(library.db, article_id).notes) == 3
