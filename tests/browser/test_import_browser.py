"""The import round trip as an officer does it, in Chromium, on a scratch copy of ``data/``.

template download → fill in (openpyxl, as Excel would save it) → upload → mapping +
preview → apply → every page shows the new month → undo. Screenshots go to
``artifacts/screenshots/import-*.png``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import editable_copy

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from openpyxl import load_workbook  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_browser import go, main, summary, title, wait_idle  # noqa: E402

# Its own server (module fixture): all its tests on one worker, so it starts once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("import-data")]
PASSWORD = "round-trip-secret"
NEW_ROWS = [
    ["2013-01", "dehui-poultry", "poultry_meat", "JPN", 1234.5, 3456700, 42],
    ["2013-02", "dehui-poultry", "poultry_meat", "KOR", 987.6, 2345600, 31],
]


@pytest.fixture(scope="module")
def import_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server of its own over a scratch copy of data/, with editing configured."""
    with editable_copy(tmp_path_factory, "import-data", PASSWORD) as served:
        yield served


@pytest.fixture
def app_url(import_app: tuple[str, Path]) -> str:  # the conftest's ``page`` uses this name
    return import_app[0]


def test_import_round_trip(page: Page, import_app: tuple[str, Path], screenshot_dir: Path,
                           tmp_path: Path) -> None:
    base, data = import_app
    before = (data / "export_volumes.csv").read_bytes()
    page.goto(f"{base}/data?lang=English")
    wait_idle(page)
    m = main(page)
    expect(m.get_by_text("Update data", exact=True)).to_be_visible()
    expect(m.locator('[data-testid="stFileUploader"]')).to_have_count(0)  # before login

    m.get_by_label("Admin password").fill(PASSWORD)
    m.get_by_role("button", name="Sign in to update data").click()
    wait_idle(page)
    expect(m.locator('[data-testid="stFileUploader"]')).to_have_count(1)

    # The table to update: monthly export volumes.
    m.locator(".st-key-import_table").click()  # the audit trail has a Table filter too
    page.get_by_role("option", name=re.compile("Monthly export volumes")).click()
    wait_idle(page)

    # Template download → fill in as Excel would.
    with page.expect_download() as dl:
        m.get_by_role("button", name="Download an empty template (Excel)").click()
    template = tmp_path / dl.value.suggested_filename
    dl.value.save_as(template)
    assert template.name == "template-export_volumes-en.xlsx"
    wb = load_workbook(template)
    assert wb.sheetnames == ["data", "columns", "lists"]
    for row in NEW_ROWS:
        wb["data"].append(row)
    filled = tmp_path / "march-2013.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    filled.write_bytes(buf.getvalue())

    # Upload → mapping + preview.
    m.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(filled))
    expect(m.get_by_text("Preview of the change")).to_be_visible(timeout=60_000)
    wait_idle(page)
    expect(m.get_by_text("Column mapping:")).to_be_visible()
    metric = m.locator('[data-testid="stMetric"]').filter(has_text="Rows added")
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text("2")
    assert (data / "export_volumes.csv").read_bytes() == before  # preview writes nothing
    m.get_by_role("button", name="Apply the change").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "import-1-preview.png"), full_page=True)

    # Apply.
    m.get_by_role("button", name="Apply the change").click()
    expect(m.get_by_text(re.compile(r"^Applied \(history entry imp-"))).to_be_visible(
        timeout=60_000)
    wait_idle(page)
    assert (data / "export_volumes.csv").read_bytes() != before
    expect(m.get_by_role("button", name="Undo the last import")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "import-2-applied.png"), full_page=True)

    # Every page shows the new months: the filter line ends at 2013-02 and the charts
    # have a 2013 bar.
    for name in ("Overview", "Zones", "Destinations", "Export volumes"):
        go(page, name)
        expect(summary(page)).to_contain_text("2008-01–2013-02")
    go(page, "Export volumes")
    expect(m.locator(".vega-embed svg").first).to_contain_text("2013")
    expect(m.locator(".vega-embed svg").first).to_contain_text("Imported")
    page.screenshot(path=str(screenshot_dir / "import-3-volumes.png"), full_page=True)
    go(page, "Overview")
    page.screenshot(path=str(screenshot_dir / "import-4-overview.png"), full_page=True)

    # Undo (same session: still signed in).
    go(page, "Data")
    m.get_by_role("button", name="Undo the last import").click()
    expect(m.get_by_text(re.compile(r"^Undid import imp-"))).to_be_visible(timeout=60_000)
    wait_idle(page)
    assert (data / "export_volumes.csv").read_bytes() == before
    page.screenshot(path=str(screenshot_dir / "import-5-undone.png"), full_page=True)
    go(page, "Export volumes")
    expect(summary(page)).to_contain_text("2008")
    expect(summary(page)).not_to_contain_text("2013")
    expect(title(page)).to_have_text("Export volumes")


def test_refused_upload_lists_problems_in_chinese(page: Page, import_app: tuple[str, Path],
                                                  screenshot_dir: Path, tmp_path: Path) -> None:
    base, data = import_app
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    page.goto(f"{base}/data")
    wait_idle(page)
    m = main(page)
    m.get_by_label("管理员密码").fill("wrong")
    m.get_by_role("button", name="登录以更新数据").click()
    wait_idle(page)
    expect(m.get_by_text(re.compile("^密码不正确"))).to_be_visible()
    expect(m.locator('[data-testid="stFileUploader"]')).to_have_count(0)
    m.get_by_label("管理员密码").fill(PASSWORD)
    m.get_by_role("button", name="登录以更新数据").click()
    wait_idle(page)
    m.locator(".st-key-import_table").click()  # the audit trail has a 数据表 filter too
    page.get_by_role("option", name=re.compile("月度出口量")).click()
    wait_idle(page)
    bad = tmp_path / "四月.csv"
    bad.write_text("period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
                   "2013-04,dehui-poultry,poultry_meat,XXX,5,100,1\n"
                   "2013-04,dehui-poultry,poultry_meat,JPN,-5,100,1\n", encoding="utf-8")
    m.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(bad))
    expect(m.get_by_text(re.compile(r"^发现 \d+ 个问题，未写入任何数据"))).to_be_visible(
        timeout=60_000)
    wait_idle(page)
    expect(m.get_by_role("button", name="下载问题清单（CSV）")).to_be_visible()
    expect(m.get_by_role("button", name="应用更改")).to_have_count(0)
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before
    page.screenshot(path=str(screenshot_dir / "import-6-problems-zh.png"), full_page=True)
