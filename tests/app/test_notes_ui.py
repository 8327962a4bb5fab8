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


def test_text_motions() -> None:
    text = "One two. Three four!\n\nNext para here. Last."
    assert word_forward(text, 0) == 3 and word_forward(text, 3) == 7
    assert word_back(text, 7) == 4 and word_back(text, 4) == 0
    assert sentence_forward(text, 0) == 8
    assert sentence_forward(text, 8) == 20
    assert sentence_back(text, 15) == 9
    assert paragraph_forward(text, 0) == 20
    assert paragraph_forward(text, 20) == len(text)
    assert paragraph_back(text, 30) == 22


async def test_select_with_keys_and_highlight(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        view = reader.article
        await pilot.press("V")
        await pilot.pause()
        bar = app.screen.query_one(SelectionBar)
        assert app.focused is bar and bar.active
        start = bar.cursor
        await pilot.press("w", "w", "w")  # three words
        assert bar.span == (
            start,
            word_forward(view.text, word_forward(view.text, word_forward(view.text, start))),
        )
        await pilot.press("h")  # one character back
        expected = bar.span
        quote = view.text[expected[0] : expected[1]]
        assert quote.strip() and "SELECT" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await type_text(pilot, "why")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(
            library_path, 'SELECT quote, start, "end", text FROM note WHERE article_id=?', view.id
        ) == [(quote, expected[0], expected[1], "why")]
        assert not bar.active and app.focused is reader
        # The highlight is drawn: some line carries the highlight style.
        styled = [
            span
            for index in range(len(reader.lines))
            for span in reader._render_document_line(index)._segments  # noqa: SLF001
            if span.style is not None and span.style == reader.style_of("reader.highlight")
        ]
        assert styled
        # A second highlight lower down, then ] and [ jump between them.
        await pilot.press("V", "p", "p", "p", "P", "s", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        marks = rows(
            library_path, "SELECT start FROM note WHERE article_id=? ORDER BY start", view.id
        )
        assert len(marks) == 2
        await pilot.press("g")
        await pilot.press("right_square_bracket")
        first_line = reader.text_map().position_of(marks[0][0])[0]
        second_line = reader.text_map().position_of(marks[1][0])[0]
        assert int(reader.scroll_y) == min(first_line, reader.max_scroll_y) or first_line == 0
        await pilot.press("right_square_bracket")
        assert int(reader.scroll_y) == min(second_line, reader.max_scroll_y)


async def test_escape_leaves_the_selection_and_saves_nothing(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("V", "w", "w", "escape")
        await settle(pilot)
        assert app.focused is reader
        assert not app.screen.query_one(SelectionBar).active
        assert rows(library_path, "SELECT id FROM note") == []


async def test_note_on_a_comment_from_the_comment_pane(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G", "k", "enter")  # Sample article 1, with a thread
        await settle(pilot)
        screen = app.screen
        await pilot.press("c")
        await pilot.pause()
        assert screen.focused_pane() == "comments"
        comment = screen.comments.cursor_node.data
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert comment.author in str(app.screen.query_one("#editor-title").render())
        await type_text(pilot, "good point")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(library_path, "SELECT text, comment_id FROM note") == [
            ("good point", comment.id)
        ]
        assert "Your note" in screen_text(app) and "good point" in screen_text(app)
        panel = screen.query_one(NotesPanel)
        assert panel.notes[0].comment_author == comment.author


async def test_all_notes_screen_filters_and_opens_the_passage(make, library_path) -> None:
    from tuireader.store.library import Library

    lib = Library.open(f"sqlite:///{library_path}")
    try:
        con_rows = rows(library_path, "SELECT id, text FROM article ORDER BY id")
        first_id, first_text = con_rows[0]
        last_id = con_rows[-2][0]
        start = len(first_text) - 60
        lib.add_note(last_id, "an older plain note")
        lib.add_highlight(first_id, start, start + 20, "deep in the text")
    finally:
        lib.close()
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AllNotesScreen)
        assert [n.text for n in screen.notes] == ["deep in the text", "an older plain note"]
        await pilot.press("slash")
        await type_text(pilot, "older")
        await pilot.press("enter")
        await settle(pilot)
        assert [n.text for n in screen.notes] == ["an older plain note"]
        await pilot.press("slash", "end", *["backspace"] * 5)
        await pilot.press("enter")
        await settle(pilot)
        assert len(screen.notes) == 2
        await pilot.press("enter")  # the newest: the highlight deep in article 1
        await settle(pilot)
        main = app.screen
        reader = main.query_one(ReaderView)
        assert reader.article.id == first_id
        line = reader.text_map().position_of(start)[0]
        assert int(reader.scroll_y) <= line < int(reader.scroll_y) + reader.size.height
        assert main.query_one(NotesPanel).current.text == "deep in the text"


def test_filter_line_parsing() -> None:
    assert parse_filter('flood tag:"river towns" article:3') == parse_filter(
        "flood tag:'river towns' article:3"
    )
    wanted = parse_filter("flood tag:river article:3 more")
    assert (wanted.text, wanted.tag, wanted.article_id) == ("flood more", "river", 3)
    assert parse_filter("article:x").text == "article:x"
    assert parse_filter('unbalanced "quote').text == 'unbalanced "quote'


async def test_a_draft_is_kept_while_typing_and_offered_after_a_crash(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        article_id = reader.article.id
        drafts = DraftStore.for_library(app.db_url)
        await pilot.press("m")
        await pilot.pause()
        editor = app.screen
        await type_text(pilot, "half a thought")
        editor.flush_draft()
        await settle(pilot)
        assert drafts.load(DraftKey("article", article_id)).text == "half a thought"
        # Esc asks before dropping; "n" keeps editing.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is editor
        await type_text(pilot, " more")
    # The app is gone without saving: the draft has every keystroke.
    assert drafts.load(DraftKey("article", article_id)).text == "half a thought more"
    assert rows(library_path, "SELECT id FROM note") == []
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor) and app.screen.text == "half a thought more"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(library_path, "SELECT text FROM note") == [("half a thought more",)]
        assert drafts.load(DraftKey("article", article_id)) is None


async def test_dropping_changes_deletes_the_draft(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        drafts = DraftStore.for_library(app.db_url)
        await pilot.press("m")
        await pilot.pause()
        await type_text(pilot, "never mind")
        app.screen.flush_draft()
        await settle(pilot)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert drafts.load(DraftKey("article", reader.article.id)) is None
        assert rows(library_path, "SELECT id FROM note") == []
        # With nothing typed, Esc closes at once.
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (NoteEditor, Confirm))


async def test_a_mouse_drag_over_the_text_selects_it(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_first(pilot)
        text_map = reader.text_map()
        body = next(
            i
            for i, line in enumerate(reader.lines)
            if text_map.offset_at(i, 0) is not None and len(line.text.plain) > 20
        )
        await pilot.mouse_down(ReaderView, offset=(1 + 2, body))
        await pilot.mouse_up(ReaderView, offset=(1 + 12, body))
        await settle(pilot)
        bar = app.screen.query_one(SelectionBar)
        assert bar.active and app.focused is bar
        start, end = bar.span
        assert start == text_map.offset_at(body, 2) and end == text_map.offset_at(body, 12) + 1
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        view = reader.article
        assert rows(library_path, "SELECT quote FROM note") == [(view.text[start:end],)]


async def test_hostile_notes_are_shown_as_text(make, library_path) -> None:
    from helpers import hostile_text

    from tuireader.store.library import Library

    hostile = hostile_text()
    lib = Library.open(f"sqlite:///{library_path}")
    try:
        (hostile_id,) = rows(library_path, "SELECT id FROM article WHERE title LIKE 'Hostile%'")[0]
        (comment_id,) = rows(library_path, "SELECT id FROM comment WHERE article_id=?", hostile_id)[
            0
        ]
        lib.add_note(hostile_id, hostile)
        lib.add_note(hostile_id, hostile, comment_id=comment_id)
        lib.add_highlight(hostile_id, 0, 12, hostile)
    finally:
        lib.close()
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G", "enter")
        await settle(pilot)
        assert app.screen.query_one(ReaderView).article.id == hostile_id
        await pilot.press("e")
        await settle(pilot)
        panel = app.screen.query_one(NotesPanel)
        labels = [panel.get_option_at_index(i).prompt.plain for i in range(len(panel.notes))]
        assert len(labels) == 3
        assert all("[@click=app.quit]click[/]" in label for label in labels)
        assert not any(ch in "".join(labels) for ch in "\x1b\x9b\x00\u202e")
        shown = screen_text(app)
        assert "\x1b]52" not in shown and "\x9b" not in shown
        await pilot.press("M")
        await settle(pilot)
        listing = app.screen.listing
        first = listing.get_option_at_index(0).prompt.plain
        assert "[@click=app.quit]click[/]" in first and "\x1b" not in first
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
