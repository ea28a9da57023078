"""Entry point: page config and the router. Pages live in ``pages/``; logic in ``zones/``."""

import logging

import streamlit as st

from zones.i18n import t
from zones.links import KEY_RUNSHEET
from zones.ui import KEY_PRESENT, current_lang
from zones.ui_runsheet import set_page

lang = current_lang()
present = st.session_state.get(KEY_PRESENT) is True or st.query_params.get(KEY_PRESENT) in (
    "1", "true")
present = present or bool(st.query_params.get(KEY_RUNSHEET))  # a run-sheet is presented (#16)
st.set_page_config(
    page_title=t("app.short", lang),
    page_icon="assets/favicon.png",
    layout="wide",
    initial_sidebar_state="collapsed" if present else "expanded",
)

pages = [
    st.Page("pages/overview.py", title=t("page.overview", lang), icon=":material/dashboard:",
            default=True, url_path="overview"),
    st.Page("pages/zones.py", title=t("page.zones", lang), icon=":material/map:",
            url_path="zones"),
    st.Page("pages/destinations.py", title=t("page.destinations", lang),
            icon=":material/flight_takeoff:", url_path="destinations"),
    st.Page("pages/volumes.py", title=t("page.volumes", lang), icon=":material/bar_chart:",
            url_path="volumes"),
    st.Page("pages/data.py", title=t("page.data", lang), icon=":material/table:",
            url_path="data"),
]
try:
    nav = st.navigation(pages)
    set_page(nav.url_path)  # run-sheets (#16): a step may need another page than this
    nav.run()
except Exception:  # Streamlit's stop/rerun signals are BaseException and pass through
    # A bug must not show a traceback to an official in a briefing: log it, say so kindly.
    logging.getLogger("zones").exception("page failed")
    st.error(t("err.unexpected", current_lang()), icon=":material/error:")
