"""``python -m zones validate``: every problem as file:line:column: message; exit 0/1/2."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from zones.cli.main import main
from zones.dataset.validation import GROUP_LIMIT

ROOT = Path(__file__).resolve().parents[1]


def set_cells(path: Path, column: str, lines: range, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for line in lines:
        rows[line - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_valid_folder_exits_0(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--data-dir", str(data_copy), "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "Valid" in err


def test_each_problem_is_one_located_line(data_copy: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    set_cells(data_copy / "export_volumes.csv", "tonnes", range(2, 3), "abc")
    set_cells(data_copy / "zones.csv", "note_en", range(3, 4), "two\nlines")
    set_cells(data_copy / "zones.csv", "lat", range(5, 6), "999")
    (data_copy / "facts.csv").unlink()
    assert main(["validate", "--data-dir", str(data_copy), "--lang", "en"]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert "export_volumes.csv:2:tonnes: 'abc' is not a number" in lines
    assert "zones.csv:6:lat: '999' is above the maximum 90" in lines  # after a 2-line cell
    assert "facts.csv: File not found" in lines
    assert "problem(s)" in err


def test_collapsed_groups_are_printed_too(data_copy: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    set_cells(data_copy / "export_volumes.csv", "tonnes", range(2, 42), "x")
    assert main(["validate", "--data-dir", str(data_copy), "--lang", "en"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len([x for x in lines if x.endswith("'x' is not a number")]) == GROUP_LIMIT
    assert (f"export_volumes.csv:{2 + GROUP_LIMIT}:tonnes: … and {40 - GROUP_LIMIT} more rows"
            f" with the same problem (lines {2 + GROUP_LIMIT}–41)") in lines


def test_chinese_messages(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_cells(data_copy / "export_volumes.csv", "period", range(2, 3), "2099-01")
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("export_volumes.csv:2:period: “2099-01”不在允许的年份")


@pytest.mark.parametrize("argv", [
    ["validate", "--data-dir"],
    ["validate", "--no-such-option"],
    ["validate", "--lang", "fr"],
])
def test_usage_errors_exit_2(argv: list[str]) -> None:
    assert main(argv) == 2


def test_missing_folder_is_a_usage_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--data-dir", str(tmp_path / "nope"), "--lang", "en"]) == 2
    assert "not an existing folder" in capsys.readouterr().err


def test_as_a_command(data_copy: Path) -> None:
    set_cells(data_copy / "zones.csv", "products", range(2, 3), "poultry_meat;")
    proc = subprocess.run([sys.executable, "-m", "zones", "validate", "--data-dir",
                           str(data_copy), "--lang", "en"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "zones.csv:2:products: 'poultry_meat;' has an empty item (';' twice in a row, "
        "or at the start or end)"]
