"""Where run-sheets are kept: ``<data folder>/runsheets/<id>.toml``, or PostgreSQL (#16).

Both stores hold the file's bytes exactly as written (by a person or by
``zones.runsheet.to_toml``), so a run-sheet downloaded from the app, mailed, edited and
uploaded again is the same text everywhere, and ``python -m zones validate`` checks what the
app reads. Writes to the folder go through ``zones.store``'s atomic writer under its writer
lock (a save never leaves half a file, and never races an import); in the database one
statement per save or delete, which PostgreSQL makes atomic.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from zones import store
from zones.runsheet import MAX_BYTES, SUFFIX, id_problem, valid_id

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

FOLDER = "runsheets"


class RunSheetError(ValueError):
    """A save or delete that was refused; ``message`` is bilingual."""

    def __init__(self, message: dict[str, str]) -> None:
        super().__init__(message["en"])
        self.message = message


def _check_id(rid: str) -> None:
    if not valid_id(rid):
        raise RunSheetError(id_problem(f"{rid}{SUFFIX}", rid).message)


class RunSheetStore(Protocol):
    label: str

    def ids(self) -> list[str]: ...
    def read(self, rid: str) -> bytes | None: ...
    def save(self, rid: str, data: bytes, user: str = "") -> None: ...
    def delete(self, rid: str) -> bool: ...
    def file_name(self, rid: str) -> str: ...


class FileRunSheets:
    """``<root>/runsheets/*.toml``; ids are file names, so a hand-made file just appears."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = self.root / FOLDER
        self.label = str(self.folder)

    def file_name(self, rid: str) -> str:
        return f"{FOLDER}/{rid}{SUFFIX}"

    def ids(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        # Every *.toml, valid id or not: validate reports a badly named file instead of
        # silently ignoring it.
        return sorted(p.name[: -len(SUFFIX)] for p in self.folder.glob(f"*{SUFFIX}")
                      if p.is_file())

    def read(self, rid: str) -> bytes | None:
        if "/" in rid or "\\" in rid or rid.startswith("."):
            return None  # never a path out of the folder, whatever the link says
        path = self.folder / f"{rid}{SUFFIX}"
        try:
            with path.open("rb") as fh:
                return fh.read(MAX_BYTES + 1)  # parse() reports a larger file as too large
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def save(self, rid: str, data: bytes, user: str = "") -> None:
        _check_id(rid)
        self.folder.mkdir(parents=True, exist_ok=True)
        with store.writer_lock(self.root):
            store.write_atomic(self.folder / f"{rid}{SUFFIX}", data)

    def delete(self, rid: str) -> bool:
        _check_id(rid)
        path = self.folder / f"{rid}{SUFFIX}"
        with store.writer_lock(self.root):
            try:
                path.unlink()
            except FileNotFoundError:
                return False
            fd = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(fd)  # the removal survives a power cut like a save does
            finally:
                os.close(fd)
        return True


class SqlRunSheets:
    """The ``zones_runsheets`` table (schema in ``zones.sql``), created on first save."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.label = engine.url.render_as_string(hide_password=True)

    def file_name(self, rid: str) -> str:
        return f"{FOLDER}/{rid}{SUFFIX}"

    def _exists(self, conn) -> bool:
        from zones.sql import RUNSHEETS

        return conn.exec_driver_sql(f"SELECT to_regclass('{RUNSHEETS}')").scalar() is not None

    def ids(self) -> list[str]:
        from zones.sql import RUNSHEETS

        with self.engine.connect() as conn:
            if not self._exists(conn):
                return []
            rows = conn.exec_driver_sql(f"SELECT id FROM {RUNSHEETS} ORDER BY id").all()
        return [str(r[0]) for r in rows]

    def read(self, rid: str) -> bytes | None:
        import sqlalchemy as sa

        from zones.sql import RUNSHEETS

        with self.engine.connect() as conn:
            if not self._exists(conn):
                return None
            row = conn.execute(sa.text(f"SELECT body FROM {RUNSHEETS} WHERE id = :id"),
                               {"id": rid}).first()
        return None if row is None else bytes(row[0])

    def save(self, rid: str, data: bytes, user: str = "") -> None:
        import sqlalchemy as sa

        from zones.sql import RUNSHEETS, ensure_runsheet_table

        _check_id(rid)
        with self.engine.begin() as conn:
            ensure_runsheet_table(conn)
            conn.execute(sa.text(
                f"INSERT INTO {RUNSHEETS} (id, body, updated_by) VALUES (:id, :body, :user) "
                "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, "
                "updated_by = EXCLUDED.updated_by, updated_at = now()"),
                {"id": rid, "body": data, "user": user})

    def delete(self, rid: str) -> bool:
        import sqlalchemy as sa

        from zones.sql import RUNSHEETS

        _check_id(rid)
        with self.engine.begin() as conn:
            if not self._exists(conn):
                return False
            result = conn.execute(sa.text(f"DELETE FROM {RUNSHEETS} WHERE id = :id"),
                                  {"id": rid})
        return bool(result.rowcount)


def runsheet_store(root: Path, engine: Engine | None) -> RunSheetStore:
    """The database's table when one is configured (as for imports), else the folder."""
    return FileRunSheets(root) if engine is None else SqlRunSheets(engine)
