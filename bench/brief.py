"""How long a briefing export takes (#7): deck model, chart images, and each format.

Run from the repo root: ``python bench/brief.py [--repeat N]``. Prints a Markdown table and
writes it to ``bench/brief-results.md``. ``measure()`` is importable, so ``bench/run.py``
can add these rows to its own table. Numbers are medians over ``--repeat`` runs after one
warm-up (which pays the one-off font registration); the first export in a fresh server
process costs about one second more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zones import brief_export  # noqa: E402
from zones.brief.deck import build_deck  # noqa: E402
from zones.dataset.filters import FilterState  # noqa: E402
from zones.dataset.loading import CsvSource, load  # noqa: E402

DATE = dt.date(2026, 11, 24)
CASES = {
    "all, zh": (FilterState(), "zh"),
    "ginseng → Japan, en": (FilterState(products=("ginseng",), destinations=("JPN",)), "en"),
    "report facts only, zh": (FilterState(report_only=True), "zh"),
}


def _median_s(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up: font registration, first vl-convert call
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(repeat: int = 3) -> list[tuple[str, str, float]]:
    """(case, step, median seconds) for every case and step."""
    ds = load(CsvSource()).dataset
    assert ds is not None
    rows: list[tuple[str, str, float]] = []
    for case, (state, lang) in CASES.items():
        deck = build_deck(ds, state, lang, DATE)
        rows.append((case, "deck model", _median_s(
            lambda s=state, g=lang: build_deck(ds, s, g, DATE), repeat)))
        rows.append((case, f"chart images ({len(deck.figures)} PNG)", _median_s(
            lambda d=deck: brief_export.render_images(d), repeat)))
        for fmt in brief_export.FORMATS:
            rows.append((case, f"export {fmt} (total)", _median_s(
                lambda s=state, g=lang, f=fmt: brief_export.export(ds, s, g, DATE, f),
                repeat)))
    # What the app does: the same export in the reused worker process (warm).
    state, lang = CASES["all, zh"]
    for fmt in ("pptx", "pdf"):
        rows.append(("all, zh", f"export {fmt} in the app's worker process", _median_s(
            lambda f=fmt: brief_export.export_isolated(ds, state, lang, DATE, f), repeat)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = measure(args.repeat)
    lines = ["| case | step | median (s) |", "|---|---|---:|"]
    lines += [f"| {case} | {step} | {seconds:.2f} |" for case, step, seconds in rows]
    table = "\n".join(lines)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    table += f"\n\nLoad average while measuring: {load:.1f} on {os.cpu_count()} cores."
    print(table)
    (ROOT / "bench" / "brief-results.md").write_text(
        "# Briefing export timings (`python bench/brief.py`)\n\n"
        f"Median of {args.repeat} runs after a warm-up, on this machine "
        "(2 cores shared with other work).\n\n" + table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
