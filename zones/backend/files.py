"""The data folder as the backend: CSV files, the import history and run-sheets beside them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zones.audit.files import FileAudit
    from zones.dataset.loading import LoadResult
    from zones.intake.store import FileStore
    from zones.runsheets.scratch import FileScratch
    from zones.runsheets.store import FileRunSheets


@dataclass(frozen=True)
class FileBackend:
    root: Path
    is_database = False

    @property
    def label(self) -> str:
        return str(self.root)

    def version(self) -> tuple[tuple[str, int, int], ...]:
        """Every data file's name, mtime and size, after an import killed between its file
        swaps is rolled back (so the version names data that is whole)."""
        from zones.intake import records, store

        store.recover_if_idle(self.root)
        return records.data_fingerprint(self.root)

    def load(self) -> LoadResult:
        from zones.dataset.loading import CsvSource, load

        return load(CsvSource(self.root))

    def store(self) -> FileStore:
        from zones.intake.store import FileStore

        return FileStore(self.root)

    def audit(self) -> FileAudit:
        """``<folder>/history/audit.jsonl``, appended under the writer lock."""
        from zones.audit.files import FileAudit

        return FileAudit(self.root)

    def runsheets(self) -> FileRunSheets:
        from zones.runsheets.store import FileRunSheets

        return FileRunSheets(self.root)

    def scratch(self) -> FileScratch:
        """Presentation sessions and drafts under ``<folder>/scratch``."""
        from zones.runsheets.scratch import FileScratch

        return FileScratch(self.root)
