"""Exporting notes: Markdown files for Obsidian and Logseq, and W3C Web Annotations.

Markdown: one file per article that has notes, with YAML front matter (title,
URL, site, date, tags), its highlights as block quotes each followed by its
note, its article notes, and its comment notes with the comment's author.
Text from the article and its comments is escaped so that it stays text in the
reading app; the notes themselves are the user's own Markdown and are kept.

JSON: a W3C Web Annotation ``AnnotationCollection`` (JSON-LD) whose annotations
have a ``TextualBody`` and target the article's URL with a
``TextQuoteSelector`` and a ``TextPositionSelector``; a note on a comment
targets the comment, within the article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

from sqlalchemy import select

from tuireader import __version__
from tuireader.export.backup import iso
from tuireader.export.markdown import safe_filename, write_unique
from tuireader.store.db import Database
from tuireader.store.models import Note
from tuireader.store.queries import get_article
from tuireader.store.types import utcnow
from tuireader.store.views import ArticleView, NoteView

__all__ = [
    "ANNO_CONTEXT",
    "JSON_NAME",
    "article_notes_markdown",
    "annotation",
    "notes_collection",
    "write_notes_markdown",
    "write_notes_json",
    "iter_noted_articles",
]

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
JSON_NAME = "notes.jsonld"
"""The file ``export notes --format json`` writes in its folder."""
COMMENT_EXCERPT = 300
"""How much of a comment the Markdown shows above a note on it."""

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#&])")


def inert(text: str) -> str:
    """Text from the article or a commenter, escaped so Markdown shows it as typed."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _quote_block(text: str) -> list[str]:
    return [("> " + inert(line)).rstrip() for line in text.strip().splitlines()] or [">"]


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _tag(name: str) -> str:
    """A tag as Obsidian and Logseq accept it: no spaces, no leading ``#``."""
    return "-".join(name.lstrip("#").split())


def iter_noted_articles(db: Database) -> Iterator[ArticleView]:
    """Every article that has a note, oldest id first."""
    with db.session() as s:
        ids = list(
            s.execute(select(Note.article_id).distinct().order_by(Note.article_id)).scalars()
        )
    for article_id in ids:
        yield get_article(db, article_id)


def _highlights(view: ArticleView) -> list[NoteView]:
    marks = [n for n in view.notes if n.quote and n.comment_id is None]
    return sorted(marks, key=lambda n: (n.orphaned, n.start or 0, n.created, n.id))


def article_notes_markdown(view: ArticleView) -> str:
    """One article's notes as a Markdown page with front matter."""
    front = ["---", f"title: {_yaml(view.title)}"]
    if view.url:
        front.append(f"url: {_yaml(view.url)}")
    if view.site:
        front.append(f"site: {_yaml(view.site)}")
    if view.author:
        front.append(f"author: {_yaml(view.author)}")
    front.append(f"date: {(view.published or view.added).date().isoformat()}")
    front.append("tags: [" + ", ".join(_yaml(_tag(t)) for t in view.tags if _tag(t)) + "]")
    front.append("---")
    out = ["\n".join(front), "", f"# {inert(view.title)}", ""]
    if view.url:
        out += [f"<{view.url}>" if _plain_url(view.url) else inert(view.url), ""]
    marks = _highlights(view)
    if marks:
        out += ["## Highlights", ""]
        for n in marks:
            out += _quote_block(n.quote or "") + [""]
            if n.orphaned:
                out += ["*This passage is no longer in the article.*", ""]
            if n.text.strip():
                out += [n.text.strip(), ""]
    plain = [n for n in view.notes if not n.quote and n.comment_id is None]
    if plain:
        out += ["## Notes", ""]
        for n in plain:
            out += [n.text.strip(), ""]
    on_comments = [n for n in view.notes if n.comment_id is not None]
    if on_comments:
        out += ["## Notes on comments", ""]
        out += _comment_notes(view, on_comments)
    return "\n".join(out).rstrip("\n") + "\n"


def _comment_notes(view: ArticleView, notes: list[NoteView]) -> list[str]:
    """The notes on comments, grouped under each comment (author, date, an excerpt)."""
    comments = {c.id: c for c in view.comments}
    out: list[str] = []
    seen: set[int] = set()
    order = sorted(
        notes, key=lambda n: (getattr(comments.get(n.comment_id or 0), "position", 0), n.id)
    )
    for n in order:
        c = comments.get(n.comment_id or 0)
        if n.comment_id not in seen:
            seen.add(n.comment_id or 0)
            author = inert(n.comment_author or (c.author if c else "") or "anonymous")
            when = f" ({c.posted.date().isoformat()})" if c and c.posted else ""
            out += [f"On the comment by **{author}**{when}:", ""]
            if c is not None:
                excerpt = c.text.strip()
                if len(excerpt) > COMMENT_EXCERPT:
                    excerpt = excerpt[:COMMENT_EXCERPT].rstrip() + "…"
                out += _quote_block(excerpt) + [""]
        if n.quote:
            out += _quote_block(n.quote) + [""]
        out += [n.text.strip(), ""]
    return out


def _plain_url(url: str) -> bool:
    return url.startswith(("http://", "https://")) and not re.search(r"[\s<>]", url)


def _source(view: ArticleView) -> str:
    return view.url or view.canonical_url or f"urn:tuireader:article:{view.id}"


def annotation(note: NoteView, view: ArticleView) -> dict[str, Any]:
    """One note as a W3C Web Annotation."""
    source = _source(view)
    target: Any
    if note.comment_id is not None:
        comment = next((c for c in view.comments if c.id == note.comment_id), None)
        key = comment.key if comment else str(note.comment_id)
        resource: dict[str, Any] = {
            "id": f"urn:tuireader:article:{view.id}:comment:{url_quote(key, safe='')}",
            "type": "Text",
        }
        if comment is not None:
            resource["creator"] = {"type": "Person", "name": comment.author}
            if comment.posted:
                resource["created"] = iso(comment.posted)
        target = {"type": "SpecificResource", "source": resource, "scope": source}
        if note.quote:
            target["selector"] = {"type": "TextQuoteSelector", "exact": note.quote}
    elif note.quote:
        selectors: list[dict[str, Any]] = [
            {
                "type": "TextQuoteSelector",
                "exact": note.quote,
                "prefix": note.prefix or "",
                "suffix": note.suffix or "",
            }
        ]
        if not note.orphaned and note.start is not None and note.end is not None:
            selectors.append({"type": "TextPositionSelector", "start": note.start, "end": note.end})
        target = {"source": source, "selector": selectors}
    else:
        target = source
    anno: dict[str, Any] = {
        "id": f"urn:tuireader:note:{note.id}",
        "type": "Annotation",
        "motivation": "highlighting" if note.quote and not note.text.strip() else "commenting",
        "created": iso(note.created),
        "modified": iso(note.updated),
    }
    if note.text.strip():
        anno["body"] = {
            "type": "TextualBody",
            "value": note.text,
            "format": "text/markdown",
            "purpose": "commenting",
        }
    anno["target"] = target
    return anno


def notes_collection(db: Database, *, now: datetime | None = None) -> dict[str, Any]:
    """Every note of the library as a W3C ``AnnotationCollection``."""
    items = [annotation(n, view) for view in iter_noted_articles(db) for n in view.notes]
    return {
        "@context": ANNO_CONTEXT,
        "id": "urn:tuireader:notes",
        "type": "AnnotationCollection",
        "label": f"Notes exported by tuireader {__version__} on {iso(now or utcnow())}",
        "total": len(items),
        "first": {
            "id": "urn:tuireader:notes:page:1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def _refuse_existing(paths: list[Path]) -> None:
    taken = [p for p in paths if p.exists() or p.is_symlink()]
    if taken:
        more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
        raise FileExistsError(f"{taken[0]} exists{more}; use --force to overwrite")


def write_notes_markdown(db: Database, directory: Path, *, force: bool = False) -> list[Path]:
    """Write one Markdown file per noted article into *directory*; return the files.

    Names come from the titles (made safe; twins get `` (2)``).  Nothing is
    written when a file is already there, unless *force*.
    """
    pages: list[tuple[str, str]] = []
    used: set[str] = set()
    for view in iter_noted_articles(db):
        name = safe_filename(view.title)
        stem, n = name[: -len(".md")], 2
        while name.casefold() in used:
            name = f"{stem} ({n}).md"
            n += 1
        used.add(name.casefold())
        pages.append((name, article_notes_markdown(view)))
    directory.mkdir(parents=True, exist_ok=True)
    if not force:
        _refuse_existing([directory / name for name, _ in pages])
    return [write_unique(directory, name, text, force=True) for name, text in pages]


def write_notes_json(
    db: Database, directory: Path, *, force: bool = False, now: datetime | None = None
) -> Path:
    """Write the annotation collection to ``directory/notes.jsonld``; return the file."""
    directory.mkdir(parents=True, exist_ok=True)
    if not force:
        _refuse_existing([directory / JSON_NAME])
    text = json.dumps(notes_collection(db, now=now), ensure_ascii=False, indent=2) + "\n"
    return write_unique(directory, JSON_NAME, text, force=True)
