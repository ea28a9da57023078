"""Every environment variable the code reads is documented in the README (datasette-style)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*ROOT.glob("zones/**/*.py"), ROOT / "app.py", *ROOT.glob("pages/*.py"),
           ROOT / "tests" / "conftest.py"]
USED = sorted({m for p in SOURCES for m in re.findall(r'"(ZONES_[A-Z_]+)"', p.read_text(
    encoding="utf-8"))})


def test_the_scan_finds_the_settings() -> None:
    assert {"ZONES_DATA_DIR", "ZONES_DATABASE_URL", "ZONES_ADMIN_PASSWORD"} <= set(USED)


@pytest.mark.parametrize("name", USED)
def test_every_setting_is_in_the_readme_settings_table(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    assert f"`{name}`" in table, f"{name} is read by the code but not documented in README"
