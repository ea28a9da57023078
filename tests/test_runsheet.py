"""Run-sheets (#16): the parser, the checker against the data, the writer, the file store."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from zones import safe_files
from zones.runsheets import sheet as rs
from zones.runsheets.store import FileRunSheets, RunSheetError

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "runsheets" / "provincial-briefing.toml"
GOOD = """title = "向省领导汇报"
[[steps]]
title = "人参出口走势"
view = "/volumes?product=ginseng"
notes = "要点：……"
[[steps]]
title = "日本市场"
view = "/destinations?dest=JPN&lang=en"
"""


def _read(ds, text: str | bytes, rid: str = "brief") -> rs.Checked:
    data = text.encode() if isinstance(text, str) else text
    return rs.read(ds, data, f"runsheets/{rid}.toml", rid)


def _texts(checked: rs.Checked, lang: str = "en") -> list[str]:
    return [p.text(lang) for p in checked.problems]


def test_good_sheet_resolves_every_step_to_canonical_ids(dataset):
    checked = _read(dataset, GOOD)
    assert checked.ok, _texts(checked)
    assert checked.sheet is not None and checked.sheet.title == "向省领导汇报"
    first, second = checked.steps
    assert (first.page, first.params) == ("volumes", {"product": ["ginseng"]})
    assert first.step.notes == "要点：……"
    assert (second.page, second.params) == ("destinations", {"lang": "en", "dest": ["JPN"]})
    assert second.step.notes == ""


def test_names_and_bilingual_labels_resolve_like_ids(dataset):
    text = GOOD.replace("product=ginseng", "product=人参").replace("dest=JPN", "dest=日本+Japan")
    checked = _read(dataset, text)
    assert checked.ok, _texts(checked)
    assert checked.steps[0].params == {"product": ["ginseng"]}
    assert checked.steps[1].params["dest"] == ["JPN"]


def test_the_bundled_example_is_valid(dataset):
    checked = rs.read(dataset, EXAMPLE.read_bytes(), "runsheets/provincial-briefing.toml",
                      "provincial-briefing")
    assert checked.ok, _texts(checked)
    assert 2 <= len(checked.steps) <= 4
    assert {s.page for s in checked.steps} <= {"overview", "zones", "destinations", "volumes"}


@pytest.mark.parametrize("text, expected", [
    ('title = "x"\n[[steps]\ntitle = "a"', "runsheets/brief.toml: Not valid TOML"),
    ('title = "x"\n[[steps]]\ntitle = "a"\nview = "/volumes"\nview = "/zones"\n',
     "runsheets/brief.toml: Not valid TOML"),
    ('[[steps]]\ntitle = "a"\nview = "/"\n', "runsheets/brief.toml: The title is missing"),
    ('title = "  "\n[[steps]]\ntitle = "a"\nview = "/"\n',
     "runsheets/brief.toml: The title is missing"),
    ('title = "x"\n', "runsheets/brief.toml: No steps"),
    ('title = "x"\nsteps = "a"\n', "runsheets/brief.toml: steps must be written"),
    ('title = "x"\nauthor = "me"\n[[steps]]\ntitle = "a"\nview = "/"\n',
     "runsheets/brief.toml: Unknown key 'author'"),
    ('title = "x"\n[[steps]]\nview = "/"\n',
     "runsheets/brief.toml:step 1: title = \"...\" is missing"),
    ('title = "x"\n[[steps]]\ntitle = "a"\n',
     "runsheets/brief.toml:step 1: view = \"...\" is missing"),
    ('title = "x"\n[[steps]]\ntitle = "a"\nview = 3\n',
     "runsheets/brief.toml:step 1: view must be quoted text, not '3'"),
    ('title = "x"\n[[steps]]\ntitle = "a"\nview = "https://evil.example/volumes"\n',
     "runsheets/brief.toml:step 1: view must be a link within the app"),
    ('title = "x"\n[[steps]]\ntitle = "a"\nview = "/?runsheet=other&step=2"\n',
     "runsheets/brief.toml:step 1: view '/?runsheet=other&step=2': a step's view cannot"),
    ('title = "x"\n[[steps]]\ntitle = "a"\nview = "/"\nspeaker = "b"\n',
     "runsheets/brief.toml:step 1: Unknown key 'speaker'"),
])
def test_malformed_files_give_located_messages(dataset, text, expected):
    checked = _read(dataset, text)
    assert not checked.ok
    assert any(m.startswith(expected) for m in _texts(checked)), _texts(checked)


@pytest.mark.parametrize("view, key, value", [
    ("/nowhere", "page", "nowhere"),
    ("/volumes?product=durian", "product", "durian"),
    ("/destinations?dest=XXX", "dest", "XXX"),
    ("/zones?profile=no-such-zone", "profile", "no-such-zone"),
    ("/volumes?measure=litres", "measure", "litres"),
    ("/?colour=red", "colour", "red"),
    ("/?lang=fr", "lang", "fr"),
])
def test_unknown_page_id_or_value_names_step_and_value_and_keeps_other_steps(
        dataset, view, key, value):
    text = ('title = "x"\n[[steps]]\ntitle = "ok"\nview = "/volumes?product=ginseng"\n'
            f'[[steps]]\ntitle = "bad"\nview = "{view}"\n'
            '[[steps]]\ntitle = "ok too"\nview = "/zones"\n')
    checked = _read(dataset, text)
    assert [s.ok for s in checked.steps] == [True, False, True]
    assert {p.step for p in checked.problems} == {2}
    for lang in ("zh", "en"):
        line = checked.problems[0].text(lang)
        assert line.startswith("runsheets/brief.toml:step 2: ")
        assert value in line and (key in line or key == "page")
    assert checked.problems[0].message["zh"] != checked.problems[0].message["en"]


def test_a_bad_id_is_reported_for_the_file(dataset):
    checked = _read(dataset, GOOD, rid="Bad_Name")
    assert _texts(checked)[0].startswith("runsheets/Bad_Name.toml: The run-sheet id 'Bad_Name'")
    assert all(s.ok for s in checked.steps)  # the steps themselves still work


@pytest.mark.parametrize("rid", ["a", "q1-2026", "x" * 64])
def test_valid_ids(rid):
    assert rs.valid_id(rid)


@pytest.mark.parametrize("rid", ["", "-a", "a-", "A", "a_b", "a b", "../x", "x" * 65, "日本"])
def test_invalid_ids(rid):
    assert not rs.valid_id(rid)


def test_non_utf8_file_says_where(dataset):
    data = GOOD.encode("gbk")
    checked = _read(dataset, data)
    assert checked.sheet is None
    assert _texts(checked) == ["runsheets/brief.toml: Not UTF-8 (line 1, byte 10); "
                               "save the file as UTF-8"]
    assert "不是 UTF-8 编码" in checked.problems[0].text("zh")


def test_bom_is_accepted_and_huge_files_refused(dataset):
    assert _read(dataset, b"\xef\xbb\xbf" + GOOD.encode()).ok
    huge = _read(dataset, b"#" * (rs.MAX_BYTES + 1))
    assert huge.sheet is None and "too large" in _texts(huge)[0]


def test_read_never_raises_on_garbage(dataset):
    for data in (b"\x00\xff\xfe", b"[[steps]]\n" * 500, b"title = [1, 2]", b"= = ="):
        checked = _read(dataset, data)
        assert not checked.ok and checked.problems


def test_writer_round_trips_awkward_text():
    tricky = ('quotes " and """ and \\ backslash', "tab\there", "ctl\x01x", "中文 · 日本市场",
              "line one\nline two\n\n  indented", 'ends with quote"', "'single'", "#hash")
    steps = tuple(rs.Step(title=s.replace("\n", " ").strip(), view="/volumes?product=ginseng",
                          notes=s) for s in tricky)
    sheet = rs.RunSheet("round-trip", 'Title with "quotes" \\ and 中文', steps)
    again, problems = rs.parse(rs.to_bytes(sheet), "x.toml", "round-trip")
    assert problems == [] and again == sheet


def test_writer_matches_the_documented_format():
    sheet = rs.RunSheet("brief", "向省领导汇报", (
        rs.Step("人参出口走势", "/volumes?product=ginseng", "要点：……"),))
    text = rs.to_toml(sheet)
    assert 'title = "向省领导汇报"\n\n[[steps]]\ntitle = "人参出口走势"\n' in text
    assert 'view = "/volumes?product=ginseng"\nnotes = "要点：……"\n' in text


def test_slug_makes_valid_ids():
    for title in ("Visit 2026!", "日本市场", "--a--", string.punctuation):
        assert rs.valid_id(rs.slug(title))


def test_file_store_saves_atomically_lists_reads_and_deletes(tmp_path):
    store = FileRunSheets(tmp_path)
    assert store.ids() == [] and store.read("brief") is None
    store.save("brief", GOOD.encode())
    store.save("brief", GOOD.encode() + b"\n")  # replaced whole
    assert store.ids() == ["brief"]
    assert store.read("brief") == GOOD.encode() + b"\n"
    assert not list((tmp_path / "runsheets").glob("*.tmp*"))  # no temporary file left
    assert store.read("../brief") is None
    with pytest.raises(RunSheetError):
        store.save("../escape", b"x")
    assert store.delete("brief") and not store.delete("brief")
    assert store.ids() == []


def test_file_store_refuses_while_another_writer_holds_the_lock(tmp_path):
    from zones.intake import store as import_store

    runsheets = FileRunSheets(tmp_path)
    with safe_files.writer_lock(tmp_path), pytest.raises(import_store.Busy):
        runsheets.save("brief", GOOD.encode())
    assert runsheets.read("brief") is None
