"""The tuireader benchmark: a large synthetic library, measured against the goals.

Run from the repository root::

    PYTHONPATH=src python benchmarks/run.py --articles 100000 --json results.json

The library is built once through the bulk import path and cached in
``benchmarks/.cache/``; ``--rebuild`` builds it again.  The measurements and
the JSON keys are described in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for extra in (ROOT / "src", HERE):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from synth import BIG_ARTICLES, VERSION, Corpus, synthetic_articles  # noqa: E402

CACHE = HERE / ".cache"
SCHEMA = 1
"""The version of the JSON document this script writes."""


@dataclass
class Metric:
    """One line of the table: a measured figure against its goal."""

    key: str
    label: str
    unit: str
    goal: float | None
    op: str = "<="
    value: float | None = None
    note: str = ""

    @property
    def status(self) -> str:
        """``pass``, ``miss``, ``n/a`` (not measured) or ``info`` (no goal)."""
        if self.value is None:
            return "n/a"
        if self.goal is None:
            return "info"
        ok = self.value <= self.goal if self.op == "<=" else self.value >= self.goal
        return "pass" if ok else "miss"


def _metrics() -> dict[str, Metric]:
    items = [
        Metric("first_paint_ratio", "first paint, app / bare Textual", "x", 1.7),
        Metric("cursor_cpu_ms_top", "CPU per cursor move, top", "ms", 5),
        Metric("cursor_cpu_ms_middle", "CPU per cursor move, middle", "ms", 5),
        Metric("cursor_cpu_ms_end", "CPU per cursor move, end", "ms", 5),
        Metric("cursor_bytes", "bytes written per cursor move (120x40)", "B", 1024),
        Metric("open_ms_3k", "show a 3 KB article", "ms", 100),
        Metric("open_ms_30k", "show a 30 KB article", "ms", 150),
        Metric("open_ms_300k", "show a 300 KB article", "ms", 300),
        Metric("search_p50_ms", "search p50 (200 queries)", "ms", 5),
        Metric("search_p95_ms", "search p95 (200 queries)", "ms", 50),
        Metric("import_s", "bulk import time", "s", 30),
        Metric("import_peak_mb", "bulk import peak memory", "MB", 500),
        Metric("app_peak_mb", "peak memory, app open", "MB", 100),
        Metric("html_pages_per_s", "HTML extraction", "pages/s", None, ">="),
    ]
    return {m.key: m for m in items}


# -- the library ------------------------------------------------------------------------------


def cache_path(n: int) -> Path:
    """Where the library of *n* articles is cached."""
    return CACHE / f"library-{n}-v{VERSION}.db"


def child_import(path: Path, n: int) -> dict[str, Any]:
    """Import *n* synthetic articles into a new library at *path* (run in a subprocess)."""
    from tuireader.store.bulk import bulk_import
    from tuireader.store.library import Library

    corpus = Corpus()
    library = Library.open(f"sqlite:///{path}")
    start = time.perf_counter()
    cpu = time.process_time()
    counts = bulk_import(library, synthetic_articles(n, corpus=corpus))
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with library.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    library.close()
    sample = min(n, 5000)
    gen = time.perf_counter()
    for _ in synthetic_articles(sample, corpus=corpus):
        pass
    gen_seconds = (time.perf_counter() - gen) * n / max(sample, 1)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak,
        "input_seconds": gen_seconds,
        "articles": counts.articles,
        "comments": counts.comments,
        "notes": counts.notes,
    }


def run_import(path: Path, n: int) -> dict[str, Any]:
    """Run :func:`child_import` in its own process (for its own peak memory)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run(
        [sys.executable, str(Path(__file__)), "--child-import", str(path), "--articles", str(n)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the import failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ensure_library(n: int, rebuild: bool) -> tuple[Path, dict[str, Any] | None]:
    """The cached library of *n* articles (built now if needed) and the build's figures."""
    path = cache_path(n)
    if path.exists() and not rebuild:
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    print(f"building the library of {n:,} articles (cached in {path})...", file=sys.stderr)
    figures = run_import(tmp, n)
    tmp.replace(path)
    return path, figures


# -- measurements -------------------------------------------------------------------------------


def measure_import(m: dict[str, Metric], n: int, figures: dict[str, Any] | None) -> None:
    """(6) The bulk import: time and peak memory of a fresh import in a subprocess."""
    if figures is None:
        with tempfile.TemporaryDirectory() as tmp:
            figures = run_import(Path(tmp) / "import.db", n)
    m["import_s"].value = figures["seconds"]
    m["import_s"].note = (
        f"{figures['articles']:,} articles, {figures['comments']:,} comments; "
        f"CPU {figures['cpu_seconds']:.1f} s; making the input ≈ {figures['input_seconds']:.1f} s"
    )
    m["import_peak_mb"].value = figures["peak_mb"]


SEARCH_HITS = 100
"""Hits per search, with snippets: what the app asks for (``app.backend.SEARCH_LIMIT``)."""


def search_queries(corpus: Corpus) -> list[str]:
    """200 queries: the most common words, mid and rare words, pairs, phrases and prefixes."""
    w = corpus.words
    queries = w[:20] + w[20:200:4][:40] + w[200:5000:80][:60] + w[5000:40000:700][:50]
    queries += [f"{w[i]} {w[300 + 37 * i]}" for i in range(20)]
    queries += [f'"{w[0]} {w[1]}"', f'"{w[2]} {w[0]}"', f'"{w[3]} {w[0]} {w[1]}"']
    queries += [f'"{w[40]} {w[41]}"', f'"{w[500]} {w[1]}"']
    queries += [w[i][:3] + "*" for i in (0, 5, 50, 500, 5000)]
    assert len(queries) == 200, len(queries)
    return queries


def time_queries(db: Any, queries: list[str]) -> tuple[list[float], list[float]]:
    """Run each of *queries* once; their wall and CPU times in milliseconds."""
    from tuireader.store.search import search

    wall: list[float] = []
    cpu: list[float] = []
    for q in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        search(db, q, limit=SEARCH_HITS)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def measure_search(m: dict[str, Metric], path: Path) -> None:
    """(5) Search latency over 200 queries of mixed frequency."""
    from tuireader.store.db import Database
    from tuireader.store.search import search

    db = Database(f"sqlite:///{path}")
    queries = search_queries(Corpus())
    search(db, "warm up")
    times, cpu = time_queries(db, queries)
    db.dispose()

    def pct(values: list[float], p: int) -> float:
        return statistics.quantiles(values, n=100, method="inclusive")[p - 1]

    slowest = max(zip(times, queries, strict=True))
    m["search_p50_ms"].value = pct(times, 50)
    m["search_p95_ms"].value = pct(times, 95)
    m["search_p50_ms"].note = f"CPU time p50 {pct(cpu, 50):.1f} ms; 100 results with snippets"
    common = sorted(times[:20])
    m["search_p95_ms"].note = (
        f"CPU time p95 {pct(cpu, 95):.1f} ms; 20 most common words: median {common[10]:.1f} ms;"
        f" slowest {slowest[1]!r} {slowest[0]:.0f} ms"
    )


def measure_html(m: dict[str, Metric]) -> None:
    """(8) HTML extraction speed, when the HTML importer is present."""
    import importlib.util

    if importlib.util.find_spec("tuireader.importers.html") is None:
        m["html_pages_per_s"].note = "n/a: importer not present"
        return
    import importlib
    import random

    html = importlib.import_module("tuireader.importers.html")
    from tuireader.importers.files import detect_format, parse_bytes

    corpus = Corpus()
    rng = random.Random(3)
    pages = []
    for i in range(100):
        paras = "".join(f"<p>{p}</p>\n" for p in corpus.paragraphs(rng, 3000))
        nav = "".join(f'<li><a href="/s/{j}">Section {j}</a></li>' for j in range(30))
        pages.append(
            (
                f"<!doctype html><html><head><title>Page {i}</title>"
                f'<meta charset="utf-8"><link rel="canonical" href="https://h.example/{i}">'
                f"</head><body><nav><ul>{nav}</ul></nav><main><article><h1>Page {i}</h1>"
                f"{paras}</article></main><footer>© site · privacy · terms</footer>"
                "</body></html>"
            ).encode()
        )
    if hasattr(html, "parse_html"):
        how = "parse_html"

        def parse(i: int, page: bytes) -> object:
            return html.parse_html(page, url=f"https://h.example/{i}")

    elif detect_format(pages[0], "page.html") != "textdump":
        how = "parse_bytes"

        def parse(i: int, page: bytes) -> object:
            return parse_bytes(page, f"page{i}.html")

    else:
        m["html_pages_per_s"].note = "n/a: no importer recognises the HTML pages"
        return
    start, start_cpu = time.perf_counter(), time.process_time()
    for i, page in enumerate(pages):
        parse(i, page)
    m["html_pages_per_s"].value = len(pages) / (time.perf_counter() - start)
    cpu_rate = len(pages) / max(time.process_time() - start_cpu, 1e-9)
    m[
        "html_pages_per_s"
    ].note = f"{len(pages)} pages of ≈3 KB text with navigation ({how}); {cpu_rate:.0f}/s of CPU"


def measure_app(m: dict[str, Metric], path: Path, n: int) -> None:
    """(1)–(4), (7): the app in a real pseudo-terminal (see app_bench.py)."""
    try:
        from tuireader.app import make_app  # noqa: F401
    except ImportError:
        for key in (
            "first_paint_ratio",
            "cursor_cpu_ms_top",
            "cursor_cpu_ms_middle",
            "cursor_cpu_ms_end",
            "cursor_bytes",
            "open_ms_3k",
            "open_ms_30k",
            "open_ms_300k",
            "app_peak_mb",
        ):
            m[key].note = "n/a (app not present)"
        return
    from app_bench import measure_app_in_pty

    measure_app_in_pty(m, path, n, BIG_ARTICLES)


# -- report ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def fmt(value: float | None, unit: str) -> str:
    """A figure with its unit, or n/a."""
    if value is None:
        return "n/a"
    if unit in ("MB", "s", "x") or value >= 100:
        return f"{value:,.1f} {unit}" if value < 1000 else f"{value:,.0f} {unit}"
    return f"{value:.2f} {unit}"


def table(metrics: dict[str, Metric]) -> str:
    """The results as a Markdown table."""
    lines = ["| measurement | goal | measured | status | note |", "|---|---|---|---|---|"]
    for m in metrics.values():
        goal = "—" if m.goal is None else f"{m.op} {fmt(m.goal, m.unit)}"
        lines.append(f"| {m.label} | {goal} | {fmt(m.value, m.unit)} | {m.status} | {m.note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, build or reuse the library, measure, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="library size")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--rebuild", action="store_true", help="build the cached library again")
    parser.add_argument(
        "--skip-import", action="store_true", help="do not time a fresh bulk import"
    )
    parser.add_argument("--child-import", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_import:
        print(json.dumps(child_import(args.child_import, args.articles)))
        return 0
    started = datetime.now(UTC)
    metrics = _metrics()
    info = machine()
    path, figures = ensure_library(args.articles, args.rebuild)
    steps = [
        ("search", lambda: measure_search(metrics, path)),
        ("html", lambda: measure_html(metrics)),
        ("app", lambda: measure_app(metrics, path, args.articles)),
    ]
    if not args.skip_import or figures is not None:
        steps.append(("import", lambda: measure_import(metrics, args.articles, figures)))
    else:
        metrics["import_s"].note = metrics["import_peak_mb"].note = "skipped (--skip-import)"
    for name, step in steps:
        print(f"measuring: {name}...", file=sys.stderr)
        step()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    articles, comments = con.execute(
        "SELECT (SELECT count(*) FROM article), (SELECT count(*) FROM comment)"
    ).fetchone()
    con.close()
    print(
        f"\ntuireader benchmark: {articles:,} articles, {comments:,} comments — "
        f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, "
        f"SQLite {info['sqlite']}, load {info['load_average']}\n"
    )
    print(table(metrics))
    if args.json:
        doc = {
            "schema": SCHEMA,
            "started": started.isoformat(),
            "library": {"articles": articles, "comments": comments, "path": str(path)},
            "machine": info,
            "results": {
                k: {**{f: v for f, v in asdict(m).items() if f != "key"}, "status": m.status}
                for k, m in metrics.items()
            },
        }
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
