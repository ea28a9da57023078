"""What the words of issue 21 cost: key points on a page's rerun, and the written brief.

Run from the repo root: ``python bench/words.py [--repeat N]``. Writes
``bench/RESULTS-words.md``. Targets: the key points add ≤ 10 ms to a page's rerun on the
bundled data; a .docx of the bundled data in ≤ 5 s. The machine is shared, so each figure
is given as wall time and as this process's CPU time (what the work itself costs), with
the load average beside them.

- "rerun": ``key_points`` for the view the page already showed (a widget click, a
  PageDown through a run-sheet, a language switch back): the per-(data, view) cache.
- "new view": the first call for a view never seen (a filter change), cache cleared; the
  page computes its charts' frames on that rerun anyway, this is the sentences' share.
- "page rerun, block on/off": AppTest reruns of the volumes page with the key points block
  and with it replaced by a no-op, side by side in one run.
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

from zones import keypoints  # noqa: E402
from zones.brief.export import export  # noqa: E402
from zones.dataset.filters import FilterState  # noqa: E402
from zones.dataset.loading import CsvSource, load  # noqa: E402
from zones.view import Filter, View  # noqa: E402

DATE = dt.date(2026, 12, 7)
VIEWS = {
    "overview, zh": View.of("overview", lang="zh"),
    "volumes, en": View.of("volumes", lang="en", options={"measure": "value_usd"}),
    "volumes ginseng → JP/KR, zh": View.of(
        "volumes", Filter(products=("ginseng",), destinations=("JPN", "KOR")), "zh",
        options={"by": "destination"}),
}


# Product × destination filters for the filter-change rows, each used once per block.
FILTER_CHANGES = [(p, d) for p in ("ginseng", "rice", "poultry_meat", "raspberry")
                  for d in ("JPN", "KOR", "RUS")]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn`` over ``repeat`` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def key_point_rows(ds, repeat: int) -> list[tuple[str, str, float, float]]:
    rows = []
    for name, view in VIEWS.items():
        keypoints.key_points(ds, view)
        w, c = timed(lambda v=view: keypoints.as_text(keypoints.key_points(ds, v), v.lang),
                     repeat * 50)
        rows.append((name, "rerun (cached) + plain text", w * 1000, c * 1000))

        def fresh(v=view) -> None:
            keypoints.clear_cache()
            keypoints.key_points(ds, v)

        w, c = timed(fresh, repeat)
        rows.append((name, "new view (uncached)", w * 1000, c * 1000))
    return rows


def page_rows(repeat: int) -> list[tuple[str, str, float, float]]:
    from streamlit.testing.v1 import AppTest

    import zones.ui as ui

    real = ui.key_points_block
    rows = []
    for label, block in (("with the block", real), ("block off", lambda ds, view: ())):
        ui.key_points_block = block  # the pages import it from zones.ui on every run
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["product"] = "ginseng"
        at.run()
        at.switch_page("pages/volumes.py")
        at.run()
        w, c = timed(at.run, repeat * 3)
        rows.append(("volumes page, AppTest", f"rerun, {label}", w * 1000, c * 1000))
        # A filter change: every run a view not seen before (no cache of the key points
        # or of the charts' sums holds it), as an officer clicking through products.
        changes = iter(FILTER_CHANGES * (repeat * 3 // len(FILTER_CHANGES) + 1))

        def change(app=at, todo=changes) -> None:
            product, dest = next(todo)  # through the widgets: a link is read once per session
            app.multiselect(key="product").set_value([product])
            app.multiselect(key="dest").set_value([dest])
            app.run()

        w, c = timed(change, min(repeat * 3, len(FILTER_CHANGES)))
        rows.append(("volumes page, AppTest", f"filter change, {label}", w * 1000, c * 1000))
    ui.key_points_block = real
    return rows


def brief_rows(ds, repeat: int) -> list[tuple[str, str, float, float]]:
    rows = []
    export(ds, FilterState(), "zh", DATE, "docx")  # warm-up: font registration, vl-convert
    for fmt in ("docx", "brief-pdf"):
        for lang in ("zh", "en"):
            w, c = timed(lambda f=fmt, g=lang: export(ds, FilterState(), g, DATE, f), repeat)
            rows.append((f"bundled data, all, {lang}", f"{fmt} (whole export)", w, c))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ds = load(CsvSource()).dataset
    assert ds is not None
    load0 = os.getloadavg()[0]
    kp = key_point_rows(ds, args.repeat)
    pages = page_rows(args.repeat)
    briefs = brief_rows(ds, args.repeat)
    lines = ["# Words (issue 21): key points and the written brief (`python bench/words.py`)",
             "", f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores "
             f"shared; load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at "
             f"the end. Medians; wall time beside this process's CPU time.", "",
             "| case | what | wall (ms) | CPU (ms) |", "|---|---|---:|---:|"]
    lines += [f"| {a} | {b} | {w:.2f} | {c:.2f} |" for a, b, w, c in [*kp, *pages]]
    lines += ["", "| case | what | wall (s) | CPU (s) |", "|---|---|---:|---:|"]
    lines += [f"| {a} | {b} | {w:.2f} | {c:.2f} |" for a, b, w, c in briefs]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "RESULTS-words.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
