"""Run-sheets on the command line (#16): ``brief --runsheet`` decks, ``validate`` of
``runsheets/``, and the PostgreSQL store."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from zones.runsheets import sheet as rs
from zones.sql.runsheets import SqlRunSheets

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "runsheets" / "provincial-briefing.toml"
BROKEN = ('title = "坏的汇报"\n[[steps]]\ntitle = "好"\nview = "/zones"\n'
          '[[steps]]\ntitle = "坏"\nview = "/volumes?product=durian"\n'
          '[[steps]]\nview = "/"\n')


def zones_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "zones", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=600,
                          env={**os.environ, **(env or {})})


def _slides(path: Path) -> list[tuple[list[str], str]]:
    from pptx import Presentation

    out = []
    for slide in Presentation(str(path)).slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        out.append((texts, slide.notes_slide.notes_text_frame.text))
    return out


@pytest.mark.skipif(shutil.which("fc-list") is None and not Path(
    "/usr/share/fonts/opentype/noto").exists(), reason="needs a CJK font (fonts-noto-cjk)")
def test_brief_runsheet_pptx_has_title_step_titles_and_speaker_notes(tmp_path):
    out = tmp_path / "deck.pptx"
    result = zones_cli("brief", "--runsheet", "provincial-briefing", "--format", "pptx",
                       "--out", str(out), "--date", "2026-12-03")
    assert result.returncode == 0, result.stderr
    sheet = rs.read(None, EXAMPLE.read_bytes(), "x", "provincial-briefing").sheet
    assert sheet is not None
    slides = _slides(out)
    assert sheet.title in slides[0][0]  # the title slide carries the run-sheet's title
    for step in sheet.steps:
        own = [(texts, notes) for texts, notes in slides if step.title in texts]
        assert own, f"no slide titled {step.title!r}"
        assert own[0][1].startswith(step.notes)  # speaker notes, on the step's first slide
        assert not any(step.notes in notes for _, notes in own[1:])  # and only there (#22)
    by_title = {step.title: [texts for texts, _ in slides if step.title in texts]
                for step in sheet.steps}
    # each step brings its view's charts and maps: the zone map for the zones step, the
    # first-export map for the destinations step, the four volume charts for volumes
    assert len(by_title["德惠禽肉示范区"]) == 1
    assert any("首次出口" in " ".join(x) for x in by_title["五个首次出口"])
    assert len(by_title["人参出口走势（示意）"]) == 4
    assert any("日本" in " ".join(x) for x in by_title["五个首次出口"])  # its own filter


def test_brief_runsheet_from_a_file_in_english_pdf(tmp_path):
    path = tmp_path / "visit.toml"
    path.write_text('title = "Delegation visit"\n[[steps]]\ntitle = "Japan"\n'
                    'view = "/destinations?dest=JPN"\nnotes = "radish"\n', encoding="utf-8")
    result = zones_cli("brief", "--runsheet", str(path), "--format", "pdf", "--lang", "en",
                       "--out", str(tmp_path), "--date", "2026-12-03")
    assert result.returncode == 0, result.stderr
    written = Path(result.stdout.strip())
    assert written.name == "Jilin-zones-briefing_visit_2026-12-03.pdf"
    assert written.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_broken_runsheet_prints_file_step_message_and_exits_1(tmp_path, lang):
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "deck.pptx"
    result = zones_cli("brief", "--runsheet", str(path), "--out", str(out), "--lang", lang)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{path}:step 2: ") and "durian" in lines[0]
    assert lines[1].startswith(f"{path}:step 3: ") and "title" in lines[1]
    assert not out.exists()
    assert "Traceback" not in result.stderr


def test_brief_runsheet_usage_errors(tmp_path):
    result = zones_cli("brief", "--runsheet", "no-such-sheet", "--out", str(tmp_path))
    assert result.returncode == 2 and "no-such-sheet" in result.stderr
    result = zones_cli("brief", "--runsheet", "provincial-briefing", "--product", "ginseng",
                       "--out", str(tmp_path), "--lang", "en")
    assert result.returncode == 2 and "--runsheet cannot be combined" in result.stderr
    garbage = tmp_path / "garbage.toml"
    garbage.write_bytes(b"title = \xff\n")
    result = zones_cli("brief", "--runsheet", str(garbage), "--out", str(tmp_path),
                       "--lang", "en")
    assert result.returncode == 1
    assert result.stderr.startswith(f"{garbage}: Not UTF-8 (line 1, byte 9)")


def test_validate_checks_runsheets(data_copy):
    result = zones_cli("validate", "--data-dir", str(data_copy), "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Run-sheets: 1 file(s), no problems" in result.stderr
    (data_copy / "runsheets" / "broken.toml").write_text(BROKEN, encoding="utf-8")
    (data_copy / "runsheets" / "Bad Name.toml").write_text(
        EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = zones_cli("validate", "--data-dir", str(data_copy), "--lang", "en")
    assert result.returncode == 1
    out = result.stdout.splitlines()
    assert "runsheets/Bad Name.toml: The run-sheet id 'Bad Name' is not valid" in out[0]
    assert [x for x in out if x.startswith("runsheets/broken.toml:step 2: ")]
    assert [x for x in out if x.startswith("runsheets/broken.toml:step 3: ")]


def test_postgres_store_saves_reads_lists_and_deletes(pg_server, dataset):
    from zones.sql.schema import engine_from_url

    engine = engine_from_url(pg_server.createdb("runsheets"))
    store = SqlRunSheets(engine)
    assert store.ids() == [] and store.read("x") is None  # no table yet: nothing, no error
    data = EXAMPLE.read_bytes()
    store.save("provincial-briefing", data, user="test")
    store.save("second", b'title = "b"\n')
    store.save("second", data)  # replaced
    assert store.ids() == ["provincial-briefing", "second"]
    assert store.read("second") == data
    assert rs.read(dataset, store.read("provincial-briefing") or b"",
                   store.file_name("provincial-briefing"), "provincial-briefing").ok
    from zones.runsheets.store import RunSheetError

    with pytest.raises(RunSheetError):
        store.save("Not Valid", data)
    # the schema refuses what the app would, even written around it
    import sqlalchemy as sa

    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO zones_runsheets (id, body) VALUES ('../x', 'a')"))
    assert store.delete("second") and not store.delete("second")
    assert store.ids() == ["provincial-briefing"]
    engine.dispose()


def test_brief_runsheet_reads_the_database_store(sql_url, tmp_path):
    from zones.sql.schema import engine_from_url

    engine = engine_from_url(sql_url)
    SqlRunSheets(engine).save("from-db", b'title = "DB"\n[[steps]]\ntitle = "x"\n'
                              b'view = "/volumes?product=nothing"\n')
    engine.dispose()
    result = zones_cli("brief", "--runsheet", "from-db", "--url", sql_url, "--out",
                       str(tmp_path), "--lang", "en")
    assert result.returncode == 1
    assert result.stderr.startswith("runsheets/from-db.toml:step 1: ")
    assert "nothing" in result.stderr
