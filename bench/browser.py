"""Browser-side benchmarks (Chromium via Playwright, 127.0.0.1 only).

- ``render``: time until a page is fully rendered (script done, every chart drawn),
  warm (server and browser caches warm) and cold (a freshly started server), each next
  to the bare one-chart page (bench/bare_app.py) measured in the same run.
- ``rerun_bytes``: websocket bytes the server sends per filter change on a page, and
  whether any other HTTP response carried bytes meanwhile (the geometry must not).
- ``load_test``: N pages (one Streamlit session each) clicking through filters and pages
  for a fixed time against one server; errors, client-side time per action, server RSS
  over time. Bounded in count and time; stops by itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1600, "height": 1000}
# path → number of Vega charts drawn with no filter (as tests/browser/test_browser.py).
CHARTS = {"overview": 2, "zones": 2, "destinations": 1, "volumes": 4, "data": 0}
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')
    && !!document.querySelector('[data-testid="stMain"] h1');
}"""
# Every chart drawn: n Vega views, each with marks, and every geoshape layer with paths
# (but the world map's filtered countries, empty with no destination filter: zones.maps).
# Streamlit draws a chart of more than 2,000 rows per mark on a canvas (1 M-row grids).
DRAWN_JS = """(n) => {
  const views = [...document.querySelectorAll('[data-testid="stMain"] .vega-embed')];
  if (views.length < n) return false;
  return views.every(v => (v.querySelector('svg .role-mark') || v.querySelector('canvas'))
    && [...v.querySelectorAll('g.mark-shape')].every(g => g.querySelector('path')
        || g.classList.contains('chosen_destinations_marks')));
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A server on 127.0.0.1 with every script run timed (bench/timed_server.py).

    ``serve`` (the default) is the dashboard as its run command starts it, ``python -m
    zones serve``; any other ``app`` runs under ``streamlit run``.
    """

    app: str = "serve"
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT
    port: int = 0
    log: Path = Path()
    errlog: Path = Path()
    proc: subprocess.Popen[bytes] | None = None
    startup_s: float = 0.0  # process start to healthy (includes the dashboard's warm-up)

    def start(self, timeout: float = 900) -> Server:
        t0 = time.perf_counter()
        self.port = free_port()
        self.log = Path(f"/tmp/zones-bench-server-{self.port}.jsonl")
        self.log.unlink(missing_ok=True)
        self.errlog = Path(f"/tmp/zones-bench-server-{self.port}.err")
        cmd = [sys.executable, str(ROOT / "bench" / "timed_server.py"), str(self.log), self.app,
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
        with open(self.errlog, "wb") as err:  # server-side errors: counted by the load test
            self.proc = subprocess.Popen(cmd, cwd=self.cwd, stdout=subprocess.DEVNULL,
                                         stderr=err,
                                         env={**os.environ, **self.env,
                                              "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        self.startup_s = time.perf_counter() - t0
                        return self
            except OSError:
                time.sleep(0.1)
        raise TimeoutError("server did not become healthy")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_mb(self) -> float:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def runs(self, since: float = 0.0) -> list[dict[str, float]]:
        if not self.log.exists():
            return []
        rows = [json.loads(x) for x in self.log.read_text().splitlines() if x.strip()]
        return [r for r in rows if r["t"] >= since]

    def server_errors(self) -> list[str]:
        """Tracebacks and ERROR lines the server wrote to its stderr so far."""
        if not self.errlog.is_file():
            return []
        lines = self.errlog.read_text(encoding="utf-8", errors="replace").splitlines()
        return [x for x in lines if x.startswith("Traceback") or " ERROR " in x]

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.unlink(missing_ok=True)
        self.errlog.unlink(missing_ok=True)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def facts_toggle(page: Any) -> Any:
    """The sidebar's "report facts only" toggle, by its (default, Chinese) label: since
    run-sheets (#16) it is no longer the sidebar's last toggle."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').filter(
        has_text="仅显示报告事实")


def _wait_rendered(page: Any, charts: int, timeout_ms: int = 300_000) -> None:
    page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=25)
    page.wait_for_function(DRAWN_JS, arg=charts, timeout=timeout_ms, polling=25)


def _timed_visit(context: Any, url: str, charts: int) -> tuple[float, float]:
    """(seconds to the first chart or title painted, seconds to fully rendered)."""
    page = context.new_page()
    try:
        t0 = time.perf_counter()
        page.goto(url)
        page.wait_for_selector('[data-testid="stMain"] h1', timeout=300_000)
        first = time.perf_counter() - t0
        _wait_rendered(page, charts)
        return first, time.perf_counter() - t0
    finally:
        page.close()


VEGA_CHUNKS = ("embed.", "vega")  # the frontend's Vega bundles (vega-embed, vega-interpreter)


def _profiled_visit(context: Any, url: str, charts: int) -> dict[str, float]:
    """One warm visit under the V8 sampling profiler: main-thread ms by kind of work.

    ``vega``: the Vega bundles (parsing specs, projecting and drawing marks); ``app``:
    every other script (Streamlit's React frontend: widgets, markdown, tables, styles);
    ``native``: layout, style, parsing and garbage collection; idle time is left out.
    """
    page = context.new_page()
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 500})
        cdp.send("Profiler.start")
        page.goto(url)
        _wait_rendered(page, charts)
        profile = cdp.send("Profiler.stop")["profile"]
    finally:
        page.close()
    nodes = {n["id"]: n["callFrame"] for n in profile["nodes"]}
    out = {"vega": 0.0, "app": 0.0, "native": 0.0}
    for node, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = nodes[node]
        name = frame["url"].rsplit("/", 1)[-1]
        if frame["functionName"] == "(idle)":
            continue
        kind = ("native" if not name else
                "vega" if name.startswith(VEGA_CHUNKS) else "app")
        out[kind] += delta / 1000
    return out


def render(pages: list[str], repeat: int, cold_repeat: int) -> dict[str, Any]:
    """Warm and cold render times of each page and of the reference pages, same run.

    References: the bare page (a title and one bar chart) and the bare page with the
    dashboard's filter sidebar (bench/sidebar_app.py). One more visit of each page runs
    under the profiler, to say where the browser's time goes.
    """
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {"warm": {}, "cold": {}, "profile": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            with (Server() as app, Server(app="bench/bare_app.py") as bare,
                  Server(app="bench/sidebar_app.py") as side):
                context = browser.new_context(viewport=VIEWPORT)
                refs = {"bare": bare.url, "sidebar": side.url}
                for url in refs.values():  # warm the servers and the HTTP cache
                    _timed_visit(context, url, 1)
                for path in pages:
                    _timed_visit(context, f"{app.url}/{path}", CHARTS[path])
                warm: dict[str, list[float]] = {path: [] for path in [*refs, *pages]}
                for _ in range(repeat):  # interleaved, so drift hits all alike
                    for name, url in refs.items():
                        warm[name].append(_timed_visit(context, url, 1)[1])
                    for path in pages:
                        warm[path].append(_timed_visit(context, f"{app.url}/{path}",
                                                       CHARTS[path])[1])
                for name, url in refs.items():
                    out["profile"][name] = _profiled_visit(context, url, 1)
                for path in pages:
                    out["profile"][path] = _profiled_visit(context, f"{app.url}/{path}",
                                                           CHARTS[path])
                context.close()
                out["warm"] = warm
            cold: dict[str, list[tuple[float, float, float]]] = {"bare": [], "overview": []}
            for _ in range(cold_repeat):  # freshly started servers, fresh browser caches
                for name, app_path in (("bare", "bench/bare_app.py"), ("overview", "serve")):
                    with Server(app=app_path) as server:
                        context = browser.new_context(viewport=VIEWPORT)
                        cold[name].append((*_timed_visit(context, server.url,
                                                         1 if name == "bare" else 2),
                                           server.startup_s))
                        context.close()
            out["cold"] = cold
        finally:
            browser.close()
    return out


def rerun_bytes(pages: list[str], repeat: int) -> dict[str, dict[str, float]]:
    """Per page: median websocket bytes per filter change, and other HTTP bytes meanwhile."""
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, float]] = {}
    with sync_playwright() as p, Server() as app:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for path in pages:
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                ws_bytes = [0]
                http_bytes = [0]
                page.on("websocket", lambda ws, b=ws_bytes: ws.on(
                    "framereceived", lambda payload, b=b: b.__setitem__(0, b[0] + len(payload))))
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.on("Network.loadingFinished", lambda e, b=http_bytes: b.__setitem__(
                    0, b[0] + int(e.get("encodedDataLength", 0))))
                page.goto(f"{app.url}/{path}")
                _wait_rendered(page, CHARTS[path])
                page.wait_for_timeout(500)
                sizes, other = [], []
                toggle = facts_toggle(page).locator("label")
                for _ in range(repeat):
                    ws_bytes[0] = http_bytes[0] = 0
                    toggle.click()  # "report facts only": a filter change every page reacts to
                    page.wait_for_timeout(150)
                    _wait_rendered(page, 0)
                    page.wait_for_timeout(300)
                    sizes.append(ws_bytes[0])
                    other.append(http_bytes[0])
                out[path] = {"median_bytes": statistics.median(sizes), "max_bytes": max(sizes),
                             "other_http_bytes": max(other)}
                context.close()
        finally:
            browser.close()
    return out


# A run-sheet whose steps stay on one page and make exactly the filter change the bench
# makes by hand ("report facts only" on the overview), so the two
# compare like for like; the bundled example's steps each change page.
SAME_PAGE_SHEET = """title = "bench"
[[steps]]
title = "a"
view = "/"
[[steps]]
title = "b"
view = "/?facts=true"
[[steps]]
title = "c"
view = "/"
[[steps]]
title = "d"
view = "/?facts=true"
"""


def _bench_data() -> str:
    """A copy of data/ with the bench run-sheet added (the bundled folder stays as it is)."""
    import shutil

    out = Path(f"/tmp/zones-bench-runsheet-data-{os.getpid()}")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(ROOT / "data", out)
    (out / "runsheets" / "bench-same-page.toml").write_text(SAME_PAGE_SHEET, encoding="utf-8")
    return str(out)


def _measure(page: Any, app: Server, ws_bytes: list[int], into: dict[str, list[float]],
             key: str | None) -> None:
    """Press ``key`` (None: click "report facts only"), wait until the page is idle, and
    note the server time of the runs it caused and the websocket bytes it brought."""
    ws_bytes[0] = 0
    t0 = time.time()
    if key is None:
        facts_toggle(page).locator("label").click()
    else:
        page.keyboard.press(key)
    page.wait_for_timeout(150)
    _wait_rendered(page, 0)
    page.wait_for_timeout(300)
    runs = app.runs(since=t0)
    into["cpu_ms"].append(sum(r["cpu_ms"] for r in runs))
    into["wall_ms"].append(sum(r["wall_ms"] for r in runs))
    into["bytes"].append(ws_bytes[0])


def step_change(repeat: int) -> dict[str, dict[str, list[float]]]:
    """Run-sheet steps (PageDown / PageUp) against a filter change, in one session each.

    Per kind: the server CPU ms and wall ms of every script run one key press or click
    caused (a step to another page is two runs: the one that switches and the page's
    own), and the websocket bytes it brought. Kinds: ``step, same page`` (the bench
    run-sheet above), ``step, other page`` (the bundled example), ``filter change`` (the
    "report facts only" toggle on the step's page, as ``rerun_bytes`` measures it), and
    the same toggle on the same view opened without a run-sheet (what the presenter bar
    and the editor add).
    """
    import shutil

    from playwright.sync_api import sync_playwright

    data = _bench_data()
    out: dict[str, dict[str, list[float]]] = {
        k: {"cpu_ms": [], "wall_ms": [], "bytes": []}
        for k in ("step, same page", "step, other page", "filter change",
                  "filter change, no run-sheet")}
    try:
        with sync_playwright() as p, Server(env={"ZONES_DATA_DIR": data}) as app:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                context = browser.new_context(viewport=VIEWPORT)  # the same view, plainly
                page = context.new_page()
                ws_plain = [0]
                page.on("websocket", lambda ws, b=ws_plain: ws.on(
                    "framereceived", lambda payload, b=b: b.__setitem__(0, b[0] + len(payload))))
                page.goto(f"{app.url}/")
                _wait_rendered(page, 2)
                page.wait_for_timeout(500)
                for _ in range(repeat * 2):
                    _measure(page, app, ws_plain, out["filter change, no run-sheet"], None)
                context.close()
                for sheet, kind, charts in (("bench-same-page", "step, same page", 2),
                                            ("provincial-briefing", "step, other page", 1)):
                    context = browser.new_context(viewport=VIEWPORT)
                    page = context.new_page()
                    ws_bytes = [0]
                    page.on("websocket", lambda ws, b=ws_bytes: ws.on(
                        "framereceived", lambda payload, b=b: b.__setitem__(
                            0, b[0] + len(payload))))
                    page.goto(f"{app.url}/?runsheet={sheet}")
                    _wait_rendered(page, charts)
                    page.wait_for_timeout(500)

                    for _ in range(repeat):
                        for key in ("PageDown",) * 3 + ("PageUp",) * 3:
                            _measure(page, app, ws_bytes, out[kind], key)
                    if kind == "step, same page":
                        expand = page.locator('[data-testid="stExpandSidebarButton"]')
                        if expand.count():  # a run-sheet starts with the sidebar collapsed
                            expand.click()
                        for _ in range(repeat * 2):
                            _measure(page, app, ws_bytes, out["filter change"], None)
                    context.close()
            finally:
                browser.close()
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return out


CLIENT_NICE = 10  # the load test's browsers yield the CPU to the server they measure
ACTION_TIMEOUT_MS = 120_000  # a click or a rerun slower than this is reported as a wait


async def _session(browser: Any, url: str, deadline: float, seed: int,
                   stats: dict[str, list]) -> None:
    """One person: open the app, then click through filters and pages until ``deadline``.

    Real errors (the app's or the browser's) and waits (a click or a rerun that took
    longer than ``ACTION_TIMEOUT_MS``: a busy machine, not a failure) are kept apart.
    """
    from playwright.async_api import TimeoutError as PwTimeout

    rnd = random.Random(seed)
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = await context.new_page()
    errors = stats["errors"]
    page.on("pageerror", lambda exc: errors.append(f"js exception: {exc}"[:200]))
    page.on("console", lambda msg: errors.append(f"console error: {msg.text}"[:200])
            if msg.type == "error" else None)

    def failed(request: Any) -> None:
        why = request.failure or ""
        if "ERR_ABORTED" in why:  # the page itself cancelled it (e.g. left for another page)
            stats["aborted"].append(request.url)
        else:
            errors.append(f"request failed: {request.url[-60:]} {why}")

    page.on("requestfailed", failed)
    page.on("crash", lambda _: errors.append("the page crashed"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url[-60:]}")
            if r.status >= 500 else None)
    try:
        await page.goto(url, timeout=300_000)
        await page.wait_for_function(IDLE_JS, timeout=300_000, polling=50)
        while time.monotonic() < deadline:
            action = rnd.choice(["nav", "facts", "product", "product", "dest"])
            t0 = time.perf_counter()
            try:
                if action == "nav":
                    links = page.locator('[data-testid="stSidebarNav"] a')
                    await links.nth(rnd.randrange(await links.count())).click()
                elif action == "facts":
                    await facts_toggle(page).locator("label").click()
                else:
                    label = "产品" if action == "product" else "出口目的地"
                    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]'
                                       ).filter(has=page.get_by_role("combobox", name=label,
                                                                     exact=True))
                    await box.get_by_role("combobox").click()
                    if await box.locator("[data-tag]").count():
                        await page.keyboard.press("Backspace")  # drop the chosen one
                    else:
                        options = page.get_by_role("option")
                        await options.first.wait_for()  # the list opens after the click
                        await options.nth(rnd.randrange(min(await options.count(), 8))).click()
                    await page.keyboard.press("Escape")
                await page.wait_for_timeout(100)
                await page.wait_for_function(IDLE_JS, timeout=ACTION_TIMEOUT_MS, polling=50)
                stats["actions"].append(time.perf_counter() - t0)
                if await page.locator('[data-testid="stException"]').count():
                    errors.append("exception shown on the page")
                if await page.get_by_text("发生意外错误").count():
                    errors.append("app error shown on the page")
            except PwTimeout as exc:
                state = await page.evaluate("""() => document.querySelector(
                    '[data-testid="stApp"]')?.getAttribute('data-test-connection-state')""")
                if state != "CONNECTED":  # the app lost its server: that is an error
                    errors.append(f"disconnected ({state}) in {action}")
                first_line = str(exc).splitlines()[0][:80] if str(exc) else "timeout"
                stats["waits"].append(f"{action}: {first_line}")
            except Exception as exc:  # the harness's own fault (a page crash is an error above)
                stats["harness"].append(f"{action}: {type(exc).__name__}: {exc}"[:160])
            await page.wait_for_timeout(rnd.randint(200, 1200))  # a person reading
    finally:
        await context.close()


def _clients(url: str, sessions: int, seconds: float) -> dict[str, list]:
    """The browsers' side of the load test: one Chromium, one context per session."""
    from playwright.async_api import async_playwright

    stats: dict[str, list] = {"errors": [], "waits": [], "actions": [], "aborted": [],
                              "harness": []}

    async def run() -> None:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            deadline = time.monotonic() + seconds
            try:
                await asyncio.wait_for(asyncio.gather(*[
                    _session(browser, url, deadline, i, stats)
                    for i in range(sessions)]), timeout=seconds + 900)
            finally:
                await browser.close()

    asyncio.run(run())
    return stats


def load_test(sessions: int, seconds: float, data_dir: str | None = None) -> dict[str, Any]:
    """``sessions`` pages clicking for ``seconds``; server RSS sampled every second.

    The browsers run in a child process at nice ``CLIENT_NICE`` (Chromium inherits it),
    so on a small machine they do not starve the server they are measuring.
    """
    env = {"ZONES_DATA_DIR": data_dir} if data_dir else {}
    rss: list[tuple[float, float]] = []
    out = Path(f"/tmp/zones-bench-load-{os.getpid()}.json")
    with Server(env=env) as app:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:  # one visit first: the server loads its data once
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = b.new_page(viewport=VIEWPORT)
            page.goto(app.url, timeout=900_000)
            _wait_rendered(page, CHARTS["overview"], 900_000)
            b.close()
        errors_before = len(app.server_errors())
        stop = threading.Event()
        t_start = time.time()

        def sample() -> None:
            while not stop.is_set():
                rss.append((time.time() - t_start, app.rss_mb()))
                stop.wait(1.0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            subprocess.run([sys.executable, __file__, "clients", app.url, str(sessions),
                            str(seconds), str(out)], check=True, timeout=seconds + 1200,
                           preexec_fn=lambda: os.nice(CLIENT_NICE))
            stats = json.loads(out.read_text(encoding="utf-8"))
        finally:
            stop.set()
            sampler.join()
            out.unlink(missing_ok=True)
        server_runs = app.runs(since=t_start)
        server_errors = app.server_errors()[errors_before:]
    return {"sessions": sessions, "seconds": seconds, "errors": stats["errors"],
            "waits": stats["waits"], "aborted": len(stats["aborted"]),
            "harness": stats["harness"],
            "server_errors": server_errors, "client_nice": CLIENT_NICE,
            "action_timeout_s": ACTION_TIMEOUT_MS / 1000,
            "actions": stats["actions"], "rss": rss, "server_runs": server_runs}


if __name__ == "__main__" and sys.argv[1:2] == ["clients"]:
    _url, _n, _s, _out = sys.argv[2:6]
    Path(_out).write_text(json.dumps(_clients(_url, int(_n), float(_s))), encoding="utf-8")
