"""The session's language and URL state: what a link asked for, repaired once per session.

Links carry ids, plain names or bilingual labels; Streamlit's bound widgets only read labels.
Here a link's values are resolved before the widgets exist, unknown ones are noted for the
page's notice, and the filter survives Streamlit's page switch.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from zones.dataset.filters import dropped_params
from zones.i18n import DEFAULT_LANG, LANG_LABELS, LANGS
from zones.model import Dataset
from zones.ui.keys import (
    FILTER_KEYS,
    KEY_FACTS,
    KEY_LANG,
    KEY_PERIOD,
    KEY_PRESENT,
    KEY_PROFILE,
    KEY_ZONE,
    LIST_KEYS,
    PAGE_OPTIONS,
)
from zones.ui.options import filter_options, link_aliases, page_option_label


def current_lang() -> str:
    """The language widget's value; before it exists (first run, error page), the URL's."""
    value = st.session_state.get(KEY_LANG)
    if value in LANGS:
        return str(value)
    by_label = {label: code for code, label in LANG_LABELS.items()} | {c: c for c in LANGS}
    return by_label.get(st.query_params.get(KEY_LANG, ""), DEFAULT_LANG)


def _valid_url_values(ds: Dataset) -> dict[str, set[str]]:
    valid = {k: set(labels.values()) for k, labels in filter_options(ds).items()}
    valid[KEY_LANG] = set(LANG_LABELS.values())
    valid[KEY_PERIOD] = set(ds.periods)
    valid[KEY_FACTS] = valid[KEY_PRESENT] = {"true", "false"}
    valid[KEY_PROFILE] = set(valid[KEY_ZONE])
    for key, values in PAGE_OPTIONS.items():
        valid[key] = {page_option_label(key, v) for v in values}
    return valid


def check_url_once(ds: Dataset) -> None:
    """Before the widgets clean the URL, note which of its values will be dropped."""
    if "_url_checked" in st.session_state:
        return
    st.session_state["_url_checked"] = True
    raw = {k: st.query_params.get_all(k) for k in st.query_params}
    if raw.get(KEY_PRESENT) == ["1"]:  # the short form `?present=1` from printed notes
        st.session_state[KEY_PRESENT] = True
        raw.pop(KEY_PRESENT)
    if raw.get(KEY_LANG, [""])[-1] in LANGS:  # `?lang=en` / `?lang=zh`, as people type it
        st.session_state[KEY_LANG] = raw.pop(KEY_LANG)[-1]
    raw = _resolve_id_links(ds, raw)  # ?product=ginseng, ?dest=JPN, ?profile=dehui-poultry
    dropped = dropped_params(raw, _valid_url_values(ds))
    if dropped:
        st.session_state["_url_dropped"] = dropped


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
    saved = st.session_state.get("_shared", {})
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
    st.session_state["_shared"] = saved


def _resolve_id_links(ds: Dataset, raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Put ids (and plain names) from a typed or pasted link into the bound widgets.

    Runs once per session, before the widgets exist: the chosen ids go to session state,
    which seeds the widget when the URL value is not a label. Values that match nothing
    are left in ``raw`` for the "dropped" notice. (Streamlit 1.67 then drops the id from
    the address bar; the next change of any filter writes the labels back.)
    """
    options = filter_options(ds)
    aliases = link_aliases(ds)
    out = dict(raw)
    for key in (*LIST_KEYS, KEY_PROFILE):
        opt_key = KEY_ZONE if key == KEY_PROFILE else key
        values = raw.get(key) or []
        labels = options[opt_key]
        if not values or all(v in labels.values() for v in values):
            continue
        by_label = {label: oid for oid, label in labels.items()}
        chosen: list[str] = []
        unknown: list[str] = []
        for v in values:
            oid = by_label.get(v) or aliases[opt_key].get(v.strip().lower())
            if oid is None:
                unknown.append(v)
            elif oid not in chosen:
                chosen.append(oid)
        if not chosen:
            continue
        if key == KEY_PROFILE:
            chosen = chosen[-1:]
        st.session_state[key] = chosen[0] if key == KEY_PROFILE else chosen
        out[key] = unknown
    return out


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
    old = st.session_state.get("_period_full")
    st.session_state["_period_full"] = full
    current = st.session_state.get(KEY_PERIOD)
    if old is None or tuple(old) == full or current is None:
        return
    if tuple(current) == tuple(old) or any(v not in periods for v in current):
        st.session_state.pop(KEY_PERIOD, None)
