"""The test suite's own rules (GUIDE.md, issue 20), checked so a new test cannot slip past:
browser modules carry the ``browser`` marker, browser tests wait on conditions (never a
fixed sleep), and the README's command runs on parallel workers."""

from __future__ import annotations

import ast
import os
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWSER = ROOT / "tests" / "browser"
BROWSER_MODULES = sorted(BROWSER.glob("test_*.py"))
FIXED_WAITS = ("sleep", "wait_for_timeout")


def _marks(tree: ast.Module) -> list[str]:
    """The dotted names in the module-level ``pytestmark`` (a mark or a list of them)."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            values = node.value.elts if isinstance(node.value, ast.List) else [node.value]
            return [ast.unparse(v.func if isinstance(v, ast.Call) else v) for v in values]
    return []


def test_there_are_browser_modules() -> None:
    assert len(BROWSER_MODULES) >= 10, BROWSER_MODULES


@pytest.mark.parametrize("path", BROWSER_MODULES, ids=lambda p: p.name)
def test_browser_module_carries_the_browser_marker(path: Path) -> None:
    marks = _marks(ast.parse(path.read_text(encoding="utf-8")))
    assert "pytest.mark.browser" in marks, f"{path.name}: pytestmark = {marks}"


@pytest.mark.parametrize("path", [*BROWSER_MODULES, BROWSER / "conftest.py"],
                         ids=lambda p: p.name)
def test_browser_tests_never_sleep_a_fixed_time(path: Path) -> None:
    """Waits are on a condition (expect, wait_for_function, conftest.wait_quiet); the one
    sleep allowed is the poll interval inside ``conftest.poll_until``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "poll_until":
            allowed |= {n.lineno for n in ast.walk(node) if hasattr(n, "lineno")}
    waits = [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr in FIXED_WAITS and node.lineno not in allowed]
    assert not waits, f"fixed waits: {waits}"


def test_the_readme_command_runs_on_parallel_workers() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = options["tool"]["pytest"]["ini_options"]["addopts"]
    assert "-n" in addopts and addopts[addopts.index("-n") + 1] not in ("0", "1"), addopts
    assert addopts[addopts.index("--dist") + 1] == "loadgroup", addopts


def test_the_ci_profile_is_registered_and_chosen_by_ci() -> None:
    from hypothesis import settings

    ci = settings.get_profile("ci")
    assert ci.deadline is None and ci.max_examples < settings.get_profile("dev").max_examples
    chosen = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
    assert settings().max_examples == settings.get_profile(chosen).max_examples


@pytest.mark.xdist_group("suite-rules")
def test_a_grouped_test_runs_in_its_group(request: pytest.FixtureRequest) -> None:
    """Under ``--dist loadgroup`` a grouped test's id carries its group, which is what the
    scheduler sends to one worker; without it the groups are silently ignored (pytest 9 with
    pytest-xdist 3.8, tests/conftest.py)."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not under --dist loadgroup (e.g. -n0)")
    assert request.node.nodeid.endswith("@suite-rules")
