"""The backend protocol: one class per backend, one factory (``zones.backend.choose``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zones import backend
from zones.backend import FileBackend, PostgresBackend, Unavailable
from zones.intake.store import FileStore
from zones.runsheets.store import FileRunSheets

PROTOCOL = ("root", "is_database", "label", "version", "load", "store", "runsheets")


def test_the_files_backend_loads_versions_and_stores(data_copy: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(backend.URL_ENV, raising=False)
    chosen = backend.choose(data_dir=data_copy)
    assert isinstance(chosen, FileBackend) and not chosen.is_database
    assert all(hasattr(chosen, name) for name in PROTOCOL)
    assert chosen.label == str(data_copy)
    before = chosen.version()
    assert chosen.version() == before  # cheap and stable while nothing is written
    volumes = data_copy / "export_volumes.csv"
    volumes.write_bytes(volumes.read_bytes() + b"\n")
    os.utime(volumes, ns=(1, 1))
    assert chosen.version() != before  # any write shows in the version
    assert chosen.load().ok
    assert isinstance(chosen.store(), FileStore)
    assert isinstance(chosen.runsheets(), FileRunSheets)


def test_a_database_url_chooses_postgres_and_hides_its_password(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(backend.URL_ENV, raising=False)
    url = "postgresql+psycopg://zones:secret@127.0.0.1:1/nowhere"
    chosen = backend.choose(url=url, data_dir=tmp_path)
    assert isinstance(chosen, PostgresBackend) and chosen.is_database
    assert all(hasattr(chosen, name) for name in PROTOCOL)
    assert "secret" not in chosen.label and "nowhere" in chosen.label
    assert chosen.root == tmp_path
    monkeypatch.setenv(backend.URL_ENV, url)
    assert isinstance(backend.choose(data_dir=tmp_path), PostgresBackend)
    with pytest.raises(Unavailable) as err:  # nothing listens: said, not raised raw
        chosen.version()
    assert not err.value.result.ok and err.value.result.issues
