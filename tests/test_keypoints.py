"""Key points (要点, issue 21): every figure in a sentence is the one the charts show.

The property test draws random filters and page options, builds the key points on the
files and on PostgreSQL, parses the numbers back out of the Chinese and the English
sentences, and compares them with what ``metrics`` gives the growth and ranking charts.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zones import keypoints, metrics
from zones.dataset.filters import apply_filters
from zones.i18n import t
from zones.model import Dataset
from zones.view import Filter, View

PRODUCTS = ("poultry_meat", "ginseng", "deer_products", "rice", "black_fungus", "radish")
DESTS = ("JPN", "KOR", "RUS", "USA", "AFG", "DEU")
PERIODS = (None, ("2008-07", "2012-12"), ("2009-03", "2011-08"), ("2010-01", "2010-12"),
           ("2008-12", "2009-01"), ("2012-01", "2012-06"))

# A figure and its unit as the sentence writes it → the number in the metric's unit.
_NUM = r"(\d[\d,]*(?:\.\d+)?)"
_MONEY = {"zh": re.compile(_NUM + r"(万|亿)美元"),
          "en": re.compile(r"USD " + _NUM + r" (thousand|million)")}
_SCALE = {"万": 1e4, "亿": 1e8, "thousand": 1e3, "million": 1e6}
_TONNES = {"zh": re.compile(_NUM + r"吨"), "en": re.compile(_NUM + r" t\b")}
_COUNT = {"zh": re.compile(_NUM + r"批"), "en": re.compile(_NUM + r" consignments")}
_PCT = re.compile(_NUM + r"%")
_DOWN = {"zh": "下降", "en": "down "}


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def stated_total(text: str, measure: str, lang: str) -> tuple[float, float]:
    """(the total as written, in the metric's unit; half the last digit written)."""
    if measure == "value_usd":
        m = _MONEY[lang].search(text)
        assert m, text
        digits = len(m[1].partition(".")[2])
        return _num(m[1]) * _SCALE[m[2]], 0.5 * 10 ** -digits * _SCALE[m[2]]
    m = (_TONNES if measure == "tonnes" else _COUNT)[lang].search(text)
    assert m, text
    return _num(m[1]), 0.05 if "." in m[1] else 0.5


def latest_row(ds: Dataset, view: View, measure: str) -> pd.Series | None:
    """The growth chart's row of the latest full year (else the latest), from metrics."""
    slices = apply_filters(ds, view.filter)
    labeled = metrics.label_volumes(ds, slices.volumes, view.lang)
    if labeled.empty:
        return None
    growth = metrics.yoy(labeled, measure, view.lang)
    full = growth[growth["year_label"] == growth["year"]]
    return (full if not full.empty else growth).iloc[-1]


def check_against_metrics(ds: Dataset, view: View) -> tuple[keypoints.KeyPoint, ...]:
    lang = view.lang
    points = keypoints.key_points(ds, view)
    measure = keypoints.page_measure(view)
    row = latest_row(ds, view, measure)
    kinds = [p.kind for p in points]
    if row is None:
        assert "empty" in kinds and "total" not in kinds
        return points
    total = next(p for p in points if p.kind == "total")
    assert total.figures[0] == float(row[measure])  # exact, as the metric returned it
    stated, tol = stated_total(total.text, measure, lang)
    assert abs(stated - float(row[measure])) <= tol + 1e-9, (total.text, row[measure])
    assert str(row["year_label"]) in total.text
    if pd.isna(row["growth"]):
        assert len(total.figures) == 1
        assert _PCT.search(total.text) is None
        assert str(row["growth_basis"])[1:] in total.text  # the reason, said
    else:
        assert total.figures[1] == float(row["growth"])
        pct = _PCT.findall(total.text)
        assert len(pct) == 1, total.text
        sign = -1 if _DOWN[lang] in total.text else 1
        assert sign * _num(pct[0]) == pytest.approx(round(float(row["growth"]) * 100, 1))
    slices = apply_filters(ds, view.filter)
    labeled = metrics.label_volumes(ds, slices.volumes, lang)
    leaders = [p for p in points if p.kind == "leaders"]
    assert len(leaders) == len(keypoints.page_dims(view))
    for point, by in zip(leaders, keypoints.page_dims(view), strict=True):
        ranked = metrics.ranking(labeled, by, measure)  # the ranking chart's frame
        shares = [float(s) for s in ranked["share"].head(keypoints.LEADERS)]
        if ranked[by].nunique() > 1:
            assert point.figures == tuple(shares)
            written = [_num(x) for x in _PCT.findall(point.text)]
            assert written == [round(s * 100, 1) for s in shares], point.text
            for name in ranked[by].head(keypoints.LEADERS):
                assert str(name) in point.text
        else:
            assert point.figures == () and _PCT.search(point.text) is None
    return points


views = st.builds(
    lambda products, dests, period, page, lang, measure, by: View.of(
        page, Filter(products=tuple(products), destinations=tuple(dests), period=period),
        lang, options={"measure": measure, "by": by}),
    st.lists(st.sampled_from(PRODUCTS), max_size=2, unique=True),
    st.lists(st.sampled_from(DESTS), max_size=2, unique=True),
    st.sampled_from(PERIODS), st.sampled_from(("overview", "volumes")),
    st.sampled_from(("zh", "en")), st.sampled_from(("tonnes", "value_usd", "consignments")),
    st.sampled_from(("product", "destination", "zone")))


@settings(max_examples=40, deadline=None)
@given(view=views)
def test_every_figure_is_the_charts_figure_on_the_files(dataset: Dataset, view: View) -> None:
    check_against_metrics(dataset, view)


@pytest.fixture(scope="module")
def sql_dataset(sql_url: str):
    from zones.dataset.loading import DATA_DIR
    from zones.sql.read import load_sql
    from zones.sql.schema import engine_from_url

    engine = engine_from_url(sql_url)
    ds = load_sql(engine, DATA_DIR).dataset
    assert ds is not None
    yield ds
    engine.dispose()


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(view=views)
def test_every_figure_is_the_charts_figure_on_postgresql(sql_dataset: Dataset,
                                                         dataset: Dataset, view: View) -> None:
    points = check_against_metrics(sql_dataset, view)
    assert points == keypoints.key_points(dataset, view)  # and the same words as the files


# -- what the data cannot support -------------------------------------------------------

def test_an_empty_view_says_so(dataset: Dataset) -> None:
    view = View.of("volumes", Filter(zones=("dehui-poultry",), products=("ginseng",)))
    points = keypoints.key_points(dataset, view)
    assert points[0].kind == "empty" and points[0].text == t("kp.empty", "zh")
    assert not any(p.kind in ("total", "leaders") for p in points)
    facts = keypoints.key_points(dataset, View.of("overview", Filter(report_only=True), "en"))
    assert facts[0].text == t("kp.empty.facts_only", "en")
    assert [p.kind for p in facts[1:]] == ["first_exports", "report"]


def test_one_category_is_not_ranked(dataset: Dataset) -> None:
    view = View.of("volumes", Filter(zones=("dehui-poultry",)), "zh", options={"by": "product"})
    leaders = [p for p in keypoints.key_points(dataset, view) if p.kind == "leaders"]
    assert len(leaders) == 1 and leaders[0].figures == ()
    assert leaders[0].text == t("kp.leaders.one", "zh", what="产品", name="禽肉",
                                tag="（示意）")
    two = View.of("volumes", Filter(zones=("dehui-poultry",)), "zh",
                  options={"by": "destination"})
    ranked = [p for p in keypoints.key_points(dataset, two) if p.kind == "leaders"]
    assert len(ranked[0].figures) == keypoints.LEADERS


def test_no_earlier_year_gives_no_growth_and_says_why(dataset: Dataset) -> None:
    for lang in ("zh", "en"):
        view = View.of("volumes", Filter(period=("2008-07", "2008-12")), lang)
        total = keypoints.key_points(dataset, view)[0]
        assert total.kind == "total" and len(total.figures) == 1
        assert "%" not in total.text
        why = t("growth.why.no_previous", lang)
        assert (why if lang == "zh" else why[0].lower() + why[1:]) in total.text
        # a part-year is named by its months, not as the whole year
        assert total.text.startswith("2008年7–12月，" if lang == "zh" else "In Jul–Dec 2008, ")


def test_a_part_year_compares_the_same_months(dataset: Dataset) -> None:
    """No full year in the period: the latest part-year, compared on the months both have."""
    view = View.of("volumes", Filter(period=("2011-03", "2012-06")), "zh")
    total = keypoints.key_points(dataset, view)[0]
    assert total.text.startswith("2012年1–6月，")
    assert "比上年同期（2012年3–6月 比 2011年3–6月）" in total.text
    full = View.of("volumes", Filter(period=("2011-01", "2012-06")), "zh")
    assert keypoints.key_points(dataset, full)[0].text.startswith("2011年，")  # a full year


def test_illustrative_figures_are_marked_inside_the_sentence(dataset: Dataset) -> None:
    view = View.of("overview", Filter(products=("ginseng",), destinations=("JPN", "KOR")))
    total = keypoints.key_points(dataset, view)[0]
    assert total.sources == ("illustrative",)
    assert re.search(r"万美元（示意），同比增长[\d.]+%（示意）。$", total.text), total.text
    assert "人参对日本、韩国出口额" in total.text
    en = keypoints.key_points(dataset, view.replace(lang="en"))[0]
    assert re.search(r"million \(illustrative\), up [\d.]+% year on year \(illustrative\)\.$",
                     en.text), en.text
    imported = replace(dataset, volumes=dataset.volumes.assign(source="imported"))
    plain = keypoints.key_points(imported, view)
    assert all(t("source.illustrative_tag", "zh") not in p.text for p in plain)
    assert plain[0].sources == ("imported",)


def test_report_figures_that_concern_the_filter(dataset: Dataset) -> None:
    everything = keypoints.key_points(dataset, View.of("overview"))
    report = next(p for p in everything if p.kind == "report")
    assert report.sources == ("C4", "Z1", "Z3", "F0")
    assert "直通放行出口货值1.2亿美元" in report.text and 120000000.0 in report.figures
    ginseng = keypoints.key_points(dataset, View.of("overview", Filter(products=("ginseng",))))
    assert next(p for p in ginseng if p.kind == "report").sources == ("Z1",)
    rice = keypoints.key_points(dataset, View.of("overview", Filter(products=("rice",)), "en"))
    assert not any(p.kind == "report" for p in rice)  # the report says nothing of rice


def test_cached_per_view_and_copyable(dataset: Dataset) -> None:
    view = View.of("volumes", Filter(products=("ginseng",)), "en")
    first = keypoints.key_points(dataset, view)
    assert keypoints.key_points(dataset, view) is first
    assert keypoints.key_points(dataset, view.replace(present=True)) is first
    text = keypoints.as_text(first, "en")
    lines = text.splitlines()
    assert lines[0] == "Key points" and lines[1] == f"1. {first[0].text}"
    assert len(lines) == len(first) + 1
