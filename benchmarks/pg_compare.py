"""List paging and search at N articles on SQLite and PostgreSQL, side by side.

Both libraries are made by the normal migrations and filled with the same
synthetic articles (Zipf-distributed words, comments, notes, two users'
states) through SQLAlchemy Core inserts, then measured through the public API
(``list_page``, ``count_articles``, ``library_counts``, ``search``) as the
primary user (state in the article columns) and as a second user (state in
``user_state``).  Every figure is the median of ``--repeat`` runs, in ms.

    PYTHONPATH=src python benchmarks/pg_compare.py --n 100000 \\
        --pg postgresql+psycopg://postgres@127.0.0.1:54329/tuireader_test

``--pg`` names any database on the server (default: ``$TUIREADER_TEST_PG``);
the benchmark creates and uses its own database ``tuireader_bench_<N>`` there,
and a SQLite file in ``--dir``.  Existing ones with the same N are reused
unless ``--rebuild``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from tuireader.store.library import Library
from tuireader.store.models import Article, ArticleTag, Comment, Note, Tag, UserState
from tuireader.store.queries import (
    ListQuery,
    count_articles,
    cursor_of,
    library_counts,
    list_at_offset,
    list_page,
)
from tuireader.store.search import search
from tuireader.store.users import primary_user

SECOND_USER = "bench-second-user"
CHUNK = 2000


def _vocabulary(rng: random.Random, size: int = 30_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyzéü"
    words = {"okapi", "zebra", "heron", "ground", "operation", "terminal", "reader"}
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 10))))
    return sorted(words)


class Zipf:
    """Words drawn with Zipf's law (the cumulative weights computed once)."""

    def __init__(self, rng: random.Random, vocab: list[str]) -> None:
        self.rng, self.vocab = rng, vocab
        self.cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(vocab))))

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocab, cum_weights=self.cum, k=n)


def rows(n: int, seed: int = 7) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """The synthetic library as (table, rows) chunks; the same for every engine."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    rng.shuffle(vocab)
    zipf = Zipf(rng, vocab)
    sites = [f"site-{i:02d}.example.org" for i in range(50)]
    base = datetime(2015, 1, 1, tzinfo=UTC)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    yield "tag", [{"id": i + 1, "name": f"tag{i}"} for i in range(40)]
    comment_id = note_id = 0
    for start in range(0, n, CHUNK):
        articles, comments, notes, tags, states = [], [], [], [], []
        for article_id in range(start + 1, min(n, start + CHUNK) + 1):
            words = zipf.words(rng.randint(120, 400))
            body = " ".join(words)
            when = base + timedelta(minutes=rng.randrange(10 * 365 * 24 * 60))
            articles.append(
                {
                    "id": article_id,
                    "dedup_key": f"url:https://x.example.org/{article_id}",
                    "site": rng.choice(sites),
                    "url": f"https://x.example.org/{article_id}",
                    "title": " ".join(zipf.words(rng.randint(3, 9))).capitalize(),
                    "published": when,
                    "added": now,
                    "updated": now,
                    "sort_date": when,
                    "body_markdown": body,
                    "text": body,
                    "word_count": len(words),
                    "content_hash": f"{article_id:x}",
                    "read": rng.random() < 0.7,
                    "starred": rng.random() < 0.02,
                    "archived": rng.random() < 0.1,
                    "reading_position": 0,
                    "comment_count": 0,
                    "note_count": 0,
                    "pending": False,
                }
            )
            thread = rng.choice((0, 0, 0, 1, 2, 5))
            for position in range(thread):
                comment_id += 1
                comments.append(
                    {
                        "id": comment_id,
                        "article_id": article_id,
                        "key": f"c{position}",
                        "author": rng.choice(("ann", "bob", "cy", "di")),
                        "position": position,
                        "text": " ".join(zipf.words(rng.randint(10, 60))),
                        "depth": 0,
                        "flat": False,
                        "added": now,
                    }
                )
            articles[-1]["comment_count"] = thread
            if rng.random() < 0.02:
                note_id += 1
                notes.append(
                    {
                        "id": note_id,
                        "article_id": article_id,
                        "text": f"note {note_id} okapi",
                        "quote": " ".join(words[:4]),
                        "orphaned": False,
                        "created": now,
                        "updated": now,
                        "owner": rng.choice(("", SECOND_USER)),
                        "shared": rng.random() < 0.5,
                    }
                )
                articles[-1]["note_count"] = 1
            for tag in rng.sample(range(1, 41), rng.choice((0, 0, 1, 2))):
                tags.append({"article_id": article_id, "tag_id": tag})
            if rng.random() < 0.9:  # the second user has read most of the library
                states.append(
                    {
                        "username": SECOND_USER,
                        "article_id": article_id,
                        "read": True,
                        "starred": rng.random() < 0.01,
                        "archived": rng.random() < 0.2,
                        "reading_position": 0,
                        "last_opened": None,
                    }
                )
        yield "article", articles
        yield "comment", comments
        yield "note", notes
        yield "article_tag", tags
        yield "user_state", states


TABLES = {
    "tag": Tag,
    "article": Article,
    "comment": Comment,
    "note": Note,
    "article_tag": ArticleTag,
    "user_state": UserState,
}


def build(lib: Library, n: int) -> float:
    """Fill an empty library with *n* articles; return the seconds it took."""
    started = time.perf_counter()
    primary = primary_user(lib.db)
    with lib.db.engine.begin() as conn:
        for table, chunk in rows(n):
            if not chunk:
                continue
            if table == "note":
                chunk = [dict(r, owner=r["owner"] or primary) for r in chunk]
            conn.execute(insert(TABLES[table].__table__), chunk)  # type: ignore[attr-defined]
        if conn.dialect.name == "postgresql":
            for table in ("article", "comment", "note", "tag"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT max(id) FROM {table}))"
                    )
                )
    with lib.db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return time.perf_counter() - started


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm the caches once
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def walk(lib: Library, query: ListQuery, user: str, pages: int, start: int) -> None:
    """Page through *pages* pages of 100 by keyset, from row *start*."""
    page = (
        list_at_offset(lib.db, query, start, 100, user=user)
        if start
        else list_page(lib.db, query, limit=100, user=user)
    )
    for _ in range(pages - 1):
        if not page:
            return
        page = list_page(lib.db, query, after=cursor_of(query, page[-1]), limit=100, user=user)


def measurements(lib: Library, n: int) -> list[tuple[str, Callable[[], Any]]]:
    """(label, function) pairs, measured on every engine."""
    primary = primary_user(lib.db) or ""
    out: list[tuple[str, Callable[[], Any]]] = []
    for who, user in (("primary", primary), ("second", SECOND_USER)):
        for sort in ("date", "title", "site"):
            q = ListQuery(sort=sort)  # type: ignore[arg-type]
            out.append(
                (
                    f"{who}: first page, all, by {sort}",
                    lambda q=q, u=user: list_page(lib.db, q, limit=100, user=u),
                )
            )
        for view in ("unread", "starred", "archived", "inbox"):
            q = ListQuery(view=view)  # type: ignore[arg-type]
            out.append(
                (
                    f"{who}: first page, {view}",
                    lambda q=q, u=user: list_page(lib.db, q, limit=100, user=u),
                )
            )
            out.append(
                (f"{who}: count, {view}", lambda q=q, u=user: count_articles(lib.db, q, user=u))
            )
        q = ListQuery()
        out.append(
            (
                f"{who}: 10 pages by keyset from the middle",
                lambda q=q, u=user: walk(lib, q, u, 10, n // 2),
            )
        )
        q = ListQuery(view="unread")
        out.append(
            (
                f"{who}: 10 unread pages by keyset from the start",
                lambda q=q, u=user: walk(lib, q, u, 10, 0),
            )
        )
        out.append(
            (
                f"{who}: last unread page (exhausts the list)",
                lambda q=q, u=user: list_page(
                    lib.db,
                    q,
                    after=(datetime(2000, 1, 1, tzinfo=UTC), 0),
                    limit=100,
                    backwards=True,
                    user=u,
                ),
            )
        )
        out.append((f"{who}: header counts", lambda u=user: library_counts(lib.db, user=u)))
    for query in (
        "okapi",
        "zebra heron",
        '"ground operation"',
        "terminal*",
        "zebra is:unread",
        "okapi in:comments",
        "okapi in:notes",
        "tag:tag3 reader",
    ):
        out.append(
            (
                f"search {query!r} (limit 50)",
                lambda q=query: search(lib.db, q, limit=50, user=primary),
            )
        )
    return out


def open_pg(base_url: str, n: int, rebuild: bool) -> tuple[Library, float | None]:
    import psycopg

    name = f"tuireader_bench_{n}"
    admin = make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or rebuild:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    lib = Library.open(make_url(base_url).set(database=name).render_as_string(hide_password=False))
    return lib, _build_if_empty(lib, n)


def open_sqlite(folder: Path, n: int, rebuild: bool) -> tuple[Library, float | None]:
    path = folder / f"tuireader_bench_{n}.db"
    if rebuild:
        for p in folder.glob(f"{path.name}*"):
            p.unlink()
    lib = Library.open(f"sqlite:///{path}")
    return lib, _build_if_empty(lib, n)


def _build_if_empty(lib: Library, n: int) -> float | None:
    with lib.db.session() as s:
        have = s.execute(select(func.count()).select_from(Article)).scalar_one()
    if have == n:
        return None
    if have:
        raise SystemExit(f"{lib.db.display_url} holds {have} articles, not {n}; use --rebuild")
    return build(lib, n)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles (default 100000)")
    parser.add_argument(
        "--pg",
        default=os.environ.get("TUIREADER_TEST_PG"),
        help="a PostgreSQL URL on the server to use",
    )
    parser.add_argument("--dir", type=Path, default=Path("/tmp"), help="where the SQLite file goes")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    engines: list[tuple[str, Library]] = []
    lib, took = open_sqlite(args.dir, args.n, args.rebuild)
    engines.append(("SQLite", lib))
    if took is not None:
        print(f"built SQLite with {args.n} articles in {took:.1f} s", file=sys.stderr)
    if args.pg:
        lib, took = open_pg(args.pg, args.n, args.rebuild)
        engines.append(("PostgreSQL", lib))
        if took is not None:
            print(f"built PostgreSQL with {args.n} articles in {took:.1f} s", file=sys.stderr)
    else:
        print("no --pg URL (or TUIREADER_TEST_PG): SQLite only", file=sys.stderr)
    plans = [measurements(lib, args.n) for _, lib in engines]
    header = f"{'median ms at ' + format(args.n, ',') + ' articles':<52}" + "".join(
        f"{name:>12}" for name, _ in engines
    )
    print(header)
    print("-" * len(header))
    for i, (label, _) in enumerate(plans[0]):
        figures = [median_ms(plan[i][1], args.repeat) for plan in plans]
        print(f"{label:<52}" + "".join(f"{f:>12.1f}" for f in figures), flush=True)
    for _, lib in engines:
        lib.close()


if __name__ == "__main__":
    main()
