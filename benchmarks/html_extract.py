"""Measure how many pages per second :func:`parse_html` handles on one core.

Runs the hand-written pages of ``tests/fixtures/html`` through the whole
pipeline (checks, parse, comment adapters, trafilatura, metadata) in a loop,
then two larger generated wpDiscuz pages, and prints pages/s.  CPU time of this
process is measured, not wall time, so the figure is per core even on a busy
machine.  Usage::

    PYTHONPATH=src python benchmarks/html_extract.py [--rounds N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tuireader.importers.html import parse_html

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "html"


def _large_page(pages: dict[str, bytes], copies: int) -> bytes:
    """The wpDiscuz fixture with its five-comment thread repeated *copies* times
    (renumbered): closer in size to a real blog post with a busy thread."""
    html = pages["wpdiscuz.html"].decode("utf-8")
    start = html.index("<div id='wpd-comm-2101_0'")
    end = html.index('<div class="wpdiscuz-comment-pagination">')
    thread = html[start:end]
    threads = []
    for n in range(copies):
        copy = thread
        for old in ("2101", "2102", "2103", "2104", "2105"):
            copy = copy.replace(old, f"{n}{old}")
        threads.append(copy)
    return (html[:start] + "".join(threads) + html[end:]).encode("utf-8")


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="passes over the fixtures")
    args = parser.parse_args()
    pages = {path.name: path.read_bytes() for path in sorted(FIXTURES.glob("*.html"))}
    for data in pages.values():  # warm up imports and caches
        parse_html(data)
    per_page: dict[str, float] = dict.fromkeys(pages, 0.0)
    started = time.process_time()
    for _ in range(args.rounds):
        for name, data in pages.items():
            t0 = time.process_time()
            parse_html(data, url=f"https://example.com/{name}")
            per_page[name] += time.process_time() - t0
    elapsed = time.process_time() - started
    count = args.rounds * len(pages)
    size = sum(len(d) for d in pages.values()) / len(pages) / 1024
    print(
        f"{count} pages (average {size:.1f} KB) in {elapsed:.2f} s: "
        f"{count / elapsed:.1f} pages/s on one core"
    )
    rounds = max(1, args.rounds // 3)
    for copies in (10, 40):
        large = _large_page(pages, copies)
        t0 = time.process_time()
        for _ in range(rounds):
            comments = len(parse_html(large).comments)
        spent = (time.process_time() - t0) / rounds
        print(
            f"  wpDiscuz page of {len(large) / 1024:.0f} KB with {comments} comments: "
            f"{spent * 1000:.1f} ms/page, {1 / spent:.1f} pages/s"
        )
    for name, total in per_page.items():
        print(
            f"  {name:24} {len(pages[name]) / 1024:6.1f} KB  "
            f"{total / args.rounds * 1000:6.1f} ms/page  {args.rounds / total:6.1f} pages/s"
        )


if __name__ == "__main__":
    main()
