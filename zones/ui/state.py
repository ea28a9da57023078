"""The session's language and URL state: what a link asked for, repaired once per session.

Links carry ids, plain names or bilingual labels; Streamlit's bound widgets only read labels.
Here a link is rewritten once into the labels the widgets write (so the address bar keeps
it), unknown values are noted for the page's notice, and the filter survives a page switch.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from zones.i18n import DEFAULT_LANG, LANG_LABELS, LANGS
from zones.links import address_query, canonical_query, page_option_aliases
from zones.model import Dataset
from zones.ui import session_keys as sk
from zones.ui.options import filter_options
from zones.view import (
    FILTER_KEYS,
    KEY_FACTS,
    KEY_LANG,
    KEY_PERIOD,
    KEY_PRESENT,
    KEY_PROFILE,
    KEY_ZONE,
    LIST_KEYS,
    OPTIONS_OF_PAGE,
    PAGE_OPTIONS,
    PAGES,
    View,
)


def current_lang() -> str:
    """The language widget's value; before it exists (first run, error page), the URL's."""
    value = st.session_state.get(KEY_LANG)
    if value in LANGS:
        return str(value)
    by_label = {label: code for code, label in LANG_LABELS.items()} | {c: c for c in LANGS}
    return by_label.get(st.query_params.get(KEY_LANG, ""), DEFAULT_LANG)


def set_page(url_path: str) -> None:
    """The router tells which page this run draws (a run-sheet step may need another)."""
    st.session_state[sk.CURRENT_PAGE] = url_path or "overview"


def current_page() -> str:
    """The page this run draws: the router's choice, else the page file run on its own."""
    chosen = st.session_state.get(sk.CURRENT_PAGE)
    if chosen:
        return str(chosen)
    ctx = get_script_run_ctx()
    stem = Path(ctx.main_script_path).stem if ctx is not None else ""
    return stem if stem in PAGES else "overview"


def page_options(page: str) -> dict[str, str]:
    """The page's own options (the volumes page's choices, the open profile) as the
    widgets hold them now; a value the page does not offer counts as its default."""
    out: dict[str, str] = {}
    for key in OPTIONS_OF_PAGE.get(page, ()):
        value = st.session_state.get(key)
        if value and (key not in PAGE_OPTIONS or value in PAGE_OPTIONS[key]):
            out[key] = str(value)
    return out


def shown_view(view: View) -> View:
    """``view`` with the page's options as drawn in this run (read after the page ran,
    or by a control drawn after them), for Copy link and "Add this view"."""
    return view.replace(options=page_options(view.page))


def _valid_url_values(ds: Dataset) -> dict[str, set[str]]:
    valid = {k: set(labels.values()) for k, labels in filter_options(ds).items()}
    valid[KEY_LANG] = set(LANG_LABELS.values())
    valid[KEY_PERIOD] = set(ds.periods)
    valid[KEY_FACTS] = valid[KEY_PRESENT] = {"true", "false"}
    valid[KEY_PROFILE] = set(valid[KEY_ZONE])
    for key, values in PAGE_OPTIONS.items():
        valid[key] = {a for v in values for a in page_option_aliases(key, v)}
    return valid


def check_url_once(ds: Dataset, page: StreamlitPage | None = None) -> None:
    """Put a typed or pasted link into its canonical form before any widget reads it.

    Runs once per session, before the bound widgets exist. Streamlit 1.67 seeds a bound
    widget only from a URL value that is one of its option labels and clears any other
    value from the address bar, even when session state chose the option (it writes a
    programmatic value back only for a widget that existed in an earlier run). So ids,
    plain names, ``?lang=en`` or ``?present=1`` are rewritten here to the labels the
    widgets write (``zones.links.address_query``) and the run restarts on that URL: the
    widgets seed from it and the address bar keeps it. Values that mean nothing are
    dropped, with the notice drawn by ``header``.
    """
    if sk.URL_CHECKED in st.session_state:
        return
    st.session_state[sk.URL_CHECKED] = True
    raw = {k: st.query_params.get_all(k) for k in st.query_params}
    params, problems = canonical_query(ds, raw)
    if problems:
        st.session_state[sk.URL_DROPPED] = [(p.key, p.value) for p in problems]
    shown = address_query(ds, params, filter_options(ds))
    wanted = {k: v if isinstance(v, list) else [v] for k, v in sorted(shown.items())}
    if list(wanted.items()) == list(raw.items()):  # order too: one view, one address
        return
    if page is not None:  # switch_page waits until the browser has the new address
        st.switch_page(page, query_params=wanted)
    st.query_params.from_dict(wanted)
    st.rerun()


def reset_filters() -> None:
    for key in LIST_KEYS:
        st.session_state[key] = []
    st.session_state.pop(KEY_PERIOD, None)
    st.session_state[KEY_FACTS] = False


_SHARED_KEYS = (KEY_LANG, KEY_PRESENT, *FILTER_KEYS)


def restore_after_page_switch() -> None:
    """Carry the shared filter across a page switch that dropped it from the URL.

    Streamlit (1.67) drops URL-seeded values of bound widgets on the first switch to
    another page after a link was opened. The last values drawn are kept here, and put
    back when the URL lost them without the user clearing them.
    """
    saved = st.session_state.get(sk.SHARED, {})
    if saved.get("_page") in (None, _page_hash()):
        return  # same page: whatever the widgets say is what the user chose
    for key, value in saved.items():
        if key in _SHARED_KEYS and key not in st.query_params and value not in (
                None, [], False, ()):
            st.session_state[key] = value


def _page_hash() -> str:
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else ""


def remember_shared() -> None:
    saved: dict[str, object] = {k: st.session_state.get(k) for k in _SHARED_KEYS}
    saved["_page"] = _page_hash()
    st.session_state[sk.SHARED] = saved


def forget_unknown_url_keys(ds: Dataset, keys: list[str]) -> None:
    """After the notice, drop keys no widget reads from the address bar, so a pasted or
    hostile link does not bring the warning back on every open of the copied address."""
    known = set(_valid_url_values(ds))
    for key in keys:
        if key not in known and key in st.query_params:
            del st.query_params[key]


def follow_new_periods(periods: list[str]) -> None:
    """After an import adds months (or an undo removes them), a period slider left at the
    full range follows the new full range; one pointing at months that are gone resets."""
    full = (periods[0], periods[-1])
    old = st.session_state.get(sk.PERIOD_FULL)
    st.session_state[sk.PERIOD_FULL] = full
    current = st.session_state.get(KEY_PERIOD)
    if old is None or tuple(old) == full or current is None:
        return
    if tuple(current) == tuple(old) or any(v not in periods for v in current):
        st.session_state.pop(KEY_PERIOD, None)
