"""Run-sheets in PostgreSQL: one row per run-sheet, the TOML bytes as written (#16).

The same interface as the folder (``zones.runsheets.store.RunSheetStore``); one statement per
save or delete, which PostgreSQL makes atomic.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from zones.runsheets.sheet import SUFFIX
from zones.runsheets.store import FOLDER, check_id
from zones.sql.schema import RUNSHEETS, ensure_runsheet_table


class SqlRunSheets:
    """The ``zones_runsheets`` table (schema in ``zones.sql.schema``), created on first save."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.label = engine.url.render_as_string(hide_password=True)

    def file_name(self, rid: str) -> str:
        return f"{FOLDER}/{rid}{SUFFIX}"

    def _exists(self, conn: Connection) -> bool:
        return conn.exec_driver_sql(f"SELECT to_regclass('{RUNSHEETS}')").scalar() is not None

    def ids(self) -> list[str]:
        with self.engine.connect() as conn:
            if not self._exists(conn):
                return []
            rows = conn.exec_driver_sql(f"SELECT id FROM {RUNSHEETS} ORDER BY id").all()
        return [str(r[0]) for r in rows]

    def read(self, rid: str) -> bytes | None:
        with self.engine.connect() as conn:
            if not self._exists(conn):
                return None
            row = conn.execute(sa.text(f"SELECT body FROM {RUNSHEETS} WHERE id = :id"),
                               {"id": rid}).first()
        return None if row is None else bytes(row[0])

    def save(self, rid: str, data: bytes, user: str = "") -> None:
        check_id(rid)
        with self.engine.begin() as conn:
            ensure_runsheet_table(conn)
            conn.execute(sa.text(
                f"INSERT INTO {RUNSHEETS} (id, body, updated_by) VALUES (:id, :body, :user) "
                "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, "
                "updated_by = EXCLUDED.updated_by, updated_at = now()"),
                {"id": rid, "body": data, "user": user})

    def delete(self, rid: str) -> bool:
        check_id(rid)
        with self.engine.begin() as conn:
            if not self._exists(conn):
                return False
            result = conn.execute(sa.text(f"DELETE FROM {RUNSHEETS} WHERE id = :id"),
                                  {"id": rid})
        return bool(result.rowcount)
