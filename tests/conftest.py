"""Shared test setup: the source tree on sys.path, no user config or data touched."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the config and data directories at empty temporary folders."""
    base = tmp_path_factory.mktemp("dirs")
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("TUIREADER_DATA_DIR", str(base / "data"))
    monkeypatch.delenv("TUIREADER_DB", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
