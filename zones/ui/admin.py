"""Who may edit: the admin password of the Data page's "Update data" part.

Shown only when a password is configured (``st.secrets["zones_admin_password"]`` or
$ZONES_ADMIN_PASSWORD) and entered; viewers never get the upload, apply or undo widgets. The
compare is constant-time and wrong tries slow every next one, process-wide.
"""

from __future__ import annotations

import hmac
import os
import time

import streamlit as st

from zones.i18n import t
from zones.ui import session_keys as sk

# The "Update data" part of the Data page. Shown only when an admin password is configured
# (st.secrets["zones_admin_password"] or $ZONES_ADMIN_PASSWORD) and entered; viewers never
# get the widgets, the upload or the apply/undo buttons.
ADMIN_SECRET = "zones_admin_password"


ADMIN_ENV = "ZONES_ADMIN_PASSWORD"


_FAILED_LOGINS = {"n": 0}  # process-wide: a new session does not reset the slowdown


KEY_ADMIN = sk.IMPORT_ADMIN


def _admin_password() -> str:
    try:
        secret = st.secrets.get(ADMIN_SECRET)
    except Exception:  # no secrets.toml at all: Streamlit raises, editing is just off
        secret = None
    return str(secret or os.environ.get(ADMIN_ENV) or "")


def editing_configured() -> bool:
    return bool(_admin_password())


def _try_login() -> None:
    """Button callback (runs before the rerun, so no rerun can swallow the click)."""
    given = str(st.session_state.get(sk.IMPORT_PASSWORD) or "")
    if not given or st.session_state.get(KEY_ADMIN):  # Enter, then the button: one try
        return
    st.session_state[sk.IMPORT_PASSWORD] = ""
    misses = _FAILED_LOGINS["n"]
    if misses >= 3:  # a few wrong tries slow every next one, for every session
        time.sleep(min(2 ** (misses - 2), 30))
    if hmac.compare_digest(given.encode(), _admin_password().encode()):
        _FAILED_LOGINS["n"] = 0
        st.session_state[KEY_ADMIN] = True
        st.session_state.pop(sk.IMPORT_LOGIN_FAILED, None)
    else:
        _FAILED_LOGINS["n"] = misses + 1
        st.session_state[sk.IMPORT_LOGIN_FAILED] = True


def login(lang: str) -> bool:
    """Password field; constant-time compare; after 3 misses each try waits longer."""
    if st.session_state.get(KEY_ADMIN):
        return True
    with st.container(border=True):  # Enter in the field signs in too (on_change, #23)
        st.text_input(t("import.password", lang), type="password", key=sk.IMPORT_PASSWORD,
                      on_change=_try_login)
        st.button(t("import.login", lang), icon=":material/lock_open:", key="import_login",
                  on_click=_try_login)
    if st.session_state.get(sk.IMPORT_LOGIN_FAILED):  # kept until the next try
        st.error(t("import.wrong_password", lang), icon=":material/lock:")
    return False
