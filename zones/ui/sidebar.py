"""The shared filter sidebar: language, presentation mode and filters, bound to the URL.

Its result is the ``View`` the page shows (``zones.view``): every control after it (Copy
link, the briefing, "Add this view") and every page read that one value.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from zones.i18n import LANG_LABELS, LANGS, t
from zones.model import Dataset
from zones.ui.options import filter_options
from zones.ui.state import (
    check_url_once,
    current_lang,
    current_page,
    follow_new_periods,
    page_options,
    remember_shared,
    reset_filters,
    restore_after_page_switch,
)
from zones.view import (
    KEY_DEST,
    KEY_FACTS,
    KEY_LANG,
    KEY_PERIOD,
    KEY_PREF,
    KEY_PRESENT,
    KEY_PRODUCT,
    KEY_ZONE,
    LIST_KEYS,
    Filter,
    View,
)


def sidebar(ds: Dataset, page: StreamlitPage | None = None) -> View:
    """Draw the shared filters (bound to the URL) and return the view they select.

    The page's own options are the ones its widgets hold at the start of this run; a
    control drawn after the page asks ``state.shown_view`` for the ones it drew.
    """
    check_url_once(ds, page)
    restore_after_page_switch()
    with st.sidebar:
        st.radio(t("lang.label", current_lang()), list(LANGS), key=KEY_LANG,
                 format_func=LANG_LABELS.__getitem__, horizontal=True,
                 bind="query-params")
        lang = current_lang()
        present = st.toggle(t("present.label", lang), key=KEY_PRESENT,
                            help=t("present.help", lang), bind="query-params")
        st.header(t("filter.header", lang))
        opts = filter_options(ds)
        label = {KEY_PRODUCT: "filter.product", KEY_DEST: "filter.destination",
                 KEY_PREF: "filter.prefecture", KEY_ZONE: "filter.zone"}
        values: dict[str, list[str]] = {}
        for key in LIST_KEYS:
            values[key] = st.multiselect(
                t(label[key], lang), list(opts[key]), format_func=opts[key].__getitem__, key=key,
                bind="query-params", placeholder=t("filter.all", lang),
                # No "Select all" (English only, #23): an empty filter already means all.
                select_all=False,
                help=t("filter.product.help", lang) if key == KEY_PRODUCT else None,
            )
        periods = ds.periods
        follow_new_periods(periods)  # after an import or undo (#6)
        period = st.select_slider(t("filter.period", lang), periods,
                                  value=(periods[0], periods[-1]), key=KEY_PERIOD,
                                  bind="query-params")
        facts = st.toggle(t("filter.report_only", lang), key=KEY_FACTS,
                          help=t("filter.report_only.help", lang), bind="query-params")
        st.button(t("filter.reset", lang), on_click=reset_filters, width="stretch")
        st.caption(t("filter.share", lang))
    remember_shared()
    full = (periods[0], periods[-1])
    filt = Filter(
        products=tuple(values[KEY_PRODUCT]), destinations=tuple(values[KEY_DEST]),
        prefectures=tuple(values[KEY_PREF]), zones=tuple(values[KEY_ZONE]),
        period=None if tuple(period) == full else (period[0], period[1]),
        report_only=bool(facts),
    )
    name = (page.url_path or "overview") if page is not None else current_page()
    return View.of(name, filt, lang, bool(present), options=page_options(name))
