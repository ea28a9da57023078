"""A change and its audit event land together or not at all, and an undo undoes exactly the
import it was offered for (issue 25), on the data folder and on PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from zones import backend
from zones.audit.record import AuditEvent
from zones.backend.files import FileBackend
from zones.backend.postgres import PostgresBackend
from zones.dataset.loading import DATA_DIR, CsvSource, load
from zones.intake import records, store
from zones.intake.pipeline import parse_upload

VOL = "period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
FIRST = VOL + "2013-01,fusong-ginseng,ginseng,JPN,1,2000,1\n"
SECOND = VOL + "2013-02,dehui-poultry,poultry_meat,JPN,2,4000,1\n"
_names = (f"aa{i}" for i in itertools.count())


@pytest.fixture(params=["files", "postgres"])
def chosen(request, data_copy: Path) -> Iterator[backend.Backend]:
    if request.param == "files":
        yield FileBackend(data_copy)
        return
    from zones.sql.schema import engine_from_url
    from zones.sql.write import sql_load

    engine = engine_from_url(request.getfixturevalue("pg_server").createdb(next(_names)))
    assert sql_load(engine, DATA_DIR).ok
    try:
        yield PostgresBackend(data_copy, engine)
    finally:
        engine.dispose()


def plan(chosen: backend.Backend, text: str, user: str):
    ds = load(CsvSource(DATA_DIR)).dataset
    parsed = parse_upload(text.encode("utf-8"), f"{user}.csv", "export_volumes", ds)
    made = chosen.store().plan_import(parsed, "upsert", user)
    assert made.ok, made.issues
    return made


def hook(person: str, action: str) -> store.AuditHook:
    def event(entry: store.HistoryEntry) -> dict[str, object]:
        return AuditEvent(when="2026-12-07T23:59:00Z", person=person, role="editor",
                          via="proxy", action=action, table=entry.table, added=entry.added,
                          entry_id=entry.entry_id).as_dict()
    return event


def state(chosen: backend.Backend) -> tuple[object, int, list[str]]:
    """The data (the tables' bytes; the database's version), its history and the trail."""
    target = chosen.store()
    data = (target.version() if chosen.is_database else
            {p.name: p.read_bytes() for p in sorted(chosen.root.glob("*.csv"))})
    return data, len(target.history()), [e.entry_id for e in chosen.audit().events()]


def break_audit(chosen: backend.Backend) -> None:
    """A real failure of the audit write: the file is a folder; the table refuses inserts."""
    if not chosen.is_database:
        log = chosen.root / "history" / "audit.jsonl"
        log.parent.mkdir(exist_ok=True)
        if log.exists():
            log.rename(log.with_suffix(".saved"))
        log.mkdir()
        return
    from zones.sql.audit import AUDIT_TABLE, ensure_audit_table

    with chosen.engine.begin() as conn:
        ensure_audit_table(conn)
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION no_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'audit disk full'; END $$")
        conn.exec_driver_sql(f"CREATE TRIGGER t_no_insert BEFORE INSERT ON {AUDIT_TABLE} "
                             "FOR EACH ROW EXECUTE FUNCTION no_insert()")


def mend_audit(chosen: backend.Backend) -> None:
    if not chosen.is_database:
        log = chosen.root / "history" / "audit.jsonl"
        log.rmdir()
        if log.with_suffix(".saved").exists():
            log.with_suffix(".saved").rename(log)
        return
    from zones.sql.audit import AUDIT_TABLE

    with chosen.engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TRIGGER t_no_insert ON {AUDIT_TABLE}")


def test_no_audit_event_no_change(chosen: backend.Backend) -> None:
    target = chosen.store()
    made = plan(chosen, FIRST, "wang")
    before = state(chosen)
    break_audit(chosen)
    with pytest.raises((OSError, records.StoreError)):
        target.apply(made, audit=hook("wang", "import"))
    mend_audit(chosen)
    assert state(chosen) == before  # the data, its history and the trail: all unchanged
    entry = target.apply(made, audit=hook("wang", "import"))  # the same plan, once mended
    assert [(e.person, e.entry_id) for e in chosen.audit().events()] == [
        ("wang", entry.entry_id)]

    before = state(chosen)
    break_audit(chosen)
    with pytest.raises((OSError, records.StoreError)):
        target.undo_entry(entry.entry_id, "wang", audit=hook("wang", "undo"))
    mend_audit(chosen)
    assert state(chosen) == before
    assert target.undo_target() == entry


def test_undo_exactly_the_entry_offered(chosen: backend.Backend) -> None:
    """The page offered wang's import; li's import landed since: nothing is undone."""
    target = chosen.store()
    mine = target.apply(plan(chosen, FIRST, "wang"), audit=hook("wang", "import"))
    theirs = target.apply(plan(chosen, SECOND, "li"), audit=hook("li", "import"))
    before = state(chosen)
    with pytest.raises(records.StoreError) as err:
        target.undo_entry(mine.entry_id, "wang", audit=hook("wang", "undo"))
    assert [i.code for i in err.value.issues] == ["undo_moved"]
    assert err.value.issues[0].params["last"] == theirs.entry_id
    assert "li" in err.value.issues[0].message("en")
    assert state(chosen) == before
    undone = target.undo_entry(theirs.entry_id, "li", audit=hook("li", "undo"))
    assert undone.undoes == theirs.entry_id
    assert [e.action for e in chosen.audit().events()] == ["undo", "import", "import"]


class Killed(BaseException):
    """Stands for the process dying at a crash point (os._exit in production)."""


def test_killed_after_the_event_before_the_commit(data_copy: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The event is on disk but the change never committed: recovery rolls the change back
    and the trail does not show the event."""
    chosen = FileBackend(data_copy)
    before = (data_copy / "export_volumes.csv").read_bytes()

    def crash(name: str) -> None:
        if name == "after_audit":
            raise Killed

    monkeypatch.setattr(store, "_crash_point", crash)
    with pytest.raises(Killed):
        chosen.store().apply(plan(chosen, FIRST, "wang"), audit=hook("wang", "import"))
    assert (data_copy / "history" / "audit.jsonl").read_text(encoding="utf-8").count("\n") == 1
    assert chosen.audit().events() == []  # journalled, not committed: not shown
    store.recover_if_idle(data_copy)
    assert (data_copy / "export_volumes.csv").read_bytes() == before
    assert chosen.audit().events() == [] and store.history(data_copy) == []
