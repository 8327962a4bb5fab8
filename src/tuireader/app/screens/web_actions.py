"""The main screen's web actions: add URLs, import files, sync feeds, fetch pending pages,
and the "what was stripped" view.

Each job runs in a thread worker that runs the shared coroutines of
:mod:`tuireader.webimport` / :mod:`tuireader.feedsync` on its own event loop,
so the UI never waits.  The worker posts :class:`WebProgress` as results
arrive (the header shows ``Adding 2/5…``) and, at most twice a second,
:class:`LibraryChanged` so new articles appear in the list while the job
runs; :class:`WebDone` ends it with a summary notification.  One job of each
kind runs at a time.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from tuireader.app.links import is_web_url, notify_plain
from tuireader.app.messages import LibraryChanged, StrippedReady, WebDone, WebProgress
from tuireader.app.screens.prompts import TextPrompt
from tuireader.app.screens.stripped import StrippedScreen
from tuireader.app.workers import describe_error
from tuireader.remote import policy

if TYPE_CHECKING:
    from tuireader.app.widgets.article_list import ArticleList
    from tuireader.app.widgets.reader import ReaderView

__all__ = ["WebActions", "JOB_LABELS"]

JOB_LABELS = {
    "add": "Adding",
    "import": "Importing",
    "sync": "Syncing feeds",
    "pending": "Fetching pending pages",
}
_MAX_PROBLEMS = 5
_REFRESH_SECONDS = 0.5


class _Progress:
    """Called from the worker's loop with each result: posts progress and, now and
    then, a list reload (so new articles show up while the job runs)."""

    def __init__(self, screen: Any, job: str) -> None:
        self.screen = screen
        self.job = job
        self.last = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        self.screen.post_message(WebProgress(self.job, done, total, label))
        now = time.monotonic()
        if now - self.last >= _REFRESH_SECONDS and done < total:
            self.last = now
            self.screen.app.post_message(LibraryChanged())


def _problems(lines: list[str]) -> list[str]:
    shown = lines[:_MAX_PROBLEMS]
    if len(lines) > _MAX_PROBLEMS:
        shown.append(f"… and {len(lines) - _MAX_PROBLEMS} more")
    return shown


class WebActions:
    """Mixin for :class:`~tuireader.app.screens.main.MainScreen`."""

    articles: ArticleList
    reader: ReaderView
    app: Any

    if TYPE_CHECKING:  # provided by MainScreen and ArticleActions

        def current_article(self) -> tuple[int, dict[str, bool]] | None: ...
        def open_article(self, article_id: int, *, from_search: bool = False) -> None: ...
        def refresh_counts(self) -> None: ...
        def post_message(self, message: Any) -> bool: ...
        def query_one(self, selector: str) -> Any: ...

    def _begin(self, job: str) -> bool:
        running: set[str] = self.__dict__.setdefault("_web_running", set())
        if getattr(self.app, "backend", None) is None:
            notify_plain(self.app, "The library is not open yet.", severity="warning")
            return False
        if job in running:
            notify_plain(self.app, f"{JOB_LABELS[job]}: already running.", severity="warning")
            return False
        running.add(job)
        return True

    def _fail(self, job: str, exc: BaseException) -> None:
        self.post_message(WebDone(job, f"Could not finish: {describe_error(exc)}", []))

    # -- add URL --------------------------------------------------------------------------

    def action_add_url(self) -> None:
        """Ask for URLs, then fetch and save them in a worker."""

        def submitted(value: str | None) -> None:
            urls = (value or "").split()
            if not urls:
                return
            bad = [u for u in urls if not is_web_url(u)]
            if bad:
                notify_plain(self.app, f"Not an http(s) address: {bad[0]}", severity="warning")
                return
            if self._begin("add"):
                self._add_worker(urls)

        prompt = TextPrompt(
            "Add URL",
            placeholder="https://…",
            help="One or more addresses, separated by spaces. Each page is saved with its "
            "comments. Enter adds, Esc cancels.",
        )
        self.app.push_screen(prompt, submitted)

    @work(thread=True, group="web-add", exit_on_error=False)
    def _add_worker(self, urls: list[str]) -> None:
        progress = _Progress(self, "add")
        try:
            results = self.app.backend.add_urls(
                urls, lambda r, done, total: progress(r.title or r.url, done, total)
            )
        except Exception as exc:  # noqa: BLE001 - reported, and the job ends
            self._fail("add", exc)
            return
        added = sum(1 for r in results if r.status == "added")
        updated = sum(1 for r in results if r.status == "updated")
        failed = [f"{r.url}: {r.error}" for r in results if not r.ok]
        if len(results) == 1 and results[0].ok:
            r = results[0]
            comments = f" ({r.comments} comments)" if r.comments else ""
            summary = f"{r.status.capitalize()}: {r.title}{comments}"
        else:
            summary = f"{added} added, {updated} updated, {len(failed)} failed"
        opened = results[0].article_id if len(results) == 1 and results[0].ok else None
        self.post_message(WebDone("add", summary, _problems(failed), opened))

    # -- import files ---------------------------------------------------------------------------

    def action_import_files(self) -> None:
        """Ask for a file or folder on this machine, then import it in a worker."""
        if not (getattr(self.app, "local_files", True) and policy().server_files):
            notify_plain(self.app, "Importing files is off in this session.", severity="warning")
            return

        def submitted(value: str | None) -> None:
            text = (value or "").strip()
            if text and self._begin("import"):
                self._import_worker(Path(text).expanduser())

        prompt = TextPrompt(
            "Import a file or folder",
            placeholder="~/Downloads/pocket.csv",
            help="Pages, Markdown, feeds, OPML, Pocket/Instapaper/Wallabag/Omnivore/Hypothesis "
            "exports, text dumps, bundles. Enter imports, Esc cancels.",
        )
        self.app.push_screen(prompt, submitted)

    @work(thread=True, group="web-import", exit_on_error=False)
    def _import_worker(self, path: Path) -> None:
        progress = _Progress(self, "import")
        try:
            outcome = self.app.backend.import_paths(
                [path], lambda p, done, total: progress(p.name, done, total)
            )
        except Exception as exc:  # noqa: BLE001 - reported, and the job ends
            self._fail("import", exc)
            return
        summary = outcome.summary
        if outcome.feeds or outcome.feeds_known:
            summary += f"; {len(outcome.feeds)} feeds followed"
        lines = [f"{Path(p).name}: {e}" for p, e in outcome.failed]
        lines += [f"{Path(p).name}: {w}" for p, w in outcome.warnings]
        self.post_message(WebDone("import", summary, _problems(lines)))

    # -- feeds and pending pages ---------------------------------------------------------------

    def action_sync_feeds(self) -> None:
        """Sync every feed in a worker."""
        if self._begin("sync"):
            self._sync_worker()

    @work(thread=True, group="web-sync", exit_on_error=False)
    def _sync_worker(self) -> None:
        progress = _Progress(self, "sync")
        try:
            outcome = self.app.backend.sync_feeds(
                lambda r, done, total: progress(r.title, done, total)
            )
        except Exception as exc:  # noqa: BLE001 - reported, and the job ends
            self._fail("sync", exc)
            return
        summary = outcome.summary if outcome.feeds else "No feeds yet (tuireader feed add URL)."
        lines = [f"{r.title}: {r.error}" for r in outcome.failed]
        self.post_message(WebDone("sync", summary, _problems(lines)))

    def action_fetch_pending(self) -> None:
        """Fetch the pending articles' pages in a worker."""
        if self._begin("pending"):
            self._pending_worker()

    @work(thread=True, group="web-pending", exit_on_error=False)
    def _pending_worker(self) -> None:
        progress = _Progress(self, "pending")
        try:
            results = self.app.backend.fetch_pending(
                lambda r, done, total: progress(r.title or r.url, done, total)
            )
        except Exception as exc:  # noqa: BLE001 - reported, and the job ends
            self._fail("pending", exc)
            return
        failed = [f"{r.url}: {r.error}" for r in results if not r.ok]
        if results:
            summary = f"{len(results) - len(failed)} fetched, {len(failed)} failed (still pending)"
        else:
            summary = "Nothing pending."
        self.post_message(WebDone("pending", summary, _problems(failed)))

    # -- progress and results ----------------------------------------------------------------

    def on_web_progress(self, message: WebProgress) -> None:
        """Show the job's progress in the header."""
        label = JOB_LABELS.get(message.job, message.job)
        self.query_one("#header").set_job(
            f"{label} {message.done}/{message.total}: {message.label[:60]}"
        )

    def on_web_done(self, message: WebDone) -> None:
        """Reload the list and the counts; notify the summary (and the problems)."""
        self.__dict__.setdefault("_web_running", set()).discard(message.job)
        self.query_one("#header").set_job("")
        self.articles.load()
        self.refresh_counts()
        title = JOB_LABELS.get(message.job, message.job).replace("Adding", "Add URL")
        body = message.summary
        if message.problems:
            body += "\n" + "\n".join(message.problems)
        severity = "warning" if message.problems or body.startswith("Could not") else "information"
        self.app.notify(body[:1500], title=title, severity=severity, markup=False, timeout=8)
        if message.opened is not None:
            self.open_article(message.opened)

    # -- what was stripped -------------------------------------------------------------------

    def action_stripped(self) -> None:
        """Show what the extractor left out of the current article's saved page."""
        target = self.current_article()
        if target is None:
            notify_plain(self.app, "No article selected.", severity="warning")
            return
        self._stripped_worker(target[0])

    @work(thread=True, exclusive=True, group="stripped", exit_on_error=False)
    def _stripped_worker(self, article_id: int) -> None:
        backend = self.app.backend
        try:
            report = backend.stripped(article_id)
            title = backend.article(article_id).title
        except ValueError as exc:  # ImportError_: no saved page; StoreError is not one
            notify_plain(self.app, str(exc), title="What was stripped", severity="warning")
            return
        self.post_message(StrippedReady(article_id, title, report))

    def on_stripped_ready(self, message: StrippedReady) -> None:
        """Open the view."""
        self.app.push_screen(StrippedScreen(message.title, message.report))
