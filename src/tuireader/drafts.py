"""Drafts: an editor's unsaved text, kept on disk so that a crash cannot lose it.

The note editor writes its buffer here as the user types; saving the note
deletes the draft; the next time the same note is opened, a draft left behind
is offered.  A draft is keyed by what the note is about: a new note on an
article, a new note on a comment, a new highlight (the article and the span),
or an existing note being edited.

Each draft is one small JSON file in the data directory, one folder per
library, written atomically (a temporary file, ``fsync``, ``os.replace``, and
an ``fsync`` of the folder) and readable only by the user.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from tuireader.paths import data_dir
from tuireader.text import safe_text

__all__ = ["Draft", "DraftKey", "DraftStore", "DraftError", "MAX_DRAFT_CHARS"]

MAX_DRAFT_CHARS = 1_000_000
"""The longest text a draft keeps (a note is not a book)."""
_MAX_FILE_BYTES = 8 * MAX_DRAFT_CHARS
_NAME = re.compile(r"^(article|comment|note|highlight)-(\d+)(?:-(\d+)-(\d+))?\.json$")

Kind = Literal["article", "comment", "note", "highlight"]


class DraftError(OSError):
    """A draft that cannot be written (disk full, read-only folder, too long)."""


@dataclass(frozen=True, slots=True)
class DraftKey:
    """What a draft belongs to.

    ``article``: a new note on article *id*; ``comment``: a new note on comment
    *id*; ``note``: an edit of note *id*; ``highlight``: a new highlight on
    article *id* over ``start:end``.
    """

    kind: Kind
    id: int
    start: int | None = None
    end: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("article", "comment", "note", "highlight"):
            raise ValueError(f"unknown draft kind {self.kind!r}")
        if self.id < 0 or (self.kind == "highlight") != (self.start is not None):
            raise ValueError(f"bad draft key {self!r}")
        if self.start is not None and (self.end is None or not 0 <= self.start < self.end):
            raise ValueError(f"bad highlight span in {self!r}")

    @property
    def filename(self) -> str:
        """The draft's file name (digits and a fixed word only: no traversal possible)."""
        span = f"-{self.start}-{self.end}" if self.start is not None else ""
        return f"{self.kind}-{int(self.id)}{span}.json"

    @classmethod
    def from_filename(cls, name: str) -> DraftKey | None:
        """The key a file name stands for, or ``None`` for a file that is not a draft."""
        m = _NAME.match(name)
        if m is None:
            return None
        kind, ident, start, end = m.groups()
        try:
            if start is None:
                return cls(kind, int(ident))  # type: ignore[arg-type]
            return cls(kind, int(ident), int(start), int(end))  # type: ignore[arg-type]
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Draft:
    """A kept draft: its key, its text, the article it belongs to and when it was written."""

    key: DraftKey
    text: str
    saved: datetime
    article_id: int | None = None


class DraftStore:
    """The drafts of one library, in one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def for_library(cls, db_url: str, base: Path | None = None) -> DraftStore:
        """The drafts folder of the library at *db_url* (under the data directory)."""
        digest = hashlib.sha256(db_url.encode("utf-8")).hexdigest()[:16]
        return cls((base or data_dir()) / "drafts" / digest)

    def _ensure_dir(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def save(self, key: DraftKey, text: str, *, article_id: int | None = None) -> Path:
        """Keep *text* as the draft for *key*, replacing the previous one atomically."""
        text = safe_text(text)
        if len(text) > MAX_DRAFT_CHARS:
            raise DraftError(f"the draft is too long (over {MAX_DRAFT_CHARS:,} characters)")
        record = {
            "version": 1,
            "kind": key.kind,
            "id": key.id,
            "start": key.start,
            "end": key.end,
            "article_id": article_id,
            "saved": datetime.now(UTC).isoformat(),
            "text": text,
        }
        data = json.dumps(record, ensure_ascii=False).encode("utf-8")
        target = self.directory / key.filename
        try:
            self._ensure_dir()
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".draft-", suffix=".tmp")
        except OSError as exc:
            raise DraftError(f"cannot keep the draft: {exc.strerror or exc}") from exc
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise DraftError(f"cannot keep the draft: {exc.strerror or exc}") from exc
        self._sync_dir()
        return target

    def _sync_dir(self) -> None:
        """Make the rename itself durable (best effort: not every system allows it)."""
        try:
            fd = os.open(self.directory, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def load(self, key: DraftKey) -> Draft | None:
        """The draft for *key*, or ``None`` when there is none (or it is unreadable)."""
        return self._read(self.directory / key.filename, key)

    def _read(self, path: Path, key: DraftKey) -> Draft | None:
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_FILE_BYTES:
                return None
            record = json.loads(path.read_bytes().decode("utf-8", errors="replace"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            return None
        try:
            saved = datetime.fromisoformat(str(record.get("saved")))
        except ValueError:
            saved = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if saved.tzinfo is None:
            saved = saved.replace(tzinfo=UTC)
        article = record.get("article_id")
        return Draft(
            key=key,
            text=safe_text(record["text"])[:MAX_DRAFT_CHARS],
            saved=saved,
            article_id=article if type(article) is int else None,
        )

    def delete(self, key: DraftKey) -> bool:
        """Forget the draft for *key*; return True if there was one."""
        try:
            (self.directory / key.filename).unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise DraftError(f"cannot delete the draft: {exc.strerror or exc}") from exc
        self._sync_dir()
        return True

    def list(self) -> list[Draft]:
        """Every readable draft, newest first."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return []
        drafts = []
        for name in names:
            key = DraftKey.from_filename(name)
            if key is None:
                continue
            draft = self._read(self.directory / name, key)
            if draft is not None:
                drafts.append(draft)
        return sorted(drafts, key=lambda d: d.saved, reverse=True)
