"""Shared fixtures: the bundled dataset (loaded once) and a scratch copy of ``data/``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from zones.dataset.loading import DATA_DIR, CsvSource, load
from zones.model import Dataset

ROOT = Path(__file__).resolve().parent.parent

# The CLI speaks the locale's language when no --lang is given (#23): the tests that expect
# the default (Chinese) must not depend on the developer's $LANG.
for _name in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    result = load(CsvSource())
    assert result.ok, [(i.file, i.line, i.column, i.code) for i in result.issues]
    assert result.dataset is not None
    return result.dataset


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of ``data/`` (with ``data/geo/``) to corrupt one file at a time."""
    dest = tmp_path / "data"
    shutil.copytree(DATA_DIR, dest)
    return dest


# -- SQL backend (#8): one throw-away PostgreSQL server for the whole session ------------

@pytest.fixture(scope="session")
def pg_server():
    """initdb + pg_ctl start on 127.0.0.1 (a free port); stopped at teardown."""
    from tests.pg_server import skip_reason, start_server

    reason = skip_reason()
    if reason and os.environ.get("ZONES_REQUIRE_POSTGRES"):  # CI: a skip would hide it
        pytest.fail(f"PostgreSQL is required here: {reason}")
    if reason:
        pytest.skip(reason)
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sql_url(pg_server) -> str:
    """A database loaded with the bundled data by ``sql_load`` (the CLI's function)."""
    from zones.dataset.loading import DATA_DIR
    from zones.sql.schema import engine_from_url
    from zones.sql.write import sql_load

    url = pg_server.createdb("bundled")
    engine = engine_from_url(url)
    result = sql_load(engine, DATA_DIR)
    engine.dispose()
    assert result.ok, result.issues
    return url
