"""Build deterministic test libraries from tests/fixtures/app/library.json."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from tuireader.importers.model import ParsedArticle, ParsedComment

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "app" / "library.json"
FIXED_NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
"""The clock the tests give the app: relative times are computed against it."""


def fixture_data() -> dict:
    """The fixture: ``{"hostile": str, "articles": [...]}``."""
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def hostile_text() -> str:
    """The hostile string of the fixture (markup, escape sequences, C1, NUL, RLO)."""
    return fixture_data()["hostile"]


def parsed_articles() -> list[ParsedArticle]:
    """The fixture's articles as the importers would produce them."""
    articles = []
    for a in fixture_data()["articles"]:
        published = datetime.fromisoformat(a["published"])
        comments = [
            ParsedComment(
                key=c["key"],
                author=c["author"],
                text=c["text"],
                parent_key=c["parent_key"],
                posted=datetime.fromisoformat(c["posted"]),
            )
            for c in a["comments"]
        ]
        articles.append(
            ParsedArticle(
                title=a["title"],
                body_markdown=a["body_markdown"],
                url=a["url"],
                author=a["author"],
                site=a["site"],
                published=published,
                added=published,
                tags=a["tags"],
                read=a["read"],
                starred=a["starred"],
                archived=a["archived"],
                comments=comments,
            )
        )
    return articles


def build_library(path: Path) -> str:
    """Create a library at *path* filled with the fixture; return its URL."""
    from tuireader.store.library import Library

    url = f"sqlite:///{path}"
    library = Library.open(url)
    try:
        for article in parsed_articles():
            library.save_article(article)
    finally:
        library.close()
    return url


async def settle(pilot: Any) -> None:
    """Wait until every worker is done and the screen has caught up (twice: workers chain)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app: Any) -> str:
    """The text on screen now (what a person would read)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    return console.export_text(styles=False)


def screen_segments(app: Any) -> list[Any]:
    """Every text segment on screen now (control segments left out)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    return [seg for seg in console._record_buffer if not seg.control]
