"""The access file (issue 25): every bad form gives its located, bilingual message and
never opens editing; the server-side checks refuse out-of-scope rows, others' undos and
run-sheet writes without the role."""

from __future__ import annotations

from pathlib import Path

import pytest

from zones.access import guard, policy
from zones.access.policy import Grant
from zones.dataset.loading import CsvSource, load
from zones.intake.store import FileStore
from zones.intake.templates import read_upload
from zones.paths import data_dir

GOOD = """\
default_role = "viewer"            # signed in but not listed
require_login = false
[users."wang.ke@jl.example"]
role = "editor"
prefectures = ["白山市"]
[users."li.chu@jl.example"]
role = "admin"
"""

VOL = "period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
INSIDE = VOL + "2013-01,fusong-ginseng,ginseng,JPN,1,2000,1\n"       # 抚松 → 白山市
OUTSIDE = INSIDE + "2013-01,dehui-poultry,poultry_meat,JPN,1,2000,1\n"  # 德惠 → 长春市


@pytest.fixture(scope="module")
def ds():
    result = load(CsvSource(data_dir()))
    assert result.dataset is not None
    return result.dataset


@pytest.fixture(scope="module")
def aliases(ds) -> dict[str, str]:
    return guard.prefecture_aliases(ds)


def test_the_issues_example_reads_as_written(aliases: dict[str, str]) -> None:
    p = policy.parse(GOOD, "access.toml", aliases)
    assert not p.problems
    assert p.grant("Wang.Ke@jl.example") == Grant("editor", frozenset({"220600"}), 3)
    assert p.grant("li.chu@jl.example").role == "admin"
    assert p.grant("someone@jl.example").role == "viewer"
    assert p.grant("").role == "viewer"  # not signed in, sign-in not required


def test_prefectures_by_code_english_name_or_label(aliases: dict[str, str]) -> None:
    text = GOOD.replace('["白山市"]', '["220600", "Yanbian Korean Autonomous Prefecture", '
                                     '"长春市 Changchun City"]')
    p = policy.parse(text, "a.toml", aliases)
    assert not p.problems, [x.message("en") for x in p.problems]
    assert p.grant("wang.ke@jl.example").prefectures == {"220600", "222400", "220100"}


def test_none_and_require_login(aliases: dict[str, str]) -> None:
    text = GOOD.replace('default_role = "viewer"', 'default_role = "none"').replace(
        "require_login = false", "require_login = true")
    p = policy.parse(text, "a.toml", aliases)
    assert p.grant("").role == "none" and p.grant("stranger@x").role == "none"
    assert p.grant("wang.ke@jl.example").role == "editor"


BAD = [
    ("toml", GOOD.replace('role = "admin"', 'role = admin'), 7,
     ("not valid TOML", "不是有效的 TOML")),
    ("unknown_role", GOOD.replace('"admin"', '"boss"'), 7,
     ("unknown role 'boss'", "未知的角色“boss”")),
    ("unknown_prefecture", GOOD.replace("白山市", "白山县"), 5,
     ("unknown prefecture '白山县'", "未知的市（州）“白山县”")),
    ("unknown_key", GOOD.replace('role = "editor"', 'role = "editor"\nzones = ["x"]'), 5,
     ("unknown setting 'zones'", "未知的设置项“zones”")),
    ("unknown_top_key", "default_rol = 'viewer'\n" + GOOD, 1, ("unknown setting 'default_rol'",
                                                           "未知的设置项“default_rol”")),
    ("bad_default", GOOD.replace('default_role = "viewer"', 'default_role = "root"'), 1,
     ("unknown role 'root'", "未知的角色“root”")),
    ("not_bool", GOOD.replace("require_login = false", 'require_login = "yes"'), 2,
     ("'require_login' must be true or false", "“require_login”应为 true 或 false")),
    ("bad_scope", GOOD.replace('["白山市"]', '"白山市"'), 5,
     ("must be a non-empty list", "应为非空的名称列表")),
    ("inline", 'users."x@y" = { role = "god" }\n', 1, ("unknown role 'god'", "未知的角色“god”")),
]


@pytest.mark.parametrize(("name", "text", "line", "words"), BAD, ids=[b[0] for b in BAD])
def test_every_bad_form_is_located_and_closes_editing(
        aliases: dict[str, str], name: str, text: str, line: int, words: tuple[str, str]
) -> None:
    p = policy.parse(text, "/etc/zones/access.toml", aliases)
    assert p.broken
    en, zh = p.problems[0].message("en"), p.problems[0].message("zh")
    assert en.startswith(f"/etc/zones/access.toml:{line}: "), en
    assert words[0] in en and words[1] in zh, (en, zh)
    for person in ("li.chu@jl.example", "wang.ke@jl.example", "x@y", "stranger@x"):
        assert not policy.may(p.grant(person).role, "import")  # never wider
        assert not policy.may(p.grant(person).role, "runsheet")


def test_a_toml_error_requires_sign_in(aliases: dict[str, str]) -> None:
    p = policy.parse("require_login = false\n[users", "a.toml", aliases)
    assert p.broken and p.require_login and p.grant("").role == "none"


def test_missing_file_is_located(tmp_path: Path, aliases: dict[str, str]) -> None:
    p = policy.load(tmp_path / "nope.toml", aliases)
    assert p.broken and str(tmp_path / "nope.toml") in p.problems[0].message("en")


# -- the checks each write makes ------------------------------------------------------

def plan_of(root: Path, ds, text: str, mode: str = "upsert", table: str = "export_volumes"):
    parsed = read_upload(text.encode(), "march.csv", table, ds)
    plan = FileStore(root).plan_import(parsed, mode, "wang.ke@jl.example")
    assert plan.ok, [i.message("en") for i in plan.issues]
    return plan


def test_editor_inside_his_scope_passes(data_copy: Path, ds, aliases) -> None:
    grant = policy.parse(GOOD, "a.toml", aliases).grant("wang.ke@jl.example")
    assert guard.check_import(grant, "wang.ke@jl.example", plan_of(data_copy, ds, INSIDE),
                              guard.places_of(ds)) == []


def test_a_row_outside_the_scope_is_refused_with_file_line_zone_prefecture(
        data_copy: Path, ds, aliases) -> None:
    grant = policy.parse(GOOD, "a.toml", aliases).grant("wang.ke@jl.example")
    issues = guard.check_import(grant, "wang.ke@jl.example", plan_of(data_copy, ds, OUTSIDE),
                                guard.places_of(ds))
    assert [(i.file, i.line, i.column) for i in issues] == [("march.csv", 3, "zone_id")]
    en, zh = issues[0].message("en"), issues[0].message("zh")
    assert "dehui-poultry" in en and "Changchun" in en and "Baishan" in en
    assert "长春市" in zh and "白山市" in zh and "未写入任何内容" in zh


def test_scoped_editor_may_not_replace_or_touch_province_tables(data_copy: Path, ds,
                                                                aliases) -> None:
    grant = policy.parse(GOOD, "a.toml", aliases).grant("wang.ke@jl.example")
    places = guard.places_of(ds)
    replace = guard.check_import(grant, "w", plan_of(data_copy, ds, INSIDE, "replace"), places)
    assert [i.code for i in replace] == ["access_replace_scope"]
    products = "product_id,name_zh,name_en,category,hs_codes\nx_new,新,New,meat,0207\n"
    table = guard.check_import(grant, "w", plan_of(data_copy, ds, products, table="products"),
                               places)
    assert [i.code for i in table] == ["access_table_scope"]
    admin = Grant("admin")
    assert guard.check_import(admin, "a", plan_of(data_copy, ds, OUTSIDE), places) == []


def test_viewer_and_none_may_not_import(data_copy: Path, ds) -> None:
    plan = plan_of(data_copy, ds, INSIDE)
    for role in ("viewer", "none"):
        issues = guard.check_import(Grant(role), "v@x", plan, guard.places_of(ds))
        assert [i.code for i in issues] == ["access_denied"]
        assert "may not import data" in issues[0].message("en")


def test_undo_own_and_any() -> None:
    editor, admin = Grant("editor"), Grant("admin")
    assert guard.check_undo(editor, "w@x", "w@x", "f.csv") == []
    assert [i.code for i in guard.check_undo(editor, "w@x", "l@x", "f.csv")] == [
        "access_undo_other"]
    assert guard.check_undo(admin, "l@x", "w@x", "f.csv") == []
    assert [i.code for i in guard.check_undo(Grant("viewer"), "v@x", "v@x", "f")] == [
        "access_denied"]
    assert guard.check_runsheet(Grant("viewer"), "v", "runsheets/a.toml")
    assert guard.check_runsheet(editor, "w", "runsheets/a.toml") == []
