"""Maps drawn from boundary files served once by the app (issue 8), in real Chromium.

The specs reference ``app/static/geo/…`` by URL; these checks make sure the shapes are
really drawn from there, hover tooltips still name the county, a rerun does not fetch the
geometry again, the print layout still shows the map, and nothing leaves 127.0.0.1
(``conftest.page`` fails the test otherwise).
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: the browser suite needs Debian's chromium",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Locator, Page, expect  # noqa: E402

from tests.browser.test_browser import (  # noqa: E402
    choose,
    main,
    no_exception,
    open_app,
    shot,
    wait_idle,
)

pytestmark = pytest.mark.browser
N_COUNTIES = 60


def geo_requests(page: Page) -> list[str]:
    found: list[str] = []
    page.on("request", lambda r: found.append(r.url) if "/app/static/geo/" in r.url else None)
    return found


def county_shapes(page: Page) -> Locator:
    first_map = main(page).locator(".vega-embed").first
    return first_map.locator('g.mark-shape path[aria-label*="县（市、区）"]')


def test_zones_map_draws_served_counties_and_hovers(page: Page, app_url: str,
                                                    screenshot_dir: Path) -> None:
    fetched = geo_requests(page)
    open_app(page, app_url, "zones")
    shapes = county_shapes(page)
    expect(shapes.nth(N_COUNTIES - 1)).to_be_attached()  # counties drawn …
    assert any("jilin_counties.geojson" in u for u in fetched), fetched  # … from the file
    # Hover a county: Vega's tooltip names it (the tooltip reads the served properties).
    for i in range(N_COUNTIES):  # a county whose box centre lies on itself, not a marker
        box = shapes.nth(i).bounding_box()
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.getAttribute("
                            "'aria-label') ?? ''", [x, y])
        if "县（市、区）" in hit:
            break
    page.mouse.move(x, y)
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("县（市、区）")
    page.mouse.move(1, 1)
    # A filter change reruns the page: the geometry is not sent again, and the map asks
    # only for the same versioned files (the description and frame follow the filter,
    # #22/#23, so the map is embedded again; the files' addresses do not change).
    before = list(fetched)
    choose(page, "产品", "人参 Ginseng")
    wait_idle(page)
    expect(county_shapes(page).nth(N_COUNTIES - 1)).to_be_attached()
    assert set(fetched) == set(before), fetched[len(before):]
    no_exception(page)
    shot(page, screenshot_dir, "zones-served-geometry")


def test_world_map_draws_served_countries(page: Page, app_url: str) -> None:
    fetched = geo_requests(page)
    open_app(page, app_url, "destinations")
    world = main(page).locator(".vega-embed").first
    expect(world.locator("g.mark-shape path").nth(150)).to_be_attached()
    assert any("world.geojson" in u for u in fetched), fetched
    no_exception(page)


def test_print_layout_keeps_the_served_map(page: Page, app_url: str, tmp_path: Path) -> None:
    open_app(page, app_url, "zones")
    expect(county_shapes(page).nth(N_COUNTIES - 1)).to_be_attached()
    page.emulate_media(media="print")
    expect(county_shapes(page).nth(N_COUNTIES - 1)).to_be_visible()
    pdf = page.pdf(path=str(tmp_path / "zones.pdf"))
    assert len(pdf) > 50_000  # a page with vector shapes, not a blank sheet
    no_exception(page)
