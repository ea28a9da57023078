"""Data (数据): the data dictionary, where each file comes from, and downloads."""

import streamlit as st

from zones import datafiles, metrics
from zones.i18n import t
from zones.ui import (
    context,
    file_downloads,
    header,
    history_section,
    illustrative_banner,
    import_section,
)

ctx = context()
if ctx is None:
    st.stop()
ds, lang = ctx.ds, ctx.lang
header(ctx, "page.data")
illustrative_banner(ctx, metrics.dataset_has_illustrative(ds))

st.subheader(t("data.sources", lang))
st.dataframe(datafiles.file_inventory(ds, lang), hide_index=True, width="stretch")
with st.expander(t("data.sources_doc", lang), expanded=False):
    st.markdown(datafiles.sources_text(lang))

st.subheader(t("data.dictionary", lang))
st.dataframe(datafiles.data_dictionary(lang), hide_index=True, width="stretch")

st.subheader(t("data.downloads", lang))
st.caption(t("data.downloads.note", lang))
file_downloads(ds)

import_section(ctx)
history_section(ctx)
