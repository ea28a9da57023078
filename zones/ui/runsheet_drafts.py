"""The run-sheet being built, kept on the server under a random id in the address (#24).

Every change the editor makes is written to the backend's scratch store at once, and
the address carries ``draft=<id>``: a reload, a page switch or a tab reopened from the
history brings the draft back. Why the address and not a cookie or the browser's storage:
see ``zones.runsheets.drafts`` (no script of ours may run under the site's CSP, so there is
no ``beforeunload`` prompt either; the editor says so and shows the draft's link).
"""

from __future__ import annotations

import logging
import time

import streamlit as st

from zones import safe
from zones.i18n import t
from zones.links import link_for
from zones.runsheets import drafts
from zones.ui import session_keys as sk
from zones.ui.data import current_backend
from zones.ui.runsheet_follow import app_base
from zones.ui.runsheet_player import KEY_DRAFT, KEY_DRAFT_ID
from zones.view import KEY_DRAFT as URL_KEY

_MISSING = sk.RS_DRAFT_MISSING


def keep() -> None:
    """Write the session's draft to the store (a new id on its first change)."""
    ss = st.session_state
    draft = ss.get(KEY_DRAFT)
    if not draft:
        return
    draft_id = ss.get(KEY_DRAFT_ID)
    if not drafts.valid(str(draft_id or "")):
        draft_id = ss[KEY_DRAFT_ID] = drafts.new_id()
        try:
            current_backend().scratch().prune(drafts.KIND, time.time() - drafts.KEEP_FOR)
        except Exception as exc:
            logging.getLogger("zones").warning("draft prune failed: %s", type(exc).__name__)
    try:
        current_backend().scratch().put(drafts.KIND, draft_id, drafts.to_bytes(draft))
    except Exception as exc:  # the draft stays in this session; the link would not bring it
        logging.getLogger("zones").warning("draft keep failed: %s", type(exc).__name__)
    st.query_params[URL_KEY] = draft_id


def restore(lang: str) -> bool:
    """The link's draft into this session (True when one was loaded); the id back into
    an address that a page switch dropped it from."""
    ss = st.session_state
    wanted = st.query_params.get(URL_KEY, "").strip().lower()
    if not wanted:
        if ss.get(KEY_DRAFT_ID):
            st.query_params[URL_KEY] = ss[KEY_DRAFT_ID]
        return False
    if wanted == ss.get(KEY_DRAFT_ID):
        return False
    found = None
    if drafts.valid(wanted):
        try:
            found = drafts.from_bytes(current_backend().scratch().get(drafts.KIND, wanted))
        except Exception as exc:
            logging.getLogger("zones").warning("draft read failed: %s", type(exc).__name__)
    if found is None:
        ss[_MISSING] = wanted
        del st.query_params[URL_KEY]
        return False
    ss[KEY_DRAFT] = found
    ss[KEY_DRAFT_ID] = wanted
    return True


def notice(lang: str, page: str) -> None:
    """Where the draft is kept, its link, and that leaving cannot ask first."""
    ss = st.session_state
    if missing := ss.pop(_MISSING, None):
        st.warning(t("rs.draft.missing", lang, value=safe.plain(missing, 40)))
    draft, draft_id = ss.get(KEY_DRAFT), ss.get(KEY_DRAFT_ID)
    if not draft or not draft.get("steps") or not draft_id:
        return
    with st.container(key="rs_draft_notice"):
        st.caption(t("rs.draft.kept", lang))
        st.code(app_base(page) + link_for(page, {URL_KEY: draft_id}), language=None,
                wrap_lines=True)
        st.caption(t("rs.draft.no_warning", lang))
