"""Real-browser checks of the dashboard: Chromium drives ``streamlit run app.py``.

Run with ``pytest -m browser tests/browser``. Screenshots go to ``artifacts/screenshots``.
Every test also fails (at teardown, see ``conftest.page``) if a request left 127.0.0.1.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: the browser suite needs Debian's chromium",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Locator, Page, expect  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from tests.browser.conftest import wait_quiet  # noqa: E402

pytestmark = pytest.mark.browser

# path, vega charts drawn with no filter, title zh, title en
PAGES = {
    "overview": ("", 2, "总览", "Overview"),
    "zones": ("zones", 2, "示范区", "Zones"),
    "destinations": ("destinations", 1, "出口目的地", "Destinations"),
    "volumes": ("volumes", 4, "出口量", "Export volumes"),
    "data": ("data", 0, "数据", "Data"),
}
NAV_EN = ["Overview", "Zones", "Destinations", "Export volumes", "Data"]
# Option labels are bilingual (the same in both languages) so that links never go stale.
GINSENG = {"zh": "人参 Ginseng", "en": "人参 Ginseng"}
JAPAN = {"zh": "日本 Japan", "en": "日本 Japan"}
DEHUI_ZH = "吉林德惠禽肉出口质量安全示范区"
WANGQING_ZH = "汪清黑木耳出口示范区（示意）"
WANGQING_LABEL = "汪清黑木耳（示意） Wangqing fungus (illus.)"  # filter/profile label
SUMMARY_RE = re.compile(r"^(当前筛选：|Current filter: )")


# --- helpers -------------------------------------------------------------------------


def main(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"]')


def sidebar(page: Page) -> Locator:
    return page.locator('[data-testid="stSidebar"]')


def wait_idle(page: Page) -> None:
    """Wait until the script run is over: a title, script not running, nothing stale, and
    the page still for a moment (a rerun triggered just now has come and gone). The first
    page of a cold server (each xdist worker starts one) may take a minute on a loaded
    machine: the title gets a generous timeout, and the wait ends as soon as it shows."""
    expect(main(page).locator("h1").first).to_be_visible(timeout=90_000)
    wait_quiet(page)
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED")
    expect(app).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    expect(page.locator('[data-stale="true"]')).to_have_count(0)
    # Lazily loaded widgets (tables, sliders, download buttons) show skeletons at first.
    expect(page.locator('[data-testid^="stSkeleton"]')).to_have_count(0)


def open_app(page: Page, base: str, path: str = "", query: str = "") -> None:
    page.goto(f"{base}/{path}{'?' + query if query else ''}")
    wait_idle(page)


def q(**params: str | list[str]) -> str:
    """A query string; lists become repeated keys, values are percent-encoded."""
    parts = []
    for key, value in params.items():
        for v in value if isinstance(value, list) else [value]:
            parts.append(f"{key}={quote(v)}")
    return "&".join(parts)


def url_params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


_PARAMS_JS = """(expected) => {
  const got = new URLSearchParams(location.search);
  return Object.entries(expected).every(([k, v]) => v === null ? !got.has(k)
    : JSON.stringify(got.getAll(k)) === JSON.stringify(v));
}"""


def wait_for_params(page: Page, timeout: float = 8.0, **expected: list[str] | None) -> None:
    """Wait until each key of the address bar has the expected values (None: absent)."""
    try:
        page.wait_for_function(_PARAMS_JS, arg=expected, polling=50, timeout=timeout * 1000)
    except PlaywrightTimeout:
        pytest.fail(f"URL params {url_params(page)} never matched {expected} "
                    f"(url: {page.url})")


def summary(page: Page) -> Locator:
    return main(page).get_by_text(SUMMARY_RE)


def title(page: Page) -> Locator:
    return main(page).locator("h1").first


def no_exception(page: Page) -> None:
    """No traceback, and not the friendly 'something went wrong' that app.py shows instead."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(main(page).get_by_text(re.compile("发生意外错误|Something unexpected went wrong"))
           ).to_have_count(0)


def multiselect(page: Page, label: str) -> Locator:
    box = page.get_by_role("combobox", name=label, exact=True)
    return sidebar(page).locator('[data-testid="stMultiSelect"]').filter(has=box)


def chips(page: Page, label: str) -> Locator:
    return multiselect(page, label).locator("[data-tag]")


def choose(page: Page, label: str, option: str | re.Pattern[str]) -> str:
    """Pick one option of a sidebar multiselect; returns the option's displayed label."""
    multiselect(page, label).get_by_role("combobox").click()
    item = page.get_by_role("option", name=option, exact=True)
    text = item.inner_text().strip()
    item.click()
    page.keyboard.press("Escape")
    return text


def nav_links(page: Page) -> Locator:
    return page.locator('[data-testid="stSidebarNav"] a')


def go(page: Page, title_en: str) -> None:
    """Switch page by the navigation link whose English title is ``title_en``."""
    nav_links(page).filter(has_text=re.compile(f"{title_en}$")).click()
    expect(main(page).locator("h1").first).to_have_text(title_en)
    wait_idle(page)
    no_exception(page)


def charts(page: Page) -> Locator:
    return main(page).locator(".vega-embed svg")


def zones_table(page: Page) -> Locator:
    return main(page).locator('[data-testid="stDataFrame"]').first


def select_grid_row(page: Page, grid: Locator, row: int) -> None:
    """Tick the row-selection checkbox of data row ``row`` (0-based) of a glide grid."""
    expect(grid.locator("canvas").first).to_be_visible()
    box = grid.bounding_box()
    assert box is not None
    row_h = 35  # Streamlit's default header and row height
    page.mouse.click(box["x"] + 18, box["y"] + row_h * (row + 1) + row_h / 2)


def grid_cell(grid: Locator, row: int, col: int) -> Locator:
    """The accessible (off-screen) copy of a glide grid cell; ``row`` 0 is the header."""
    return grid.locator(f'table[role="grid"] [aria-rowindex="{row + 1}"] '
                        f'[aria-colindex="{col + 1}"]')


def no_tooltip(page: Page) -> None:
    """Move the mouse away and wait until no Vega tooltip shows (none over a screenshot)."""
    page.mouse.move(1, 1)
    expect(page.locator("#vg-tooltip-element.visible")).to_have_count(0)
    wait_quiet(page)


def shot(page: Page, screenshot_dir: Path, name: str) -> None:
    page.screenshot(path=str(screenshot_dir / f"{name}.png"))


# --- every page, both languages -------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders(page: Page, app_url: str, screenshot_dir: Path, name: str,
                      lang: str) -> None:
    path, n_charts, title_zh, title_en = PAGES[name]
    open_app(page, app_url, path, q(lang="English") if lang == "en" else "")
    expect(title(page)).to_have_text(title_zh if lang == "zh" else title_en)
    expect(summary(page)).to_have_text(
        "当前筛选：全部产品 · 全部目的地 · 2008–2012" if lang == "zh"
        else "Current filter: All products · all destinations · 2008–2012")
    expect(charts(page)).to_have_count(n_charts)
    for i in range(n_charts):  # a drawn chart has marks, not just an empty frame
        expect(charts(page).nth(i).locator("g.role-mark").first).to_be_attached()
    no_exception(page)
    shot(page, screenshot_dir, f"{name}-{lang}")


# --- the shared filter ----------------------------------------------------------------


def choose_ginseng_and_japan(page: Page) -> str:
    """Through the sidebar UI; returns ginseng's Chinese label (what the URL carries)."""
    ginseng = choose(page, "产品", GINSENG["zh"])
    wait_for_params(page, product=[ginseng])
    expect(summary(page)).to_have_text("当前筛选：人参 · 2008–2012")
    choose(page, "出口目的地", JAPAN["zh"])
    wait_for_params(page, product=[ginseng], dest=[JAPAN["zh"]])
    expect(summary(page)).to_have_text("当前筛选：人参 · 日本 · 2008–2012")
    wait_idle(page)
    return ginseng


def test_filter_chosen_in_ui_survives_reload(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    ginseng = choose_ginseng_and_japan(page)
    no_exception(page)

    # The address alone restores the view in a new tab (a new Streamlit session).
    fresh = page.context.new_page()
    fresh.goto(page.url)
    wait_idle(fresh)
    assert url_params(fresh) == url_params(page)
    expect(summary(fresh)).to_have_text("当前筛选：人参 · 日本 · 2008–2012")
    expect(chips(fresh, "产品")).to_have_text([ginseng])
    expect(chips(fresh, "出口目的地")).to_have_text([JAPAN["zh"]])
    no_exception(fresh)


def test_language_radio_keeps_the_filter_and_relabels_the_url(
        page: Page, app_url: str, screenshot_dir: Path) -> None:
    open_app(page, app_url)
    choose_ginseng_and_japan(page)
    sidebar(page).locator('[data-testid="stRadio"]').get_by_text("English", exact=True).click()
    expect(title(page)).to_have_text("Overview", timeout=8_000)
    expect(summary(page)).to_have_text("Current filter: Ginseng · Japan · 2008–2012")
    wait_idle(page)
    shot(page, screenshot_dir, "filtered-en")
    no_exception(page)
    expect(chips(page, "Product")).to_have_text([GINSENG["en"]])
    expect(chips(page, "Destination country")).to_have_text([JAPAN["en"]])
    ginseng_en = chips(page, "Product").first.inner_text().strip()
    wait_for_params(page, lang=["English"], product=[ginseng_en], dest=[JAPAN["en"]])
    expect(nav_links(page)).to_have_text([re.compile(f"{t}$") for t in NAV_EN])


def test_english_link_keeps_the_filter(page: Page, app_url: str,
                                       screenshot_dir: Path) -> None:
    open_app(page, app_url, "", q(lang="English", dest=JAPAN["en"]))
    expect(title(page)).to_have_text("Overview")
    expect(summary(page)).to_have_text("Current filter: Japan · 2008–2012")
    expect(chips(page, "Destination country")).to_have_text([JAPAN["en"]])
    wait_for_params(page, lang=["English"], dest=[JAPAN["en"]])
    no_exception(page)
    shot(page, screenshot_dir, "filtered-link-en")


def visit_every_page_by_nav(page: Page, summary_text: str, params: dict[str, list[str]]
                            ) -> None:
    for name in ("zones", "destinations", "volumes", "data", "overview"):
        path, _, title_zh, _ = PAGES[name]
        nav_links(page).filter(has_text=re.compile(f"{title_zh}$")).click()
        expect(title(page)).to_have_text(title_zh)
        wait_idle(page)
        assert urlparse(page.url).path == f"/{path}"
        wait_for_params(page, **params)
        expect(summary(page)).to_have_text(summary_text)
        expect(chips(page, "产品")).to_have_count(len(params.get("product", [])))
        no_exception(page)


def test_switching_pages_keeps_a_filter_chosen_in_the_ui(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    ginseng = choose_ginseng_and_japan(page)
    visit_every_page_by_nav(page, "当前筛选：人参 · 日本 · 2008–2012",
                            {"product": [ginseng], "dest": [JAPAN["zh"]]})


def test_switching_pages_keeps_a_filter_opened_from_a_link(page: Page, app_url: str) -> None:
    """Streamlit drops URL-seeded values on the first page switch; the sidebar restores
    them, so the view (summary, chips) stays filtered on every page."""
    open_app(page, app_url, "", q(dest=JAPAN["zh"], period=["2009-01", "2011-12"]))
    expected = "当前筛选：日本 · 2009–2011"
    expect(summary(page)).to_have_text(expected)
    for name in ("zones", "destinations", "volumes", "data", "overview"):
        _, _, title_zh, _ = PAGES[name]
        nav_links(page).filter(has_text=re.compile(f"{title_zh}$")).click()
        expect(title(page)).to_have_text(title_zh)
        wait_idle(page)
        expect(summary(page)).to_have_text(expected)
        expect(chips(page, "出口目的地")).to_have_text([JAPAN["zh"]])
        no_exception(page)


def test_first_page_switch_after_a_link_keeps_the_url(page: Page, app_url: str) -> None:
    open_app(page, app_url, "", q(dest=JAPAN["zh"]))
    nav_links(page).filter(has_text=re.compile("示范区$")).click()
    expect(title(page)).to_have_text("示范区")
    wait_idle(page)
    wait_for_params(page, dest=[JAPAN["zh"]])


def test_unknown_link_value_is_dropped_with_a_notice(page: Page, app_url: str,
                                                    screenshot_dir: Path) -> None:
    open_app(page, app_url, "", "product=Nonsense&lang=English")
    notice = "Some values in the link were not recognised and were dropped: product=Nonsense"
    expect(main(page).get_by_text(notice, exact=True)).to_be_visible()
    expect(summary(page)).to_have_text(
        "Current filter: All products · all destinations · 2008–2012")
    wait_for_params(page, product=None, lang=["English"])
    expect(chips(page, "Product")).to_have_count(0)
    no_exception(page)
    shot(page, screenshot_dir, "unknown-param-en")


def test_report_facts_only_toggle(page: Page, app_url: str, screenshot_dir: Path) -> None:
    open_app(page, app_url, "zones")
    expect(grid_cell(zones_table(page), 0, 0)).to_have_text("示范区")
    sidebar(page).get_by_text("仅显示报告事实（隐藏示意数据）", exact=True).click()
    wait_for_params(page, facts=["true"])
    expect(main(page).get_by_text("仅显示报告事实；示意数据已隐藏。", exact=True)).to_be_visible()
    expect(summary(page)).to_have_text("当前筛选：全部产品 · 全部目的地 · 2008–2012 · 仅报告事实")
    expect(main(page).get_by_text("本页含示意数据", exact=False)).to_have_count(0)
    wait_idle(page)
    table = zones_table(page)
    expect(table.locator('table[role="grid"]')).to_have_attribute("aria-rowcount", "2")
    expect(grid_cell(table, 1, 0)).to_have_text(DEHUI_ZH)
    shown = main(page).locator('[data-testid="stMetric"]').filter(has_text="当前显示的示范区")
    expect(shown.locator('[data-testid="stMetricValue"]')).to_have_text("1")
    no_exception(page)
    shot(page, screenshot_dir, "facts-only")


# --- map and table selections ---------------------------------------------------------


def test_zone_marker_click_opens_profile(page: Page, app_url: str,
                                         screenshot_dir: Path) -> None:
    open_app(page, app_url, "zones")
    jilin_map = main(page).locator(".vega-embed").first
    marker = jilin_map.locator(f'g.mark-symbol path[aria-label*="{WANGQING_ZH}"]')
    expect(marker).to_have_count(1)
    box = marker.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # The marker must be the topmost element there, or the click would hit a neighbour.
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.getAttribute("
                           "'aria-label') ?? ''", [x, y])
    assert WANGQING_ZH in on_top
    page.mouse.click(x, y)
    wait_for_params(page, profile=[WANGQING_LABEL])
    heading = main(page).locator("h3", has_text=WANGQING_ZH)
    expect(heading).to_be_visible()
    wait_idle(page)
    expect(main(page).get_by_role("combobox", name="示范区详情")).to_have_value(WANGQING_LABEL)
    no_exception(page)
    heading.scroll_into_view_if_needed()
    no_tooltip(page)
    shot(page, screenshot_dir, "zones-profile")


def test_zone_table_row_opens_profile(page: Page, app_url: str) -> None:
    open_app(page, app_url, "zones")
    table = zones_table(page)
    name_cell = grid_cell(table, 2, 0)  # the second zone of the table
    expect(name_cell).not_to_have_text("")
    name = name_cell.inner_text().strip()
    select_grid_row(page, table, 1)
    expect(main(page).locator("h3", has_text=name)).to_be_visible()
    profile = url_params(page).get("profile", [""])[0]
    assert profile.split(" ")[0].replace("（示意）", "") in name, (profile, name)
    wait_idle(page)
    no_exception(page)


def test_destination_table_row_filters_every_page(page: Page, app_url: str) -> None:
    open_app(page, app_url, "destinations")
    table = main(page).locator('[data-testid="stDataFrame"]').first
    first = grid_cell(table, 1, 1)
    header = grid_cell(table, 0, 1)
    expect(header).to_have_text("目的地")
    expect(first).not_to_have_text("")
    name = first.inner_text().strip()  # the table shows the name in the page's language
    select_grid_row(page, table, 0)
    expect(summary(page)).to_have_text(f"当前筛选：{name} · 2008–2012")
    label = chips(page, "出口目的地").first.inner_text().strip()
    assert label.startswith(name), (label, name)  # filter labels are bilingual
    wait_for_params(page, dest=[label])
    wait_idle(page)
    no_exception(page)


# --- presentation mode ----------------------------------------------------------------


def test_presentation_link_enlarges_type(page: Page, app_url: str,
                                         screenshot_dir: Path) -> None:
    open_app(page, app_url, "", "present=true")
    shot(page, screenshot_dir, "present")
    toggle = sidebar(page).locator('[data-testid="stCheckbox"]').filter(
        has_text="演示模式（投影）").locator("input")
    expect(toggle).to_be_checked()
    size = title(page).evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size > 50, f"presentation h1 font-size is {size}px"
    expect(main(page).get_by_text("链接中的部分参数无法识别", exact=False)).to_have_count(0)
    no_exception(page)


def test_presentation_link_collapses_sidebar(page: Page, app_url: str) -> None:
    open_app(page, app_url, "", "present=true")
    expect(sidebar(page)).to_have_attribute("data-collapsed", "true", timeout=5_000)


def test_presentation_toggle_collapses_sidebar(page: Page, app_url: str) -> None:
    open_app(page, app_url)
    expect(sidebar(page)).to_have_attribute("data-collapsed", "false")
    sidebar(page).get_by_text("演示模式（投影）", exact=True).click()
    wait_for_params(page, present=["true"])
    expect(sidebar(page)).to_have_attribute("data-collapsed", "true")
    wait_idle(page)
    no_exception(page)


# --- English links --------------------------------------------------------------------


def test_english_link_translates_navigation_and_tab_title(page: Page, app_url: str) -> None:
    open_app(page, app_url, "zones", q(lang="English"))
    expect(title(page)).to_have_text("Zones")
    expect(nav_links(page)).to_have_text([re.compile(f"{t}$") for t in NAV_EN])
    expect(page).to_have_title("Jilin export zones")
