"""Images kept offline: `add --images` against the local server, the size caps, the store."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpserver import LiveServer, serve

from tuireader import images
from tuireader.images import find_images, image_dir, sniff_image, store_image

FIXTURES = Path(__file__).parent / "fixtures" / "html"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"png-body " * 50
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg-body " * 80
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"w" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with serve() as live:
        live.route("/img/lamp.png", PNG, content_type="image/png")
        live.route("/img/tower.jpg", JPEG, content_type="application/octet-stream")  # lies
        live.route("/img/logo.png", SVG, content_type="image/png")  # an SVG, said to be PNG
        live.route("/img/huge.png", PNG + b"\x00" * (6 * 1024 * 1024), content_type="image/png")
        figures = "".join(
            f'<figure><img src="{src}" alt="{alt}"><figcaption>{alt}</figcaption></figure>'
            for src, alt in (
                ("/img/lamp.png", "The lamp"),
                ("/img/tower.jpg", "The tower"),
                ("/img/logo.png", "A logo"),
                ("/img/missing.png", "Gone"),
                ("/img/huge.png", "Too big"),
                ("/img/lamp.png", "The lamp again"),
            )
        )
        page = (FIXTURES / "plain_article.html").read_bytes()
        cut = page.index(b"</p>") + 4
        live.route("/gallery", page[:cut] + figures.encode() + page[cut:])
        yield live


def test_add_with_images_keeps_them_by_number(cli, tmp_path: Path, server: LiveServer) -> None:
    db = str(tmp_path / "img.db")
    added = cli("--db", db, "--no-sample", "add", server.url("/gallery"), "--images", "--json")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)[0]["images"] == 3
    shown = json.loads(cli("--db", db, "--no-sample", "show", "1", "--json").stdout)
    assert [alt for alt, _url in find_images(shown["body"])] == [
        "The lamp",
        "The tower",
        "A logo",
        "Gone",
        "Too big",
        "The lamp again",
    ]
    rows = json.loads(cli("--db", db, "--no-sample", "images", "1", "--json").stdout)
    assert [r["number"] for r in rows] == [1, 2, 3, 4, 5, 6]
    lamp, tower, logo, gone, huge, again = rows
    assert lamp["url"] == server.url("/img/lamp.png") and lamp["content_type"] == "image/png"
    digest = hashlib.sha256(PNG).hexdigest()
    assert lamp["path"] == str(image_dir() / f"{digest}.png")
    assert Path(lamp["path"]).read_bytes() == PNG and lamp["size"] == len(PNG)
    assert again["path"] == lamp["path"]  # stored once
    assert tower["content_type"] == "image/jpeg" and Path(tower["path"]).read_bytes() == JPEG
    assert logo["path"] is None and logo["error"] == "not a PNG, JPEG, GIF, WebP or AVIF image"
    assert gone["error"] == "HTTP 404 Not Found"
    assert huge["error"] == "too large (over 5 MB)"
    assert sorted(p.name for p in image_dir().iterdir()) == sorted(
        [f"{digest}.png", f"{hashlib.sha256(JPEG).hexdigest()}.jpg"]
    )
    listing = cli("--db", db, "--no-sample", "images", "1").stdout.splitlines()
    assert listing[0] == f"[image 1] The lamp: {lamp['path']}"
    assert listing[2] == "[image 3] A logo: not kept: not a PNG, JPEG, GIF, WebP or AVIF image"
    # Without --images nothing is fetched and no rows are kept.
    other = str(tmp_path / "plain.db")
    cli("--db", other, "--no-sample", "add", server.url("/gallery"))
    assert json.loads(cli("--db", other, "--no-sample", "images", "1", "--json").stdout) == []


def test_the_per_article_budget(
    cli, tmp_path: Path, server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(images, "MAX_ARTICLE_BYTES", len(PNG) + 10)
    monkeypatch.setattr(images, "_CONCURRENCY", 1)
    db = str(tmp_path / "budget.db")
    assert cli("--db", db, "--no-sample", "add", server.url("/gallery"), "--images").exit_code == 0
    rows = json.loads(cli("--db", db, "--no-sample", "images", "1", "--json").stdout)
    assert rows[0]["path"] is not None
    assert rows[1]["error"] == f"over the article's {(len(PNG) + 10) / 2**20:g} MB of images"


def test_images_of_an_unknown_article(cli, tmp_path: Path) -> None:
    result = cli("--db", str(tmp_path / "x.db"), "--no-sample", "images", "5")
    assert result.exit_code == 1 and result.stderr.strip() == "error: no article with id 5"


def test_find_images() -> None:
    markdown = (
        'Text ![a \\[bracket\\]](https://x.example/a.png "title") and '
        "![](<https://x.example/b c>) ![b](https://x.example/b.gif)\n"
        "[not an image](https://x.example/c.png) ![c](javascript:alert(1))"
    )
    assert find_images(markdown) == [
        ("a [bracket]", "https://x.example/a.png"),
        ("b", "https://x.example/b.gif"),
        ("c", "javascript:alert(1"),  # not http(s): recorded as not kept
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, ("image/png", ".png")),
        (JPEG, ("image/jpeg", ".jpg")),
        (b"GIF89a" + b"\x00" * 10, ("image/gif", ".gif")),
        (WEBP, ("image/webp", ".webp")),
        (b"\x00\x00\x00\x1cftypavif" + b"\x00" * 8, ("image/avif", ".avif")),
        (SVG, None),
        (b"<html>not an image</html>", None),
        (b"", None),
    ],
)
def test_sniff_image(data: bytes, expected: tuple[str, str] | None) -> None:
    assert sniff_image(data) == expected


def test_store_image_is_content_addressed(tmp_path: Path) -> None:
    first = store_image(PNG, ".png", tmp_path)
    assert first == hashlib.sha256(PNG).hexdigest()
    assert store_image(PNG, ".png", tmp_path) == first
    assert [p.name for p in tmp_path.iterdir()] == [f"{first}.png"]  # no temporary files left


def test_feed_entries_keep_their_images(cli, tmp_path: Path, server: LiveServer) -> None:
    body = (
        (
            f"<p>{'A feed entry with a picture in it. ' * 20}</p>"
            f'<p><img src="{server.url("/img/tower.jpg")}" alt="Tower"></p>'
        )
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Pics</title>'
        "<item><title>With a picture</title><link>https://pics.example/1</link>"
        f"<content:encoded>{body}</content:encoded></item></channel></rss>"
    )
    server.route("/pics.xml", feed, content_type="application/rss+xml")
    db = str(tmp_path / "feed.db")
    result = cli("--db", db, "--no-sample", "feed", "add", server.url("/pics.xml"), "--images")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(cli("--db", db, "--no-sample", "images", "1", "--json").stdout)
    assert [(r["number"], r["alt"], r["content_type"]) for r in rows] == [
        (1, "Tower", "image/jpeg")
    ]
    assert Path(rows[0]["path"]).read_bytes() == JPEG
