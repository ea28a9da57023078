"""The Data page's "Update data" part through AppTest: hidden for viewers, the full flow for
an admin (login → upload → mapping + preview or problems → apply → undo)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from zones import ui
from zones.i18n import t
from zones.intake import planning, store
from zones.ui import admin as ui_admin

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
VOL = "period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
GOOD = (VOL + "2013-01,dehui-poultry,poultry_meat,JPN,100,200000,5\n").encode()
BAD = (VOL + "2013-01,dehui-poultry,poultry_meat,XXX,100,200000,5\n").encode()
PASSWORD = "correct horse"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def files(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.glob("*.csv")}


def open_data(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if lang == "en":
        at.query_params["lang"] = "English"
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page with ``column`` (AppTest frames carry no key)."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with {column!r}")


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


@pytest.fixture
def folder(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZONES_DATA_DIR", str(data_copy))
    monkeypatch.delenv(ui.ADMIN_ENV, raising=False)
    ui_admin._FAILED_LOGINS["n"] = 0
    return data_copy


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_viewers_never_see_the_editing_part(folder: Path, lang: str) -> None:
    at = open_data(lang)
    assert t("import.title", lang) not in subheaders(at)
    assert t("import.history", lang) in subheaders(at)
    # The sidebar's briefing title is every viewer's (exports); the editing part is the main area's.
    assert not at.main.file_uploader and not at.main.text_input
    assert t("import.apply", lang) not in [b.label for b in at.button]


def login(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    at.button[0].click()  # the form's submit button comes first on the page
    at.run()
    return at


def test_wrong_password_keeps_the_part_closed(folder: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.setenv(ui.ADMIN_ENV, PASSWORD)
    at = open_data("en")
    assert t("import.title", "en") in subheaders(at)
    login(at, "guess")
    assert t("import.wrong_password", "en") in [e.value for e in at.error]
    assert not at.file_uploader
    assert ui_admin._FAILED_LOGINS["n"] == 1


def test_admin_import_preview_apply_undo(folder: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.setenv(ui.ADMIN_ENV, PASSWORD)
    before = files(folder)
    at = login(open_data("en"), PASSWORD)
    assert not at.exception
    assert at.file_uploader, "the upload appears after the login"
    at.selectbox(key="import_table").set_value("export_volumes")
    at.run()
    at.file_uploader[0].set_value(("march.csv", GOOD, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = {m.label: m.value for m in at.metric}
    assert labels[t("import.added", "en")] == "1"
    sums = frame_with(at, t("import.col.before", "en"))
    assert sums.iloc[0].tolist()[1:] == ["347,159.2", "347,259.2"]
    assert files(folder) == before  # preview writes nothing
    at.button(key="import_apply").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Applied" in s.value for s in at.success)
    assert store.history(folder)[0].file_name == "march.csv"
    hist = frame_with(at, t("hist.file", "en"))
    assert hist.iloc[0][t("hist.file", "en")] == "march.csv"
    at.button(key="import_undo").click()
    at.run()
    assert not at.exception
    assert files(folder) == {k: v for k, v in before.items()}


def test_admin_problems_table_and_nothing_written(folder: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ui.ADMIN_ENV, PASSWORD)
    before = files(folder)
    at = login(open_data("zh"), PASSWORD)
    at.selectbox(key="import_table").set_value("export_volumes")
    at.run()
    at.file_uploader[0].set_value(("bad.csv", BAD, "text/csv"))
    at.run()
    assert not at.exception
    problems = frame_with(at, t("err.col.message", "zh"))
    row = problems.iloc[0]
    assert (row[t("err.col.file", "zh")], row[t("err.col.line", "zh")],
            row[t("err.col.column", "zh")]) == ("bad.csv", 2, "destination_iso3")
    assert not [b for b in at.button if b.key == "import_apply"]
    assert files(folder) == before


def test_another_process_import_shows_on_the_next_rerun(folder: Path) -> None:
    """The cached dataset is keyed on the files' fingerprint, not cleared by the writer."""
    at = open_data("en")
    assert not any("2013" in i.value for i in at.info)
    from zones.dataset.loading import CsvSource, load
    from zones.intake.pipeline import parse_upload

    ds = load(CsvSource(folder)).dataset
    assert ds is not None
    store.apply(planning.plan_import(parse_upload(GOOD, "other.csv", "export_volumes", ds),
                                  "upsert", folder, "someone else"))
    at.run()
    assert not at.exception
    # The summary is rendered as plain text (zones.safe.plain escapes its punctuation).
    assert any("2008-01–2013-01" in i.value.replace("\\", "") for i in at.info), [
        i.value for i in at.info]
    assert frame_with(at, t("hist.file", "en")).iloc[0][t("hist.file", "en")] == "other.csv"


def test_table_choice_survives_a_page_switch(folder: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.setenv(ui.ADMIN_ENV, PASSWORD)
    at = login(open_data("en"), PASSWORD)
    at.selectbox(key="import_table").set_value("export_volumes")
    at.radio(key="import_mode").set_value("replace")
    at.run()
    at.switch_page("pages/overview.py")
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="import_table").value == "export_volumes"
    assert at.radio(key="import_mode").value == "replace"
