"""The presenter's console (#24): ``/?runsheet=<id>&console=1`` on the presenter's laptop.

It shows what PowerPoint's presenter view shows: the current step's title and view (in
words, small), its notes in large type, the next step's title, the elapsed time and the
step count, and the link of the projector window (``follow=<code>``). The console does not
draw the view itself: the projector window does, full screen. Keys pressed here move the
shared session (``zones.ui.runsheet_follow``); keys pressed on the projector move it too,
and the console polls it like any following window.
"""

from __future__ import annotations

import time

import streamlit as st

from zones import safe
from zones.i18n import DEFAULT_LANG, t
from zones.links import link_for
from zones.runsheets import follow
from zones.runsheets import sheet as rs
from zones.runsheets.words import describe
from zones.ui import runsheet_follow as following
from zones.ui import session_keys as sk
from zones.ui.data import load_data
from zones.ui.runsheet_player import load_sheet, step_view
from zones.ui.state import current_lang
from zones.view import KEY_CONSOLE, KEY_FOLLOW, KEY_LANG, KEY_RUNSHEET, KEY_RUNSHEET_STEP

_T0 = sk.RS_CONSOLE_T0
_SHOWN = sk.RS_CONSOLE_SHOWN

CONSOLE_CSS = """<style>
.st-key-rs_console_notes p, .st-key-rs_console_notes li {
  font-size: 2.1rem !important; line-height: 1.45 !important; }
.st-key-rs_console_clock p { font-size: 2.4rem !important; font-variant-numeric: tabular-nums;
  margin: 0; }
.st-key-rs_console_next p { font-size: 1.35rem !important; }
.st-key-rs_c_right, .st-key-rs_c_space, .st-key-rs_c_left { display: none !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
</style>"""


def wanted() -> bool:
    """Is this run the console's (``console=1`` beside a run-sheet)?"""
    return (st.query_params.get(KEY_CONSOLE, "").strip().lower() in ("1", "true")
            and bool(st.query_params.get(KEY_RUNSHEET, "").strip()))


def _session(rid: str, total: int) -> follow.Session:
    """This console's session: the link's code brought back (a reload keeps the projector
    link), else a new one; the code goes into the address."""
    code = st.query_params.get(KEY_FOLLOW, "").strip().lower()
    session = following.read(code) if follow.valid_code(code) else None
    if session is None or session.runsheet != rid:
        raw = st.query_params.get(KEY_RUNSHEET_STEP, "1")
        step = int(raw) if raw.isdigit() else 1
        session = following.open_session(rid, min(max(step, 1), total),
                                         code if follow.valid_code(code) else None)
    elif session.stale(time.time()):
        session = session.moved(session.step, total, time.time())
        following.write(session)
    st.session_state[following.KEY_CODE] = session.code
    if st.query_params.get(KEY_FOLLOW) != session.code:
        st.query_params[KEY_FOLLOW] = session.code
    return session


def _press(code: str, rid: str, to: int, total: int) -> None:
    following.move(code, rid, to, total)


def projector_link(rid: str, code: str, lang: str) -> str:
    params = {KEY_RUNSHEET: rid, KEY_FOLLOW: code}
    if lang != DEFAULT_LANG:
        params[KEY_LANG] = lang
    return following.app_base("") + link_for("overview", params)


def console() -> None:
    """The console page (the router calls it instead of a page)."""
    lang = current_lang()
    result = load_data()
    if not result.ok or result.dataset is None:
        st.error(t("err.page_title", lang))
        return
    ds = result.dataset
    rid = st.query_params.get(KEY_RUNSHEET, "").strip()
    checked = load_sheet(ds, rid)
    if checked is None or checked.sheet is None or not checked.steps:
        st.error(t("rs.err.not_found", lang, value=safe.plain(rid, 80),
                   where=safe.plain(rid, 80)), icon=":material/playlist_remove:")
        return
    steps = checked.steps
    total = len(steps)
    session = _session(rid, total)
    n = max(1, min(session.step, total))
    st.session_state.setdefault(_T0, time.time())
    st.html(CONSOLE_CSS)
    st.subheader(t("rs.console.title", lang, title=safe.plain(checked.sheet.title, 200)))
    _keys(lang, session.code, rid, n, total)
    left, right = st.columns([3, 1.2], gap="large")
    step = steps[n - 1]
    with left:
        st.caption(safe.plain(t("rs.indicator", lang, n=n, total=total,
                                title=step.step.title_in(lang)), 300))
        view = step_view(ds, step, base=lang)  # as the projector shows it
        st.caption(safe.plain(t("rs.console.view", lang, view=describe(ds, view, lang)), 600))
        notes = step.step.notes_in(lang)
        with st.container(key="rs_console_notes"):
            st.markdown(safe.plain(notes, rs.MAX_NOTES) if notes else t("rs.no_notes", lang))
    with right:
        st.markdown("**" + t("rs.console.step", lang, n=n, total=total) + "**")
        _clock(lang)
        with st.container(key="rs_console_next"):
            st.markdown(safe.plain(t("rs.console.next", lang,
                                     title=steps[n].step.title_in(lang)), 300)
                        if n < total else t("rs.console.last", lang))
        st.divider()
        st.caption(t("rs.console.link", lang))
        link = projector_link(rid, session.code, lang)
        st.code(link, language=None, wrap_lines=True)
        st.caption(t("rs.console.code", lang, code=session.code))
    # Only a run that drew the whole step says it is shown: a run cut short (a fragment's
    # tick or another key came in) leaves the old number, so the poll runs the app again
    # instead of leaving the previous step on the screen (seen under load in the suite).
    st.session_state[_SHOWN] = n
    following.poll(lambda: st.session_state.get(_SHOWN), key="rs_console_poll")


def _keys(lang: str, code: str, rid: str, n: int, total: int) -> None:
    """The clicker's keys, as on the player's step bar."""
    with st.container(horizontal=True, key="rs_console_keys", vertical_alignment="center"):
        for key, label, shortcut, icon, to, off in (
                ("rs_c_first", t("rs.first", lang), "Home", "first_page", 1, n == 1),
                ("rs_c_prev", t("rs.prev", lang), "PageUp", "chevron_left", n - 1, n == 1),
                ("rs_c_next", t("rs.next", lang), "PageDown", "chevron_right", n + 1,
                 n == total),
                ("rs_c_last", t("rs.last", lang), "End", "last_page", total, n == total)):
            st.button(label, key=key, shortcut=shortcut, icon=f":material/{icon}:",
                      disabled=off, on_click=_press, args=(code, rid, to, total))
        for key, shortcut, to in (("rs_c_right", "Right", min(n + 1, total)),
                                  ("rs_c_space", "Space", min(n + 1, total)),
                                  ("rs_c_left", "Left", max(n - 1, 1))):
            st.button(shortcut, key=key, shortcut=shortcut, on_click=_press,
                      args=(code, rid, to, total))


def _clock(lang: str) -> None:
    @st.fragment(run_every=1.0)
    def _tick() -> None:
        seconds = int(time.time() - st.session_state.get(_T0, time.time()))
        st.caption(t("rs.console.elapsed", lang))
        with st.container(key="rs_console_clock"):
            st.markdown(f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}")

    _tick()
