"""Notes inside a library transaction: importing them, and re-anchoring highlights.

A highlight is a note with a quote and no comment; its selectors point into
the article's plain text.  Whenever that text changes, every highlight is
re-anchored (:func:`reanchor_highlights`) in the same transaction; one that
cannot be found again is marked ``orphaned`` and keeps its old quote.  No
function here ever deletes a note.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuireader.importers.model import ParsedNote, ParsedSource
from tuireader.store.anchoring import TextIndex, make_anchor
from tuireader.store.models import Comment, Note, Source
from tuireader.store.types import as_utc, utcnow
from tuireader.store.userstate import SESSION_USER_KEY
from tuireader.text import safe_line, safe_text

__all__ = ["reanchor_highlights", "import_note", "restore_sources", "anchor_note"]


def _highlights(s: Session, article_id: int) -> list[Note]:
    stmt = select(Note).where(
        Note.article_id == article_id,
        Note.quote.is_not(None),  # type: ignore[union-attr]
        Note.comment_id.is_(None),  # type: ignore[union-attr]
    )
    return list(s.execute(stmt).scalars())


def anchor_note(note: Note, index: TextIndex) -> str:
    """Re-anchor one highlight against *index*; return the outcome's status.

    A highlight found again gets the new quote, context and position; one that
    is not keeps everything it had and is marked orphaned.
    """
    assert note.quote is not None
    result = index.reanchor(
        note.quote, prefix=note.prefix, suffix=note.suffix, start=note.start, end=note.end
    )
    if result.anchor is None:
        note.orphaned = True
        return result.status
    a = result.anchor
    note.quote, note.prefix, note.suffix, note.start, note.end = (
        a.exact,
        a.prefix,
        a.suffix,
        a.start,
        a.end,
    )
    note.orphaned = False
    return result.status


def reanchor_highlights(s: Session, article_id: int, text: str) -> Counter[str]:
    """Re-anchor every highlight of an article against its new *text*.

    Returns how many were ``kept``, moved by an ``exact`` match, found by a
    ``fuzzy`` match or left ``orphaned``.
    """
    outcome: Counter[str] = Counter()
    notes = _highlights(s, article_id)
    if not notes:
        return outcome
    index = TextIndex(text)
    for note in notes:
        outcome[anchor_note(note, index)] += 1
    s.flush()
    return outcome


def import_note(
    s: Session,
    article_id: int,
    article_text: str,
    parsed: ParsedNote,
    *,
    fresh: set[int] | None = None,
) -> int | None:
    """Add a note carried by an import; return its id, or ``None`` if it is there already.

    A dated note is the note with the same creation time on the same comment
    (or on none), whatever its text now: the user may have edited it or its
    highlight may have moved since.  An undated note is matched by text and
    quote.  Notes in *fresh* (added by this same import) are never matches, so
    an import's own notes with equal times are all kept.

    A highlight is checked against the article's text: its position is kept
    when it still holds the quote, else it is re-anchored, else it is kept as
    orphaned.
    """
    body = safe_text(parsed.text)
    quote = safe_text(parsed.quote) if parsed.quote else None
    if quote is not None and not quote.strip():
        quote = None
    if not body.strip() and quote is None:
        return None
    comment_id = None
    if parsed.comment_key:
        comment_id = s.execute(
            select(Comment.id).where(
                Comment.article_id == article_id, Comment.key == safe_line(parsed.comment_key)
            )
        ).scalar()
    created = as_utc(parsed.created)
    same = select(Note.id).where(
        Note.article_id == article_id,
        Note.comment_id.is_(None) if comment_id is None else Note.comment_id == comment_id,  # type: ignore[union-attr]
    )
    if created is not None:
        same = same.where(Note.created == created)
    else:
        same = same.where(
            Note.text == body,
            Note.quote.is_(None) if quote is None else Note.quote == quote,  # type: ignore[union-attr]
        )
    if fresh and created is not None:
        # Dated notes of one import are all kept, even with equal times; an undated
        # note repeated in one import is one note.
        same = same.where(Note.id.not_in(fresh))  # type: ignore[union-attr]
    if s.execute(same.limit(1)).first() is not None:
        return None
    created = created or utcnow()
    note = Note(
        article_id=article_id,
        comment_id=comment_id,
        text=body,
        quote=quote,
        prefix=safe_text(parsed.prefix) if parsed.prefix is not None else None,
        suffix=safe_text(parsed.suffix) if parsed.suffix is not None else None,
        start=parsed.start,
        end=parsed.end,
        orphaned=bool(parsed.orphaned),
        owner=s.info.get(SESSION_USER_KEY, ""),
        shared=bool(parsed.shared),
        created=created,
        updated=as_utc(parsed.updated) or created,
    )
    if quote is not None and comment_id is None:
        place_highlight(note, article_text, trust_position=not parsed.orphaned)
    s.add(note)
    s.flush()
    return note.id


def place_highlight(note: Any, text: str, *, trust_position: bool) -> None:
    """Anchor an imported highlight (a :class:`Note`, or any object with its fields)
    in the article's text."""
    start, end, quote = note.start, note.end, note.quote or ""
    if (
        trust_position
        and start is not None
        and end is not None
        and 0 <= start < end <= len(text)
        and text[start:end] == quote
    ):
        fresh = make_anchor(text, start, end)
        note.prefix = fresh.prefix if note.prefix is None else note.prefix
        note.suffix = fresh.suffix if note.suffix is None else note.suffix
        note.orphaned = False
        return
    anchor_note(note, TextIndex(text))


def restore_sources(s: Session, sources: Iterable[ParsedSource]) -> None:
    """Add the sites and feeds of a backup; ones already known only get missing fields."""
    for parsed in sources:
        name = safe_line(parsed.name)[:300]
        if not name:
            continue
        feed_url = safe_line(parsed.feed_url) or None
        kind = parsed.kind if parsed.kind in ("site", "feed") else "site"
        if feed_url:
            row = s.execute(select(Source).where(Source.feed_url == feed_url)).scalars().first()
        else:
            row = (
                s.execute(select(Source).where(Source.name == name, Source.feed_url.is_(None)))  # type: ignore[union-attr]
                .scalars()
                .first()
            )
        if row is None:
            row = Source(name=name, kind=kind, created=as_utc(parsed.created) or utcnow())
            s.add(row)
        row.feed_url = row.feed_url or feed_url
        row.url = row.url or safe_line(parsed.url) or None
        row.etag = row.etag or safe_line(parsed.etag) or None
        row.last_modified = row.last_modified or safe_line(parsed.last_modified) or None
        row.last_error = row.last_error or safe_line(parsed.last_error) or None
        row.last_synced = row.last_synced or as_utc(parsed.last_synced)
    s.flush()
