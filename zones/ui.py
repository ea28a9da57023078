"""The Streamlit boundary: the cached load, the shared sidebar, and common page parts.

This is the only module of the package that imports Streamlit. Pages call it to get
the language, the filter and the filtered ``View``, then draw what ``zones.*`` builds.
Nothing here passes data from a file or a user into HTML.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from zones import safe, store
from zones.brief import BriefOptions
from zones.brief_export import FORMATS
from zones.columnar import compact
from zones.filters import FilterState, View, apply_filters, summary
from zones.geoassets import LAYER_FILES, Geometry, served_geometry
from zones.i18n import DEFAULT_LANG, LANG_LABELS, LANGS, t
from zones.ingest import skipped_lines
from zones.links import (
    FILTER_KEYS,
    KEY_BY,
    KEY_DEST,
    KEY_FACTS,
    KEY_INTERVAL,
    KEY_LANG,
    KEY_MEASURE,
    KEY_PERIOD,
    KEY_PREF,
    KEY_PRESENT,
    KEY_PRODUCT,
    KEY_PROFILE,
    KEY_RUNSHEET,
    KEY_RUNSHEET_STEP,
    KEY_ZONE,
    LIST_KEYS,
    PAGE_OPTION_DEFAULTS,
    PAGE_OPTIONS,
    address_query,
    canonical_query,
    link_for,
    page_option_label,
)
from zones.links import build_options as _build_options
from zones.loading import CsvSource, LoadResult, data_dir, load
from zones.maps import DEST_SELECTION, ZONE_SELECTION
from zones.metrics import download_tables
from zones.model import Dataset, GeoData
from zones.offline import keep_streamlit_offline
from zones.validation import Issue

if TYPE_CHECKING:  # SQLAlchemy is imported only when a database is configured (#8)
    from sqlalchemy.engine import Engine

# URL keys, page options and the link parser live in zones/links.py (pure; run-sheets use it).
KEY_STEP = KEY_INTERVAL  # the volumes page's monthly/yearly option (URL key "interval")

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


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_cached(root: str, fingerprint: tuple[tuple[str, int, int], ...]) -> LoadResult:
    # cache_resource, not cache_data: the dataset is read-only for every page, and
    # cache_data's copy per rerun cost ~44 ms (bench: pickle round trip of LoadResult).
    # ``fingerprint`` (mtime + size of every file) is part of the key, so an import
    # applied by any process is picked up by every process on its next rerun.
    result = load(CsvSource(Path(root)))
    # Categorical ids for fast filters and group-bys at 1 M rows (issue 8, zones/columnar.py).
    return replace(result, dataset=compact(result.dataset)) if result.dataset else result


def load_data() -> LoadResult:
    """The one cached load of the data folder; every page reads through it."""
    if (engine := database_engine()) is not None:  # SQL backend (#8), when configured
        return load_database(engine)
    root = data_dir()
    store.recover_if_idle(root)  # an import killed between its file swaps is rolled back
    return _load_cached(str(root), store.data_fingerprint(root))


@dataclass(frozen=True)
class Context:
    """What every page needs: data, language, the filter and its result."""

    ds: Dataset
    lang: str
    state: FilterState
    view: View
    present: bool
    geometry: Geometry = "inline"  # "url": maps reference the served boundary files


def current_lang() -> str:
    """The language widget's value; before it exists (first run, error page), the URL's."""
    value = st.session_state.get(KEY_LANG)
    if value in LANGS:
        return str(value)
    by_label = {label: code for code, label in LANG_LABELS.items()} | {c: c for c in LANGS}
    return by_label.get(st.query_params.get(KEY_LANG, ""), DEFAULT_LANG)


def _valid_url_values(ds: Dataset) -> dict[str, set[str]]:
    valid = {k: set(labels.values()) for k, labels in _options(ds).items()}
    valid[KEY_LANG] = set(LANG_LABELS.values())
    valid[KEY_PERIOD] = set(ds.periods)
    valid[KEY_FACTS] = valid[KEY_PRESENT] = {"true", "false"}
    valid[KEY_PROFILE] = set(valid[KEY_ZONE])
    for key, values in PAGE_OPTIONS.items():
        valid[key] = {page_option_label(key, v) for v in values}
    return valid


def _check_url_once(ds: Dataset, page: StreamlitPage | None = None) -> None:
    """Put a typed or pasted link into its canonical form before any widget reads it.

    Runs once per session, before the bound widgets exist. Streamlit 1.67 seeds a bound
    widget only from a URL value that is one of its option labels and clears any other
    value from the address bar, even when session state chose the option (it writes a
    programmatic value back only for a widget that existed in an earlier run). So ids,
    plain names, ``?lang=en`` or ``?present=1`` are rewritten here to the labels the
    widgets write (``zones.links.address_query``) and the run restarts on that URL: the
    widgets seed from it and the address bar keeps it. Values that mean nothing are
    dropped, with the notice drawn by ``header``.
    """
    if "_url_checked" in st.session_state:
        return
    st.session_state["_url_checked"] = True
    raw = {k: st.query_params.get_all(k) for k in st.query_params}
    params, problems = canonical_query(ds, raw)
    if problems:
        st.session_state["_url_dropped"] = [(p.key, p.value) for p in problems]
    shown = address_query(ds, params, _options(ds))
    wanted = {k: v if isinstance(v, list) else [v] for k, v in sorted(shown.items())}
    if list(wanted.items()) == list(raw.items()):  # order too: one view, one address
        return
    if page is not None:  # switch_page waits until the browser has the new address
        st.switch_page(page, query_params=wanted)
    st.query_params.from_dict(wanted)
    st.rerun()


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


def sidebar(ds: Dataset, page: StreamlitPage | None = None) -> tuple[str, FilterState, bool]:
    """Draw the shared filters (bound to the URL) and return language, filter, present."""
    _check_url_once(ds, page)
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
        _follow_new_periods(periods)  # after an import or undo (#6)
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
    if (shared := st.session_state.pop(_SHARED_CONTEXT, None)) is not None:
        briefing_export(shared)  # the entrypoint drew the sidebar this run (#16)
        return shared
    lang = current_lang()
    with st.spinner(t("load.progress", lang), show_time=True):  # a big folder takes seconds
        result = load_data()
    if not result.ok or result.dataset is None:
        show_errors(result, lang)
        return None
    ds = result.dataset
    from zones.ui_runsheet import before_sidebar

    before_sidebar(ds)  # run-sheets (#16): a linked step's view, before the widgets exist
    lang, state, present = sidebar(ds)
    ctx = Context(ds=ds, lang=lang, state=state, view=apply_filters(ds, state),
                  present=present, geometry=map_geometry(ds.geo))
    briefing_export(ctx)
    return ctx


def show_errors(result: LoadResult, lang: str) -> None:
    st.error(t("err.page_title", lang))
    if any(i.file.startswith("database") for i in result.issues):  # SQL backend (#8)
        st.markdown(t("err.page_hint_db", lang))
    else:
        st.markdown(t("err.page_hint_dir", lang, folder=safe.plain(data_dir(), limit=500)))
    st.dataframe(issue_table(result, lang), hide_index=True, width="stretch")


def header(ctx: Context, title_key: str) -> None:
    """Page title, the one-line filter summary, notices, and the illustrative banner."""
    lang = ctx.lang
    if ctx.present:
        st.html(PRESENT_CSS)
    st.html(PRINT_CSS + PHONE_CSS)
    from zones.ui_runsheet import page_tools

    page_tools(ctx, title_key.removeprefix("page."))  # run-sheets (#16): presenter bar, editor
    st.title(t(title_key, lang))
    if ctx.present:  # one line, the full text one click away (#16)
        present_line(ctx)
    else:
        st.caption(t("app.source_line", lang))
        st.info(t("filter.summary", lang,
                  summary=safe.plain(summary(ctx.ds, ctx.state, lang), limit=2000)),
                icon=":material/filter_alt:")
    dropped = st.session_state.pop("_url_dropped", None)
    if dropped:
        items = safe.plain("; ".join(f"{k}={v}" for k, v in dropped))  # from the link: text
        st.toast(t("url.dropped", lang, items=items), icon=":material/link_off:")
        st.warning(t("url.dropped", lang, items=items))
        forget_unknown_url_keys(ctx.ds, [k for k, _ in dropped])


def illustrative_banner(ctx: Context, shows_illustrative: bool) -> None:
    if ctx.present and present_marking(ctx, shows_illustrative):
        return
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
    csv_download(t("vol.download", lang), lambda: df, f"{file_stem}.csv", f"dl-{key}")


def csv_download(label: str, frame: Callable[[], pd.DataFrame], file_name: str, key: str,
                 where: DeltaGenerator | None = None) -> None:
    """A CSV download built when clicked (Streamlit's deferred data), neutralised.

    Nothing is built per rerun, a database table is read only on click, and a newer
    rerun can no longer replace the file before the browser fetches it (the load test's
    404s). ``on_click="ignore"``: a download is not a reason to rerun the page.
    """
    (where or st).download_button(label, lambda: csv_bytes(frame()), file_name=file_name,
                                  mime="text/csv", key=key, icon=":material/download:",
                                  on_click="ignore")


def file_downloads(ds: Dataset) -> None:
    """One button per data file, as loaded (a database's volumes are read on click)."""
    cols = st.columns(4)
    for i, (name, table) in enumerate(download_tables(ds).items()):
        csv_download(name, table, name, f"dl-file-{name}", cols[i % 4])


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
            col.metric(safe.plain(label), value, border=True,
                       help=safe.plain(help_text, limit=2000) if help_text else None)


# --- wording, labelled maps and the briefing layout (#9) ---------------------------------

def first_export_list(ds: Dataset, cards: pd.DataFrame, lang: str) -> None:
    """The five first exports as one compact bordered list, to sit beside the map.

    Product and country names come from data files, so they go through ``safe.plain``;
    the citation is on hover.
    """
    from zones.metrics import citation

    with st.container(border=True):
        for card in cards.itertuples():
            st.markdown(f"**{safe.plain(card.product)} → {safe.plain(card.destination)}**",
                        help=safe.plain(citation(ds, str(card.fact_id), lang), limit=2000))
            st.caption(t("first.card", lang, year=card.year))
        st.caption(t("first.zones_unknown", lang))


# -- loader hardening (#10) ------------------------------------------------------------


def issue_table(result: LoadResult, lang: str) -> pd.DataFrame:
    """The error page's table, all text: a blank line number next to numbers made Arrow
    log a conversion traceback on every render."""
    rows = [{k: "" if v is None else str(v) for k, v in i.as_row(lang).items()}
            for i in result.issues]
    return pd.DataFrame(rows, dtype="string")


def forget_unknown_url_keys(ds: Dataset, keys: list[str]) -> None:
    """After the notice, drop keys no widget reads from the address bar, so a pasted or
    hostile link does not bring the warning back on every open of the copied address."""
    known = set(_valid_url_values(ds))
    for key in keys:
        if key not in known and key in st.query_params:
            del st.query_params[key]



# --- import (#6) ---
# The "Update data" part of the Data page. Shown only when an admin password is configured
# (st.secrets["zones_admin_password"] or $ZONES_ADMIN_PASSWORD) and entered; viewers never
# get the widgets, the upload or the apply/undo buttons.
ADMIN_SECRET = "zones_admin_password"
ADMIN_ENV = "ZONES_ADMIN_PASSWORD"
_FAILED_LOGINS = {"n": 0}  # process-wide: a new session does not reset the slowdown
_KEY_ADMIN = "_import_admin"


def _follow_new_periods(periods: list[str]) -> None:
    """After an import adds months (or an undo removes them), a period slider left at the
    full range follows the new full range; one pointing at months that are gone resets."""
    full = (periods[0], periods[-1])
    old = st.session_state.get("_period_full")
    st.session_state["_period_full"] = full
    current = st.session_state.get(KEY_PERIOD)
    if old is None or tuple(old) == full or current is None:
        return
    if tuple(current) == tuple(old) or any(v not in periods for v in current):
        st.session_state.pop(KEY_PERIOD, None)


def _admin_password() -> str:
    try:
        secret = st.secrets.get(ADMIN_SECRET)
    except Exception:  # no secrets.toml at all: Streamlit raises, editing is just off
        secret = None
    return str(secret or os.environ.get(ADMIN_ENV) or "")


def editing_configured() -> bool:
    return bool(_admin_password())


def _try_login() -> None:
    """Button callback (runs before the rerun, so no rerun can swallow the click)."""
    given = str(st.session_state.get("_import_pw") or "")
    st.session_state["_import_pw"] = ""
    misses = _FAILED_LOGINS["n"]
    if misses >= 3:  # a few wrong tries slow every next one, for every session
        time.sleep(min(2 ** (misses - 2), 30))
    if hmac.compare_digest(given.encode(), _admin_password().encode()):
        _FAILED_LOGINS["n"] = 0
        st.session_state[_KEY_ADMIN] = True
        st.session_state.pop("_import_login_failed", None)
    else:
        _FAILED_LOGINS["n"] = misses + 1
        st.session_state["_import_login_failed"] = True


def _login(lang: str) -> bool:
    """Password field; constant-time compare; after 3 misses each try waits longer."""
    if st.session_state.get(_KEY_ADMIN):
        return True
    with st.container(border=True):
        st.text_input(t("import.password", lang), type="password", key="_import_pw")
        st.button(t("import.login", lang), icon=":material/lock_open:", key="import_login",
                  on_click=_try_login)
    if st.session_state.get("_import_login_failed"):  # kept until the next try
        st.error(t("import.wrong_password", lang), icon=":material/lock:")
    return False


def data_store() -> store.Store:
    """Where imports go: the configured database (#8), else the data folder."""
    engine = database_engine()
    if engine is None:
        return store.FileStore(data_dir())
    from zones.sql_store import SqlStore

    return SqlStore(engine, data_dir())


@st.cache_data(show_spinner=False, max_entries=16)
def _template_bytes(table: str, lang: str, with_data: bool, where: str,
                    version: Hashable) -> bytes:
    from zones.templates import build_template

    result = load_data()
    rows = data_store().read_table(table) if with_data else None
    assert result.dataset is not None
    return build_template(table, lang, result.dataset, rows)


def _issues_frame(issues: Sequence[Issue], lang: str) -> pd.DataFrame:
    return pd.DataFrame([i.as_row(lang) for i in issues])


def _plan_for(ctx: Context, data: bytes, name: str, table: str, mode: str, user: str
              ) -> store.Plan:
    """Parse and check an upload once per (file, table, mode, data version), with progress."""
    from zones.templates import read_upload

    target = data_store()
    key = (store.sha256(data), name, table, mode, user, target.label, target.version())
    cached = st.session_state.get("_import_plan")
    if cached and cached[0] == key:
        return cached[1]
    lang = ctx.lang
    bar = st.progress(0.0, text=t("import.progress.read", lang))
    parsed = read_upload(data, name, table, ctx.ds)
    bar.progress(0.4, text=t("import.progress.check", lang, rows=(
        0 if parsed.frame is None else len(parsed.frame))))
    plan = target.plan_import(parsed, mode, user)
    bar.progress(1.0, text=t("import.progress.done", lang))
    bar.empty()
    st.session_state["_import_plan"] = (key, plan)
    st.session_state.pop("_import_outcome", None)
    return plan


def _show_mapping(plan: store.Plan, lang: str) -> None:
    parsed = plan.parsed
    rows = [{t("import.col.header", lang): m.header, t("import.col.column", lang): m.column,
             t("import.col.factor", lang): "" if m.factor == 1 else f"×{m.factor:g}"}
            for m in parsed.columns]
    rows += [{t("import.col.header", lang): h, t("import.col.column", lang):
              t("import.ignored", lang), t("import.col.factor", lang): ""}
             for h in parsed.unmatched]
    st.markdown(f"**{t('import.mapping', lang)}**")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="import_mapping")
    if parsed.skipped:
        st.caption(t("import.skipped", lang, lines=", ".join(
            f"{skipped_lines(s)} ({t(s.reason, lang)})" for s in parsed.skipped[:50])))


def _show_preview(plan: store.Plan, lang: str) -> None:
    d = plan.diff
    assert d is not None
    st.markdown(f"**{t('import.preview', lang)}**")
    cols = st.columns(4)
    for col, (k, v) in zip(cols, (("import.added", d.added), ("import.changed", d.changed),
                                  ("import.removed", d.removed),
                                  ("import.unchanged", d.unchanged)), strict=True):
        col.metric(t(k, lang), f"{v:,}", border=True)
    if d.sums_before:
        sums = pd.DataFrame([{t("import.col.measure", lang): t(f"col.{m}", lang),
                              t("import.col.before", lang): store.fmt_sum(d.sums_before[m]),
                              t("import.col.after", lang): store.fmt_sum(d.sums_after[m])}
                             for m in d.sums_before])
        st.dataframe(sums, hide_index=True, width="stretch", key="import_sums")
    tabs = st.tabs([t("import.added", lang), t("import.changed", lang),
                    t("import.removed", lang)])
    for tab, frame, key in zip(tabs, (d.added_rows, d.changed_cells, d.removed_rows),
                               ("added", "changed", "removed"), strict=True):
        with tab:
            if frame.empty:
                st.caption(t("import.none", lang))
            else:
                st.dataframe(frame, hide_index=True, width="stretch", key=f"import_{key}")


def import_section(ctx: Context) -> None:
    """Data page: choose table and mode → upload → mapping + problems or preview → apply."""
    lang = ctx.lang
    if not editing_configured():
        return
    st.subheader(t("import.title", lang))
    if not _login(lang):
        return
    from zones.ingest import TABLES

    target = data_store()
    st.caption(t("import.intro", lang))
    _show_outcome(lang)
    for key in ("import_table", "import_mode"):  # kept across a page switch
        if key not in st.session_state and f"_{key}" in st.session_state:
            st.session_state[key] = st.session_state[f"_{key}"]
    a, b, c = st.columns([2, 2, 2])
    table = a.selectbox(t("import.table", lang), list(TABLES), key="import_table",
                        format_func=lambda v: t(f"import.table.{v}", lang))
    mode = b.radio(t("import.mode", lang), list(store.MODES), key="import_mode",
                   format_func=lambda v: t(f"import.mode.{v}", lang))
    st.session_state["_import_table"], st.session_state["_import_mode"] = table, mode
    user = c.text_input(t("import.user", lang), value="admin", key="import_user",
                        max_chars=60).strip() or "admin"
    fp = target.version()
    d1, d2 = st.columns(2)
    d1.download_button(t("import.template", lang),
                       _template_bytes(table, lang, False, target.label, fp),
                       file_name=f"template-{table}-{lang}.xlsx", mime=_XLSX,
                       icon=":material/download:", key="import_tpl_empty")
    d2.download_button(t("import.template_data", lang),
                       _template_bytes(table, lang, True, target.label, fp),
                       file_name=f"{table}-{lang}.xlsx", mime=_XLSX,
                       icon=":material/download:", key="import_tpl_data")
    nonce = st.session_state.get("_import_nonce", 0)
    upload = st.file_uploader(
        t("import.upload", lang, mb=store.MAX_UPLOAD_BYTES // 2**20, rows=store.MAX_ROWS),
        type=["csv", "txt", "xlsx"], key=f"import_upload_{nonce}",
        max_upload_size=store.MAX_UPLOAD_BYTES // 2**20)
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > store.MAX_UPLOAD_BYTES:
        st.error(t("err.upload_too_large", lang, size=f"{len(data) / 2**20:.1f} MB",
                   limit=f"{store.MAX_UPLOAD_BYTES // 2**20} MB"))
        return
    plan = _plan_for(ctx, data, upload.name, table, mode, user)
    _show_mapping(plan, lang)
    if not plan.ok:
        st.error(t("import.refused", lang, n=len(plan.issues)), icon=":material/block:")
        problems = _issues_frame(plan.issues, lang)
        st.dataframe(problems, hide_index=True, width="stretch", key="import_problems")
        st.download_button(t("import.problems_download", lang), csv_bytes(problems),
                           file_name="import-problems.csv", mime="text/csv",
                           icon=":material/download:", key="import_problems_dl")
        return
    assert plan.diff is not None
    if not plan.diff.any:
        st.info(t("import.no_changes", lang), icon=":material/check:")
        return
    _show_preview(plan, lang)
    st.button(t("import.apply", lang), type="primary", icon=":material/publish:",
              key="import_apply", on_click=_apply_plan, args=(lang,))


def _store_outcome(lang: str, action: Callable[[], str]) -> None:
    """Run an apply/undo inside a button callback and keep its outcome for the page."""
    try:
        st.session_state["_import_outcome"] = ("success", action())
    except store.Busy:
        st.session_state["_import_outcome"] = ("busy", t("err.busy", lang))
    except store.StoreError as exc:
        st.session_state["_import_outcome"] = ("error", exc.issues)
    except OSError as exc:  # read-only folder, disk full…: said plainly, nothing half-written
        st.session_state["_import_outcome"] = ("error", [Issue(
            data_store().label, None, None, "write_failed", {"detail": exc.strerror or str(exc)})])


def _apply_plan(lang: str) -> None:
    cached = st.session_state.get("_import_plan")
    if not cached:
        return

    def run() -> str:
        entry = data_store().apply(cached[1])
        st.session_state["_import_nonce"] = st.session_state.get("_import_nonce", 0) + 1
        st.session_state.pop("_import_plan", None)
        return t("import.applied", lang, entry=entry.entry_id)

    _store_outcome(lang, run)


def _show_outcome(lang: str) -> None:
    outcome = st.session_state.get("_import_outcome")
    if not outcome:
        return
    kind, payload = outcome
    if kind == "success":
        st.success(payload, icon=":material/check_circle:")
    elif kind == "busy":
        st.warning(payload, icon=":material/hourglass_top:")
    else:
        st.error(t("import.refused", lang, n=len(payload)), icon=":material/block:")
        st.dataframe(_issues_frame(payload, lang), hide_index=True, width="stretch",
                     key="import_outcome_issues")


def undo_section(ctx: Context) -> None:
    """Admin only: revert the last import not yet undone."""
    lang = ctx.lang
    if not (editing_configured() and st.session_state.get(_KEY_ADMIN)):
        return
    target = data_store().undo_target()
    if target is None:
        return
    st.caption(t("import.undo_target", lang, file=target.file_name, when=target.when,
                 user=target.user))
    st.button(t("import.undo", lang), icon=":material/undo:", key="import_undo",
              on_click=_undo_last, args=(lang,))


def _undo_last(lang: str) -> None:
    def run() -> str:
        entry = data_store().undo(st.session_state.get("import_user") or "admin")
        st.session_state.pop("_import_plan", None)
        return t("import.undone", lang, entry=entry.undoes, file=entry.file_name)

    _store_outcome(lang, run)


def history_section(ctx: Context) -> None:
    """Every import and undo of the data folder (everyone sees where the data came from)."""
    lang = ctx.lang
    st.subheader(t("import.history", lang))
    frame = store.entries_frame(data_store().history(), lang)
    if frame.empty:
        st.caption(t("hist.empty", lang))
    else:
        st.dataframe(frame, hide_index=True, width="stretch", key="import_history")
    undo_section(ctx)


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"



# --- briefing export (#7) ---
_BRIEF_RESULT = "_brief_result"
_BRIEF_REQUESTED = "_brief_requested"
KEY_BRIEF_FORMAT = "brief_format"


def _page_option_value(key: str) -> str:
    """A volumes-page option as last chosen: its widget, else the link, else the default."""
    value = st.session_state.get(key)
    if value in PAGE_OPTIONS[key]:
        return str(value)
    by_label = {page_option_label(key, v): v for v in PAGE_OPTIONS[key]}
    return by_label.get(st.query_params.get(key, ""), PAGE_OPTION_DEFAULTS[key])


def brief_options() -> BriefOptions:
    """The volume charts of the deck are the ones the volumes page shows."""
    return BriefOptions(by=_page_option_value(KEY_BY), measure=_page_option_value(KEY_MEASURE),
                        yearly=_page_option_value(KEY_STEP) == "yearly")


def briefing_export(ctx: Context) -> None:
    """Sidebar control: build a briefing of this view on click, then offer the download.

    The deck is built only when the button is pressed (never on a rerun) and kept in the
    session with the request it answers; a changed filter, language or format asks for a
    new build instead of offering a stale file.
    """
    lang = ctx.lang
    with st.sidebar:
        st.divider()
        st.subheader(t("brief.title", lang))
        fmt = st.radio(t("brief.format", lang), FORMATS, key=KEY_BRIEF_FORMAT,
                       format_func=lambda f: t(f"brief.format.{f}", lang),
                       help=t("brief.help", lang))
        options = brief_options()
        today = dt.date.today()
        request = (fmt, lang, ctx.state, options, today)
        # A callback flag rather than the button's return value, which AppTest runs of
        # this multipage app lost; the flag is read (and cleared) exactly once.
        st.button(t("brief.build", lang), key="brief_build", width="stretch",
                  icon=":material/slideshow:", on_click=_request_briefing)
        if st.session_state.pop(_BRIEF_REQUESTED, False):
            _build_briefing(ctx, str(fmt), options, today, request)
        done = st.session_state.get(_BRIEF_RESULT)
        if done and done["request"] == request:
            st.download_button(t("brief.download", lang), done["data"],
                               file_name=done["filename"], mime=done["mime"],
                               key="brief_download", icon=":material/download:",
                               on_click="ignore", width="stretch")
            st.caption(safe.plain(done["filename"]))
        elif done:
            st.caption(t("brief.stale", lang))


def _request_briefing() -> None:
    st.session_state[_BRIEF_REQUESTED] = True


def _build_briefing(ctx: Context, fmt: str, options: BriefOptions, today: dt.date,
                    request: tuple) -> None:
    from zones.brief_export import export_isolated
    from zones.brief_images import FontMissing

    lang = ctx.lang
    with st.status(t("brief.status.running", lang), expanded=True) as status:
        bar = st.progress(0.0)

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(1.0, max(0.0, fraction)), text=message)

        started = time.perf_counter()
        try:
            out = export_isolated(ctx.ds, ctx.state, lang, today, fmt, options, progress)
        except FontMissing as exc:
            detail = str(exc)
        except Exception as exc:  # a failed export must leave the page working
            logging.getLogger("zones").exception("briefing export failed")
            detail = type(exc).__name__
        else:
            st.session_state[_BRIEF_RESULT] = {"request": request, "data": out.data,
                                               "filename": out.filename, "mime": out.mime}
            seconds = time.perf_counter() - started  # as the user waited, worker included
            status.update(label=t("brief.status.done", lang, seconds=f"{seconds:.1f}"),
                          state="complete", expanded=False)
            return
        st.session_state.pop(_BRIEF_RESULT, None)
        status.update(label=t("brief.status.failed", lang), state="error", expanded=True)
        st.error(safe.plain(t("brief.err.failed", lang, detail=detail), limit=1200),
                 icon=":material/error:")



# --- issue 8: maps sent once ------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _served_geometry(root: str, geo_id: int, _geo: GeoData) -> Geometry:
    return served_geometry({key: getattr(_geo, key) for key in LAYER_FILES})


def map_geometry(geo: GeoData) -> Geometry:
    """``url`` when static/geo/ serves exactly the loaded boundaries (checked once)."""
    return _served_geometry(str(data_dir()), id(geo), geo)


_OPTIONS: dict[int, tuple[Dataset, dict[str, dict[str, str]]]] = {}


def _options(ds: Dataset) -> dict[str, dict[str, str]]:
    """``_build_options`` once per loaded dataset, not on every rerun (~10 ms each)."""
    hit = _OPTIONS.get(id(ds))
    if hit is None or hit[0] is not ds:
        _OPTIONS.clear()  # one dataset at a time; a reload replaces it
        hit = _OPTIONS[id(ds)] = (ds, _build_options(ds))
    return hit[1]


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
    from sqlalchemy.exc import SQLAlchemyError

    from zones.sql import data_version, db_issue, load_sql

    try:
        version = data_version(engine)
    except SQLAlchemyError as exc:
        return LoadResult(None, (db_issue(exc),))
    if version is None:
        return load_sql(engine, data_dir())  # not loaded yet: say so, cache nothing
    url = engine.url.render_as_string(hide_password=True)
    return _load_database_cached(engine, url, version)


keep_streamlit_offline()  # see zones.offline: no own-address lookup, ever


# --- issue 8: a warm process before the first visitor -----------------------------------


def warm_up() -> bool:
    """Do a first visit's one-off work now: True when the data loaded and the views built.

    ``python -m zones serve`` runs it before the server listens (zones/cli_serve.py, in a
    thread it waits for). Streamlit's resource cache and the spec templates are per
    process, so the first visitor finds the data loaded and validated, the boundary files
    checked and the landing page's charts built. Never raises: a folder that does not
    load is left for the page to report with its translated error page, as without it.
    """
    log = logging.getLogger("zones")
    try:  # (Streamlit's pages-folder flag stays as it is: see _leave_v1_multipage_mode)
        result = load_data()
        if not result.ok or result.dataset is None:
            log.info("warm-up: the data folder did not load; pages will say why")
            return False
        ds = result.dataset
        _options(ds)
        _warm_overview(ds, map_geometry(ds.geo))
        return True
    except Exception as exc:  # the first visit then does the work (and reports any error)
        log.warning("warm-up skipped: %s", type(exc).__name__)
        log.debug("warm-up failure", exc_info=True)
        return False


def _warm_overview(ds: Dataset, geometry: Geometry) -> None:
    """Build the landing page's chart templates for its default view, in each language."""
    from zones import charts, maps, metrics

    view = apply_filters(ds, FilterState())
    for lang in LANGS:
        zt = metrics.zone_totals(ds, view.zones, view.volumes, lang, volumes_shown=True)
        maps.jilin_map_spec(ds.geo, zt, sorted(view.zones["county_adcode"]), lang,
                            height=500, geometry=geometry, width_hint=420)
        labeled = metrics.label_volumes(ds, view.volumes, lang)
        if not labeled.empty:
            scale = charts.color_scale("product", labeled, metrics.product_palette(ds))
            charts.timeseries_spec(metrics.timeseries(labeled, "product", "tonnes", yearly=True),
                                   "product", "tonnes", True, lang, scale, False)


# --- links that survive copying, one screen per view, phones (#16) ---------------------
_SHARED_CONTEXT = "_shared_context"
_PAGE_KEYS = {"volumes": (KEY_INTERVAL, KEY_BY, KEY_MEASURE), "zones": (KEY_PROFILE,)}
_UNBOUND_KEYS = (KEY_RUNSHEET, KEY_RUNSHEET_STEP)  # written by the run-sheet player


def shared_context(page: StreamlitPage) -> Context | None:
    """Load and draw the shared sidebar from the entrypoint, before ``page`` runs.

    Streamlit 1.67 keeps a bound widget's query parameter across a page switch only when
    the widget belongs to the new page or to the entrypoint file. Drawn by each page, the
    filters were the old page's widgets, so the first switch after opening a link dropped
    them from the address bar (the view kept them only through session state). Drawn
    here they are one set of widgets for every page, and their parameters stay. The
    page's ``context()`` picks up the result; on bad data it draws the error page.
    """
    st.session_state.pop(_SHARED_CONTEXT, None)
    lang = current_lang()
    with st.spinner(t("load.progress", lang), show_time=True):  # a big folder takes seconds
        result = load_data()
    if not result.ok or result.dataset is None:
        return None
    ds = result.dataset
    from zones.ui_runsheet import before_sidebar

    before_sidebar(ds)  # run-sheets (#16): a linked step's view, before the widgets exist
    lang, state, present = sidebar(ds, page)
    ctx = Context(ds=ds, lang=lang, state=state, view=apply_filters(ds, state),
                  present=present, geometry=map_geometry(ds.geo))
    st.session_state[_SHARED_CONTEXT] = ctx
    return ctx


def view_params(ctx: Context, page: str) -> dict[str, str | list[str]]:
    """The canonical query (ids) of what ``page`` shows now, from the widgets' values.

    Read after the page ran, so its own options (the volumes page's choices, the open
    profile) are the ones drawn, not the previous run's.
    """
    f = ctx.state
    raw: dict[str, str | list[str]] = {
        KEY_LANG: ctx.lang, KEY_PRESENT: str(ctx.present).lower(),
        KEY_PRODUCT: list(f.products), KEY_DEST: list(f.destinations),
        KEY_PREF: list(f.prefectures), KEY_ZONE: list(f.zones),
        KEY_FACTS: str(f.report_only).lower()}
    if f.period:
        raw[KEY_PERIOD] = list(f.period)
    for key in _PAGE_KEYS.get(page, ()):
        if value := st.session_state.get(key):
            raw[key] = str(value)
    for key in _UNBOUND_KEYS:
        if key in st.query_params:
            raw[key] = st.query_params.get_all(key)
    params, _ = canonical_query(ctx.ds, raw)
    return params


def view_link(ctx: Context, page: StreamlitPage) -> str:
    """The address that reopens this view, with the host and base path the browser uses.

    ``st.context.url`` is the browser's own address (behind nginx: the proxy's host and
    any base path), so the link works for whoever receives it; the query is the form the
    address bar shows, so the copied link and the address bar agree.
    """
    path = link_for(page.url_path, address_query(ctx.ds, view_params(ctx, page.url_path),
                                                 _options(ctx.ds)))
    base = (st.context.url or "").split("?", 1)[0].rstrip("/")
    if page.url_path and base.endswith("/" + page.url_path):
        base = base[: -len(page.url_path) - 1]
    return base + path


def share_control(slot: DeltaGenerator, ctx: Context, page: StreamlitPage) -> None:
    """"分享链接 / Copy link": the view's address in a code box with its copy button.

    No script of our own: the site's Content-Security-Policy (deploy/nginx.conf) allows
    only Streamlit's, and the code box's copy button is Streamlit's. Where the browser
    refuses clipboard access (plain http on an intranet), the text is there to select.
    """
    with slot, st.popover(t("share.button", ctx.lang), icon=":material/link:",
                          width="stretch"):
        st.caption(t("share.help", ctx.lang))
        st.code(view_link(ctx, page), language=None, wrap_lines=True)


# Presentation mode fits one screen (1920×1080 and 1366×768): compact tiles and headings,
# the filter line and the illustrative marking on one line, maps and charts a bit lower.
PRESENT_FIT_CSS = """
<style>
[data-testid="stHeader"] { background: transparent; }  /* the title may sit beside it */
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; padding-bottom: 1rem; }
h1 { font-size: 2.4rem !important; padding: 0 !important; }
@media (max-height: 900px) {
  html, body, [data-testid="stAppViewContainer"] { font-size: 18px; }
  h1 { font-size: 1.9rem !important; } }
h2, h3 { font-size: 1.3rem !important; padding: 0.1rem 0 !important; }
[data-testid="stMetric"] { padding: 0.3rem 0.6rem !important; }
[data-testid="stMetricValue"] { font-size: 1.25rem !important; }
[data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricLabel"] p { font-size: 0.72rem !important; line-height: 1.25; }
.st-key-present-line { flex-wrap: nowrap !important; }
.st-key-present-line [data-testid="stMarkdownContainer"] p {
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; margin: 0; }
.st-key-present-line > div:first-child { min-width: 0; flex: 1 1 auto; }
.st-key-present-line button { min-height: 0; padding-top: 0.15rem; padding-bottom: 0.15rem; }
</style>
"""
# Phones (#16): the sidebar starts collapsed (app.py); tiles and title tighter, so the
# filter line and the first chart come sooner.
PHONE_CSS = """
<style>
@media (max-width: 640px) {
  h1 { font-size: 2rem !important; }
  [data-testid="stMainBlockContainer"] { padding-top: 3rem; }
  [data-testid="stMetric"] { padding: 0.35rem 0.75rem !important; }
  [data-testid="stMetricValue"] { font-size: 1.5rem !important; }
}
</style>
"""
PRESENT_MAP_HEIGHT = 440  # the main map with its legends, whole on a 1366×768 projector
_PRESENT_SLOTS = "_present_slots"


def present_height(ctx: Context, normal: int, present: int = PRESENT_MAP_HEIGHT) -> int:
    """The main map's or chart's height: ``normal`` at a desk, ``present`` on a projector.

    Legends count in it (Streamlit fits the whole chart into its box), so a map whose
    legend column is taller than the map loses entries if this is too low.
    """
    return min(normal, present) if ctx.present else normal


def present_line(ctx: Context) -> None:
    """Filter line, illustrative marking and "details" on one line (presentation mode).

    The filter line is cut with an ellipsis where the screen ends; the details popover
    holds the whole filter line, the illustrative notice and the source line. The
    marking itself stays on screen (``present_marking`` fills its slot).
    """
    lang = ctx.lang
    st.html(PRESENT_FIT_CSS)
    text = t("filter.summary", lang,
             summary=safe.plain(summary(ctx.ds, ctx.state, lang), limit=2000))
    line = st.container(horizontal=True, vertical_alignment="center", gap="small",
                        key="present-line")
    line.markdown(f":material/filter_alt: {text}")
    slot = line.empty()
    details = line.popover(t("present.details", lang), icon=":material/info:")
    details.markdown(text)
    details.caption(t("app.source_line", lang))
    st.session_state[_PRESENT_SLOTS] = (slot, details)


def present_marking(ctx: Context, shows_illustrative: bool) -> bool:
    """The illustrative (or facts-only) marking as a badge on the present line.

    The full notice goes into the details popover. False when there is no line to put
    it on (a page that drew no header), so the caller draws the full banner instead.
    """
    slots = st.session_state.pop(_PRESENT_SLOTS, None)
    if slots is None:
        return False
    slot, details = slots
    if ctx.state.report_only:
        slot.badge(t("present.facts_only", ctx.lang), icon=":material/verified:",
                   color="green")
        details.success(t("banner.facts_only", ctx.lang), icon=":material/verified:")
    elif shows_illustrative:
        slot.badge(t("present.illustrative", ctx.lang), icon=":material/science:",
                   color="orange")
        details.warning(t("banner.illustrative", ctx.lang), icon=":material/science:")
    return True
