"""The app's measurements, in a real pseudo-terminal of 120x40.

The app runs as ``python -m tuireader --db FILE --no-sample``.  Its list is
moved with ``j``/``k`` (``g`` top, ``G`` end, page-down to reach the middle) and
``Enter`` opens an article.  The library's newest articles are the three of
known size (:data:`synth.BIG_ARTICLES`), so they are the first rows.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from ptydrive import PtyApp

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COLUMNS, ROWS = 120, 40
MOVES = 40
"""Cursor moves measured at each place in the list."""
FIRST_TITLE = "Benchmark article bench3k"
"""The newest article's title: the first frame of the app shows it."""
_INDEX = re.compile(r"\b[A-Z][a-z]+(?: [a-z]+)* (\d{1,7})\b")


def _env() -> dict[str, str]:
    return {"PYTHONPATH": str(ROOT / "src"), "TEXTUAL_ANIMATIONS": "none"}


def _app(path: Path) -> PtyApp:
    argv = [sys.executable, "-m", "tuireader", "--db", str(path), "--no-sample"]
    return PtyApp(argv, columns=COLUMNS, rows=ROWS, env=_env(), cwd=str(ROOT))


def _bare() -> PtyApp:
    return PtyApp(
        [sys.executable, str(HERE / "bare_app.py")], columns=COLUMNS, rows=ROWS, env=_env()
    )


def first_paint(path: Path, runs: int = 3) -> tuple[float, float]:
    """Median seconds to the first full frame: (app, bare Textual app), runs interleaved."""
    from bare_app import READY

    app_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(runs):
        with _bare() as bare:
            bare_times.append(bare.wait_for(READY))
        with _app(path) as app:
            app_times.append(app.wait_for(FIRST_TITLE))
    return statistics.median(app_times), statistics.median(bare_times)


def _moves(app: PtyApp, key: str, count: int) -> tuple[float, float]:
    """CPU ms and bytes written per move, over *count* presses of *key*."""
    app.wait_quiet(0.5)
    cpu = app.cpu_seconds()
    written = app.bytes_read
    for _ in range(count):
        app.press(key)
        app.wait_quiet(0.05, timeout=5)
    cpu = app.cpu_seconds() - cpu
    return cpu * 1000 / count, (app.bytes_read - written) / count


def _visible_indexes(app: PtyApp) -> list[int]:
    """The synthetic article numbers (titles end with one) on the screen."""
    return [int(m.group(1)) for m in _INDEX.finditer(app.text())]


READY = " articles · "
"""In the header once the library is open (before that it says "opening the library…")."""


def _ready(app: PtyApp) -> None:
    """Wait until the app shows the list, has opened the library and has gone quiet.

    The list's first rows show before the store has loaded (about a second at
    100,000 articles): a key pressed then waits for it, which is start-up time,
    measured by the first paint, not by a cursor move or an article's opening.
    """
    app.wait_for(FIRST_TITLE)
    app.wait_for(READY)
    app.wait_quiet(1.0)


def cursor_moves(path: Path, n: int) -> dict[str, Any]:
    """CPU and bytes per cursor move at the top, the middle and the end of the list."""
    out: dict[str, Any] = {}
    with _app(path) as app:
        _ready(app)
        out["top"] = _moves(app, "j", MOVES)
        # To the middle: page down in groups, watching the article numbers shown.
        target = n // 2
        pages = 0
        while pages < n // (ROWS // 2) + 10:
            app.press(*["pagedown"] * 20)
            pages += 20
            app.wait_quiet(0.2, timeout=30)
            shown = _visible_indexes(app)
            if shown and statistics.median(shown) >= target:
                break
            if pages == 20 and (not shown or max(shown) < ROWS):
                break  # page-down does not move this list
        shown = _visible_indexes(app)
        if shown and statistics.median(shown) >= target * 0.8:
            out["middle"] = _moves(app, "j", MOVES)
        else:
            out["middle_note"] = "could not reach the middle with page-down"
        app.press("G")
        app.wait_quiet(0.5, timeout=30)
        out["end"] = _moves(app, "k", MOVES)
        out["peak_mb"] = app.peak_rss_mb()
    return out


OPEN_RUNS = 3
"""Fresh apps per article size; the median is reported."""


def open_article(path: Path, rank: int, marker: str) -> float:
    """Milliseconds from Enter to a frame showing the article's first words (median of runs)."""
    return statistics.median(_open_once(path, rank, marker) for _ in range(OPEN_RUNS))


def _open_once(path: Path, rank: int, marker: str) -> float:
    with _app(path) as app:
        _ready(app)
        app.press("g", *["j"] * rank)
        app.wait_quiet(0.5)
        start = time.perf_counter()
        app.press("enter")
        app.wait_for(f"{marker} begins here", timeout=60)
        elapsed = (time.perf_counter() - start) * 1000
    return elapsed


def measure_app_in_pty(
    m: dict[str, Any], path: Path, n: int, big: tuple[tuple[str, int], ...]
) -> None:
    """Fill the app's metrics of the benchmark table."""
    try:
        app_s, bare_s = first_paint(path)
        m["first_paint_ratio"].value = app_s / bare_s
        m["first_paint_ratio"].note = f"app {app_s:.2f} s, bare Textual {bare_s:.2f} s (medians)"
    except (RuntimeError, TimeoutError, OSError) as exc:
        m["first_paint_ratio"].note = f"failed: {exc}"[:200]
        return
    try:
        moves = cursor_moves(path, n)
    except (RuntimeError, TimeoutError, OSError) as exc:
        m["cursor_cpu_ms_top"].note = f"failed: {exc}"[:200]
    else:
        for place in ("top", "middle", "end"):
            if place in moves:
                m[f"cursor_cpu_ms_{place}"].value = moves[place][0]
        if "middle_note" in moves:
            m["cursor_cpu_ms_middle"].note = moves["middle_note"]
        m["cursor_bytes"].value = statistics.mean(
            moves[p][1] for p in ("top", "middle", "end") if p in moves
        )
        m["app_peak_mb"].value = moves["peak_mb"]
        m["app_peak_mb"].note = "VmHWM after the cursor moves"
    for rank, (marker, size) in enumerate(big):
        key = f"open_ms_{size // 1000}k"
        try:
            m[key].value = open_article(path, rank, marker)
        except (RuntimeError, TimeoutError, OSError) as exc:
            m[key].note = f"failed: {exc}"[:200]


if __name__ == "__main__":  # a quick look at the pty driver with the bare app
    from bare_app import READY

    with _bare() as bare:
        print(f"bare app first frame after {bare.wait_for(READY):.2f} s", file=sys.stderr)
        print(bare.text(), file=sys.stderr)
