"""Growth like for like and money units in a real browser (issue 17): the part-year is
named on the axis, the tooltip says which months were compared, USD reads 万/亿美元.

Screenshots: artifacts/screenshots/growth-partyear-{zh,en}.png.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import Page, expect

from tests.browser.test_browser import main, no_exception, open_app, q

pytestmark = pytest.mark.browser

CASES = [("中文", "2008年7–12月", "2009年7–12月 比 2008年7–12月", "出口额（亿美元）", "−7.1%"),
         ("English", "Jul–Dec 2008", "Jul–Dec 2009 vs Jul–Dec 2008",
          "Export value (USD million)", "−7.1%")]


@pytest.mark.parametrize(("lang", "part", "basis", "axis", "growth"), CASES,
                         ids=["zh", "en"])
def test_part_year_label_and_compared_months(page: Page, app_url: str, screenshot_dir,
                                             lang: str, part: str, basis: str, axis: str,
                                             growth: str) -> None:
    open_app(page, app_url, "volumes", q(lang=lang, measure="美元 USD",
                                         period=["2008-07", "2012-12"]))
    chart = main(page).locator("[data-testid='stVegaLiteChart']").nth(2)
    expect(chart.locator(f"[aria-label*='{part}']").first).to_be_attached(timeout=30_000)
    bars = chart.locator("svg path[role='graphics-symbol']")
    labels = [bars.nth(i).get_attribute("aria-label") or "" for i in range(bars.count())]
    bar_2009 = next(x for x in labels if ": 2009;" in x)
    assert basis in bar_2009 and growth in bar_2009 and axis in bar_2009
    assert "+51.0%" not in " ".join(labels)
    chart.scroll_into_view_if_needed()
    code = "zh" if lang == "中文" else "en"
    page.screenshot(path=str(screenshot_dir / f"growth-partyear-{code}.png"), full_page=True)
    no_exception(page)
