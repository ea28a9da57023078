"""Shared fixtures: the bundled dataset (loaded once), a scratch copy of ``data/``, the
PostgreSQL server (one per test worker); the Hypothesis profiles; in CI a skip fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from zones.dataset.loading import DATA_DIR, CsvSource, load
from zones.model import Dataset

ROOT = Path(__file__).resolve().parent.parent

# The CLI speaks the locale's language when no --lang is given (#23): the tests that expect
# the default (Chinese) must not depend on the developer's $LANG.
for _name in ("LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

# Hypothesis: no deadline anywhere (a loaded machine or a parallel worker makes a slow
# example, not a wrong one); "ci" runs fewer examples per property than "dev" so the suite
# fits in its time, and is chosen whenever CI is set (HYPOTHESIS_PROFILE overrides both).
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile("ci", max_examples=40, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI") else "dev"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """In CI every test runs: a skip (a missing browser, server or tool) is a failure there,
    not a quiet pass. Expected failures (xfail) are not skips and stay as they are."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """The same for a whole module skipped while collecting (``allow_module_level``)."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"{collector.nodeid} skipped in CI, where every test must run: {reason}"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give ``--dist loadgroup`` its groups back under pytest 9.

    pytest-xdist 3.8 groups a test by appending ``@<group>`` to ``item._nodeid`` on the
    worker; pytest 9 keeps a node's id in ``item._id``, so that assignment is lost and the
    groups were silently ignored: every worker started the module servers, printouts and
    nginx of a grouped module (measured: the print module's 37 s printout made on all three
    workers). Where the suffix is missing after xdist's own hook, set it the way pytest 9
    reads it. ``tests/test_suite_rules.py`` fails if a grouped test's id lacks it.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        if not names or "@" in item.nodeid:
            continue
        node_id = getattr(item, "_id", None)
        if node_id is not None and hasattr(type(node_id), "parse"):
            item._id = type(node_id).parse(f"{item.nodeid}@{'_'.join(names)}")


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


TEMPLATE_DB = "zones_template"


@pytest.fixture(scope="session")
def sql_template(pg_server) -> str:
    """The bundled data loaded once per session by ``sql_load`` (the CLI's function), into a
    database nobody connects to: ``loaded_db`` copies it (``CREATE DATABASE … TEMPLATE``),
    which needs the template free of connections."""
    from zones.dataset.loading import DATA_DIR
    from zones.sql.schema import engine_from_url
    from zones.sql.write import sql_load

    engine = engine_from_url(pg_server.createdb(TEMPLATE_DB))
    result = sql_load(engine, DATA_DIR)
    engine.dispose()
    assert result.ok, result.issues
    return TEMPLATE_DB


@pytest.fixture(scope="session")
def loaded_db(pg_server, sql_template: str):
    """``loaded_db(name)``: the URL of a new database holding the bundled data (a copy of
    the session's template), for a test that writes."""
    return lambda name: pg_server.createdb(name, template=sql_template)


@pytest.fixture(scope="session")
def sql_url(loaded_db) -> str:
    """A database with the bundled data, shared by the tests that only read."""
    return loaded_db("bundled")
