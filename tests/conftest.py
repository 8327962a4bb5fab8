"""Shared fixtures: a real SQLite library in tmp_path, a CLI runner, the seed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_d9db49b707615066.txt"
SAMPLE_SEED = ROOT / "sample_data" / "000_d9db49b707615066.txt"


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the user's real data or config directories."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("TUIREADER_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(base / "config"))
    monkeypatch.delenv("TUIREADER_DB", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def seed_path() -> Path:
    """The seed text dump (from shared/, else the copy in sample_data/)."""
    return SEED if SEED.exists() else SAMPLE_SEED


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A URL for a fresh SQLite library file."""
    return f"sqlite:///{tmp_path / 'library.db'}"


@pytest.fixture
def library(db_url: str) -> Iterator[object]:
    """A fresh, migrated library on a real SQLite file."""
    from tuireader.store.library import Library

    lib = Library.open(db_url)
    yield lib
    lib.close()


@dataclass
class CliResult:
    """What a CLI run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run the CLI in-process: ``cli("--db", path, "list")``."""
    from typer.testing import CliRunner

    from tuireader.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> CliResult:
        result = runner.invoke(app, list(args), input=input, env={"COLUMNS": "120"})
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run


def pg_url() -> str | None:
    """The PostgreSQL URL to test against, when one is configured and reachable."""
    url = os.environ.get("TUIREADER_TEST_PG")
    if not url:
        return None
    try:
        import psycopg

        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, connect_timeout=3):
            return url
    except Exception:  # noqa: BLE001 - unreachable means skip
        return None


# -- both engines: SQLite and a real PostgreSQL ----------------------------------------------

_PG_REACHABLE: list[str | None] = []


def _pg_once() -> str | None:
    """``pg_url()``, asked once per test session (an unreachable server costs seconds)."""
    if not _PG_REACHABLE:
        _PG_REACHABLE.append(pg_url())
    return _PG_REACHABLE[0]


def _pg_skip_reason() -> str:
    if not os.environ.get("TUIREADER_TEST_PG"):
        return "PostgreSQL tests need TUIREADER_TEST_PG (see scripts/pg-test-server)"
    return "the PostgreSQL server in TUIREADER_TEST_PG is not reachable"


@contextmanager
def temporary_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (skips the test without a server); dropped after."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    base = _pg_once()
    if base is None:
        pytest.skip(_pg_skip_reason())
    name = f"tuireader_t_{uuid.uuid4().hex[:12]}"
    admin = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A URL to a new, empty PostgreSQL database, dropped after the test."""
    with temporary_pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh library URL on each engine: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'library.db'}"
    return request.getfixturevalue("pg_database")


@pytest.fixture
def any_library(any_db_url: str) -> Iterator[object]:
    """A fresh, migrated library on each engine."""
    from tuireader.store.library import Library

    lib = Library.open(any_db_url)
    yield lib
    lib.close()


@pytest.fixture
def another_db_url(any_db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second fresh library URL on the same engine as ``any_db_url``."""
    if any_db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'another.db'}"
        return
    with temporary_pg_database() as url:
        yield url
