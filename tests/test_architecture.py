"""The shape of ``zones/`` (issue 15): layers that point one way, modules of one size.

The import-linter contracts live in ``pyproject.toml`` ([tool.importlinter]); they run here,
so the README's test command (and CI) fails on a layer violation. A copy of the package with
a deliberate violation proves that the contracts can fail.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ZONES = ROOT / "zones"
LINT = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 600  # the string catalogue (i18n.py) is the one exception
MAX_FUNCTION_LINES = 80
MODULES = sorted(ZONES.rglob("*.py"))


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT.exists():
        pytest.fail(f"{LINT} is missing: install requirements-dev.txt (import-linter)")
    return subprocess.run([str(LINT), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    for contract in ("Layers point one way", "Only the ui package imports Streamlit",
                     "No cycles between the modules of a package"):
        assert contract in result.stdout


VIOLATIONS = [
    # (file, line added, the contract that must break)
    ("dataset/loading.py", "from zones.charts import maps  # noqa", "Layers point one way"),
    ("intake/planning.py", "import zones.sql.read  # noqa", "Layers point one way"),
    ("metrics.py", "import streamlit  # noqa", "Only the ui package imports Streamlit"),
    ("ui/options.py", "def _f():\n    import zones.ui.sidebar  # noqa", "No cycles"),
]


@pytest.mark.parametrize(("path", "line", "contract"), VIOLATIONS,
                         ids=[v[0] for v in VIOLATIONS])
def test_a_deliberate_violation_breaks_its_contract(tmp_path: Path, path: str, line: str,
                                                    contract: str) -> None:
    """The same contracts over a copy of the package with one bad import (inside a function
    too: those count)."""
    shutil.copytree(ZONES, tmp_path / "zones", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "zones" / path
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0, result.stdout[-3000:]
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout[-3000:]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ZONES)))
def test_modules_stay_small(path: Path) -> None:
    if path.name == "i18n.py":
        return
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)}: {lines} lines: split it"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ZONES)))
def test_functions_do_one_step(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.relative_to(ROOT)}: {', '.join(long)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ZONES)))
def test_no_private_name_is_imported_from_another_module(path: Path) -> None:
    """A leading underscore means "this module's own": another module that needs it gets a
    public name (sql/store.py imported six private helpers of sql.py)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [f"{node.module}.{alias.name}" for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("zones")
               for alias in node.names
               if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not private, f"{path.relative_to(ROOT)} imports {private}"


def test_one_place_reads_the_database_setting() -> None:
    """Files or database is decided in zones/backend/choice.py alone (issue 15)."""
    readers = [p.relative_to(ROOT) for p in MODULES
               if '"ZONES_DATABASE_URL"' in p.read_text(encoding="utf-8")]
    assert readers == [Path("zones/backend/choice.py")]


def test_one_anchor_for_the_checkout() -> None:
    anchors = [p.relative_to(ROOT) for p in MODULES
               if "Path(__file__)" in p.read_text(encoding="utf-8")]
    assert anchors == [Path("zones/paths.py")]


def test_validate_loads_no_charting_ui_or_database_stack() -> None:
    """``python -m zones validate`` on an intranet server is a data check: it must not pay
    for (or depend on) Altair, Streamlit or SQLAlchemy."""
    code = ("import sys\nfrom zones.cli.main import main\nrc = main(['validate'])\n"
            "print(rc, sorted(m for m in ('altair', 'streamlit', 'sqlalchemy', 'pptx')"
            " if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stdout + result.stderr


# Pages and the router sit above zones.ui: they draw with it and read zones' figures, but
# never reach the database, the backend choice or the command line themselves.
PAGE_FILES = [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]
FORBIDDEN_IN_PAGES = ("zones.sql", "zones.backend", "zones.cli")


def _forbidden_imports(source: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        else:
            continue
        found += [n for n in names
                  if any(n == f or n.startswith(f + ".") for f in FORBIDDEN_IN_PAGES)]
    return found


@pytest.mark.parametrize("path", PAGE_FILES, ids=[p.name for p in PAGE_FILES])
def test_pages_and_the_router_keep_the_layers(path: Path) -> None:
    assert _forbidden_imports(path.read_text(encoding="utf-8")) == []


def test_the_page_check_catches_a_page_that_reads_the_database() -> None:
    assert _forbidden_imports("def f():\n    from zones.sql.read import load_sql\n")
    assert _forbidden_imports("from zones import sql\n") == ["zones.sql"]
    assert _forbidden_imports("import zones.backend\n")
    assert _forbidden_imports("from zones.ui import header\n") == []
