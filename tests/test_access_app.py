"""The roles on the Data page through AppTest, behind a trusted-header proxy (issue 25): a
viewer gets no editing part; an editor's out-of-scope rows are refused by the apply
callback itself; a role revoked after the button was drawn writes nothing; an editor cannot
undo another's import; each write is in the audit trail with the right person."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from zones.audit.files import FileAudit
from zones.i18n import t
from zones.intake import store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
VOL = "period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
INSIDE = (VOL + "2013-01,fusong-ginseng,ginseng,JPN,1,2000,1\n").encode()
OUTSIDE = (VOL + "2013-01,fusong-ginseng,ginseng,JPN,1,2000,1\n"
           "2013-01,dehui-poultry,poultry_meat,JPN,1,2000,1\n").encode()
EDITOR, ADMIN = "wang.ke@jl.example", "li.chu@jl.example"
ACCESS = f"""default_role = "viewer"
[users."{EDITOR}"]
role = "editor"
prefectures = ["白山市"]
[users."{ADMIN}"]
role = "admin"
"""

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def files(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.glob("*.csv")}


@pytest.fixture
def site(data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
         ) -> Iterator[tuple[Path, Path]]:
    """The proxy set-up: a trusted header mapped to ``email``, and an access file."""
    access = tmp_path / "access.toml"
    access.write_text(ACCESS, encoding="utf-8")
    monkeypatch.setenv("ZONES_DATA_DIR", str(data_copy))
    monkeypatch.setenv("ZONES_ACCESS_FILE", str(access))
    monkeypatch.delenv("ZONES_ADMIN_PASSWORD", raising=False)
    config.set_option("server.trustedUserHeaders", {"X-Remote-User": "email"})
    try:
        yield data_copy, access
    finally:
        config.set_option("server.trustedUserHeaders", {})


def open_as(email: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.user = {"email": email}
    at.query_params["lang"] = "English"
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.selectbox(key="import_table").set_value("export_volumes")
    at.run()
    at.file_uploader[0].set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def error_text(at: AppTest) -> str:
    return " ".join(str(df.value.to_dict()) for df in at.dataframe) + " ".join(
        e.value for e in at.error)


def test_viewer_sees_no_upload_apply_or_undo(site) -> None:
    at = open_as("stranger@jl.example")
    assert t("import.title", "en") not in [s.value for s in at.subheader]
    assert not at.file_uploader
    assert not [b for b in at.button if b.key in ("import_apply", "import_undo")]
    assert t("audit.title", "en") not in [s.value for s in at.subheader]
    assert any("reverse proxy" in c.value for c in at.caption)  # the Data page says how


def test_editor_scope_revoked_role_and_audit(site) -> None:
    root, access = site
    before = files(root)
    at = open_as(EDITOR)
    upload(at, "both.csv", OUTSIDE)
    at.button(key="import_apply").click()
    at.run()
    text = error_text(at)
    assert "dehui-poultry" in text and "Changchun" in text and "both.csv" in text
    assert files(root) == before  # refused by the callback: nothing written
    refused = FileAudit(root).events()[0]  # the refusal is in the trail, with its reason
    assert (refused.person, refused.role, refused.action, refused.table) == (
        EDITOR, "editor", "refused", "export_volumes")
    assert refused.reason == "import:access_out_of_scope"
    assert "both.csv line 3 dehui-poultry" in refused.detail and refused.file_name == "both.csv"
    at.run()
    trail = next(d.value for d in at.dataframe  # shown on the Data page
                 if "Refused because" in d.value.columns)
    assert trail.iloc[0]["Action"] == "refused"
    assert trail.iloc[0]["Refused because"] == (
        "import data — zones outside the editor's prefectures")
    # The sidebar shows the address as plain text: no Markdown, no invisible joiners.
    assert f"Signed in: {EDITOR} (editor) · Scope: Baishan City" in [x.value for x in at.text]

    at = open_as(EDITOR)
    upload(at, "baishan.csv", INSIDE)
    access.write_text(ACCESS.replace('role = "editor"', 'role = "viewer"'), encoding="utf-8")
    at.button(key="import_apply").click()  # drawn while he was an editor
    at.run()
    assert "may not import data" in error_text(at)
    assert files(root) == before

    access.write_text(ACCESS, encoding="utf-8")
    at = open_as(EDITOR)
    upload(at, "baishan.csv", INSIDE)
    at.button(key="import_apply").click()
    at.run()
    assert files(root) != before
    assert store.history(root)[0].user == EDITOR  # the identity, not a typed name
    event = FileAudit(root).events()[0]
    assert (event.person, event.role, event.via, event.action, event.added) == (
        EDITOR, "editor", "proxy", "import", 1)
    assert [e.action for e in FileAudit(root).events()] == ["import", "refused", "refused"]
    assert t("audit.title", "en") in [s.value for s in at.subheader]


def test_editor_cannot_undo_anothers_import_admin_can(site) -> None:
    root, _ = site
    at = open_as(ADMIN)
    upload(at, "admin.csv", INSIDE)
    at.button(key="import_apply").click()
    at.run()
    after_admin = files(root)
    editor = open_as(EDITOR)
    assert not [b for b in editor.button if b.key == "import_undo"]
    at = open_as(ADMIN)
    at.button(key="import_undo").click()
    at.run()
    assert files(root) != after_admin
    assert [(e.person, e.action) for e in FileAudit(root).events()] == [
        (ADMIN, "undo"), (ADMIN, "import")]


def test_undo_offered_for_ones_own_import_never_undoes_a_later_one(site) -> None:
    """The editor's page offers to undo his import; the admin's import lands before he
    clicks: the store refuses (undo_moved) and the admin's import stays."""
    root, _ = site
    at = open_as(EDITOR)
    upload(at, "mine.csv", INSIDE)
    at.button(key="import_apply").click()
    at.run()
    mine = store.history(root)[0]
    assert mine.user == EDITOR and at.button(key="import_undo")  # offered: his own import
    from zones.dataset.loading import CsvSource, load
    from zones.intake.pipeline import parse_upload

    ds = load(CsvSource(root)).dataset
    other = VOL + "2013-02,dehui-poultry,poultry_meat,JPN,1,2000,1\n"
    plan = store.FileStore(root).plan_import(
        parse_upload(other.encode(), "admin.csv", "export_volumes", ds), "upsert", ADMIN)
    theirs = store.FileStore(root).apply(plan)
    after_admin = files(root)
    at.button(key="import_undo").click()
    at.run()
    assert files(root) == after_admin  # nothing undone
    assert store.FileStore(root).undo_target() == theirs
    assert "landed after this page was drawn" in error_text(at)


def test_broken_access_file_stops_editing_and_says_where(site) -> None:
    _, access = site
    access.write_text(ACCESS.replace('"admin"', '"boss"'), encoding="utf-8")
    at = open_as(ADMIN)
    assert not at.file_uploader
    shown = [e.value.replace("\\", "").replace("\u2060", "") for e in at.error]
    assert any(f"{access}:6: unknown role 'boss'" in e for e in shown), shown
