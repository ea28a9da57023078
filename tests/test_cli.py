"""The ``python -m zones`` dispatcher: exit codes are the contract scripts rely on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zones.cli.main import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("argv", "code"), [
    (["--help"], 0),
    ([], 2),
    (["no-such-command"], 2),
    (["validate", "--no-such-flag"], 2),
])
def test_usage_exit_codes(argv: list[str], code: int) -> None:
    assert main(argv) == code


def test_every_command_module_registers() -> None:
    parser = build_parser()
    names = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert "validate" in names
    assert len(names) >= len(COMMANDS)


def test_runs_as_a_module() -> None:
    result = subprocess.run([sys.executable, "-m", "zones", "validate"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
