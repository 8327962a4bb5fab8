"""Fixtures for the app tests: a deterministic library, an app factory, screen text."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import FIXED_NOW, build_library  # noqa: E402

from tuireader.app import ReaderApp, make_app  # noqa: E402
from tuireader.app.config import Settings  # noqa: E402

AppFactory = Callable[..., ReaderApp]


@pytest.fixture(scope="session")
def _library_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture library, built once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "library.db"
    build_library(path)
    return path


@pytest.fixture
def library_path(_library_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the fixture library for one test."""
    import sqlite3

    dest = tmp_path / "library.db"
    source = sqlite3.connect(_library_template)
    target = sqlite3.connect(dest)
    source.backup(target)
    source.close()
    target.close()
    return dest


@pytest.fixture
def make(library_path: Path) -> AppFactory:
    """Build an app on the fixture library with a fixed clock and default settings."""

    def factory(**kwargs: Any) -> ReaderApp:
        kwargs.setdefault("sample", False)
        kwargs.setdefault("config", Settings())
        kwargs.setdefault("clock", lambda: FIXED_NOW)
        url = kwargs.pop("url", f"sqlite:///{library_path}")
        return make_app(url, **kwargs)

    return factory
