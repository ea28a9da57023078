"""The string catalogue and number formats: both languages complete, every used key exists."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from zones import growth, metrics, tables
from zones.access.policy import ROLES
from zones.audit.record import ACTIONS as AUDIT_ACTIONS
from zones.audit.record import COLUMNS as AUDIT_COLUMNS
from zones.audit.record import REFUSALS
from zones.brief import deck as brief
from zones.brief import export as brief_export
from zones.i18n import (
    LANGS,
    STRINGS,
    fmt_number,
    fmt_percent,
    fmt_quantity,
    fmt_range,
    t,
)
from zones.model import CATEGORIES, LEVELS, QUALIFIERS, SOURCES, UNITS

ROOT = Path(__file__).resolve().parent.parent
# the catalogue itself is left out: its keys would trivially "use" themselves
SOURCE_FILES = sorted([*(p for p in (ROOT / "zones").rglob("*.py") if p.name != "i18n.py"),
                       *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])
FILE_SUFFIXES = ("csv", "py", "md", "geojson", "json", "jsonl", "png", "toml", "txt")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogue_has_both_languages() -> None:
    for key, pair in STRINGS.items():
        assert len(pair) == 2, key
        zh, en = pair
        assert zh.strip(), key
        assert en.strip(), key
        assert zh == zh.strip() and en == en.strip(), key


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_placeholders_match_between_languages(key: str) -> None:
    zh, en = STRINGS[key]
    assert placeholders(zh) == placeholders(en)


def test_no_placeholder_shadows_the_parameters_of_t() -> None:
    clashes = {k for k, (zh, _) in STRINGS.items() if placeholders(zh) & {"key", "lang"}}
    assert clashes == set()


def test_english_side_has_no_chinese_and_chinese_side_has_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    allowed_in_en = {"lang.label", "app.title",  # "Language / 语言"
                     "err.import_zone_blank",  # quotes what to type: "-" or "无"
                     "wb.fonts"}  # the official faces' own names, beside their English
    for key, (_zh, en) in STRINGS.items():
        if key not in allowed_in_en and "'三" not in en:
            assert not han.search(en), key
    assert sum(bool(han.search(zh)) for zh, _ in STRINGS.values()) > 0.8 * len(STRINGS)


def test_t_falls_back_to_the_key_and_formats() -> None:
    assert t("no.such.key", "en") == "no.such.key"
    assert t("unit.zones", "en", n=3) == "3 zones"
    assert t("unit.zones", "zh", n=3) == "3个"
    assert t("page.zones", "fr") == "Zones"  # any non-zh language reads English


# -- every key the code uses exists ---------------------------------------------------

def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def static_t_keys() -> set[tuple[str, str]]:
    """(file, key) for every t("literal", ...) call."""
    pat = re.compile(r"""\bt\(\s*(["'])([A-Za-z0-9_.]+)\1""")
    return {(p.name, m.group(2)) for p in SOURCE_FILES for m in pat.finditer(_source(p))}


def dynamic_t_prefixes() -> set[str]:
    """Prefixes of every t(f"prefix.{...}", ...) call."""
    pat = re.compile(r"""\bt\(\s*f(["'])([A-Za-z0-9_.]*)\{""")
    return {m.group(2) for p in SOURCE_FILES for m in pat.finditer(_source(p))}


def key_like_literals() -> set[tuple[str, str]]:
    """String constants that look like catalogue keys (e.g. passed to header/empty_state)."""
    prefixes = {k.split(".")[0] for k in STRINGS}
    pat = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
    found = set()
    for path in SOURCE_FILES:
        for node in ast.walk(ast.parse(_source(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                s = node.value
                if (pat.match(s) and s.split(".")[0] in prefixes
                        and s.rsplit(".", 1)[-1] not in FILE_SUFFIXES
                        and not (ROOT / (s.replace(".", "/") + ".py")).exists()):  # a module
                    found.add((path.name, s))
    return found


def error_codes() -> set[str]:
    """Every code passed to Issue(...) or returned by the pandera check mapping."""
    codes = set()
    for name in ("validation.py", "loading.py", "csvread.py"):
        tree = ast.parse(_source(ROOT / "zones" / "dataset" / name))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            # Issue(file, line, column, code, ...) and sink.add_rows(file, column, code, ...)
            at = {"Issue": 3, "add_rows": 2}.get(str(func))
            if at is not None and len(node.args) > at:
                code = node.args[at]
                if isinstance(code, ast.Constant):
                    codes.add(code.value)
                elif isinstance(code, ast.IfExp):
                    codes |= {c.value for c in (code.body, code.orelse)
                              if isinstance(c, ast.Constant)}
    return codes | {"not_allowed", "bad_format", "too_small", "duplicate", "duplicate_key",
                    "invalid"}


def test_the_scan_finds_keys() -> None:
    keys = {k for _, k in static_t_keys()}
    assert {"app.short", "page.overview", "filter.summary", "err.page_title"} <= keys
    assert {"cat.", "level.", "source.", "err."} <= dynamic_t_prefixes()
    assert {"page.zones", "empty.facts_only_volumes"} <= {k for _, k in key_like_literals()}
    assert {"missing_file", "not_utf8", "point_outside", "fact_required"} <= error_codes()


@pytest.mark.parametrize(("file", "key"), sorted(static_t_keys() | key_like_literals()))
def test_used_key_exists(file: str, key: str) -> None:
    assert key in STRINGS, f"{file} uses {key!r}, missing from STRINGS"


# Every dynamic prefix the code builds keys from, and the values it is built with.
DYNAMIC: dict[str, tuple[str, ...]] = {
    "cat.": CATEGORIES,
    "level.": LEVELS,
    "source.": SOURCES,
    "unit.": UNITS,
    "qual.": QUALIFIERS,
    "col.": (*metrics.MEASURES, *{v.split(".", 1)[1]
                                  for v in tables.COLUMN_KEYS.values()}),
    "vol.by.": metrics.DIMS,
    "vol.": ("monthly", "yearly"),
    "overview.platform.": ("1", "2", "3", "4"),
    "err.": tuple(sorted(error_codes())),
    # import, history, templates (#6)
    "import.table.": ("zones", "products", "destinations", "export_volumes"),
    "import.mode.": ("upsert", "replace"),
    "hist.action.": ("import", "undo"),
    "tpl.format.": ("str", "int", "float"),
    "brief.format.": brief_export.FORMATS,
    "brief.sheet.": brief.TABLES,
    "brief.what.": ("product", "dest", "prefecture", "zone"),
    "brief.measure.": metrics.MEASURES,  # the deck's composition titles (#22)
    # growth like for like (issue 17)
    "growth.why.": (growth.NO_PREVIOUS, growth.NO_COMMON, growth.PREVIOUS_ZERO),
    "page.": ("overview", "zones", "destinations", "volumes", "data"),  # run-sheets (#16)
    # key points (#21)
    "kp.total.": metrics.MEASURES,
    "kp.measure.": metrics.MEASURES,
    "kp.dim.": metrics.DIMS,
    "kp.dim1.": metrics.DIMS,
    "kp.growth.": ("up", "down", "flat"),
    "kp.": ("unit.money.yi", "unit.money.wan", "unit.money.million", "unit.money.thousand"),
    # sign-in, roles and the audit trail (#25)
    "access.err.": ("toml", "unreadable", "unknown_key", "unknown_role", "not_bool",
                    "not_table", "bad_scope", "unknown_prefecture", "duplicate_user"),
    "access.role.": (*ROLES, "password", "cli"),
    "access.what.": ("import", "undo", "runsheet"),
    "audit.via.": ("oidc", "proxy", "password", "cli"),
    "audit.action.": AUDIT_ACTIONS,
    "audit.col.": AUDIT_COLUMNS,
    "audit.reason.": REFUSALS,
    "id.mode.": ("oidc", "proxy", "password"),
    "desc.unit.": metrics.MEASURES,  # chart descriptions (#23)
    "dl.measure.": metrics.MEASURES,  # download names (#23)
    # the presenter's console and a view in words (#24)
    "rs.follow.": ("unknown", "stale", "other"),
    "words.lang.": ("zh", "en"),
    "opt.": metrics.MEASURES,
}


def test_every_dynamic_prefix_is_known() -> None:
    unknown = dynamic_t_prefixes() - set(DYNAMIC)
    assert not unknown, f"add the values of {unknown} to DYNAMIC"


@pytest.mark.parametrize("key", sorted(f"{p}{v}" for p, vs in DYNAMIC.items() for v in vs))
def test_dynamic_key_exists(key: str) -> None:
    assert key in STRINGS


# -- number formats -------------------------------------------------------------------

@pytest.mark.parametrize(("value", "zh", "en"), [
    (1.2e8, "1.2亿", "120 million"),
    (110_000_000_000, "1100亿", "110 billion"),
    (999_999, "999,999", "999,999"),  # exact: 100万 would round it
    (1_000_000, "100万", "1 million"),
    (60356, "60,356", "60,356"),  # not 6.04万 (issue 9)
    (39448, "39,448", "39,448"),
    (10000, "1万", "10,000"),
    (15000.0, "1.5万", "15,000"),
    (123_400, "12.34万", "123,400"),
    (5175, "5175", "5,175"),
    (2303.0, "2303", "2,303"),
    (16, "16", "16"),
    (0, "0", "0"),
    (12.5, "12.5", "12.5"),
    (1234567.89, "1,234,567.89", "1,234,567.89"),
    (4567.89, "4567.89", "4,567.89"),
    (-50000, "-5万", "-50,000"),
    (None, "–", "–"),
    (float("nan"), "–", "–"),
])
def test_fmt_number(value: float | None, zh: str, en: str) -> None:
    assert fmt_number(value, "zh") == zh
    assert fmt_number(value, "en") == en


@pytest.mark.parametrize(("value", "zh", "en"), [
    (60356, "6.04万", "60,356"),
    (1234567.89, "123.46万", "1.23 million"),
    (4567.89, "4567.9", "4,567.9"),
])
def test_fmt_number_rounds_only_when_asked(value: float, zh: str, en: str) -> None:
    assert fmt_number(value, "zh", exact=False) == zh
    assert fmt_number(value, "en", exact=False) == en


@pytest.mark.parametrize(("value", "unit", "qualifier", "zh", "en"), [
    (50, "memoranda", "more_than", "50余份", "50+ memoranda"),
    (310, "enterprises", "more_than", "310余家", "310+ enterprises"),
    (10, "outlets", "more_than", "10余家", "10+ outlets"),
    (1968, "declarations", "approximately", "约1968批", "≈ 1,968 declarations"),
    (120_000_000, "usd", "exact", "1.2亿美元", "USD 120 million"),
    (110_000_000_000, "cny", "exact", "1100亿元", "CNY 110 billion"),
    (6, "rank", "exact", "第6名", "No. 6"),
    (17, "percent", "exact", "17%", "17%"),
    (60356, "teu", "exact", "60,356标箱", "60,356 TEU"),
])
def test_fmt_quantity(value: float, unit: str, qualifier: str, zh: str, en: str) -> None:
    assert fmt_quantity(value, unit, "zh", qualifier) == zh
    assert fmt_quantity(value, unit, "en", qualifier) == en


@pytest.mark.parametrize(("low", "high", "unit", "zh", "en"), [
    (1960, 1977, "declarations", "1960–1977批", "1,960–1,977 declarations"),
    (39319, 39578, "teu", "39,319–39,578标箱", "39,319–39,578 TEU"),
])
def test_fmt_range(low: float, high: float, unit: str, zh: str, en: str) -> None:
    assert fmt_range(low, high, unit, "zh") == zh
    assert fmt_range(low, high, unit, "en") == en


def test_fmt_quantity_defaults_to_exact() -> None:
    assert fmt_quantity(16, "measures", "en") == "16 measures"


@pytest.mark.parametrize(("value", "text"), [(0.25, "+25.0%"), (-0.1, "-10.0%"),
                                             (0.0, "+0.0%"), (None, "–"),
                                             (float("nan"), "–")])
def test_fmt_percent(value: float | None, text: str) -> None:
    for lang in LANGS:
        assert fmt_percent(value, lang) == text


def test_every_bundled_figure_formats_in_both_languages(dataset) -> None:
    for fig in dataset.figures.itertuples():
        for lang in LANGS:
            text = fmt_quantity(fig.value, fig.unit, lang, fig.qualifier)
            assert "{" not in text
            assert "unit." not in text
            assert "qual." not in text


def test_page_option_labels_exist() -> None:
    """The volumes page's segmented controls build keys from a pattern per option."""
    from zones.links import PAGE_OPTION_LABEL_KEYS as patterns
    from zones.view import PAGE_OPTIONS as options

    assert options, "no page options to check"
    assert set(patterns) == set(options)
    for key, values in options.items():
        for value in values:
            assert patterns[key].format(value) in STRINGS, (key, value)
