"""The audit trail (issue 25): append-only JSON lines under the import lock, a PostgreSQL
table that refuses every rewrite, Beijing time on screen, and the command line's events."""

from __future__ import annotations

import getpass
import itertools
import json
from pathlib import Path

import pytest

from zones import backend
from zones.audit.files import FileAudit
from zones.audit.record import AuditEvent, audit_frame, beijing
from zones.backend.postgres import PostgresBackend
from zones.cli.main import main
from zones.intake import store
from zones.intake.records import Busy
from zones.safe_files import writer_lock

VOL = "period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
GOOD = VOL + "2013-01,dehui-poultry,poultry_meat,JPN,100,200000,5\n"


def event(**kw) -> AuditEvent:
    base = dict(when="2026-12-07T23:59:00Z", person="wang.ke@jl.example", role="editor",
                via="proxy", action="import", table="export_volumes", added=1,
                file_name="march.csv", sha256="ab" * 32, entry_id="imp-1", client="10.0.0.7")
    return AuditEvent(**{**base, **kw})


def test_stored_in_utc_shown_in_beijing_time() -> None:
    assert beijing("2026-12-07T23:59:00Z") == "2026-12-08 07:59:00"
    frame = audit_frame([event()], "zh")
    assert frame.iloc[0]["时间（北京时间）"] == "2026-12-08 07:59:00"
    assert frame.iloc[0]["身份来源"] == "反向代理"


def test_filters_by_person_and_table() -> None:
    events = [event(), event(person="li.chu@jl.example", action="undo"),
              event(table="runsheets/a.toml", action="runsheet_save")]
    assert len(audit_frame(events, "en", person="li.chu@jl.example")) == 1
    assert len(audit_frame(events, "en", table="export_volumes")) == 2
    assert list(audit_frame(events, "en", table="runsheets/a.toml")["Action"]) == [
        "run-sheet saved"]


def test_files_append_only_newest_first_and_fsynced(tmp_path: Path, monkeypatch) -> None:
    log = FileAudit(tmp_path)
    synced: list[int] = []
    real = __import__("os").fsync
    monkeypatch.setattr("zones.intake.store.os.fsync", lambda fd: (synced.append(fd), real(fd)))
    log.append(event())
    first = log.path.read_bytes()
    log.append(event(person="li.chu@jl.example", action="undo"))
    assert log.path.read_bytes().startswith(first)  # appended, never rewritten
    assert len(synced) == 3  # file, new folder entry, file
    assert [e.person for e in log.events()] == ["li.chu@jl.example", "wang.ke@jl.example"]
    assert json.loads(first)["client"] == "10.0.0.7"
    with log.path.open("ab") as fh:
        fh.write(b'{"torn": ')  # a line cut by a crash is skipped, the rest still reads
    assert len(log.events()) == 2


def test_files_wait_for_the_import_lock(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("zones.audit.files.LOCK_WAIT_S", 0.2)
    log = FileAudit(tmp_path)
    with writer_lock(tmp_path), pytest.raises(Busy):
        log.append(event())  # never written beside a running import
    assert log.events() == []


def test_backend_hands_out_the_folders_log(tmp_path: Path) -> None:
    log = backend.choose(data_dir=tmp_path, url="").audit()
    assert isinstance(log, FileAudit) and log.path == tmp_path / "history" / "audit.jsonl"


def test_command_line_records_the_os_user_and_says_so(data_copy: Path, tmp_path: Path,
                                                      capsys) -> None:
    upload = tmp_path / "march.csv"
    upload.write_text(GOOD, encoding="utf-8")
    args = ["--data-dir", str(data_copy), "--lang", "en"]
    assert main(["import", str(upload), "--table", "export_volumes", *args,
                 "--user", "clerk"]) == 0
    assert main(["undo", *args]) == 0
    events = FileAudit(data_copy).events()
    assert [(e.action, e.via, e.role) for e in events] == [("undo", "cli", "cli"),
                                                           ("import", "cli", "cli")]
    login = getpass.getuser()  # the accountable one on a shell; --user is kept beside it
    assert events[1].person == login and events[1].detail == "--user clerk"
    assert store.history(data_copy)[1].user == "clerk"  # the import history as before
    assert events[1].added == 1
    assert events[1].file_name == "march.csv" and len(events[1].sha256) == 64
    assert events[0].person == login and events[0].detail == ""
    capsys.readouterr()
    assert main(["history", *args, "--person", login]) == 0
    out = capsys.readouterr().out
    assert "Audit trail" in out and "--user clerk" in out and "command line" in out


_names = (f"au{i}" for i in itertools.count())


def test_postgres_inserts_only_and_refuses_rewrites(pg_server) -> None:
    import sqlalchemy as sa

    from zones.sql.audit import AUDIT_TABLE, SqlAudit
    from zones.sql.schema import engine_from_url

    engine = engine_from_url(pg_server.createdb(next(_names)))
    try:
        log = PostgresBackend(Path("."), engine).audit()
        assert isinstance(log, SqlAudit)
        log.append(event())
        log.append(event(person="li.chu@jl.example", action="undo", when="2026-12-08T01:00:00Z"))
        got = log.events()
        assert [e.person for e in got] == ["li.chu@jl.example", "wang.ke@jl.example"]
        assert got[1] == event()
        for statement in (f"UPDATE {AUDIT_TABLE} SET person = 'x'", f"DELETE FROM {AUDIT_TABLE}",
                          f"TRUNCATE {AUDIT_TABLE}"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as c:
                c.exec_driver_sql(statement)
        assert len(log.events()) == 2
    finally:
        engine.dispose()
