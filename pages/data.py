"""Data (数据): the data dictionary, where each file comes from, and downloads."""

import streamlit as st

from zones import datafiles, metrics
from zones.i18n import t
from zones.ui import (
    audit_section,
    context,
    data_page_note,
    file_downloads,
    header,
    history_section,
    illustrative_banner,
    import_section,
    screen_only,
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

with screen_only("data-downloads"):  # buttons: nothing to read on paper
    st.subheader(t("data.downloads", lang))
    st.caption(t("data.downloads.note", lang))
    file_downloads(ds)

data_page_note(ds, lang)  # #25: how people are identified; a broken access file
import_section(ctx)
history_section(ctx)
audit_section(ctx)
