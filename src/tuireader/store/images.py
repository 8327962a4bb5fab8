"""The images an article keeps offline (rows of ``article_image``; files in the data folder)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select

from tuireader.store.db import Database, StoreError
from tuireader.store.models import Article, ArticleImage
from tuireader.store.views import ImageView
from tuireader.text import safe_line

__all__ = ["replace_images", "article_images"]


def replace_images(db: Database, article_id: int, records: Iterable[Any]) -> None:
    """Record an article's images (objects with ``number``, ``url``, ``alt``,
    ``sha256``, ``content_type``, ``size``, ``error``), replacing the previous list."""
    with db.transaction() as s:
        if s.get(Article, article_id) is None:
            raise StoreError(f"no article with id {article_id}")
        s.execute(delete(ArticleImage).where(ArticleImage.article_id == article_id))  # type: ignore[arg-type]
        for r in records:
            s.add(
                ArticleImage(
                    article_id=article_id,
                    number=int(r.number),
                    url=safe_line(r.url)[:8192],
                    alt=safe_line(r.alt)[:300],
                    sha256=r.sha256,
                    content_type=r.content_type,
                    size=int(r.size),
                    error=(safe_line(r.error)[:300] or None) if r.error else None,
                )
            )


def article_images(db: Database, article_id: int) -> list[ImageView]:
    """The images recorded for an article, by number."""
    with db.session() as s:
        rows = s.execute(
            select(ArticleImage)
            .where(ArticleImage.article_id == article_id)
            .order_by(ArticleImage.number)
        ).scalars()
        return [
            ImageView(r.number, r.url, r.alt, r.sha256, r.content_type, r.size, r.error)
            for r in rows
        ]
