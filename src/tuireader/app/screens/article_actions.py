"""The main screen's article actions: states, tags, sort and filters, links.

Each change goes to the store in a thread worker, which posts
:class:`~tuireader.app.messages.ArticleChanged` back; the list then redraws that
row's markers without reloading.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import work

from tuireader.app.backend import SORTS, VIEWS, ListSpec
from tuireader.app.links import follow_url, notify_plain
from tuireader.app.messages import ArticleChanged, CountsChanged, FilterChoices, TagsLoaded

if TYPE_CHECKING:
    from tuireader.app.widgets.article_list import ArticleList
    from tuireader.app.widgets.reader import ReaderView
    from tuireader.store.views import ArticleSummary

__all__ = ["ArticleActions"]

_FLAG_WORDS = {
    "starred": ("Starred", "Unstarred"),
    "read": ("Marked read", "Marked unread"),
    "archived": ("Archived", "Unarchived"),
}


class ArticleActions:
    """Mixin for :class:`~tuireader.app.screens.main.MainScreen`."""

    articles: ArticleList
    reader: ReaderView
    app: Any

    def focused_pane(self) -> str | None: ...  # provided by MainScreen

    # -- which article ------------------------------------------------------------------

    def current_article(self) -> tuple[int, dict[str, bool]] | None:
        """The article an action applies to, with its flags (the list's unless it lacks focus)."""
        view = self.reader.article
        summary = self.articles.current
        if view is not None and (self.focused_pane() in ("reader", "comments") or summary is None):
            return view.id, {"read": view.read, "starred": view.starred, "archived": view.archived}
        if summary is not None:
            flags = {"read": summary.read, "starred": summary.starred, "archived": summary.archived}
            return summary.id, flags
        return None

    def update_reader_flags(self, summary: ArticleSummary) -> None:
        """Keep the reader's copy of the article's flags in step with the store."""
        view = self.reader.article
        if view is not None and view.id == summary.id:
            self.reader.article = replace(
                view, read=summary.read, starred=summary.starred, archived=summary.archived
            )

    def _no_article(self) -> None:
        notify_plain(self.app, "No article selected.", severity="warning")

    # -- flags ---------------------------------------------------------------------------

    def _toggle(self, flag: str) -> None:
        target = self.current_article()
        if target is None:
            self._no_article()
            return
        article_id, flags = target
        self._set_flag(article_id, flag, not flags[flag])

    @work(thread=True, group="set-flag", exit_on_error=False)
    def _set_flag(self, article_id: int, flag: str, value: bool) -> None:
        backend = self.app.backend
        summary = backend.set_flag(article_id, flag, value)
        if summary is not None:
            self.post_message(ArticleChanged(summary))  # type: ignore[attr-defined]
        self.post_message(CountsChanged(backend.counts()))  # type: ignore[attr-defined]
        done, undone = _FLAG_WORDS[flag]
        notify_plain(self.app, done if value else undone, severity="information")

    def action_star(self) -> None:
        """Star or unstar."""
        self._toggle("starred")

    def action_toggle_read(self) -> None:
        """Mark read or unread."""
        self._toggle("read")

    def action_archive(self) -> None:
        """Archive or unarchive."""
        self._toggle("archived")

    # -- tags ------------------------------------------------------------------------------

    def action_tags(self) -> None:
        """Edit the tags (loaded first in a worker)."""
        target = self.current_article()
        if target is None:
            self._no_article()
            return
        self._load_tags(target[0])

    @work(thread=True, group="tags", exit_on_error=False)
    def _load_tags(self, article_id: int) -> None:
        self.post_message(TagsLoaded(article_id, self.app.backend.article_tags(article_id)))  # type: ignore[attr-defined]

    def on_tags_loaded(self, message: TagsLoaded) -> None:
        """Ask for the new tags."""
        from tuireader.app.screens.prompts import TextPrompt

        def save(value: str | None) -> None:
            if value is not None:
                names = [t.strip() for t in value.split(",") if t.strip()]
                self._save_tags(message.article_id, names)

        prompt = TextPrompt(
            "Tags",
            value=", ".join(message.tags),
            placeholder="tag, another tag",
            help="Separate tags with commas. Enter saves, Esc cancels.",
        )
        self.app.push_screen(prompt, save)

    @work(thread=True, group="tags", exit_on_error=False)
    def _save_tags(self, article_id: int, names: list[str]) -> None:
        tags = self.app.backend.set_tags(article_id, names)
        notify_plain(self.app, ", ".join(tags) or "(none)", title="Tags saved")

    # -- sort and filters -------------------------------------------------------------------------

    def _load_spec(self, spec: ListSpec) -> None:
        if self.articles.in_search:
            self.action_back()  # type: ignore[attr-defined]
        self.articles.load(spec)
        notify_plain(self.app, spec.describe(), title="List")

    def action_cycle_sort(self) -> None:
        """Sort by date, title, site in turn."""
        spec = self.articles.spec
        sort = SORTS[(SORTS.index(spec.sort) + 1) % len(SORTS)]
        self._load_spec(replace(spec, sort=sort))  # type: ignore[arg-type]

    def action_cycle_view(self) -> None:
        """Show all, unread, starred, archived in turn."""
        spec = self.articles.spec
        index = VIEWS.index(spec.view) if spec.view in VIEWS else -1
        view = VIEWS[(index + 1) % len(VIEWS)]
        self._load_spec(replace(spec, view=view))  # type: ignore[arg-type]

    def action_filter(self) -> None:
        """Choose a tag or a site to show (loaded in a worker)."""
        self._load_filters()

    @work(thread=True, group="filters", exit_on_error=False)
    def _load_filters(self) -> None:
        backend = self.app.backend
        self.post_message(FilterChoices(backend.tags(), backend.sites()))  # type: ignore[attr-defined]

    def on_filter_choices(self, message: FilterChoices) -> None:
        """Offer every tag and site."""
        from tuireader.app.screens.prompts import ChoicePrompt

        spec = self.articles.spec
        choices: list[tuple[str, ListSpec]] = [
            ("All tags and sites", replace(spec, tag=None, site=None))
        ]
        choices += [(f"Tag: {n} ({c})", replace(spec, tag=n, site=None)) for n, c in message.tags]
        choices += [(f"Site: {n} ({c})", replace(spec, site=n, tag=None)) for n, c in message.sites]

        def chosen(value: ListSpec | None) -> None:
            if value is not None:
                self._load_spec(value)

        self.app.push_screen(ChoicePrompt("Show only", choices), chosen)

    def action_reload(self) -> None:
        """Reload the list and the counts."""
        self.articles.load()
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Read the header's totals in a worker."""
        self._count_worker()

    @work(thread=True, group="counts", exit_on_error=False)
    def _count_worker(self) -> None:
        self.post_message(CountsChanged(self.app.backend.counts()))  # type: ignore[attr-defined]

    # -- links -------------------------------------------------------------------------------------

    def action_follow_link(self) -> None:
        """Ask for a link number and follow it."""
        from tuireader.app.screens.prompts import TextPrompt

        links = self.reader.links
        if not links:
            notify_plain(self.app, "This article has no links.", severity="warning")
            return

        def chosen(value: str | None) -> None:
            if value is None:
                return
            number = value.strip().lstrip("[").rstrip("]")
            if not number.isdigit() or not 1 <= int(number) <= len(links):
                notify_plain(self.app, f"No link {value.strip()[:20]}", severity="warning")
                return
            follow_url(self.app, links[int(number) - 1])

        title = f"Follow link (1–{len(links)})"
        self.app.push_screen(TextPrompt(title, placeholder="number"), chosen)

    def action_open_url(self) -> None:
        """Open (or show and copy) the address of the article in the reader."""
        view = self.reader.article
        if view is None:
            notify_plain(self.app, "Open an article first.", severity="warning")
            return
        url = view.url or view.canonical_url
        if not url:
            notify_plain(self.app, "This article has no address.", severity="warning")
            return
        follow_url(self.app, url)
