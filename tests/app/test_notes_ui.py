"""Pilot tests of the notes: article notes, highlights, notes on comments, all notes, drafts."""

from __future__ import annotations

import sqlite3

from helpers import screen_text, settle

from tuireader.app.screens.note_editor import Confirm, NoteEditor
from tuireader.app.screens.notes import AllNotesScreen, parse_filter
from tuireader.app.widgets.notes_panel import NotesPanel
from tuireader.app.widgets.reader import ReaderView
from tuireader.app.widgets.selection import (
    SelectionBar,
    paragraph_back,
    paragraph_forward,
    sentence_back,
    sentence_forward,
    word_back,
    word_forward,
)
from tuireader.drafts import DraftKey, DraftStore


def rows(path, sql: str, *args: object) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def open_first(pilot) -> ReaderView:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen.query_one(ReaderView)


async def test_article_note_create_edit_delete(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        article_id = reader.article.id
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await type_text(pilot, "first thought")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert rows(library_path, "SELECT text FROM note WHERE article_id=?", article_id) == [
            ("first thought",)
        ]
        panel = app.screen.query_one(NotesPanel)
        assert [n.text for n in panel.notes] == ["first thought"] and panel.display
        assert app.screen.articles.row(0).note_count == 1  # the list marks it
        assert "first thought" in screen_text(app)
        # edit
        await pilot.press("e")
        await settle(pilot)
        assert app.focused is panel
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and app.screen.text == "first thought"
        await type_text(pilot, " and more")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(library_path, "SELECT text FROM note WHERE article_id=?", article_id) == [
            ("first thought and more",)
        ]
        # delete, after saying no once
        await pilot.press("e", "d")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await settle(pilot)
        assert len(rows(library_path, "SELECT id FROM note")) == 1
        await pilot.press("d", "y")
        await settle(pilot)
        assert rows(library_path, "SELECT id FROM note") == []
        assert not panel.notes and not panel.display
        assert app.screen.articles.row(0).note_count == 0
