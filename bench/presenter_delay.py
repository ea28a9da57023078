"""Console-to-projector delay (#24): how long after a key on the presenter's console the
projector window shows the new step.

    python bench/presenter_delay.py [--steps 20] [--database URL] [--replicas 2]

Starts the app (``streamlit run app.py`` on 127.0.0.1, over a scratch copy of data/, or
on ``--database`` with one or two servers), opens the console of the bundled example
(data/runsheets/provincial-briefing.toml) and its projector link in Chromium, then presses
PageDown/PageUp on the console ``--steps`` times (1→2→3→4→3→2→1→…, each step on another
page). Delay = key press → the projector's heading shows the step's title (the page is
drawn to its heading; its charts come after). Bounded in count and time; 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

RID = "provincial-briefing"
TITLES = ["总体情况", "德惠禽肉示范区", "五个首次出口", "人参出口走势（示意）"]
# Drawn: nothing stale, the heading (or the console's notes) there. Not "script not
# running": a following window's poll runs twice a second, and on a loaded machine the
# runs can follow each other without a gap.
IDLE = """() => !document.querySelector('[data-stale="true"]')
    && !!document.querySelector('[data-testid="stMain"] h1, .st-key-rs_console_notes')"""
STEP_SHOWN = """(n) => [...document.querySelectorAll('[data-testid="stMain"] strong')]
  .some(e => /^(第 (\\d+) \\/ \\d+ 步|Step (\\d+) of \\d+)$/.test(e.innerText)
        && e.innerText.match(/\\d+/)[0] === String(n))"""
# The console is idle between its fragment runs (a key pressed during a run can be lost).
CONSOLE_IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]')
    && !!document.querySelector('.st-key-rs_c_first button');
}"""


def path_of(steps: int) -> list[tuple[str, int]]:
    """(key, step reached) for each press: down to the end, up to the start, again."""
    out, n, down = [], 1, True
    for _ in range(steps):
        if (down and n == len(TITLES)) or (not down and n == 1):
            down = not down
        n += 1 if down else -1
        out.append(("PageDown" if down else "PageUp", n))
    return out


def measure(bases: list[str], steps: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
        console = ctx.new_page()
        console.goto(f"{bases[0]}/?runsheet={RID}&console=1")
        console.wait_for_function(IDLE, timeout=180_000, polling=50)
        console.locator('[data-testid="stCode"] code').first.wait_for(timeout=60_000)
        link = console.locator('[data-testid="stCode"] code').first.inner_text().strip()
        projector = ctx.new_page()
        projector.goto(bases[-1] + link[link.index("/?"):])
        projector.wait_for_function(IDLE, timeout=180_000, polling=50)
        delays = []
        lost = missed = 0
        for key, n in path_of(steps):
            console.wait_for_function(CONSOLE_IDLE, timeout=180_000, polling=20)
            t0 = time.perf_counter()
            console.keyboard.press(key)
            for attempt in range(4):  # the console shows the step, else the key was lost
                try:
                    console.wait_for_function(STEP_SHOWN, arg=n, timeout=20_000, polling=20)
                    break
                except Exception:
                    if attempt == 3:
                        raise
                    lost += 1  # pressed again, counted (the delay starts at the last press)
                    console.wait_for_function(CONSOLE_IDLE, timeout=180_000, polling=20)
                    t0 = time.perf_counter()
                    console.keyboard.press(key)
            try:
                projector.wait_for_function(
                    "(n) => new URLSearchParams(location.search).get('step') === String(n)",
                    arg=n, timeout=60_000, polling="raf")
            except Exception:  # the projector did not follow: counted, then reloaded
                missed += 1
                print(f"step {n}: the projector did not follow within 60 s", flush=True)
                projector.reload()
                projector.wait_for_function(IDLE, timeout=180_000, polling=50)
                continue
            followed = time.perf_counter() - t0
            projector.wait_for_function(
                "(t) => document.querySelector('[data-testid=\"stMain\"] h1')?.innerText === t",
                arg=TITLES[n - 1], timeout=120_000, polling="raf")
            delays.append(time.perf_counter() - t0)
            print(f"step {n}: address {followed * 1000:.0f} ms, heading "
                  f"{delays[-1] * 1000:.0f} ms", flush=True)
            projector.wait_for_function(IDLE, timeout=180_000, polling=50)
        print(f"console keys pressed again: {lost}; steps the projector missed: {missed}")
        browser.close()
    return delays


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--database", default="")
    ap.add_argument("--replicas", type=int, default=1, choices=(1, 2))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        data = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("scratch",
                                                                            "history"))
        env = ({"ZONES_DATABASE_URL": args.database} if args.database
               else {"ZONES_DATA_DIR": str(data)})
        bases = []
        for i in range(args.replicas):
            log = Path(tmp) / f"server{i}"
            log.mkdir()
            bases.append(stack.enter_context(running_app(log, env)))
        delays = measure(bases, args.steps)
    ms = sorted(d * 1000 for d in delays)
    print(f"console → projector, {len(ms)} steps, {args.replicas} server(s), "
          f"{'database' if args.database else 'files'}: median {statistics.median(ms):.0f} ms, "
          f"min {ms[0]:.0f}, max {ms[-1]:.0f}")


if __name__ == "__main__":
    main()
