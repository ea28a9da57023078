"""Issue 16 in a real browser: links that survive copying, one screen per view, phones,
the filtered destinations on the world map.

Every link is opened, the address bar read once it has settled, and that address opened
in a fresh browser context (a new Streamlit session, as whoever receives the link gets):
both must show the same. Screenshots that were looked at go to
``artifacts/screenshots/room-*``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.browser.conftest import wait_quiet  # noqa: E402
from tests.browser.test_browser import (  # noqa: E402
    main,
    nav_links,
    no_exception,
    no_tooltip,
    open_app,
    sidebar,
    title,
    wait_idle,
)
from zones.charts.maps import CHOSEN_FILL  # noqa: E402
from zones.i18n import t  # noqa: E402
from zones.links import parse_link  # noqa: E402
from zones.model import Dataset  # noqa: E402

pytestmark = pytest.mark.browser
DESK = {"width": 1600, "height": 1000}
SCREENS = {"1920x1080": {"width": 1920, "height": 1080}, "1366x768": {"width": 1366, "height": 768}}
PHONE = {"width": 390, "height": 844}
PAGE_PATHS = {"overview": "", "zones": "zones", "destinations": "destinations",
              "volumes": "volumes", "data": "data"}

# (path, query as typed or pasted, the canonical query the address bar must reproduce)
LINKS = [
    ("", "lang=en", {"lang": "en"}),
    ("volumes", "product=ginseng", {"product": ["ginseng"]}),
    ("zones", "profile=dehui-poultry", {"profile": "dehui-poultry"}),
    ("destinations", "dest=JPN&lang=en", {"lang": "en", "dest": ["JPN"]}),
    ("", "present=true", {"present": "true"}),
    ("", "product=" + quote("人参 Ginseng") + "&dest=" + quote("日本 Japan"),
     {"product": ["ginseng"], "dest": ["JPN"]}),  # the bilingual labels the widgets write
    ("volumes", "interval=monthly&measure=consignments&lang=English",
     {"lang": "en", "interval": "monthly", "measure": "consignments"}),  # page options
    ("volumes", "step=monthly", {"interval": "monthly"}),  # the page option's old key
    ("zones", "zone=Dehui+poultry&period=2009&present=1&facts=false",
     {"present": "true", "zone": ["dehui-poultry"], "period": ["2009-01", "2009-12"]}),
]


def settled_url(page: Page) -> str:
    """The address once the run is over and neither it nor the page has changed for a
    moment (the rewrite is done)."""
    wait_quiet(page, quiet_ms=500)
    return page.url


def shown(page: Page) -> dict[str, object]:
    """What the view shows: title, filter line, tiles, profile, page options, language."""
    m = main(page)
    return {
        "title": title(page).inner_text(),
        "filter": m.get_by_text("当前筛选：", exact=False).or_(
            m.get_by_text("Current filter: ", exact=False)).first.inner_text(),
        "tiles": m.locator('[data-testid="stMetricValue"]').all_inner_texts(),
        "profile": m.locator("h3").all_inner_texts(),
        "options": m.locator('[data-testid="stButtonGroup"] [aria-checked="true"]'
                             ).all_inner_texts(),
        "sidebar": sidebar(page).get_attribute("data-collapsed"),
    }


# --- 1. links that reproduce the view ---------------------------------------------------


@pytest.mark.parametrize(("path", "query", "canonical"), LINKS,
                         ids=[f"/{p}?{q}" for p, q, _ in LINKS])
def test_link_survives_copying(page: Page, browser: Browser, app_url: str, dataset: Dataset,
                               path: str, query: str, canonical: dict) -> None:
    page.set_viewport_size(DESK)
    open_app(page, app_url, path, query)
    address = settled_url(page)
    parsed = parse_link(dataset, address)
    assert parsed.problems == ()
    assert (parsed.page, parsed.params) == (path or "overview", canonical), address
    before = shown(page)
    fresh = browser.new_context(viewport=DESK, locale="zh-CN")
    try:
        again = fresh.new_page()
        again.goto(address)
        wait_idle(again)
        assert settled_url(again) == address  # already canonical: nothing to rewrite
        assert shown(again) == before
        no_exception(again)
    finally:
        fresh.close()


def test_address_keeps_the_view_across_page_switches(page: Page, app_url: str,
                                                     dataset: Dataset) -> None:
    page.set_viewport_size(DESK)
    open_app(page, app_url, "destinations", "dest=JPN&lang=en")
    for name, label in (("zones", "Zones"), ("volumes", "Export volumes"),
                        ("overview", "Overview")):
        nav_links(page).filter(has_text=label).click()
        expect(title(page)).to_have_text(label)
        wait_idle(page)
        parsed = parse_link(dataset, settled_url(page))
        assert (parsed.page, parsed.params) == (name, {"lang": "en", "dest": ["JPN"]})


def _copy_link_text(page: Page) -> str:
    sidebar(page).get_by_role("button", name="Copy link").or_(
        sidebar(page).get_by_role("button", name="分享链接")).first.click()
    code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"] code')
    expect(code).to_be_visible()
    text = code.inner_text().strip()
    page.keyboard.press("Escape")
    return text


def test_copy_link_is_the_address_bar(page: Page, app_url: str, dataset: Dataset,
                                      screenshot_dir: Path) -> None:
    page.set_viewport_size(DESK)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_app(page, app_url, "volumes", "product=ginseng&lang=en&interval=monthly")
    address = settled_url(page)
    assert _copy_link_text(page) == address
    # after a change in the page (an option) and a page switch, it follows the view
    main(page).get_by_role("radio", name=t("opt.value_usd", "en"), exact=True).click()
    wait_idle(page)
    address = settled_url(page)
    assert parse_link(dataset, address).params["measure"] == "value_usd"
    assert _copy_link_text(page) == address
    nav_links(page).filter(has_text="Destinations").click()
    expect(title(page)).to_have_text("Destinations")
    wait_idle(page)
    address = settled_url(page)
    assert parse_link(dataset, address).params == {"lang": "en", "product": ["ginseng"]}
    sidebar(page).get_by_role("button", name="Copy link").click()
    box = page.locator('[data-testid="stPopoverBody"]')
    expect(box.locator('[data-testid="stCode"]')).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "room-copy-link-en.png"))
    box.locator('[data-testid="stCode"]').hover()
    box.locator('[data-testid="stCode"] button').first.click()  # Streamlit's own button
    assert page.evaluate("navigator.clipboard.readText()").strip() == address


# --- 3. one screen per view in presentation mode -----------------------------------------


def _main_figure(page: Page, name: str):
    if name == "data":
        return main(page).locator('[data-testid="stDataFrame"]').first
    return main(page).locator('[data-testid="stVegaLiteChart"]').first


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("name", list(PAGE_PATHS))
def test_presentation_fits_one_screen(page: Page, app_url: str, name: str, screen: str,
                                      lang: str) -> None:
    size = SCREENS[screen]
    page.set_viewport_size(size)
    open_app(page, app_url, PAGE_PATHS[name], f"present=true&lang={lang}")
    figure = _main_figure(page, name)
    expect(figure).to_be_visible()
    wait_quiet(page)  # laid out at this size
    box = figure.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (name, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (name, box)
    # The filter line and the illustrative marking: visible, on one line.
    line = main(page).locator(".st-key-present-line")
    lbox = line.bounding_box()
    assert lbox is not None and lbox["y"] + lbox["height"] <= box["y"]
    assert lbox["height"] < 60, lbox
    marking = "含示意数据（非报告事实）" if lang == "zh" else "Illustrative data (not facts)"
    expect(line.get_by_text(marking)).to_be_visible()
    # Tiles are compact but never cut: each value fits its tile.
    for value in main(page).locator('[data-testid="stMetricValue"]').all():
        if value.bounding_box()["y"] < size["height"]:
            assert value.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), value.inner_text()
    # No control is cut off (the volumes page's options sit three to a row).
    for group in main(page).locator('[data-testid="stButtonGroup"] [role="radiogroup"]').all():
        assert group.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), group.inner_text()
    # The full text is one click away.
    line.get_by_role("button").click()
    full = ("本页含示意数据（非报告事实）" if lang == "zh"
            else "Illustrative data on this page (not facts)")
    expect(page.locator('[data-testid="stPopoverBody"]').get_by_text(full, exact=False)
           ).to_be_visible()
    no_exception(page)


def _assert_projected(page: Page, size: dict[str, int], title_text: str) -> None:
    """What a projected screenshot shows: the page's title, the sidebar out of the way,
    the main figure drawn and whole on the screen, no error."""
    expect(title(page)).to_have_text(title_text)
    expect(sidebar(page)).to_have_attribute("data-collapsed", "true")
    figure = main(page).locator('[data-testid="stVegaLiteChart"]').first
    expect(figure.locator("svg .role-mark").first).to_be_attached()
    box = figure.bounding_box()
    assert box is not None and box["height"] > 100, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
    no_exception(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presentation_screenshots(page: Page, app_url: str, screenshot_dir: Path,
                                  lang: str) -> None:
    titles = {"overview": {"zh": "总览", "en": "Overview"},
              "destinations": {"zh": "出口目的地", "en": "Destinations"}}
    page.set_viewport_size(SCREENS["1920x1080"])
    for name in ("overview", "destinations"):
        query = f"present=true&lang={lang}" + ("&dest=JPN" if name == "destinations" else "")
        open_app(page, app_url, PAGE_PATHS[name], query)
        no_tooltip(page)
        _assert_projected(page, SCREENS["1920x1080"], titles[name][lang])
        if name == "destinations":
            assert _filled(page) == 1  # Japan, and only Japan, filled on the world map
        page.screenshot(path=str(screenshot_dir / f"room-present-{name}-1920-{lang}.png"))
    open_app(page, app_url, "", f"present=true&lang={lang}")
    page.set_viewport_size(SCREENS["1366x768"])
    wait_quiet(page)  # laid out again at the smaller size
    _assert_projected(page, SCREENS["1366x768"], titles["overview"][lang])
    page.screenshot(path=str(screenshot_dir / f"room-present-overview-1366-{lang}.png"))


# --- 4. phones ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["overview", "destinations", "volumes"])
def test_phone_sidebar_collapsed_nothing_wider(page: Page, app_url: str,
                                               screenshot_dir: Path, name: str,
                                               lang: str) -> None:
    page.set_viewport_size(PHONE)
    open_app(page, app_url, PAGE_PATHS[name], f"lang={lang}")
    expect(sidebar(page)).to_have_attribute("data-collapsed", "true")
    wait_quiet(page)  # laid out at phone width
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for part in (title(page), main(page).get_by_text("当前筛选：", exact=False).or_(
            main(page).get_by_text("Current filter: ", exact=False)).first,
                 main(page).locator('[data-testid="stVegaLiteChart"]').first):
        expect(part).to_be_visible()
        box = part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    no_exception(page)
    if name == "overview":
        page.mouse.move(1, 1)
        page.screenshot(path=str(screenshot_dir / f"room-phone-{lang}.png"))


def test_desk_sidebar_starts_open(page: Page, app_url: str) -> None:
    page.set_viewport_size(DESK)
    open_app(page, app_url)
    expect(sidebar(page)).to_have_attribute("data-collapsed", "false")


# --- 5. destinations on the world map ----------------------------------------------------


def _filled(page: Page) -> int:
    svg = main(page).locator('[data-testid="stVegaLiteChart"] svg').first
    expect(svg.locator("path").first).to_be_attached()
    wait_quiet(page)  # every shape drawn in its colour
    return svg.locator(f'path[fill="{CHOSEN_FILL}"], path[fill="{CHOSEN_FILL.lower()}"]').count()


def test_world_map_fills_the_filtered_destinations(page: Page, app_url: str) -> None:
    page.set_viewport_size(DESK)
    open_app(page, app_url, "destinations")
    assert _filled(page) == 0
    open_app(page, app_url, "destinations", "dest=JPN&dest=USA")
    assert _filled(page) == 2
