"""Benchmarks of issue 8's targets, written to ``bench/RESULTS.md`` as figure vs target.

One command, from the repo root (needs requirements-dev.txt and Debian's chromium)::

    .venv/bin/python bench/run.py            # everything, ~30-40 min on 2 busy cores
    .venv/bin/python bench/run.py --quick    # a short run (~5 min): fewer repeats,
                                             # 10 k rows only, 4 sessions for 60 s

``--baseline DIR`` also times the reruns of another checkout (e.g. ``git worktree add
/tmp/base <commit>``) in the same run, for before/after ratios; ``--baseline-rev REV``
(e.g. ``main~1``, the previous landed commit) makes that worktree itself, measures it and
removes it, so a slowdown shows in the note of the change that caused it. The machine is shared, so
every ratio compares figures measured side by side in this run; reported figures are
medians (and p95) over repeats. Server time is the script thread's CPU time (other
processes on the machine do not inflate it); wall time is reported next to it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import browser  # noqa: E402

PAGES = ["overview", "zones", "destinations", "volumes", "data"]
MAP_PAGES = ["overview", "zones", "destinations"]
TARGET_RERUN_MS, TARGET_RERUN_1M_MS = 100, 300
TARGET_BYTES = 60_000
TARGET_WARM, TARGET_COLD = 1.5, 1.3
TARGET_LOAD_S, TARGET_RSS_MB = 10, 500


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))] if xs else float("nan")


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def ok(value: float, target: float) -> str:
    return "met" if value <= target else "**missed**"


def reruns(app_dir: Path, repeat: int, data_dir: str | None = None,
           pages: list[str] | None = None, kinds: str = "") -> dict[str, dict[str, list]]:
    env = {**os.environ, "BENCH_KINDS": kinds}
    if data_dir:
        env["ZONES_DATA_DIR"] = data_dir
    cmd = [sys.executable, str(ROOT / "bench" / "reruns.py"), str(app_dir), str(repeat),
           *[p if p.endswith(".py") else f"pages/{p}.py" for p in pages or PAGES]]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True,
                         timeout=7200)
    return json.loads(out.stdout.strip().splitlines()[-1])


def load_in_child(data_dir: str) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of loading, validating and compacting a data folder.

    In a fresh process, as the app does it once per data folder (zones/ui.py).
    """
    code = ("import sys,time,resource; sys.path.insert(0, sys.argv[1]);"
            "from pathlib import Path; from zones.dataset.loading import CsvSource, load;"
            "from zones.dataset.columnar import compact;"
            "t=time.perf_counter(); c=time.process_time(); r=load(CsvSource(Path(sys.argv[2])));"
            "assert r.ok, r.issues[:3]; ds=compact(r.dataset);"
            "print(time.perf_counter()-t, time.process_time()-c,"
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT), data_dir], check=True,
                         capture_output=True, text=True, timeout=3600)
    wall, cpu, rss = out.stdout.split()
    return float(wall), float(cpu), float(rss)


def ensure_data(rows: int) -> str:
    """The generated folder of ``rows`` export rows, cached in /tmp per generator and schema.

    The cache key covers the generator and the bundled files' header lines, so a schema
    change (e.g. a new column in products.csv) never reuses a stale folder.
    """
    h = hashlib.sha256((ROOT / "scripts" / "generate_large.py").read_bytes())
    for csv in sorted((ROOT / "data").glob("*.csv")):
        h.update(csv.name.encode() + csv.read_bytes().split(b"\n", 1)[0])
    out = Path(f"/tmp/zones-bench-data-{rows}-{h.hexdigest()[:10]}")
    stamp = out / ".rows"
    if not (stamp.exists() and stamp.read_text() == str(rows)):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_large.py"),
                        "--rows", str(rows), "--out", str(out)], check=True, timeout=3600,
                       capture_output=True)
        stamp.write_text(str(rows))
    return str(out)


def section_reruns(res: dict[str, dict[str, list]], base: dict | None) -> list[str]:
    lines = ["## Server time of a rerun after a filter change (bundled data)", "",
             f"Target: median ≤ {TARGET_RERUN_MS} ms on every page. AppTest drives the real "
             "app in-process; the time is the script run (`ScriptRunner._run_script`), CPU "
             "time of the script thread, wall time in brackets.", ""]
    head = "| page | change | median CPU ms (wall) | p95 CPU ms (wall) |"
    if base:
        head += " before: median CPU ms | ratio |"
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    for page, kinds in res.items():
        for kind, runs in kinds.items():
            cpu, wall = [r[1] for r in runs], [r[0] for r in runs]
            row = (f"| {page.split('/')[-1][:-3]} | {kind} | {med(cpu):.0f} ({med(wall):.0f}) "
                   f"| {p95(cpu):.0f} ({p95(wall):.0f}) |")
            if base and page in base and kind in base[page]:
                b = med([r[1] for r in base[page][kind]])
                row += f" {b:.0f} | {b / med(cpu):.0f}× faster |"
            elif base:
                row += " – | – |"
            lines.append(row)
    lines += ["", "| page | median CPU ms, all changes | p95 | target | verdict |",
              "|---|---|---|---|---|"]
    for page, kinds in res.items():
        cpu = [r[1] for runs in kinds.values() for r in runs]
        lines.append(f"| {page.split('/')[-1][:-3]} | {med(cpu):.0f} | {p95(cpu):.0f} | "
                     f"≤ {TARGET_RERUN_MS} | {ok(med(cpu), TARGET_RERUN_MS)} |")
    return [*lines, ""]


def section_bytes(res: dict[str, dict[str, float]]) -> list[str]:
    lines = ["## Bytes sent per rerun", "",
             f"Target: ≤ {TARGET_BYTES // 1000} KB per rerun on the map pages. Websocket "
             "frames received by Chromium after toggling \"report facts only\" (median of "
             "the repeats), and the bytes of any other HTTP response meanwhile (the boundary "
             "files must not travel again).", "",
             "| page | median bytes | max | other HTTP bytes | verdict |", "|---|---|---|---|---|"]
    for page, r in res.items():
        verdict = ok(r["median_bytes"], TARGET_BYTES) if page in MAP_PAGES else "–"
        lines.append(f"| {page} | {r['median_bytes'] / 1000:.1f} KB | "
                     f"{r['max_bytes'] / 1000:.1f} KB | {r['other_http_bytes'] / 1000:.1f} KB "
                     f"| {verdict} |")
    return [*lines, ""]


def section_render(res: dict[str, Any]) -> list[str]:
    warm = res["warm"]
    bare = med(warm["bare"])
    lines = ["## Page fully rendered, against a bare one-chart page (same run)", "",
             f"Fully rendered = script done and every chart drawn (Vega marks, map shapes). "
             f"Warm: servers and browser cache warm. Target ≤ {TARGET_WARM}× the bare page.",
             "", "| page | median s | ratio to bare | verdict |", "|---|---|---|---|",
             f"| bare page | {bare:.2f} | 1.00 | – |"]
    if warm.get("sidebar"):
        lines.append(f"| bare page + the dashboard's filter sidebar (reference) | "
                     f"{med(warm['sidebar']):.2f} | {med(warm['sidebar']) / bare:.2f}× | – |")
    for page in PAGES:
        if page in warm:
            r = med(warm[page]) / bare
            lines.append(f"| {page} | {med(warm[page]):.2f} | {r:.2f}× | "
                         f"{ok(r, TARGET_WARM)} |")
    prof = res.get("profile", {})
    if prof:
        lines += ["", "Where the browser's main thread spends a warm visit (one profiled visit "
                  "each, V8 sampling profiler, idle left out): Vega = the Vega bundles "
                  "(specs, projections, marks); app = Streamlit's React frontend (widgets, "
                  "markdown, metrics, tables, styles); native = layout, style, parsing, "
                  "garbage collection.", "",
                  "| page | Vega ms | app ms | native ms | busy ms | busy vs bare |",
                  "|---|---|---|---|---|---|"]
        base = sum(prof["bare"].values()) if "bare" in prof else float("nan")
        for name, parts in prof.items():
            busy = sum(parts.values())
            lines.append(f"| {name} | {parts['vega']:.0f} | {parts['app']:.0f} | "
                         f"{parts['native']:.0f} | {busy:.0f} | {busy / base:.2f}× |")
    cold = res["cold"]
    if cold.get("bare"):
        fb, fa = med([c[0] for c in cold["bare"]]), med([c[0] for c in cold["overview"]])
        rb, ra = med([c[1] for c in cold["bare"]]), med([c[1] for c in cold["overview"]])
        lines += ["", f"Cold: the first visit to a freshly started server (median of "
                  f"{len(cold['bare'])}). Target: first paint ≤ {TARGET_COLD}× the bare page.",
                  "", "| | bare page | overview | ratio | verdict |", "|---|---|---|---|---|",
                  f"| first paint (title shown) | {fb:.2f} s | {fa:.2f} s | {fa / fb:.2f}× | "
                  f"{ok(fa / fb, TARGET_COLD)} |",
                  f"| fully rendered | {rb:.2f} s | {ra:.2f} s | {ra / rb:.2f}× | – |"]
        if len(cold["bare"][0]) > 2:
            sb, sa = med([c[2] for c in cold["bare"]]), med([c[2] for c in cold["overview"]])
            lines += [f"| server start to healthy (before the visit) | {sb:.2f} s | {sa:.2f} s "
                      f"| {sa / sb:.2f}× | – |", "",
                      "The dashboard is started by its run command, `python -m zones serve`, "
                      "which warms the process up (imports, data load, landing-page charts) "
                      "before it listens; the bare page by `streamlit run`. The visit starts "
                      "when the server answers its health check, so the warm-up shows in the "
                      "start-up row, not in the first paint."]
    return [*lines, ""]


def section_scale(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["## Export rows: 10 k / 100 k / 1 M", "",
             "`scripts/generate_large.py` data (same schema, valid ids). Load = read + "
             "validate in a fresh process (the merged vectorised loader of issue 10). Rerun = "
             "median CPU ms of product / destination changes on "
             "each page. Server start = `python -m zones serve` started to healthy (its "
             "warm-up loads the data before it listens). Render = /volumes fully rendered, "
             "first visit to that fresh server and a warm visit.", "",
             f"| rows | load s, wall / CPU (≤ {TARGET_LOAD_S}) | peak RSS MB (≤ {TARGET_RSS_MB}) | "
             "rerun median CPU ms (p95) | rerun target | server start s | first render s | "
             "warm render s |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        target = TARGET_RERUN_1M_MS if r["rows"] >= 1_000_000 else TARGET_RERUN_MS
        lines.append(f"| {r['rows']:,} | {r['load_s']:.1f} / {r['load_cpu']:.1f} | "
                     f"{r['rss_mb']:.0f} | "
                     f"{r['rerun_ms']:.0f} ({r['rerun_p95']:.0f}) | ≤ {target}: "
                     f"{ok(r['rerun_ms'], target)} | {r.get('start_s', float('nan')):.1f} | "
                     f"{r['first_s']:.1f} | {r['warm_s']:.1f} |")
    return [*lines, ""]


def section_load(res: dict[str, Any]) -> list[str]:
    runs = res["server_runs"]
    cpu, wall = [r["cpu_ms"] for r in runs], [r["wall_ms"] for r in runs]
    rss = [m for _, m in res["rss"]]
    half = len(rss) // 2
    errors = [*res["errors"], *(f"server: {e}" for e in res.get("server_errors", []))]
    waits = res.get("waits", [])
    lines = ["## Load test", "",
             f"{res['sessions']} Chromium pages (one Streamlit session each, one browser) "
             f"clicking through filters and pages for {res['seconds']:.0f} s against one "
             "server on 127.0.0.1 started by `python -m zones serve`, with a 0.2-1.2 s pause "
             "per action (a person reading). The browsers run at nice "
             f"{res.get('client_nice', 0)} so that on this small machine they yield the CPU "
             "to the server they measure. Errors are the app's and the browser's: exceptions "
             "or the app's error shown on a page, JavaScript exceptions and console errors, "
             "failed requests (other than ones the page cancelled itself), HTTP 5xx, a lost "
             "connection, and tracebacks or ERROR lines in the server's log. A click or rerun "
             f"that took longer than {res.get('action_timeout_s', 30):.0f} s on a connected "
             "page is a wait, reported apart.", "",
             "| measure | value | target |", "|---|---|---|",
             f"| errors (page, browser, requests, server) | {len(errors)} | 0 |",
             f"| waits over {res.get('action_timeout_s', 30):.0f} s (client side, connected) "
             f"| {len(waits)} | – |",
             f"| requests the page cancelled itself | {res.get('aborted', 0)} | – |",
             f"| actions completed | {len(res['actions'])} | – |",
             f"| client time per action, median / p95 | {med(res['actions']):.2f} s / "
             f"{p95(res['actions']):.2f} s | – |",
             f"| server reruns | {len(runs)} | – |",
             f"| server time per rerun, CPU median / p95 | {med(cpu):.0f} / {p95(cpu):.0f} ms "
             "| p95 reported |",
             f"| server time per rerun, wall median / p95 | {med(wall):.0f} / {p95(wall):.0f} "
             "ms | – |",
             f"| server RSS start / max / end | {rss[0]:.0f} / {max(rss):.0f} / {rss[-1]:.0f} "
             "MB | bounded |" if rss else "| server RSS | – | bounded |",
             f"| RSS max, first half vs second half | {max(rss[:half] or [0]):.0f} / "
             f"{max(rss[half:] or [0]):.0f} MB | no growth |" if rss else ""]
    if errors:
        lines += ["", "Errors (first 10): " + "; ".join(e.replace("\n", " ")
                                                        for e in errors[:10])]
    if waits:
        lines += ["", "Waits (first 5): " + "; ".join(waits[:5])]
    if res.get("harness"):
        lines += ["", f"Harness faults (the test's own code, not the app; {len(res['harness'])}"
                  "): " + "; ".join(res["harness"][:5])]
    return [*lines, ""]


def section_step(res: dict[str, dict[str, list[float]]]) -> list[str]:
    lines = ["## A run-sheet step (PageDown / PageUp) against a filter change (#16)", "",
             f"Target: a step costs no more than a filter change: median ≤ {TARGET_RERUN_MS} ms "
             f"server time and ≤ {TARGET_BYTES // 1000} KB. Chromium presses PageDown three "
             "times and PageUp three times per repeat on `/?runsheet=…`; server time is the CPU "
             "time of every script run the key caused (a step to another page is two runs: "
             "the one that switches, then the page's own), wall in brackets; bytes are the "
             "websocket frames it brought. \"same page\": a run-sheet of four overview views "
             "that differ only in \"report facts only\", i.e. the step "
             "makes the filter change measured below it; \"other page\": the bundled "
             "example (data/runsheets/provincial-briefing.toml), each step on another page. "
             "The filter change is that toggle clicked in the same session, and on "
             "/ opened without a run-sheet. The machine is shared: "
             "compare the rows with each other (same run), not with other runs.", "",
             "| change | n | median CPU ms (wall) | p95 CPU ms | median KB | max KB | verdict |",
             "|---|---|---|---|---|---|---|"]
    for kind, r in res.items():
        cpu, wall, b = r["cpu_ms"], r["wall_ms"], r["bytes"]
        verdict = ("met" if med(cpu) <= TARGET_RERUN_MS and med(b) <= TARGET_BYTES
                   else "**missed**")
        lines.append(f"| {kind} | {len(cpu)} | {med(cpu):.0f} ({med(wall):.0f}) | "
                     f"{p95(cpu):.0f} | {med(b) / 1000:.1f} | {max(b or [0]) / 1000:.1f} | "
                     f"{verdict} |")
    return [*lines, ""]


REFERENCE = "bench/sidebar_app.py"  # one bar chart under the dashboard's own sidebar
REFERENCE_KINDS = ("product", "destination", "facts only")
TARGET_AGAINST_BARE = 1.3  # issue 20: a filter change costs ≤ 1.3× the bare page's rerun


def section_against_bare(mine: dict[str, dict[str, list]], ref: dict[str, list]
                         ) -> list[str]:
    """Each page's filter change beside the same change on the bare one-chart page with
    the dashboard's sidebar, measured in the same run (CPU time of the script thread)."""
    bare = med([r[1] for kind in REFERENCE_KINDS for r in ref.get(kind, [])])
    lines = ["## A filter change against the bare one-chart page (same run)", "",
             f"Target (issue 20): a page's filter change costs ≤ {TARGET_AGAINST_BARE}× the "
             "same change on `bench/sidebar_app.py` (one bar chart under the dashboard's "
             "filter sidebar). Median CPU ms of the product, destination and facts-only "
             "changes.", "", "| page | median CPU ms | bare page ms | ratio | verdict |",
             "|---|---|---|---|---|"]
    for page, kinds in mine.items():
        cpu = [r[1] for kind in REFERENCE_KINDS for r in kinds.get(kind, [])]
        if not cpu:
            continue
        ratio = med(cpu) / bare if bare else float("nan")
        name = page.removeprefix("pages/").removesuffix(".py")
        lines.append(f"| {name} | {med(cpu):.0f} | {bare:.0f} | {ratio:.2f}× | "
                     f"{ok(ratio, TARGET_AGAINST_BARE)} |")
    return [*lines, ""]


def _commit(where: Path) -> str:
    out = subprocess.run(["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "?"


PARTS = ("reruns", "bytes", "render", "scale", "load", "step")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (~5 min)")
    parser.add_argument("--baseline", type=Path, help="another checkout to compare reruns")
    parser.add_argument("--baseline-rev", help="a git revision to compare reruns with "
                        "(checked out in a temporary worktree), e.g. main~1")
    parser.add_argument("--sizes", help="export rows, comma-separated (default 10k,100k,1M)")
    parser.add_argument("--skip", default="", help="comma-separated: reruns,bytes,render,"
                        "scale,load,step")
    parser.add_argument("--only", default="", help="comma-separated parts to run; writes "
                        "bench/RESULTS-<parts>.md and leaves RESULTS.md as it is")
    args = parser.parse_args(argv)
    if args.baseline_rev:
        with baseline_worktree(args.baseline_rev) as where:
            args.baseline = where
            return _main(args)
    return _main(args)


@contextlib.contextmanager
def baseline_worktree(rev: str) -> Iterator[Path]:
    """A detached worktree of ``rev`` for the baseline, removed afterwards."""
    where = Path(tempfile.mkdtemp(prefix="zones-baseline-")) / "checkout"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), rev],
                   check=True, capture_output=True, text=True)
    try:
        yield where
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)],
                       check=False, capture_output=True)
        shutil.rmtree(where.parent, ignore_errors=True)


def _main(args: argparse.Namespace) -> int:
    skip = set(filter(None, args.skip.split(",")))
    only = [x for x in args.only.split(",") if x]
    if only:
        skip |= set(PARTS) - set(only)
    q = args.quick
    repeat = 4 if q else 8
    sizes = [int(s) for s in (args.sizes or ("10000" if q else "10000,100000,1000000")
                              ).split(",")]
    started = time.time()
    out = ["# Benchmark results (issue 8)", "",
           f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; mode: "
           f"{'quick' if q else 'full'}; command: `python bench/run.py"
           f"{' --quick' if q else ''}{' --only ' + args.only if only else ''}"
           f"{' --sizes ' + args.sizes if args.sizes else ''}"
           f"{' --baseline-rev ' + args.baseline_rev if args.baseline_rev else ''}`",
           f"- machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
           f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB; "
           f"load average at start {os.getloadavg()[0]:.1f} (shared with other sessions); "
           f"Python {sys.version.split()[0]}; Chromium {chromium_version()}", ""]

    def log(msg: str) -> None:
        print(f"[{time.time() - started:6.0f} s] {msg}", file=sys.stderr, flush=True)

    if "reruns" not in skip:
        log("reruns")
        mine = reruns(ROOT, repeat)
        base = (reruns(args.baseline, 2, pages=["overview", "zones", "destinations", "volumes"],
                       kinds="product,destination,facts only") if args.baseline else None)
        out += section_reruns(mine, base)
        if args.baseline:
            what = (f"`{args.baseline_rev}` (commit {_commit(args.baseline)}, a worktree "
                    "made for this run)" if args.baseline_rev else f"`{args.baseline}`")
            out.insert(-1, f"- baseline for 'before': {what}; this checkout: commit "
                           f"{_commit(ROOT)}")
        ref = reruns(ROOT, repeat, pages=[REFERENCE], kinds=",".join(REFERENCE_KINDS))
        out += section_against_bare(mine, ref[REFERENCE])
    if "bytes" not in skip:
        log("bytes")
        out += section_bytes(browser.rerun_bytes(PAGES, 3 if q else 6))
    if "render" not in skip:
        log("render")
        out += section_render(browser.render(PAGES, 3 if q else 7, 2 if q else 3))
    if "scale" not in skip:
        rows = []
        for n in sizes:
            log(f"scale {n}")
            data = ensure_data(n)
            load_s, load_cpu, rss_mb = load_in_child(data)
            res = reruns(ROOT, 3, data, ["overview", "zones", "destinations", "volumes"],
                         "product,destination")
            cpu = [r[1] for kinds in res.values() for k, runs in kinds.items()
                   if k in ("product", "destination") for r in runs]
            with browser.Server(env={"ZONES_DATA_DIR": data}) as server:
                from playwright.sync_api import sync_playwright

                with sync_playwright() as p:
                    b = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.ARGS)
                    ctx = b.new_context(viewport=browser.VIEWPORT)
                    first = browser._timed_visit(ctx, f"{server.url}/volumes", 4)[1]
                    warm = browser._timed_visit(ctx, f"{server.url}/volumes", 4)[1]
                    b.close()
            rows.append({"rows": n, "load_s": load_s, "load_cpu": load_cpu, "rss_mb": rss_mb,
                         "rerun_ms": med(cpu),
                         "rerun_p95": p95(cpu), "first_s": first, "warm_s": warm,
                         "start_s": server.startup_s})
        out += section_scale(rows)
    if "step" not in skip:
        log("run-sheet step")
        out += section_step(browser.step_change(2 if q else 4))
    if "load" not in skip:
        log("load test")
        out += section_load(browser.load_test(4 if q else 20, 60 if q else 300))
    out += [f"Total benchmark time: {(time.time() - started) / 60:.1f} min.", ""]
    text = "\n".join(out)
    name = f"RESULTS-{'-'.join(only)}.md" if only else "RESULTS.md"
    (ROOT / "bench" / name).write_text(text, encoding="utf-8")
    print(text)
    return 0


def chromium_version() -> str:
    try:
        out = subprocess.run([browser.CHROMIUM, "--version"], capture_output=True, text=True,
                             timeout=30)
        return out.stdout.strip().split()[-1]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())
