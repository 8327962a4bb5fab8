"""Loading the JSON list of a service export, and reading its loosely typed values."""

from __future__ import annotations

from collections.abc import Iterator

from tuireader.importers.common import load_json
from tuireader.importers.model import ImportError_
from tuireader.importers.services import MAX_ROWS, RowError

__all__ = ["MAX_JSON_BYTES", "load_entries", "numbered", "as_bool", "as_str", "tag_names"]

MAX_JSON_BYTES = 200 * 1024 * 1024
"""The largest JSON export accepted (200 MB: Wallabag exports carry whole articles)."""


def load_entries(data: bytes, what: str, wrappers: tuple[str, ...] = ()) -> list[object]:
    """The list of entries of a JSON export.

    The document is either that list or an object holding it under one of
    *wrappers* (``{"annotations": [...]}``, ``{"_embedded": {"items": [...]}}``).
    """
    value = load_json(data, what, MAX_JSON_BYTES)
    if isinstance(value, dict):
        embedded = value.get("_embedded")
        if isinstance(embedded, dict):
            value = embedded
        for key in wrappers:
            if isinstance(value.get(key), list):
                value = value[key]
                break
    if not isinstance(value, list):
        raise ImportError_(f"the {what} is not a list of entries")
    return value


def numbered(entries: list[object], errors: list[RowError]) -> Iterator[tuple[int, object]]:
    """``(position counted from 1, entry)``, stopping after :data:`MAX_ROWS` with an error."""
    for index, entry in enumerate(entries, start=1):
        if index > MAX_ROWS:
            errors.append(RowError(index, f"more than {MAX_ROWS:,} entries; the rest was skipped"))
            return
        yield index, entry


def as_bool(value: object) -> bool | None:
    """A JSON flag that may be a bool, 0/1 or a string; ``None`` when absent or unclear."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "0", "true", "false"):
        return value.strip().lower() in ("1", "true")
    return None


def as_str(value: object) -> str:
    """A JSON string (numbers are written out); ``""`` for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def tag_names(value: object, *keys: str) -> list[object]:
    """Tag names from a list of strings or of objects carrying the name under one of *keys*."""
    if not isinstance(value, list):
        return []
    names: list[object] = []
    for item in value:
        if isinstance(item, dict):
            names.append(next((item[k] for k in keys if isinstance(item.get(k), str)), None))
        else:
            names.append(item)
    return names
