"""Building run-sheets in the app (#16): add this view, rename, notes, reorder, delete,
download and upload the ``.toml``, and save on the server with editing rights.

Anyone builds a draft in their own session; saving or deleting on the server needs the
same rights as imports and goes through the chosen backend's run-sheet store.
"""

from __future__ import annotations

import logging

import streamlit as st

from zones import safe
from zones.dataset.filters import summary
from zones.i18n import t
from zones.links import (
    KEY_RUNSHEET,
    KEY_RUNSHEET_STEP,
    view_from_link,
)
from zones.model import Dataset
from zones.runsheets import sheet as rs
from zones.runsheets.store import RunSheetError
from zones.runsheets.words import describe
from zones.ui import runsheet_drafts as drafts
from zones.ui import session_keys as sk
from zones.ui.page_context import Context
from zones.ui.runsheet_player import (
    KEY_CURRENT,
    KEY_DRAFT,
    KEY_PRESENT_DRAFT,
    draft_sheet,
    load_sheet,
    store,
)
from zones.ui.state import shown_view


def _new_draft(lang: str) -> dict:
    return {"id": "runsheet", "title": t("rs.title_default", lang), "steps": [], "seq": 0}


def _draft(lang: str) -> dict:
    ss = st.session_state
    if not ss.get(KEY_DRAFT):
        ss[KEY_DRAFT] = _new_draft(lang)
    return ss[KEY_DRAFT]


def _add_view(link: str, title: str, lang: str) -> None:
    draft = _draft(lang)
    draft["seq"] += 1
    draft["steps"].append({"uid": draft["seq"], "title": title[:rs.MAX_TITLE], "view": link,
                           "notes": "", "title_en": "", "notes_en": ""})
    drafts.keep()
    st.session_state[sk.RS_OUTCOME] = ("success", t("rs.added", lang, n=len(draft["steps"]),
                                               title=title))
    st.session_state["rs_edit_on"] = True  # show what was added, ready to rename and note


def _move(uid: int, by: int) -> None:
    steps = st.session_state[KEY_DRAFT]["steps"]
    i = next(i for i, s in enumerate(steps) if s["uid"] == uid)
    j = i + by
    if 0 <= j < len(steps):
        steps[i], steps[j] = steps[j], steps[i]
    drafts.keep()


def _delete(uid: int) -> None:
    draft = st.session_state[KEY_DRAFT]
    draft["steps"] = [s for s in draft["steps"] if s["uid"] != uid]
    drafts.keep()


def _edited(uid: int, what: str) -> None:
    """A title or notes field changed: copy it into the draft (the file's text)."""
    value = str(st.session_state.get(f"rs_{what}_{uid}") or "")
    for s in st.session_state[KEY_DRAFT]["steps"]:
        if s["uid"] == uid:
            s[what] = value if what.startswith("notes") else value.strip()
    drafts.keep()


def _edited_head(what: str) -> None:
    value = str(st.session_state.get(f"rs_sheet_{what}") or "").strip()
    st.session_state[KEY_DRAFT][what] = value
    drafts.keep()


def _start_over(lang: str) -> None:
    st.session_state[KEY_DRAFT] = _new_draft(lang)
    _sync_widgets()
    drafts.keep()


def _sync_widgets() -> None:
    """After a load or reset, the editor's fields show the draft, not their old text."""
    draft = st.session_state[KEY_DRAFT]
    st.session_state["rs_sheet_title"] = draft["title"]
    st.session_state["rs_sheet_id"] = draft["id"]
    for s in draft["steps"]:
        for what in ("title", "notes", "title_en", "notes_en"):
            st.session_state[f"rs_{what}_{s['uid']}"] = s.get(what, "")


def _load_into_draft(sheet: rs.RunSheet) -> None:
    steps = [{"uid": i, "title": s.title, "view": s.view, "notes": s.notes,
              "title_en": s.title_en, "notes_en": s.notes_en}
             for i, s in enumerate(sheet.steps, start=1)]
    st.session_state[KEY_DRAFT] = {"id": sheet.id, "title": sheet.title, "steps": steps,
                                "seq": len(steps)}
    _sync_widgets()
    drafts.keep()


def _present_draft() -> None:
    draft = st.session_state.get(KEY_DRAFT)
    if not draft or not draft["steps"]:
        return
    st.session_state[KEY_PRESENT_DRAFT] = True
    st.session_state.pop(KEY_CURRENT, None)
    st.query_params[KEY_RUNSHEET] = draft["id"]
    st.query_params[KEY_RUNSHEET_STEP] = "1"


def _present_saved(rid: str) -> None:
    st.session_state.pop(KEY_PRESENT_DRAFT, None)
    st.session_state.pop(KEY_CURRENT, None)
    st.query_params[KEY_RUNSHEET] = rid
    st.query_params[KEY_RUNSHEET_STEP] = "1"


def _refused(ds: Dataset, file_name: str, lang: str) -> bool:
    """The server-side check of a run-sheet write (#25): the role, asked afresh."""
    from zones.access.guard import check_runsheet
    from zones.ui.audit_view import record_refusal
    from zones.ui.identity import who

    me = who(ds)
    refused = check_runsheet(me.grant, me.person, file_name)
    if refused:
        st.session_state[sk.RS_OUTCOME] = ("error", refused[0].message(lang))
        record_refusal(ds, "runsheet", file_name, refused, file_name=file_name)
    return bool(refused)


def _audit(ds: Dataset, action: str, file_name: str, lang: str) -> str:
    from zones.ui.audit_view import record

    failed = record(ds, action, file_name, file_name=file_name)
    return "" if failed is None else " " + t("audit.failed", lang, detail=failed)


def _save(ds: Dataset, lang: str) -> None:
    from zones.intake import records as import_store
    from zones.ui.identity import who

    sheet = draft_sheet()
    if sheet is None or _refused(ds, store().file_name(sheet.id), lang):
        return
    try:
        store().save(sheet.id, rs.to_bytes(sheet), user=who(ds).person or "app")
    except RunSheetError as exc:
        st.session_state[sk.RS_OUTCOME] = ("error", t("rs.err.save", lang,
                                                      detail=exc.message[lang]))
    except import_store.Busy:
        st.session_state[sk.RS_OUTCOME] = ("error", t("err.busy", lang))
    except Exception as exc:  # disk full, read-only folder, database down: said plainly
        logging.getLogger("zones").warning("run-sheet save failed: %s", exc)
        st.session_state[sk.RS_OUTCOME] = ("error", t("rs.err.save", lang,
                                                 detail=type(exc).__name__))
    else:
        name = store().file_name(sheet.id)
        st.session_state[sk.RS_OUTCOME] = ("success", t("rs.saved", lang, file=name)
                                      + _audit(ds, "runsheet_save", name, lang))


def _delete_saved(ds: Dataset, rid: str, lang: str) -> None:
    if _refused(ds, store().file_name(rid), lang):
        return
    try:
        store().delete(rid)
    except Exception as exc:
        st.session_state[sk.RS_OUTCOME] = ("error", t("rs.err.save", lang,
                                                 detail=type(exc).__name__))
    else:
        name = store().file_name(rid)
        st.session_state[sk.RS_OUTCOME] = ("success", t("rs.deleted", lang, file=name)
                                      + _audit(ds, "runsheet_delete", name, lang))


def _open_saved(ds: Dataset, rid: str, lang: str) -> None:
    checked = load_sheet(ds, rid)
    if checked is not None and checked.sheet is not None:
        _load_into_draft(checked.sheet)


def _upload(ds: Dataset, lang: str) -> None:
    nonce = st.session_state.get(sk.RS_UPLOAD_NONCE, 0)
    upload = st.file_uploader(t("rs.upload", lang), type=["toml"], key=f"rs_upload_{nonce}",
                              max_upload_size=1)
    if upload is None:
        return
    data = upload.getvalue()
    name = upload.name or "upload.toml"
    stem = name[: -len(rs.SUFFIX)] if name.lower().endswith(rs.SUFFIX) else name
    rid = stem if rs.valid_id(stem) else rs.slug(stem)
    checked = rs.read(ds, data, safe.plain(name, 200), rid)
    st.session_state[sk.RS_UPLOAD_NONCE] = nonce + 1
    if checked.sheet is not None:
        # The editor's fields exist already in this run: the next run loads it, before them.
        st.session_state[sk.RS_LOADED] = checked.sheet
        st.session_state[sk.RS_OUTCOME] = ("success", t("rs.uploaded", lang, title=safe.plain(
            checked.sheet.title, 200), n=len(checked.sheet.steps)))
    if checked.problems:
        st.session_state[sk.RS_UPLOAD_PROBLEMS] = checked
    st.rerun()


def _show_outcome() -> None:
    outcome = st.session_state.pop(sk.RS_OUTCOME, None)
    if outcome:
        kind, text = outcome
        (st.success if kind == "success" else st.error)(safe.plain(text, 600))


def editor(ctx: Context) -> None:
    """Sidebar: "Add this view" on every page, the draft's steps, files and the server."""

    ds, lang, page = ctx.ds, ctx.lang, ctx.view.page
    if drafts.restore(lang):  # a reload or a reopened tab: the draft of the link (#24)
        _sync_widgets()
    with st.sidebar:
        st.divider()
        st.subheader(t("rs.sidebar", lang))
        # A step is shown as a presentation anyway: its link says what, not how.
        link = shown_view(ctx.view).replace(present=False).link()
        title = t(f"page.{page}", lang)
        if not ctx.state.is_empty:
            title = f"{title} · {summary(ds, ctx.state, lang)}"
        st.button(t("rs.add", lang), key="rs_add", icon=":material/playlist_add:",
                  help=t("rs.add.help", lang), width="stretch", on_click=_add_view,
                  args=(link, title, lang))
        _show_outcome()
        upload_problems = st.session_state.pop(sk.RS_UPLOAD_PROBLEMS, None)
        if upload_problems is not None:
            st.error(t("rs.err.upload", lang, n=len(upload_problems.problems)))
            for p in upload_problems.problems[:20]:
                st.caption(safe.plain(p.text(lang), 600))
        loaded = st.session_state.pop(sk.RS_LOADED, None)
        if loaded is not None:
            _load_into_draft(loaded)
        draft = _draft(lang)
        # The editor's fields appear on demand: a viewer's sidebar stays as short as before.
        drafts.notice(lang, page)
        if not st.toggle(t("rs.edit", lang, n=len(draft["steps"])), key="rs_edit_on"):
            return
        with st.container(key="rs_editor"):
            st.text_input(t("rs.title_label", lang), value=draft["title"], key="rs_sheet_title",
                          max_chars=rs.MAX_TITLE, on_change=_edited_head, args=("title",))
            st.text_input(t("rs.id_label", lang), value=draft["id"], key="rs_sheet_id",
                          max_chars=64, on_change=_edited_head, args=("id",))
            if not rs.valid_id(draft["id"]):
                st.caption(safe.plain(t("rs.err.id", lang, value=draft["id"]), 300))
            if not draft["steps"]:
                st.caption(t("rs.empty", lang))
            for i, s in enumerate(draft["steps"], start=1):
                uid = s["uid"]
                with st.container(border=True, key=f"rs_step_{uid}"):
                    st.text_input(t("rs.step_title", lang, n=i), value=s["title"],
                                  key=f"rs_title_{uid}", max_chars=rs.MAX_TITLE,
                                  on_change=_edited, args=(uid, "title"))
                    _step_fields(ds, lang, s)
                    a, b, c = st.columns(3)
                    a.button("", key=f"rs_up_{uid}", icon=":material/arrow_upward:",
                             help=t("rs.up", lang), disabled=i == 1, on_click=_move,
                             args=(uid, -1), width="stretch")
                    b.button("", key=f"rs_down_{uid}", icon=":material/arrow_downward:",
                             help=t("rs.down", lang), disabled=i == len(draft["steps"]),
                             on_click=_move, args=(uid, 1), width="stretch")
                    c.button("", key=f"rs_del_{uid}", icon=":material/delete:",
                             help=t("rs.delete", lang), on_click=_delete, args=(uid,),
                             width="stretch")
            sheet = draft_sheet()
            if sheet is not None and sheet.steps:
                st.button(t("rs.present", lang), key="rs_present", type="primary",
                          icon=":material/slideshow:", width="stretch",
                          on_click=_present_draft, disabled=not rs.valid_id(sheet.id))
                st.download_button(t("rs.download", lang), rs.to_bytes(sheet),
                                   file_name=f"{sheet.id}{rs.SUFFIX}",
                                   mime="application/toml", key="rs_download",
                                   icon=":material/download:", on_click="ignore",
                                   width="stretch")
                _deck_button(ds, sheet, lang)
            _upload(ds, lang)
            st.button(t("rs.new", lang), key="rs_new", icon=":material/restart_alt:",
                      on_click=_start_over, args=(lang,), width="stretch")
        _saved_section(ctx, page, sheet)


def _step_fields(ds: Dataset, lang: str, s: dict) -> None:
    """A step's view in words (its address on hover), its notes, its English texts."""
    uid = s["uid"]
    view, _ = view_from_link(ds, s["view"])
    st.caption(safe.plain(t("rs.step_view", lang, view=describe(ds, view, lang)), 600),
               help=safe.plain(s["view"], 300))
    st.text_area(t("rs.notes", lang), value=s["notes"], key=f"rs_notes_{uid}",
                 max_chars=rs.MAX_NOTES, height=170, on_change=_edited, args=(uid, "notes"))
    with st.expander(t("rs.english", lang)):
        st.text_input(t("rs.title_en", lang), value=s.get("title_en", ""),
                      key=f"rs_title_en_{uid}", max_chars=rs.MAX_TITLE, on_change=_edited,
                      args=(uid, "title_en"))
        st.text_area(t("rs.notes_en", lang), value=s.get("notes_en", ""),
                     key=f"rs_notes_en_{uid}", max_chars=rs.MAX_NOTES, height=170,
                     on_change=_edited, args=(uid, "notes_en"))


def _deck_button(ds: Dataset, sheet: rs.RunSheet, lang: str) -> None:
    """The run-sheet's deck in one click (#22): built when the button is pressed (a
    callable download), each step's slides under its title with its notes once."""
    import datetime as dt

    from zones.brief.runsheet import export_runsheet, runsheet_stem

    today = dt.date.today()
    data = rs.to_bytes(sheet)

    def build() -> bytes:
        checked = rs.read(ds, data, f"{sheet.id}{rs.SUFFIX}", sheet.id)
        if not checked.ok:
            return b""
        try:
            return export_runsheet(ds, checked, lang, today, "pptx").data
        except Exception:  # never a traceback on screen; the log says what failed
            logging.getLogger("zones").exception("run-sheet deck failed")
            return b""

    st.download_button(t("rs.deck", lang), build,
                       file_name=f"{runsheet_stem(sheet.id, lang, today)}.pptx",
                       mime="application/vnd.openxmlformats-officedocument."
                            "presentationml.presentation",
                       key="rs_deck", icon=":material/co_present:", on_click="ignore",
                       width="stretch", help=t("rs.deck.help", lang),
                       disabled=not rs.valid_id(sheet.id))


def _saved_section(ctx, page: str, sheet: rs.RunSheet | None) -> None:
    from zones.ui.admin import editing_configured, login
    from zones.ui.identity import who

    ds, lang = ctx.ds, ctx.lang
    try:
        ids = store().ids()
    except Exception as exc:
        logging.getLogger("zones").warning("run-sheet list failed: %s", type(exc).__name__)
        ids = []
    with st.expander(t("rs.open", lang) + f" · {len(ids)}"):
        if ids:
            chosen = st.selectbox(t("rs.open", lang), ids, key="rs_saved_pick",
                                  label_visibility="collapsed")
            a, b = st.columns(2)
            a.button(t("rs.present", lang), key="rs_saved_present", icon=":material/slideshow:",
                     on_click=_present_saved, args=(chosen,), width="stretch")
            b.button(t("rs.open_button", lang), key="rs_saved_open", icon=":material/edit:",
                     on_click=_open_saved, args=(ds, chosen, lang), width="stretch")
        me = who(ds)
        if not me.may("runsheet"):
            st.caption(t("rs.save_rights", lang))
            if (not me.policy.configured and editing_configured()
                    and page != "data"):  # the data page has its own login
                login(lang)
            return
        if sheet is not None and sheet.steps:
            st.button(t("rs.save", lang), key="rs_save", icon=":material/save:",
                      on_click=_save, args=(ds, lang), width="stretch",
                      disabled=not rs.valid_id(sheet.id))
        if ids:
            st.button(t("rs.delete_saved", lang), key="rs_saved_delete",
                      icon=":material/delete_forever:", width="stretch",
                      on_click=_delete_saved, args=(ds, st.session_state.get("rs_saved_pick"),
                                                    lang))
