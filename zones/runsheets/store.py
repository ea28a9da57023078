"""Where run-sheets are kept: ``<data folder>/runsheets/<id>.toml`` (here), or PostgreSQL
(``zones.sql.runsheets``); ``zones.backend`` chooses, as for imports (#16).

Both stores hold the file's bytes exactly as written (by a person or by
``zones.runsheets.sheet.to_toml``), so a run-sheet downloaded from the app, mailed, edited and
uploaded again is the same text everywhere, and ``python -m zones validate`` checks what the
app reads. Writes to the folder go through ``zones.safe_files`` (atomic, under the
folder's writer lock: a save never leaves half a file, and never races an import); in the
database one statement per save or delete, which PostgreSQL makes atomic.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from zones.runsheets.sheet import MAX_BYTES, SUFFIX, id_problem, valid_id
from zones.safe_files import write_atomic, writer_lock

FOLDER = "runsheets"


class RunSheetError(ValueError):
    """A save or delete that was refused; ``message`` is bilingual."""

    def __init__(self, message: dict[str, str]) -> None:
        super().__init__(message["en"])
        self.message = message


def check_id(rid: str) -> None:
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
        check_id(rid)
        self.folder.mkdir(parents=True, exist_ok=True)
        with writer_lock(self.root):
            write_atomic(self.folder / f"{rid}{SUFFIX}", data)

    def delete(self, rid: str) -> bool:
        check_id(rid)
        path = self.folder / f"{rid}{SUFFIX}"
        with writer_lock(self.root):
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
