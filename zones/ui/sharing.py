"""Sharing a view: the link that reopens exactly what is shown ("分享链接 / Copy link", #16).

The query is the canonical one (``zones.links``), in the form the address bar shows, so the
copied link and the address bar agree; the host and base path are the browser's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.navigation.page import StreamlitPage

from zones.i18n import t
from zones.links import address_query, canonical_query, link_for
from zones.ui.keys import (
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
)
from zones.ui.options import filter_options

if TYPE_CHECKING:
    from zones.ui.context import Context

_PAGE_KEYS = {"volumes": (KEY_INTERVAL, KEY_BY, KEY_MEASURE), "zones": (KEY_PROFILE,)}
_UNBOUND_KEYS = (KEY_RUNSHEET, KEY_RUNSHEET_STEP)  # written by the run-sheet player


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
                                                 filter_options(ctx.ds)))
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
