"""Every page in both languages through Streamlit's AppTest (no browser), plus content checks.

``app.py`` catches page errors and shows a polite message instead of a traceback, so "no
exception" here means both ``at.exception`` is empty and that message is not shown.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from zones.i18n import LANG_LABELS, LANGS, STRINGS, t
from zones.model import FILES
from zones.paths import DATA_DIR_ENV

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = {
    "pages/overview.py": "page.overview",
    "pages/zones.py": "page.zones",
    "pages/destinations.py": "page.destinations",
    "pages/volumes.py": "page.volumes",
    "pages/data.py": "page.data",
}
KEY_PREFIXES = {k.split(".")[0] for k in STRINGS}
RAW_KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
GINSENG_ZONES = {"fusong-ginseng", "jian-ginseng", "jingyu-ginseng"}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    unexpected = {t("err.unexpected", lang) for lang in LANGS}
    assert not [e.value for e in at.error if e.value in unexpected]
    assert not [e.value for e in at.error if e.value in {t("err.page_title", lang)
                                                         for lang in LANGS}]


def open_page(page: str, lang: str = "zh", query: dict[str, str] | None = None) -> AppTest:
    """Open ``page`` the way a shared link does: that page's address (one run, not the
    overview first), the language and filter from the URL."""
    at = AppTest.from_file(APP, default_timeout=60)
    params = dict(query or {})
    if lang != "zh":
        params.setdefault("lang", LANG_LABELS[lang])
    for key, value in params.items():
        at.query_params[key] = value
    if page != "pages/overview.py":
        at.switch_page(page)  # before the first run: the page named by the link's path
    at.run()
    assert_ok(at)
    titles = {t(PAGES[page], lg) for lg in LANGS}
    assert at.title and at.title[0].value in titles, f"not the page linked to: {page}"
    return at


def texts(at: AppTest) -> list[str]:
    out = [str(e.value) for kind in ("title", "subheader", "caption", "markdown", "info",
                                     "warning", "success", "error")
           for e in getattr(at, kind)]
    for kind in ("multiselect", "radio", "toggle", "button", "selectbox", "select_slider",
                 "segmented_control", "download_button", "metric"):
        out += [str(w.label) for w in getattr(at, kind)]
    return out


def infos(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.info]


def table_with(at: AppTest, *headers: str) -> pd.DataFrame:
    """The first dataframe on the page whose columns include ``headers``."""
    for df in at.dataframe:
        frame = df.value
        if set(headers) <= set(frame.columns):
            return frame
    found = [list(d.value.columns) for d in at.dataframe]
    raise AssertionError(f"no table with {headers}: {found}")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_in_language(page: str, lang: str) -> None:
    at = open_page(page, lang)
    assert at.title[0].value == t(PAGES[page], lang)
    assert infos(at)[0].startswith(t("filter.summary", lang, summary=""))
    assert at.radio(key="lang").value == lang
    shown = texts(at)
    raw = [s for s in shown if RAW_KEY.match(s) and s.split(".")[0] in KEY_PREFIXES
           and not s.endswith(".csv")]
    assert not raw, f"untranslated catalogue keys on screen: {raw}"
    assert not [s for s in shown if "{" in s and "}" in s and "$" not in s]
    if lang == "en":
        han = re.compile(r"[\u4e00-\u9fff]")
        assert not han.search(at.title[0].value)
        assert not han.search(infos(at)[0])
    # No English "Select all" in the filters (#23): an empty filter already means all.
    assert at.multiselect and all(m.proto.select_all == 0 for m in at.multiselect)


@pytest.mark.parametrize(("start", "switch_to"), [("zh", "en"), ("en", "zh")])
def test_switching_language_with_the_radio_keeps_the_filter(start: str,
                                                             switch_to: str) -> None:
    at = open_page("pages/zones.py", start)
    at.multiselect(key="product").set_value(["ginseng"]).run()
    assert_ok(at)
    at.radio(key="lang").set_value(switch_to).run()
    assert_ok(at)
    assert at.title[0].value == t("page.zones", switch_to)
    assert at.multiselect(key="product").value == ["ginseng"]
    assert ("人参" if switch_to == "zh" else "Ginseng") in infos(at)[0]


@pytest.mark.parametrize("lang", LANGS)
def test_product_filter_on_zones_page(lang: str) -> None:
    at = open_page("pages/zones.py", lang)
    before = table_with(at, t("col.zone", lang), t("col.products", lang))
    assert len(before) == 16
    at.multiselect(key="product").set_value(["ginseng"]).run()
    assert_ok(at)
    name = "人参" if lang == "zh" else "Ginseng"
    assert name in infos(at)[0]
    table = table_with(at, t("col.zone", lang), t("col.products", lang))
    assert len(table) == len(GINSENG_ZONES)
    assert set(table[t("col.products", lang)]) == {name}


def test_destination_filter_on_destinations_page() -> None:
    at = open_page("pages/destinations.py", "en")
    before = table_with(at, "Destination", "Tonnes")
    assert len(before) == 10
    at.multiselect(key="dest").set_value(["JPN"]).run()
    assert_ok(at)
    after = table_with(at, "Destination", "Tonnes")
    assert after["Destination"].tolist() == ["Japan"]
    jpn = before.loc[before["Destination"] == "Japan", "Tonnes"].iloc[0]
    assert after["Tonnes"].iloc[0] == jpn
    assert "Japan" in infos(at)[0]


def test_report_only_toggle_on_zones_page() -> None:
    at = open_page("pages/zones.py", "zh")
    at.toggle(key="facts").set_value(True).run()
    assert_ok(at)
    assert t("banner.facts_only", "zh") in [e.value for e in at.success]
    assert t("banner.illustrative", "zh") not in [e.value for e in at.warning]
    table = table_with(at, "示范区", "来源")
    assert table["示范区"].tolist() == ["吉林德惠禽肉出口质量安全示范区"]
    assert table["来源"].tolist() == [t("source.report", "zh")]
    assert t("filter.facts_only_tag", "zh") in infos(at)[0]


def test_illustrative_banner_by_default() -> None:
    at = open_page("pages/zones.py", "en")
    assert t("banner.illustrative", "en") in [e.value for e in at.warning]


@pytest.mark.parametrize("page", [
    "pages/overview.py", "pages/zones.py",
    "pages/destinations.py",
    "pages/volumes.py",
])
def test_filter_matching_nothing_shows_empty_state(page: str) -> None:
    at = open_page(page, "en")
    at.multiselect(key="product").set_value(["ginseng"]).run()
    at.multiselect(key="dest").set_value(["AFG"]).run()  # only deer meat went there
    assert_ok(at)
    assert any(t("empty.title", "en") in s for s in infos(at)), infos(at)


def test_report_only_on_destinations_page() -> None:
    at = open_page("pages/destinations.py", "en")
    at.toggle(key="facts").set_value(True).run()
    assert_ok(at)
    assert t("banner.facts_only", "en") in [e.value for e in at.success]


def test_report_only_volumes_page_explains_why_it_is_empty() -> None:
    at = open_page("pages/volumes.py", "en")
    at.toggle(key="facts").set_value(True).run()
    assert_ok(at)
    assert any(t("empty.facts_only_volumes", "en") in s for s in infos(at))


def test_volumes_page_options() -> None:
    at = open_page("pages/volumes.py", "en")
    at.segmented_control(key="by").set_value("destination").run()
    assert_ok(at)
    at.segmented_control(key="measure").set_value("value_usd").run()
    assert_ok(at)
    at.segmented_control(key="interval").set_value("monthly").run()
    assert_ok(at)
    table = table_with(at, "Period", "Destination", "Export value (USD)")
    assert table["Period"].str.fullmatch(r"\d{4}-\d{2}").all()


def test_zone_profile() -> None:
    at = open_page("pages/zones.py", "en")
    at.selectbox(key="profile").set_value("dehui-poultry").run()
    assert_ok(at)
    success = " ".join(e.value for e in at.success)
    assert "Dehui" in success and "Z2" not in success  # cited in words, not codes (#22)
    assert t("level.national_first_batch", "en") in success


@pytest.mark.parametrize("lang", LANGS)
def test_data_page_lists_every_file(lang: str) -> None:
    at = open_page("pages/data.py", lang)
    inventory = table_with(at, t("data.file", lang), t("data.rows", lang))
    assert inventory[t("data.file", lang)].tolist() == list(FILES)
    rows = dict(zip(inventory[t("data.file", lang)], inventory[t("data.rows", lang)],
                    strict=True))
    assert rows["zones.csv"] == 16
    assert {b.label for b in at.download_button} >= set(FILES)
    dictionary = table_with(at, t("data.column", lang), t("data.meaning", lang))
    assert len(dictionary) == sum(len(s.columns) for s in FILES.values())


def test_unknown_url_values_are_dropped_with_a_notice() -> None:
    at = open_page("pages/overview.py",
                   query={"lang": "English", "product": "truffle", "foo": "bar"})
    assert at.title[0].value == "Overview"
    warnings = " ".join(w.value for w in at.warning)
    assert "truffle" in warnings
    assert "foo" in warnings
    assert at.multiselect(key="product").value == []


def _label(at: AppTest, key: str, name: str) -> str:
    """The on-screen option label that contains ``name`` (bound widgets put it in the URL)."""
    return next(o for o in at.multiselect(key=key).options if name in o)


@pytest.mark.parametrize(("lang", "product", "dest", "facts", "summary"), [
    ("en", ("rice", "Rice"), ("JPN", "Japan"), False, "Rice · Japan"),
    ("zh", ("rice", "大米"), ("JPN", "日本"), False, "大米 · 日本"),
    ("en", ("ginseng", "Ginseng"), None, True, "Ginseng"),
])
def test_a_shared_link_restores_the_filter(lang: str, product: tuple[str, str],
                                           dest: tuple[str, str] | None, facts: bool,
                                           summary: str) -> None:
    probe = open_page("pages/overview.py", lang)
    query = {"product": _label(probe, "product", product[1])}
    if dest:
        query["dest"] = _label(probe, "dest", dest[1])
    if facts:
        query["facts"] = "true"
    at = open_page("pages/overview.py", lang, query=query)
    assert summary in infos(at)[0]
    assert at.multiselect(key="product").value == [product[0]]
    assert at.multiselect(key="dest").value == ([dest[0]] if dest else [])
    assert at.toggle(key="facts").value == facts
    dropped = tuple(t("url.dropped", lg, items="") for lg in LANGS)
    assert not [w.value for w in at.warning if w.value.startswith(dropped)]


# -- broken data shows the error page, not a traceback ---------------------------------

def _error_page_script(root: str, lang: str) -> None:
    from pathlib import Path

    from zones.dataset.loading import CsvSource, load
    from zones.ui import show_errors

    show_errors(load(CsvSource(Path(root))), lang)


def _corrupt(root: Path) -> None:
    zones_csv = root / "zones.csv"
    text = zones_csv.read_text(encoding="utf-8")
    zones_csv.write_text(text.replace(",national_first_batch,", ",national,", 1),
                         encoding="utf-8")
    (root / "report_figures.csv").unlink()


@pytest.fixture
def broken_data(data_copy: Path) -> Path:
    _corrupt(data_copy)
    return data_copy


@pytest.mark.parametrize("lang", LANGS)
def test_show_errors_lists_every_issue(broken_data: Path, lang: str) -> None:
    at = AppTest.from_function(_error_page_script, args=(str(broken_data), lang),
                               default_timeout=30)
    at.run()
    assert not at.exception
    assert at.error[0].value == t("err.page_title", lang)
    table = at.dataframe[0].value
    assert list(table.columns) == [t(f"err.col.{c}", lang)
                                   for c in ("file", "line", "column", "message")]
    files = table[t("err.col.file", lang)].tolist()
    assert "zones.csv" in files
    assert "report_figures.csv" in files


def test_show_errors_with_a_duplicate_key(data_copy: Path) -> None:
    volumes = data_copy / "export_volumes.csv"
    lines = volumes.read_text(encoding="utf-8").splitlines()
    volumes.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    at = AppTest.from_function(_error_page_script, args=(str(data_copy), "en"),
                               default_timeout=30)
    at.run()
    assert not at.exception
    assert at.error[0].value == t("err.page_title", "en")


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/volumes.py"])
def test_app_on_a_broken_data_folder_shows_the_error_page(broken_data: Path, page: str,
                                                          monkeypatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(broken_data))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "English"
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page)
        at.run()
    assert not at.exception
    assert [e.value for e in at.error][:1] == [t("err.page_title", "en")]
    assert not at.title  # nothing of the dashboard is drawn
    assert not at.multiselect  # not even the sidebar filters
    files = at.dataframe[0].value["File"].tolist()
    assert {"zones.csv", "report_figures.csv"} <= set(files)


# -- links with ids, as people type them or paste them from the data files (#9) ---------

@pytest.mark.parametrize(("query", "key", "expected"), [
    ({"product": "ginseng"}, "product", ["ginseng"]),
    ({"dest": "JPN"}, "dest", ["JPN"]),
    ({"dest": "jpn"}, "dest", ["JPN"]),
    ({"product": "人参", "dest": "Japan"}, "dest", ["JPN"]),
    ({"zone": "dehui-poultry"}, "zone", ["dehui-poultry"]),
])
def test_links_with_ids_select_the_option(query: dict[str, str], key: str,
                                          expected: list[str]) -> None:
    at = open_page("pages/overview.py", "en", query=query)
    assert at.multiselect(key=key).value == expected
    dropped = tuple(t("url.dropped", lg, items="") for lg in LANGS)
    assert not [w.value for w in at.warning if w.value.startswith(dropped)]


def test_profile_link_with_an_id_opens_the_profile() -> None:
    at = open_page("pages/zones.py", "zh", query={"profile": "dehui-poultry"})
    assert at.selectbox(key="profile").value == "dehui-poultry"
    assert any("吉林德惠禽肉出口质量安全示范区" in m.value for m in at.markdown)
    assert any(t("zones.launched_unknown", "zh") in m.value for m in at.markdown)


def test_an_unknown_id_next_to_a_known_one_is_still_reported() -> None:
    at = open_page("pages/overview.py", "en", query={"product": ["ginseng", "truffle"]})
    assert at.multiselect(key="product").value == ["ginseng"]
    assert "truffle" in " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filtered_overview_gives_the_filters_own_figures_first(lang: str) -> None:
    """#22: under 人参 · 日本、韩国 the first tiles are the filter's, equal to the metrics;
    the report's province-wide tiles come after a heading that says they do not follow it."""
    from zones import headline, metrics, safe
    from zones.dataset.filters import apply_filters, summary
    from zones.dataset.loading import CsvSource, load
    from zones.view import Filter

    at = open_page("pages/overview.py", lang,
                   {"product": ["ginseng"], "dest": ["JPN", "KOR"]})  # type: ignore[dict-item]
    ds = load(CsvSource()).dataset
    assert ds is not None
    view = apply_filters(ds, Filter(products=("ginseng",), destinations=("JPN", "KOR")))
    own = headline.headline_tiles(ds, view, lang)
    headline = metrics.filter_headline(ds, view, lang)
    assert headline is not None and headline.zones == 3 and headline.destinations == 2
    tiles = [(m.label, m.value) for m in at.metric]
    assert tiles[:len(own)] == [(safe.plain(label), value) for label, value, *_ in own]
    province = [m.label for m in at.metric][len(own)]
    assert province == safe.plain(metrics.headline_kpis(ds, view.figures, lang)[0][0])
    heads = [str(h.value) for h in at.subheader]
    assert heads.index(t("province.title", lang)) == 1  # straight after the filter's own
    assert heads[0] == t("headline.title", lang, summary=safe.plain(
        summary(ds, view.state, lang)))


def test_an_unfiltered_overview_has_no_filter_headline() -> None:
    at = open_page("pages/overview.py")
    assert t("province.title", "zh") not in [str(h.value) for h in at.subheader]
