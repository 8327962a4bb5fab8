"""How the CLI prints articles (Rich) and their JSON shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Console
from rich.text import Text

from tuireader.store.views import ArticleSummary, ArticleView

__all__ = ["article_json", "summary_json", "print_article"]

# The exporters and rich.markdown are imported when used: ``tuireader`` alone starts the
# app, whose first frame must not wait for SQLAlchemy/SQLModel or markdown-it.


def iso(value: datetime | None) -> str | None:
    """An aware datetime as ISO-8601 with a ``Z`` (the backup's format)."""
    from tuireader.export.backup import iso as backup_iso

    return backup_iso(value)


def summary_json(r: ArticleSummary) -> dict[str, Any]:
    """The ``list --json`` shape of one row."""
    return {
        "id": r.id,
        "title": r.title,
        "site": r.site,
        "date": iso(r.sort_date),
        "comments": r.comment_count,
        "notes": r.note_count,
        "read": r.read,
        "starred": r.starred,
        "archived": r.archived,
        "pending": r.pending,
    }


def article_json(v: ArticleView) -> dict[str, Any]:
    """The ``show --json`` shape."""
    return {
        "id": v.id,
        "url": v.url,
        "title": v.title,
        "author": v.author,
        "published": iso(v.published),
        "added": iso(v.added),
        "site": v.site or None,
        "language": v.language,
        "word_count": v.word_count,
        "body": v.body_markdown,
        "comments": [
            {
                "id": c.id,
                "parent_id": c.parent_id,
                "author": c.author,
                "posted": iso(c.posted),
                "text": c.text,
                "depth": c.depth,
            }
            for c in v.comments
        ],
        "notes": [
            {
                "id": n.id,
                "text": n.text,
                "quote": n.quote,
                "comment_id": n.comment_id,
                "created": iso(n.created),
                "updated": iso(n.updated),
                "owner": n.owner,
                "shared": n.shared,
            }
            for n in v.notes
        ],
        "tags": list(v.tags),
        "read": v.read,
        "starred": v.starred,
        "archived": v.archived,
        "reading_position": v.reading_position,
        "pending": v.pending,
        "fetch_error": v.fetch_error,
    }


def print_article(console: Console, v: ArticleView) -> None:
    """Print an article, its notes and its comment thread."""
    console.print(Text(v.title, style="bold"))
    meta = " · ".join(
        x
        for x in (
            v.site,
            v.author,
            v.published.strftime("%Y-%m-%d") if v.published else None,
            f"{v.word_count} words",
        )
        if x
    )
    console.print(Text(meta, style="dim"))
    if v.url:
        console.print(Text(v.url, style="dim"))
    if v.tags:
        console.print(Text("tags: " + ", ".join(v.tags), style="dim"))
    if v.pending:
        note = "pending: the page is still to be fetched (`tuireader fetch-pending`)"
        if v.fetch_error:
            note += f"; the last try failed: {v.fetch_error}"
        console.print(Text(note, style="dim"))
    console.print()
    from rich.markdown import Markdown

    console.print(Markdown(v.body_markdown or v.text))
    if v.notes:
        console.print()
        console.print(Text(f"Notes ({len(v.notes)})", style="bold"))
        for n in v.notes:
            if n.quote:
                console.print(Text("  > " + n.quote, style="italic"))
            prefix = f"  [on {n.comment_author}'s comment] " if n.comment_author else "  "
            console.print(Text(prefix + n.text))
    if v.comments:
        console.print()
        console.print(Text(f"Comments ({len(v.comments)})", style="bold"))
        for c in v.comments:
            indent = "  " * (min(c.depth, 12) + 1)
            head = Text(indent)
            head.append(c.author, style="bold")
            if c.posted:
                head.append("  " + c.posted.strftime("%Y-%m-%d %H:%M"), style="dim")
            console.print(head)
            for line in c.text.splitlines():
                console.print(Text(indent + line))
