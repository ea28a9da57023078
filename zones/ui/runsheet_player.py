"""Run-sheets in the app (#16): stepping through saved views with a presenter's keys, and
building, downloading, uploading and saving run-sheets.

Two calls from ``zones.ui.parts`` tie it in: ``before_sidebar`` (in ``context``, before the
filter widgets exist, so a step's filter can still be put into their state) and
``page_tools`` (in the shared page header: the presenter bar and the editor, on every
page). The address bar always carries ``runsheet`` and ``step`` while a run-sheet is on,
so the URL reopens the same step.

The state a step puts into the widgets comes only from ``zones.runsheets.sheet``'s checked,
canonical ids; nothing from a file reaches HTML (titles and notes go through
``safe.plain``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

import streamlit as st

from zones import safe
from zones.i18n import DEFAULT_LANG, t
from zones.links import (
    KEY_BY,
    KEY_FACTS,
    KEY_INTERVAL,
    KEY_LANG,
    KEY_MEASURE,
    KEY_PERIOD,
    KEY_PRESENT,
    KEY_PROFILE,
    KEY_RUNSHEET,
    KEY_RUNSHEET_STEP,
    LIST_KEYS,
    PAGE_OPTION_DEFAULTS,
    PAGES,
    QUERY_ORDER,
    address_query,
    canonical_query,
    link_for,
)
from zones.model import Dataset
from zones.runsheets import sheet as rs
from zones.runsheets.store import RunSheetStore
from zones.ui.data import current_backend
from zones.ui.options import filter_options
from zones.ui.points import step_points

PAGE_FILES = {page: f"pages/{page}.py" for page in PAGES}


KEY_CURRENT = "_rs_current"  # (id, step) whose view was last put into the widgets


_GOTO = "_rs_goto"  # a step asked for by a presenter button (set in its callback)


_ERROR = "_rs_error"  # what to say on this page about the run-sheet in the link


KEY_DRAFT = "_rs_draft"  # the run-sheet being built in this session


KEY_PRESENT_DRAFT = "_rs_present_draft"  # present the session's draft, not the saved file


_PAGE = "_rs_page"  # url_path of the page this run draws (set by app.py)


_HIDDEN_KEYS = ("rs_next_right", "rs_next_space", "rs_prev_left")


# Extra shortcut buttons (one key each): present in the page, never seen.
_HIDDEN_CSS = "<style>" + ", ".join(f".st-key-{k}" for k in _HIDDEN_KEYS) + (
    " { display: none !important; }</style>")


def store() -> RunSheetStore:
    """The run-sheets' store, chosen as the import store is (database when configured)."""
    return current_backend().runsheets()


def set_page(url_path: str) -> None:
    """The router tells which page this run draws (a step may live on another page)."""
    st.session_state[_PAGE] = url_path or "overview"


def current_page() -> str:
    return str(st.session_state.get(_PAGE) or "overview")


_CHECKED: dict[tuple, rs.Checked] = {}


def _checked(ds: Dataset, rid: str, data: bytes, file: str) -> rs.Checked:
    """A run-sheet read and checked once per (dataset, bytes): a step change stays cheap."""
    key = (id(ds), rid, hashlib.sha256(data).hexdigest())
    hit = _CHECKED.get(key)
    if hit is None:
        if len(_CHECKED) > 64:
            _CHECKED.clear()
        hit = _CHECKED[key] = rs.read(ds, data, file, rid)
    return hit


def draft_sheet() -> rs.RunSheet | None:
    draft = st.session_state.get(KEY_DRAFT)
    if not draft:
        return None
    return rs.RunSheet(draft["id"], draft["title"], tuple(
        rs.Step(s["title"], s["view"], s["notes"]) for s in draft["steps"]))


def load_sheet(ds: Dataset, rid: str) -> rs.Checked | None:
    """The run-sheet ``rid``: the session's draft while it is being presented, else saved."""
    sheet = draft_sheet()
    if sheet is not None and sheet.id == rid and st.session_state.get(KEY_PRESENT_DRAFT):
        return _checked(ds, rid, rs.to_bytes(sheet), f"{rid}{rs.SUFFIX}")
    if not rs.valid_id(rid):
        return rs.Checked(f"{rid}{rs.SUFFIX}", None, (), (rs.id_problem(f"{rid}{rs.SUFFIX}",
                                                                         rid),))
    target = store()
    try:
        data = target.read(rid)
    except Exception as exc:  # an unreachable database: said on the page, never a traceback
        logging.getLogger("zones").warning("run-sheet read failed: %s", type(exc).__name__)
        return rs.Checked(target.file_name(rid), None, (), (rs.Problem(
            target.file_name(rid), None, {lang: t("rs.err.unreadable", lang,
                                                  detail=type(exc).__name__)
                                          for lang in ("zh", "en")}),))
    if data is None:
        return None
    return _checked(ds, rid, data, target.file_name(rid))


@dataclass
class _Active:
    rid: str
    number: int
    checked: rs.Checked
    notices: list[str] = field(default_factory=list)


def _step_number(raw: str | None, total: int) -> tuple[int, bool]:
    try:
        n = int(str(raw).strip()) if raw not in (None, "") else 1
    except ValueError:
        return 1, False
    if 1 <= n <= total:
        return n, True
    return (total if n > total else 1), False


def before_sidebar(ds: Dataset) -> None:
    """Put the linked step's view into the widgets' state, switching page if it lives
    elsewhere. Runs before any filter widget of this run exists."""
    ss = st.session_state
    rid = st.query_params.get(KEY_RUNSHEET, "").strip()
    if not rid:
        ss.pop(KEY_CURRENT, None)
        ss.pop(_GOTO, None)
        return
    opened = "_url_checked" not in ss  # the link was just opened (a new session)
    if "_url_checked" not in ss and st.query_params.get(KEY_LANG):
        # ?runsheet=…&lang=en: the presenter's language, in any form a link may give it
        params, problems = canonical_query(ds, {KEY_LANG: [st.query_params[KEY_LANG]]})
        if not problems:
            ss[KEY_LANG] = str(params.get(KEY_LANG, DEFAULT_LANG))
    ss["_url_checked"] = True  # the link is the run-sheet's: zones.ui.parts need not check it
    checked = load_sheet(ds, rid)
    lang = _lang()
    if checked is None or checked.sheet is None or not checked.steps:
        ss[_ERROR] = (rid, checked)
        ss.pop(KEY_CURRENT, None)
        _leave_url()
        return
    total = len(checked.steps)
    goto = ss.pop(_GOTO, None)
    if goto is not None:
        n, fine = max(1, min(int(goto), total)), True
    else:
        raw = st.query_params.get(KEY_RUNSHEET_STEP)
        n, fine = _step_number(raw, total)
        if not fine:
            ss[_ERROR] = ("step", t("rs.err.step_range", lang, value=safe.plain(str(raw), 40),
                                    n=total, shown=n))
    step = checked.steps[n - 1]
    target_page = step.page or "overview"
    if ss.get(KEY_CURRENT) == (rid, n) and target_page == current_page():
        return  # the step is on; whatever the presenter changed since stays
    # A just-opened link gets the whole view in its address (language, presentation, the
    # step's filter), as check_url_once does for other links: the widgets seeded from
    # session state alone would not write it, and a copied address would open in Chinese.
    wanted = (_address(ds, step, rid, n) if opened
              else {KEY_RUNSHEET: [rid], KEY_RUNSHEET_STEP: [str(n)]})
    if target_page != current_page():
        # The step's state is put in on the target page's own run (below), so that no
        # page-switch clean-up of this page's widgets can undo it.
        st.switch_page(PAGE_FILES[target_page], query_params=wanted)
    _apply(ds, step)
    ss[KEY_CURRENT] = (rid, n)
    if opened and wanted != {k: st.query_params.get_all(k) for k in st.query_params}:
        st.query_params.from_dict(wanted)
        st.rerun()


def _address(ds: Dataset, step: rs.CheckedStep, rid: str, n: int) -> dict[str, list[str]]:
    """The address of step ``n`` as the address bar shows it, keys in its order."""
    params = {**step.params, KEY_PRESENT: "true", KEY_RUNSHEET: rid, KEY_RUNSHEET_STEP: str(n)}
    params.setdefault(KEY_LANG, str(st.session_state.get(KEY_LANG) or DEFAULT_LANG))
    shown = address_query(ds, params, filter_options(ds))
    return {k: v if isinstance(v, list) else [v] for k, v in sorted(shown.items())}


def _apply(ds: Dataset, step: rs.CheckedStep) -> None:
    """The step's canonical view → the bound widgets' state (and so the address bar)."""
    ss = st.session_state
    p = step.params
    for key in LIST_KEYS:
        ss[key] = list(p.get(key, []))
    period = p.get(KEY_PERIOD)
    ss[KEY_PERIOD] = (tuple(period) if isinstance(period, list) and len(period) == 2
                      else (ds.periods[0], ds.periods[-1]))
    ss[KEY_FACTS] = p.get(KEY_FACTS) == "true"
    ss[KEY_PRESENT] = True  # a run-sheet is shown as a presentation
    if KEY_LANG in p:  # a step may fix the language; else the presenter's stays
        ss[KEY_LANG] = str(p[KEY_LANG])
    ss[KEY_PROFILE] = p.get(KEY_PROFILE) or None
    for key in (KEY_INTERVAL, KEY_BY, KEY_MEASURE):
        ss[key] = str(p.get(key) or PAGE_OPTION_DEFAULTS[key])
    ss.pop("_shared", None)  # zones.ui.parts must not carry the previous step's filter over
    ss["rs_notes_on"] = False  # notes start hidden on every step


def _lang() -> str:
    from zones.ui.state import current_lang

    return current_lang()


def _leave_url() -> None:
    for key in (KEY_RUNSHEET, KEY_RUNSHEET_STEP):
        if key in st.query_params:
            del st.query_params[key]


def _go(n: int) -> None:
    st.session_state[_GOTO] = n


def _leave() -> None:
    st.session_state.pop(KEY_CURRENT, None)
    st.session_state.pop(KEY_PRESENT_DRAFT, None)
    st.session_state[KEY_PRESENT] = False
    _leave_url()


def active_step(ds: Dataset) -> _Active | None:
    current = st.session_state.get(KEY_CURRENT)
    rid = st.query_params.get(KEY_RUNSHEET, "")
    if not current or current[0] != rid:
        return None
    checked = load_sheet(ds, rid)
    if checked is None or checked.sheet is None or not checked.steps:
        return None
    return _Active(rid, min(int(current[1]), len(checked.steps)), checked)


def show_problems(lang: str) -> None:
    err = st.session_state.pop(_ERROR, None)
    if not err:
        return
    if err[0] == "step":
        st.warning(err[1], icon=":material/format_list_numbered:")
        return
    rid, checked = err
    if checked is None:
        where = safe.plain(store().file_name(rid) if rs.valid_id(rid) else rid, 200)
        st.error(t("rs.err.not_found", lang, value=safe.plain(rid, 80), where=where),
                 icon=":material/playlist_remove:")
        return
    lines = [t("rs.problems", lang, file=checked.file, n=len(checked.problems))]
    lines += [p.text(lang) for p in checked.problems[:50]]
    st.error("  \n".join(safe.plain(x, 600) for x in lines), icon=":material/playlist_remove:")


def problem_list(checked: rs.Checked, lang: str) -> None:
    if not checked.problems:
        return
    with st.expander(t("rs.problems", lang, file=safe.plain(checked.file, 200),
                       n=len(checked.problems)), icon=":material/warning:",
                     expanded=checked.sheet is None):
        for p in checked.problems[:50]:
            st.markdown("- " + safe.plain(p.text(lang), 600))


def presenter_bar(ds: Dataset, lang: str, active: _Active) -> None:
    """The step indicator, the buttons a clicker's keys press, and the notes on demand."""
    steps = active.checked.steps
    n, total = active.number, len(steps)
    step = steps[n - 1]
    st.html(_HIDDEN_CSS)
    with st.container(key="rs_bar", border=True):
        cols = st.columns([2, 2.3, 4, 2.6, 2, 2.2, 1.8], vertical_alignment="center")
        cols[0].button(t("rs.first", lang), key="rs_first", shortcut="Home", width="stretch",
                       icon=":material/first_page:", disabled=n == 1, on_click=_go, args=(1,))
        cols[1].button(t("rs.prev", lang), key="rs_prev", shortcut="PageUp", width="stretch",
                       icon=":material/chevron_left:", disabled=n == 1, on_click=_go,
                       args=(n - 1,))
        cols[2].container(key="rs_indicator").markdown(
            "**" + safe.plain(t("rs.indicator", lang, n=n, total=total,
                                title=step.step.title), 300) + "**", help=t("rs.keys", lang))
        cols[3].button(t("rs.next", lang), key="rs_next", shortcut="PageDown", width="stretch",
                       icon=":material/chevron_right:", disabled=n == total, on_click=_go,
                       args=(n + 1,))
        cols[4].button(t("rs.last", lang), key="rs_last", shortcut="End", width="stretch",
                       icon=":material/last_page:", disabled=n == total, on_click=_go,
                       args=(total,))
        notes_on = cols[5].toggle(t("rs.notes_toggle", lang), key="rs_notes_on")
        cols[6].button(t("rs.exit", lang), key="rs_exit", width="stretch",
                       icon=":material/close:", on_click=_leave)
        # Clickers and keyboards send these too; one shortcut per button, so extra,
        # hidden buttons carry them (CSS above). At the ends they do nothing.
        st.button("→", key="rs_next_right", shortcut="Right", on_click=_go,
                  args=(min(n + 1, total),))
        st.button("␣", key="rs_next_space", shortcut="Space", on_click=_go,
                  args=(min(n + 1, total),))
        st.button("←", key="rs_prev_left", shortcut="Left", on_click=_go, args=(max(n - 1, 1),))
    if notes_on:
        st.info(safe.plain(step.step.notes, rs.MAX_NOTES) if step.step.notes
                else t("rs.no_notes", lang), icon=":material/speaker_notes:")
        step_points(ds, step.page, step.params, lang)  # the step's key points (#21)
    if step.problems:
        st.warning(t("rs.err.step_broken", lang, n=n, detail=safe.plain(
            "; ".join(p.message[lang] for p in step.problems), 1500)), icon=":material/warning:")
    # Keep the address bar on this step (widgets write the view's own keys beside it).
    for key, value in ((KEY_RUNSHEET, active.rid), (KEY_RUNSHEET_STEP, str(n))):
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def current_view_link(ds: Dataset, ctx_state, lang: str, page: str) -> str:
    """The link of what this page shows now, in the canonical form (ids, no defaults).

    Built from the ids the widgets hold, which are canonical already: no alias lookup
    (``links.canonical_query`` costs ~10 ms), so drawing the button costs nothing.
    """
    ss = st.session_state
    params: dict[str, str | list[str]] = {}
    if lang != DEFAULT_LANG:
        params[KEY_LANG] = lang
    values = {"product": ctx_state.products, "dest": ctx_state.destinations,
              "pref": ctx_state.prefectures, "zone": ctx_state.zones}
    for key in LIST_KEYS:
        if values[key]:
            params[key] = list(values[key])
    if ctx_state.period:
        params[KEY_PERIOD] = list(ctx_state.period)
    if ctx_state.report_only:
        params[KEY_FACTS] = "true"
    if page == "zones" and ss.get(KEY_PROFILE):
        params[KEY_PROFILE] = str(ss[KEY_PROFILE])
    if page == "volumes":
        for key in (KEY_INTERVAL, KEY_BY, KEY_MEASURE):
            value = ss.get(key)
            if value and value != PAGE_OPTION_DEFAULTS[key]:
                params[key] = str(value)
    return link_for(page, {k: params[k] for k in QUERY_ORDER if k in params})
