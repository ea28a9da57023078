"""The audit trail of a data folder: ``history/audit.jsonl``, one JSON object per line.

Appended under the import lock (so it never interleaves with an import's own writes, nor
with another process's event), with ``O_APPEND`` and ``fsync`` of the file and, when it was
just created, of its folder: an event reported as recorded survives a power cut. Nothing
here rewrites or truncates the file. An import's or undo's own event is written by the store
inside that change's lock, before its commit point (``zones.intake.store._record``); an event
whose change never committed (the process died in between and recovery rolled it back) is
left in the file but not shown.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from zones.audit.record import AuditEvent
from zones.intake import store
from zones.intake.records import Busy
from zones.safe_files import writer_lock

AUDIT_FILE = store.AUDIT_FILE


LOCK_WAIT_S = 120.0  # an import of a million rows holds the lock ~10 s


class FileAudit:
    """``<root>/history/audit.jsonl``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / store.HISTORY_DIR / AUDIT_FILE
        self.label = str(self.path)

    def append(self, event: AuditEvent) -> None:
        """An event with no change of its own (a run-sheet, a refusal)."""
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:  # the import lock is non-blocking: wait for a running writer to finish
            try:
                with writer_lock(self.root):
                    store.append_audit_line(self.root, event.as_dict())
                return
            except Busy:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

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
        uncommitted = self._uncommitted({e.entry_id for e in out if e.entry_id})
        return [e for e in out[::-1] if e.entry_id not in uncommitted]

    def _uncommitted(self, ids: set[str]) -> set[str]:
        """Entries journalled under ``history/`` but never logged: rolled back, or still
        being written by another process."""
        journalled = {i for i in ids if (self.root / store.HISTORY_DIR / i).is_dir()}
        if not journalled:
            return set()
        return journalled - {e.entry_id for e in store.history(self.root)}
