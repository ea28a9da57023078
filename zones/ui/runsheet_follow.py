"""Windows that follow a presenter's console (#24): the session store seen from the app.

A window opened with ``follow=<code>`` shows the session's step, polls it twice a second
in a fragment (only the fragment reruns; the whole app reruns when the step changed),
and writes a key pressed in it back to the session, so the console follows too. The
session store is the backend's scratch store: one folder or one database for every
replica. The logic (codes, moves, staleness) is ``zones.runsheets.follow``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import streamlit as st

from zones import safe
from zones.i18n import t
from zones.runsheets import follow
from zones.ui import session_keys as sk
from zones.ui.data import current_backend
from zones.view import KEY_FOLLOW

POLL_SECONDS = 0.5
KEY_CODE = sk.RS_FOLLOW
_PROBLEM = sk.RS_FOLLOW_PROBLEM

# A following window is the projector's: the view alone, full screen. The step bar stays
# in the page, hidden, because its buttons carry the clicker's keys.
FOLLOWER_CSS = """<style>
[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
.st-key-rs_bar, .st-key-rs_notes { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem !important; }
</style>"""


def read(code: str) -> follow.Session | None:
    """The session of ``code``; None when there is none or the store cannot be read."""
    if not follow.valid_code(code):
        return None
    try:
        return follow.from_bytes(code, current_backend().scratch().get(follow.KIND, code))
    except Exception as exc:  # a database down: the window keeps its step, says nothing new
        logging.getLogger("zones").warning("session read failed: %s", type(exc).__name__)
        return None


def write(session: follow.Session) -> None:
    try:
        current_backend().scratch().put(follow.KIND, session.code, session.to_bytes())
    except Exception as exc:  # the key still moves this window
        logging.getLogger("zones").warning("session write failed: %s", type(exc).__name__)


def open_session(rid: str, step: int, code: str | None = None) -> follow.Session:
    """A new session for a console (old ones pruned), or ``code``'s brought back."""
    now = time.time()
    if code is None or not follow.valid_code(code):
        code = follow.new_code()
        try:
            current_backend().scratch().prune(follow.KIND, now - follow.KEEP_FOR)
        except Exception as exc:
            logging.getLogger("zones").warning("session prune failed: %s", type(exc).__name__)
    session = follow.start(code, rid, step, now)
    write(session)
    return session


def move(code: str, rid: str, n: int, total: int) -> None:
    """A key pressed in a console or a following window: the session goes to step ``n``."""
    session = read(code)
    if session is None or session.runsheet != rid:
        session = follow.start(code, rid, n, time.time())
    write(session.moved(n, total, time.time()))


def code() -> str | None:
    """The code this window follows: the link's, else the one kept in this session."""
    raw = st.query_params.get(KEY_FOLLOW, "").strip().lower()
    if raw:
        st.session_state[KEY_CODE] = raw
    return st.session_state.get(KEY_CODE) or None


def followed_step(rid: str, total: int) -> int | None:
    """The session's step for this window, or None (and a notice) when it cannot follow."""
    wanted = code()
    if wanted is None:
        return None
    session = read(wanted)
    why = follow.status(session, rid, time.time())
    if why != "ok" or session is None:
        st.session_state[_PROBLEM] = (why, wanted)
        return None
    st.session_state.pop(_PROBLEM, None)
    return max(1, min(session.step, total))


def problem(lang: str) -> None:
    """Say why this window does not follow (unknown, stale or another run-sheet's code)."""
    found = st.session_state.get(_PROBLEM)
    if found:
        why, bad = found
        st.warning(t(f"rs.follow.{why}", lang, code=safe.plain(bad, 20)),
                   icon=":material/sync_disabled:")


def poll(shown: Callable[[], int | None], every: float = POLL_SECONDS,
         key: str = "rs_poll") -> None:
    """Rerun the app when the followed session's step is not the one this window shows."""

    @st.fragment(run_every=every)
    def _poll() -> None:
        wanted = code()
        if wanted is None:
            return
        session, now = read(wanted), shown()
        if session is not None and now is not None and session.step != now:
            st.rerun()  # None: a step is being put on (between a page switch's two runs)

    with st.container(key=key, height=1, border=False):
        _poll()


def app_base(page: str) -> str:
    """The app's own address as the browser sees it (host, proxy base path), without the
    page: links made here work wherever they are opened from."""
    base = (st.context.url or "").split("?", 1)[0].rstrip("/")
    if page and page != "overview" and base.endswith("/" + page):
        base = base[: -len(page) - 1]
    return base
