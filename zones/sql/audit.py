"""The audit trail in PostgreSQL: the ``zones_audit`` table, which the app only inserts into.

A trigger refuses every UPDATE, DELETE and TRUNCATE of it, so not even the app's own database
role can rewrite history through a bug; only a superuser who drops the trigger could.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from zones.audit.record import AuditEvent, utc_stamp

AUDIT_TABLE = "zones_audit"


_DDL = (
    f"""CREATE TABLE IF NOT EXISTS {AUDIT_TABLE} (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        person text NOT NULL, role text NOT NULL, via text NOT NULL, action text NOT NULL,
        table_name text NOT NULL, added integer NOT NULL DEFAULT 0,
        changed integer NOT NULL DEFAULT 0, removed integer NOT NULL DEFAULT 0,
        file_name text NOT NULL DEFAULT '', sha256 text NOT NULL DEFAULT '',
        entry_id text NOT NULL DEFAULT '', client text NOT NULL DEFAULT '',
        reason text NOT NULL DEFAULT '', detail text NOT NULL DEFAULT '')""",
    f"""CREATE OR REPLACE FUNCTION {AUDIT_TABLE}_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
        RAISE EXCEPTION '{AUDIT_TABLE} is append-only'; END $$""",
    f"DROP TRIGGER IF EXISTS {AUDIT_TABLE}_no_rewrite ON {AUDIT_TABLE}",
    f"""CREATE TRIGGER {AUDIT_TABLE}_no_rewrite BEFORE UPDATE OR DELETE ON {AUDIT_TABLE}
        FOR EACH ROW EXECUTE FUNCTION {AUDIT_TABLE}_append_only()""",
    f"DROP TRIGGER IF EXISTS {AUDIT_TABLE}_no_truncate ON {AUDIT_TABLE}",
    f"""CREATE TRIGGER {AUDIT_TABLE}_no_truncate BEFORE TRUNCATE ON {AUDIT_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {AUDIT_TABLE}_append_only()""",
)


def ensure_audit_table(conn: Connection) -> None:
    if conn.exec_driver_sql(f"SELECT to_regclass('{AUDIT_TABLE}')").scalar() is not None:
        return
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('zones_audit_ddl'))")
    for statement in _DDL:
        conn.exec_driver_sql(statement)


def insert_event(conn: Connection, event: Mapping[str, object]) -> None:
    """One event (``AuditEvent.as_dict()``), inside the caller's transaction: an import
    and its record commit together or not at all (#25)."""
    row = dict(event)
    row["table_name"] = row.pop("table")
    row["at"] = row.pop("when")
    ensure_audit_table(conn)
    conn.execute(sa.text(
        f"INSERT INTO {AUDIT_TABLE} (at, person, role, via, action, table_name, "
        "added, changed, removed, file_name, sha256, entry_id, client, reason, detail) "
        "VALUES (CAST(:at AS timestamptz), :person, :role, :via, :action, :table_name, "
        ":added, :changed, :removed, :file_name, :sha256, :entry_id, :client, :reason, "
        ":detail)"), row)


class SqlAudit:
    """``zones_audit``: an import's or undo's event is inserted in that change's own
    transaction (``SqlStore``); other events alone."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.label = f"{engine.url.render_as_string(hide_password=True)} ({AUDIT_TABLE})"

    def append(self, event: AuditEvent) -> None:
        """An event with no change of its own (a run-sheet, a refusal)."""
        with self.engine.begin() as conn:
            insert_event(conn, event.as_dict())

    def events(self) -> list[AuditEvent]:
        with self.engine.connect() as conn:
            if conn.exec_driver_sql(
                    f"SELECT to_regclass('{AUDIT_TABLE}')").scalar() is None:
                return []
            rows = conn.exec_driver_sql(
                f"SELECT at, person, role, via, action, table_name, added, changed, removed, "
                f"file_name, sha256, entry_id, client, reason, detail FROM {AUDIT_TABLE} "
                "ORDER BY id DESC"
            ).all()
        return [AuditEvent(utc_stamp(r[0].astimezone(UTC)), *[str(v) for v in r[1:6]],
                           int(r[6]), int(r[7]), int(r[8]), *[str(v) for v in r[9:]])
                for r in rows]
