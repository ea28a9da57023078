"""Page parts every page shares: header, banners, KPI tiles, tables with downloads, map clicks.

Text from files goes through ``zones.safe``; nothing here passes data from a file or a user
into HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from zones import safe
from zones.charts.maps import DEST_SELECTION, ZONE_SELECTION
from zones.datafiles import download_tables
from zones.dataset.filters import summary
from zones.i18n import t
from zones.model import Dataset
from zones.tables import number_format
from zones.typed_export import csv_frame
from zones.ui.a11y import a11y_css
from zones.ui.options import page_option_label
from zones.ui.page_context import Context
from zones.ui.presenting import PHONE_CSS, present_line, present_marking
from zones.ui.printing import PRINT_CSS, SCREEN_HINTS
from zones.ui.rendered import arrow_table
from zones.ui.runsheet_player import page_tools
from zones.view import KEY_DEST, KEY_PROFILE, PAGE_OPTION_DEFAULTS, PAGE_OPTIONS

PRESENT_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
h1 { font-size: 2.6rem !important; } h2, h3 { font-size: 1.9rem !important; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-top: 3.5rem; }
</style>
"""


def header(ctx: Context, title_key: str) -> None:
    """The page's head: presentation styles, a run-sheet's presenter bar, the title, the
    one-line filter summary and the notice of a link's values that meant nothing."""
    lang = ctx.lang
    if ctx.present:
        st.html(PRESENT_CSS)
    st.html(PRINT_CSS + PHONE_CSS + a11y_css(lang, ctx.present))
    # run-sheets (#16): the presenter bar; while presenting, the step's title (#24)
    step_title = page_tools(ctx)
    st.title(safe.plain(step_title, 200) if step_title else t(title_key, lang))
    if ctx.present:  # one line, the full text one click away (#16)
        present_line(ctx)
    else:
        st.caption(t("app.source_line", lang))
        st.info(t("filter.summary", lang,
                  summary=safe.plain(summary(ctx.ds, ctx.state, lang), limit=2000)),
                icon=":material/filter_alt:")
    if ctx.dropped:
        items = safe.plain("; ".join(f"{k}={v}" for k, v in ctx.dropped))  # from the link
        st.toast(t("url.dropped", lang, items=items), icon=":material/link_off:")
        st.warning(t("url.dropped", lang, items=items))


def illustrative_banner(ctx: Context, shows_illustrative: bool) -> None:
    if ctx.present and present_marking(ctx, shows_illustrative):
        return
    if ctx.state.report_only:
        st.success(t("banner.facts_only", ctx.lang), icon=":material/verified:")
    elif shows_illustrative:
        st.warning(t("banner.illustrative", ctx.lang), icon=":material/science:")


def empty_state(lang: str, hint_key: str = "empty.hint") -> None:
    # A hint about the sidebar is a paragraph of its own: the printout leaves it out (#21).
    gap = "\n\n" if hint_key in SCREEN_HINTS else "  \n"
    st.info(f"**{t('empty.title', lang)}**{gap}{t(hint_key, lang)}", icon=":material/search_off:")


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, formulas neutralised: the one CSV writer of every download."""
    return safe.csv_bytes(df)


def table_with_download(df: pd.DataFrame, file_name: str, lang: str, key: str,
                        on_select: Callable[[], None] | None = None,
                        typed: pd.DataFrame | None = None) -> None:
    """A table and, right under it, the same rows as a CSV download.

    ``typed`` (``tables.export_table``): the rows the CSV holds instead, with numbers
    as numbers (growth −7.71, not the text '−7.7%'), so a spreadsheet can add them up.
    """
    # Thousands separators on screen in the app's number format, not the browser's locale
    # (#23); the CSV keeps plain numbers.
    config = {c: st.column_config.NumberColumn(format=number_format(df[c]))
              for c in df.columns if pd.api.types.is_float_dtype(df[c])}
    rows_shown = arrow_table(df)  # converted once per table (zones.ui.rendered)
    if on_select is None:
        st.dataframe(rows_shown, hide_index=True, width="stretch", key=key, column_config=config)
    else:
        st.dataframe(rows_shown, hide_index=True, width="stretch", key=key,
                     column_config=config, on_select=on_select, selection_mode="single-row")
    csv_download(t("vol.download", lang), lambda: df if typed is None else csv_frame(typed),
                 file_name, f"dl-{key}")


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
        format_func=lambda v: page_option_label(key, v, lang), bind="query-params")
    return str(value or default)


def metric_rows(kpis: Sequence[tuple[str, ...]], per_row: int) -> None:
    """KPI tiles, ``per_row`` to a row so that long values are never cut off.

    A tile is (label, value, hover) or, with a change such as growth, (…, delta).
    """
    for start in range(0, len(kpis), per_row):
        cols = st.columns(per_row)
        for col, (label, value, help_text, *delta) in zip(cols, kpis[start:start + per_row],
                                                           strict=False):
            col.metric(safe.plain(label), value, delta=(delta[0] or None) if delta else None,
                       border=True,
                       help=safe.plain(help_text, limit=2000) if help_text else None)


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
