"""Two users and an import writing to one library at once: no lost writes, no errors.

Each writer is its own :class:`Library` (its own engine and connection pool),
like two app sessions and a ``tuireader import`` on different machines.  The
run lasts ``TUIREADER_CONCURRENCY_SECONDS`` (10 by default).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tuireader.importers.model import ParsedArticle, ParsedComment
from tuireader.importing import import_paths
from tuireader.store.library import Library
from tuireader.store.models import Article, Note
from tuireader.store.queries import ListQuery, count_articles, get_article, list_tags

SECONDS = float(os.environ.get("TUIREADER_CONCURRENCY_SECONDS", "10"))
SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"
SHARED_ARTICLES = 8


@dataclass
class Writer:
    """What one user wrote last, to compare with what the library kept."""

    name: str
    flags: dict[tuple[int, str], bool] = field(default_factory=dict)
    positions: dict[int, int] = field(default_factory=dict)
    notes: Counter[int] = field(default_factory=Counter)
    tags: dict[int, set[str]] = field(default_factory=dict)
    operations: int = 0


def _user_loop(
    url: str, writer: Writer, ids: list[int], stop: threading.Event, errors: list[BaseException]
) -> None:
    lib = Library.open(url)
    rng = random.Random(writer.name)
    try:
        while not stop.is_set():
            # Half the writes go to one article, so the writers really collide.
            article = ids[0] if rng.random() < 0.5 else rng.choice(ids)
            op = rng.randrange(5)
            if op == 0:
                flag, value = rng.choice(("read", "starred", "archived")), rng.random() < 0.5
                lib.set_flag(article, flag, value, user=writer.name)
                writer.flags[(article, flag)] = value
            elif op == 1:
                note = lib.add_note(
                    article,
                    f"{writer.name} {writer.operations}",
                    user=writer.name,
                    shared=rng.random() < 0.5,
                )
                assert note > 0
                writer.notes[article] += 1
            elif op == 2:
                position = rng.randrange(10_000)
                lib.set_reading_position(article, position, user=writer.name)
                writer.positions[article] = position
            elif op == 3:
                lib.mark_opened(article, mark_read=False, user=writer.name)
            else:
                # Both users add the same tag names: the tags race to be created.
                name = f"topic-{rng.randrange(6)}"
                lib.add_tags(article, [name])
                writer.tags.setdefault(article, set()).add(name)
            writer.operations += 1
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)
    finally:
        lib.close()


def _import_loop(
    url: str, stop: threading.Event, errors: list[BaseException], counter: list[int]
) -> None:
    lib = Library.open(url)
    bundles = sorted(SAMPLES.glob("*.json"))
    n = 0
    try:
        while not stop.is_set():
            outcome = import_paths(lib, bundles[n % len(bundles) : n % len(bundles) + 1])
            assert outcome.failed == [], outcome.failed
            # Re-import a shared article (new comments) and add a brand new one.
            lib.save_article(
                ParsedArticle(
                    title=f"Shared {n % SHARED_ARTICLES}",
                    url=f"https://example.org/s/{n % 8}",
                    text=f"Shared text, version {n}.",
                    comments=[
                        ParsedComment(f"k{i}", "Im", f"comment {i}") for i in range(n % 5 + 1)
                    ],
                )
            )
            lib.save_article(
                ParsedArticle(title=f"New {n}", url=f"https://example.org/n/{n}", text="new")
            )
            counter[0] += 1
            n += 1
    except BaseException as exc:  # noqa: BLE001
        errors.append(exc)
    finally:
        lib.close()


@pytest.mark.timeout(SECONDS * 6 + 60)
def test_two_users_and_an_import(any_db_url: str) -> None:
    setup = Library.open(any_db_url)
    ids = [
        setup.save_article(
            ParsedArticle(
                title=f"Shared {i}", url=f"https://example.org/s/{i}", text="Shared text."
            )
        )[0]
        for i in range(SHARED_ARTICLES)
    ]
    setup.close()
    # The primary user (state in the article columns) and another (state in user_state).
    writers = [Writer(_primary_name(any_db_url)), Writer("bob-the-second-user")]
    stop = threading.Event()
    errors: list[BaseException] = []
    imports = [0]
    threads = [
        threading.Thread(target=_user_loop, args=(any_db_url, w, ids, stop, errors))
        for w in writers
    ]
    threads.append(threading.Thread(target=_import_loop, args=(any_db_url, stop, errors, imports)))
    for t in threads:
        t.start()
    time.sleep(SECONDS)
    stop.set()
    for t in threads:
        t.join(timeout=SECONDS * 4 + 30)
    assert not any(t.is_alive() for t in threads)
    assert errors == [], [f"{type(e).__name__}: {e}" for e in errors]
    assert all(w.operations > 10 for w in writers) and imports[0] > 2

    lib = Library.open(any_db_url)
    try:
        for w in writers:
            for (article, flag), value in w.flags.items():
                assert getattr(get_article(lib.db, article, user=w.name), flag) == value
            for article, position in w.positions.items():
                assert get_article(lib.db, article, user=w.name).reading_position == position
            for article, tags in w.tags.items():
                assert tags <= set(get_article(lib.db, article, user=w.name).tags)
        with lib.db.session() as s:
            for w in writers:
                owned = Counter(
                    dict(
                        s.execute(
                            select(Note.article_id, func.count())
                            .where(Note.owner == w.name, Note.article_id.in_(ids))
                            .group_by(Note.article_id)
                        ).all()
                    )
                )
                assert owned == w.notes
            # The counts on the article rows kept up with every writer.
            for article in ids:
                a = s.get(Article, article)
                assert a is not None
                real = s.execute(select(func.count()).where(Note.article_id == article)).scalar()
                assert a.note_count == real
        # Every import landed once: no lost insert, no duplicate.
        with lib.db.session() as s:
            titles = Counter(s.execute(select(Article.title)).scalars())
        assert sum(n for t, n in titles.items() if t.startswith("New ")) == imports[0]
        assert all(titles[f"Shared {i}"] == 1 for i in range(SHARED_ARTICLES))
        assert count_articles(lib.db, ListQuery()) == sum(titles.values())
        assert len({name for name, _ in list_tags(lib.db)}) == len(list_tags(lib.db))
    finally:
        lib.close()


def _primary_name(url: str) -> str:
    from tuireader.store.db import Database
    from tuireader.store.users import primary_user

    name = primary_user(Database(url))
    assert name is not None
    return name


@pytest.mark.timeout(120)
def test_a_note_added_while_another_commits_is_counted(any_db_url: str) -> None:
    """The article's note count sees a note committed while this one waited for the row."""
    from sqlalchemy import text

    lib = Library.open(any_db_url)
    article, _ = lib.save_article(ParsedArticle(title="Busy", text="many notes"))
    other = Library.open(any_db_url)
    done: list[int] = []
    errors: list[BaseException] = []
    with other.db.engine.connect() as conn:
        # Another writer: its note is in, its count updated, not yet committed.
        conn.execute(
            text(
                "INSERT INTO note (article_id, text, orphaned, created, updated, owner, shared)"
                " VALUES (:a, 'first', false, :t, :t, 'u1', false)"
            ),
            {"a": article, "t": "2025-01-01 00:00:00"},
        )
        conn.execute(
            text(
                "UPDATE article SET note_count = (SELECT count(*) FROM note"
                " WHERE note.article_id = :a) WHERE id = :a"
            ),
            {"a": article},
        )

        def second() -> None:
            try:
                done.append(lib.add_note(article, "second", user="u2"))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(1.0)  # the second writer now waits for the first one's row lock
        conn.commit()
        thread.join(timeout=60)
    assert errors == [] and len(done) == 1
    with lib.db.session() as s:
        row = s.get(Article, article)
        assert row is not None and row.note_count == 2
    other.close()
    lib.close()
