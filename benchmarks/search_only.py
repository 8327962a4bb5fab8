"""Search latency alone: the 200 queries of ``run.py`` against a library that already exists.

Run from the repository root::

    PYTHONPATH=src python benchmarks/search_only.py benchmarks/.cache/library-100000-v1.db

Each query runs once, as in ``run.py`` (after one warm-up query); ``--runs`` repeats
the whole set in the same process (later runs find SQLite's cache warmer).  Prints p50
and p95 of wall and CPU time, the slowest queries and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for extra in (HERE.parent / "src", HERE):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from run import search_queries, time_queries  # noqa: E402
from synth import Corpus  # noqa: E402


def _pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main(argv: list[str] | None = None) -> int:
    """Measure and print; the exit status is 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path, help="a library file made by run.py")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)

    from tuireader.store.db import Database
    from tuireader.store.search import search

    db = Database(f"sqlite:///{args.library}")
    queries = search_queries(Corpus())
    search(db, "warm up")
    for run in range(args.runs):
        wall, cpu = time_queries(db, queries)
        slowest = sorted(zip(wall, cpu, queries, strict=True), reverse=True)[:6]
        print(
            f"run {run}: p50 {_pct(wall, 50):.1f} ms (CPU {_pct(cpu, 50):.1f}),"
            f" p95 {_pct(wall, 95):.1f} ms (CPU {_pct(cpu, 95):.1f}),"
            f" load {os.getloadavg()[0]:.2f}"
        )
        print(
            "  slowest (wall/CPU ms): " + "; ".join(f"{q!r} {w:.0f}/{c:.0f}" for w, c, q in slowest)
        )
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
