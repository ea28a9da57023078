"""Pictures that answer the question asked (issue 22), in Chromium: a ranking of two
destinations with labels that do not overlap, and the destinations map of "ginseng to
Japan and Korea" on a phone with label boxes that do not overlap.

Screenshots: artifacts/screenshots/pictures-ranking-2.png, pictures-phone-map.png.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import Locator, Page, expect

from tests.browser.test_browser import main, no_exception, open_app, q

pytestmark = pytest.mark.browser

GINSENG_JK = q(product="ginseng", dest=["JPN", "KOR"])

# Each text mark's box in the page (Vega draws text as SVG <text>).
BOXES = """svg => [...svg.querySelectorAll('g.mark-text.role-mark text')]
  .filter(e => e.textContent.trim() && e.getBoundingClientRect().width > 0)
  .map(e => { const b = e.getBoundingClientRect();
              return [e.textContent, b.x, b.y, b.x + b.width, b.y + b.height]; })"""
AXIS_LABELS = """svg => [...svg.querySelectorAll('g.role-axis-label text')]
  .filter(e => e.textContent.trim())
  .map(e => { const b = e.getBoundingClientRect();
              return [e.textContent, b.x, b.y, b.x + b.width, b.y + b.height]; })"""


def _overlapping(boxes: list[list]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            w = min(a[3], b[3]) - max(a[1], b[1])
            h = min(a[4], b[4]) - max(a[2], b[2])
            if w > 0.5 and h > 0.5:
                out.append((a[0], b[0]))
    return out


def _chart_titled(page: Page, title: str) -> Locator:
    chart = main(page).locator("[data-testid='stVegaLiteChart']").filter(has_text=title)
    expect(chart.locator("svg g.mark-text.role-mark text").first).to_be_attached(timeout=30_000)
    return chart.first


def test_two_bars_and_a_phone_map_have_readable_labels(page: Page, app_url: str, browser,
                                                        screenshot_dir) -> None:
    open_app(page, app_url, "volumes", GINSENG_JK + "&by=destination")
    chart = _chart_titled(page, "出口量排名")
    svg = chart.locator("svg").first
    names = [b for b in svg.evaluate(AXIS_LABELS) if b[0] in ("日本", "韩国")]
    assert sorted(n[0] for n in names) == ["日本", "韩国"]
    assert _overlapping(names) == []  # were printed over each other, bars 3 px thick
    bar_labels = svg.evaluate(BOXES)
    assert len(bar_labels) == 2 and all("%" in b[0] for b in bar_labels)  # share shown
    assert _overlapping(names + bar_labels) == []
    bars = svg.locator("g.mark-rect path")
    heights = [bars.nth(i).bounding_box()["height"] for i in range(bars.count())]
    assert len(heights) == 2 and min(heights) >= 20
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(screenshot_dir / "pictures-ranking-2.png"))
    no_exception(page)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True, has_touch=True)
    try:
        pg = phone.new_page()
        open_app(pg, app_url, "destinations", GINSENG_JK)
        world = main(pg).locator("[data-testid='stVegaLiteChart']").first
        expect(world.locator("svg g.mark-text.role-mark text").first).to_be_attached(timeout=30_000)
        svg = world.locator("svg").first
        box = svg.bounding_box()
        assert box is not None and box["width"] < 400
        labels = svg.evaluate(BOXES)
        assert {"日本", "韩国"} <= {b[0] for b in labels}
        assert _overlapping(labels) == []
        assert all(box["x"] - 1 <= b[1] and b[3] <= box["x"] + box["width"] + 1
                   for b in labels), labels  # never cut at the map's edge
        world.scroll_into_view_if_needed()
        world.screenshot(path=str(screenshot_dir / "pictures-phone-map.png"))
        no_exception(pg)
    finally:
        phone.close()
