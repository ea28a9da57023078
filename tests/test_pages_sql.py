"""The page tests again, with the data in PostgreSQL (ZONES_DATABASE_URL), plus a side-by-side
check that every table and tile shows the same numbers as with the files.

Skipped with a reason when the PostgreSQL server binaries are missing; ``.ci/run`` installs
Debian's ``postgresql`` so CI runs them (the ``pg_server`` fixture starts and stops it).
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_pages import (  # the same checks as with the files
    APP,
    PAGES,
    assert_ok,
    open_page,
    table_with,
    test_a_shared_link_restores_the_filter,
    test_data_page_lists_every_file,
    test_destination_filter_on_destinations_page,
    test_filter_matching_nothing_shows_empty_state,
    test_illustrative_banner_by_default,
    test_page_renders_in_language,
    test_product_filter_on_zones_page,
    test_report_only_on_destinations_page,
    test_report_only_toggle_on_zones_page,
    test_report_only_volumes_page_explains_why_it_is_empty,
    test_switching_language_with_the_radio_keeps_the_filter,
    test_unknown_url_values_are_dropped_with_a_notice,
    test_volumes_page_options,
    test_zone_profile,
)

from zones.i18n import t

REUSED = (
    test_a_shared_link_restores_the_filter, test_data_page_lists_every_file,
    test_destination_filter_on_destinations_page, test_filter_matching_nothing_shows_empty_state,
    test_illustrative_banner_by_default, test_page_renders_in_language,
    test_product_filter_on_zones_page, test_report_only_on_destinations_page,
    test_report_only_toggle_on_zones_page, test_report_only_volumes_page_explains_why_it_is_empty,
    test_switching_language_with_the_radio_keeps_the_filter,
    test_unknown_url_values_are_dropped_with_a_notice, test_volumes_page_options,
    test_zone_profile,
)
URL_ENV = "ZONES_DATABASE_URL"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(autouse=True)
def _database(sql_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(URL_ENV, sql_url)
    return sql_url


def test_the_pages_really_read_the_database() -> None:
    """Guard against a test that passes on the files: the app must take the SQL path."""
    from zones.dataset.volumes import Volumes

    at = open_page("pages/volumes.py", "en")
    assert_ok(at)
    from zones.ui import load_data

    result = load_data()
    assert result.ok
    assert isinstance(result.dataset.volumes, Volumes)


def _numbers(at: AppTest) -> dict[str, object]:
    """Everything numeric the page shows: every table and every tile."""
    return {
        "tables": [d.value.reset_index(drop=True) for d in at.dataframe],
        "metrics": [(m.label, m.value) for m in at.metric],
        "info": [str(e.value) for e in at.info],
    }


STATES = [
    {},
    {"product": "ginseng"},
    {"dest": "JPN"},
    {"zone": "dehui-poultry", "profile": "dehui-poultry"},
]


def _open(page: str, state: dict[str, str], options: dict[str, str]) -> AppTest:
    at = open_page(page, "en")
    for key, value in state.items():
        if key == "profile":
            if page == "pages/zones.py":
                at.selectbox(key=key).set_value(value).run()
        else:
            at.multiselect(key=key).set_value([value]).run()
        assert_ok(at)
    return _set_options(at, options)


def _set_options(at: AppTest, options: dict[str, str]) -> AppTest:
    for key, value in options.items():
        at.segmented_control(key=key).set_value(value).run()
        assert_ok(at)
    return at


# The data page does not depend on the filter: it is compared once, unfiltered.
PAGE_STATES = [(page, state) for page in PAGES for state in STATES
               if page != "pages/data.py" or not state]


@pytest.mark.parametrize(("page", "state"), PAGE_STATES,
                         ids=[f"{p}-{','.join(s) or 'all'}" for p, s in PAGE_STATES])
def test_same_numbers_as_the_files(page: str, state: dict[str, str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    combos: list[dict[str, str]] = [{}]
    if page == "pages/volumes.py":  # each set on the same open page, one after the other
        combos = [{"by": "product", "measure": "tonnes"},
                  {"by": "destination", "measure": "value_usd"},
                  {"by": "zone", "measure": "consignments", "interval": "monthly"}]
    sql_at = _open(page, state, {})
    with monkeypatch.context() as m:
        m.delenv(URL_ENV)
        files_at = _open(page, state, {})
    for options in combos:
        sql = _numbers(_set_options(sql_at, options))
        with monkeypatch.context() as m:
            m.delenv(URL_ENV)  # every rerun of the files' page reads the files
            files = _numbers(_set_options(files_at, options))
        assert sql["metrics"] == files["metrics"]
        assert sql["info"] == files["info"]
        assert len(sql["tables"]) == len(files["tables"]), options
        for a, b in zip(sql["tables"], files["tables"], strict=True):
            pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=f"{page} {options}")


def test_unreachable_database_shows_the_error_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "English"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error][:1] == [t("err.page_title", "en")]
    problems = " ".join(at.dataframe[0].value["Problem"])
    assert "database cannot be read" in problems
    assert t("err.page_hint_db", "en") in [m.value for m in at.markdown]
    assert not at.multiselect


def test_empty_database_says_how_to_load_it(pg_server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, pg_server.createdb("empty_for_pages"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "English"
    at.run()
    assert not at.exception
    problems = " ".join(at.dataframe[0].value["Problem"])
    assert "sql-load" in problems


assert all(callable(f) for f in REUSED)


def test_secrets_toml_connection_is_used(pg_server, monkeypatch: pytest.MonkeyPatch) -> None:
    """[connections.zones] in secrets.toml, through st.connection, when no URL is set."""
    monkeypatch.delenv(URL_ENV)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["connections"] = {"zones": {"url": pg_server.createdb("via_secrets")}}
    at.query_params["lang"] = "English"
    at.run()
    assert not at.exception
    problems = " ".join(at.dataframe[0].value["Problem"])
    assert "sql-load" in problems  # the (empty) database named by the secrets was read


def test_a_write_shows_on_the_next_rerun(loaded_db, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data version is the cache key: a commit anywhere is seen by the next click."""
    from sql_writes import write_tables

    from zones.sql.schema import engine_from_url

    url = loaded_db("live_change")
    engine = engine_from_url(url)
    monkeypatch.setenv(URL_ENV, url)
    at = open_page("pages/destinations.py", "en")
    before = table_with(at, "Destination", "Tonnes")
    jpn = float(before.loc[before["Destination"] == "Japan", "Tonnes"].iloc[0])
    row = pd.DataFrame([{"period": "2011-12", "zone_id": None, "product_id": "rice",
                         "destination_iso3": "JPN", "tonnes": "1000", "value_usd": "1",
                         "consignments": "1", "source": "illustrative"}])
    assert write_tables(engine, {"export_volumes.csv": row}).ok
    engine.dispose()
    at.run()  # the same session, next rerun
    assert_ok(at)
    after = table_with(at, "Destination", "Tonnes")
    assert float(after.loc[after["Destination"] == "Japan", "Tonnes"].iloc[0]) == pytest.approx(
        jpn + 1000, abs=0.05)


def test_admin_import_apply_undo_on_the_database(loaded_db, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    """The Data page's import writes to the database (one transaction) and undoes there."""
    from test_import_page import GOOD, PASSWORD, frame_with, login, open_data

    from zones import ui
    from zones.sql.schema import data_version, engine_from_url
    from zones.ui import admin as ui_admin

    url = loaded_db("page_import")
    engine = engine_from_url(url)
    v0 = data_version(engine)
    monkeypatch.setenv(URL_ENV, url)
    monkeypatch.setenv(ui.ADMIN_ENV, PASSWORD)
    ui_admin._FAILED_LOGINS["n"] = 0
    at = login(open_data("en"), PASSWORD)
    at.selectbox(key="import_table").set_value("export_volumes")
    at.run()
    at.file_uploader[0].set_value(("march.csv", GOOD, "text/csv"))
    at.run()
    assert_ok(at)
    assert {m.label: m.value for m in at.metric}[t("import.added", "en")] == "1"
    assert data_version(engine) == v0  # the preview writes nothing
    at.button(key="import_apply").click()
    at.run()
    assert_ok(at)
    assert any("Applied" in s.value for s in at.success)
    assert data_version(engine) == v0 + 1
    hist = frame_with(at, t("hist.file", "en"))
    assert hist.iloc[0][t("hist.file", "en")] == "march.csv"
    at.button(key="import_undo").click()
    at.run()
    assert_ok(at)
    assert data_version(engine) == v0 + 2
    with engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM export_volumes WHERE period = '2013-01'").scalar() == 0
    engine.dispose()


def test_briefing_export_from_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sidebar's deck is built in the worker process from the database's numbers."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["product"] = "ginseng"
    at.run()
    assert_ok(at)
    at.sidebar.radio(key="brief_format").set_value("data")
    at.sidebar.button(key="brief_build").click()
    at.run()
    assert_ok(at)
    result = at.session_state["_brief_result"]
    assert result["data"][:2] == b"PK" and not at.sidebar.error
