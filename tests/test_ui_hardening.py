"""The UI side of #10, with AppTest: the error page names the folder in use and renders
its table as text, hostile URL values are echoed as plain text and then removed from the
address, and SOURCES.md comes from the data folder in use, without live links."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from zones.dataset.loading import DATA_DIR_ENV, CsvSource, load
from zones.i18n import t
from zones.safe import JOINER, plain
from zones.ui import issue_table

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def unescaped(markdown: str) -> str:
    return markdown.replace("\\", "").replace(JOINER, "")


@pytest.fixture
def broken(data_copy: Path) -> Path:
    path = data_copy / "zones.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",provincial,", ",prov,", 1),
                    encoding="utf-8")
    (data_copy / "facts.csv").unlink()
    return data_copy


def test_error_page_names_the_data_folder(broken: Path, monkeypatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(broken))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.error[0].value == t("err.page_title", "en")
    assert any(str(broken) in unescaped(m.value) for m in at.markdown)
    assert not any("files in data/" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert {"zones.csv", "facts.csv"} <= set(table["File"])


def test_issue_table_is_text_that_arrow_takes_as_is(broken: Path) -> None:
    """A blank line number beside numbers made Arrow log a traceback on every render."""
    table = issue_table(load(CsvSource(broken)), "zh")
    assert all(str(dtype) == "string" for dtype in table.dtypes)
    arrow = pa.Table.from_pandas(table)
    assert all(pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
               for f in arrow.schema)
    assert "" in table[t("err.col.line", "zh")].tolist()  # facts.csv: no line


@pytest.mark.parametrize("value", ["[Session expired](https://phish.example/login)",
                                   "\n# OFFICIAL: data withdrawn", "![t](http://203.0.113.9/p)"])
def test_hostile_url_value_is_text_and_leaves_the_address(value: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["notice"] = value
    at.run()
    assert not at.exception
    expected = t("url.dropped", "en", items=plain(f"notice={value}"))
    assert [w.value for w in at.warning if w.value.startswith("Some values")] == [expected]
    assert "notice" not in at.query_params
    at.run()  # the next rerun (e.g. any click) does not bring the warning back
    assert not [w.value for w in at.warning if w.value.startswith("Some values")]


def test_sources_come_from_the_data_folder_in_use(data_copy: Path, monkeypatch) -> None:
    (data_copy / "SOURCES.md").write_text(
        "# Officer's sources\n\nSee [the portal](https://phish.example) "
        "![x](http://203.0.113.9/p.png)\n", encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV, str(data_copy))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    docs = [m.value for m in at.markdown if "Officer" in m.value]
    assert docs, [m.value[:60] for m in at.markdown]
    assert "](" not in docs[0]  # neither link nor image syntax survives
    assert "https://phish.example" in unescaped(docs[0])  # the address, as text
