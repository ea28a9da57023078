"""Sign-in behind nginx (deploy/nginx-auth.conf, auth_basic) and the roles in Chromium
(issue 25), on the files and on PostgreSQL: one app server and one nginx per backend.

A viewer sees no upload, apply or undo, even with a forged identity header; an editor
imports inside his prefecture and is refused outside it; an admin undoes the editor's
import; the audit trail holds each step with the right person.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import (
    CHROMIUM,
    ROOT,
    VIEWPORT,
    _free_port,
    poll_until,
    running_app,
)

NGINX = shutil.which("nginx")
if NGINX is None or not CHROMIUM.exists():
    pytest.skip("nginx or chromium not installed", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.browser.test_browser import main, sidebar, wait_idle  # noqa: E402

# One worker runs the module: its module-scoped servers and printouts are made once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("identity")]
VIEWER, EDITOR, ADMIN = "zhao@jl.example", "wang.ke@jl.example", "li.chu@jl.example"
PASSWORDS = {VIEWER: "view-pw", EDITOR: "edit-pw", ADMIN: "admin-pw"}
ACCESS = f"""default_role = "viewer"
require_login = true
[users."{EDITOR}"]
role = "editor"
prefectures = ["白山市"]
[users."{ADMIN}"]
role = "admin"
"""
VOL = "period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
INSIDE = VOL + "2013-01,fusong-ginseng,ginseng,JPN,1,2000,1\n"          # 抚松 → 白山市
OUTSIDE = INSIDE + "2013-01,dehui-poultry,poultry_meat,JPN,1,2000,1\n"  # 德惠 → 长春市


def _nginx(work: Path, app_url: str, htpasswd: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    site = (ROOT / "deploy" / "nginx-auth.conf").read_text(encoding="utf-8")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
        "server 127.0.0.1:8501;", f"server 127.0.0.1:{app_url.rsplit(':', 1)[1]};").replace(
        "/etc/nginx/zones.htpasswd", str(htpasswd))
    (work / "zones.conf").write_text(site, encoding="utf-8")
    temp = " ".join(f"{k}_temp_path {work / k};" for k in
                    ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # As root, nginx's workers would run as nobody and could not read the test's
    # (private) password file.
    user = "user root; " if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(
        f"{user}pid {work}/nginx.pid; error_log {work}/error.log; daemon off; events {{}}\n"
        f"http {{ access_log {work}/access.log; {temp} include {work}/zones.conf; }}\n",
        encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-p", str(work)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    def listening() -> bool:
        assert proc.poll() is None, (work / "error.log").read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    poll_until(listening, 10, f"nginx to listen on {port}")
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module", params=["files", "postgres"])
def site(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """(nginx URL, data folder, database URL or '') with the app behind nginx-auth.conf."""
    work = tmp_path_factory.mktemp(f"identity-{request.param}")
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    (work / "access.toml").write_text(ACCESS, encoding="utf-8")
    htpasswd = work / "htpasswd"
    htpasswd.write_text("".join(  # nginx reads {SHA} entries (base64 of SHA-1) natively
        f"{user}:{{SHA}}{base64.b64encode(hashlib.sha1(pw.encode()).digest()).decode()}\n"
        for user, pw in PASSWORDS.items()), encoding="utf-8")
    env = {"ZONES_DATA_DIR": str(data), "ZONES_ACCESS_FILE": str(work / "access.toml"),
           "STREAMLIT_SERVER_TRUSTED_USER_HEADERS": '{"X-Remote-User": "email"}'}
    db_url = ""
    if request.param == "postgres":
        from zones.sql.schema import engine_from_url
        from zones.sql.write import sql_load

        db_url = request.getfixturevalue("pg_server").createdb("identity")
        engine = engine_from_url(db_url)
        assert sql_load(engine, data).ok
        engine.dispose()
        env["ZONES_DATABASE_URL"] = db_url
    with running_app(work, env) as app_url:
        proc, url = _nginx(work, app_url, htpasswd)
        try:
            yield url, data, db_url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def open_as(browser: Browser, url: str, who: str, headers: dict[str, str] | None = None
            ) -> Page:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", http_credentials={
        "username": who, "password": PASSWORDS[who]}, extra_http_headers=headers or {})
    context.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)  # two servers and a proxy on a shared machine
    page = context.new_page()
    page.goto(f"{url}/data?lang=English")
    wait_idle(page)
    return page


def signed_in(person: str, role: str, more: str = "") -> re.Pattern[str]:
    """The sidebar's line, plain text: the address exactly as it is (no joiners)."""
    return re.compile(rf"^Signed in: {re.escape(person)} \({role}\){more}$")


def upload(page: Page, name: str, text: str, tmp_path: Path, added: int) -> None:
    """Upload ``text`` as ``name`` and apply it once its own preview (``added`` rows) shows."""
    m = main(page)
    m.locator('[data-testid="stSelectbox"]').filter(has_text="Table").first.click()
    page.get_by_role("option", name=re.compile("Monthly export volumes")).click()
    wait_idle(page)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    m.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    expect(m.get_by_text("Preview of the change")).to_be_visible(timeout=90_000)
    expect(m.locator('[data-testid="stMetric"]').filter(has_text="Rows added").locator(
        '[data-testid="stMetricValue"]')).to_have_text(str(added))
    wait_idle(page)
    m.get_by_role("button", name="Apply the change").click()


def trail(data: Path, db_url: str) -> list:
    from zones import backend

    return backend.choose(url=db_url, data_dir=data).audit().events()[::-1]


def _viewer(browser: Browser, url: str, screenshot_dir: Path, shot: str) -> None:
    # A viewer who forges the admin's identity header is still himself, a viewer.
    page = open_as(browser, url, VIEWER, {"X-Remote-User": ADMIN})
    expect(sidebar(page).get_by_text(signed_in(VIEWER, "viewer"))).to_be_visible()
    m = main(page)
    expect(m.get_by_text("authenticated by the intranet's reverse proxy")).to_be_visible()
    expect(m.locator('[data-testid="stFileUploader"]')).to_have_count(0)
    expect(m.get_by_role("button", name="Apply the change")).to_have_count(0)
    expect(m.get_by_role("button", name="Undo the last import")).to_have_count(0)
    expect(m.get_by_text("Audit trail", exact=True)).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / f"{shot}-1-viewer.png"), full_page=True)
    page.context.close()


def test_viewer_editor_admin_behind_nginx(browser: Browser, site: tuple[str, Path, str],
                                          tmp_path: Path, screenshot_dir: Path) -> None:
    """The roles and the refusal are checked once, on the files (they do not depend on the
    backend); on both, the editor imports inside Baishan, the admin undoes it, and the
    trail holds every step with the right person, the refusal included."""
    url, data, db_url = site
    with pytest.raises(urllib.error.HTTPError) as err:  # no password: nginx says 401
        urllib.request.urlopen(f"{url}/data", timeout=10)
    assert err.value.code == 401
    shot = f"identity-{'pg' if db_url else 'files'}"
    if not db_url:
        _viewer(browser, url, screenshot_dir, shot)

    page = open_as(browser, url, EDITOR)
    expect(sidebar(page).get_by_text(signed_in(EDITOR, "editor", ".*Baishan.*"))
           ).to_be_visible()
    m = main(page)
    refusals = []
    if not db_url:  # the refusal, once (the trail's insert is the same on both backends)
        upload(page, "both.csv", OUTSIDE, tmp_path, added=2)
        expect(m.get_by_text(re.compile(r"^1 problem\(s\) found; nothing was written"))
               ).to_be_visible(timeout=60_000)
        page.screenshot(path=str(screenshot_dir / f"{shot}-2-editor-refused.png"),
                        full_page=True)
        assert [(e.person, e.action, e.reason) for e in trail(data, db_url)] == [
            (EDITOR, "refused", "import:access_out_of_scope")]
        refusals = [(EDITOR, "editor", "refused")]
        page.context.close()
        page = open_as(browser, url, EDITOR)
        m = main(page)
    upload(page, "baishan.csv", INSIDE, tmp_path, added=1)
    expect(m.get_by_text(re.compile(r"^Applied \(history entry imp-"))).to_be_visible(
        timeout=90_000)
    page.context.close()

    # The admin undoes the editor's import.
    page = open_as(browser, url, ADMIN)
    m = main(page)
    m.get_by_role("button", name="Undo the last import").click()
    expect(m.get_by_text(re.compile(r"^Undid import imp-"))).to_be_visible(timeout=90_000)
    wait_idle(page)
    expect(m.get_by_text("Audit trail", exact=True)).to_be_visible()
    m.get_by_text("Audit trail", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"{shot}-3-admin-undo.png"), full_page=True)
    page.context.close()

    events = trail(data, db_url)
    assert [(e.person, e.role, e.action) for e in events] == [
        *refusals, (EDITOR, "editor", "import"), (ADMIN, "admin", "undo")]
    assert {e.via for e in events} == {"proxy"}
    assert all(e.client == "127.0.0.1" for e in events)  # the address nginx saw
    assert events[-2].file_name == "baishan.csv" and events[-2].added == 1
    assert not refusals or "dehui-poultry" in events[0].detail
