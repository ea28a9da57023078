"""The briefing views of issue 9 in a real browser: overview order, labelled maps, id links.

Saves the screenshots that were looked at for the issue (artifacts/screenshots/brief-*).
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import wait_quiet  # noqa: E402
from tests.browser.test_browser import (  # noqa: E402
    charts,
    main,
    no_exception,
    no_tooltip,
    open_app,
)
from zones.units import chart_title  # noqa: E402

pytestmark = pytest.mark.browser
FOLD = {"width": 1600, "height": 1000}
LANG_QUERY = {"zh": "", "en": "lang=English"}


def _quiet(page: Page) -> None:
    no_tooltip(page)  # no tooltip over the screenshot, the page still


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_leads_with_the_map_above_the_fold(page: Page, app_url: str,
                                                    screenshot_dir: Path, lang: str) -> None:
    page.set_viewport_size(FOLD)
    open_app(page, app_url, "", LANG_QUERY[lang])
    jilin = charts(page).first
    expect(jilin.locator("g.role-mark").first).to_be_attached()
    _quiet(page)
    page.screenshot(path=str(screenshot_dir / f"brief-overview-{lang}.png"))
    box = jilin.bounding_box()
    assert box is not None
    assert box["y"] < FOLD["height"] - 250, f"the map starts at {box['y']}px"
    first = main(page).get_by_text("吉林省“五个首次出口”" if lang == "zh"
                                   else "Jilin Province's five first-time exports")
    first_box = first.bounding_box()
    assert first_box is not None and first_box["y"] < FOLD["height"]
    assert first_box["x"] > box["x"] + box["width"] / 2  # beside the map, not below it
    # Labels drawn on the map, in the page's language.
    text = jilin.inner_html()
    assert ("长春市" in text and "德惠禽肉" in text) if lang == "zh" else (
        "Changchun" in text and "Dehui poultry" in text)
    no_exception(page)
    page.set_viewport_size({"width": 1600, "height": 2600})
    wait_quiet(page)  # the charts redrawn at the new width
    page.screenshot(path=str(screenshot_dir / f"brief-overview-full-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_zones_map_is_labelled(page: Page, app_url: str, screenshot_dir: Path,
                               lang: str) -> None:
    page.set_viewport_size(FOLD)
    open_app(page, app_url, "zones", LANG_QUERY[lang])
    jilin = main(page).locator(".vega-embed").first
    expect(jilin.locator("g.role-mark").first).to_be_attached()
    text = jilin.inner_html()
    assert ("延边州" in text and "抚松人参" in text) if lang == "zh" else (
        "Yanbian" in text and "Fusong ginseng" in text)
    no_exception(page)
    jilin.scroll_into_view_if_needed()
    _quiet(page)
    jilin.screenshot(path=str(screenshot_dir / f"brief-jilin-map-{lang}.png"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_world_map_is_labelled(page: Page, app_url: str, screenshot_dir: Path,
                               lang: str) -> None:
    page.set_viewport_size(FOLD)
    open_app(page, app_url, "destinations", LANG_QUERY[lang])
    world = main(page).locator(".vega-embed").first
    expect(world.locator("g.role-mark").first).to_be_attached()
    text = world.inner_html()
    assert ("树莓 · 2010（推断）" in text and "俄罗斯" in text) if lang == "zh" else (
        "Raspberry · 2010 (inferred)" in text and "Russian Federation" in text)
    no_exception(page)
    world.scroll_into_view_if_needed()
    _quiet(page)
    world.screenshot(path=str(screenshot_dir / f"brief-world-map-{lang}.png"))


@pytest.mark.parametrize(("path", "query", "chip_label", "url_value"), [
    ("", "product=ginseng", "产品", "人参 Ginseng"),
    ("", "dest=JPN", "出口目的地", "日本 Japan"),
])
def test_links_with_ids(page: Page, app_url: str, path: str, query: str, chip_label: str,
                        url_value: str) -> None:
    from tests.browser.test_browser import chips

    open_app(page, app_url, path, query)
    expect(chips(page, chip_label)).to_have_text([url_value])
    expect(main(page).get_by_text("链接中的部分参数无法识别", exact=False)).to_have_count(0)
    no_exception(page)


def test_link_with_an_id_keeps_it_in_the_address_bar(page: Page, app_url: str) -> None:
    from tests.browser.test_browser import wait_for_params

    open_app(page, app_url, "", "dest=JPN")
    wait_for_params(page, dest=["日本 Japan"], timeout=4.0)


def test_profile_link_with_an_id(page: Page, app_url: str) -> None:
    open_app(page, app_url, "zones", "profile=dehui-poultry")
    expect(main(page).locator("h3", has_text="吉林德惠禽肉出口质量安全示范区")).to_be_visible()
    expect(main(page).get_by_text("报告未说明", exact=False).first).to_be_visible()
    no_exception(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_derived_figures_stand_apart(page: Page, app_url: str, screenshot_dir: Path,
                                     lang: str) -> None:
    page.set_viewport_size(FOLD)
    open_app(page, app_url, "", LANG_QUERY[lang])
    title = main(page).get_by_text("推算值（报告未直接给出）" if lang == "zh"
                                   else "Derived figures (not printed in the report)")
    title.scroll_into_view_if_needed()
    expect(main(page).get_by_text("1960–1977批" if lang == "zh"
                                  else "1,960–1,977 declarations")).to_be_visible()
    expect(main(page).get_by_text("60,356标箱" if lang == "zh" else "60,356 TEU")).to_have_count(1)
    no_exception(page)
    _quiet(page)
    page.screenshot(path=str(screenshot_dir / f"brief-overview-derived-{lang}.png"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_volumes_page_charts(page: Page, app_url: str, screenshot_dir: Path,
                             lang: str) -> None:
    open_app(page, app_url, "volumes", LANG_QUERY[lang])
    expect(charts(page)).to_have_count(4)
    # The grid names its measure (#17): 出口量：目的地 × 产品 / Tonnes: destination × product
    expect(main(page).get_by_text(chart_title("vol.matrix", "tonnes", lang),
                                  exact=True)).to_have_count(1)
    no_exception(page)
    _quiet(page)
    page.screenshot(path=str(screenshot_dir / f"brief-volumes-{lang}.png"))


@pytest.mark.parametrize(("name", "path", "query"), [
    ("overview-zh", "", ""),
    ("overview-en", "", "lang=English"),
    ("zones-zh", "zones", "profile=dehui-poultry"),
])
def test_readme_screenshots(page: Page, app_url: str, screenshot_dir: Path, name: str,
                            path: str, query: str) -> None:
    """The README's pictures (copied to docs/ by hand after looking at them)."""
    page.set_viewport_size({"width": 1600, "height": 1100})
    open_app(page, app_url, path, query)
    expect(charts(page).first.locator("g.role-mark").first).to_be_attached()
    no_exception(page)
    _quiet(page)
    page.screenshot(path=str(screenshot_dir / f"readme-{name}.png"))
