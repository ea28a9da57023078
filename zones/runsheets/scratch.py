"""Small run-time records the app keeps between requests and replicas (#24): presentation
sessions (``zones.runsheets.follow``) and draft run-sheets, as bytes under (kind, key).

Two stores behind ``zones.backend``: ``<data folder>/scratch/<kind>/<key>`` here, and a
PostgreSQL table (``zones.sql.scratch``) when the data is in a database, so two app servers
on one database see the same sessions. A folder write replaces the file whole
(``zones.intake.store.write_atomic``) under that kind's own lock, never the import lock:
a presenter's key press must not wait for an import. Keys are checked by the caller
(session codes, draft ids: ``[a-z0-9]`` only), and checked again here.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Protocol

from zones.intake import store as intake_store

FOLDER = "scratch"
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
KINDS = ("presenting", "drafts")
MAX_BYTES = 512 * 1024  # a draft is a run-sheet (256 KiB of TOML at most) with its ids


def check(kind: str, key: str, data: bytes | None = None) -> None:
    if kind not in KINDS or not KEY_RE.match(key):
        raise ValueError(f"not a scratch record: {kind}/{key}")
    if data is not None and len(data) > MAX_BYTES:
        raise ValueError(f"scratch record too large: {len(data)} bytes")


class ScratchStore(Protocol):
    def get(self, kind: str, key: str) -> bytes | None: ...
    def put(self, kind: str, key: str, data: bytes) -> None: ...
    def prune(self, kind: str, older_than: float) -> int: ...


class FileScratch:
    """``<root>/scratch/<kind>/<key>``: one small file per record."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / FOLDER

    def get(self, kind: str, key: str) -> bytes | None:
        check(kind, key)
        try:
            return (self.folder / kind / key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def put(self, kind: str, key: str, data: bytes) -> None:
        check(kind, key, data)
        folder = self.folder / kind
        folder.mkdir(parents=True, exist_ok=True)
        for attempt in range(50):  # two windows pressing at once: the other waits ~ms
            try:
                with intake_store.writer_lock(folder):
                    intake_store.write_atomic(folder / key, data)
                return
            except intake_store.Busy:
                time.sleep(0.01 * (attempt + 1))
        raise intake_store.Busy(str(folder))

    def prune(self, kind: str, older_than: float) -> int:
        """Remove the records of ``kind`` not written since ``older_than`` (epoch s)."""
        folder = self.folder / kind
        if kind not in KINDS or not folder.is_dir():
            return 0
        gone = 0
        for path in folder.iterdir():
            if KEY_RE.match(path.name) and path.stat().st_mtime < older_than:
                path.unlink(missing_ok=True)
                gone += 1
        return gone
