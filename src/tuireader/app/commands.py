"""The command palette (ctrl+p): every action of :data:`~tuireader.app.keymap.KEYS`.

Each command runs its action on the node the binding belongs to (the app, the
main screen, the list, the reader or the comments), so the palette can do
everything the keys can.  The keys of dialogs, the help screen, the note
editor and selection mode work only inside them and are not listed.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.markup import escape

from tuireader.app.keymap import KEYS, TARGETS, KeySpec, key_display, keys_for

__all__ = ["ActionsProvider", "command_text"]

_WIDGET_IDS = {"list": "#articles", "reader": "#reader", "comments": "#comments"}


def command_text(spec: KeySpec) -> str:
    """``Reader: Page down`` — the text the palette matches against."""
    return f"{TARGETS[spec.target]}: {spec.description}"


class ActionsProvider(Provider):
    """Lists every bound action, with its current keys."""

    def _target(self, spec: KeySpec) -> DOMNode | None:
        app = self.app
        if spec.target == "app":
            return app
        from tuireader.app.screens.main import MainScreen

        main = next((s for s in app.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            return None
        if spec.target == "screen":
            return main
        selector = _WIDGET_IDS.get(spec.target)
        if selector is None:
            return None
        found = main.query(selector)  # the comment tree is mounted after the first frame
        return found.first() if found else None

    def _commands(self) -> list[tuple[KeySpec, DOMNode]]:
        found = []
        for spec in KEYS:
            if spec.id == "app.palette":
                continue
            node = self._target(spec)
            if node is not None:
                found.append((spec, node))
        return found

    async def _run(self, spec: KeySpec, node: DOMNode) -> None:
        await node.run_action(spec.action)

    def _help(self, spec: KeySpec) -> str:
        keymap = getattr(self.app, "keymap_overrides", {})
        # The palette parses help as markup: our own words, with brackets escaped.
        return escape(f"{spec.help}  ({key_display(keys_for(spec.id, keymap))})")

    async def discover(self) -> Hits:
        """Every command, in keymap order."""
        for spec, node in self._commands():
            yield DiscoveryHit(
                Text(command_text(spec)),
                partial(self._run, spec, node),
                text=command_text(spec),
                help=self._help(spec),
            )

    async def search(self, query: str) -> Hits:
        """Commands whose text matches *query*."""
        matcher = self.matcher(query)
        for spec, node in self._commands():
            text = command_text(spec)
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._run, spec, node),
                    text=text,
                    help=self._help(spec),
                )
