"""Destinations (出口目的地): world map of routes, first-time routes, ranked destinations."""

import streamlit as st

from zones import consignments, metrics, tables
from zones.charts import maps
from zones.i18n import t
from zones.ui import (
    context,
    empty_state,
    header,
    illustrative_banner,
    present_height,
    screen_only,
    select_destination_from_event,
    table_with_download,
)

ctx = context()
if ctx is None:
    st.stop()
ds, lang, view = ctx.ds, ctx.lang, ctx.slices
header(ctx, "page.destinations")
illustrative_banner(ctx, view.shows_illustrative)

arcs, dests, firsts = metrics.routes(ds, view.zones, view.volumes, view.first_exports, lang)
st.subheader(t("dest.map", lang))
st.caption(t("dest.map.help", lang))
if arcs.empty and firsts.empty:
    empty_state(lang, "empty.facts_only_volumes" if ctx.state.report_only else "empty.hint")
st.vega_lite_chart(maps.world_map_spec(ds.geo, arcs, dests, firsts, lang,
                                      height=present_height(ctx, 520), geometry=ctx.geometry,
                                      chosen=ctx.state.destinations), width="stretch",
                   key="dest_map", on_select=select_destination_from_event("dest_map"),
                   selection_mode=maps.DEST_SELECTION)

st.subheader(t("dest.table", lang))
if dests.empty:
    empty_state(lang, "empty.facts_only_volumes" if ctx.state.report_only else "empty.hint")
else:
    screen_only("dest-choose").caption(t("dest.choose", lang))  # not on paper
    if missing := consignments.note(view.volumes, lang):
        st.caption(missing)  # rows from customs statistics give no count (#17)
    table_with_download(tables.display_table(dests, lang),
                        tables.download_name("dl.destinations", lang), lang, "dest_table",
                        on_select=select_destination_from_event("dest_table",
                                                                dests["iso3"].tolist()))
