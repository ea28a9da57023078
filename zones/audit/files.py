"""The audit trail of a data folder: ``history/audit.jsonl``, one JSON object per line.

Appended under the import lock (so it never interleaves with an import's own writes, nor
with another process's event), with ``O_APPEND`` and ``fsync`` of the file and, when it was
just created, of its folder: an event reported as recorded survives a power cut. Nothing
here rewrites or truncates the file.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from zones.audit.record import AuditEvent
from zones.intake import store
from zones.intake.records import Busy

AUDIT_FILE = "audit.jsonl"


LOCK_WAIT_S = 120.0  # an import of a million rows holds the lock ~10 s


class FileAudit:
    """``<root>/history/audit.jsonl``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / store.HISTORY_DIR / AUDIT_FILE
        self.label = str(self.path)

    def append(self, event: AuditEvent) -> None:
        line = (json.dumps(event.as_dict(), ensure_ascii=False) + "\n").encode("utf-8")
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:  # the import lock is non-blocking: wait for a running writer to finish
            try:
                with store.writer_lock(self.root):
                    self._write(line)
                return
            except Busy:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _write(self, line: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            dfd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)

    def events(self) -> list[AuditEvent]:
        """Newest first; a line that is not an event (a torn last line) is skipped."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out = []
        for row in text.splitlines():
            try:
                raw = json.loads(row)
            except ValueError:
                continue
            if isinstance(raw, dict):
                out.append(AuditEvent.from_dict(raw))
        return out[::-1]
