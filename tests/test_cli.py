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


# -- help and argparse's own words in the chosen language (#23) ---------------------------

HAN = r"[\u4e00-\u9fff]"
# What may stay Latin in the Chinese help: the program, commands, flags, metavars, choices,
# file formats and example values (none of them a word to translate).
CODE = (r"(?:SQLAlchemy|PostgreSQL|postgresql\S*|streamlit run|streamlit_args|app\.py|"
        r"--?[a-z][a-z0-9.-]*|\$[A-Z_]+|[A-Z][A-Z0-9_|.:-]+|python|zones|streamlit|pptx|docx|"
        r"pdf|images|data|csv|xlsx|png|svg|zip|toml|upsert|replace|export_volumes|cnmaps|"
        r"validate|import|history|undo|brief|serve|sql-load|zh|en|product|destination|zone|"
        r"products|destinations|tonnes|value_usd|consignments|yearly|monthly|runsheets|"
        r"database|file|command|overview|volumes)")


def _help(argv: list[str], capsys: pytest.CaptureFixture[str], env: dict[str, str],
          monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("command", [[], ["validate"], ["import"], ["history"], ["undo"],
                                     ["brief"], ["serve"], ["sql-load"]])
def test_help_speaks_chinese_with_a_chinese_locale_and_english_with_lang_en(
        command: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    code, zh = _help([*command, "--help"], capsys, {"LANG": "zh_CN.UTF-8"}, monkeypatch)
    assert code == 0 and "用法：" in zh and "显示此帮助并退出" in zh
    words = set(re.findall(r"[A-Za-z][A-Za-z_'-]+", re.sub(CODE, " ", zh)))
    assert not words, f"English in the Chinese help of {command}: {sorted(words)}"
    code, en = _help([*command, "--help", "--lang", "en"], capsys, {"LANG": "zh_CN.UTF-8"},
                     monkeypatch)
    assert code == 0 and en.startswith("usage: ") and "show this help message" in en
    assert not re.search(HAN, en), f"Chinese in the English help of {command}"


def test_the_language_comes_from_lang_then_the_locale_then_chinese() -> None:
    from zones.cli.common import chosen_lang

    assert chosen_lang(["brief", "--lang", "en"], {"LANG": "zh_CN.UTF-8"}) == "en"
    assert chosen_lang(["brief", "--lang=zh"], {"LANG": "en_US.UTF-8"}) == "zh"
    assert chosen_lang(["brief"], {"LANG": "en_US.UTF-8"}) == "en"
    assert chosen_lang(["brief"], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US"}) == "zh"
    assert chosen_lang(["brief"], {"LANG": "C.UTF-8"}) == "zh"
    assert chosen_lang([], {}) == "zh"


def test_usage_errors_are_said_in_the_chosen_language(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    before = argparse.__dict__["_"]
    code, zh = _help(["validate", "--no-such-flag"], capsys, {"LANG": "zh_CN.UTF-8"},
                     monkeypatch)
    assert code == 2 and "错误：无法识别的参数：--no-such-flag" in zh, zh
    code, en = _help(["import", "--lang", "en"], capsys, {}, monkeypatch)
    assert code == 2 and "error: the following arguments are required: file, --table" in en
    assert argparse.__dict__["_"] is before  # argparse is put back as it was
