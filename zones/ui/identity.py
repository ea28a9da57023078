"""Who is at the keyboard (issue 25), through Streamlit's own ``st.user``.

Three set-ups, decided by configuration only:

- **oidc**: ``[auth]`` in ``.streamlit/secrets.toml``; ``st.login`` / ``st.logout`` in the
  sidebar, the person is the ``email`` claim of the identity token;
- **proxy**: ``server.trustedUserHeaders`` maps a header that a trusted reverse proxy sets
  (and overwrites, deploy/nginx-auth.conf) into ``st.user``; the app stays on loopback;
- **password**: neither: one machine, one shared admin password, as before.

Roles come from the access file (``zones.access.policy``). :func:`who` is evaluated afresh in
every write callback: the checks never trust a flag kept in the session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from zones import safe
from zones.access import guard, policy
from zones.access.policy import Grant, Policy
from zones.i18n import t
from zones.model import Dataset

CLAIM_ENV = "ZONES_IDENTITY_CLAIM"  # which st.user key names the person; default "email"


@dataclass(frozen=True)
class Who:
    """The person (identity, or "" when nobody is identified), how, and what they may do."""

    person: str
    via: str       # oidc | proxy | password
    grant: Grant
    policy: Policy
    client: str = ""

    @property
    def role_label(self) -> str:
        """The role as the audit trail records it ("password" without an access file)."""
        return self.grant.role if self.policy.configured else "password"

    def may(self, action: str) -> bool:
        return policy.may(self.grant.role, action)


def claim() -> str:
    return os.environ.get(CLAIM_ENV, "").strip() or "email"


def _secrets_auth() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def mode() -> str:
    """oidc when ``[auth]`` is configured, proxy when a trusted header is, else password."""
    if _secrets_auth():
        return "oidc"
    if st.get_option("server.trustedUserHeaders"):
        return "proxy"
    return "password"


def person() -> str:
    """The signed-in person's claim (lower-cased), or '' when nobody is identified."""
    how = mode()
    if how == "password":
        return ""
    if how == "oidc" and not st.user.get("is_logged_in"):
        return ""
    value = st.user.get(claim())
    return str(value).strip().lower() if isinstance(value, str) else ""


def client_address() -> str:
    """Behind the proxy, the address it saw (X-Real-IP, which the example sets itself)."""
    headers = st.context.headers
    if mode() == "proxy":
        forwarded = headers.get("X-Real-IP") or (headers.get("X-Forwarded-For") or "").split(
            ",")[0]
        return forwarded.strip()[:64]
    return str(st.context.ip_address or "")[:64]


@st.cache_resource(show_spinner=False, max_entries=8)
def _policy(path: str, stamp: tuple[int, int], ds_id: int, _ds: Dataset) -> Policy:
    return policy.load(path, guard.prefecture_aliases(_ds))


def current_policy(ds: Dataset) -> Policy:
    """The access file as of now (re-read when it changes), or no policy without one."""
    path = policy.file_from_env()
    if not path:
        return Policy()
    try:
        st_ = Path(path).stat()
        stamp = (st_.st_mtime_ns, st_.st_size)
    except OSError:
        stamp = (0, 0)
    return _policy(path, stamp, id(ds), ds)


def who(ds: Dataset) -> Who:
    """Fresh on every call. Without an access file the shared password makes an admin."""
    from zones.ui.admin import KEY_ADMIN, editing_configured

    found, how, pol = person(), mode(), current_policy(ds)
    if pol.configured:
        grant = pol.grant(found)
    elif editing_configured() and st.session_state.get(KEY_ADMIN):
        grant = Grant("admin")
    else:
        grant = Grant("viewer")
    return Who(found, how, grant, pol, client_address())


def gate(ds: Dataset, lang: str) -> None:
    """Before anything is drawn: sign-in first when the access file requires it, and no
    page at all for someone whose role is "none"."""
    me = who(ds)
    if me.grant.role != "none":
        return
    if not me.person:
        st.info(t("id.require_login", lang), icon=":material/lock:")
        if me.via == "oidc":
            st.button(t("id.signin", lang), key="id_signin_gate", icon=":material/login:",
                      on_click=st.login, type="primary")
        elif me.via == "proxy":
            st.warning(t("id.proxy_missing", lang))
    else:
        st.error(t("id.no_access", lang, person=safe.plain(me.person, 200)))
        if me.via == "oidc":
            st.button(t("id.signout", lang), key="id_signout_gate", on_click=st.logout)
    st.stop()


def _scope_text(me: Who, ds: Dataset, lang: str) -> str:
    if me.grant.prefectures is None:
        return ""
    places = guard.places_of(ds)
    names = [places.name(a)[0 if lang == "zh" else 1] for a in sorted(me.grant.prefectures)]
    return t("id.scope", lang, scope=("、" if lang == "zh" else ", ").join(names))


def sidebar_identity(ds: Dataset, lang: str) -> None:
    """Who is signed in, as what, and the sign-in / sign-out button (OIDC)."""
    how = mode()
    if how == "password":
        return
    me = who(ds)
    with st.sidebar:
        role = t(f"access.role.{me.grant.role}", lang)
        # st.text: no Markdown, so the address needs no escaping and copies as it is.
        if me.person:
            scope = _scope_text(me, ds, lang)
            st.text(t("id.signed_in", lang, person=" ".join(me.person.split())[:200],
                      role=role)
                    + (" · " + scope if scope else ""))
        else:
            st.text(t("id.anonymous", lang, role=role))
        if how == "oidc":
            if me.person:
                st.button(t("id.signout", lang), key="id_signout", icon=":material/logout:",
                          on_click=st.logout, width="stretch")
            else:
                st.button(t("id.signin", lang), key="id_signin", icon=":material/login:",
                          on_click=st.login, width="stretch")


def data_page_note(ds: Dataset, lang: str) -> None:
    """The Data page says how people are identified, and what is wrong with the access file."""
    me = who(ds)
    access = (t("id.access_file", lang, file=safe.plain(me.policy.file, 300))
              if me.policy.configured else t("id.access_none", lang))
    if me.via == "password" and not me.policy.configured:
        st.info(t("id.mode.password", lang), icon=":material/info:")
    else:
        st.caption(t(f"id.mode.{me.via}", lang, access=access))
    if me.policy.broken:
        st.error(t("access.broken", lang) + "\n\n" + "\n".join(
            f"- {safe.plain(p.message(lang), 1000)}" for p in me.policy.problems),
            icon=":material/gpp_bad:")
