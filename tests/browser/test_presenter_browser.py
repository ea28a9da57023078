"""A presenter's console and its projector window side by side in Chromium (#24).

The console (``?runsheet=…&console=1``) and the window opened at its projector link
(``follow=<code>``) step together whichever of them gets the key, on the files and on
PostgreSQL with two app servers (replicas) on one database; the notes show only on the
console. Also: a page picked in the navigation while presenting keeps the run-sheet, a
step without ``lang`` after an English step is Chinese, and a draft survives a reload.
Servers are module-scoped: one over a scratch copy of data/, two over one database.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import CHROMIUM, ROOT, running_app

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: the browser suite needs Debian's chromium",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Browser, Page, expect

# One worker runs the module: its module-scoped servers and printouts are made once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("presenter")]

RID = "presenter-test"
SHEET = """title = "演讲者视图测试"

[[steps]]
title = "总体情况"
title_en = "The overall picture"
view = "/"
notes = "第一步备注：只在讲者屏幕上"
notes_en = "Step one notes: for the presenter only"

[[steps]]
title = "人参出口"
view = "/volumes?product=ginseng&lang=en&interval=monthly"
notes = "第二步备注"

[[steps]]
title = "日本"
view = "/destinations?dest=JPN"
notes = "第三步备注"
"""
FULL_HD = {"width": 1920, "height": 1080}
WAIT = 90_000  # the machine is shared: a first page run can take half a minute


@pytest.fixture(scope="module")
def files_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("presenter") / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("scratch", "history"))
    (data / "runsheets" / f"{RID}.toml").write_text(SHEET, encoding="utf-8")
    with running_app(data.parent, {"ZONES_DATA_DIR": str(data)}) as url:
        yield url


@pytest.fixture(scope="module")
def replicas(sql_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two app servers on one database: a console on one, its projector on the other."""
    from zones.backend import engine_for
    from zones.sql.runsheets import SqlRunSheets

    SqlRunSheets(engine_for(sql_url)).save(RID, SHEET.encode(), user="test")
    env = {"ZONES_DATABASE_URL": sql_url}
    with running_app(tmp_path_factory.mktemp("replica-a"), env) as a, \
            running_app(tmp_path_factory.mktemp("replica-b"), env) as b:
        yield [a, b]


@pytest.fixture(autouse=True)
def _patient() -> None:
    expect.set_options(timeout=WAIT)  # a loaded machine: conditions, never fixed sleeps


def settled(page: Page, selector: str = '[data-testid="stMain"] h1') -> None:
    """The run is over (nothing stale) and ``selector`` is drawn."""
    page.wait_for_function("""(sel) => {
      const app = document.querySelector('[data-testid="stApp"]');
      return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]') && !!document.querySelector(sel);
    }""", arg=selector, timeout=180_000, polling=50)


def heading(page: Page):
    return page.locator('[data-testid="stMain"] h1').first


def console_step(page: Page):
    return page.locator('[data-testid="stMain"]').get_by_text(re.compile(r"^(第 \d+ / \d+ 步|"
                                                                        r"Step \d+ of \d+)$"))


def open_console(ctx, base: str, lang: str = "zh") -> tuple[Page, str]:
    """The console, and its projector link (as the console shows it)."""
    page = ctx.new_page()
    page.goto(f"{base}/?runsheet={RID}&console=1" + ("&lang=en" if lang == "en" else ""))
    settled(page, ".st-key-rs_console_notes")
    expect(page.locator('[data-testid="stCode"]').first).to_contain_text("follow=")
    link = page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    code = parse_qs(urlsplit(link).query)["follow"][0]
    assert re.fullmatch(r"[2-9a-hjkmnp-z]{8}", code), link
    assert parse_qs(urlsplit(page.url).query)["follow"] == [code]  # a reload keeps it
    return page, link


def press(page: Page, key: str) -> None:
    """A clicker's key, once the buttons that carry the shortcuts are drawn."""
    page.locator(".st-key-rs_first button, .st-key-rs_c_first button").first.wait_for(
        state="attached", timeout=WAIT)
    page.keyboard.press(key)


def pair(browser: Browser, console_base: str, projector_base: str, lang: str = "zh"
         ) -> tuple[object, Page, Page]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(WAIT)
    console, link = open_console(ctx, console_base, lang)
    projector = ctx.new_page()  # another window: its own Streamlit session
    projector.goto(projector_base + link[link.index("/?"):])
    settled(projector)
    return ctx, console, projector


def check_stepping_together(console: Page, projector: Page) -> None:
    """PageDown/PageUp in either window moves both; notes only on the console."""
    expect(heading(projector)).to_have_text("总体情况", timeout=WAIT)
    expect(console_step(console)).to_have_text("第 1 / 3 步")
    expect(console.get_by_text("第一步备注：只在讲者屏幕上")).to_be_visible()
    expect(projector.get_by_text("第一步备注")).to_have_count(0)
    expect(projector.locator(".st-key-rs_bar")).to_be_hidden()  # the view alone

    press(console, "PageDown")  # the console's key moves the projector
    expect(heading(projector)).to_have_text("人参出口", timeout=WAIT)
    # the projector never switches page: it runs the step's page under its own address
    expect(projector).to_have_url(re.compile(r"follow="))
    assert urlsplit(projector.url).path.rstrip("/").rsplit("/", 1)[-1] in ("", "follow"), \
        projector.url
    expect(console_step(console)).to_have_text("第 2 / 3 步")
    settled(projector)
    expect(projector.locator(".st-key-present-line").first).to_contain_text("Ginseng")
    expect(projector.get_by_text("第二步备注")).to_have_count(0)

    press(projector, "PageDown")  # the projector's key moves the console
    expect(console_step(console)).to_have_text("第 3 / 3 步", timeout=WAIT)
    expect(console.get_by_text("第三步备注")).to_be_visible()
    expect(heading(projector)).to_have_text("日本", timeout=WAIT)
    settled(projector)

    press(projector, "PageUp")
    expect(console_step(console)).to_have_text("第 2 / 3 步", timeout=WAIT)
    expect(heading(projector)).to_have_text("人参出口", timeout=WAIT)
    settled(projector)
    press(console, "PageUp")  # from the English step back into one without lang: Chinese
    expect(heading(projector)).to_have_text("总体情况", timeout=WAIT)
    settled(projector)
    expect(projector.locator(".st-key-present-line").first).to_contain_text("全部产品")


def test_console_and_projector_step_together_on_the_files(browser: Browser,
                                                          files_app: str) -> None:
    ctx, console, projector = pair(browser, files_app, files_app)
    try:
        check_stepping_together(console, projector)
        # a stale or made-up code says so, in words
        stray = ctx.new_page()
        stray.goto(f"{files_app}/?runsheet={RID}&follow=zzzzzzzz")
        settled(stray)
        expect(stray.get_by_text(re.compile("同步码“zzzzzzzz”无效或已不存在"))).to_be_visible()
    finally:
        ctx.close()


def test_console_and_projector_on_two_replicas(browser: Browser, replicas: list[str]) -> None:
    ctx, console, projector = pair(browser, replicas[0], replicas[1])
    try:
        check_stepping_together(console, projector)
    finally:
        ctx.close()


def test_a_page_switch_while_presenting_keeps_the_runsheet(browser: Browser,
                                                           files_app: str) -> None:
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    ctx.set_default_timeout(WAIT)
    try:
        page = ctx.new_page()
        page.goto(f"{files_app}/?runsheet={RID}&step=3")
        settled(page)
        expect(heading(page)).to_have_text("日本")
        page.locator('[data-testid="stExpandSidebarButton"], '
                     '[data-testid="stSidebarCollapsedControl"] button').first.click()
        page.locator('[data-testid="stSidebarNav"] a').filter(
            has_text=re.compile("示范区$")).click()
        expect(heading(page)).to_have_text("示范区", timeout=WAIT)  # the page's own title
        settled(page)
        q = parse_qs(urlsplit(page.url).query)
        assert q.get("runsheet") == [RID] and q.get("step") == ["3"], page.url
        assert q.get("present") == ["true"], page.url
        back = page.locator(".st-key-rs_back button")
        expect(back).to_have_text(re.compile("回到第 3 步"))
        # the bar is whole with the sidebar open: no button label is cut
        for label in page.locator(".st-key-rs_bar button").all():
            if label.is_visible():
                assert label.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), \
                    label.inner_text()
        back.click()
        expect(heading(page)).to_have_text("日本", timeout=WAIT)
        expect(page).to_have_url(re.compile(r"/destinations\?"))
        settled(page)
        press(page, "PageUp")
        expect(heading(page)).to_have_text("人参出口", timeout=WAIT)
    finally:
        ctx.close()


def test_a_draft_survives_a_reload_and_a_closed_tab(browser: Browser, files_app: str) -> None:
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    ctx.set_default_timeout(WAIT)
    try:
        page = ctx.new_page()
        page.goto(f"{files_app}/volumes?product=ginseng")
        settled(page)
        for n in (1, 2):
            page.get_by_role("button", name="加入汇报流程").first.click()
            expect(page.get_by_text(f"编辑汇报流程（{n} 步）")).to_be_visible()
            settled(page)
        draft = parse_qs(urlsplit(page.url).query).get("draft", [""])[0]
        assert re.fullmatch(r"[2-9a-hjkmnp-z]{12}", draft), page.url
        notice = page.locator(".st-key-rs_draft_notice")
        expect(notice).to_contain_text(f"draft={draft}")  # its link, and no prompt: said
        expect(notice).to_contain_text("离开页面时浏览器不会提示")
        editor = page.locator(".st-key-rs_editor")
        expect(editor).to_contain_text("出口量 · 人参 · 按年")  # a step's view in words
        page.reload()
        settled(page)
        expect(page.get_by_text("编辑汇报流程（2 步）")).to_be_visible()
        link = notice.locator("code").inner_text().strip()
    finally:
        ctx.close()
    fresh = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    try:  # the tab was closed: the link from the notice (or the history) brings it back
        page = fresh.new_page()
        page.goto(link)
        settled(page)
        expect(page.get_by_text("编辑汇报流程（2 步）")).to_be_visible(timeout=WAIT)
    finally:
        fresh.close()
