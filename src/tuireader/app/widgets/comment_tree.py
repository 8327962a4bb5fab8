"""The comment thread as a Textual ``Tree`` (it renders only the visible rows).

Each node shows the author, a relative time and the comment's first line; the
selected comment's full text is shown by :class:`CommentDetail` below the tree.
Comments added since the previous visit are marked.  Threads above
:data:`EAGER_LIMIT` comments add their replies when a node is first expanded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tuireader.app.fmt import glyphs, relative_time
from tuireader.app.keymap import bindings_for
from tuireader.app.widgets.scrolling import set_virtual_size
from tuireader.store.views import CommentNode
from tuireader.text import safe_line, safe_text

if TYPE_CHECKING:
    from tuireader.store.views import NoteView

__all__ = ["CommentTree", "CommentDetail", "EAGER_LIMIT", "first_line"]

EAGER_LIMIT = 1500
"""Threads up to this size are built and expanded at once."""
FIRST_LINE_CHARS = 200


def first_line(text: str) -> str:
    """The first non-empty line of a comment, made safe and short."""
    for line in safe_text(text).split("\n"):
        if line.strip():
            return safe_line(line)[:FIRST_LINE_CHARS]
    return ""


class CommentTree(Tree[CommentNode]):
    """The thread of the open article."""

    BINDINGS = bindings_for("comments")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "comment-tree--author",
        "comment-tree--time",
        "comment-tree--new",
    }

    class ScrollText(Message):
        """Scroll the selected comment's text by half a page (*direction* 1 or -1)."""

        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    def __init__(self, *, id: str | None = None, clock: Callable[[], datetime]) -> None:
        super().__init__("comments", id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self.clock = clock
        self.comments: tuple[CommentNode, ...] = ()
        self.since: datetime | None = None
        """The previous visit: comments added after it are marked new."""
        self.new_count = 0
        self._children: dict[int | None, list[CommentNode]] = {}
        self._populated: set[int] = set()

    def process_label(self, label: object) -> Text:
        """Labels are never markup: a ``str`` is shown as it is (made safe)."""
        if isinstance(label, Text):
            return label
        return Text(safe_line(label))

    def is_new(self, comment: CommentNode) -> bool:
        """True when *comment* arrived after the previous visit."""
        return self.since is not None and comment.added > self.since

    def label_for(self, comment: CommentNode, now: datetime) -> Text:
        """``✦ author · 3h ago  first line``."""
        label = Text()
        if self.is_new(comment):
            label.append(glyphs().new + " ", style=self._style("new"))
        label.append(safe_line(comment.author) or "anonymous", style=self._style("author"))
        when = relative_time(comment.posted or comment.added, now)
        if when:
            label.append(" · " + when, style=self._style("time"))
        label.append("  " + first_line(comment.text))
        return label

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"comment-tree--{name}")

    def show_thread(self, comments: Sequence[CommentNode], since: datetime | None) -> None:
        """Show *comments* (in thread order); those added after *since* are marked new."""
        if not comments and not self.comments:
            self.since, self.new_count = since, 0  # empty before and after: no relayout
            return
        self.clear()
        self.comments = tuple(comments)
        self.since = since
        self.new_count = sum(1 for c in comments if self.is_new(c))
        children: dict[int | None, list[CommentNode]] = {}
        known = {c.id for c in comments}
        for comment in comments:
            parent = comment.parent_id if comment.parent_id in known else None
            children.setdefault(parent, []).append(comment)
        self._children = children
        self._populated = set()
        eager = len(comments) <= EAGER_LIMIT
        self._add_children(self.root, None, eager=eager)
        self.root.expand()
        if comments:
            self.cursor_line = 0

    def _add_children(
        self, node: TreeNode[CommentNode], parent: int | None, *, eager: bool
    ) -> None:
        now = self.clock()
        for comment in self._children.get(parent, ()):
            has_replies = comment.id in self._children
            child = node.add(
                self.label_for(comment, now), data=comment, expand=eager, allow_expand=has_replies
            )
            if has_replies and eager:
                self._populated.add(comment.id)
                self._add_children(child, comment.id, eager=True)

    def _ensure_children(self, node: TreeNode[CommentNode]) -> None:
        comment = node.data
        if comment is not None and comment.id not in self._populated:
            self._populated.add(comment.id)
            self._add_children(node, comment.id, eager=False)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[CommentNode]) -> None:
        """Add a lazy node's replies when it opens."""
        self._ensure_children(event.node)

    def select_comment(self, comment_id: int) -> bool:
        """Put the cursor on the comment *comment_id* (opening its ancestors); False if absent."""
        by_id = {c.id: c for c in self.comments}
        if comment_id not in by_id:
            return False
        path = []
        current: CommentNode | None = by_id[comment_id]
        while current is not None:
            path.append(current.id)
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
        node = self.root
        for cid in reversed(path):
            if node is not self.root:
                self._ensure_children(node)
            node.expand()
            match = next(
                (n for n in node.children if n.data is not None and n.data.id == cid), None
            )
            if match is None:
                return False
            node = match
        self.call_after_refresh(self.move_cursor, node, animate=False)
        return True

    # -- actions ------------------------------------------------------------------------------

    def action_toggle(self) -> None:
        """Expand or collapse the comment under the cursor."""
        node = self.cursor_node
        if node is not None and node.allow_expand:
            self._ensure_children(node)
            node.toggle()

    def action_expand_all(self) -> None:
        """Expand every comment."""
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.allow_expand:
                self._ensure_children(node)
                node.expand()
                stack.extend(node.children)

    def action_collapse_all(self) -> None:
        """Collapse every comment to its top-level one."""
        top = self._top_level(self.cursor_node)
        for node in self.root.children:
            node.collapse_all()
        if top is not None:
            self.call_after_refresh(self.move_cursor, top, animate=False)

    def action_parent(self) -> None:
        """Jump to the parent comment."""
        node = self.cursor_node
        if node is not None and node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent, animate=False)

    def _top_level(self, node: TreeNode[CommentNode] | None) -> TreeNode[CommentNode] | None:
        while node is not None and node.parent is not None and node.parent is not self.root:
            node = node.parent
        return node

    def _jump_thread(self, step: int) -> None:
        tops = list(self.root.children)
        if not tops:
            return
        current = self._top_level(self.cursor_node)
        index = tops.index(current) if current in tops else -1
        if step < 0 and current is not None and self.cursor_node is not current:
            target = index  # back to the start of this thread first
        else:
            target = index + step
        target = max(0, min(target, len(tops) - 1))
        self.move_cursor(tops[target], animate=False)
        self.scroll_to_node(tops[target], animate=False)

    def action_next_thread(self) -> None:
        """Jump to the next top-level comment."""
        self._jump_thread(1)

    def action_previous_thread(self) -> None:
        """Jump to the previous top-level comment."""
        self._jump_thread(-1)

    def action_text_down(self) -> None:
        """Scroll the comment's text down (the text pane below the tree)."""
        self.post_message(self.ScrollText(1))

    def action_text_up(self) -> None:
        """Scroll the comment's text up."""
        self.post_message(self.ScrollText(-1))

    def action_page_down(self) -> None:
        """One screen down."""
        self.cursor_line = min(self.last_line, self.cursor_line + max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        """One screen up."""
        self.cursor_line = max(0, self.cursor_line - max(1, self.size.height - 1))


class CommentDetail(ScrollView):
    """The full text of the selected comment (plain text, never markup).

    A line widget: showing another comment repaints it without laying out the
    screen again (a ``Static`` in a scrolling container would).
    """

    DEFAULT_CSS = """
    CommentDetail { height: 1fr; padding: 0 1; overflow-x: hidden; scrollbar-size-vertical: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = False
        self.text = Text("")
        self._wrapped: tuple[int, list[Text]] = (-1, [])

    @property
    def plain(self) -> str:
        """The text shown, as plain text."""
        return self.text.plain

    def scroll_half_page(self, direction: int) -> None:
        """Scroll half a page down (*direction* 1) or up (-1)."""
        step = max(1, self.scrollable_content_region.height // 2)
        self.scroll_to(y=self.scroll_y + direction * step, animate=False, immediate=True)
        self.refresh()

    def show_text(self, text: Text) -> None:
        """Show *text* from its top."""
        if text.plain == self.text.plain and text.spans == self.text.spans:
            return
        self.text = text
        self._wrapped = (-1, [])
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._resize()
        self.refresh()

    def _lines(self) -> list[Text]:
        width = max(8, self.scrollable_content_region.width)
        if self._wrapped[0] != width:
            self._wrapped = (width, list(self.text.wrap(self.app.console, width)))
        return self._wrapped[1]

    def _resize(self) -> None:
        set_virtual_size(self, Size(self.scrollable_content_region.width, len(self._lines())))

    def on_resize(self) -> None:
        """Wrap again at the new width."""
        self._resize()

    def render_line(self, y: int) -> Strip:
        """Draw screen line *y*."""
        lines = self._lines()
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(lines):
            return Strip.blank(width, base)
        segments = list(lines[index].render(self.app.console, end=""))
        return Strip(segments).crop_extend(0, width, base).apply_style(base)

    def show_comment(
        self,
        comment: CommentNode | None,
        now: datetime,
        new: bool = False,
        notes: Sequence[NoteView] = (),
    ) -> None:
        """Show *comment*'s author, time and text, and the user's *notes* on it."""
        if comment is None:
            self.show_text(Text(""))
            return
        head = Text()
        if new:
            head.append("new · ", style="bold")
        head.append(safe_line(comment.author) or "anonymous", style="bold")
        when = comment.posted or comment.added
        relative = relative_time(when, now)
        head.append(f" · {when:%Y-%m-%d %H:%M}", style="dim")
        if relative.endswith("ago"):
            head.append(f" ({relative})", style="dim")
        head.append("\n")
        head.append(safe_text(comment.text))
        for note in notes:
            head.append(f"\n\n✎ Your note ({note.created:%Y-%m-%d})\n", style="bold")
            head.append(safe_text(note.text))
        self.show_text(head)
