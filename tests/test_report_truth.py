"""What the dashboard says matches what the report says (issue 9).

Each test here failed on the strings and data before issue 9: a rounded exact figure,
"the report gives no export volumes", Dehui's launch year as a report fact, "national"
media, a bare "首批示范区", a source line that made the bureau the author, derived figures
stored as report rows, and first exports that read as "first ever".
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from zones import datafiles, derived, metrics
from zones.dataset.filters import FilterState, apply_filters
from zones.i18n import LANGS, STRINGS, t
from zones.model import Dataset

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:万|亿| million| billion)?")
SCALE = {"万": 1e4, "亿": 1e8, "million": 1e6, "billion": 1e9}


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _figure_rows() -> list[dict[str, str]]:
    return _rows("report_figures.csv")


def shown_value(text: str) -> float:
    """The one number a tile shows, read back with its 万/亿/million/billion."""
    found = NUMBER.findall(text)
    assert len(found) == 1, (text, found)
    token = found[0].strip()
    scale = 1.0
    for word, factor in SCALE.items():
        if token.endswith(word):
            token, scale = token[: -len(word)].strip(), factor
    return float(token.replace(",", "")) * scale


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("figure_id", [r["figure_id"] for r in _figure_rows()])
def test_every_report_figure_is_shown_exactly(dataset: Dataset, figure_id: str,
                                              lang: str) -> None:
    """The tile text reproduces the value digit for digit (60,356, never 6.04万)."""
    fig = dataset.figures[dataset.figures["figure_id"] == figure_id]
    ((_label, shown, _help),) = metrics.figure_kpis(dataset, fig, lang)
    assert shown_value(shown) == float(fig["value"].iloc[0]), shown


def test_the_teu_figure_reads_as_printed(dataset: Dataset) -> None:
    fig = dataset.figures[dataset.figures["figure_id"] == "E5-teu"]
    assert metrics.figure_kpis(dataset, fig, "zh")[0][1] == "60,356标箱"
    assert metrics.figure_kpis(dataset, fig, "en")[0][1] == "60,356 TEU"


# -- export volumes: the report gives one (C4), not none --------------------------------

FALSE_NO_VOLUMES = ("没有给出任何出口量", "gives no export volume", "no volumes at all",
                    "gives no export volume at all")


def test_no_text_says_the_report_gives_no_export_volumes() -> None:
    texts = [s for pair in STRINGS.values() for s in pair]
    texts += [(DATA / "SOURCES.md").read_text(encoding="utf-8"),
              (ROOT / "scripts" / "generate_volumes.py").read_text(encoding="utf-8"),
              (ROOT / "README.md").read_text(encoding="utf-8")]
    for text in texts:
        for phrase in FALSE_NO_VOLUMES:
            assert phrase not in text, text[:120]


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ("C4", "直通放行", "示范区", "产品", "目的地", "月份")),
    ("en", ("C4", "direct-release", "zone", "product", "destination", "month")),
])
def test_facts_only_volume_message_says_what_is_true(lang: str, words: tuple[str, ...]
                                                     ) -> None:
    text = t("empty.facts_only_volumes", lang)
    assert all(w in text for w in words), text


# -- Dehui: national first batch; its launch and its place among the 16 are not given --

def test_dehui_has_no_launch_year_as_a_report_fact(dataset: Dataset) -> None:
    dehui = next(r for r in _rows("zones.csv") if r["zone_id"] == "dehui-poultry")
    assert dehui["source"] == "report"
    assert dehui["launched"] == ""
    for lang in LANGS:
        profile = metrics.zone_profile(dataset, "dehui-poultry", dataset.volumes, lang)
        assert "2010" not in profile.launched
        assert profile.launched == t("zones.launched_unknown", lang)
        assert "2010" not in profile.note


@pytest.mark.parametrize(("lang", "word"), [("zh", "假定"), ("en", "ssumption")])
def test_counting_dehui_among_the_16_is_called_an_assumption(dataset: Dataset, lang: str,
                                                             word: str) -> None:
    assert word in t("zones.assumption", lang)
    assert word in t("banner.illustrative", lang)
    dehui = dataset.zones[dataset.zones["zone_id"] == "dehui-poultry"].iloc[0]
    assert word in dehui["note_zh" if lang == "zh" else "note_en"]
    assert word in (DATA / "SOURCES.md").read_text(encoding="utf-8") or lang == "zh"


def test_pages_that_count_the_16_say_it_is_an_assumption() -> None:
    for page in ("overview.py", "zones.py"):
        assert 't("zones.assumption", lang)' in (ROOT / "pages" / page).read_text("utf-8")


# -- Z6, Z1, the source line ------------------------------------------------------------

def test_z6_is_media_outlets_not_national_media(dataset: Dataset) -> None:
    z6 = dataset.facts[dataset.facts["fact_id"] == "Z6"].iloc[0]
    assert "national" not in z6["text_en"].lower()
    assert "CCTV" in z6["text_en"] and "Xinhua" in z6["text_en"]
    assert "中央电视台" in z6["text_zh"] and "新华社" in z6["text_zh"]
    for _zh, en in STRINGS.values():
        assert "national media" not in en.lower()


def test_the_16_are_labelled_as_the_provinces_first_batch(dataset: Dataset) -> None:
    z1 = dataset.figures[dataset.figures["figure_id"] == "Z1-zones"].iloc[0]
    assert "今年" in z1["label_zh"] and "全省" in z1["label_zh"]
    assert "Jilin" in z1["label_en"] and "national" not in z1["label_en"].lower()
    fact = dataset.facts[dataset.facts["fact_id"] == "Z1"].iloc[0]
    assert "今年确定的首批16个" in fact["text_zh"]
    assert "province" in fact["text_en"]


def test_source_line_cites_the_review_by_title_and_subtitle() -> None:
    zh, en = STRINGS["app.source_line"]
    assert "《依托“四个平台” 实现“四个提升”——吉林检验检疫局“质量提升”活动综述》" in zh
    assert not zh.startswith("资料来源：吉林检验检疫局")
    assert "review" in en and "four improvements" in en
    assert "Source: Jilin Entry-Exit" not in en
    assert "bureau report" not in (ROOT / "README.md").read_text(encoding="utf-8")


# -- precision ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_inferred_follows_the_year_on_the_world_map_and_cards(dataset: Dataset,
                                                              lang: str) -> None:
    view = apply_filters(dataset, FilterState())
    _arcs, _dests, firsts = metrics.routes(dataset, view.zones, view.volumes,
                                           view.first_exports, lang)
    marker = "（推断）" if lang == "zh" else "(inferred)"
    assert all(label.endswith(f"2010{marker}" if lang == "zh" else f"2010 {marker}")
               for label in firsts["label"]), firsts["label"].tolist()
    assert "推断" in t("first.card", lang, year=2010) or "inferred" in t(
        "first.card", lang, year=2010)


def test_derived_figures_are_not_report_rows(dataset: Dataset) -> None:
    rows = _figure_rows()
    assert not [r for r in rows if r["derived_from"] or r["qualifier"] == "approximately"]
    inv = datafiles.file_inventory(dataset, "en")
    row = inv[inv[t("data.file", "en")] == "report_figures.csv"].iloc[0]
    assert row[t("data.report_rows", "en")] == len(rows)


def test_derived_figures_are_honest_ranges(dataset: Dataset) -> None:
    got = {d.base_id: (d.low, d.high) for d in derived.derived_figures(dataset.figures)}
    assert got == {"E5-declarations": (1960, 1977), "E5-teu": (39320, 39578)}
    tiles = derived.derived_kpis(dataset, dataset.figures, "en")
    assert [v for _, v, _ in tiles] == ["1,960–1,977 declarations", "39,320–39,578 TEU"]
    assert all("Derived" in h and "rounded" in h for _, _, h in tiles)


@pytest.mark.parametrize("figure_id", ["E5-declarations", "E5-teu", "E5-declarations-growth",
                                       "E5-teu-growth"])
def test_e5_is_the_bureau_accepting_entry_exit_declarations(dataset: Dataset,
                                                            figure_id: str) -> None:
    fig = dataset.figures[dataset.figures["figure_id"] == figure_id].iloc[0]
    assert not fig["label_zh"].startswith("汽车产业区")
    assert not fig["label_en"].startswith("Auto-industry zone")
    assert "出入境" in fig["label_zh"] or "同比" in fig["label_zh"]
    e5 = dataset.facts[dataset.facts["fact_id"] == "E5"].iloc[0]
    assert "受理出入境集装箱报检" in e5["text_zh"] and "accepted" in e5["text_en"]
    assert "heading" in e5["text_en"] and "entry-exit" in e5["text_en"]


def test_e4_investment_is_the_parks_and_names_the_company(dataset: Dataset) -> None:
    e4 = dataset.facts[dataset.facts["fact_id"] == "E4"].iloc[0]
    assert "吉林中新成公司" in e4["text_zh"] and "该园区计划投资1100亿元" in e4["text_zh"]
    assert "park" in e4["text_en"] and "Zhongxincheng" in e4["text_en"]
    inv = dataset.figures[dataset.figures["figure_id"] == "E4-investment"].iloc[0]
    assert "园区" in inv["label_zh"] and "park" in inv["label_en"]


def test_c5_and_c6_keep_the_reports_wording(dataset: Dataset) -> None:
    facts = dataset.facts.set_index("fact_id")
    assert "Tianjin" in facts.loc["C5", "text_en"]
    assert "regional cooperation and customs facilitation" in facts.loc["C5", "text_en"]
    assert "等市" in facts.loc["C6", "text_zh"]
    assert "and other cities" in facts.loc["C6", "text_en"]


@pytest.mark.parametrize("fact_id", ["F0", "F1", "F2", "F3", "F4", "F5"])
def test_first_exports_are_first_from_jilin_province(dataset: Dataset, fact_id: str) -> None:
    fact = dataset.facts[dataset.facts["fact_id"] == fact_id].iloc[0]
    assert "from Jilin Province" in fact["text_en"]
    assert "吉林省" in fact["text_zh"]


def test_first_export_wording_on_screen() -> None:
    assert "Jilin Province" in t("overview.first_exports", "en")
    assert "from Jilin Province" in t("first.card", "en", year=2010)
    assert "吉林省" in t("first.card", "zh", year=2010)


def test_products_say_deer_industry() -> None:
    names = {r["product_id"]: r["name_zh"] for r in _rows("products.csv")}
    assert names["deer_products"] == "鹿产业"
    assert "鹿产品" not in names.values()


FIRST_ROUTES = [("deer_meat", "AFG"), ("raspberry", "USA"), ("peanut", "CAN"),
                ("chinese_cabbage", "KOR"), ("radish", "JPN")]


@pytest.mark.parametrize(("product", "iso3"), FIRST_ROUTES)
def test_first_route_volumes_imply_no_month_of_2010(product: str, iso3: str) -> None:
    """The report gives no month: a series starting in some 2010 month would invent one."""
    periods = {r["period"] for r in _rows("export_volumes.csv")
               if r["product_id"] == product and r["destination_iso3"] == iso3}
    assert periods, "the route has no illustrative trade at all"
    assert not {p for p in periods if p < "2011-01"}
