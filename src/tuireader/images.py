"""Images kept offline: content-addressed files in the data directory, size-capped.

An article's body refers to its images as Markdown ``![alt](url)``; the reader
shows the n-th one as ``[image n: alt]``.  :func:`keep_images` fetches them
(http and https only, the fetcher's checks on every hop), keeps those that
really are PNG, JPEG, GIF, WebP or AVIF images — by their first bytes, whatever
the server says; SVG is refused, it can carry scripts — at most
:data:`MAX_IMAGE_BYTES` each and :data:`MAX_ARTICLE_BYTES` for one article, and
writes each to ``data_dir()/images/<sha256>.<ext>`` (the same image is stored
once, whichever articles show it).  The ``article_image`` table records, for
image number n of the body, its URL and file, or why it was not kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tuireader.importers.common import http_url
from tuireader.importers.fetch import Fetcher, FetchLimits
from tuireader.importers.model import ImportError_
from tuireader.paths import data_dir
from tuireader.text import safe_line

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_ARTICLE_BYTES",
    "MAX_IMAGES",
    "ImageRecord",
    "ImageOutcome",
    "image_dir",
    "image_path",
    "image_limits",
    "find_images",
    "sniff_image",
    "store_image",
    "keep_images",
]

MAX_IMAGE_BYTES = 5 * 1024 * 1024
"""The largest image kept (5 MB)."""
MAX_ARTICLE_BYTES = 50 * 1024 * 1024
"""The most image bytes kept for one article (50 MB)."""
MAX_IMAGES = 200
"""Images beyond this many in one article are not fetched."""
_CONCURRENCY = 4

# ![alt](url) or ![alt](<url> "title"); alt may hold escaped brackets.
_IMAGE = re.compile(
    r"!\[((?:\\.|[^\]\\]){0,1000})\]\(\s*<?([^)\s>]{1,8192})>?(?:\s+\"[^\"]*\")?\s*\)"
)
_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """Image number ``number`` of an article: its file (``sha256``) or ``error``."""

    number: int
    url: str
    alt: str = ""
    sha256: str | None = None
    content_type: str | None = None
    size: int = 0
    error: str | None = None


@dataclass(slots=True)
class ImageOutcome:
    """What :func:`keep_images` did for one article."""

    records: list[ImageRecord] = field(default_factory=list)

    @property
    def kept(self) -> int:
        """Images stored (or found already stored)."""
        return sum(1 for r in self.records if r.sha256)

    @property
    def failed(self) -> int:
        """Images not kept."""
        return sum(1 for r in self.records if not r.sha256)


def image_dir() -> Path:
    """The folder of the kept images."""
    return data_dir() / "images"


_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/avif": ".avif",
}


def image_path(sha256: str, content_type: str | None, folder: Path | None = None) -> Path:
    """Where the image with this digest and type is kept."""
    return (folder or image_dir()) / f"{sha256}{_EXTENSIONS.get(content_type or '', '')}"


def image_limits(base: FetchLimits | None = None) -> FetchLimits:
    """The fetch limits for images: *base*'s, with the per-image size cap."""
    return replace(base or FetchLimits(), max_bytes=MAX_IMAGE_BYTES)


def find_images(markdown: str) -> list[tuple[str, str]]:
    """``(alt, url)`` of every image of *markdown*, in order (as the reader numbers them)."""
    found = []
    for match in _IMAGE.finditer(markdown):
        alt = re.sub(r"\\(.)", r"\1", match.group(1))
        found.append((safe_line(alt)[:300], match.group(2)))
    return found


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """``(content_type, extension)`` of a raster image, from its first bytes; else None."""
    for magic, content_type, ext in _TYPES:
        if data.startswith(magic):
            return content_type, ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif", ".avif"
    return None


def store_image(data: bytes, ext: str, folder: Path | None = None) -> str:
    """Write *data* as ``<sha256><ext>`` (once; atomically) and return the sha256."""
    digest = hashlib.sha256(data).hexdigest()
    folder = folder or image_dir()
    target = folder / f"{digest}{ext}"
    if target.exists():
        return digest
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def _over_budget() -> str:
    return f"over the article's {MAX_ARTICLE_BYTES / 2**20:g} MB of images"


async def _fetch_one(
    fetcher: Fetcher, number: int, alt: str, raw_url: str, budget: list[int], folder: Path
) -> ImageRecord:
    url = http_url(raw_url)
    if url is None:
        return ImageRecord(number, safe_line(raw_url)[:2000], alt, error="not an http(s) URL")
    if budget[0] <= 0:
        return ImageRecord(number, url, alt, error=_over_budget())
    try:
        result = await fetcher.fetch(url, accept="any")
    except ImportError_ as exc:
        return ImageRecord(number, url, alt, error=safe_line(str(exc))[:300])
    kind = sniff_image(result.body)
    if kind is None:
        return ImageRecord(number, url, alt, error="not a PNG, JPEG, GIF, WebP or AVIF image")
    if len(result.body) > budget[0]:
        return ImageRecord(number, url, alt, error=_over_budget())
    budget[0] -= len(result.body)
    try:
        digest = await asyncio.to_thread(store_image, result.body, kind[1], folder)
    except OSError as exc:
        return ImageRecord(number, url, alt, error=f"cannot write: {exc.strerror}")
    return ImageRecord(number, url, alt, digest, kind[0], len(result.body))


async def keep_images(
    writer: Any,
    fetcher: Fetcher,
    article_id: int,
    markdown: str,
    *,
    folder: Path | None = None,
) -> ImageOutcome:
    """Fetch and keep the images of *markdown* for *article_id*, and record them.

    *fetcher* should carry :func:`image_limits`; *writer* is the
    :class:`tuireader.webimport.Writer` that serialises the library's writes.
    Never raises for an image: each record says why it was not kept.
    """
    from tuireader.store.images import replace_images
    from tuireader.webimport import run_bounded

    images = find_images(markdown)[:MAX_IMAGES]
    budget = [MAX_ARTICLE_BYTES]
    target = folder or image_dir()
    jobs: list[Callable[[], Awaitable[ImageRecord]]] = [
        (lambda n=n, alt=alt, url=url: _fetch_one(fetcher, n, alt, url, budget, target))
        for n, (alt, url) in enumerate(images, start=1)
    ]
    records = await run_bounded(jobs, lambda job: job(), _CONCURRENCY)
    outcome = ImageOutcome(sorted(records, key=lambda r: r.number))
    await writer.run(replace_images, writer.library.db, article_id, outcome.records)
    return outcome
