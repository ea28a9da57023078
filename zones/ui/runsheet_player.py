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

import dataclasses
import hashlib
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import streamlit as st

from zones import safe
from zones.i18n import DEFAULT_LANG, LANGS, t
from zones.links import address_query, canonical_query, link_for, view_from_link
from zones.model import Dataset
from zones.runsheets import sheet as rs
from zones.runsheets.store import RunSheetStore
from zones.ui import runsheet_follow as following
from zones.ui import session_keys as sk
from zones.ui.data import current_backend, load_data
from zones.ui.options import filter_options
from zones.ui.page_context import Context
from zones.ui.points import step_points
from zones.ui.state import current_lang, current_page
from zones.view import (
    KEY_CONSOLE,
    KEY_FACTS,
    KEY_FOLLOW,
    KEY_LANG,
    KEY_PERIOD,
    KEY_PRESENT,
    KEY_PROFILE,
    KEY_RUNSHEET,
    KEY_RUNSHEET_STEP,
    LIST_KEYS,
    PAGE_OPTIONS,
    PAGES,
    View,
)
from zones.view import KEY_DRAFT as URL_DRAFT

PAGE_FILES = {page: f"pages/{page}.py" for page in PAGES}


KEY_CURRENT = sk.RS_CURRENT
KEY_DRAFT = sk.RS_DRAFT
KEY_PRESENT_DRAFT = sk.RS_PRESENT_DRAFT
KEY_DRAFT_ID = sk.RS_DRAFT_ID
_BASE_LANG = sk.RS_BASE_LANG


_HIDDEN_KEYS = ("rs_next_right", "rs_next_space", "rs_prev_left")


# Extra shortcut buttons (one key each): present in the page, never seen.
_HIDDEN_CSS = "<style>" + ", ".join(f".st-key-{k}" for k in (*_HIDDEN_KEYS, "rs_hidden_keys")
                                    ) + " { display: none !important; }</style>"


def store() -> RunSheetStore:
    """The run-sheets' store, chosen as the import store is (database when configured)."""
    return current_backend().runsheets()


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
        rs.Step(s["title"], s["view"], s["notes"], s.get("title_en", ""), s.get("notes_en", ""))
        for s in draft["steps"]))


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
    rid = st.query_params.get(KEY_RUNSHEET, "").strip() or _resume()
    if not rid:
        ss.pop(KEY_CURRENT, None)
        ss.pop(sk.RS_GOTO, None)
        return
    opened = sk.URL_CHECKED not in ss  # the link was just opened (a new session)
    if opened:
        # ?runsheet=…&lang=en: the presenter's language, in any form a link may give it;
        # it is the language of every step whose link does not fix one (#24).
        params, problems = canonical_query(ds, {KEY_LANG: [st.query_params.get(KEY_LANG,
                                                                                "")]})
        ss[_BASE_LANG] = str(params.get(KEY_LANG, DEFAULT_LANG)) if not problems else (
            DEFAULT_LANG)
        ss[KEY_LANG] = ss[_BASE_LANG]
    elif _BASE_LANG not in ss:  # presenting started from the editor: the page's language
        ss[_BASE_LANG] = _lang()
    ss[sk.URL_CHECKED] = True  # the link is the run-sheet's: zones.ui.parts need not check it
    checked = load_sheet(ds, rid)
    if checked is None or checked.sheet is None or not checked.steps:
        ss[sk.RS_ERROR] = (rid, checked)
        ss.pop(KEY_CURRENT, None)
        _leave_url()
        return
    total = len(checked.steps)
    goto = ss.pop(sk.RS_GOTO, None)
    followed = ss.pop(sk.RS_FOLLOWED, None)  # the router's pick for a following window
    if followed is None and goto is None:
        followed = following.followed_step(rid, total)
    if goto is not None:
        n = max(1, min(int(goto), total))
    elif followed is not None:
        n = max(1, min(int(followed), total))
    else:
        raw = st.query_params.get(KEY_RUNSHEET_STEP)
        n, fine = _step_number(raw, total)
        if not fine:
            ss[sk.RS_ERROR] = ("step", t("rs.err.step_range", _lang(), value=safe.plain(
                str(raw), 40), n=total, shown=n))
    step = checked.steps[n - 1]
    target_page = step.page or "overview"
    if ss.get(KEY_CURRENT) == (rid, n) and goto is None:
        return  # the step is on; a page the presenter went to since, and changes, stay
    # A just-opened link gets the whole view in its address (language, presentation, the
    # step's filter), as check_url_once does for other links: the widgets seeded from
    # session state alone would not write it, and a copied address would open in Chinese.
    wanted = (_address(ds, step, rid, n) if opened
              else {KEY_RUNSHEET: [rid], KEY_RUNSHEET_STEP: [str(n)], **_carried()})
    if target_page != current_page() and following.code() is None:
        # A following window never gets here: the router ran the step's page (followed_page).
        # The step's state is put in on the target page's own run (below), so that no
        # page-switch clean-up of this page's widgets can undo it.
        ss.pop(KEY_CURRENT, None)
        st.switch_page(PAGE_FILES[target_page], query_params=wanted)
    _apply(ds, step)
    ss[KEY_CURRENT] = (rid, n)
    if opened and wanted != {k: st.query_params.get_all(k) for k in st.query_params}:
        st.query_params.from_dict(wanted)
        st.rerun()


def followed_page() -> str | None:
    """For a window that follows a console (#24): the page of the step it shows this run,
    which the router runs in place of the address's page; None for any other window.

    A following window never switches page: Streamlit clears a window's timed fragments
    on a page change, and the poll of the new page then raced that clean-up (a projector
    sometimes stopped following). It also makes one script run per step instead of two.
    The step picked here is the one ``before_sidebar`` puts on (read once per run: a
    console moving in between cannot make the two disagree).
    """
    ss = st.session_state
    ss.pop(sk.RS_FOLLOWED, None)
    rid = st.query_params.get(KEY_RUNSHEET, "").strip()
    if not rid or following.code() is None:
        return None
    result = load_data()
    if not result.ok or result.dataset is None:
        return None
    checked = load_sheet(result.dataset, rid)
    if checked is None or checked.sheet is None or not checked.steps:
        return None
    total = len(checked.steps)
    goto = ss.get(sk.RS_GOTO)
    if goto is not None:  # a key pressed in this window (its callback moved the session)
        n = max(1, min(int(goto), total))
    else:
        n = following.followed_step(rid, total)
        if n is None:  # a code that cannot be followed (said on the page): the link's step
            n = _step_number(st.query_params.get(KEY_RUNSHEET_STEP), total)[0]
        else:
            ss[sk.RS_FOLLOWED] = n
    return checked.steps[n - 1].page or "overview"


def _resume() -> str:
    """A page picked in the navigation while presenting drops ``runsheet`` and ``step``
    from the address; the presentation goes on (#24): they are put back."""
    current = st.session_state.get(KEY_CURRENT)
    if not current:
        return ""
    st.query_params[KEY_RUNSHEET] = current[0]
    st.query_params[KEY_RUNSHEET_STEP] = str(current[1])
    for key, value in _carried().items():
        st.query_params[key] = value[0]
    return str(current[0])


def _carried() -> dict[str, list[str]]:
    """The session's keys an address keeps beside the step: the followed code, the
    draft being built (#24)."""
    out = {}
    if code := st.session_state.get(following.KEY_CODE):
        out[KEY_FOLLOW] = [code]
    if draft := st.session_state.get(KEY_DRAFT_ID):
        out[URL_DRAFT] = [draft]
    return out


def _address(ds: Dataset, step: rs.CheckedStep, rid: str, n: int) -> dict[str, list[str]]:
    """The address of step ``n`` as the address bar shows it, keys in its order."""
    params = {**step.params, KEY_PRESENT: "true", KEY_RUNSHEET: rid, KEY_RUNSHEET_STEP: str(n)}
    params.setdefault(KEY_LANG, str(st.session_state.get(KEY_LANG) or DEFAULT_LANG))
    shown = address_query(ds, params, filter_options(ds))
    shown.update({k: v[0] for k, v in _carried().items()})
    return {k: v if isinstance(v, list) else [v] for k, v in sorted(shown.items())}


def step_view(ds: Dataset, step: rs.CheckedStep, base: str | None = None) -> View:
    """The step's whole view: page, filter, options, and its language — the link's own,
    else the presenter's (``base``: by default the run-sheet link's ``lang``, Chinese
    when it has none)."""
    view, _ = view_from_link(ds, step.step.view)
    fixed = any(k == KEY_LANG for k, _ in parse_qsl(urlsplit(step.step.view).query))
    if not fixed:
        base = base or str(st.session_state.get(_BASE_LANG) or DEFAULT_LANG)
        view = dataclasses.replace(view, lang=base if base in LANGS else DEFAULT_LANG)
    return view


def _apply(ds: Dataset, step: rs.CheckedStep) -> None:
    """The step's view → the bound widgets' state (and so the address bar): every field,
    defaults included, so nothing of the step before stays (#24)."""
    ss = st.session_state
    view = step_view(ds, step)
    f = view.filter
    for key, values in zip(LIST_KEYS, (f.products, f.destinations, f.prefectures, f.zones),
                           strict=True):
        ss[key] = list(values)
    ss[KEY_PERIOD] = tuple(f.period) if f.period else (ds.periods[0], ds.periods[-1])
    ss[KEY_FACTS] = f.report_only
    ss[KEY_PRESENT] = True  # a run-sheet is shown as a presentation
    ss[KEY_LANG] = view.lang
    ss[KEY_PROFILE] = view.option(KEY_PROFILE)
    for key in PAGE_OPTIONS:
        ss[key] = view.option(key)
    ss.pop(sk.SHARED, None)  # zones.ui.parts must not carry the previous step's filter over
    ss["rs_notes_on"] = False  # notes start hidden on every step


def _lang() -> str:
    return current_lang()


def _leave_url() -> None:
    for key in (KEY_RUNSHEET, KEY_RUNSHEET_STEP, KEY_FOLLOW):
        if key in st.query_params:
            del st.query_params[key]


def _go(n: int, rid: str = "", total: int = 0) -> None:
    """A presenter's key: this window goes to step ``n``, and so does the console or
    projector it is paired with (#24)."""
    st.session_state[sk.RS_GOTO] = n
    code = st.session_state.get(following.KEY_CODE)
    if code and rid:
        following.move(code, rid, n, total)


def _leave() -> None:
    for key in (KEY_CURRENT, KEY_PRESENT_DRAFT, _BASE_LANG, following.KEY_CODE):
        st.session_state.pop(key, None)
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
    err = st.session_state.pop(sk.RS_ERROR, None)
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
    """The step indicator, the buttons a clicker's keys press, and the notes on demand.

    The bar is a wrapping row of buttons at their own width: with the sidebar open or on
    a narrow screen it takes a second line instead of cutting a label (#24). A window
    that follows a console (``follow=``) keeps the bar hidden (its buttons carry the
    keys) and never shows notes.
    """
    steps = active.checked.steps
    n, total, rid = active.number, len(steps), active.rid
    step = steps[n - 1]
    code = st.session_state.get(following.KEY_CODE)
    st.html(_HIDDEN_CSS + _BAR_CSS)
    if code:
        st.html(following.FOLLOWER_CSS)
        following.problem(lang)
    with st.container(key="rs_bar", border=True, horizontal=True, wrap=True,
                      vertical_alignment="center", gap="small"):
        _step_buttons(lang, rid, n, total, step.step.title_in(lang))
        if not code:
            st.toggle(t("rs.notes_toggle", lang), key="rs_notes_on")
            st.link_button(t("rs.console", lang), console_link(rid, lang, n),
                           help=t("rs.console.help", lang), icon=":material/co_present:")
        st.button(t("rs.exit", lang), key="rs_exit", icon=":material/close:", on_click=_leave)
    # Clickers and keyboards send these too; one shortcut per button, so extra, hidden
    # buttons carry them (CSS above), outside the bar's row. At the ends they do nothing.
    with st.container(key="rs_hidden_keys"):
        for key, label, shortcut, to in (("rs_next_right", "→", "Right", min(n + 1, total)),
                                         ("rs_next_space", "␣", "Space", min(n + 1, total)),
                                         ("rs_prev_left", "←", "Left", max(n - 1, 1))):
            st.button(label, key=key, shortcut=shortcut, on_click=_go, args=(to, rid, total))
    if (step.page or "overview") != current_page():
        _away(lang, rid, n, total, step)
    if st.session_state.get("rs_notes_on") and not code:
        notes = step.step.notes_in(lang)
        st.info(safe.plain(notes, rs.MAX_NOTES) if notes else t("rs.no_notes", lang),
                icon=":material/speaker_notes:")
        step_points(ds, step.page, step.params, lang)  # the step's key points (#21)
    if step.problems:
        st.warning(t("rs.err.step_broken", lang, n=n, detail=safe.plain(
            "; ".join(p.message[lang] for p in step.problems), 1500)), icon=":material/warning:")
    # Keep the address bar on this step (widgets write the view's own keys beside it).
    for key, value in ((KEY_RUNSHEET, rid), (KEY_RUNSHEET_STEP, str(n)),
                       *((k, v[0]) for k, v in _carried().items())):
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    if code:
        following.poll(lambda: (st.session_state.get(KEY_CURRENT) or (None, None))[1])


_BAR_CSS = """<style>
.st-key-rs_bar button p { white-space: nowrap; }
</style>"""


def _step_buttons(lang: str, rid: str, n: int, total: int, step_title: str) -> None:
    """First, back, the indicator, next, last: each button carries a clicker's key."""
    st.button(t("rs.first", lang), key="rs_first", shortcut="Home", icon=":material/first_page:",
              disabled=n == 1, on_click=_go, args=(1, rid, total))
    st.button(t("rs.prev", lang), key="rs_prev", shortcut="PageUp",
              icon=":material/chevron_left:", disabled=n == 1, on_click=_go,
              args=(n - 1, rid, total))
    st.container(key="rs_indicator", width="content").markdown(
        "**" + safe.plain(t("rs.indicator", lang, n=n, total=total, title=step_title), 300)
        + "**", help=t("rs.keys", lang))
    st.button(t("rs.next", lang), key="rs_next", shortcut="PageDown",
              icon=":material/chevron_right:", disabled=n == total, on_click=_go,
              args=(n + 1, rid, total))
    st.button(t("rs.last", lang), key="rs_last", shortcut="End", icon=":material/last_page:",
              disabled=n == total, on_click=_go, args=(total, rid, total))


def _away(lang: str, rid: str, n: int, total: int, step: rs.CheckedStep) -> None:
    """The presenter went to another page: the run-sheet stays on, one click back."""
    with st.container(horizontal=True, vertical_alignment="center", key="rs_away"):
        st.caption(t("rs.away", lang, n=n, page=t(f"page.{step.page or 'overview'}", lang)))
        st.button(t("rs.back_to_step", lang, n=n), key="rs_back", type="primary",
                  icon=":material/undo:", on_click=_go, args=(n, rid, total))


def heading(ds: Dataset, lang: str) -> str | None:
    """The big heading while presenting: the step's own title on the step's page (#24)."""
    active = active_step(ds)
    if active is None:
        return None
    step = active.checked.steps[active.number - 1]
    if (step.page or "overview") != current_page():
        return None
    return step.step.title_in(lang)


def console_link(rid: str, lang: str, n: int) -> str:
    """The presenter's console of this run-sheet, at this step, in this language."""
    params = {KEY_RUNSHEET: rid, KEY_RUNSHEET_STEP: str(n), KEY_CONSOLE: "1"}
    if lang != DEFAULT_LANG:
        params[KEY_LANG] = lang
    return following.app_base(current_page()) + link_for("overview", params)


def page_tools(ctx: Context) -> str | None:
    """The page head's run-sheet part: the presenter bar when a run-sheet is on and the
    problems of a linked run-sheet (the editor is part of the sidebar). Returns the heading
    of the step shown (None when no step is on this page)."""
    lang = ctx.lang
    show_problems(lang)
    active = active_step(ctx.ds)
    if active is None:
        return None
    presenter_bar(ctx.ds, lang, active)
    if active.checked.problems:
        problem_list(active.checked, lang)
    return heading(ctx.ds, lang)
