"""The reader's settings, read from ``config.toml`` in the user's config directory.

Example ``config.toml``::

    theme = "tuireader-light"      # any Textual theme name
    mark_read_on_open = true
    mouse = true
    line_scroll = false            # true: the list scrolls a row at a time

    [keys]                         # binding id = "keys" (see tuireader.app.keymap)
    "screen.star" = "s,asterisk"
    list.down = "j,down,ctrl+n"    # dotted keys are tables in TOML; both forms work

A file that cannot be read or has a bad value never stops the app: the bad
parts are left out and described in :attr:`LoadedSettings.warnings`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuireader.app.keymap import unknown_ids
from tuireader.paths import config_dir

__all__ = [
    "Settings",
    "LoadedSettings",
    "load_settings",
    "config_path",
    "DARK_THEME",
    "LIGHT_THEME",
]

DARK_THEME = "tuireader-dark"
LIGHT_THEME = "tuireader-light"
MAX_CONFIG_BYTES = 256 * 1024


@dataclass(slots=True)
class Settings:
    """What the user can set."""

    theme: str = DARK_THEME
    """A Textual theme name; ``tuireader-dark`` and ``tuireader-light`` are the defaults."""
    mark_read_on_open: bool = True
    """Mark an article read when it is opened."""
    mouse: bool = True
    """Turn on mouse support (``--no-mouse`` turns it off too)."""
    line_scroll: bool = False
    """Scroll the list a row at a time; by default a cursor leaving the screen lands in its
    middle, so the list is drawn again once per half page (fewer bytes over SSH)."""
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id → comma-separated keys, replacing the defaults of :mod:`keymap`."""


@dataclass(slots=True)
class LoadedSettings:
    """Settings and what was wrong with the file they came from."""

    settings: Settings
    warnings: list[str] = field(default_factory=list)


def config_path() -> Path:
    """Where ``config.toml`` lives."""
    return config_dir() / "config.toml"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def load_settings(path: Path | None = None) -> LoadedSettings:
    """Read *path* (default: :func:`config_path`); a missing file gives the defaults."""
    path = config_path() if path is None else path
    settings = Settings()
    loaded = LoadedSettings(settings)
    try:
        if not path.is_file():
            return loaded
        raw = path.read_bytes()[: MAX_CONFIG_BYTES + 1]
        if len(raw) > MAX_CONFIG_BYTES:
            loaded.warnings.append(f"{path} is larger than {MAX_CONFIG_BYTES} bytes; ignored")
            return loaded
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        loaded.warnings.append(f"cannot read {path}: {exc}")
        return loaded
    for name in ("mark_read_on_open", "mouse", "line_scroll"):
        if name in data:
            if isinstance(data[name], bool):
                setattr(settings, name, data[name])
            else:
                loaded.warnings.append(f"{name} must be true or false")
    if "theme" in data:
        if isinstance(data["theme"], str) and data["theme"].strip():
            settings.theme = data["theme"].strip()
        else:
            loaded.warnings.append("theme must be a theme name")
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        loaded.warnings.append('[keys] must be a table of binding id = "keys"')
        keys = {}
    flat = _flatten(keys)
    for bad in unknown_ids(flat):
        loaded.warnings.append(f"[keys] {bad}: no binding has this id")
        flat.pop(bad)
    for binding_id, value in flat.items():
        if isinstance(value, str) and value.strip() and "\x00" not in value:
            settings.keys[binding_id] = ",".join(k.strip() for k in value.split(",") if k.strip())
        else:
            loaded.warnings.append(f"[keys] {binding_id} must be a string of keys")
    known = {"theme", "mark_read_on_open", "mouse", "line_scroll", "keys"}
    for extra in sorted(set(data) - known):
        loaded.warnings.append(f"unknown setting {extra!r}")
    return loaded
