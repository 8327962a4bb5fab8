"""Where tuireader keeps its files (platformdirs), and where its resources are."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "tuireader"


def data_dir() -> Path:
    """The user's data directory (the default library lives here)."""
    override = os.environ.get("TUIREADER_DATA_DIR")
    return Path(override) if override else user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The user's config directory (``config.toml`` lives here)."""
    override = os.environ.get("TUIREADER_CONFIG_DIR")
    return Path(override) if override else user_config_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The default SQLite library file."""
    return data_dir() / "library.db"


def _resource_dir(name: str) -> Path:
    """A folder shipped with the package (wheel) or found in the source tree."""
    here = Path(__file__).resolve().parent
    packaged = here / name
    if packaged.is_dir():
        return packaged
    return here.parents[1] / name


def styles_dir() -> Path:
    """The folder of ``*.tcss`` stylesheets."""
    return _resource_dir("styles")


def sample_data_dir() -> Path:
    """The folder of the sample library imported on first launch."""
    return _resource_dir("sample_data")
