"""A run-sheet stepped with a presenter's keys in Chromium (#16).

Opens ``/?runsheet=provincial-briefing`` (the bundled example), presses PageDown and
PageUp (what a clicker sends), and checks the indicator, the address bar and the view
shown; screenshots of a step at 1920×1080 in both languages go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
RID = "provincial-briefing"
FULL_HD = {"width": 1920, "height": 1080}


def idle(page: Page) -> None:
    page.wait_for_function("""() => {
      const app = document.querySelector('[data-testid="stApp"]');
      return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]')
        && !!document.querySelector('[data-testid="stMain"] h1');
    }""", timeout=60_000, polling=50)


def indicator(page: Page):
    return page.locator('.st-key-rs_indicator [data-testid="stMarkdownContainer"]').first


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def press(page: Page, key: str) -> None:
    """A presenter's key, once the step's buttons (which carry the shortcuts) are drawn:
    on a loaded machine a key pressed before they were drawn was lost."""
    expect(page.locator(".st-key-rs_first button")).to_be_attached(timeout=60_000)
    before = indicator(page).inner_text()
    page.keyboard.press(key)
    expect(indicator(page)).not_to_have_text(before, timeout=60_000)  # every key here steps
    idle(page)


def test_pagedown_and_pageup_step_through_the_runsheet(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?runsheet={RID}")
    idle(page)
    expect(indicator(page)).to_have_text("1 / 4 · 总体情况")
    expect(page.locator("h1").first).to_have_text("总体情况")  # the step's title (#24)
    assert query(page)["runsheet"] == [RID] and query(page)["step"] == ["1"]
    expect(page.locator('[data-testid="stSidebar"]')).to_have_attribute(
        "data-collapsed", "true")  # presentation mode: the sidebar starts collapsed

    press(page, "PageDown")
    expect(indicator(page)).to_have_text("2 / 4 · 德惠禽肉示范区")
    expect(page.locator("h1").first).to_have_text("德惠禽肉示范区")
    expect(page).to_have_url(re.compile(r"/zones\?"))
    assert query(page)["step"] == ["2"] and query(page)["runsheet"] == [RID]
    expect(page.get_by_text("吉林德惠禽肉出口质量安全示范区").first).to_be_visible()

    press(page, "PageDown")
    expect(indicator(page)).to_have_text("3 / 4 · 五个首次出口")
    expect(page).to_have_url(re.compile(r"/destinations\?"))
    assert query(page)["step"] == ["3"]
    expect(page.locator('[data-testid="stMain"] .st-key-present-line').first
           ).to_contain_text("日本")  # the step's filter line (presentation mode: one line)

    press(page, "PageUp")
    expect(indicator(page)).to_have_text("2 / 4 · 德惠禽肉示范区")
    expect(page).to_have_url(re.compile(r"/zones\?"))
    assert query(page)["step"] == ["2"]

    # Right / Space step on and Left back as well, End and Home jump (hidden buttons)
    press(page, "ArrowRight")
    expect(indicator(page)).to_have_text("3 / 4 · 五个首次出口")
    press(page, "End")
    expect(indicator(page)).to_contain_text("4 / 4")
    expect(page).to_have_url(re.compile(r"/volumes\?"))
    press(page, "Home")
    expect(indicator(page)).to_have_text("1 / 4 · 总体情况")
    assert query(page)["step"] == ["1"]
    press(page, "Space")
    expect(indicator(page)).to_have_text("2 / 4 · 德惠禽肉示范区")
    press(page, "ArrowLeft")
    expect(indicator(page)).to_have_text("1 / 4 · 总体情况")


def test_the_address_bar_reopens_the_same_step(page: Page, app_url: str, browser) -> None:
    page.goto(f"{app_url}/?runsheet={RID}&step=3")
    idle(page)
    expect(indicator(page)).to_have_text("3 / 4 · 五个首次出口")
    copied = page.url
    other = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        fresh = other.new_page()
        fresh.goto(copied)
        idle(fresh)
        expect(indicator(fresh)).to_have_text("3 / 4 · 五个首次出口")
        expect(fresh.locator("h1").first).to_have_text("五个首次出口")
    finally:
        other.close()


def test_an_english_runsheet_link_copied_at_once_opens_in_english(page: Page, app_url: str,
                                                                 browser) -> None:
    """The address right after opening carries the language and presentation mode too (a
    reviewer copied it before pressing any key and got the Chinese view)."""
    page.goto(f"{app_url}/?runsheet={RID}&lang=en")
    idle(page)
    expect(page.locator("h1").first).to_have_text("The overall picture")
    q = query(page)
    assert q["runsheet"] == [RID] and q["step"] == ["1"]
    assert q["lang"] == ["English"] and q["present"] == ["true"], q
    other = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        fresh = other.new_page()
        fresh.goto(page.url)
        idle(fresh)
        expect(fresh.locator("h1").first).to_have_text("The overall picture")
        expect(indicator(fresh)).to_have_text(re.compile(r"^1 / 4 · "))
    finally:
        other.close()


def test_notes_stay_off_the_projected_view_until_asked(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?runsheet={RID}&step=2")
    idle(page)
    notes = page.get_by_text("报告未说明其启动时间")
    expect(notes).to_have_count(0)
    page.locator(".st-key-rs_notes_on label").click()
    idle(page)
    expect(notes.first).to_be_visible()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshot_of_a_step_at_full_hd(browser, app_url: str, screenshot_dir: Path,
                                         lang: str) -> None:
    context = browser.new_context(viewport=FULL_HD, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"{app_url}/?runsheet={RID}&step=3&lang={lang}")
        idle(page)
        page.wait_for_function("""() => [...document.querySelectorAll(
            '.st-key-rs_bar button')].some(b => b.innerText.includes('PageDown'))""",
                               timeout=30_000)
        page.wait_for_function("""() => {
          const views = [...document.querySelectorAll('[data-testid="stMain"] .vega-embed')];
          return views.length > 0 && views.every(v => v.querySelector('svg .role-mark')
            && [...v.querySelectorAll('g.mark-shape')].every(g => g.querySelector('path')));
        }""", timeout=60_000, polling=100)  # the world map drawn, then the picture
        idle(page)
        expect(indicator(page)).to_contain_text("3 / 4")
        expect(page.locator("h1").first).to_have_text(
            "五个首次出口" if lang == "zh" else "Five first exports")
        page.screenshot(path=str(screenshot_dir / f"runsheet-step-1920-{lang}.png"))
    finally:
        context.close()
