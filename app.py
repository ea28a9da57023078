"""Entry point: page config and the router. Pages live in ``pages/``; logic in ``zones/``."""

import functools
import logging
from pathlib import Path

import streamlit as st

from zones.i18n import t
from zones.ui import (
    console_wanted,
    current_lang,
    followed_page,
    presenter_console,
    set_page,
    share_control,
    shared_context,
)
from zones.view import KEY_PRESENT, KEY_RUNSHEET


def run_file(path: str) -> None:
    """A page file run as ``StreamlitPage.run`` runs it (for a following window)."""
    path = str(Path(__file__).parent / path)
    code = compile(Path(path).read_text(encoding="utf-8"), path, "exec")
    exec(code, {"__name__": "__main__", "__file__": path})


lang = current_lang()
present = st.session_state.get(KEY_PRESENT) is True or st.query_params.get(KEY_PRESENT) in (
    "1", "true")
present = present or bool(st.query_params.get(KEY_RUNSHEET))  # a run-sheet is presented (#16)
st.set_page_config(
    page_title=t("app.short", lang),
    page_icon="assets/favicon.png",
    layout="wide",
    # "auto": open on a desk, collapsed below tablet width, where it would cover the page.
    initial_sidebar_state="collapsed" if present else "auto",
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
    if console_wanted():  # a presenter's console (#24): no page, no sidebar
        st.navigation(pages, position="hidden")
        presenter_console()
        st.stop()
    if (followed := followed_page()) is None:
        page = st.navigation(pages)
        run = page.run
    else:
        # A window that follows a console (#24) runs its step's page under one fixed
        # address: it never switches page (a switch clears the timer of its poll).
        page = next(p for p in pages if (p.url_path or "overview") == followed)
        run = st.navigation([st.Page(functools.partial(run_file, f"pages/{followed}.py"),
                                     title=page.title, icon=page.icon, url_path="follow",
                                     default=True)], position="hidden").run
    set_page(page.url_path)  # run-sheets (#16): a step may need another page than this
    # The shared sidebar belongs to the entrypoint so its URL parameters survive a page
    # switch (zones.ui.context.shared_context); the link is written once the page has run.
    shared = shared_context(page)
    run()
    if shared is not None:
        share_control(shared, page)
except Exception:  # Streamlit's stop/rerun signals are BaseException and pass through
    # A bug must not show a traceback to an official in a briefing: log it, say so kindly.
    logging.getLogger("zones").exception("page failed")
    st.error(t("err.unexpected", current_lang()), icon=":material/error:")
