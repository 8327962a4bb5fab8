"""A footer that is rebuilt only when the keys it shows change.

Textual's ``Footer`` recomposes (removes and mounts its key widgets, then lays
out the screen) on every focus change.  The reader's footer shows the same
screen-wide keys whichever pane has the focus, so :class:`ReaderFooter` skips
the rebuild when the shown bindings are the same as last time.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["ReaderFooter"]


class ReaderFooter(Footer):
    """``Footer`` without the rebuild when nothing it shows changed."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[tuple[str, str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild only if the shown keys, their labels or their states differ."""
        shown = tuple(
            (key, active.binding.action, active.binding.description, active.enabled)
            for key, active in screen.active_bindings.items()
            if active.binding.show
        )
        if shown == self._shown:
            return
        self._shown = shown
        super().bindings_changed(screen)
