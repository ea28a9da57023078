"""One audit event and the protocol of an append-only audit log.

Like Streamlit's ``runtime/caching/storage`` (a protocol in its own module, one module per
implementation), the backend hands out an ``AuditLog``: ``zones.audit.files.FileAudit`` (a
JSON-lines file in the data folder) or ``zones.sql.audit.SqlAudit`` (a table the app only
inserts into). Times are stored in UTC and shown in Beijing time (UTC+8, no daylight saving).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol

import pandas as pd

from zones.i18n import t

BEIJING = timezone(timedelta(hours=8), "CST")


ACTIONS: tuple[str, ...] = ("import", "undo", "runsheet_save", "runsheet_delete", "refused")


# The checks' refusal codes (zones.access.guard), each with a short reason in the trail.
REFUSALS: tuple[str, ...] = ("access_denied", "access_table_scope", "access_replace_scope",
                             "access_out_of_scope", "access_undo_other")


@dataclass(frozen=True)
class AuditEvent:
    """Who (person, role, how identified), when (UTC), what, and from which client address."""

    when: str              # ISO 8601 UTC, "2026-12-07T23:59:00Z"
    person: str            # the identity (e-mail claim, proxy user, OS user)
    role: str              # viewer | editor | admin, or "password"/"cli" without an access file
    via: str               # oidc | proxy | password | cli
    action: str            # one of ACTIONS
    table: str             # the table, or the run-sheet's file
    added: int = 0
    changed: int = 0
    removed: int = 0
    file_name: str = ""
    sha256: str = ""
    entry_id: str = ""     # the import's or undo's id in the history
    client: str = ""       # the browser's address as the proxy saw it
    reason: str = ""       # refused: attempt and code, "import:access_out_of_scope"
    detail: str = ""       # refused: where (file line zone prefecture); CLI: --user given

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> AuditEvent:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        for k in ("added", "changed", "removed"):
            values[k] = int(values.get(k) or 0)  # type: ignore[call-overload]
        return cls(**{k: (v if k in ("added", "changed", "removed") else str(v or ""))
                      for k, v in values.items()})  # type: ignore[arg-type]


class AuditLog(Protocol):
    """Append-only: nothing in the app updates or deletes an event."""

    label: str

    def append(self, event: AuditEvent) -> None: ...
    def events(self) -> list[AuditEvent]: ...  # newest first


def utc_stamp(now: datetime | None = None) -> str:
    when = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return when.isoformat().replace("+00:00", "Z")


def beijing(stamp: str) -> str:
    """``2026-12-07T23:59:00Z`` → ``2026-12-08 07:59:00`` (Beijing time)."""
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


COLUMNS: tuple[str, ...] = ("when", "person", "role", "via", "action", "table", "added",
                            "changed", "removed", "file_name", "sha256", "entry_id", "client",
                            "reason", "detail")


def reason_text(reason: str, lang: str) -> str:
    """``import:access_out_of_scope`` → "Import — outside the editor's prefectures"."""
    if not reason:
        return ""
    what, _, code = reason.partition(":")
    return f"{t(f'access.what.{what}', lang)} — {t(f'audit.reason.{code}', lang)}"


def audit_frame(events: list[AuditEvent], lang: str, person: str | None = None,
                table: str | None = None) -> pd.DataFrame:
    """The events as a table in ``lang`` (Beijing time), filtered by person and table."""
    rows = []
    for e in events:
        if (person and e.person != person) or (table and e.table != table):
            continue
        row: dict[str, object] = e.as_dict()
        row["when"] = beijing(e.when)
        row["via"] = t(f"audit.via.{e.via}", lang)
        row["action"] = t(f"audit.action.{e.action}", lang)
        row["reason"] = reason_text(e.reason, lang)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.rename(columns={c: t(f"audit.col.{c}", lang) for c in COLUMNS})
