"""The one place that decides where the data lives: the data folder, or a PostgreSQL database.

The app, every CLI command and the import page used to make this choice themselves (four
places, ``ZONES_DATABASE_URL`` read three ways), so a setting could mean a database to one and
the files to another. Like Streamlit's ``cache_storage_manager_config`` (one factory shared by
the CLI and the server), everything asks :func:`choose` and gets a ``Backend``
(``zones.backend.protocol``) that knows how to load the dataset, its version, and where
imports and run-sheets go. Streamlit is not imported here: the UI passes a database it
found in ``secrets.toml`` in as ``connection``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from zones import paths
from zones.backend.files import FileBackend
from zones.backend.postgres import PostgresBackend, engine_for
from zones.backend.protocol import Backend

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

URL_ENV = "ZONES_DATABASE_URL"


def database_url(explicit: str | None = None) -> str:
    """``explicit`` (``--url``), else $ZONES_DATABASE_URL, else '' (the files); trimmed."""
    return (explicit or os.environ.get(URL_ENV, "")).strip()


def choose(*, url: str | None = None, data_dir: Path | str | None = None,
           connection: Callable[[], Engine] | None = None) -> Backend:
    """Decide once: an explicit or $ZONES_DATABASE_URL database, else ``connection`` (the
    UI's ``[connections.zones]``), else the files of ``data_dir`` / $ZONES_DATA_DIR."""
    root = Path(data_dir) if data_dir else paths.data_dir()
    if found := database_url(url):
        return PostgresBackend(root, engine_for(found))
    if connection is not None:
        return PostgresBackend(root, connection())
    return FileBackend(root)
