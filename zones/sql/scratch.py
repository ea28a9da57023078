"""Presentation sessions and drafts in PostgreSQL (#24): the scratch store's table.

The same interface as the folder (``zones.runsheets.scratch.ScratchStore``), so two app
servers on one database follow one presenter. One statement per read or write; the table
is made once per process and database, on first use.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from zones.runsheets.scratch import KINDS, MAX_BYTES, check

SCRATCH = "zones_scratch"
_READY: set[str] = set()  # databases whose table this process has made sure of


def ensure_scratch_table(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    if url in _READY:
        return
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {SCRATCH} ("
            f"kind text NOT NULL CHECK (kind IN ({kinds})), "
            "key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9-]{0,63}$'), "
            f"body bytea NOT NULL CHECK (octet_length(body) <= {MAX_BYTES}), "
            "updated_at timestamptz NOT NULL DEFAULT now(), "
            "PRIMARY KEY (kind, key))")
    _READY.add(url)


class SqlScratch:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, kind: str, key: str) -> bytes | None:
        check(kind, key)
        ensure_scratch_table(self.engine)
        with self.engine.connect() as conn:
            row = conn.execute(sa.text(
                f"SELECT body FROM {SCRATCH} WHERE kind = :kind AND key = :key"),
                {"kind": kind, "key": key}).first()
        return None if row is None else bytes(row[0])

    def put(self, kind: str, key: str, data: bytes) -> None:
        check(kind, key, data)
        ensure_scratch_table(self.engine)
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                f"INSERT INTO {SCRATCH} (kind, key, body) VALUES (:kind, :key, :body) "
                "ON CONFLICT (kind, key) DO UPDATE SET body = EXCLUDED.body, "
                "updated_at = now()"), {"kind": kind, "key": key, "body": data})

    def prune(self, kind: str, older_than: float) -> int:
        ensure_scratch_table(self.engine)
        with self.engine.begin() as conn:
            result = conn.execute(sa.text(
                f"DELETE FROM {SCRATCH} WHERE kind = :kind "
                "AND updated_at < to_timestamp(:t)"), {"kind": kind, "t": older_than})
        return int(result.rowcount or 0)
