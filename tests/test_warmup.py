"""The warm-up of ``python -m zones serve`` (issue 8): it does a first visit's one-off
work in the server's process, and it never breaks the server, whatever the data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from zones import ui
from zones.charts import specs
from zones.cli import serve as cli_serve
from zones.dataset.loading import DATA_DIR_ENV
from zones.i18n import LANGS, t
from zones.ui import warmup

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def broken(data_copy: Path) -> Path:
    path = data_copy / "zones.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",provincial,", ",prov,", 1),
                    encoding="utf-8")
    return data_copy


def test_warm_up_loads_the_bundled_data_and_builds_the_landing_charts() -> None:
    specs._TEMPLATES.clear()
    assert ui.warm_up() is True
    kinds = {(key[0], key[2]) for key in specs._TEMPLATES if key[0] == "jilin"}
    assert kinds == {("jilin", lang) for lang in LANGS}
    assert any(key[0] == "timeseries" for key in specs._TEMPLATES)
    result = ui.load_data()  # the page's call is now a cache hit on the same object
    assert result.ok and result is ui.load_data()


def test_warm_up_on_a_broken_folder_returns_false_and_the_page_says_why(
        broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(broken))
    assert ui.warm_up() is False
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.error[0].value == t("err.page_title", "en")


@pytest.mark.parametrize("error", [OSError("disk"), ValueError("bad"), KeyError("x")])
def test_warm_up_swallows_any_failure(error: Exception,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> None:
        raise error

    monkeypatch.setattr(warmup, "load_data", fail)
    assert ui.warm_up() is False


def test_serve_warm_thread_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> bool:
        raise RuntimeError("broken install")

    monkeypatch.setattr(ui, "warm_up", fail)
    assert cli_serve._warm() is False
    thread = cli_serve.warm_before_serving(wait_s=30)
    assert not thread.is_alive() and thread.daemon


def test_serve_warms_up_before_the_server_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.web import cli as stcli

    calls: list[str] = []
    monkeypatch.setattr(sys, "argv", list(sys.argv))  # run() sets streamlit's argv
    monkeypatch.setattr(cli_serve, "warm_before_serving", lambda: calls.append("warm"))
    monkeypatch.setattr(stcli, "main", lambda: calls.append("serve"))
    assert cli_serve.run(argparse.Namespace(streamlit_args=["--", "--server.port", "1"])) == 0
    assert calls == ["warm", "serve"]


def test_warm_up_leaves_the_pages_folder_flag_to_the_first_run() -> None:
    """Setting it early made a deep link (/zones) on a fresh server a "Page not found"."""
    from streamlit.runtime.pages_manager import PagesManager

    saved = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = None
    try:
        ui.warm_up()
        assert PagesManager.uses_pages_directory is None
    finally:
        PagesManager.uses_pages_directory = saved
