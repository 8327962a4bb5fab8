"""Pilot tests: layouts by size, moving between panes, the comment tree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from helpers import parsed_articles, settle

from tuireader.app.screens.main import MainScreen, layout_for
from tuireader.app.widgets.comment_tree import CommentTree
from tuireader.importers.model import ParsedComment


def test_layout_rules_by_size() -> None:
    assert layout_for(120, 40) == "wide"
    assert layout_for(200, 25) == "wide"
    assert layout_for(119, 40) == "medium"
    assert layout_for(80, 30) == "medium"
    assert layout_for(79, 40) == "narrow"
    assert layout_for(120, 24) == "narrow"
    assert layout_for(100, 24) == "narrow"


def visible(screen: MainScreen) -> list[str]:
    return [p for p in ("list", "reader", "comments") if screen.query_one(f"#{p}-pane").display]


async def test_wide_layout_shows_three_panes_and_tab_cycles_focus(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert visible(screen) == ["list", "reader", "comments"]
        assert screen.focused_pane() == "list"
        await pilot.press("tab")
        assert screen.focused_pane() == "reader"
        active = [
            p for p in ("list", "reader", "comments") if screen.pane_title(p).has_class("-active")
        ]
        assert active == ["reader"]  # the focused pane's title is marked
        await pilot.press("tab")
        assert screen.focused_pane() == "comments"
        await pilot.press("tab")
        assert screen.focused_pane() == "list"
        await pilot.press("shift+tab")
        assert screen.focused_pane() == "comments"
        await pilot.press("h")
        assert screen.focused_pane() == "reader"
        await pilot.press("h", "h")
        assert screen.focused_pane() == "list"
        await pilot.press("l", "l", "l")
        assert screen.focused_pane() == "comments"
        await pilot.press("escape")
        assert screen.focused_pane() == "list"


async def test_medium_layout_toggles_comments_with_c(make) -> None:
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert visible(screen) == ["list", "reader"]
        await pilot.press("G", "k", "k", "enter")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert visible(screen) == ["list", "comments"]
        assert screen.focused_pane() == "comments"
        await pilot.press("c")
        await pilot.pause()
        assert visible(screen) == ["list", "reader"]
        await pilot.press("c", "escape")
        await pilot.pause()
        assert visible(screen) == ["list", "reader"] and screen.focused_pane() == "reader"


@pytest.mark.parametrize("size", [(80, 24), (70, 40)])
async def test_narrow_layout_shows_one_pane_enter_in_escape_out(make, size) -> None:
    app = make()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert visible(screen) == ["list"]
        await pilot.press("enter")
        await settle(pilot)
        assert visible(screen) == ["reader"] and screen.focused_pane() == "reader"
        await pilot.press("c")
        await pilot.pause()
        assert visible(screen) == ["comments"]
        await pilot.press("escape")
        await pilot.pause()
        assert visible(screen) == ["reader"]
        await pilot.press("escape")
        await pilot.pause()
        assert visible(screen) == ["list"] and screen.focused_pane() == "list"
        await pilot.press("l")
        await pilot.pause()
        assert visible(screen) == ["reader"]
        await pilot.press("h")
        await pilot.pause()
        assert visible(screen) == ["list"]
        await pilot.press("enter", "slash")  # search from the reader: back to the list, typing
        await settle(pilot)
        await pilot.press(*"agree", "enter")
        await settle(pilot)
        assert visible(screen) == ["list"] and screen.articles.in_search


async def test_resizing_switches_layouts(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert app.screen.has_class("-medium") and visible(app.screen) == ["list", "reader"]
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        assert app.screen.has_class("-narrow") and visible(app.screen) == ["list"]


async def open_thread(pilot) -> CommentTree:
    await settle(pilot)
    await pilot.press("G", "k", "enter")  # Sample article 1 has the 25-comment thread
    await settle(pilot)
    await pilot.press("c")
    await pilot.pause()
    return pilot.app.screen.query_one(CommentTree)


async def test_comment_tree_shows_the_thread_and_the_selected_comment(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = await open_thread(pilot)
        assert app.focused is tree
        assert len(tree.comments) == 25
        assert app.screen.pane_title("comments").title == "Comments (25)"
        first = tree.cursor_node
        label = first.label.plain
        assert label.startswith("user1 · 9d ago") and "Comment 1: I agree" in label
        detail = app.screen.query_one("#comment-detail").plain
        assert "A second line of comment 1" in detail
        await pilot.press("j")
        assert tree.cursor_node.data.key == "c2"
        assert "A second line of comment 2" in app.screen.query_one("#comment-detail").plain


async def test_comment_keys_fold_and_jump(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = await open_thread(pilot)
        top = [n.data.key for n in tree.root.children]
        assert top == ["c1", "c6", "c11", "c16", "c21"]
        await pilot.press("right_square_bracket")
        assert tree.cursor_node.data.key == "c6"
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert tree.cursor_node.data.key == "c16"
        await pilot.press("left_square_bracket")
        assert tree.cursor_node.data.key == "c11"
        await pilot.press("j", "j")  # c12 then its reply c13
        assert tree.cursor_node.data.key == "c13"
        await pilot.press("p")
        assert tree.cursor_node.data.key == "c12"
        await pilot.press("p")
        assert tree.cursor_node.data.key == "c11"
        node = tree.cursor_node
        await pilot.press("enter")
        assert not node.is_expanded
        await pilot.press("space")
        assert node.is_expanded
        await pilot.press("E")
        await pilot.pause()
        assert all(not n.is_expanded for n in tree.root.children)
        assert tree.last_line == 4
        await pilot.press("e")
        await pilot.pause()
        assert tree.last_line == 24
        await pilot.press("G")
        assert tree.cursor_line == 24
        await pilot.press("g")
        assert tree.cursor_line == 0
        await pilot.press("pagedown")
        assert tree.cursor_line > 10
        await pilot.press("pageup")
        assert tree.cursor_line == 0


async def test_comments_new_since_the_last_visit_are_marked(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot)  # the first visit: nothing is new
        tree = app.screen.query_one(CommentTree)
        assert tree.new_count == 0
    # A new reply arrives after that visit (the importer merges comments by key).
    from tuireader.store.library import Library

    library = Library.open(f"sqlite:///{library_path}")
    article = parsed_articles()[0]
    article.comments.append(
        ParsedComment(
            key="c26",
            author="latecomer",
            text="A new reply",
            parent_key="c1",
            posted=datetime.now(UTC) + timedelta(seconds=1),
        )
    )
    library.save_article(article)
    library.close()
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = await open_thread(pilot)
        assert tree.new_count == 1
        assert app.screen.pane_title("comments").title == "Comments (26, 1 new)"
        new = [n for n in tree._tree_nodes.values() if n.data is not None and tree.is_new(n.data)]
        assert [n.data.key for n in new] == ["c26"]
        assert new[0].label.plain.startswith("✦ latecomer")


async def test_an_article_without_comments_says_so(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.pane_title("comments").title == "Comments (0)"
        assert "No comments." in app.screen.query_one("#comment-detail").plain


async def test_a_long_comment_text_scrolls_with_the_keyboard(make, library_path) -> None:
    from tuireader.importers.model import ParsedArticle
    from tuireader.store.library import Library

    library = Library.open(f"sqlite:///{library_path}")
    lines = [f"line {i} of a long comment" for i in range(80)]
    library.save_article(
        ParsedArticle(
            title="A long comment",
            text="The article.",
            published=datetime.now(UTC) + timedelta(days=1),  # the newest: first in the list
            comments=[ParsedComment(key="long", author="talker", text="\n".join(lines))],
        )
    )
    library.close()
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g", "enter")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        tree = app.screen.query_one(CommentTree)
        assert app.focused is tree and tree.cursor_node.data.key == "long"
        detail = app.screen.query_one("#comment-detail")
        assert detail.scroll_y == 0 and detail.max_scroll_y > 0
        await pilot.press("J")
        await pilot.pause()
        assert detail.scroll_y > 0
        assert tree.cursor_node.data.key == "long"  # the tree's cursor stays put
        for _ in range(60):  # half a page at a time, down to the last line
            await pilot.press("J")
        await pilot.pause()
        assert detail.scroll_y == detail.max_scroll_y
        await pilot.press("K")
        await pilot.pause()
        assert 0 < detail.scroll_y < detail.max_scroll_y
