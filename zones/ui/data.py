"""The data every page reads: one cached load per data version, from the backend that
``zones.backend`` chose, and the served map geometry.

A rerun costs one fingerprint (files) or one version query (database); the dataset itself is
loaded once per process and version, so a write by any replica or the CLI is seen on the next
click, never a mix.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import streamlit as st

from zones import backend
from zones.charts.geoassets import LAYER_FILES, Geometry, served_geometry
from zones.dataset.columnar import compact
from zones.dataset.loading import LoadResult, data_dir
from zones.model import GeoData

if TYPE_CHECKING:  # SQLAlchemy is imported only when a database is configured (#8)
    from sqlalchemy.engine import Engine

    from zones.intake.store import Store


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_cached(_chosen: backend.Backend, label: str, version: object) -> LoadResult:
    # cache_resource, not cache_data: the dataset is read-only for every page, and
    # cache_data's copy per rerun cost ~44 ms (bench: pickle round trip of LoadResult).
    # Keyed on the backend's label and data version (the files' mtimes and sizes, or the
    # database's version row), so a write by any process (any replica, the CLI) is picked
    # up by every process on its next rerun, once. Ids become categoricals for fast
    # filters and group-bys at 1 M rows (issue 8, dataset.columnar).
    result = _chosen.load()
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
    """The one cached load of the chosen backend; every page reads through it.

    A rerun costs one version check (a fingerprint of the files, or one query); the
    dataset itself is loaded once per process and version.
    """
    chosen = current_backend()
    try:
        version = chosen.version()
    except backend.Unavailable as exc:
        return exc.result
    if version is None:
        return chosen.load()  # not loaded yet: say so, cache nothing
    return _load_cached(chosen, chosen.label, version)


def data_store() -> Store:
    """Where imports go: the configured database (#8), else the data folder."""
    return current_backend().store()


@st.cache_resource(show_spinner=False)
def _served_geometry(root: str, geo_id: int, _geo: GeoData) -> Geometry:
    return served_geometry({key: getattr(_geo, key) for key in LAYER_FILES})


def map_geometry(geo: GeoData) -> Geometry:
    """``url`` when static/geo/ serves exactly the loaded boundaries (checked once)."""
    return _served_geometry(str(data_dir()), id(geo), geo)
