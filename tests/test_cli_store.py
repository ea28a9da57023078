"""``python -m zones import | history | undo``: exit codes, messages, nothing written on 1."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pwd
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from zones import safe_files
from zones.cli.main import main
from zones.dataset.loading import DATA_DIR
from zones.intake import limits, store

VOL = "period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
GOOD = VOL + "2013-01,dehui-poultry,poultry_meat,JPN,100,200000,5\n"
BAD = VOL + "2013-01,dehui-poultry,poultry_meat,XXX,100,200000,5\n"


def files(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.glob("*.csv")}


@pytest.fixture
def upload(tmp_path: Path) -> Path:
    path = tmp_path / "march.csv"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_import_dry_run_then_apply_history_undo(data_copy: Path, upload: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = files(data_copy)
    args = [str(upload), "--table", "export_volumes", "--data-dir", str(data_copy),
            "--lang", "en"]
    assert main(["import", *args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Column mapping:" in out and "1 added, 0 changed, 0 removed" in out
    assert "Tonnes total: 347,159.2 → 347,259.2" in out
    assert files(data_copy) == before
    assert main(["import", *args, "--user", "clerk"]) == 0
    assert "Applied" in capsys.readouterr().out
    assert main(["history", "--data-dir", str(data_copy), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "clerk" in out and "march.csv" in out
    assert main(["undo", "--data-dir", str(data_copy), "--lang", "en"]) == 0
    assert files(data_copy) == before
    assert main(["undo", "--data-dir", str(data_copy), "--lang", "en"]) == 1
    assert "no change to undo" in capsys.readouterr().out


def test_problems_exit_1_with_file_row_column(data_copy: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    before = files(data_copy)
    assert main(["import", str(path), "--table", "export_volumes", "--data-dir",
                 str(data_copy), "--lang", "en"]) == 1
    captured = capsys.readouterr()
    assert "bad.csv:2:destination_iso3: No country called 'XXX'" in captured.out
    assert "nothing was written" in captured.err
    assert files(data_copy) == before
    assert not (data_copy / "history").exists()


@pytest.mark.parametrize("argv", [
    ["import", "/no/such/file.csv", "--table", "zones"],
    ["import", "x.csv"],  # --table missing
    ["import", "x.csv", "--table", "nope"],
    ["import", "x.csv", "--table", "zones", "--mode", "merge"],
    ["undo", "--bogus"],
])
def test_usage_errors_exit_2(argv: list[str]) -> None:
    assert main(argv) == 2


def test_busy_exit_1(data_copy: Path, upload: Path, capsys: pytest.CaptureFixture[str]
                     ) -> None:
    with safe_files.writer_lock(data_copy):
        assert main(["import", str(upload), "--table", "export_volumes", "--data-dir",
                     str(data_copy), "--lang", "en"]) == 1
    assert "try again" in capsys.readouterr().err


def test_too_large_exit_1(data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                          ) -> None:
    monkeypatch.setattr(limits, "MAX_BYTES", 10)
    path = tmp_path / "big.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["import", str(path), "--table", "export_volumes", "--data-dir",
                 str(data_copy)]) == 1


def test_default_folder_is_zones_data_dir(data_copy: Path, upload: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONES_DATA_DIR", str(data_copy))
    assert main(["import", str(upload), "--table", "export_volumes"]) == 0
    assert len(store.history(data_copy)) == 1


def _unprivileged(run: Callable[[], int]) -> tuple[int, str]:
    """``run()`` with its exit code and what it printed, as a user the file permissions
    apply to: as root (always, in CI) in a forked child that drops to ``nobody`` first, as
    ``setpriv --reuid nobody`` would; otherwise right here."""
    if os.geteuid() != 0:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            return run(), out.getvalue()
    nobody = pwd.getpwnam("nobody")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code, text = 99, ""
        try:
            os.close(read_fd)
            os.setgroups([])
            os.setresgid(nobody.pw_gid, nobody.pw_gid, nobody.pw_gid)
            os.setresuid(nobody.pw_uid, nobody.pw_uid, nobody.pw_uid)
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                code = run()
            text = out.getvalue()
        except BaseException as exc:  # reported to the parent as text
            text = f"child failed: {exc!r}"
        finally:
            os.write(write_fd, json.dumps([code, text]).encode())
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        raw = pipe.read()
    os.waitpid(pid, 0)
    code, text = json.loads(raw)
    return code, text


@pytest.fixture
def shared_copy() -> Iterator[Path]:
    """A copy of data/ that ``nobody`` can reach (pytest's tmp_path is root's alone)."""
    root = Path(tempfile.mkdtemp(prefix="zones-readonly-"))
    try:
        root.chmod(0o755)
        shutil.copytree(DATA_DIR, root / "data")
        (root / "march.csv").write_text(GOOD, encoding="utf-8")
        yield root
    finally:
        for path in (root, *root.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(root)


def test_read_only_folder_exit_1_and_unchanged(shared_copy: Path) -> None:
    data = shared_copy / "data"
    args = ["import", str(shared_copy / "march.csv"), "--table", "export_volumes",
            "--data-dir", str(data), "--lang", "en"]
    before = files(data), sorted(p.name for p in data.rglob("*"))
    assert main([*args, "--dry-run"]) == 0  # the same import is fine where it may write
    data.chmod(0o555)
    code, out = _unprivileged(lambda: main(args))
    assert code == 1, out
    assert "cannot be written" in out
    assert (files(data), sorted(p.name for p in data.rglob("*"))) == before


def test_write_failure_is_reported_not_raised(data_copy: Path, upload: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = files(data_copy)

    def full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe_files, "replace_files", full)  # every file write, history too
    monkeypatch.setattr(store, "replace_files", full)
    assert main(["import", str(upload), "--table", "export_volumes", "--data-dir",
                 str(data_copy), "--lang", "en"]) == 1
    assert "No space left on device" in capsys.readouterr().out
    assert files(data_copy) == before
    assert not [p for p in (data_copy / "history").glob("*") if p.is_dir()]
