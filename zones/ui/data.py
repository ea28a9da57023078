"""The data every page reads: one cached load per data version, from the backend that
``zones.backend`` chose, and the served map geometry.

A rerun costs one fingerprint (files) or one version query (database); the dataset itself is
loaded once per process and version, so a write by any replica or the CLI is seen on the next
click, never a mix.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from zones import backend
from zones.charts.geoassets import LAYER_FILES, Geometry, served_geometry
from zones.dataset.columnar import compact
from zones.dataset.loading import CsvSource, LoadResult, data_dir, load
from zones.intake import records, store
from zones.model import GeoData

if TYPE_CHECKING:  # SQLAlchemy is imported only when a database is configured (#8)
    from sqlalchemy.engine import Engine


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_cached(root: str, fingerprint: tuple[tuple[str, int, int], ...]) -> LoadResult:
    # cache_resource, not cache_data: the dataset is read-only for every page, and
    # cache_data's copy per rerun cost ~44 ms (bench: pickle round trip of LoadResult).
    # ``fingerprint`` (mtime + size of every file) is part of the key, so an import
    # applied by any process is picked up by every process on its next rerun.
    result = load(CsvSource(Path(root)))
    # Categorical ids for fast filters and group-bys at 1 M rows (issue 8, dataset.columnar).
    return replace(result, dataset=compact(result.dataset)) if result.dataset else result


def _secrets_name_a_database() -> bool:
    try:
        return "zones" in st.secrets.get("connections", {})
    except (FileNotFoundError, KeyError, ValueError, OSError):
        return False  # no secrets.toml at all: the files are the source


def _secrets_engine() -> Engine:
    """``[connections.zones]`` of secrets.toml, through ``st.connection``."""
    # The section passed on as well: st.connection reads the secrets file itself, but
    # an explicit copy also reaches it where only st.secrets is set (AppTest).
    section = {k: v for k, v in st.secrets["connections"]["zones"].items() if k != "type"}
    section.setdefault("pool_pre_ping", True)  # survive a database restart
    return st.connection("zones", type="sql", **section).engine


def current_backend() -> backend.Backend:
    """``zones.backend.choose`` with the secrets' database as the app's own option."""
    return backend.choose(connection=_secrets_engine if _secrets_name_a_database() else None)


def load_data() -> LoadResult:
    """The one cached load of the chosen backend; every page reads through it."""
    chosen = current_backend()
    if chosen.engine is not None:  # SQL backend (#8), when configured
        return load_database(chosen)
    store.recover_if_idle(chosen.root)  # an import killed between its file swaps is rolled back
    return _load_cached(str(chosen.root), records.data_fingerprint(chosen.root))


def data_store() -> store.Store:
    """Where imports go: the configured database (#8), else the data folder."""
    return current_backend().store()


@st.cache_resource(show_spinner=False)
def _served_geometry(root: str, geo_id: int, _geo: GeoData) -> Geometry:
    return served_geometry({key: getattr(_geo, key) for key in LAYER_FILES})


def map_geometry(geo: GeoData) -> Geometry:
    """``url`` when static/geo/ serves exactly the loaded boundaries (checked once)."""
    return _served_geometry(str(data_dir()), id(geo), geo)


@st.cache_resource(show_spinner=False, max_entries=2)
def _load_database_cached(_chosen: backend.Backend, url: str, version: int) -> LoadResult:
    # Keyed on the data version: a write anywhere (any replica, the CLI) bumps it, and the
    # next rerun of every session loads the new data once per process.
    return _chosen.load()


def load_database(chosen: backend.Backend) -> LoadResult:
    """One cheap query per rerun (the data version), then the cached dataset of it."""
    from sqlalchemy.exc import SQLAlchemyError

    from zones.sql.read import db_issue
    from zones.sql.schema import data_version

    assert chosen.engine is not None
    try:
        version = data_version(chosen.engine)
    except SQLAlchemyError as exc:
        return LoadResult(None, (db_issue(exc),))
    if version is None:
        return chosen.load()  # not loaded yet: say so, cache nothing
    return _load_database_cached(chosen, chosen.label, version)
