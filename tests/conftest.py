"""Shared fixtures: the bundled dataset (loaded once) and a scratch copy of ``data/``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zones.loading import DATA_DIR, CsvSource, load
from zones.model import Dataset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    result = load(CsvSource())
    assert result.ok, [(i.file, i.line, i.column, i.code) for i in result.issues]
    assert result.dataset is not None
    return result.dataset


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of ``data/`` (with ``data/geo/``) to corrupt one file at a time."""
    dest = tmp_path / "data"
    shutil.copytree(DATA_DIR, dest)
    return dest
