"""Run-sheets in the app (#16), through AppTest: stepping, the address bar, the editor."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from zones import ui
from zones.i18n import t
from zones.runsheets import sheet as rs
from zones.ui import admin as ui_admin

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
RID = "provincial-briefing"
PASSWORD = "correct horse"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert t("err.unexpected", "zh") not in [e.value for e in at.error]
    assert t("err.unexpected", "en") not in [e.value for e in at.error]
    return at


def open_app(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    return ok(at.run())


def indicator(at: AppTest) -> str:
    marks = [m.value.replace("\\", "") for m in at.markdown if " / " in m.value.replace("\\", "")]
    assert marks, "no step indicator"
    return marks[0].strip("*")


def press(at: AppTest, key: str) -> AppTest:
    return ok(at.button(key=key).click().run())


@pytest.fixture
def folder(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZONES_DATA_DIR", str(data_copy))
    monkeypatch.delenv(ui.ADMIN_ENV, raising=False)
    ui_admin._FAILED_LOGINS["n"] = 0
    return data_copy


def test_link_opens_step_one_in_presentation_mode_and_keeps_runsheet_in_the_url():
    at = open_app({"runsheet": RID})
    assert indicator(at) == "1 / 4 · 总体情况"
    assert at.title[0].value == "总体情况"  # the step's own title is the heading (#24)
    assert at.query_params["runsheet"] == RID and at.query_params["step"] == "1"
    assert at.toggle(key="present").value is True
    assert at.button(key="rs_prev").disabled and at.button(key="rs_first").disabled


def test_stepping_changes_page_and_filter_and_the_url():
    at = open_app({"runsheet": RID})
    press(at, "rs_next")
    assert indicator(at) == "2 / 4 · 德惠禽肉示范区"
    assert at.title[0].value == "德惠禽肉示范区"
    assert at.selectbox(key="profile").value == "dehui-poultry"
    assert at.query_params["step"] == "2"
    press(at, "rs_next")
    assert at.title[0].value == "五个首次出口"
    assert at.multiselect(key="dest").value == ["JPN"]
    press(at, "rs_next")
    assert indicator(at).startswith("4 / 4 · ")
    assert at.title[0].value == "人参出口走势（示意）"
    assert at.multiselect(key="product").value == ["ginseng"]
    assert at.multiselect(key="dest").value == []  # the previous step's filter is gone
    assert at.segmented_control(key="by").value == "destination"
    assert at.button(key="rs_next").disabled and at.button(key="rs_last").disabled
    press(at, "rs_prev")
    assert indicator(at).startswith("3 / 4") and at.query_params["step"] == "3"
    press(at, "rs_first")
    assert indicator(at).startswith("1 / 4") and at.multiselect(key="dest").value == []
    assert at.title[0].value == "总体情况"
    press(at, "rs_last")
    assert indicator(at).startswith("4 / 4")
    # the extra buttons that carry Right / Left / Space do the same
    press(at, "rs_prev_left")
    assert indicator(at).startswith("3 / 4")
    press(at, "rs_next_right")
    assert indicator(at).startswith("4 / 4")


def test_step_n_in_the_link_and_a_step_out_of_range():
    at = open_app({"runsheet": RID, "step": "3"})
    assert indicator(at).startswith("3 / 4") and at.multiselect(key="dest").value == ["JPN"]
    at = open_app({"runsheet": RID, "step": "9", "lang": "en"})
    assert indicator(at).startswith("4 / 4")
    assert any("'9'" in w.value for w in at.warning)
    assert at.query_params["step"] == "4"


def test_notes_are_hidden_until_the_presenter_asks():
    at = open_app({"runsheet": RID, "step": "2"})
    assert not any("全国首批示范区（Z2）" in i.value for i in at.info)
    ok(at.toggle(key="rs_notes_on").set_value(True).run())
    assert any("全国首批示范区（Z2）" in i.value for i in at.info)
    press(at, "rs_next")  # a new step starts with its notes hidden again
    assert at.toggle(key="rs_notes_on").value is False


def test_leaving_the_runsheet_clears_it_from_the_url():
    at = open_app({"runsheet": RID})
    press(at, "rs_exit")
    assert "runsheet" not in at.query_params and "step" not in at.query_params
    assert not [b for b in at.button if b.key == "rs_next"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unknown_runsheet_says_so_without_traceback(folder, lang):
    at = open_app({"runsheet": "no-such-sheet", "lang": "English" if lang == "en" else "中文"})
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("no-such-sheet" in e and "runsheets/no-such-sheet.toml" in e for e in errors)
    assert "runsheet" not in at.query_params
    at = open_app({"runsheet": "../../etc/passwd"})
    assert any("../../etc/passwd" in e.value.replace("\\", "") for e in at.error)


def test_a_broken_step_is_named_and_the_others_still_work(folder):
    (folder / "runsheets" / "mixed.toml").write_text(
        'title = "混合"\n[[steps]]\ntitle = "好"\nview = "/destinations?dest=JPN"\n'
        '[[steps]]\ntitle = "坏"\nview = "/volumes?product=durian&dest=KOR"\n', encoding="utf-8")
    (folder / "runsheets" / "garbage.toml").write_bytes(b"title = \n\xff\xfe")
    at = open_app({"runsheet": "mixed", "lang": "en"})
    assert indicator(at).startswith("1 / 2")
    assert at.multiselect(key="dest").value == ["JPN"]
    shown = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert "runsheets/mixed.toml:step 2:" in shown and "durian" in shown
    press(at, "rs_next")
    assert indicator(at).startswith("2 / 2")
    assert at.multiselect(key="dest").value == ["KOR"]  # what could be read is shown
    assert any("durian" in w.value for w in at.warning)
    at = open_app({"runsheet": "garbage"})
    shown = " ".join(m.value.replace("\\", "") for m in at.error)
    assert "runsheets/garbage.toml: 不是 UTF-8 编码" in shown


def test_editor_builds_a_runsheet_from_views_reorders_renames_and_downloads(folder):
    at = open_app({"lang": "English"})
    at.switch_page("pages/volumes.py")
    ok(at.run())
    ok(at.multiselect(key="product").set_value(["ginseng"]).run())
    ok(at.segmented_control(key="by").set_value("destination").run())
    press(at, "rs_add")
    at.switch_page("pages/destinations.py")
    ok(at.run())
    ok(at.multiselect(key="product").set_value([]).run())
    ok(at.multiselect(key="dest").set_value(["JPN"]).run())
    press(at, "rs_add")
    draft = at.session_state["_rs_draft"]
    assert [s["view"] for s in draft["steps"]] == [
        "/volumes?by=destination&lang=en&product=ginseng", "/destinations?dest=JPN&lang=en"]
    first, second = (s["uid"] for s in draft["steps"])
    ok(at.text_input(key=f"rs_title_{second}").input("Japan market").run())
    ok(at.text_area(key=f"rs_notes_{second}").input("Radish, first export (F5)").run())
    press(at, f"rs_up_{second}")
    ok(at.text_input(key="rs_sheet_title").input("Delegation visit").run())
    ok(at.text_input(key="rs_sheet_id").input("delegation-visit").run())
    draft = at.session_state["_rs_draft"]
    assert draft["steps"][0]["title"] == "Japan market"
    assert draft["steps"][0]["notes"] == "Radish, first export (F5)"
    press(at, f"rs_del_{first}")
    assert len(at.session_state["_rs_draft"]["steps"]) == 1
    draft = at.session_state["_rs_draft"]
    expected = rs.RunSheet("delegation-visit", "Delegation visit", (
        rs.Step("Japan market", "/destinations?dest=JPN&lang=en", "Radish, first export (F5)"),))
    sheet = rs.RunSheet(draft["id"], draft["title"], tuple(
        rs.Step(s["title"], s["view"], s["notes"]) for s in draft["steps"]))
    assert sheet == expected  # what "Download .toml" writes: rs.to_bytes(sheet)
    assert [b for b in at.get("download_button") if "rs_download" in str(b.proto.id)]
    # the run-sheet's slides one click away (#22): a download built when clicked
    assert [b for b in at.get("download_button") if "rs_deck" in str(b.proto.id)]
    # no save without editing rights, and nothing written
    assert not [b for b in at.button if b.key == "rs_save"]
    assert not (folder / "runsheets" / "delegation-visit.toml").exists()
    # presenting the draft steps through it without saving
    press(at, "rs_present")
    assert indicator(at) == "1 / 1 · Japan market"
    assert at.query_params["runsheet"] == "delegation-visit"


def test_saving_needs_editing_rights_and_writes_the_file(folder, monkeypatch):
    monkeypatch.setenv(ui.ADMIN_ENV, PASSWORD)
    at = open_app({})
    press(at, "rs_add")
    ok(at.text_input(key="rs_sheet_id").input("saved-one").run())
    assert not [b for b in at.button if b.key == "rs_save"]
    ok(at.text_input(key="_import_pw").input(PASSWORD).run())  # Enter signs in (#23)
    assert not [b for b in at.button if b.key == "import_login"]
    press(at, "rs_save")
    path = folder / "runsheets" / "saved-one.toml"
    checked = rs.read(None, path.read_bytes(), "saved-one.toml", "saved-one")
    assert checked.ok and checked.sheet is not None
    assert [s.view for s in checked.sheet.steps] == ["/"]
    assert any("runsheets/saved-one.toml" in s.value.replace("\\", "") for s in at.success)
    ok(at.selectbox(key="rs_saved_pick").set_value("saved-one").run())
    press(at, "rs_saved_delete")
    assert not path.exists()


def test_uploading_a_toml_loads_it_for_editing_and_a_bad_one_is_explained(folder):
    at = open_app({"lang": "English"})
    ok(at.toggle(key="rs_edit_on").set_value(True).run())
    text = ('title = "Mailed in"\n[[steps]]\ntitle = "Japan"\nview = "/destinations?dest=JPN"\n'
            'notes = "from a colleague"\n')
    ok(at.file_uploader(key="rs_upload_0").set_value(
        ("mailed-in.toml", text.encode(), "application/toml")).run())
    draft = at.session_state["_rs_draft"]
    assert (draft["id"], draft["title"]) == ("mailed-in", "Mailed in")
    assert [(s["title"], s["view"], s["notes"]) for s in draft["steps"]] == [
        ("Japan", "/destinations?dest=JPN", "from a colleague")]
    assert at.text_input(key="rs_sheet_title").value == "Mailed in"
    assert any("Mailed in" in s.value for s in at.success)
    ok(at.file_uploader(key="rs_upload_1").set_value(
        ("bad.toml", "title = \n".encode("gbk"), "application/toml")).run())
    shown = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert "bad.toml: Not valid TOML" in shown
    assert at.session_state["_rs_draft"]["title"] == "Mailed in"  # the draft is kept


# -- presenting that holds, and windows that follow a console (#24) ---------------------

BACK_AND_FORTH = """title = "Languages"
[[steps]]
title = "总览"
title_en = "Overview in English"
view = "/"
[[steps]]
title = "人参"
view = "/volumes?lang=en&product=ginseng&interval=monthly&measure=value_usd"
[[steps]]
title = "出口量"
view = "/volumes"
"""


def test_a_step_opens_exactly_its_link_whatever_came_before(folder):
    (folder / "runsheets" / "langs.toml").write_text(BACK_AND_FORTH, encoding="utf-8")
    at = open_app({"runsheet": "langs"})
    assert at.radio(key="lang").value == "zh" and at.title[0].value == "总览"
    press(at, "rs_next")
    assert at.radio(key="lang").value == "en"  # the step's link says English
    assert at.segmented_control(key="interval").value == "monthly"
    press(at, "rs_next")  # same page, no lang, no options: Chinese and the defaults
    assert at.radio(key="lang").value == "zh"
    assert at.segmented_control(key="interval").value == "yearly"
    assert at.segmented_control(key="measure").value == "tonnes"
    assert at.multiselect(key="product").value == []
    press(at, "rs_first")
    assert at.radio(key="lang").value == "zh" and at.title[0].value == "总览"
    at = open_app({"runsheet": "langs", "lang": "en"})  # the presenter's language
    assert at.title[0].value == "Overview in English"
    press(at, "rs_last")
    assert at.radio(key="lang").value == "en"


def test_a_window_following_a_session_shows_its_step_and_moves_it(folder):
    from zones.runsheets import follow
    from zones.runsheets.scratch import FileScratch

    store = FileScratch(folder)
    session = follow.start("abcdefgh", RID, 3, 1e12)  # far future: never stale here
    store.put(follow.KIND, "abcdefgh", session.to_bytes())
    at = open_app({"runsheet": RID, "follow": "abcdefgh"})
    assert indicator(at).startswith("3 / 4") and at.query_params["follow"] == "abcdefgh"
    assert not [w for w in at.toggle if w.key == "rs_notes_on"]  # no notes on a projector
    press(at, "rs_prev")
    assert follow.from_bytes("abcdefgh", store.get(follow.KIND, "abcdefgh")).step == 2
    assert indicator(at).startswith("2 / 4")
    at = open_app({"runsheet": RID, "follow": "zzzzzzzz"})
    assert any("zzzzzzzz" in w.value for w in at.warning)  # said in words
    assert indicator(at).startswith("1 / 4")


def test_the_console_makes_a_session_and_its_keys_move_it(folder):
    from zones.runsheets import follow
    from zones.runsheets.scratch import FileScratch

    at = open_app({"runsheet": RID, "console": "1", "step": "2"})
    code = at.query_params["follow"]
    assert follow.valid_code(code)
    assert any("全国首批示范区（Z2）" in m.value for m in at.markdown)  # step 2's notes
    assert any(code in c.value for c in at.code)  # the projector link
    press(at, "rs_c_next")
    stored = follow.from_bytes(code, FileScratch(folder).get(follow.KIND, code))
    assert stored is not None and stored.step == 3
    assert any("萝卜首次出口日本" in m.value for m in at.markdown)
