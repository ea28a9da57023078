"""Single sign-on with OpenID Connect in Chromium (issue 25): st.login / st.logout against a
local test identity provider (oidc-provider-mock, from PyPI), with ``require_login``.

Nothing is shown before sign-in; "Sign in" goes to the provider and back, the sidebar names
the person and role from the access file; "Sign out" ends it and the page asks again.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, VIEWPORT, _free_port, running_app

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")
pytest.importorskip("authlib", reason="st.login needs Authlib (requirements.txt)")
mock = pytest.importorskip("oidc_provider_mock", reason="requirements-dev.txt")

from playwright.sync_api import Browser, expect  # noqa: E402

from tests.browser.test_browser import main, sidebar, wait_idle  # noqa: E402

# One worker runs the module: its module-scoped servers and printouts are made once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("oidc")]
EDITOR = "wang.ke@jl.example"
ACCESS = f"""default_role = "viewer"
require_login = true
[users."{EDITOR}"]
role = "editor"
prefectures = ["白山市"]
"""


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider on a thread of this process, the app with ``[auth]`` pointing at it."""
    work = tmp_path_factory.mktemp("oidc")
    (work / "access.toml").write_text(ACCESS, encoding="utf-8")
    users = (mock.User(sub=EDITOR, claims={"email": EDITOR, "name": "王科"}),)
    with mock.run_server_in_thread(user_claims=users) as provider:
        issuer = f"http://localhost:{provider.server_port}"
        port = _free_port()
        (work / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            'client_id = "zones-dashboard"\nclient_secret = "test-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
            encoding="utf-8")
        env = {"ZONES_ACCESS_FILE": str(work / "access.toml")}
        with running_app(work, env, port=port,
                         args=("--secrets.files", str(work / "secrets.toml"))) as url:
            yield url


def test_sign_in_and_out(browser: Browser, oidc_app: str, screenshot_dir: Path) -> None:
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    page = context.new_page()
    try:
        page.goto(f"{oidc_app}/data?lang=English")
        m = main(page)
        expect(m.get_by_text("Please sign in first")).to_be_visible()
        expect(m.locator("h1")).to_have_count(0)  # nothing of the dashboard before sign-in
        m.get_by_role("button", name="Sign in").click()

        page.get_by_placeholder("sub").fill(EDITOR)  # the provider's own form
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(re.compile(re.escape(oidc_app)))  # back home, signed in
        expect(main(page).locator("h1").first).to_be_visible()
        page.goto(f"{oidc_app}/data?lang=English")

        expect(sidebar(page).get_by_text(re.compile(  # plain text: the address as it is
            rf"^Signed in: {re.escape(EDITOR)} \(editor\).*Baishan"))).to_be_visible()
        expect(m.get_by_text("Update data", exact=True)).to_be_visible()  # an editor
        expect(m.get_by_text("Identity: single sign-on (OIDC)")).to_be_visible()
        wait_idle(page)
        page.screenshot(path=str(screenshot_dir / "oidc-1-signed-in.png"), full_page=True)

        sidebar(page).get_by_role("button", name="Sign out").click()
        end = page.get_by_role("button", name="End session")  # the provider asks to confirm
        expect(end.or_(m.get_by_text("Please sign in first"))).to_be_visible()
        if end.is_visible():
            end.click()
        page.goto(f"{oidc_app}/data?lang=English")
        expect(main(page).get_by_text("Please sign in first")).to_be_visible()
        expect(main(page).get_by_role("button", name="Sign in")).to_be_visible()
        page.screenshot(path=str(screenshot_dir / "oidc-2-signed-out.png"), full_page=True)
    finally:
        context.close()
