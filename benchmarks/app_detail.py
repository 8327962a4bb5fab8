"""Benchmarks of the reader on a 100,000-article library (10 comments each).

Run from the repository root::

    PYTHONPATH=src python benchmarks/app_detail.py            # build (once) and measure
    PYTHONPATH=src python benchmarks/app_detail.py --articles 20000 --runs 3

The library is cached in ``benchmarks/.cache/``.  Measured:

- time to first paint of ``python -m tuireader`` in a 120x40 pty, against a bare
  Textual app in the same run (median of ``--runs``), and the time until the
  list shows its rows;
- CPU and bytes written per cursor move in the pty (top and end of the list),
  and CPU per cursor move in-process (top, middle, end);
- time to show the first screen of a 3 / 30 / 300 KB article, and to finish it;
- peak memory (VmHWM) of the app in the pty, and of the in-process run.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import resource
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
sys.path[:0] = [str(ROOT / "src"), str(HERE)]

COLS, ROWS = 120, 40
GOALS = {"paint_ratio": 1.7, "cpu_ms": 5.0, "bytes": 1024, "3KB": 100, "30KB": 150, "300KB": 300}


class Pty:
    """A child process on a COLS×ROWS pty; output collected, CPU and memory read from /proc."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.out = bytearray()

    def pump(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if ready:
                try:
                    data = os.read(self.master, 1 << 16)
                except OSError:
                    return
                if not data:
                    return
                self.out += data

    def wait_for(self, needle: bytes, timeout: float = 60) -> float:
        """Seconds from the start until *needle* was written."""
        end = time.perf_counter() + timeout
        while needle not in self.out:
            if time.perf_counter() > end:
                raise TimeoutError(f"{needle!r} not seen")
            ready, _, _ = select.select([self.master], [], [], 0.005)
            if ready:
                self.out += os.read(self.master, 1 << 16)
        return time.perf_counter() - self.started

    def cpu(self) -> float:
        """User + system CPU seconds of the child so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def send(self, keys: bytes, settle: float = 0.03) -> None:
        os.write(self.master, keys)
        self.pump(settle)

    def close(self) -> None:
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.master)


def env() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT / "src"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "HOME": str(CACHE),
        "TUIREADER_CONFIG_DIR": str(CACHE / "config"),
    }


def first_paint(db: Path, runs: int) -> dict[str, float]:
    """Median seconds (wall and CPU) to the first frame, app and bare app; and to the rows."""
    times: dict[str, list[float]] = {k: [] for k in ("bare", "app", "bare_cpu", "app_cpu", "rows")}
    for _ in range(runs):
        p = Pty([sys.executable, str(HERE / "bare_app_min.py")], env())
        times["bare"].append(p.wait_for(b"bare textual app"))
        times["bare_cpu"].append(p.cpu())
        p.send(b"q", 0.3)
        p.close()
        p = Pty([sys.executable, "-m", "tuireader", "--db", str(db), "--no-sample"], env())
        times["app"].append(p.wait_for(b"tuireader"))
        times["app_cpu"].append(p.cpu())
        times["rows"].append(p.wait_for(b"KB article"))
        p.send(b"q", 0.3)
        p.close()
    return {k: statistics.median(v) for k, v in times.items()}


def moves_in_pty(db: Path, moves: int = 30) -> dict[str, float]:
    """CPU ms and bytes per cursor move (top, scrolling, end of the list); peak memory.

    ``top`` and ``end`` are moves inside the visible rows (two rows repainted);
    ``scroll`` moves push the list by one row each (every visible row repainted).
    """
    p = Pty([sys.executable, "-m", "tuireader", "--db", str(db), "--no-sample"], env())
    p.wait_for(b"KB article")
    p.pump(1.5)  # let the warm-up finish
    result: dict[str, float] = {}
    for where, key, prep in (("top", b"j", b""), ("scroll", b"j", b""), ("end", b"k", b"G")):
        if prep:
            p.send(prep, 1.5)
        cpu0, bytes0 = p.cpu(), len(p.out)
        for _ in range(moves):
            p.send(key, 0.03)
        p.pump(0.5)
        result[f"pty_cpu_ms_{where}"] = (p.cpu() - cpu0) * 1000 / moves
        result[f"pty_bytes_{where}"] = (len(p.out) - bytes0) / moves
    p.send(b"g", 1.0)
    p.send(b"\r", 2.0)  # open the 300 KB article (the newest row)
    result["pty_peak_mb"] = p.peak_mb()
    p.send(b"q", 0.5)
    p.close()
    return result


async def in_process(db: Path, big: dict[str, int], moves: int = 60) -> dict[str, float]:
    """Net CPU per move at top/middle/end and the article timings, headless at 120x40.

    A move is ``move_cursor`` plus the frame it causes; the CPU of an idle
    ``pilot.pause()`` (the harness) is measured alongside and taken off.  Article
    timings wait on events set by the reader (no polling, which would compete with
    the worker for the GIL).
    """
    from tuireader.app import make_app
    from tuireader.app.config import Settings
    from tuireader.app.widgets.article_list import ArticleList
    from tuireader.app.widgets.reader import ReaderView

    result: dict[str, float] = {}
    app = make_app(f"sqlite:///{db}", sample=False, config=Settings())
    async with app.run_test(size=(COLS, ROWS)) as pilot:

        async def settle() -> None:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()

        await settle()
        articles = app.screen.query_one(ArticleList)
        total = articles.total
        for where, index in (("top", 0), ("middle", total // 2), ("end", total - 3)):
            articles.move_cursor(index)
            await settle()
            cpu0 = time.process_time()
            for i in range(moves):
                articles.move_cursor(index + (i % 2))
                await pilot.pause()
            cpu1 = time.process_time()
            for _ in range(moves):
                await pilot.pause()
            idle = time.process_time() - cpu1
            result[f"cpu_ms_{where}"] = ((cpu1 - cpu0) - idle) * 1000 / moves
        screen = app.screen
        reader = screen.query_one(ReaderView)
        shown, done = asyncio.Event(), asyncio.Event()
        add_chunk = reader.add_chunk

        def watch(chunk: object) -> None:
            add_chunk(chunk)  # type: ignore[arg-type]
            if reader.complete or len(reader.lines) >= reader.size.height:
                reader.call_after_refresh(shown.set)  # the first screen is painted
            if reader.complete:
                done.set()

        reader.add_chunk = watch  # type: ignore[method-assign]
        for label in ("3KB", "3KB", "30KB", "300KB"):  # the first 3 KB open warms up
            await settle()
            shown.clear()
            done.clear()
            t0 = time.perf_counter()
            screen.open_article(big[label])
            await asyncio.wait_for(shown.wait(), 30)
            result[f"show_ms_{label}"] = (time.perf_counter() - t0) * 1000
            await asyncio.wait_for(done.wait(), 60)
            result[f"complete_ms_{label}"] = (time.perf_counter() - t0) * 1000
    result["inproc_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def open_in_pty(db: Path, big: dict[str, int]) -> dict[str, float]:
    """Seconds from Enter to the article's header on screen, in the real app (median of 3).

    The three big articles are the newest rows (300 KB, 30 KB, 3 KB); each one's
    header says ``N min read`` with its own N, which marks its first screen.
    """
    import sqlite3

    with sqlite3.connect(db) as conn:
        minutes = {
            label: max(1, round(conn.execute(
                "SELECT word_count FROM article WHERE id=?", (big[label],)).fetchone()[0] / 230))
            for label in big
        }  # fmt: skip
    rows = {"300KB": b"", "30KB": b"j", "3KB": b"jj"}
    p = Pty([sys.executable, "-m", "tuireader", "--db", str(db), "--no-sample"], env())
    p.wait_for(b"KB article")
    p.pump(2.0)
    times: dict[str, list[float]] = {label: [] for label in rows}
    for _ in range(3):
        for label in ("3KB", "30KB", "300KB"):
            p.send(b"h", 0.3)  # back to the list
            p.send(b"g" + rows[label], 0.5)
            mark = len(p.out)
            t0 = time.perf_counter()
            os.write(p.master, b"\r")
            needle = f"{minutes[label]} min read".encode()
            while needle not in p.out[mark:]:
                p.pump(0.002)
                if time.perf_counter() - t0 > 20:
                    raise TimeoutError(label)
            times[label].append(time.perf_counter() - t0)
            p.pump(1.5)
    p.send(b"q", 0.5)
    p.close()
    return {f"pty_show_ms_{k}": statistics.median(v) * 1000 for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    db = CACHE / f"library-{args.articles}.db"
    meta = db.with_suffix(".json")
    if args.rebuild or not db.exists() or not meta.exists():
        from bench_library import build

        for stale in CACHE.glob(db.name + "*"):
            stale.unlink()
        t0 = time.perf_counter()
        big = build(db, args.articles)
        meta.write_text(json.dumps(big))
        print(f"built {db.name} in {time.perf_counter() - t0:.0f} s")
    big = json.loads(meta.read_text())
    figures: dict[str, float] = {}
    paint = first_paint(db, args.runs)
    figures.update({f"paint_{k}_ms": v * 1000 for k, v in paint.items()})
    figures["paint_ratio"] = paint["app"] / paint["bare"]
    figures["paint_cpu_ratio"] = paint["app_cpu"] / paint["bare_cpu"]
    figures.update(moves_in_pty(db))
    figures.update(open_in_pty(db, big))
    figures.update(asyncio.run(in_process(db, big)))
    print(json.dumps({k: round(v, 2) for k, v in figures.items()}, indent=1))
    print(report(figures, args.articles))


def report(f: dict[str, float], articles: int) -> str:
    """The figures against the goals, as a small table."""
    rows = [
        (
            "first paint: app / bare Textual",
            f"{f['paint_app_ms']:.0f} / {f['paint_bare_ms']:.0f} ms = {f['paint_ratio']:.2f}x",
            f"<= {GOALS['paint_ratio']}x",
        ),
        (
            "  same in CPU time",
            f"{f['paint_app_cpu_ms']:.0f} / {f['paint_bare_cpu_ms']:.0f} ms"
            f" = {f['paint_cpu_ratio']:.2f}x",
            "",
        ),
        ("list rows shown", f"{f['paint_rows_ms']:.0f} ms", ""),
        (
            "CPU per move (in-process, net) top/middle/end",
            f"{f['cpu_ms_top']:.2f} / {f['cpu_ms_middle']:.2f} / {f['cpu_ms_end']:.2f} ms",
            f"<= {GOALS['cpu_ms']} ms",
        ),
        (
            "CPU per move (pty) top/end/scrolling",
            f"{f['pty_cpu_ms_top']:.2f} / {f['pty_cpu_ms_end']:.2f}"
            f" / {f['pty_cpu_ms_scroll']:.2f} ms",
            f"<= {GOALS['cpu_ms']} ms",
        ),
        (
            "bytes per move (pty 120x40) top/end/scrolling",
            f"{f['pty_bytes_top']:.0f} / {f['pty_bytes_end']:.0f} / {f['pty_bytes_scroll']:.0f} B",
            f"<= {GOALS['bytes']} B",
        ),
    ]
    for label in ("3KB", "30KB", "300KB"):
        rows.append(
            (
                f"show {label}: pty / in-process (all of it)",
                f"{f[f'pty_show_ms_{label}']:.0f} / {f[f'show_ms_{label}']:.0f}"
                f" ({f[f'complete_ms_{label}']:.0f}) ms",
                f"<= {GOALS[label]} ms",
            )
        )
    rows.append(
        (
            "peak memory: app in pty / in-process run",
            f"{f['pty_peak_mb']:.0f} / {f['inproc_peak_mb']:.0f} MB",
            "<= 100 MB",
        )
    )
    width = max(len(r[0]) for r in rows)
    lines = [f"library: {articles:,} articles x 10 comments", ""]
    lines += [f"{name:<{width}}  {value:<28} {goal}" for name, value, goal in rows]
    return "\n".join(lines)  # fmt: skip


if __name__ == "__main__":
    main()
