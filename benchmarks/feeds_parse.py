"""Measure parse_feed over a generated 10,000-entry RSS 2.0 feed; prints entries per second.

Run: PYTHONPATH=src python benchmarks/feeds_parse.py [entries]

Two feeds are timed: one whose entries carry a full HTML body (content:encoded,
about 1.5 kB each: converted to Markdown and to plain text) and one with short
plain summaries only.  Wall time and CPU time are both shown: on a shared
machine the CPU figure (entries per CPU-second, i.e. per core) is the steadier.
"""

from __future__ import annotations

import sys
import time
from xml.sax.saxutils import escape

from tuireader.importers.feeds import parse_feed

BODY = (
    "<h2>Section {i}</h2><p>This is paragraph one of entry {i}, with <strong>bold</strong>, "
    "<em>emphasis</em> and <a href='https://bench.example.org/link/{i}'>a link</a>.</p>"
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p>"
    "<ul><li>first point</li><li>second point</li><li>third point</li></ul>"
    "<blockquote><p>A quotation that goes on for a little while, as they do.</p></blockquote>"
    "<p>Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu "
    "fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa "
    "qui officia deserunt mollit anim id est laborum.</p><pre><code>x = {i}</code></pre>"
)


def make_feed(count: int, *, full: bool) -> bytes:
    items = []
    for i in range(count):
        body = (
            f"<content:encoded>{escape(BODY.format(i=i))}</content:encoded>"
            if full
            else f"<description>Short summary of entry {i}.</description>"
        )
        items.append(
            f"<item><title>Entry {i}</title><link>https://bench.example.org/{i}</link>"
            f"<guid>https://bench.example.org/{i}</guid>"
            f"<pubDate>Mon, 01 Jan 2024 {i % 24:02d}:00:00 GMT</pubDate>"
            f"<category>cat{i % 7}</category>{body}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Bench</title><link>https://bench.example.org/</link>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def measure(label: str, data: bytes, count: int) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    feed = parse_feed(data, url="https://bench.example.org/feed.xml")
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    assert len(feed.entries) == count, (len(feed.entries), feed.warnings)
    print(
        f"{label}: {count:,} entries, {len(data) / 1e6:.1f} MB in {elapsed:.2f} s "
        f"= {count / elapsed:,.0f} entries/s ({count / cpu:,.0f} entries per CPU-second)"
    )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    measure("full HTML bodies", make_feed(count, full=True), count)
    measure("summaries only  ", make_feed(count, full=False), count)


if __name__ == "__main__":
    main()
