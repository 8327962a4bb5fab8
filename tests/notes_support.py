"""A small fixed library for the notes, export and backup tests (fixed timestamps)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tuireader.importers.model import ParsedArticle, ParsedComment, ParsedNote, ParsedSource
from tuireader.store.library import Library


def t(day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A fixed UTC time in March 2025."""
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


FERRY_TEXT = (
    "The old ferry left the pier at dawn, carrying salt, letters and two goats.\n\n"
    "Nobody on board knew the river would rise that night.\n\n"
    "By noon the water had reached the second step of the temple. "
    "The monks moved the books upstairs, one shelf at a time."
)
FERRY_BODY = "The *old* ferry left the pier at dawn.\n\n" + FERRY_TEXT.split("\n\n", 1)[1]


def span(text: str, passage: str) -> tuple[int, int]:
    """The span of *passage* in *text*."""
    start = text.index(passage)
    return start, start + len(passage)


def highlight(text: str, passage: str, note: str, created: datetime, **kw: object) -> ParsedNote:
    """A highlight note on *passage* as an importer would carry it."""
    start, end = span(text, passage)
    return ParsedNote(
        text=note,
        quote=passage,
        prefix=text[max(0, start - 32) : start],
        suffix=text[end : end + 32],
        start=start,
        end=end,
        created=created,
        **kw,  # type: ignore[arg-type]
    )


def ferry(**changes: object) -> ParsedArticle:
    """The ferry article with its thread, tags and notes."""
    article = ParsedArticle(
        title="The ferry and the flood",
        url="https://river.example/ferry",
        author="Ana Lima",
        published=t(1, 8),
        added=t(2, 9),
        site="River Weekly",
        site_url="https://river.example/",
        language="en",
        body_markdown=FERRY_BODY,
        text=FERRY_TEXT,
        raw=b"<html><body><p>The old ferry left the pier at dawn.</p></body></html>",
        raw_format="html",
        tags=["floods", "river towns"],
        read=True,
        starred=True,
        reading_position=17,
        last_opened=t(5, 20),
        comments=[
            ParsedComment(
                key="c1",
                author="Brother Ma",
                text="I was on that ferry. The goats were calmer than the passengers.",
                posted=t(2, 10),
                added=t(2, 11),
            ),
            ParsedComment(
                key="c2",
                parent_key="c1",
                author="[bold]Mallory[/] <script>",
                text="Citation needed. *Goats* are never calm.",
                posted=t(2, 12),
                added=t(2, 13),
            ),
        ],
        notes=[
            highlight(
                FERRY_TEXT,
                "The monks moved the books upstairs, one shelf at a time.",
                "Compare with the **library** in chapter 3.",
                t(3, 9),
                updated=t(4, 9),
            ),
            highlight(FERRY_TEXT, "the river would rise", "", t(3, 10)),
            ParsedNote(text="Ask Ana about the 1931 flood.\n\n- tide tables\n", created=t(3, 11)),
            ParsedNote(text="Ask him which year.", comment_key="c1", created=t(3, 12)),
            ParsedNote(text="+1", comment_key="c2", created=t(3, 13)),
            ParsedNote(text="+1", comment_key="c1", created=t(3, 14)),
        ],
    )
    for key, value in changes.items():
        setattr(article, key, value)
    return article


def hostile() -> ParsedArticle:
    """An article whose title tries path traversal; an orphaned highlight on it."""
    text = "Plain text of a tricky page. Nothing <b>special</b> [here](javascript:x)."
    return ParsedArticle(
        title="../../.bashrc",
        url="https://tricky.example/a?b=1&c=2",
        published=None,
        added=t(6, 7),
        site="Tricky",
        body_markdown=text,
        text=text,
        tags=[],
        notes=[
            ParsedNote(
                text="This one lost its passage.",
                quote="a sentence that is gone",
                prefix="before ",
                suffix=" after",
                start=3,
                end=26,
                orphaned=True,
                created=t(6, 8),
            ),
            highlight(text, "Nothing <b>special</b> [here](javascript:x).", "odd", t(6, 9)),
        ],
    )


def twin() -> ParsedArticle:
    """A second article titled like the first, without a URL."""
    return ParsedArticle(
        title="The ferry and the flood",
        site="Other Paper",
        added=t(7, 7),
        body_markdown="A different story with the same title.",
        text="A different story with the same title.",
        notes=[ParsedNote(text="Not the same ferry.", created=t(7, 8))],
    )


def quiet() -> ParsedArticle:
    """An article without notes (never exported with the notes)."""
    return ParsedArticle(
        title="No notes here",
        url="https://river.example/quiet",
        added=t(8, 7),
        site="River Weekly",
        body_markdown="Quiet.",
        text="Quiet.",
        pending=False,
        archived=True,
        fetch_error="timed out",
    )


SOURCES = [
    ParsedSource(
        name="River Weekly",
        kind="site",
        url="https://river.example/",
        created=t(1, 1),
    ),
    ParsedSource(
        name="River Weekly feed",
        kind="feed",
        url="https://river.example/",
        feed_url="https://river.example/feed.xml",
        etag='"abc"',
        last_modified="Sat, 01 Mar 2025 10:00:00 GMT",
        last_synced=t(9, 6),
        created=t(1, 2),
    ),
]


def build_library(path: Path) -> Library:
    """A library at *path* with the fixed articles, sources and tags."""
    library = Library.open(f"sqlite:///{path}")
    library.save_many([ferry(), hostile(), twin(), quiet()], sources=SOURCES, tags=["unused tag"])
    return library


def run_cli(*args: str):
    """Run the ``tuireader`` command in-process on a fresh state; return the click result."""
    from typer.testing import CliRunner

    from tuireader.cli import app
    from tuireader.cli.common import state

    state._library = None
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        if state._library is not None:
            state._library.close()
        state._library = None
