"""PostgreSQL as the backend: the tables, imports with history and undo, run-sheets (#8)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zones.backend.protocol import Unavailable

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from zones.dataset.loading import LoadResult
    from zones.sql.audit import SqlAudit
    from zones.sql.runsheets import SqlRunSheets
    from zones.sql.scratch import SqlScratch
    from zones.sql.store import SqlStore


@functools.cache
def engine_for(url: str) -> Engine:
    """One pooled engine per URL and process: every rerun and replica thread shares it."""
    from zones.sql.schema import engine_from_url

    return engine_from_url(url)


@dataclass(frozen=True)
class PostgresBackend:
    root: Path  # boundaries (geo/) stay in the folder
    engine: Engine
    is_database = True

    @property
    def label(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def version(self) -> int | None:
        """The data version row: any write (any replica, the CLI) bumps it."""
        from sqlalchemy.exc import SQLAlchemyError

        from zones.dataset.loading import LoadResult
        from zones.sql.read import db_issue
        from zones.sql.schema import data_version

        try:
            return data_version(self.engine)
        except SQLAlchemyError as exc:
            raise Unavailable(LoadResult(None, (db_issue(exc),))) from exc

    def load(self) -> LoadResult:
        from zones.sql.read import load_sql

        return load_sql(self.engine, self.root)

    def store(self) -> SqlStore:
        from zones.sql.store import SqlStore

        return SqlStore(self.engine, self.root)

    def audit(self) -> SqlAudit:
        """``zones_audit``: the app only inserts; a trigger refuses rewrites."""
        from zones.sql.audit import SqlAudit

        return SqlAudit(self.engine)

    def runsheets(self) -> SqlRunSheets:
        from zones.sql.runsheets import SqlRunSheets

        return SqlRunSheets(self.engine)

    def scratch(self) -> SqlScratch:
        """Presentation sessions and drafts in ``zones_scratch``, shared by replicas."""
        from zones.sql.scratch import SqlScratch

        return SqlScratch(self.engine)
