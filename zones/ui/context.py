"""What a page starts with: load, the sidebar, the view, and the error page when the data is bad.

The sidebar is assembled here, in one place (:func:`_draw_context`): the filters
(``zones.ui.sidebar``, which yield the ``View``), the Copy-link slot, the briefing export
and the run-sheet editor. Pages then only read the ``Context``; ``header`` draws the page's
head and nothing in the sidebar.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.navigation.page import StreamlitPage

from zones import safe
from zones.dataset.filters import slices
from zones.dataset.loading import LoadResult, data_dir
from zones.i18n import t
from zones.model import Dataset
from zones.ui import session_keys as sk
from zones.ui.briefing import briefing_export
from zones.ui.data import load_data, map_geometry
from zones.ui.identity import gate, sidebar_identity
from zones.ui.page_context import Context
from zones.ui.runsheet_editor import editor
from zones.ui.runsheet_player import before_sidebar
from zones.ui.sidebar import sidebar
from zones.ui.state import current_lang, forget_unknown_url_keys


def leave_v1_multipage_mode() -> None:
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


def _draw_context(ds: Dataset, page: StreamlitPage | None) -> Context:
    """The whole sidebar, in its order: filters, who is signed in, Copy link's slot,
    briefing, run-sheets."""
    gate(ds, current_lang())  # #25: sign-in first when the access file requires it
    before_sidebar(ds)  # run-sheets (#16): a linked step's view, before the widgets exist
    view = sidebar(ds, page)
    sidebar_identity(ds, view.lang)
    dropped = tuple(st.session_state.pop(sk.URL_DROPPED, None) or ())
    if dropped:  # keys no widget reads leave the address bar (the header says what went)
        forget_unknown_url_keys(ds, [k for k, _ in dropped])
    ctx = Context(ds=ds, view=view, slices=slices(ds, view.filter),
                  geometry=map_geometry(ds.geo), dropped=dropped,
                  share_slot=st.sidebar.container() if page is not None else None)
    briefing_export(ctx)
    editor(ctx)
    return ctx


def _load(lang: str) -> LoadResult:
    with st.spinner(t("load.progress", lang), show_time=True):  # a big folder takes seconds
        return load_data()


def shared_context(page: StreamlitPage) -> Context | None:
    """Load and draw the shared sidebar from the entrypoint, before ``page`` runs.

    Streamlit 1.67 keeps a bound widget's query parameter across a page switch only when
    the widget belongs to the new page or to the entrypoint file. Drawn by each page, the
    filters were the old page's widgets, so the first switch after opening a link dropped
    them from the address bar (the view kept them only through session state). Drawn
    here they are one set of widgets for every page, and their parameters stay. The
    page's ``context()`` picks up the result; on bad data it draws the error page.
    """
    st.session_state.pop(sk.SHARED_CONTEXT, None)
    result = _load(current_lang())
    if not result.ok or result.dataset is None:
        return None
    ctx = _draw_context(result.dataset, page)
    st.session_state[sk.SHARED_CONTEXT] = ctx
    return ctx


def context() -> Context | None:
    """What the page draws from: the entrypoint's context of this run, else load and draw
    the sidebar here (a page run on its own, AppTest); on bad data the error page and None."""
    leave_v1_multipage_mode()
    if (shared := st.session_state.pop(sk.SHARED_CONTEXT, None)) is not None:
        return shared  # the entrypoint drew the sidebar this run
    lang = current_lang()
    result = _load(lang)
    if not result.ok or result.dataset is None:
        show_errors(result, lang)
        return None
    return _draw_context(result.dataset, None)


def show_errors(result: LoadResult, lang: str) -> None:
    st.error(t("err.page_title", lang))
    if any(i.file.startswith("database") for i in result.issues):  # SQL backend (#8)
        st.markdown(t("err.page_hint_db", lang))
    else:
        st.markdown(t("err.page_hint_dir", lang, folder=safe.plain(data_dir(), limit=500)))
    st.dataframe(issue_table(result, lang), hide_index=True, width="stretch")


def issue_table(result: LoadResult, lang: str) -> pd.DataFrame:
    """The error page's table, all text: a blank line number next to numbers made Arrow
    log a conversion traceback on every render."""
    rows = [{k: "" if v is None else str(v) for k, v in i.as_row(lang).items()}
            for i in result.issues]
    return pd.DataFrame(rows, dtype="string")
