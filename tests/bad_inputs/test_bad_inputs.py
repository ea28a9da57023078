"""Every case of the bad-input corpus (``corpus.py``): no exception, no hang, a located
refusal (the right file, line, column and code first, quoting the value as written), no
flood of follow-on messages, and the folder byte-identical afterwards."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import pytest
from corpus import CASES, OK, Case

from zones.dataset.loading import DATA_DIR, CsvSource, LoadResult, load
from zones.dataset.validation import GROUP_LIMIT

TIMEOUT_S = 120.0  # generous: the 50 MB case on a loaded 2-core machine
REPR_NOISE = ("<NA>", "nan", "None", "NaT", "{", "}", "dtype", "Series", "object at",
              "Traceback")


def fingerprint(root: Path) -> dict[str, str]:
    """Hash of every regular file and the kind of everything else (never opens a FIFO)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = "symlink:" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir" if p.is_dir() else "special"
    return out


def load_with_timeout(root: Path, env: dict[str, str]) -> LoadResult:
    """``load`` in a daemon thread: a hang fails this case, not the whole suite."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["result"] = load(CsvSource(root))
        except BaseException as exc:  # reported below as the failure
            box["error"] = exc

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(TIMEOUT_S)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert not worker.is_alive(), f"load() did not return within {TIMEOUT_S:.0f} s"
    assert "error" not in box, f"load() raised {box.get('error')!r}"
    result = box["result"]
    assert isinstance(result, LoadResult)
    return result


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(DATA_DIR, dest, ignore=shutil.ignore_patterns("history", "*.lock"))
    return dest


def test_the_corpus_is_big_enough() -> None:
    refusals = [c for c in CASES if c.expected != OK]
    assert len(CASES) >= 60
    assert len(refusals) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
def test_bad_input(folder: Path, case: Case) -> None:
    env = case.mutate(folder) or {}
    before = fingerprint(folder)
    result = load_with_timeout(folder, env)
    assert fingerprint(folder) == before, "loading changed the data folder"
    found = [(i.file, i.line, i.column, i.code) for i in result.issues]
    if case.expected == OK:
        assert result.ok, found
        return
    assert not result.ok
    assert result.dataset is None
    assert found, "refused without saying why"
    assert found[0] == case.expected, found[:5]
    # one root cause, one message: no flood (collapsed groups count as two lines), and no
    # follow-on complaints about other files that only refer to the broken one
    assert len(found) <= 2 * GROUP_LIMIT + 2, found[: 2 * GROUP_LIMIT + 3]
    assert {f for f, *_ in found} == {case.expected[0]}, found[:5]
    first = result.issues[0]
    for lang in ("zh", "en"):
        text = first.message(lang)
        assert text.strip() and f"err.{first.code}" not in text, text
        assert not any(noise in text for noise in REPR_NOISE), text
        if case.quoted is not None:
            assert case.quoted in text, text
    assert first.message("zh") != first.message("en")
    if case.quoted is not None:
        assert first.value == case.quoted


def test_huge_duplicates_are_collapsed(folder: Path) -> None:
    """The 50 MB file of one pasted row: a few lines and a count, not 800,000 issues."""
    case = next(c for c in CASES if c.name == "huge_file_of_duplicates_50mb")
    case.mutate(folder)
    result = load_with_timeout(folder, {})
    more = [i for i in result.issues if i.code == "more_same"]
    assert len(more) == 1
    shown = [i for i in result.issues if i.code == "duplicate_key"]
    assert len(shown) == GROUP_LIMIT
    rows = sum(1 for _ in (folder / "export_volumes.csv").open("rb")) - 1
    assert int(more[0].params["count_zh"]) == rows - GROUP_LIMIT
    assert f"{rows - GROUP_LIMIT:,}" in more[0].message("en")
    assert str(rows - GROUP_LIMIT) in more[0].message("zh")
    assert more[0].line == shown[-1].line + 1
