"""The one place that decides where the data lives: the data folder, or a PostgreSQL database.

The app, every CLI command and the import page used to make this choice themselves (four
places, ``ZONES_DATABASE_URL`` read three ways), so a setting could mean a database to one and
the files to another. Like Streamlit's ``cache_storage_manager_config`` (one factory shared by
the CLI and the server), everything asks :func:`choose` and gets a :class:`Backend` that knows
how to load the dataset and where imports go. Streamlit is not imported here: the UI passes a
database it found in ``secrets.toml`` in as ``connection``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zones import paths

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from zones.dataset.loading import LoadResult
    from zones.intake.store import Store
    from zones.runsheets.scratch import ScratchStore
    from zones.runsheets.store import RunSheetStore

URL_ENV = "ZONES_DATABASE_URL"


def database_url(explicit: str | None = None) -> str:
    """``explicit`` (``--url``), else $ZONES_DATABASE_URL, else '' (the files); trimmed."""
    return (explicit or os.environ.get(URL_ENV, "")).strip()


@functools.cache
def engine_for(url: str) -> Engine:
    """One pooled engine per URL and process: every rerun and replica thread shares it."""
    from zones.sql.schema import engine_from_url

    return engine_from_url(url)


@dataclass(frozen=True)
class Backend:
    """A data folder, and the database that holds the tables instead when ``engine`` is set.

    The folder is used either way: boundaries (``geo/``) and run-time files stay on disk.
    """

    root: Path
    engine: Engine | None = None

    @property
    def is_database(self) -> bool:
        return self.engine is not None

    @property
    def label(self) -> str:
        """The folder, or the database URL without its password (for messages)."""
        if self.engine is None:
            return str(self.root)
        return self.engine.url.render_as_string(hide_password=True)

    def load(self) -> LoadResult:
        """The dataset as the app shows it, uncached (the UI caches it by version)."""
        if self.engine is None:
            from zones.dataset.loading import CsvSource, load

            return load(CsvSource(self.root))
        from zones.sql.read import load_sql

        return load_sql(self.engine, self.root)

    def runsheets(self) -> RunSheetStore:
        """Where run-sheets are kept: the database's table, else ``<folder>/runsheets``."""
        if self.engine is None:
            from zones.runsheets.store import FileRunSheets

            return FileRunSheets(self.root)
        from zones.sql.runsheets import SqlRunSheets

        return SqlRunSheets(self.engine)

    def scratch(self) -> ScratchStore:
        """Presentation sessions and drafts (#24): in the database when there is one, so
        replicas share them; else ``<folder>/scratch``."""
        if self.engine is None:
            from zones.runsheets.scratch import FileScratch

            return FileScratch(self.root)
        from zones.sql.scratch import SqlScratch

        return SqlScratch(self.engine)

    def store(self) -> Store:
        """Where imports, history and undo go."""
        if self.engine is None:
            from zones.intake.store import FileStore

            return FileStore(self.root)
        from zones.sql.store import SqlStore

        return SqlStore(self.engine, self.root)


def choose(*, url: str | None = None, data_dir: Path | str | None = None,
           connection: Callable[[], Engine] | None = None) -> Backend:
    """Decide once: an explicit or $ZONES_DATABASE_URL database, else ``connection`` (the
    UI's ``[connections.zones]``), else the files of ``data_dir`` / $ZONES_DATA_DIR."""
    root = Path(data_dir) if data_dir else paths.data_dir()
    if found := database_url(url):
        return Backend(root, engine_for(found))
    if connection is not None:
        return Backend(root, connection())
    return Backend(root)
