"""CSV downloads in a real browser: built on click (deferred), neutralised, the view's rows."""

from __future__ import annotations

import csv
import io

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import Page

from tests.browser.test_browser import main, no_exception, open_app, q

pytestmark = pytest.mark.browser


def test_destination_table_downloads_the_filtered_rows(page: Page, app_url: str,
                                                        tmp_path) -> None:
    open_app(page, app_url, "destinations", q(lang="English", product="人参 Ginseng"))
    with page.expect_download(timeout=60_000) as info:
        main(page).get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "destinations.csv"
    path = tmp_path / "d.csv"
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel in Chinese opens it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Rank", "Destination"] and len(rows) > 1
    assert all(r[-1] == "Illustrative (not a fact)" for r in rows[1:])
    no_exception(page)


def test_data_page_downloads_a_file_as_loaded(page: Page, app_url: str, tmp_path) -> None:
    open_app(page, app_url, "data", q(lang="English"))
    with page.expect_download(timeout=60_000) as info:
        main(page).get_by_role("button", name="zones.csv").click()
    path = tmp_path / "zones.csv"
    info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert rows[0][0] == "zone_id" and len(rows) == 17  # header + 16 zones
    no_exception(page)
