"""A customs statistics export imported in Chromium, as an officer does it (#17).

The example (docs/examples/customs_export_gbk.csv) is uploaded: mapping, the zone
attribution table and the preview, apply; the volumes and destinations pages then say
how many rows give no consignment count. The file whose place fits two zones (白山市 +
人参) is refused with both names, and imported once one zone is chosen for the whole file.
Everything is undone. Screenshots: ``artifacts/screenshots/customs-*.png``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, editable_copy

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_browser import go, main, no_exception, wait_idle  # noqa: E402

# Its own server (module fixture): all its tests on one worker, so it starts once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("customs-data")]
PASSWORD = "customs-secret"
EXAMPLE = ROOT / "docs" / "examples" / "customs_export_gbk.csv"
AMBIGUOUS = ROOT / "tests" / "bad_inputs" / "import" / "customs_ambiguous_zone.csv"


@pytest.fixture(scope="module")
def customs_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with editable_copy(tmp_path_factory, "customs-data", PASSWORD) as served:
        yield served


@pytest.fixture
def app_url(customs_app: tuple[str, Path]) -> str:  # the conftest's ``page`` uses this name
    return customs_app[0]


def _upload(page: Page, path: Path) -> None:
    main(page).locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(path))


def test_customs_export_round_trip(page: Page, customs_app: tuple[str, Path],
                                   screenshot_dir: Path, tmp_path: Path) -> None:
    base, data = customs_app
    before = (data / "export_volumes.csv").read_bytes()
    page.goto(f"{base}/data?lang=English")
    wait_idle(page)
    m = main(page)
    m.get_by_label("Admin password").fill(PASSWORD)
    m.get_by_role("button", name="Sign in to update data").click()
    wait_idle(page)
    m.locator(".st-key-import_table").click()  # the audit trail has a Table filter too
    page.get_by_role("option", name=re.compile("Monthly export volumes")).click()
    wait_idle(page)
    expect(m.locator('[data-testid="stSelectbox"]').filter(
        has_text="Zone for the whole file")).to_be_visible()

    # 1. The example: every row attributed from 注册地 + product, shown before applying.
    _upload(page, EXAMPLE)
    expect(m.get_by_text("Preview of the change")).to_be_visible(timeout=60_000)
    wait_idle(page)
    expect(m.get_by_text(re.compile("^Zone attribution"))).to_be_visible()
    expect(m.locator('[data-testid="stDataFrame"]').filter(has=page.locator(
        "[data-testid='stDataFrameResizable']"))).not_to_have_count(0)
    assert (data / "export_volumes.csv").read_bytes() == before
    page.get_by_text(re.compile("^Zone attribution")).scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "customs-1-preview.png"), full_page=True)
    m.get_by_role("button", name="Apply the change").click()
    expect(m.get_by_text(re.compile(r"^Applied \(history entry imp-"))).to_be_visible(
        timeout=60_000)
    wait_idle(page)
    rows = list(csv.DictReader(io.StringIO((data / "export_volumes.csv").read_text("utf-8"))))
    imported = [r for r in rows if r["source"] == "imported"]
    assert len(imported) == 10 and all(r["consignments"] == "" for r in imported)
    assert {r["zone_id"] for r in imported} >= {"dehui-poultry", "fusong-ginseng",
                                                "liuhe-raspberry"}

    # 2. Consignments "not given", not 0: the pages say how many rows lack a count.
    go(page, "Export volumes")
    m.locator('[data-testid="stButtonGroup"] button').filter(has_text="Consignments").click()
    wait_idle(page)
    expect(m.get_by_text(re.compile(r"^Consignments: 10 row\(s\) do not give a count"))
           ).to_be_visible(timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "customs-2-volumes-consignments.png"),
                    full_page=True)
    go(page, "Destinations")
    expect(m.get_by_text(re.compile(r"^Consignments: 10 row\(s\)"))).to_be_visible()

    # 3. A place that fits two zones: refused, with both names and how to choose.
    go(page, "Data")
    _upload(page, AMBIGUOUS)
    expect(m.get_by_text(re.compile(r"^1 problem\(s\) found; nothing was written"))
           ).to_be_visible(timeout=60_000)
    wait_idle(page)
    with page.expect_download() as dl:
        m.get_by_role("button", name="Download the problems (CSV)").click()
    problems = tmp_path / "problems.csv"
    dl.value.save_as(problems)
    text = problems.read_text(encoding="utf-8-sig")
    assert "customs_ambiguous_zone.csv" in text and "注册地名称" in text
    assert "Fusong ginseng (illus.), Jingyu ginseng (illus.)" in text
    assert "Zone for the whole file" in text and "--zone" in text
    page.screenshot(path=str(screenshot_dir / "customs-3-ambiguous.png"), full_page=True)

    # 4. … imported once one zone is chosen for the whole file.
    m.locator('[data-testid="stSelectbox"]').filter(has_text="Zone for the whole file").click()
    page.get_by_role("option", name="Fusong ginseng (illus.)").click()
    wait_idle(page)
    expect(m.get_by_text("Preview of the change")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "customs-4-zone-chosen.png"), full_page=True)
    m.get_by_role("button", name="Apply the change").click()
    expect(m.get_by_text(re.compile(r"^Applied \(history entry imp-"))).to_be_visible(
        timeout=60_000)
    wait_idle(page)
    rows = list(csv.DictReader(io.StringIO((data / "export_volumes.csv").read_text("utf-8"))))
    baishan = [r for r in rows if r["source"] == "imported" and r["tonnes"] == "5.2"]
    assert [(r["zone_id"], r["product_id"]) for r in baishan] == [("fusong-ginseng",
                                                                   "ginseng")]

    # Undo both imports: the files are as they were.
    for _ in range(2):
        m.get_by_role("button", name="Undo the last import").click()
        expect(m.get_by_text(re.compile(r"^Undid import imp-"))).to_be_visible(timeout=60_000)
        wait_idle(page)
    assert (data / "export_volumes.csv").read_bytes() == before
    no_exception(page)


def test_ambiguous_place_in_chinese(page: Page, customs_app: tuple[str, Path],
                                    screenshot_dir: Path, tmp_path: Path) -> None:
    base, data = customs_app
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    page.goto(f"{base}/data")
    wait_idle(page)
    m = main(page)
    m.get_by_label("管理员密码").fill(PASSWORD)
    m.get_by_role("button", name="登录以更新数据").click()
    wait_idle(page)
    m.locator(".st-key-import_table").click()  # the audit trail has a 数据表 filter too
    page.get_by_role("option", name=re.compile("月度出口量")).click()
    wait_idle(page)
    expect(m.locator('[data-testid="stSelectbox"]').filter(has_text="整个文件归属示范区")
           ).to_be_visible()
    _upload(page, AMBIGUOUS)
    expect(m.get_by_text(re.compile(r"^发现 1 个问题，未写入任何数据"))).to_be_visible(
        timeout=60_000)
    wait_idle(page)
    with page.expect_download() as dl:
        m.get_by_role("button", name="下载问题清单（CSV）").click()
    problems = tmp_path / "problems-zh.csv"
    dl.value.save_as(problems)
    text = problems.read_text(encoding="utf-8-sig")
    assert "注册地“白山市”的人参可归属多个示范区：抚松人参（示意）、靖宇人参（示意）" in text
    assert "整个文件归属示范区" in text and "示范区”逐行填写" in text
    page.screenshot(path=str(screenshot_dir / "customs-5-ambiguous-zh.png"), full_page=True)
    assert {p.name: p.read_bytes() for p in data.glob("*.csv")} == before
    no_exception(page)
