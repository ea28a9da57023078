"""The briefing export in a real browser (#7): click, wait for progress, download the deck."""

from __future__ import annotations

import io
import zipfile

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import Page, expect

from tests.browser.test_browser import no_exception, open_app, q

pytestmark = pytest.mark.browser


def test_briefing_downloads_a_pptx_of_the_filtered_view(page: Page, app_url: str,
                                                         tmp_path) -> None:
    open_app(page, app_url, "", q(product="人参 Ginseng", dest="日本 Japan"))
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="生成简报").click()
    download_button = sidebar.get_by_role("button", name="下载")
    expect(download_button).to_be_visible(timeout=120_000)
    with page.expect_download(timeout=60_000) as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename.startswith("吉林示范区简报_人参-日本_")
    assert download.suggested_filename.endswith(".pptx")
    path = tmp_path / "deck.pptx"
    download.save_as(path)
    names = zipfile.ZipFile(io.BytesIO(path.read_bytes())).namelist()
    assert "ppt/presentation.xml" in names
    # The page still works after the export: the filter summary is there.
    expect(page.get_by_text("当前筛选：人参 · 日本 · 2008–2012")).to_be_visible()
    no_exception(page)
