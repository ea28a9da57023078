"""What a backend is: where the data lives, as one protocol with one class per backend.

A new thing stored (an audit trail, say) is one more method here and one in each
implementation (``files``, ``postgres``); callers keep asking ``zones.backend.choose``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zones.audit.record import AuditLog
    from zones.dataset.loading import LoadResult
    from zones.intake.store import Store
    from zones.runsheets.scratch import ScratchStore
    from zones.runsheets.store import RunSheetStore


class Backend(Protocol):
    """The data folder, or a database that holds the tables instead.

    The folder is used either way: boundaries (``geo/``) and run-time files stay on disk.
    """

    root: Path
    is_database: bool  # for messages that name a file or a table

    @property
    def label(self) -> str:
        """The folder, or the database URL without its password (for messages)."""
        ...

    def version(self) -> object:
        """A cheap, hashable token that changes whenever the data does (a write by any
        process); ``None`` when there is no data yet. The app's caches key on it; it
        raises ``Unavailable`` when the source cannot be asked."""
        ...

    def load(self) -> LoadResult:
        """The dataset as the app shows it, uncached (the UI caches it by version)."""
        ...

    def store(self) -> Store:
        """Where imports, history and undo go."""
        ...

    def runsheets(self) -> RunSheetStore:
        """Where run-sheets are kept."""
        ...

    def scratch(self) -> ScratchStore:
        """Presentation sessions and drafts (#24): shared by every replica of a backend."""
        ...

    def audit(self) -> AuditLog:
        """Who changed what (issue 25), append-only, kept beside the data it describes."""
        ...


class Unavailable(Exception):
    """The backend cannot be asked now; ``result`` is the load result that says why."""

    def __init__(self, result: LoadResult) -> None:
        super().__init__(result)
        self.result = result
