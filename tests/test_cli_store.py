"""``python -m zones import | history | undo``: exit codes, messages, nothing written on 1."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from zones import safe_files
from zones.cli.main import main
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


def test_read_only_folder_exit_1_and_unchanged(data_copy: Path, upload: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    before = files(data_copy)
    data_copy.chmod(0o555)
    try:
        assert main(["import", str(upload), "--table", "export_volumes", "--data-dir",
                     str(data_copy), "--lang", "en"]) == 1
    finally:
        data_copy.chmod(0o755)
    assert "cannot be written" in capsys.readouterr().out
    assert files(data_copy) == before


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
