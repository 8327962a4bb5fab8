"""The application: settings, themes, keymap, the screens, opening the library.

The library is opened in a thread worker (the store's imports and migrations
never delay the first frame).  Meanwhile another worker reads the list's first
page with plain ``sqlite3`` (:mod:`tuireader.store.quicklist`), so the newest
articles show before the store has loaded; a worker that needs the library
while it is still opening waits for it (:attr:`ReaderApp.backend`).  A library
that cannot be opened shows an error screen, and ``q`` exits with the message
and status 1.  A new library is filled with the samples (``sample=True``) in
another worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import BindingType

from tuireader.app.backend import Backend, ListSpec
from tuireader.app.config import DARK_THEME, LIGHT_THEME, LoadedSettings, Settings, load_settings
from tuireader.app.keymap import bindings_for
from tuireader.app.links import notify_plain
from tuireader.app.messages import FirstPageRead, LibraryChanged, LibraryFailed, LibraryOpened
from tuireader.app.screens.main import MainScreen
from tuireader.app.themes import THEMES
from tuireader.app.workers import ReportWorkerErrors, describe_error
from tuireader.paths import sample_data_dir, styles_dir
from tuireader.remote import policy

if TYPE_CHECKING:
    from concurrent.futures import Future

    from textual.command import Provider

    from tuireader.store.quicklist import FirstPage

__all__ = ["ReaderApp", "make_app"]

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _actions_provider() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (faster start)."""
    from tuireader.app.commands import ActionsProvider

    return ActionsProvider


class ReaderApp(ReportWorkerErrors, App[None]):
    """tuireader's terminal app."""

    CSS_PATH: ClassVar = [styles_dir() / "app.tcss"]
    TITLE = "tuireader"
    BINDINGS: ClassVar[list[BindingType]] = bindings_for("app")
    COMMANDS: ClassVar = App.COMMANDS | {_actions_provider}

    def __init__(
        self,
        db_url: str,
        *,
        settings: Settings | None = None,
        sample: bool = True,
        clock: Clock | None = None,
        warnings: list[str] | None = None,
        first_page: Future[FirstPage | None] | None = None,
    ) -> None:
        super().__init__()
        self._early_page = first_page
        """The list's first page being read since before the app started (``launch``)."""
        self.db_url = db_url
        self.settings = settings or Settings()
        self.sample = sample
        self.clock: Clock = clock or _utcnow
        """The time relative dates are computed against (tests inject a fixed one)."""
        self._backend: Backend | None = None
        self._opening_done = threading.Event()
        """Set by the opening worker when it ends, whether the library opened or not."""
        self._opened: Backend | None = None
        self.first_page: FirstPage | None = None
        """The list's first rows read before the library opened (None if not read)."""
        self.open_error: str | None = None
        self.keymap_overrides: dict[str, str] = dict(self.settings.keys)
        """The user's ``[keys]``: binding id → keys (the help screen and palette read it)."""
        self._warnings = list(warnings or [])
        for theme in THEMES:
            self.register_theme(theme)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self._warnings.append(f"unknown theme {self.settings.theme!r}; using {DARK_THEME}")
            self.theme = DARK_THEME
        self.set_keymap(self.keymap_overrides)

    def get_default_screen(self) -> MainScreen:
        """The main screen."""
        return MainScreen()

    def on_mount(self) -> None:
        """Open the library in a worker; report problems with the config file."""
        for warning in self._warnings:
            notify_plain(self, warning, title="config.toml", severity="warning")
        early = self._early_page
        if early is not None and early.done() and early.exception() is None:
            self._got_first_page(early.result())
        else:
            self._read_first_page(early)
        # After the first frame: the store's imports would compete with it for the GIL.
        self.call_after_refresh(self._open_library)

    def run(self, *args: Any, mouse: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        """Run, with the mouse only if both the caller and the settings allow it."""
        return super().run(*args, mouse=mouse and self.settings.mouse, **kwargs)

    @property
    def main(self) -> MainScreen | None:
        """The main screen, when it is in the stack."""
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    # -- the library ------------------------------------------------------------------------

    @property
    def backend(self) -> Backend | None:
        """The open library (None until the opening worker finishes).

        On the UI thread it never waits.  A worker asking while the library is
        still opening (the first page can be on screen before: Enter, ``s``...)
        waits until the opening ends, then gets the library (or None if it failed).
        """
        if self._backend is None and threading.get_ident() != self._thread_id:
            self._opening_done.wait()
            return self._opened
        return self._backend

    @backend.setter
    def backend(self, backend: Backend | None) -> None:
        self._backend = backend

    @work(thread=True, group="first-page", exit_on_error=False)
    def _read_first_page(self, early: Future[FirstPage | None] | None) -> None:
        from tuireader.store.quicklist import first_page

        try:
            page = early.result() if early is not None else first_page(self.db_url)
        except Exception:  # noqa: BLE001 - only a head start: the store reads the list anyway
            page = None
        if page is not None:
            self.post_message(FirstPageRead(page))

    def on_first_page_read(self, message: FirstPageRead) -> None:
        """The first page was read."""
        self._got_first_page(message.page)

    def _got_first_page(self, page: FirstPage | None) -> None:
        """Show the first rows while the library opens (unless it opened first)."""
        if page is None:
            return
        self.first_page = page
        main = self.main
        if self._backend is None and main is not None and main.ready:
            main.articles.show_first_page(page.total, page.rows)

    @work(thread=True, exclusive=True, group="open-library", exit_on_error=False)
    def _open_library(self) -> None:
        backend: Backend | None = None
        try:
            backend = Backend.open(self.db_url)
        except Exception as exc:  # noqa: BLE001 - StoreError and anything the driver raises
            self.post_message(LibraryFailed(describe_error(exc)))
        finally:  # workers waiting for the library go on, with it or without it
            self._opened = backend
            self._opening_done.set()
        if backend is not None:
            self.post_message(LibraryOpened(backend))

    def on_library_opened(self, message: LibraryOpened) -> None:
        """Show the list and the counts; fill a new library with the samples."""
        self.backend = message.backend
        self._show_library(message.backend)

    def _show_library(self, backend: Backend) -> None:
        main = self.main
        if main is not None and main.ready:
            main.library_ready()
        if backend.created and self.sample:
            self._import_samples()
        if main is None or not main.opened_any:  # an open under way warms up by itself
            self._warm_up()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Import and exercise what opening an article needs, before the first Enter.

        The first article read and laid out pays for SQLAlchemy compiling its
        queries and for the reader's first conversion (~70 ms of CPU): done here
        on the newest article (reads only), the first Enter does not wait for it.
        """
        from tuireader.app.widgets.reader_doc import build_document
        from tuireader.app.widgets.reader_markdown import MarkdownConverter
        from tuireader.store import search  # noqa: F401

        MarkdownConverter().convert("# warm\n\n*up* [x](https://example.org)\n")
        backend = self.backend
        if backend is None:
            return
        newest = backend.page(ListSpec(), 0, 1, total=1)
        if newest:
            view = backend.article(newest[0].id)
            next(iter(build_document(view, 60, 0)), None)
            backend.summaries([newest[0].id])

    def on_library_failed(self, message: LibraryFailed) -> None:
        """Show why the library cannot be opened; ``q`` quits."""
        from tuireader.app.screens.error import ErrorScreen

        self.open_error = message.message
        self.push_screen(ErrorScreen(message.message))

    @work(thread=True, exclusive=True, group="import-samples", exit_on_error=False)
    def _import_samples(self) -> None:
        backend = self.backend
        assert backend is not None
        last = [0.0]

        def progress(_path: Path, done: int, total: int) -> None:
            now = self.clock().timestamp()
            if now - last[0] > 0.5 and done < total:
                last[0] = now
                self.post_message(LibraryChanged())

        outcome = backend.import_samples(sample_data_dir(), progress)
        if outcome is not None:
            self.post_message(LibraryChanged(final=True, summary=outcome.summary))

    def on_library_changed(self, message: LibraryChanged) -> None:
        """Articles arrived: reload the list (keeping the cursor) and the counts."""
        main = self.main
        if main is not None and main.ready:
            main.library_ready()
        if message.final:
            notify_plain(self, f"Sample library: {message.summary}", title="Welcome to tuireader")

    # -- app actions ----------------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        from tuireader.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    # -- served to others: nothing acts on the server (tuireader.remote) -------------------

    def get_system_commands(self, screen: Any) -> Any:
        """Textual's palette commands, without "Screenshot" where it would write a server file."""
        screenshot_off = policy().screenshot == "off"
        for command in super().get_system_commands(screen):
            if not (screenshot_off and command.title == "Screenshot"):
                yield command

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save a screenshot here (or send it to the browser), unless served over SSH."""
        if policy().screenshot == "off":
            notify_plain(self, "Screenshots are off when the reader is served over SSH.")
            return None
        return super().deliver_screenshot(filename, path, time_format)

    def action_suspend_process(self) -> None:
        """Suspend to the shell, unless served (there is no shell of the reader's to go to)."""
        if not policy().suspend:
            notify_plain(self, "Suspending is off when the reader is served.")
            return
        super().action_suspend_process()

    async def action_quit(self) -> None:
        """Save the reading position, then quit (with the error, if the library failed)."""
        if self.open_error is not None:
            self.exit(return_code=1, message=Text(f"error: {self.open_error}"))
            return
        main = self.main
        worker = main.save_position() if main is not None and self.backend else None
        if worker is not None:
            await worker.wait()  # type: ignore[attr-defined]
        self.exit()


def make_app(
    db_url: str,
    *,
    sample: bool = True,
    mouse: bool = True,
    config: Settings | Path | None = None,
    clock: Clock | None = None,
    first_page: Future[FirstPage | None] | None = None,
) -> ReaderApp:
    """Build the app for the CLI and the tests.

    *config* is a :class:`Settings`, a path to a ``config.toml``, or None for the
    user's ``config.toml``; *mouse* False turns the mouse off whatever it says;
    *clock* fixes "now" for relative times (tests); *first_page* is the list's
    first page already being read (:func:`tuireader.store.quicklist.read_in_background`),
    else the app reads it in a worker.
    """
    loaded = LoadedSettings(config) if isinstance(config, Settings) else load_settings(config)
    settings = loaded.settings
    if not mouse:
        settings.mouse = False
    return ReaderApp(
        db_url,
        settings=settings,
        sample=sample,
        clock=clock,
        warnings=loaded.warnings,
        first_page=first_page,
    )
