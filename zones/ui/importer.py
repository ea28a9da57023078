"""The Data page's import, history and undo: upload → mapping → problems or preview → apply.

The checks, the diff and the writes are ``zones.intake.store``'s (or the database's); this
module only draws them and keeps the plan in the session between reruns.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import pandas as pd
import streamlit as st

from zones.access.guard import check_import, check_undo, places_of
from zones.dataset.validation import Issue
from zones.i18n import t
from zones.intake import limits, planning, records, store
from zones.intake.parsed import Parsed, skipped_lines
from zones.intake.store import HistoryEntry
from zones.model import Dataset
from zones.tables import download_name
from zones.typed_export import XLSX_MIME
from zones.ui import session_keys as sk
from zones.ui.admin import editing_configured, login
from zones.ui.audit_view import hook, record_refusal
from zones.ui.data import data_store, load_data
from zones.ui.identity import who
from zones.ui.page_context import Context
from zones.ui.parts import csv_bytes


@st.cache_data(show_spinner=False, max_entries=16)
def _template_bytes(table: str, lang: str, with_data: bool, where: str,
                    version: Hashable) -> bytes:
    from zones.intake.templates import build_template

    result = load_data()
    rows = data_store().read_table(table) if with_data else None
    assert result.dataset is not None
    return build_template(table, lang, result.dataset, rows)


def _issues_frame(issues: Sequence[Issue], lang: str) -> pd.DataFrame:
    return pd.DataFrame([i.as_row(lang) for i in issues])


def _plan_for(ctx: Context, data: bytes, name: str, table: str, mode: str, user: str,
              zone: str | None = None) -> planning.Plan:
    """Parse and check an upload once per (file, table, mode, zone, data version)."""
    from zones.intake.templates import read_upload

    target = data_store()
    key = (records.sha256(data), name, table, mode, user, target.label, target.version(), zone)
    cached = st.session_state.get(sk.IMPORT_PLAN)
    if cached and cached[0] == key:
        return cached[1]
    lang = ctx.lang
    bar = st.progress(0.0, text=t("import.progress.read", lang))
    parsed = read_upload(data, name, table, ctx.ds, zone=zone)
    bar.progress(0.4, text=t("import.progress.check", lang, rows=(
        0 if parsed.frame is None else len(parsed.frame))))
    plan = target.plan_import(parsed, mode, user)
    bar.progress(1.0, text=t("import.progress.done", lang))
    bar.empty()
    st.session_state[sk.IMPORT_PLAN] = (key, plan)
    st.session_state.pop(sk.IMPORT_OUTCOME, None)
    return plan


def _show_mapping(plan: planning.Plan, lang: str) -> None:
    parsed = plan.parsed
    rows = [{t("import.col.header", lang): m.header, t("import.col.column", lang): m.column,
             t("import.col.factor", lang): t(m.note_key, lang)
             if m.note_key == "import.note.customs_unit"  # kg or t, row by row (#17)
             else "" if m.factor == 1 else f"×{m.factor:g}"}
            for m in parsed.columns]
    rows += [{t("import.col.header", lang): h, t("import.col.column", lang):
              t("import.ignored", lang), t("import.col.factor", lang): ""}
             for h in parsed.unmatched]
    st.markdown(f"**{t('import.mapping', lang)}**")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="import_mapping")
    if parsed.skipped:
        st.caption(t("import.skipped", lang, lines=", ".join(
            f"{skipped_lines(s)} ({t(s.reason, lang)})" for s in parsed.skipped[:50])))
    _show_attributions(parsed, lang)


def _show_preview(plan: planning.Plan, lang: str) -> None:
    d = plan.diff
    assert d is not None
    st.markdown(f"**{t('import.preview', lang)}**")
    cols = st.columns(4)
    for col, (k, v) in zip(cols, (("import.added", d.added), ("import.changed", d.changed),
                                  ("import.removed", d.removed),
                                  ("import.unchanged", d.unchanged)), strict=True):
        col.metric(t(k, lang), f"{v:,}", border=True)
    if d.sums_before:
        sums = pd.DataFrame([{t("import.col.measure", lang): t(f"col.{m}", lang),
                              t("import.col.before", lang): records.fmt_sum(d.sums_before[m]),
                              t("import.col.after", lang): records.fmt_sum(d.sums_after[m])}
                             for m in d.sums_before])
        st.dataframe(sums, hide_index=True, width="stretch", key="import_sums")
    tabs = st.tabs([t("import.added", lang), t("import.changed", lang),
                    t("import.removed", lang)])
    for tab, frame, key in zip(tabs, (d.added_rows, d.changed_cells, d.removed_rows),
                               ("added", "changed", "removed"), strict=True):
        with tab:
            if frame.empty:
                st.caption(t("import.none", lang))
            else:
                # A missing count reads "not given" in the page's language, not "None" (#23).
                shown = frame.astype(object).where(frame.notna(), t("vol.not_given", lang))
                st.dataframe(shown, hide_index=True, width="stretch", key=f"import_{key}")


def _may_import(ctx: Context) -> bool:
    """Editors and admins of the access file; without one, whoever knows the password."""
    me = who(ctx.ds)
    if me.policy.configured:
        if me.may("import"):
            st.subheader(t("import.title", ctx.lang))
            return True
        return False
    if not editing_configured():
        return False
    st.subheader(t("import.title", ctx.lang))
    return login(ctx.lang)


def import_section(ctx: Context) -> None:
    """Data page: choose table and mode → upload → mapping + problems or preview → apply."""
    lang = ctx.lang
    if not _may_import(ctx):
        _show_outcome(lang)  # a refusal of a role revoked since the button was drawn
        return
    from zones.intake.parsed import TABLES

    target = data_store()
    st.caption(t("import.intro", lang))
    _show_outcome(lang)
    for key in ("import_table", "import_mode"):  # kept across a page switch
        if key not in st.session_state and f"_{key}" in st.session_state:
            st.session_state[key] = st.session_state[f"_{key}"]
    a, b, c = st.columns([2, 2, 2])
    table = a.selectbox(t("import.table", lang), list(TABLES), key="import_table",
                        format_func=lambda v: t(f"import.table.{v}", lang))
    mode = b.radio(t("import.mode", lang), list(records.MODES), key="import_mode",
                   format_func=lambda v: t(f"import.mode.{v}", lang))
    st.session_state[sk.IMPORT_TABLE], st.session_state[sk.IMPORT_MODE] = table, mode
    me = who(ctx.ds)
    if me.person:  # the signed-in identity, never a typed name (#25)
        user = me.person
        c.text_input(t("import.user", lang), value=me.person, disabled=True,
                     key="import_user_identity")
    else:
        user = c.text_input(t("import.user", lang), value="admin", key="import_user",
                            max_chars=60).strip() or "admin"
    fp = target.version()
    d1, d2 = st.columns(2)
    d1.download_button(t("import.template", lang),
                       _template_bytes(table, lang, False, target.label, fp),
                       file_name=download_name("dl.template", lang, "xlsx", table=table),
                       mime=XLSX_MIME,
                       icon=":material/download:", key="import_tpl_empty")
    d2.download_button(t("import.template_data", lang),
                       _template_bytes(table, lang, True, target.label, fp),
                       file_name=download_name("dl.template_data", lang, "xlsx", table=table),
                       mime=XLSX_MIME,
                       icon=":material/download:", key="import_tpl_data")
    zone = _file_zone_picker(ctx, table)
    nonce = st.session_state.get(sk.IMPORT_NONCE, 0)
    upload = st.file_uploader(
        t("import.upload", lang, mb=limits.MAX_BYTES // 2**20, rows=limits.MAX_ROWS),
        type=["csv", "txt", "xlsx"], key=f"import_upload_{nonce}",
        max_upload_size=limits.MAX_BYTES // 2**20)
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > limits.MAX_BYTES:
        st.error(t("err.upload_too_large", lang, size=f"{len(data) / 2**20:.1f} MB",
                   limit=f"{limits.MAX_BYTES // 2**20} MB"))
        return
    plan = _plan_for(ctx, data, upload.name, table, mode, user, zone)
    _show_mapping(plan, lang)
    if not plan.ok:
        st.error(t("import.refused", lang, n=len(plan.issues)), icon=":material/block:")
        problems = _issues_frame(plan.issues, lang)
        st.dataframe(problems, hide_index=True, width="stretch", key="import_problems")
        st.download_button(t("import.problems_download", lang), csv_bytes(problems),
                           file_name=download_name("dl.import_problems", lang), mime="text/csv",
                           icon=":material/download:", key="import_problems_dl")
        return
    assert plan.diff is not None
    if not plan.diff.any:
        st.info(t("import.no_changes", lang), icon=":material/check:")
        return
    _show_preview(plan, lang)
    st.button(t("import.apply", lang), type="primary", icon=":material/publish:",
              key="import_apply", on_click=_apply_plan, args=(ctx.ds, lang))


def _store_outcome(lang: str, action: Callable[[], str]) -> None:
    """Run an apply/undo inside a button callback and keep its outcome for the page."""
    try:
        st.session_state[sk.IMPORT_OUTCOME] = ("success", action())
    except records.Busy:
        st.session_state[sk.IMPORT_OUTCOME] = ("busy", t("err.busy", lang))
    except records.StoreError as exc:
        st.session_state[sk.IMPORT_OUTCOME] = ("error", exc.issues)
    except OSError as exc:  # read-only folder, disk full…: said plainly, nothing half-written
        st.session_state[sk.IMPORT_OUTCOME] = ("error", [Issue(
            data_store().label, None, None, "write_failed", {"detail": exc.strerror or str(exc)})])


def _apply_plan(ds: Dataset, lang: str) -> None:
    """The role and the editor's scope are checked here, on the server, before any write."""
    cached = st.session_state.get(sk.IMPORT_PLAN)
    if not cached:
        return
    plan = cached[1]
    me = who(ds)
    refused = check_import(me.grant, me.person or plan.user, plan, places_of(ds))
    if refused:
        st.session_state[sk.IMPORT_OUTCOME] = ("error", refused)
        record_refusal(ds, "import", plan.parsed.table, refused,
                       file_name=plan.parsed.file_name, sha256=plan.parsed.sha256,
                       typed_user=plan.user)
        return

    def run() -> str:
        # The audit event is written by the store with the change (same lock/transaction).
        entry = data_store().apply(plan, audit=hook(ds, "import"))
        st.session_state[sk.IMPORT_NONCE] = st.session_state.get(sk.IMPORT_NONCE, 0) + 1
        st.session_state.pop(sk.IMPORT_PLAN, None)
        return t("import.applied", lang, entry=entry.entry_id)

    _store_outcome(lang, run)


def _show_outcome(lang: str) -> None:
    outcome = st.session_state.get(sk.IMPORT_OUTCOME)
    if not outcome:
        return
    kind, payload = outcome
    if kind == "success":
        st.success(payload, icon=":material/check_circle:")
    elif kind == "busy":
        st.warning(payload, icon=":material/hourglass_top:")
    else:
        st.error(t("import.refused", lang, n=len(payload)), icon=":material/block:")
        st.dataframe(_issues_frame(payload, lang), hide_index=True, width="stretch",
                     key="import_outcome_issues")


def undo_section(ctx: Context) -> None:
    """Admins undo any import, editors their own: revert the last import not yet undone."""
    lang = ctx.lang
    me = who(ctx.ds)
    if not me.may("undo_own"):
        return
    target = data_store().undo_target()
    if target is None:
        return
    st.caption(t("import.undo_target", lang, file=target.file_name, when=target.when,
                 user=target.user))
    if check_undo(me.grant, me.person, target.user, target.file_name):
        return  # an editor, and someone else's import: no button (the callback refuses too)
    st.button(t("import.undo", lang), icon=":material/undo:", key="import_undo",
              on_click=_undo_last, args=(ctx.ds, lang, target))


def _undo_last(ds: Dataset, lang: str, target: HistoryEntry) -> None:
    """Undo exactly the import the button was drawn for: the role is checked against its
    owner here, and the store refuses (undo_moved) if another import has landed since."""
    me = who(ds)
    user = me.person or st.session_state.get("import_user") or "admin"
    refused = check_undo(me.grant, user, target.user, target.file_name)
    if refused:
        st.session_state[sk.IMPORT_OUTCOME] = ("error", refused)
        record_refusal(ds, "undo", target.table, refused, file_name=target.file_name,
                       sha256=target.sha256, typed_user=user)
        return

    def run() -> str:
        entry = data_store().undo_entry(target.entry_id, user, audit=hook(ds, "undo"))
        st.session_state.pop(sk.IMPORT_PLAN, None)
        return t("import.undone", lang, entry=entry.undoes, file=entry.file_name)

    _store_outcome(lang, run)


def history_section(ctx: Context) -> None:
    """Every import and undo of the data folder (everyone sees where the data came from)."""
    lang = ctx.lang
    st.subheader(t("import.history", lang))
    frame = store.entries_frame(data_store().history(), lang)
    if frame.empty:
        st.caption(t("hist.empty", lang))
    else:
        st.dataframe(frame, hide_index=True, width="stretch", key="import_history")
    undo_section(ctx)




def _file_zone_picker(ctx: Context, table: str) -> str | None:
    """The officer's zone for every row the file leaves without one (export volumes only):
    how a customs export whose places fit several zones is imported (#17)."""
    if table != "export_volumes":
        return None
    lang = ctx.lang
    col = "short_zh" if lang == "zh" else "short_en"
    names = dict(zip(ctx.ds.zones["zone_id"], ctx.ds.zones[col], strict=True))
    return st.selectbox(t("import.file_zone", lang), [None, *names], key="import_file_zone",
                        format_func=lambda z: t("import.file_zone.none", lang) if z is None
                        else names.get(z, z), help=t("import.file_zone.help", lang))


def _show_attributions(parsed: Parsed, lang: str) -> None:
    """Rows given a zone from their 注册地 and product: shown before anything is applied."""
    if not parsed.attributed:
        return
    from zones.intake.attribution import attributions_frame

    st.markdown(f"**{t('attr.title', lang)}**")
    st.dataframe(attributions_frame(parsed.attributed, lang), hide_index=True,
                 width="stretch", key="import_attributions")
