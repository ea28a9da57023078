"""The app on PostgreSQL (ZONES_DATABASE_URL) in real Chromium: every page draws its charts,
the filter works, and nothing leaves 127.0.0.1 (``conftest.page`` checks that)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: the browser suite needs Debian's chromium",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the browser suite needs playwright")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.conftest import running_app  # noqa: E402
from tests.browser.test_browser import (  # noqa: E402
    PAGES,
    charts,
    main,
    no_exception,
    open_app,
    q,
    shot,
    summary,
)

# Its own server (module fixture): all its tests on one worker, so it starts once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("sql-app")]


@pytest.fixture(scope="module")
def sql_app(sql_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("streamlit-sql"),
                     env={"ZONES_DATABASE_URL": sql_url}) as url:
        yield url


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_draws_from_the_database(page: Page, sql_app: str, screenshot_dir: Path,
                                            name: str) -> None:
    path, n_charts, _, title_en = PAGES[name]
    open_app(page, sql_app, path, q(lang="English"))
    expect(main(page).locator("h1").first).to_have_text(title_en)
    expect(summary(page)).to_have_text(
        "Current filter: All products · all destinations · 2008–2012")
    expect(charts(page)).to_have_count(n_charts)
    for i in range(n_charts):
        expect(charts(page).nth(i).locator("g.role-mark").first).to_be_attached()
    no_exception(page)
    shot(page, screenshot_dir, f"sql-{name}-en")


def test_a_link_filters_the_database_view(page: Page, sql_app: str, app_url: str) -> None:
    """The same link on the database and on the files shows the same headline numbers."""
    link = q(lang="English", product="ginseng", dest="JPN")
    texts = []
    for base in (sql_app, app_url):
        open_app(page, base, "zones", link)
        expect(summary(page)).to_have_text(
            "Current filter: Ginseng · Japan · 2008–2012")
        no_exception(page)
        texts.append(main(page).locator('[data-testid="stMetric"]').all_inner_texts())
    assert texts[0] and texts[0] == texts[1], texts
