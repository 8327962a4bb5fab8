"""Look-ups the web import needs: pending articles, and articles by their URLs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select

from tuireader.store.db import Database
from tuireader.store.models import Article

__all__ = ["PendingArticle", "pending_articles", "find_by_urls"]

_CHUNK = 400


@dataclass(frozen=True, slots=True)
class PendingArticle:
    """An article whose page is still to be fetched."""

    id: int
    url: str
    title: str
    fetch_error: str | None = None


def pending_articles(
    db: Database,
    *,
    retry_failed: bool = False,
    ids: Iterable[int] | None = None,
    limit: int | None = None,
) -> list[PendingArticle]:
    """Pending articles with a URL, oldest first.

    Those whose last fetch failed are left out unless *retry_failed*; *ids*
    restricts the look-up to these articles (failed ones included).
    """
    stmt = select(Article.id, Article.url, Article.title, Article.fetch_error).where(
        Article.pending.is_(True),  # type: ignore[attr-defined]
        Article.url.is_not(None),  # type: ignore[union-attr]
    )
    wanted = None if ids is None else sorted(set(ids))
    if wanted is not None:
        stmt = stmt.where(Article.id.in_(wanted))  # type: ignore[union-attr]
    elif not retry_failed:
        stmt = stmt.where(Article.fetch_error.is_(None))  # type: ignore[union-attr]
    stmt = stmt.order_by(Article.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.session() as s:
        return [PendingArticle(int(i), str(u), t or "", e) for i, u, t, e in s.execute(stmt)]


def find_by_urls(db: Database, urls: Iterable[str]) -> dict[str, tuple[int, bool]]:
    """Map each of *urls* that an article has as its URL or canonical URL to
    ``(article_id, pending)`` (the oldest such article)."""
    wanted = sorted({u for u in urls if u})
    found: dict[str, tuple[int, bool]] = {}
    with db.session() as s:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            in_chunk = set(chunk)
            rows = s.execute(
                select(Article.id, Article.url, Article.canonical_url, Article.pending)
                .where(or_(Article.url.in_(chunk), Article.canonical_url.in_(chunk)))  # type: ignore[union-attr]
                .order_by(Article.id.desc())  # type: ignore[union-attr]
            )
            for article_id, url, canonical, pending in rows:
                for value in (url, canonical):
                    if value in in_chunk:
                        found[value] = (int(article_id), bool(pending))
    return found
