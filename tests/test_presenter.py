"""The presenter's pure parts (#24): session codes and moves, the scratch stores (folder and
PostgreSQL), drafts kept on the server, a view in words, and English titles and notes."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

import pytest

from zones.links import view_from_link
from zones.runsheets import drafts, follow
from zones.runsheets import sheet as rs
from zones.runsheets.scratch import FileScratch
from zones.runsheets.words import describe
from zones.view import View

# --------------------------------------------------------------- sessions


def test_codes_are_short_random_and_checked() -> None:
    codes = {follow.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(follow.valid_code(c) and len(c) == 8 for c in codes)
    assert not any(ch in c for c in codes for ch in "01oil")  # nothing to misread
    for bad in ("", "ABCDEFGH", "abc", "abcdefgh1", "../../etc", "abcdefg0"):
        assert not follow.valid_code(bad)


def test_keys_move_the_session_within_its_steps() -> None:
    s = follow.start("abcdefgh", "sheet", 1, now=100.0)
    assert s.pressed("prev", 4, 101).step == 1  # nothing before the first
    s = s.pressed("next", 4, 102)
    assert (s.step, s.updated) == (2, 102)
    assert s.pressed("last", 4, 103).step == 4
    assert s.pressed("last", 4, 103).pressed("next", 4, 104).step == 4
    assert s.pressed("first", 4, 105).step == 1
    assert s.moved(9, 4, 106).step == 4 and s.moved(-3, 4, 106).step == 1
    with pytest.raises(ValueError):
        follow.start("nope", "sheet", 1, 0)


def test_a_session_survives_storage_and_nonsense_is_nothing() -> None:
    s = follow.start("abcdefgh", "sheet", 3, now=12.5)
    assert follow.from_bytes("abcdefgh", s.to_bytes()) == s
    for junk in (None, b"", b"{", b'{"runsheet": "x"}', b"\xff\xfe", b"[1, 2]"):
        assert follow.from_bytes("abcdefgh", junk) is None
    assert follow.from_bytes("bad", s.to_bytes()) is None


def test_status_says_why_a_window_cannot_follow() -> None:
    s = follow.start("abcdefgh", "sheet", 1, now=1000.0)
    assert follow.status(s, "sheet", 1000.0 + 60) == "ok"
    assert follow.status(None, "sheet", 0) == "unknown"
    assert follow.status(s, "other-sheet", 1000.0) == "other"
    assert follow.status(s, "sheet", 1000.0 + follow.STALE_AFTER + 1) == "stale"


# --------------------------------------------------------------- scratch stores


def check_store(store) -> None:
    assert store.get("presenting", "abcdefgh") is None
    store.put("presenting", "abcdefgh", b"one")
    store.put("presenting", "abcdefgh", b"two")  # replaced whole
    assert store.get("presenting", "abcdefgh") == b"two"
    store.put("drafts", "abcdefgh", b"draft")  # kinds are apart
    assert store.get("presenting", "abcdefgh") == b"two"
    for kind, key in (("presenting", "../x"), ("other", "abc"), ("drafts", "A B")):
        with pytest.raises(ValueError):
            store.put(kind, key, b"x")
    with pytest.raises(ValueError):
        store.put("drafts", "big", b"x" * (600 * 1024))
    assert store.prune("presenting", time.time() - 3600) == 0  # fresh ones stay
    assert store.prune("presenting", time.time() + 3600) == 1
    assert store.get("presenting", "abcdefgh") is None
    assert store.get("drafts", "abcdefgh") == b"draft"


def test_the_folder_store(tmp_path: Path) -> None:
    check_store(FileScratch(tmp_path))
    assert not list((tmp_path / "scratch" / "drafts").glob(".*.tmp"))  # no half writes


def test_two_windows_writing_at_once_leave_one_whole_record(tmp_path: Path) -> None:
    """Two servers pressing keys at the same moment: each write lands whole."""
    from concurrent.futures import ThreadPoolExecutor

    store = FileScratch(tmp_path)
    sessions = [follow.start("abcdefgh", "sheet", n, n) for n in range(1, 41)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda s: store.put("presenting", s.code, s.to_bytes()), sessions))
    assert follow.from_bytes("abcdefgh", store.get("presenting", "abcdefgh")) in sessions


def test_the_database_store(pg_server) -> None:
    from zones.sql.schema import engine_from_url
    from zones.sql.scratch import SqlScratch

    engine = engine_from_url(pg_server.createdb(f"scratch{os.getpid()}"))
    try:
        check_store(SqlScratch(engine))
        check_store(SqlScratch(engine))  # a second replica's store: the same table
    finally:
        engine.dispose()


# --------------------------------------------------------------- drafts


def test_a_draft_round_trips_and_is_cut_to_the_format_limits() -> None:
    draft = {"id": "visit", "title": "来访", "seq": 9, "steps": [
        {"uid": 7, "title": "人参", "view": "/volumes?product=ginseng", "notes": "要点\n第二行",
         "title_en": "Ginseng", "notes_en": ""}]}
    back = drafts.from_bytes(drafts.to_bytes(draft))
    assert back == {"id": "visit", "title": "来访", "seq": 1, "steps": [
        {"uid": 1, "title": "人参", "view": "/volumes?product=ginseng", "notes": "要点\n第二行",
         "title_en": "Ginseng", "notes_en": ""}]}
    huge = {"id": "../bad", "title": "x" * 999, "steps": [{"title": "t" * 999}] * 300}
    back = drafts.from_bytes(drafts.to_bytes(huge))
    assert back["id"] == "runsheet" and len(back["title"]) == rs.MAX_TITLE
    assert len(back["steps"]) == rs.MAX_STEPS and len(back["steps"][0]["title"]) == 200
    assert drafts.from_bytes(b"not json") is None and drafts.from_bytes(None) is None
    ids = {drafts.new_id() for _ in range(100)}
    assert len(ids) == 100 and all(drafts.valid(i) for i in ids)
    assert not drafts.valid("../../etc/pw")


# --------------------------------------------------------------- a view in words


def test_a_view_in_words_in_both_languages(dataset) -> None:
    view, problems = view_from_link(dataset, "/volumes?product=ginseng&dest=JPN&dest=KOR")
    assert not problems
    assert describe(dataset, view, "zh") == "出口量 · 人参 · 日本、韩国 · 按年"
    assert describe(dataset, view, "en") == (
        "Export volumes · Ginseng · Japan, Republic of Korea · Yearly · in Chinese")
    view, _ = view_from_link(dataset, "/volumes?lang=en&interval=monthly&by=destination"
                                      "&period=2009,2010&facts=true")
    assert describe(dataset, view, "en") == ("Export volumes · 2009–2010 · report facts only"
                                             " · Monthly · by Destination")
    assert describe(dataset, view, "zh").endswith("按月 · 按目的地 · 英文")
    zone = dataset.zones.iloc[0]
    view, _ = view_from_link(dataset, f"/zones?profile={zone['zone_id']}")
    assert describe(dataset, view, "zh") == f"示范区 · {zone['short_zh']}概况"
    assert describe(dataset, View(), "zh") == "总览"


# --------------------------------------------------------------- English titles and notes


BILINGUAL = """title = "来访"

[[steps]]
title = "人参"
title_en = "Ginseng"
view = "/volumes?product=ginseng"
notes = "中文备注"
notes_en = \"\"\"
English notes,
two lines.\"\"\"

[[steps]]
title = "总览"
view = "/"
"""


def test_english_titles_and_notes_are_read_written_and_optional(dataset) -> None:
    checked = rs.read(dataset, BILINGUAL.encode(), "visit.toml", "visit")
    assert checked.ok, [p.text("en") for p in checked.problems]
    one, two = (s.step for s in checked.steps)
    assert (one.title_in("en"), one.title_in("zh")) == ("Ginseng", "人参")
    assert one.notes_in("en") == "English notes,\ntwo lines." and one.notes_in("zh") == "中文备注"
    assert two.title_in("en") == "总览" and two.notes_in("en") == ""  # falls back to Chinese
    again = rs.parse(rs.to_bytes(checked.sheet), "visit.toml", "visit")
    assert again == (checked.sheet, [])
    assert 'title_en = "Ginseng"' in rs.to_toml(checked.sheet)
    assert "title_en" not in rs.to_toml(checked.sheet).split("[[steps]]")[2]  # only if set
    bad = rs.read(dataset, b'title = "x"\n[[steps]]\ntitle = "a"\nview = "/"\ntitle_en = 3\n',
                  "x.toml", "x")
    assert [p.step for p in bad.problems] == [1] and "title_en" in bad.problems[0].text("en")


def test_a_step_view_cannot_carry_a_session(dataset) -> None:
    for key in ("follow=abcdefgh", "console=1", "draft=abcdefghjkmn"):
        got = rs.read(dataset, f'title = "x"\n[[steps]]\ntitle = "a"\nview = "/?{key}"\n'
                      .encode(), "x.toml", "x")
        assert got.problems and "runsheet" in got.problems[0].text("en"), key


def test_codes_do_not_repeat_soon() -> None:
    seen = set()
    for code in itertools.islice(iter(follow.new_code, None), 2000):
        assert code not in seen
        seen.add(code)


def test_the_english_deck_takes_the_english_titles_and_notes(dataset) -> None:
    import datetime as dt

    from zones.brief.runsheet import build_runsheet_deck

    checked = rs.read(dataset, BILINGUAL.encode(), "visit.toml", "visit")
    en = build_runsheet_deck(dataset, checked, "en", dt.date(2026, 12, 7))
    zh = build_runsheet_deck(dataset, checked, "zh", dt.date(2026, 12, 7))
    # a step's notes once, on its first slide (#22), in the deck's language
    first = next(s for s in en.slides if s.title == "Ginseng")
    assert first.notes.startswith("English notes")
    assert not any("中文备注" in s.notes for s in en.slides)
    assert not any("English notes" in s.notes for s in en.slides if s is not first)
    assert "Step 1 Ginseng" in en.slides[0].lines[0] and "总览" in en.slides[0].lines[0]
    assert next(s for s in zh.slides if s.title == "人参").notes.startswith("中文备注")
    assert not any("English notes" in s.notes for s in zh.slides)
