"""Build the synthetic benchmark library: N articles × 10 comments, with Core bulk inserts.

The schema comes from ``Library.open`` (the real migrations, FTS triggers
included); the rows go in with SQLAlchemy Core ``insert(...)`` executemany in
batches.  Three extra articles of 3 KB, 30 KB and 300 KB of Markdown are added
for the reader timings; their ids are returned.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = [
    "reading",
    "terminal",
    "library",
    "offline",
    "article",
    "comment",
    "thread",
    "note",
    "search",
    "quiet",
    "window",
    "paragraph",
    "keyboard",
    "focus",
    "cursor",
    "page",
    "render",
    "line",
    "widget",
    "layout",
    "theme",
    "colour",
    "string",
    "history",
    "network",
    "archive",
    "simple",
    "careful",
    "measure",
    "detail",
    "signal",
    "pattern",
    "voice",
    "river",
]
SITES = [f"site{n}.example" for n in range(50)]
COMMENTS_PER_ARTICLE = 10
BATCH = 5000


def words(rng: random.Random, n: int) -> str:
    """*n* random words."""
    return " ".join(rng.choice(WORDS) for _ in range(n))


def markdown_of_size(size: int, seed: int = 7) -> str:
    """A Markdown body of about *size* bytes: headings, paragraphs, lists, quotes, code, links."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    n = 0
    while total < size:
        n += 1
        kind = n % 9
        if kind == 0:
            part = f"## Section {n}: {words(rng, 4)}"
        elif kind == 3:
            part = "\n".join(
                f"- {words(rng, 8)} [link](https://example.org/{n}/{i})" for i in range(4)
            )
        elif kind == 5:
            part = "> " + words(rng, 40)
        elif kind == 7:
            part = "```\n" + "\n".join(f"line_{i} = {words(rng, 4)!r}" for i in range(6)) + "\n```"
        else:
            part = f"{words(rng, 60)} *{words(rng, 3)}* **{words(rng, 2)}** {words(rng, 50)}."
        parts.append(part)
        total += len(part) + 2
    return "\n\n".join(parts)[:size]


def build(path: Path, count: int, *, seed: int = 1) -> dict[str, int]:
    """Create the library at *path*; return the ids of the 3/30/300 KB articles."""
    from sqlalchemy import insert

    from tuireader.store.library import Library
    from tuireader.store.models import Article, Comment

    library = Library.open(f"sqlite:///{path}")
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    engine = library.db.engine
    article_table = Article.__table__  # type: ignore[attr-defined]
    comment_table = Comment.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        for first in range(1, count + 1, BATCH):
            rows, comments = [], []
            for i in range(first, min(first + BATCH, count + 1)):
                when = start + timedelta(minutes=37 * i)
                body = words(rng, 80)
                rows.append(
                    {
                        "id": i,
                        "dedup_key": f"bench:{i}",
                        "site": SITES[i % len(SITES)],
                        "title": f"Article {i}: {words(rng, 6)}",
                        "url": f"https://{SITES[i % len(SITES)]}/a/{i}",
                        "author": f"writer {i % 97}",
                        "published": when,
                        "added": when,
                        "updated": when,
                        "sort_date": when,
                        "body_markdown": body,
                        "text": body,
                        "word_count": 80,
                        "content_hash": f"h{i}",
                        "read": i % 3 == 0,
                        "starred": i % 17 == 0,
                        "archived": i % 11 == 0,
                        "reading_position": 0,
                        "comment_count": COMMENTS_PER_ARTICLE,
                        "note_count": 0,
                        "pending": False,
                    }
                )
                for k in range(COMMENTS_PER_ARTICLE):
                    cid = i * COMMENTS_PER_ARTICLE + k
                    parent = None if k % 4 == 0 else cid - 1
                    comments.append(
                        {
                            "id": cid,
                            "article_id": i,
                            "parent_id": parent,
                            "key": f"c{k}",
                            "author": f"user{(i + k) % 500}",
                            "posted": when + timedelta(minutes=k),
                            "text": words(rng, 25),
                            "position": k,
                            "depth": 0 if parent is None else (k % 4),
                            "flat": False,
                            "added": when,
                        }
                    )
            conn.execute(insert(article_table), rows)
            conn.execute(insert(comment_table), comments)
    big: dict[str, int] = {}
    with engine.begin() as conn:
        for n, (label, size) in enumerate((("3KB", 3_000), ("30KB", 30_000), ("300KB", 300_000))):
            article_id = count + 1 + n
            body = markdown_of_size(size, seed=n)
            when = start + timedelta(minutes=37 * (count + 10))
            conn.execute(
                insert(article_table),
                [
                    {
                        "id": article_id,
                        "dedup_key": f"bench:big:{label}",
                        "site": "big.example",
                        "title": f"A {label} article",
                        "published": when,
                        "added": when,
                        "updated": when,
                        "sort_date": when,
                        "body_markdown": body,
                        "text": body,
                        "word_count": len(body.split()),
                        "content_hash": label,
                        "read": False,
                        "starred": False,
                        "archived": False,
                        "reading_position": 0,
                        "comment_count": 0,
                        "note_count": 0,
                        "pending": False,
                    }
                ],
            )
            big[label] = article_id
    library.close()
    return big
