"""Sharing a view: the link that reopens exactly what is shown ("分享链接 / Copy link", #16).

The query is the view's (``zones.view.View``), in the form the address bar shows, so the
copied link and the address bar agree; the host and base path are the browser's own.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from zones.i18n import t
from zones.links import address_query
from zones.ui.options import filter_options
from zones.ui.page_context import Context
from zones.ui.state import shown_view
from zones.view import KEY_RUNSHEET, KEY_RUNSHEET_STEP, link_for

_UNBOUND_KEYS = (KEY_RUNSHEET, KEY_RUNSHEET_STEP)  # written by the run-sheet player


def view_link(ctx: Context, page: StreamlitPage) -> str:
    """The address that reopens this view, with the host and base path the browser uses.

    Read after the page ran, so its own options (the volumes page's choices, the open
    profile) are the ones drawn. ``st.context.url`` is the browser's own address (behind
    nginx: the proxy's host and any base path), so the link works for whoever receives
    it; the query is the form the address bar shows, so the copied link and the address
    bar agree. A run-sheet's place (``runsheet``, ``step``) rides along.
    """
    view = shown_view(ctx.view)
    params = {**view.params(), **{k: st.query_params.get_all(k) for k in _UNBOUND_KEYS
                                  if k in st.query_params}}
    path = link_for(view.page, address_query(ctx.ds, params, filter_options(ctx.ds)))
    base = (st.context.url or "").split("?", 1)[0].rstrip("/")
    if page.url_path and base.endswith("/" + page.url_path):
        base = base[: -len(page.url_path) - 1]
    return base + path


def share_control(ctx: Context, page: StreamlitPage) -> None:
    """"分享链接 / Copy link": the view's address in a code box with its copy button, in
    the sidebar's slot kept for it (drawn after the page, so the page's options count).

    No script of our own: the site's Content-Security-Policy (deploy/nginx.conf) allows
    only Streamlit's, and the code box's copy button is Streamlit's. Where the browser
    refuses clipboard access (plain http on an intranet), the text is there to select.
    """
    if ctx.share_slot is None:
        return
    with ctx.share_slot, st.popover(t("share.button", ctx.lang), icon=":material/link:",
                                    width="stretch"):
        st.caption(t("share.help", ctx.lang))
        st.code(view_link(ctx, page), language=None, wrap_lines=True)
