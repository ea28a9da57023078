"""deploy/nginx.conf in front of the app (#10): the dashboard works under its CSP, the
security headers arrive, a cross-origin websocket is refused and an oversized request
is rejected. Skips when nginx is not installed (it is not needed to run the app)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, ROOT, _free_port, poll_until, wait_quiet

NGINX = shutil.which("nginx")
if NGINX is None or not CHROMIUM.exists():
    pytest.skip("nginx or chromium not installed", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Page, expect  # noqa: E402

# Its own server (module fixture): all its tests on one worker, so it starts once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("nginx")]
HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options",
           "referrer-policy")


@pytest.fixture(scope="module")
def proxy_url(app_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx with deploy/nginx.conf (port and upstream adjusted) in front of the app."""
    work = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    app_port = app_url.rsplit(":", 1)[1]
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
        "server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};")
    (work / "zones.conf").write_text(site, encoding="utf-8")
    temp = " ".join(f"{k}_temp_path {work / k};" for k in
                    ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(
        f"pid {work}/nginx.pid; error_log {work}/error.log; daemon off; events {{}}\n"
        f"http {{ access_log {work}/access.log; {temp} include {work}/zones.conf; }}\n",
        encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-p", str(work)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    def listening() -> bool:
        assert proc.poll() is None, (work / "error.log").read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    try:
        poll_until(listening, 10, f"nginx to listen on {port}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_security_headers_arrive(proxy_url: str) -> None:
    with urllib.request.urlopen(proxy_url, timeout=10) as resp:
        headers = {k.lower(): v for k, v in resp.headers.items()}
    for name in HEADERS:
        assert name in headers, headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_csp_allows_exactly_streamlits_inline_scripts() -> None:
    """An upgrade of Streamlit that changes its inline script must update the hash."""
    import base64
    import hashlib
    import re

    import streamlit

    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text()
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", index, re.S):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in conf


def test_dashboard_works_under_the_csp(page: Page, proxy_url: str) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto(f"{proxy_url}/?lang=en")
    main = page.locator('[data-testid="stMain"]')
    expect(main.locator("h1").first).to_have_text("Overview", timeout=60_000)
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible(timeout=60_000)
    wait_quiet(page, quiet_ms=500)  # every script and style of the page has been applied
    assert not violations, violations


def test_cross_origin_websocket_is_refused_by_the_proxy(proxy_url: str) -> None:
    host = proxy_url.removeprefix("http://")
    req = urllib.request.Request(f"{proxy_url}/_stcore/stream", headers={
        "Host": host, "Origin": "http://evil.example", "Upgrade": "websocket",
        "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 403


def test_oversized_request_is_rejected(proxy_url: str) -> None:
    req = urllib.request.Request(f"{proxy_url}/_stcore/upload_file/x/y", method="PUT",
                                 data=b"x" * (21 * 1024 * 1024))
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 413
