"""The Streamlit boundary: the cached load, the shared sidebar, and common page parts.

This is the only module of the package that imports Streamlit. Pages call it to get
the language, the filter and the filtered ``View``, then draw what ``zones.*`` builds.
Nothing here passes data from a file or a user into HTML.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import get_script_run_ctx

from zones import safe
from zones.filters import FilterState, View, apply_filters, dropped_params, summary
from zones.i18n import DEFAULT_LANG, LANG_LABELS, LANGS, t
from zones.loading import CsvSource, LoadResult, data_dir, load
from zones.maps import DEST_SELECTION, ZONE_SELECTION
from zones.metrics import DIMS, MEASURES
from zones.model import CATEGORIES, Dataset

# URL keys of every bound widget: the filter, the language, and page-level view options.
KEY_LANG, KEY_PRESENT = "lang", "present"
KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE = "product", "dest", "pref", "zone"
KEY_PERIOD, KEY_FACTS = "period", "facts"
KEY_PROFILE, KEY_STEP, KEY_BY, KEY_MEASURE = "profile", "step", "by", "measure"
FILTER_KEYS = (KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE, KEY_PERIOD, KEY_FACTS)
LIST_KEYS = (KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE)
# Page-level view options (volumes page): their choices, defaults, and catalogue keys.
PAGE_OPTIONS = {KEY_STEP: ("monthly", "yearly"), KEY_BY: DIMS, KEY_MEASURE: MEASURES}
PAGE_OPTION_DEFAULTS = {KEY_STEP: "yearly", KEY_BY: DIMS[0], KEY_MEASURE: MEASURES[0]}
_PAGE_OPTION_KEYS = {KEY_STEP: "vol.{}", KEY_BY: "vol.by.{}", KEY_MEASURE: "opt.{}"}

PRESENT_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
h1 { font-size: 2.6rem !important; } h2, h3 { font-size: 1.9rem !important; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-top: 3.5rem; }
</style>
"""
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"] { display: none; }
  [data-testid="stMainBlockContainer"] { max-width: 100%; }
}
</style>
"""


@st.cache_resource(show_spinner=False)
def _load_cached(root: str) -> LoadResult:
    # cache_resource, not cache_data: the dataset is read-only for every page, and
    # cache_data's copy per rerun cost ~44 ms (bench: pickle round trip of LoadResult).
    return load(CsvSource(Path(root)))


def load_data() -> LoadResult:
    """The one cached load of the data folder; every page reads through it."""
    if (engine := database_engine()) is not None:  # SQL backend (#8), when configured
        return load_database(engine)
    return _load_cached(str(data_dir()))


@dataclass(frozen=True)
class Context:
    """What every page needs: data, language, the filter and its result."""

    ds: Dataset
    lang: str
    state: FilterState
    view: View
    present: bool


def current_lang() -> str:
    """The language widget's value; before it exists (first run, error page), the URL's."""
    value = st.session_state.get(KEY_LANG)
    if value in LANGS:
        return str(value)
    by_label = {label: code for code, label in LANG_LABELS.items()} | {c: c for c in LANGS}
    return by_label.get(st.query_params.get(KEY_LANG, ""), DEFAULT_LANG)


def _bilingual(zh: object, en: object) -> str:
    """Option labels read the same in both languages, so a link never depends on it.

    Bound widgets write their displayed label into the URL; a label that changed with
    the language would leave a stale, unreadable link after a language switch.
    """
    return f"{zh} {en}"


def _labels(df: pd.DataFrame, key: str, zh: str, en: str) -> dict[str, str]:
    return {str(k): _bilingual(a, b)
            for k, a, b in zip(df[key], df[zh], df[en], strict=True)}


def _options(ds: Dataset) -> dict[str, dict[str, str]]:
    """Option id → label for every multi-choice filter, in display order."""
    order = {c: i for i, c in enumerate(CATEGORIES)}
    prods = ds.products.assign(o=ds.products["category"].map(order)).sort_values(
        ["o", "product_id"])  # grouped by category, in the palette's order
    prefs = ds.counties.drop_duplicates("prefecture_adcode").sort_values("prefecture_adcode")
    return {
        KEY_PRODUCT: _labels(prods, "product_id", "name_zh", "name_en"),
        KEY_DEST: _labels(ds.destinations.sort_values("name_en"), "iso3", "name_zh", "name_en"),
        KEY_PREF: _labels(prefs, "prefecture_adcode", "prefecture_zh", "prefecture_en"),
        KEY_ZONE: _labels(ds.zones, "zone_id", "short_zh", "short_en"),
    }


def page_option_label(key: str, value: str) -> str:
    """A page-level option's label (both languages, like the filters)."""
    pair = _PAGE_OPTION_KEYS[key].format(value)
    return _bilingual(t(pair, "zh"), t(pair, "en"))


def _valid_url_values(ds: Dataset) -> dict[str, set[str]]:
    valid = {k: set(labels.values()) for k, labels in _options(ds).items()}
    valid[KEY_LANG] = set(LANG_LABELS.values())
    valid[KEY_PERIOD] = set(ds.periods)
    valid[KEY_FACTS] = valid[KEY_PRESENT] = {"true", "false"}
    valid[KEY_PROFILE] = set(valid[KEY_ZONE])
    for key, values in PAGE_OPTIONS.items():
        valid[key] = {page_option_label(key, v) for v in values}
    return valid


def _check_url_once(ds: Dataset) -> None:
    """Before the widgets clean the URL, note which of its values will be dropped."""
    if "_url_checked" in st.session_state:
        return
    st.session_state["_url_checked"] = True
    raw = {k: st.query_params.get_all(k) for k in st.query_params}
    if raw.get(KEY_PRESENT) == ["1"]:  # the short form `?present=1` from printed notes
        st.session_state[KEY_PRESENT] = True
        raw.pop(KEY_PRESENT)
    if raw.get(KEY_LANG, [""])[-1] in LANGS:  # `?lang=en` / `?lang=zh`, as people type it
        st.session_state[KEY_LANG] = raw.pop(KEY_LANG)[-1]
    dropped = dropped_params(raw, _valid_url_values(ds))
    if dropped:
        st.session_state["_url_dropped"] = dropped


def _reset_filters() -> None:
    for key in LIST_KEYS:
        st.session_state[key] = []
    st.session_state.pop(KEY_PERIOD, None)
    st.session_state[KEY_FACTS] = False


_SHARED_KEYS = (KEY_LANG, KEY_PRESENT, *FILTER_KEYS)


def _restore_after_page_switch() -> None:
    """Carry the shared filter across a page switch that dropped it from the URL.

    Streamlit (1.67) drops URL-seeded values of bound widgets on the first switch to
    another page after a link was opened. The last values drawn are kept here, and put
    back when the URL lost them without the user clearing them.
    """
    saved = st.session_state.get("_shared", {})
    if saved.get("_page") in (None, _page_hash()):
        return  # same page: whatever the widgets say is what the user chose
    for key, value in saved.items():
        if key in _SHARED_KEYS and key not in st.query_params and value not in (
                None, [], False, ()):
            st.session_state[key] = value


def _page_hash() -> str:
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else ""


def _remember_shared() -> None:
    saved: dict[str, object] = {k: st.session_state.get(k) for k in _SHARED_KEYS}
    saved["_page"] = _page_hash()
    st.session_state["_shared"] = saved


def sidebar(ds: Dataset) -> tuple[str, FilterState, bool]:
    """Draw the shared filters (bound to the URL) and return language, filter, present."""
    _check_url_once(ds)
    _restore_after_page_switch()
    with st.sidebar:
        st.radio(t("lang.label", current_lang()), list(LANGS), key=KEY_LANG,
                 format_func=LANG_LABELS.__getitem__, horizontal=True,
                 bind="query-params")
        lang = current_lang()
        present = st.toggle(t("present.label", lang), key=KEY_PRESENT,
                            help=t("present.help", lang), bind="query-params")
        st.header(t("filter.header", lang))
        opts = _options(ds)
        label = {KEY_PRODUCT: "filter.product", KEY_DEST: "filter.destination",
                 KEY_PREF: "filter.prefecture", KEY_ZONE: "filter.zone"}
        values: dict[str, list[str]] = {}
        for key in LIST_KEYS:
            values[key] = st.multiselect(
                t(label[key], lang), list(opts[key]), format_func=opts[key].__getitem__, key=key,
                bind="query-params", placeholder=t("filter.all", lang),
                help=t("filter.product.help", lang) if key == KEY_PRODUCT else None,
            )
        periods = ds.periods
        period = st.select_slider(t("filter.period", lang), periods,
                                  value=(periods[0], periods[-1]), key=KEY_PERIOD,
                                  bind="query-params")
        facts = st.toggle(t("filter.report_only", lang), key=KEY_FACTS,
                          help=t("filter.report_only.help", lang), bind="query-params")
        st.button(t("filter.reset", lang), on_click=_reset_filters, width="stretch")
        st.caption(t("filter.share", lang))
    _remember_shared()
    full = (periods[0], periods[-1])
    state = FilterState(
        products=tuple(values[KEY_PRODUCT]), destinations=tuple(values[KEY_DEST]),
        prefectures=tuple(values[KEY_PREF]), zones=tuple(values[KEY_ZONE]),
        period=None if tuple(period) == full else (period[0], period[1]),
        report_only=bool(facts),
    )
    return lang, state, bool(present)


def _leave_v1_multipage_mode() -> None:
    """Route a deep link through ``app.py`` even on a freshly started server.

    Streamlit treats a folder named ``pages/`` as a v1 multipage app until ``st.navigation``
    has run once; a first visitor arriving at ``/zones`` would otherwise get the page
    without the router (no page config, file names as navigation). Switch the flag off
    and rerun, so the router handles the same URL.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def context() -> Context | None:
    """Load, draw the sidebar and filter; on bad data draw the error page and return None."""
    _leave_v1_multipage_mode()
    result = load_data()
    lang = current_lang()
    if not result.ok or result.dataset is None:
        show_errors(result, lang)
        return None
    ds = result.dataset
    lang, state, present = sidebar(ds)
    return Context(ds=ds, lang=lang, state=state, view=apply_filters(ds, state),
                   present=present)


def show_errors(result: LoadResult, lang: str) -> None:
    st.error(t("err.page_title", lang))
    from_db = any(i.file.startswith("database") for i in result.issues)  # SQL backend (#8)
    st.write(t("err.page_hint_db" if from_db else "err.page_hint", lang))
    rows = [i.as_row(lang) for i in result.issues]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def header(ctx: Context, title_key: str) -> None:
    """Page title, the one-line filter summary, notices, and the illustrative banner."""
    lang = ctx.lang
    if ctx.present:
        st.html(PRESENT_CSS)
    st.html(PRINT_CSS)
    st.title(t(title_key, lang))
    st.caption(t("app.source_line", lang))
    st.info(t("filter.summary", lang, summary=summary(ctx.ds, ctx.state, lang)),
            icon=":material/filter_alt:")
    dropped = st.session_state.pop("_url_dropped", None)
    if dropped:
        items = "; ".join(f"{k}={v}" for k, v in dropped)
        st.toast(t("url.dropped", lang, items=items), icon=":material/link_off:")
        st.warning(t("url.dropped", lang, items=items))


def illustrative_banner(ctx: Context, shows_illustrative: bool) -> None:
    if ctx.state.report_only:
        st.success(t("banner.facts_only", ctx.lang), icon=":material/verified:")
    elif shows_illustrative:
        st.warning(t("banner.illustrative", ctx.lang), icon=":material/science:")


def empty_state(lang: str, hint_key: str = "empty.hint") -> None:
    st.info(f"**{t('empty.title', lang)}**  \n{t(hint_key, lang)}", icon=":material/search_off:")


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, formulas neutralised: the one CSV writer of every download."""
    return safe.csv_bytes(df)


def table_with_download(df: pd.DataFrame, file_stem: str, lang: str, key: str,
                        on_select: Callable[[], None] | None = None) -> None:
    """A table and, right under it, the same rows as a CSV download."""
    # Thousands separators on screen (the browser's locale); the CSV keeps plain numbers.
    config = {c: st.column_config.NumberColumn(format="localized")
              for c in df.columns if pd.api.types.is_float_dtype(df[c])}
    if on_select is None:
        st.dataframe(df, hide_index=True, width="stretch", key=key, column_config=config)
    else:
        st.dataframe(df, hide_index=True, width="stretch", key=key, column_config=config,
                     on_select=on_select, selection_mode="single-row")
    st.download_button(t("vol.download", lang), csv_bytes(df), file_name=f"{file_stem}.csv",
                       mime="text/csv", key=f"dl-{key}", icon=":material/download:")


def _selection_callback(widget_key: str, selection: str, field: str, target: str,
                        row_ids: list[str] | None, as_list: bool) -> Callable[[], None]:
    """A chart point or table row chosen → an id written to a bound widget's state.

    Runs as ``on_select`` callback, i.e. before the rerun, so the bound widget (and the
    URL) picks up the choice in the same run.
    """

    def _callback() -> None:
        event = st.session_state.get(widget_key)
        chosen = event.get("selection", {}) if hasattr(event, "get") else {}
        value = None
        if row_ids is not None:
            rows = chosen.get("rows", [])
            if rows and rows[0] < len(row_ids):
                value = row_ids[rows[0]]
        else:
            points = chosen.get(selection, [])
            if points:
                value = points[0].get(field)
        if value:
            st.session_state[target] = [value] if as_list else value

    return _callback


def select_profile_from_event(widget_key: str, row_ids: list[str] | None = None
                              ) -> Callable[[], None]:
    """A zone clicked on the map or chosen in the table opens its profile."""
    return _selection_callback(widget_key, ZONE_SELECTION, "zone_id", KEY_PROFILE, row_ids,
                               as_list=False)


def select_destination_from_event(widget_key: str, row_ids: list[str] | None = None
                                  ) -> Callable[[], None]:
    """A destination clicked on the map or chosen in the table filters every page."""
    return _selection_callback(widget_key, DEST_SELECTION, "iso3", KEY_DEST, row_ids,
                               as_list=True)


def page_option(container: DeltaGenerator, key: str, label_key: str, lang: str) -> str:
    """A page-level choice (segmented control) bound to the URL; never returns None."""
    default = PAGE_OPTION_DEFAULTS[key]
    value = container.segmented_control(
        t(label_key, lang), list(PAGE_OPTIONS[key]), key=key, default=default,
        format_func=lambda v: page_option_label(key, v), bind="query-params")
    return str(value or default)


def zone_labels(ds: Dataset) -> dict[str, str]:
    """Zone id → the label used by the zone filter and the profile picker."""
    return _options(ds)[KEY_ZONE]


def metric_rows(kpis: list[tuple[str, str, str]], per_row: int) -> None:
    """KPI tiles, ``per_row`` to a row so that long values are never cut off."""
    for start in range(0, len(kpis), per_row):
        cols = st.columns(per_row)
        for col, (label, value, help_text) in zip(cols, kpis[start:start + per_row],
                                                   strict=False):
            col.metric(label, value, help=help_text, border=True)


# -- SQL backend (#8) -------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _engine_for_url(url: str) -> Engine:
    from zones.sql import engine_from_url

    return engine_from_url(url)


def _secrets_name_a_database() -> bool:
    try:
        return "zones" in st.secrets.get("connections", {})
    except (FileNotFoundError, KeyError, ValueError, OSError):
        return False  # no secrets.toml at all: the files are the source


def database_engine() -> Engine | None:
    """$ZONES_DATABASE_URL, else ``[connections.zones]`` in secrets.toml, else None (files)."""
    url = os.environ.get("ZONES_DATABASE_URL", "").strip()
    if url:
        return _engine_for_url(url)
    if _secrets_name_a_database():
        # The section passed on as well: st.connection reads the secrets file itself, but
        # an explicit copy also reaches it where only st.secrets is set (AppTest).
        section = {k: v for k, v in st.secrets["connections"]["zones"].items() if k != "type"}
        section.setdefault("pool_pre_ping", True)  # survive a database restart
        return st.connection("zones", type="sql", **section).engine
    return None


@st.cache_resource(show_spinner=False, max_entries=2)
def _load_database_cached(_engine: Engine, url: str, version: int) -> LoadResult:
    # Keyed on the data version: a write anywhere (any replica, the CLI) bumps it, and the
    # next rerun of every session loads the new data once per process.
    from zones.sql import load_sql

    return load_sql(_engine, data_dir())


def load_database(engine: Engine) -> LoadResult:
    """One cheap query per rerun (the data version), then the cached dataset of it."""
    from zones.sql import data_version, db_issue, load_sql

    try:
        version = data_version(engine)
    except SQLAlchemyError as exc:
        return LoadResult(None, (db_issue(exc),))
    if version is None:
        return load_sql(engine, data_dir())  # not loaded yet: say so, cache nothing
    url = engine.url.render_as_string(hide_password=True)
    return _load_database_cached(engine, url, version)
