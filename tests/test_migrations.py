"""Migrations: the first-schema fixture upgrades with its notes; newer schemas are refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tuireader.store.db import StoreError
from tuireader.store.library import Library
from tuireader.store.migrate import head_revision
from tuireader.store.queries import get_article
from tuireader.store.search import search

FIXTURE = Path(__file__).parent / "fixtures" / "db" / "schema_0001.db"


def test_first_schema_upgrades_keeping_notes(tmp_path: Path) -> None:
    db_file = tmp_path / "old.db"
    shutil.copy(FIXTURE, db_file)
    lib = Library.open(f"sqlite:///{db_file}")
    try:
        assert lib.migration is not None
        assert lib.migration.before == "0001" and lib.migration.after == head_revision()
        backup = lib.migration.backup
        assert backup is not None and backup.exists() and backup.parent == tmp_path
        with sqlite3.connect(backup) as con:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        view = get_article(lib.db, 1)
        texts = sorted(n.text for n in view.notes)
        assert texts == ["A note on the comment.", "My first note: remember the okapi."]
        quoted = next(n for n in view.notes if n.quote)
        assert (quoted.quote, quoted.start, quoted.end) == ("migrate across", 7, 21)
        assert next(n for n in view.notes if not n.quote).comment_author == "Commenter"
        assert view.starred and view.reading_position == 12
        assert view.published is not None and view.published.tzinfo is not None
        # The upgrade indexed what the old library held.
        assert [h.article_id for h in search(lib.db, "okapi")] == [1]
        assert [h.where for h in search(lib.db, "zebras in:comments")] == ["comment"]
    finally:
        lib.close()
    # Opening again changes nothing and writes no new backup.
    again = Library.open(f"sqlite:///{db_file}")
    assert again.migration is not None and again.migration.backup is None
    again.close()
    assert len(list(tmp_path.glob("*.bak"))) == 1


def test_every_revision_step_keeps_notes(tmp_path: Path) -> None:
    """Walk the history one revision at a time from the fixture; notes survive each step."""
    from alembic.script import ScriptDirectory

    from tuireader.store.db import Database
    from tuireader.store.migrate import _MIGRATIONS, migrate

    db_file = tmp_path / "steps.db"
    shutil.copy(FIXTURE, db_file)
    revisions = [r.revision for r in ScriptDirectory(str(_MIGRATIONS)).walk_revisions()][::-1]
    assert revisions[0] == "0001"
    for rev in revisions[1:]:
        db = Database(f"sqlite:///{db_file}")
        migrate(db, target=rev)
        db.dispose()
        with sqlite3.connect(db_file) as con:
            assert con.execute("SELECT count(*) FROM note").fetchone() == (2,)
            assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (rev,)


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    db_file = tmp_path / "newer.db"
    Library.open(f"sqlite:///{db_file}").close()
    with sqlite3.connect(db_file) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = db_file.read_bytes()
    with pytest.raises(StoreError, match="newer tuireader"):
        Library.open(f"sqlite:///{db_file}")
    assert db_file.read_bytes() == before


def test_upgrade_gives_existing_notes_and_flags_to_the_primary_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuireader.store.users import primary_user

    db_file = tmp_path / "owned.db"
    shutil.copy(FIXTURE, db_file)
    monkeypatch.setenv("TUIREADER_USER", "olduser")
    lib = Library.open(f"sqlite:///{db_file}")
    try:
        assert primary_user(lib.db) == "olduser"
        mine = get_article(lib.db, 1)
        assert {n.owner for n in mine.notes} == {"olduser"} and len(mine.notes) == 2
        assert mine.starred and mine.reading_position == 12
        newcomer = get_article(lib.db, 1, user="newcomer")
        assert newcomer.notes == () and not newcomer.starred and newcomer.reading_position == 0
        assert search(lib.db, "okapi", user="newcomer") == []
    finally:
        lib.close()


def test_postgres_history_from_the_first_schema(
    pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every revision runs on PostgreSQL; rows written under 0001 are searchable and owned."""
    from datetime import UTC, datetime

    from sqlalchemy import text

    from tuireader.store.db import Database
    from tuireader.store.migrate import migrate

    monkeypatch.setenv("TUIREADER_USER", "olduser")
    db = Database(pg_database)
    migrate(db, target="0001")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO article (id, dedup_key, site, title, added, updated, sort_date,"
                " body_markdown, text, word_count, content_hash, read, starred, archived,"
                " reading_position, comment_count, note_count, pending)"
                " VALUES (1, 'k', 's', 'Old title', :t, :t, :t, 'b', 'remember the okapi',"
                " 3, 'h', true, true, false, 5, 0, 1, false)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO note (article_id, text, orphaned, created, updated)"
                " VALUES (1, 'a zebra note', false, :t, :t)"
            ),
            {"t": now},
        )
    db.dispose()
    lib = Library.open(pg_database)
    try:
        assert lib.migration is not None and lib.migration.before == "0001"
        assert lib.migration.after == head_revision()
        assert [h.where for h in search(lib.db, "okapi")] == ["article"]
        assert [h.where for h in search(lib.db, "zebra")] == ["note"]
        view = get_article(lib.db, 1)
        assert view.read and view.starred and view.reading_position == 5
        assert [n.owner for n in view.notes] == ["olduser"]
    finally:
        lib.close()


def test_quick_head_matches_alembic() -> None:
    """The head read from the scripts' ``revision`` lines is Alembic's head."""
    from tuireader.store.migrate import quick_head_revision

    assert quick_head_revision() == head_revision()


def test_current_library_opens_without_alembic(tmp_path: Path) -> None:
    """A library at the newest schema opens without importing Alembic (memory, start time)."""
    import subprocess
    import sys

    db_file = tmp_path / "current.db"
    Library.open(f"sqlite:///{db_file}").close()
    code = (
        "import sys\n"
        "from tuireader.store.library import Library\n"
        f"lib = Library.open({f'sqlite:///{db_file}'!r})\n"
        "assert lib.migration.before == lib.migration.after, lib.migration\n"
        "lib.close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
