"""Import throughput: 1,000 local HTML pages and 10,000 feed entries into a fresh library.

Generates synthetic pages (a header, navigation, an article of 6–14 paragraphs,
a sidebar and a footer; every third page with a WordPress comment thread of
8–20 comments) and one RSS 2.0 feed file, writes them to a temporary folder,
and imports them with :func:`tuireader.importing.import_paths` — the same path
as ``tuireader import`` (read, sniff, parse, extract, save in a transaction per
file) — into a new SQLite library.  Prints pages/s and entries/s, on the wall
clock and per CPU-second of this process (the per-core figure; the machine may
be shared).  Usage::

    PYTHONPATH=src python benchmarks/import_throughput.py [--pages 1000] [--entries 10000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from tuireader.importing import import_paths
from tuireader.store.library import Library

WORDS = (  # noqa: SIM905
    "river stone lamp harbour winter signal copper garden orchard window paper "
    "bridge lantern meadow engine valve needle thread cloud market station letter "
    "weather compass ledger cellar bicycle kettle ferry pigeon archive violin"
).split()
NAMES = ["Ana", "Bruno", "Chiara", "Dmitri", "Esther", "Farid", "Greta", "Hiro", "Ines"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def _comments(rng: random.Random, page: int) -> str:
    """A WordPress comment list of 8–20 comments, a third of them replies."""
    count = rng.randint(8, 20)
    children: dict[int | None, list[int]] = {}
    for n in range(count):
        parent = rng.randrange(n) if n and rng.random() < 0.35 else None
        children.setdefault(parent, []).append(n)

    def render(n: int) -> str:
        cid = page * 100 + n
        replies = "".join(render(c) for c in children.get(n, []))
        nested = f'<ol class="children">{replies}</ol>' if replies else ""
        return (
            f'<li class="comment" id="comment-{cid}"><article class="comment-body">'
            f'<footer class="comment-meta"><div class="comment-author vcard">'
            f'<b class="fn">{rng.choice(NAMES)}</b></div><div class="comment-metadata">'
            f'<time datetime="2024-03-{1 + n % 28:02d}T10:{n % 60:02d}:00+00:00">'
            f"March {1 + n % 28}, 2024</time></div></footer>"
            f'<div class="comment-content"><p>{_sentence(rng)} {_sentence(rng)}</p></div>'
            f'<div class="reply"><a class="comment-reply-link" href="#">Reply</a></div>'
            f"</article>{nested}</li>"
        )

    top = "".join(render(n) for n in children.get(None, []))
    return (
        '<div id="comments" class="comments-area"><h2 class="comments-title">'
        f'{count} thoughts</h2><ol class="comment-list">{top}</ol></div>'
    )


def make_page(rng: random.Random, n: int) -> str:
    """One synthetic blog page (about 6–14 KB)."""
    title = f"{_sentence(rng)[:-1]} ({n})"
    paragraphs = "".join(f"<p>{_paragraph(rng)}</p>" for _ in range(rng.randint(6, 14)))
    thread = _comments(rng, n) if n % 3 == 0 else ""
    nav = "".join(f'<li><a href="/c/{w}">{w.title()}</a></li>' for w in rng.sample(WORDS, 6))
    recent = "".join(f'<li><a href="/p/{i}">{_sentence(rng)}</a></li>' for i in range(5))
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} – Bench Blog</title>"
        f"<meta property='og:title' content='{title}'>"
        f"<link rel='canonical' href='https://bench.example.org/{n}/'>"
        "<meta property='article:published_time' content='2024-02-10T08:00:00+00:00'>"
        "</head><body><header><div class='site-title'>Bench Blog</div>"
        f"<nav><ul>{nav}</ul></nav></header><main><article class='post'>"
        f"<h1 class='entry-title'>{title}</h1><div class='byline'>by "
        f"{rng.choice(NAMES)}</div><div class='entry-content'>{paragraphs}</div></article>"
        f"{thread}</main><aside><h3>Recent posts</h3><ul>{recent}</ul></aside>"
        "<footer><p>© 2024 Bench Blog. All rights reserved.</p></footer></body></html>"
    )


def make_feed(rng: random.Random, entries: int) -> str:
    """An RSS 2.0 feed whose entries carry a full HTML body (content:encoded)."""
    items = []
    for n in range(entries):
        body = "".join(f"<p>{_paragraph(rng)}</p>" for _ in range(3))
        items.append(
            f"<item><title>Entry {n}: {escape(_sentence(rng))}</title>"
            f"<link>https://feed.example.org/e/{n}</link><guid>e-{n}</guid>"
            f"<pubDate>Mon, 0{1 + n % 9} Jan 2024 10:00:00 GMT</pubDate>"
            f"<category>{rng.choice(WORDS)}</category>"
            f"<content:encoded>{escape(body)}</content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Bench Feed</title><link>https://feed.example.org/</link>"
        f"{''.join(items)}</channel></rss>"
    )


def _timed(library: Library, paths: list[Path]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = import_paths(library, paths)
    return time.perf_counter() - wall, time.process_time() - cpu, outcome


def main() -> None:
    """Generate the inputs, import them, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pages_dir = root / "pages"
        pages_dir.mkdir()
        for n in range(args.pages):
            (pages_dir / f"page-{n:04d}.html").write_text(make_page(rng, n), encoding="utf-8")
        feed = root / "feed.xml"
        feed.write_text(make_feed(rng, args.entries), encoding="utf-8")
        size = sum(p.stat().st_size for p in pages_dir.iterdir()) / args.pages / 1024
        library = Library.open(f"sqlite:///{root / 'bench.db'}")
        try:
            import_paths(library, [])  # warm the imports before timing
            wall, cpu, outcome = _timed(library, [pages_dir])
            comments = _count(library, "comment")
            print(
                f"{len(outcome.imported)} pages (average {size:.1f} KB, {comments} comments, "
                f"{len(outcome.failed)} failed): {wall:.1f} s wall, {cpu:.1f} s CPU -> "
                f"{args.pages / wall:.1f} pages/s wall, {args.pages / cpu:.1f} pages/s per core"
            )
            wall, cpu, outcome = _timed(library, [feed])
            print(
                f"{len(outcome.imported)} feed entries ({feed.stat().st_size / 1e6:.1f} MB, "
                f"{len(outcome.failed)} failed): {wall:.1f} s wall, {cpu:.1f} s CPU -> "
                f"{args.entries / wall:.0f} entries/s wall, {args.entries / cpu:.0f} entries/s "
                "per core"
            )
            wall, cpu, outcome = _timed(library, [feed])
            print(
                f"the same feed again ({len(outcome.updated)} updated): "
                f"{args.entries / wall:.0f} entries/s wall, {args.entries / cpu:.0f} per core"
            )
        finally:
            library.close()


def _count(library: Library, table: str) -> int:
    from sqlalchemy import text

    with library.db.session() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


if __name__ == "__main__":
    main()
