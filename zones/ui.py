"""The Streamlit boundary: the cached load, the shared sidebar, and common page parts.

This is the only module of the package that imports Streamlit. Pages call it to get
the language, the filter and the filtered ``View``, then draw what ``zones.*`` builds.
Nothing here passes data from a file or a user into HTML.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from zones.filters import FilterState, View, apply_filters, dropped_params, summary
from zones.i18n import DEFAULT_LANG, LANG_LABELS, LANGS, name_col, t
from zones.loading import CsvSource, LoadResult, data_dir, load
from zones.maps import DEST_SELECTION, ZONE_SELECTION
from zones.model import CATEGORIES, Dataset

# URL keys of every bound widget: the filter, the language, and page-level view options.
KEY_LANG, KEY_PRESENT = "lang", "present"
KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE = "product", "dest", "pref", "zone"
KEY_PERIOD, KEY_FACTS = "period", "facts"
KEY_PROFILE, KEY_STEP, KEY_BY, KEY_MEASURE = "profile", "step", "by", "measure"
FILTER_KEYS = (KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE, KEY_PERIOD, KEY_FACTS)
# Page-level view options (volumes page): URL key → default value.
PAGE_OPTION_DEFAULTS = {KEY_STEP: "yearly", KEY_BY: "product", KEY_MEASURE: "tonnes"}
PAGE_OPTIONS = {KEY_STEP: ("monthly", "yearly"), KEY_BY: ("product", "destination", "zone"),
                KEY_MEASURE: ("tonnes", "value_usd", "consignments")}
_PAGE_OPTION_KEYS = {KEY_STEP: "vol.{}", KEY_BY: "vol.by.{}", KEY_MEASURE: "col.{}"}


def page_option_label(key: str, value: str, lang: str) -> str:
    """How a page-level option reads on screen (and so in the URL)."""
    return t(_PAGE_OPTION_KEYS[key].format(value), lang)
LIST_KEYS = (KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE)

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
    by_label = {label: code for code, label in LANG_LABELS.items()}
    return by_label.get(st.query_params.get(KEY_LANG, ""), DEFAULT_LANG)


def _product_options(ds: Dataset, lang: str) -> tuple[list[str], Callable[[str], str]]:
    order = {c: i for i, c in enumerate(CATEGORIES)}
    prods = ds.products.assign(o=ds.products["category"].map(order)).sort_values(
        ["o", "product_id"])
    name = "name_zh" if lang == "zh" else "name_en"
    labels = {  # "category · product", or just the name where they coincide (人参)
        p: n if t(f"cat.{c}", lang) == n else f"{t(f'cat.{c}', lang)} · {n}"
        for p, c, n in zip(prods["product_id"], prods["category"], prods[name], strict=True)
    }
    return list(labels), labels.__getitem__


def _lookup(df: pd.DataFrame, key: str, col: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in zip(df[key], df[col], strict=True)}


def _options(ds: Dataset, lang: str) -> dict[str, tuple[list[str], Callable[[str], str]]]:
    nc = "name_zh" if lang == "zh" else "name_en"
    dests = _lookup(ds.destinations.sort_values(nc), "iso3", nc)
    prefs_df = ds.counties.drop_duplicates("prefecture_adcode").sort_values(
        "prefecture_adcode")
    prefs = _lookup(prefs_df, "prefecture_adcode",
                    "prefecture_zh" if lang == "zh" else "prefecture_en")
    zones = _lookup(ds.zones, "zone_id", nc)
    return {
        KEY_PRODUCT: _product_options(ds, lang),
        KEY_DEST: (list(dests), dests.__getitem__),
        KEY_PREF: (list(prefs), prefs.__getitem__),
        KEY_ZONE: (list(zones), zones.__getitem__),
    }


def _valid_url_values(ds: Dataset, lang: str) -> dict[str, set[str]]:
    valid = {k: {fmt(o) for o in opts} for k, (opts, fmt) in _options(ds, lang).items()}
    valid[KEY_LANG] = set(LANG_LABELS.values())
    valid[KEY_PERIOD] = set(ds.periods)
    valid[KEY_FACTS] = valid[KEY_PRESENT] = {"true", "false"}
    valid[KEY_PROFILE] = {str(n) for n in ds.zones["name_zh" if lang == "zh" else "name_en"]}
    for key, values in PAGE_OPTIONS.items():
        valid[key] = {page_option_label(key, v, lang) for v in values}
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
    lang = "en" if raw.get(KEY_LANG, [""])[-1] == LANG_LABELS["en"] else "zh"
    dropped = dropped_params(raw, _valid_url_values(ds, lang))
    if dropped:
        st.session_state["_url_dropped"] = dropped


def _relabel_on_lang_change() -> None:
    """Widgets keep ids; re-assigning them makes the URL carry the new language's labels."""
    for key in (*LIST_KEYS, KEY_PROFILE):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    st.session_state["_relabelled"] = True


def _url_params(ds: Dataset, lang: str) -> dict[str, str | list[str]]:
    """The bound widgets' current values as URL parameters, labelled in ``lang``."""
    params: dict[str, str | list[str]] = {}
    if lang != DEFAULT_LANG:
        params[KEY_LANG] = LANG_LABELS[lang]
    for key, (_, fmt) in _options(ds, lang).items():
        values = st.session_state.get(key) or []
        if values:
            params[key] = [fmt(v) for v in values]
    period = st.session_state.get(KEY_PERIOD)
    if period and tuple(period) != (ds.periods[0], ds.periods[-1]):
        params[KEY_PERIOD] = list(period)
    for key in (KEY_FACTS, KEY_PRESENT):
        if st.session_state.get(key):
            params[key] = "true"
    profile = st.session_state.get(KEY_PROFILE)
    if profile:
        params[KEY_PROFILE] = _lookup(ds.zones, "zone_id", name_col(lang))[profile]
    for key, value in PAGE_OPTION_DEFAULTS.items():
        chosen = st.session_state.get(key)
        if chosen and chosen != value:
            params[key] = page_option_label(key, chosen, lang)
    return params


def _reset_filters() -> None:
    for key in LIST_KEYS:
        st.session_state[key] = []
    st.session_state.pop(KEY_PERIOD, None)
    st.session_state[KEY_FACTS] = False


def sidebar(ds: Dataset) -> tuple[str, FilterState, bool]:
    """Draw the shared filters (bound to the URL) and return language, filter, present."""
    _check_url_once(ds)
    with st.sidebar:
        st.radio(t("lang.label", current_lang()), list(LANGS), key=KEY_LANG,
                 format_func=LANG_LABELS.__getitem__, horizontal=True,
                 bind="query-params", on_change=_relabel_on_lang_change)
        lang = current_lang()
        present = st.toggle(t("present.label", lang), key=KEY_PRESENT,
                            help=t("present.help", lang), bind="query-params")
        st.header(t("filter.header", lang))
        opts = _options(ds, lang)
        label = {KEY_PRODUCT: "filter.product", KEY_DEST: "filter.destination",
                 KEY_PREF: "filter.prefecture", KEY_ZONE: "filter.zone"}
        values: dict[str, list[str]] = {}
        for key in LIST_KEYS:
            options, fmt = opts[key]
            values[key] = st.multiselect(
                t(label[key], lang), options, format_func=fmt, key=key,
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
    if st.session_state.pop("_relabelled", False) and "_page" in st.session_state:
        # Bound widgets keep their old-language labels in the URL until the next user
        # action; reload the page with the URL rewritten in the new language instead.
        st.switch_page(st.session_state["_page"], query_params=_url_params(ds, lang))
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
    st.write(t("err.page_hint", lang))
    rows = [i.as_row(lang) for i in result.issues]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def header(ctx: Context, title_key: str) -> None:
    """Page title, the one-line filter summary, notices, and the illustrative banner."""
    lang = ctx.lang
    if ctx.present:
        st.html(PRESENT_CSS)
    st.html(PRINT_CSS)
    st.title(t(title_key, lang))
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
    """UTF-8 with BOM so that Excel in Chinese opens it without mojibake."""
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")


def table_with_download(df: pd.DataFrame, file_stem: str, lang: str, key: str,
                        on_select: Callable[[], None] | None = None) -> None:
    """A table and, right under it, the same rows as a CSV download."""
    if on_select is None:
        st.dataframe(df, hide_index=True, width="stretch", key=key)
    else:
        st.dataframe(df, hide_index=True, width="stretch", key=key, on_select=on_select,
                     selection_mode="single-row")
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
        format_func=lambda v: page_option_label(key, v, lang), bind="query-params")
    return str(value or default)
