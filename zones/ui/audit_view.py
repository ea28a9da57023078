"""The audit trail in the app (issue 25): each write callback records its event here, and
the Data page shows the trail to editors and admins (filter by person and table, CSV)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import streamlit as st

from zones.audit.record import AuditEvent, audit_frame, utc_stamp
from zones.i18n import t
from zones.model import Dataset
from zones.safe import csv_bytes
from zones.ui.data import current_backend
from zones.ui.identity import who

if TYPE_CHECKING:
    from zones.dataset.validation import Issue
    from zones.intake.store import AuditHook, HistoryEntry
    from zones.ui.page_context import Context


def event_for(ds: Dataset, action: str, table: str, *, entry: HistoryEntry | None = None,
              file_name: str = "", typed_user: str = "", reason: str = "",
              detail: str = "", sha256: str = "") -> AuditEvent:
    """Who is doing ``action`` now (identity asked afresh, never from the session)."""
    me = who(ds)
    return AuditEvent(
        when=utc_stamp(), person=me.person or typed_user or "—", role=me.role_label,
        via=me.via, action=action, table=table,
        added=entry.added if entry else 0, changed=entry.changed if entry else 0,
        removed=entry.removed if entry else 0,
        file_name=entry.file_name if entry else file_name,
        sha256=entry.sha256 if entry else sha256, entry_id=entry.entry_id if entry else "",
        client=me.client, reason=reason, detail=detail)


def hook(ds: Dataset, action: str) -> AuditHook:
    """The event the store writes with an import or undo, in its lock or transaction: who is
    resolved here, before the write, so nothing of Streamlit's runs inside the lock."""
    me = who(ds)
    now = utc_stamp()

    def event(entry: HistoryEntry) -> dict[str, object]:
        return AuditEvent(
            when=now, person=me.person or entry.user or "—", role=me.role_label, via=me.via,
            action=action, table=entry.table, added=entry.added, changed=entry.changed,
            removed=entry.removed, file_name=entry.file_name, sha256=entry.sha256,
            entry_id=entry.entry_id, client=me.client).as_dict()

    return event


def record(ds: Dataset, action: str, table: str, *, entry: HistoryEntry | None = None,
           file_name: str = "", typed_user: str = "") -> str | None:
    """Append an event that has no data change of its own to carry it (run-sheets); returns
    a message when it could not be saved (the run-sheet itself is written and stays)."""
    return _append(event_for(ds, action, table, entry=entry, file_name=file_name,
                             typed_user=typed_user))


def record_refusal(ds: Dataset, attempt: str, table: str, problems: list[Issue], *,
                   file_name: str = "", sha256: str = "", typed_user: str = "") -> None:
    """A refused attempt is part of the trail too (#25): who tried what, and why not. The
    first problems are kept with their place (file, line, zone, prefecture)."""
    first = problems[0] if problems else None
    places = [_where(p) for p in problems[:5]]
    more = len(problems) - len(places)
    detail = "; ".join(places) + (f"; +{more}" if more > 0 else "")
    _append(event_for(ds, "refused", table, file_name=file_name, typed_user=typed_user,
                      sha256=sha256, reason=f"{attempt}:{first.code if first else ''}",
                      detail=detail))


def _where(issue: Issue) -> str:
    parts = [issue.file, f"line {issue.line}" if issue.line else "",
             issue.params.get("zone", ""), issue.params.get("prefecture_zh", "")
             or issue.params.get("owner", "")]
    return " ".join(p for p in parts if p)


def _append(event: AuditEvent) -> str | None:
    try:
        current_backend().audit().append(event)
    except Exception as exc:  # disk full, database down: said, never a traceback
        logging.getLogger("zones").error("audit event not saved: %s", exc)
        return type(exc).__name__
    return None


def audit_section(ctx: Context) -> None:
    """Editors and admins (or the shared password's admin) see who changed what."""
    lang = ctx.lang
    if not who(ctx.ds).may("audit"):
        return
    log = current_backend().audit()
    st.subheader(t("audit.title", lang))
    st.caption(t("audit.caption", lang, where=log.label))
    try:
        events = log.events()
    except Exception as exc:
        logging.getLogger("zones").warning("audit trail not readable: %s", exc)
        events = []
    if not events:
        st.caption(t("audit.empty", lang))
        return
    every = t("audit.filter.all", lang)
    a, b = st.columns(2)
    person = a.selectbox(t("audit.filter.person", lang),
                         [every, *sorted({e.person for e in events})], key="audit_person")
    table = b.selectbox(t("audit.filter.table", lang),
                        [every, *sorted({e.table for e in events})], key="audit_table")
    frame = audit_frame(events, lang, None if person == every else person,
                        None if table == every else table)
    st.dataframe(frame, hide_index=True, width="stretch", key="audit_frame")
    st.download_button(t("audit.download", lang), csv_bytes(frame), file_name="audit.csv",
                       mime="text/csv", icon=":material/download:", key="audit_download")
