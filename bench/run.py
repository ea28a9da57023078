"""Benchmarks quoted in issue notes: start-up, data load, filtering, page render.

Run from the repo root: ``python bench/run.py`` (add ``--browser`` to also time the first
render of each page in Chromium). Prints a Markdown table and writes it to
``bench/results.md``. Numbers are medians over ``--repeat`` runs on this machine.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zones.filters import FilterState, apply_filters  # noqa: E402
from zones.loading import CsvSource, load  # noqa: E402


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _wait_healthy(port: int, timeout: float = 60) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    return time.perf_counter() - t0
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("server did not become healthy")


def startup_seconds(repeat: int) -> float:
    """Wall time from `streamlit run app.py` to a healthy server."""
    times = []
    for _ in range(repeat):
        port = _free_port()
        proc = _start_server(port)
        try:
            times.append(_wait_healthy(port))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return statistics.median(times)


def browser_first_render(pages: list[str]) -> dict[str, float]:
    """Seconds from navigation to the page title and its charts being drawn, in Chromium."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    proc = _start_server(port)
    out: dict[str, float] = {}
    try:
        _wait_healthy(port)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for path in pages:
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/{path}")
                page.wait_for_selector("h1", timeout=60000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                    timeout=60000)
                out[path or "overview"] = time.perf_counter() - t0
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args(argv)

    result = load(CsvSource())
    assert result.dataset is not None, result.issues
    ds = result.dataset
    narrow = FilterState(products=("ginseng", "rice"), destinations=("JPN", "KOR"),
                         period=("2009-01", "2011-12"))
    load_ms = _median_ms(lambda: load(CsvSource()), args.repeat)
    rows = [
        ("load + validate all data (cold, uncached)", f"{load_ms:.0f} ms"),
        ("apply_filters: no filter",
         f"{_median_ms(lambda: apply_filters(ds, FilterState()), 50):.2f} ms"),
        ("apply_filters: product + destination + period",
         f"{_median_ms(lambda: apply_filters(ds, narrow), 50):.2f} ms"),
        ("`streamlit run app.py` until healthy", f"{startup_seconds(min(args.repeat, 3)):.2f} s"),
    ]
    if args.browser:
        pages = ["", "zones", "destinations", "volumes", "data"]
        for page, sec in browser_first_render(pages).items():
            rows.append((f"first render in Chromium: {page}", f"{sec:.2f} s"))
    sizes = sorted((ROOT / "data" / "geo").glob("*.geojson"))
    rows += [(f"size of data/geo/{p.name}", f"{p.stat().st_size / 1024:.0f} KB") for p in sizes]
    table = "| measure | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    header = (f"Machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}; "
              f"median of {args.repeat}.\n\n")
    (ROOT / "bench" / "results.md").write_text(header + table + "\n", encoding="utf-8")
    print(header + table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
