"""A stand-in for the reader, run by the SSH server in tests: a tiny Textual app.

It shows its terminal size, what it knows of its environment and the keys typed;
Enter saves the typed text as a note on the library's first article.
Same options as the real command: ``--db URL [--no-sample] [--no-mouse]``.
"""

from __future__ import annotations

import argparse
import os

from textual.app import App, ComposeResult
from textual.events import Key, Paste, Resize
from textual.widgets import Static


class StandIn(App[None]):
    """Prints its size, its environment and the keys it gets."""

    def __init__(self, db_url: str) -> None:
        super().__init__()
        self.db_url = db_url
        self.typed = ""

    def compose(self) -> ComposeResult:
        env = os.environ
        yield Static("", id="size", markup=False)
        yield Static(
            f"remote={env.get('TUIREADER_REMOTE', '-')} agent={'SSH_AUTH_SOCK' in env}"
            f" display={'DISPLAY' in env} term={env.get('TERM', '-')}"
            f" conn={'SSH_CONNECTION' in env}",
            id="env",
            markup=False,
        )
        yield Static("typed=", id="typed", markup=False)
        yield Static("", id="saved", markup=False)

    def on_resize(self, event: Resize) -> None:
        self.query_one("#size", Static).update(f"size={event.size.width}x{event.size.height}")

    def on_key(self, event: Key) -> None:
        if event.key == "enter":
            self.save_note()
        elif event.character and event.character.isprintable():
            self.typed += event.character
            self.query_one("#typed", Static).update(
                f"typed={self.typed[-60:]} len={len(self.typed)}"
            )

    def on_paste(self, event: Paste) -> None:
        self.query_one("#saved", Static).update(f"pasted={len(event.text)}")

    def save_note(self) -> None:
        from sqlalchemy import select

        from tuireader.store.library import Library
        from tuireader.store.models import Article

        library = Library.open(self.db_url)
        try:
            with library.db.session() as s:
                first = s.scalars(select(Article.id).order_by(Article.id)).first()
            note_id = library.add_note(first, self.typed)
        finally:
            library.close()
        self.query_one("#saved", Static).update(f"saved note {note_id}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--no-sample", action="store_true")
    parser.add_argument("--no-mouse", action="store_true")
    args = parser.parse_args()
    StandIn(args.db).run(mouse=not args.no_mouse)


if __name__ == "__main__":
    main()
