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
    from zones.intake.store import HistoryEntry
    from zones.ui.context import Context


def record(ds: Dataset, action: str, table: str, *, entry: HistoryEntry | None = None,
           file_name: str = "", typed_user: str = "") -> str | None:
    """Append who did ``action`` now; returns a message when the event could not be saved
    (the change itself is already written and stays)."""
    me = who(ds)
    event = AuditEvent(
        when=utc_stamp(), person=me.person or typed_user or "—", role=me.role_label,
        via=me.via, action=action, table=table,
        added=entry.added if entry else 0, changed=entry.changed if entry else 0,
        removed=entry.removed if entry else 0,
        file_name=entry.file_name if entry else file_name,
        sha256=entry.sha256 if entry else "", entry_id=entry.entry_id if entry else "",
        client=me.client)
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
