"""The large-table part of the benchmark: ~1 M export rows, started as the README says.

For one checkout (this one, or a baseline worktree made by ``run.py --baseline-rev``):
load in a fresh process; the server CPU of a filter change (AppTest, ``reruns.py``); then
``python -m zones serve`` (which warms up before it listens) and, in one browser, each
page's first render in that fresh server (/volumes first, as a visitor of a link to it),
a warm /volumes, and the server process's own peak RSS (VmHWM) after those renders.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import browser

FIRST_PAGES = ("volumes", "overview", "zones", "destinations", "data")
TARGET_FIRST_S, TARGET_CHANGE_MS, TARGET_RSS_MB = 4.0, 300, 500


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def commit(where: Path) -> str:
    out = subprocess.run(["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "?"


def renders(app_dir: Path, data: str) -> dict[str, Any]:
    """First render of every page in a freshly started server, a warm /volumes, peak RSS."""
    from playwright.sync_api import sync_playwright

    first: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with browser.Server(env={"ZONES_DATA_DIR": data}, cwd=app_dir) as server:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.ARGS)
            try:
                ctx = b.new_context(viewport=browser.VIEWPORT)
                for page in FIRST_PAGES:
                    path = "" if page == "overview" else page
                    since = time.time()
                    first[page] = browser._timed_visit(ctx, f"{server.url}/{path}",
                                                       browser.CHARTS[page])[1]
                    cpu[page] = sum(r["cpu_ms"] for r in server.runs(since))
                warm = browser._timed_visit(ctx, f"{server.url}/volumes",
                                            browser.CHARTS["volumes"])[1]
            finally:
                b.close()
        assert server.proc is not None
        return {"first": first, "server_cpu": cpu, "warm_s": warm, "start_s": server.startup_s,
                "server_peak_mb": peak_rss_mb(server.proc.pid)}


def section(rows: list[dict[str, Any]]) -> list[str]:
    """One row per checkout measured in this run (this one and the baseline, if any)."""
    lines = ["## ~1 M export rows, `python -m zones serve` (same run)", "",
             "Filter change = median server CPU ms (p95) of product and destination changes "
             "on the four chart pages (AppTest, script thread). First render = seconds from "
             "opening the page to every chart drawn, each page's first visit to a freshly "
             "started server (its warm-up done: the start column), /volumes first; in "
             "brackets the server's CPU ms for it (script runs), the rest is transfer and "
             "the browser drawing. Server "
             "peak RSS = VmHWM of the server process after those visits.", "",
             "| checkout | load s wall / CPU | filter change ms CPU (p95) | server start s | "
             + " | ".join(f"first /{p} s" for p in FIRST_PAGES)
             + " | warm /volumes s | server peak RSS MB |",
             "|---" * (6 + len(FIRST_PAGES)) + "|"]
    for r in rows:
        firsts = " | ".join(f"{r['first'][p]:.1f} ({r['server_cpu'][p]:.0f})"
                            for p in FIRST_PAGES)
        lines.append(f"| {r['label']} | {r.get('load', '–')} | {r['change_ms']:.0f} "
                     f"({r['change_p95']:.0f}) | {r['start_s']:.1f} | {firsts} | "
                     f"{r['warm_s']:.1f} | {r['server_peak_mb']:.0f} |")
    mine = rows[0]
    worst = max(mine["first"].values())
    lines += ["", f"Targets (issue 20), this checkout: every first render ≤ {TARGET_FIRST_S} s "
              f"(slowest {worst:.1f} s: {'met' if worst <= TARGET_FIRST_S else '**missed**'}); "
              f"filter change ≤ {TARGET_CHANGE_MS} ms ({mine['change_ms']:.0f} ms: "
              f"{'met' if mine['change_ms'] <= TARGET_CHANGE_MS else '**missed**'}); server "
              f"peak RSS ≤ {TARGET_RSS_MB} MB ({mine['server_peak_mb']:.0f} MB: "
              f"{'met' if mine['server_peak_mb'] <= TARGET_RSS_MB else '**missed**'}).", ""]
    return lines
