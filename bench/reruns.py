"""Server time of a rerun per page and kind of filter change, via Streamlit's AppTest.

Usage: ``python bench/reruns.py APP_DIR REPEAT [PAGE …]`` → JSON on stdout:
``{page: {kind: [[wall_ms, cpu_ms], …]}}``. Runs in its own process so that the same
measurement can be taken of another checkout (``bench/run.py --baseline DIR``). Each
change alternates between two values, so every timed run is a real filter change; the
script thread's CPU time is recorded next to wall time (the machine is shared).
Data folder: $ZONES_DATA_DIR as the app reads it; $BENCH_KINDS (comma-separated) limits
the kinds of change. A page under ``bench/`` (the bare chart page with the dashboard's
sidebar, ``bench/sidebar_app.py``) is run on its own, as the reference of a rerun.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

PAGES = ["pages/overview.py", "pages/zones.py", "pages/destinations.py", "pages/volumes.py",
         "pages/data.py"]


def _changes(at: Any) -> dict[str, Callable[[int], None]]:
    """Kind of change → function(i) that applies the i-th change (alternating values)."""
    periods = list(at.select_slider(key="period").options)
    narrow = (periods[len(periods) // 4], periods[3 * len(periods) // 4])
    full = (periods[0], periods[-1])

    def ms(key: str, value: str) -> Callable[[int], None]:
        return lambda i: at.multiselect(key=key).set_value([value] if i % 2 == 0 else [])

    changes: dict[str, Callable[[int], None]] = {
        "product": ms("product", "ginseng"),
        "destination": ms("dest", "JPN"),
        "prefecture": ms("pref", "220100"),
        "zone": ms("zone", "dehui-poultry"),
        "period": lambda i: at.select_slider(key="period").set_value(
            narrow if i % 2 == 0 else full),
        "facts only": lambda i: at.toggle(key="facts").set_value(i % 2 == 0),
        "language": lambda i: at.radio(key="lang").set_value("en" if i % 2 == 0 else "zh"),
    }
    return changes


def measure(app_dir: str, repeat: int, pages: list[str]) -> dict[str, dict[str, list]]:
    sys.path.insert(0, app_dir)
    os.chdir(app_dir)
    warnings.simplefilter("ignore")
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
    from streamlit.testing.v1 import AppTest

    runs: list[tuple[float, float]] = []
    original = ScriptRunner._run_script

    def timed(self: ScriptRunner, rerun_data: object) -> None:
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            original(self, rerun_data)
        finally:
            runs.append(((time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000))

    ScriptRunner._run_script = timed  # type: ignore[method-assign]
    out: dict[str, dict[str, list]] = {}
    for page in pages:
        if page.startswith("bench/"):  # a reference page run on its own (sidebar_app.py)
            at = AppTest.from_file(os.path.join(app_dir, page), default_timeout=900)
            at.run()
        else:
            at = AppTest.from_file(os.path.join(app_dir, "app.py"), default_timeout=900)
            at.run()
            if page != "pages/overview.py":
                at.switch_page(page)
                at.run()
        changes = _changes(at)
        if page == "pages/volumes.py":
            changes["page option"] = lambda i, at=at: at.segmented_control(
                key="by").set_value("destination" if i % 2 == 0 else "product")
        only = [k for k in os.environ.get("BENCH_KINDS", "").split(",") if k]
        out[page] = {}
        for kind, change in changes.items():
            if only and kind not in only:
                continue
            times = []  # the first change of a kind may build a template: kept, it counts
            for i in range(repeat):
                change(i)
                runs.clear()
                at.run()
                if at.exception:
                    raise RuntimeError(f"{page} {kind}: {at.exception[0].value}")
                times.append(runs[-1])
            out[page][kind] = times
    return out


if __name__ == "__main__":
    app_dir, repeat, *pages = sys.argv[1:]
    print(json.dumps(measure(os.path.abspath(app_dir), int(repeat), pages or PAGES)))
