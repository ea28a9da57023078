"""Hostile links and hostile names in a real Chromium (#10): shown as text, never as
Markdown — no injected link, heading or image, and no request leaves the machine.

The app runs here on a copy of ``data/`` whose names, notes and citations carry Markdown
and HTML injections (a valid folder otherwise), so the data side and the link side are
checked on the same server. ``conftest.page`` fails any test whose page requested
anything outside 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest

from tests.browser.conftest import CHROMIUM, ROOT, running_app, wait_quiet

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Page, expect

# Its own server (module fixture): all its tests on one worker, so it starts once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("hostile-data")]

PHISH = "https://phish.example/login"
PIXEL = "http://203.0.113.9/p.png"
ZONE_NAME_EN = f"Fusong [Session expired - click here]({PHISH}) ![t]({PIXEL})"
ZONE_NAME_ZH = "# 官方通知：数据已撤回 <b>抚松</b>"
ZONE_SHORT_EN = f"Fusong **bold** :red[x] [link]({PHISH})"
ZONE_NOTE_EN = f"<img src={PIXEL}> :material/warning: $x$ www.phish.example"
PRODUCT_EN = f"Deer meat [venison]({PHISH})"
HOSTILE_LINKS = {
    "notice": f"[Session expired - click here]({PHISH})",
    "x": "\n# OFFICIAL: data withdrawn",
    "img": f"![t]({PIXEL})",
    "auto": "<https://phish.example/a> www.phish.example",
}


def _edit(path: Path, key: str, value: str, column: str, new: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        if row[rows[0].index(key)] == value:
            row[rows[0].index(column)] = new
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(ROOT / "data", root, ignore=shutil.ignore_patterns("history", "*.lock"))
    zones = root / "zones.csv"
    for column, value in (("name_en", ZONE_NAME_EN), ("name_zh", ZONE_NAME_ZH),
                          ("short_en", ZONE_SHORT_EN), ("note_en", ZONE_NOTE_EN),
                          ("note_zh", ZONE_NOTE_EN)):
        _edit(zones, "zone_id", "fusong-ginseng", column, value)
    _edit(root / "products.csv", "product_id", "deer_meat", "name_en", PRODUCT_EN)
    _edit(root / "products.csv", "product_id", "deer_meat", "name_zh", "鹿肉 [链接](" + PHISH + ")")
    from zones.dataset.loading import CsvSource, load

    result = load(CsvSource(root))
    assert result.ok, [(i.file, i.line, i.column, i.code) for i in result.issues]
    return root


@pytest.fixture(scope="module")
def app_url(hostile_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This module's server: the app on the hostile folder (overrides the conftest's)."""
    with running_app(tmp_path_factory.mktemp("streamlit-hostile"),
                     {"ZONES_DATA_DIR": str(hostile_data)}) as url:
        yield url


def _text(locator) -> str:
    """Visible text, whitespace folded, without the invisible joiners of zones.safe.plain."""
    return " ".join(locator.inner_text().replace("\u2060", "").split())


def _idle(page: Page) -> None:
    main = page.locator('[data-testid="stMain"]')
    expect(main.locator("h1").first).to_be_visible(timeout=60_000)
    wait_quiet(page)
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator('[data-stale="true"]')).to_have_count(0)


def _assert_nothing_injected(page: Page) -> None:
    assert page.locator('a[href*="phish.example"]').count() == 0
    assert page.locator('img[src*="203.0.113.9"]').count() == 0
    assert page.locator("b", has_text="抚松").count() == 0
    headings = page.locator("h1, h2, h3, h4, h5, h6").all_inner_texts()
    assert not any("OFFICIAL" in h or ("官方通知" in h and h.startswith("官方")) for h in headings)
    assert not any(h.strip().startswith(("OFFICIAL", "官方通知")) for h in headings), headings


@pytest.mark.parametrize("key", sorted(HOSTILE_LINKS))
def test_hostile_link_is_shown_as_text_and_removed(page: Page, app_url: str, key: str) -> None:
    page.goto(f"{app_url}/?lang=en&{key}={quote(HOSTILE_LINKS[key])}")
    _idle(page)
    warning = page.locator('[data-testid="stAlertContentWarning"]').filter(
        has_text="not recognised")
    expect(warning).to_have_count(1)
    shown = " ".join(HOSTILE_LINKS[key].split())  # line breaks become spaces
    assert shown in _text(warning)
    _assert_nothing_injected(page)
    # the unknown key is cleaned from the address bar, so the notice does not come back
    expect(page).not_to_have_url(f"*{key}=*")
    assert key not in parse_qs(urlparse(page.url).query)


def test_hostile_names_on_the_zone_profile(page: Page, app_url: str) -> None:
    label = f"抚松人参（示意） {ZONE_SHORT_EN}"
    page.goto(f"{app_url}/zones?lang=en&zone={quote(label)}&profile={quote(label)}")
    _idle(page)
    main = page.locator('[data-testid="stMain"]')
    text = _text(main)
    assert ZONE_NAME_EN in text  # the name, character for character
    assert "$x$" in text and ":material/warning:" in text
    summary = _text(page.locator('[data-testid="stAlertContentInfo"]').first)
    assert ZONE_NAME_EN in summary  # the filter summary quotes the zone's name as written
    _assert_nothing_injected(page)


def test_hostile_names_on_the_overview(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/?lang=en")
    _idle(page)
    text = _text(page.locator('[data-testid="stMain"]'))
    assert PRODUCT_EN in text  # the first-export card heading, as written
    _assert_nothing_injected(page)
