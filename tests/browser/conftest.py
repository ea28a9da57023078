"""Fixtures for the real-browser suite: a running app, one Chromium, and a watched page.

The app runs as ``streamlit run app.py`` on a free port of 127.0.0.1 for the whole
session (one per xdist worker); every test gets a fresh browser context (so a fresh
Streamlit session) whose requests are recorded, and the test fails at teardown if any left
the machine. Nothing here sleeps for a fixed time: ``poll_until`` and ``wait_quiet`` wait
for a condition.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1600, "height": 2600}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about"}
STARTUP_TIMEOUT = 60.0
QUIET_MS = 250

# True once Streamlit's run is over and the page has not changed for ``quietMs``: the
# script is not running, connected, no status widget, nothing stale or still loading, and
# no change to the page or the address bar in that time (a MutationObserver, installed on
# the first call, records the last change).
_QUIET_JS = """(quietMs) => {
  const w = window, now = performance.now();
  if (!w.__zonesQuiet) {
    w.__zonesQuiet = {last: now, url: location.href};
    new MutationObserver(() => { w.__zonesQuiet.last = performance.now(); }).observe(
      document, {subtree: true, childList: true, characterData: true, attributes: true,
                 attributeFilter: ['data-test-script-state', 'data-test-connection-state',
                                   'data-stale', 'data-collapsed', 'd', 'transform',
                                   'aria-checked', 'aria-rowcount', 'value']});
  }
  const q = w.__zonesQuiet;
  if (location.href !== q.url) { q.url = location.href; q.last = now; }
  const app = document.querySelector('[data-testid="stApp"]');
  const busy = !app || app.getAttribute('data-test-script-state') !== 'notRunning'
    || app.getAttribute('data-test-connection-state') !== 'CONNECTED'
    || document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"], '
                              + '[data-testid^="stSkeleton"]');
  if (busy) { q.last = now; return false; }
  return now - q.last >= quietMs;
}"""


def poll_until(check: Callable[[], bool], timeout: float, what: str,
               interval: float = 0.1) -> None:
    """Return as soon as ``check()`` is true; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def wait_quiet(page, quiet_ms: int = QUIET_MS, timeout: float = 60_000) -> None:
    """Wait until the app is idle and the page and address have not changed for
    ``quiet_ms`` (a rerun a click triggered has come and gone, a map is drawn, the address
    rewritten). Returns at once on a page that has long been still."""
    page.wait_for_function(_QUIET_JS, arg=quiet_ms, polling=50, timeout=timeout)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200 and resp.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in LOCAL_SCHEMES:
        return True
    return parsed.scheme in {"http", "https", "ws", "wss"} and parsed.hostname in LOCAL_HOSTS


@contextmanager
def running_app(log_dir: Path, env: dict[str, str] | None = None, *,
                port: int | None = None, args: tuple[str, ...] = ()) -> Iterator[str]:
    """``streamlit run app.py`` from the repo root on a free port of 127.0.0.1 (or ``port``),
    with ``env`` added (e.g. ``ZONES_DATA_DIR``) and ``args`` after the usual options;
    yields ``http://127.0.0.1:<port>``. Parallel workers start servers at once: a free
    port taken in between is retried on another."""
    log_path = log_dir / "streamlit.log"
    wanted = port
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    for attempt in range(3):
        port = wanted or _free_port()
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            # Other people edit the sources while the suite runs: never watch or rerun on
            # save, or a "source changed" prompt would keep the status widget up.
            "--server.fileWatcherType", "none",
            "--server.runOnSave", "false",
            *args,
        ]
        url = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                    env=full_env)
        try:
            poll_until(lambda: proc.poll() is not None or _healthy(url),  # noqa: B023
                       STARTUP_TIMEOUT, f"streamlit to be healthy at {url}", 0.25)
            if proc.poll() is not None:
                tail = log_path.read_text(errors="replace")[-3000:]
                if attempt < 2 and wanted is None and "already in use" in tail:
                    continue
                pytest.fail(f"streamlit exited ({proc.poll()}) before it was healthy "
                            f"at {url}:\n{tail}")
            yield url
            return
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the bundled data, for the whole session."""
    with running_app(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: the browser suite needs Debian's chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    pw = sync_api.sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()


class _Watch:
    """What the pages of the shared context requested, and their script errors, since the
    current test began (the listeners are the context's, so popups are watched too)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []

    def reset(self) -> None:
        self.requests, self.errors = [], []


@pytest.fixture(scope="session")
def _shared_context(browser) -> Iterator[tuple[object, _Watch]]:
    """One browser context per worker, a fresh page (so a fresh Streamlit session) per
    test. A new context per test compiled Streamlit's scripts again every time: about an
    eighth of the browser's CPU per page load on a suite that keeps both cores busy
    (bench/RESULTS-ci.md). What a test could leave behind in a context (cookies,
    permissions, storage) is cleared after it."""
    watch = _Watch()
    # Reduced motion: Streamlit's running indicators stop animating, so a waiting test
    # does not make Chromium paint frames (about a tenth of its CPU per page load here).
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", reduced_motion="reduce")
    context.on("request", lambda req: watch.requests.append(req.url))
    context.on("websocket", lambda ws: watch.requests.append(ws.url))
    context.on("page", lambda pg: pg.on("pageerror", lambda exc: watch.errors.append(str(exc))))
    try:
        yield context, watch
    finally:
        context.close()


_CLEAR_STORAGE_JS = "() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }"


@pytest.fixture
def page(_shared_context, app_url: str) -> Iterator[object]:
    """A fresh page of the worker's context; fails the test if a request left
    127.0.0.1/localhost or a script error went uncaught."""
    from playwright.sync_api import Error, expect

    context, watch = _shared_context
    expect.set_options(timeout=20_000)
    context.set_default_timeout(30_000)
    watch.reset()
    pg = context.new_page()  # the context's "page" listener watches its script errors
    yield pg
    for other in list(context.pages):
        try:
            if other.url.startswith("http"):
                other.evaluate(_CLEAR_STORAGE_JS)
        except Error:  # a page that is gone or closing has nothing left to clear
            pass
        other.close()
    context.clear_cookies()
    context.clear_permissions()
    foreign = sorted({u for u in watch.requests if not is_local(u)})
    assert not foreign, f"requests left 127.0.0.1/localhost: {foreign}"
    assert not watch.errors, f"uncaught JavaScript errors in the page: {watch.errors}"


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@contextmanager
def editable_copy(tmp_path_factory: pytest.TempPathFactory, name: str, password: str
                  ) -> Iterator[tuple[str, Path]]:
    """A server of its own over a scratch copy of data/, with editing configured:
    imports in a browser test never touch the bundled files. Yields (url, data folder)."""
    data = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(ROOT / "data", data)
    env = {"ZONES_DATA_DIR": str(data), "ZONES_ADMIN_PASSWORD": password}
    with running_app(data.parent, env) as url:
        yield url, data
