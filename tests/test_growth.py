"""Growth (同比) like for like: the rule against a plain pandas reference, on files and
PostgreSQL, with part-years, gaps and mixed sources (issue 17, item 1).

The reference below is written from the definition, with boolean masks over the raw
rows, independently of ``zones.growth``: for each year, the months that both it and
the calendar year before have (any row, even a zero) are summed in both years.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zones import growth, metrics
from zones.dataset.filters import FilterState, apply_filters
from zones.dataset.volumes import LabeledVolumes, PandasVolumeQuery, VolumeFilter, Volumes
from zones.i18n import t
from zones.model import Dataset

SOURCE_LABELS = {"illustrative": "Illustrative (not a fact)", "imported": "Imported"}


def reference(rows: pd.DataFrame, measure: str) -> pd.DataFrame:
    """year → (growth, compared months, growth sources), straight from the definition."""
    rows = rows[rows[measure].notna()]
    year = rows["period"].str[:4].astype(int)
    month = rows["period"].str[5:7].astype(int)
    out = []
    for y in sorted(set(year)):
        mine, before = set(month[year == y]), set(month[year == y - 1])
        common = sorted(mine & before)
        cur = rows[(year == y) & month.isin(common)]
        prev = rows[(year == y - 1) & month.isin(common)]
        g = np.nan
        if common and prev[measure].sum() != 0:
            g = cur[measure].sum() / prev[measure].sum() - 1
        srcs = set(cur["source"]) | set(prev["source"]) if common else set()
        out.append({"year": str(y), "growth": g, "compared": tuple(common),
                    "sources": srcs, "total": rows.loc[year == y, measure].sum()})
    return pd.DataFrame(out, columns=["year", "growth", "compared", "sources", "total"])


def _frame(cells: list[tuple[str, str, float]]) -> pd.DataFrame:
    """Rows of a volumes file from (period, source, tonnes); two rows per cell (the sum)."""
    recs = []
    for period, source, tonnes in cells:
        for half in (0.25, 0.75):
            recs.append({"period": period, "zone_id": "z", "product_id": "p",
                         "destination_iso3": "JPN", "tonnes": tonnes * half,
                         "value_usd": tonnes * half * 1000, "consignments": 1,
                         "source": source})
    frame = pd.DataFrame(recs, columns=["period", "zone_id", "product_id", "destination_iso3",
                                        "tonnes", "value_usd", "consignments", "source"])
    return frame.astype({"period": "string", "source": "string"})


def _label(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(source_label=frame["source"].map(SOURCE_LABELS),
                        year=frame["period"].str[:4])


def _lazy(frame: pd.DataFrame, where: VolumeFilter) -> LabeledVolumes:
    """The same rows behind the query seam, as the database path sees them."""
    return LabeledVolumes(Volumes(PandasVolumeQuery(frame), where), _label)


def _check(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got["year"].tolist() == want["year"].tolist()
    for (_, g), (_, w) in zip(got.iterrows(), want.iterrows(), strict=True):
        if np.isnan(w["growth"]):
            assert pd.isna(g["growth"]), (g["year"], g["growth"])
        else:
            assert g["growth"] == pytest.approx(round(w["growth"], 4), abs=1e-9), g["year"]
        assert g["tonnes"] == pytest.approx(round(w["total"], 1), abs=0.051)
        want_src = " + ".join(SOURCE_LABELS[s] for s in ("illustrative", "imported")
                              if s in w["sources"])
        assert g["growth_source_label"] == want_src, g["year"]


# -- the rule, as a property -------------------------------------------------------------

_MONTHS = [f"{y}-{m:02d}" for y in range(2007, 2012) for m in range(1, 13)]
cells = st.lists(st.tuples(st.sampled_from(_MONTHS), st.sampled_from(list(SOURCE_LABELS)),
                           st.one_of(st.just(0.0), st.floats(0.5, 1e5))),
                 min_size=0, max_size=40)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(cells=cells, lo=st.sampled_from(_MONTHS), hi=st.sampled_from(_MONTHS))
def test_growth_equals_the_reference_on_rows_and_through_the_seam(
        cells: list[tuple[str, str, float]], lo: str, hi: str) -> None:
    lo, hi = min(lo, hi), max(lo, hi)
    frame = _frame(cells)
    inside = frame[(frame["period"] >= lo) & (frame["period"] <= hi)].reset_index(drop=True)
    want = reference(inside, "tonnes")
    _check(metrics.yoy(_label(inside), "tonnes", "en"), want)
    _check(metrics.yoy(_lazy(frame, VolumeFilter(period=(lo, hi))), "tonnes", "en"), want)


@given(months=st.sets(st.integers(1, 12), min_size=1))
def test_span_labels_name_every_month_and_only_those(months: set[int]) -> None:
    zh, en = growth.span_label(2008, sorted(months), "zh"), growth.span_label(
        2008, sorted(months), "en")
    if months == set(range(1, 13)):
        assert zh == en == "2008"
        return
    assert zh.startswith("2008年") and zh.endswith("月") and en.endswith(" 2008")
    shown: set[int] = set()
    for part in zh[5:-1].split("、"):
        a, _, b = part.partition("–")
        shown |= set(range(int(a), int(b or a) + 1))
    assert shown == months


# -- the cases of the issue --------------------------------------------------------------

def test_2009_over_a_half_2008_is_like_for_like_not_plus_51(dataset: Dataset) -> None:
    """Before: all of 2009 ÷ Jul–Dec 2008 = +51.0 %. Jul–Dec 2009 ÷ Jul–Dec 2008 = −7.7 %."""
    view = apply_filters(dataset, FilterState(period=("2008-07", "2012-12")))
    for lang, label, basis in (("zh", "2008年7–12月", "2009年7–12月 比 2008年7–12月"),
                               ("en", "Jul–Dec 2008", "Jul–Dec 2009 vs Jul–Dec 2008")):
        out = metrics.yoy(metrics.label_volumes(dataset, view.volumes, lang), "tonnes", lang)
        row = out.set_index("year")
        assert round(row.loc["2009", "growth"], 3) == -0.077
        assert round(row.loc["2009", "growth"], 3) != 0.510
        assert row.loc["2009", "growth_basis"] == basis
        assert row.loc["2008", "year_label"] == label
        assert pd.isna(row.loc["2008", "growth"])
        assert row.loc["2008", "growth_basis"] == t("growth.why.no_previous", lang)
        assert row.loc["2010", "year_label"] == "2010"
    rows = view.volumes
    jul_dec = rows[rows["period"].str[5:7] >= "07"]
    want = (jul_dec[jul_dec["period"].str[:4] == "2009"]["tonnes"].sum()
            / jul_dec[jul_dec["period"].str[:4] == "2008"]["tonnes"].sum() - 1)
    assert row.loc["2009", "growth"] == pytest.approx(round(want, 4))


def test_first_month_only_year_is_compared_on_that_month() -> None:
    """1995-12 … 1996: +1,108.9 % came from Dec 1995 alone under all of 1996."""
    cells = [("1995-12", "illustrative", 100.0)] + [
        (f"1996-{m:02d}", "illustrative", 100.0 + m) for m in range(1, 13)]
    out = metrics.yoy(_label(_frame(cells)), "tonnes", "en").set_index("year")
    assert out.loc["1995", "year_label"] == "Dec 1995"
    assert out.loc["1996", "growth"] == pytest.approx(0.12)
    assert out.loc["1996", "growth_basis"] == "Dec 1996 vs Dec 1995"


def test_mixed_sources_are_one_year_total_not_shifted_per_source() -> None:
    """Old _yoy shifted over (year, source) rows: 2011-imported was compared with
    2011-illustrative. Now each year is one total; the growth names both sources."""
    cells = ([(f"2010-{m:02d}", "illustrative", 10.0) for m in range(1, 13)]
             + [(f"2011-{m:02d}", "illustrative", 10.0) for m in range(1, 10)]
             + [(f"2011-{m:02d}", "imported", 12.0) for m in range(10, 13)])
    out = metrics.yoy(_label(_frame(cells)), "tonnes", "en")
    assert out["year"].tolist() == ["2010", "2011"]
    g = out.set_index("year").loc["2011"]
    assert g["growth"] == pytest.approx((90 + 36) / 120 - 1)
    assert g["growth_source_label"] == "Illustrative (not a fact) + Imported"
    assert g["source_label"] == "Illustrative (not a fact) + Imported"


def test_gap_year_and_disjoint_months_give_no_growth_and_say_why() -> None:
    cells = [("2008-01", "illustrative", 5.0), ("2009-06", "illustrative", 5.0),
             ("2011-06", "illustrative", 5.0)]
    out = metrics.yoy(_label(_frame(cells)), "tonnes", "zh").set_index("year")
    assert out["growth"].isna().all()
    assert out.loc["2009", "growth_basis"] == t("growth.why.no_common", "zh")
    assert out.loc["2011", "growth_basis"] == t("growth.why.no_previous", "zh")
    caption = metrics.growth_caption(out.reset_index(), "zh")
    assert "2009年6月：" + t("growth.why.no_common", "zh") in caption


def test_a_month_that_says_zero_counts_a_missing_one_does_not() -> None:
    zero = [("2009-01", "illustrative", 10.0), ("2009-02", "illustrative", 10.0),
            ("2010-01", "illustrative", 10.0), ("2010-02", "illustrative", 0.0)]
    out = metrics.yoy(_label(_frame(zero)), "tonnes", "en").set_index("year")
    assert out.loc["2010", "growth"] == pytest.approx(-0.5)  # Feb 2010 says 0: compared
    missing = zero[:3]
    out = metrics.yoy(_label(_frame(missing)), "tonnes", "en").set_index("year")
    assert out.loc["2010", "growth"] == pytest.approx(0.0)  # no Feb 2010: only Jan compared
    assert out.loc["2010", "growth_basis"] == "Jan 2010 vs Jan 2009"


def test_missing_months_are_named() -> None:
    frame = _label(_frame([("2009-01", "illustrative", 1.0), ("2009-04", "illustrative", 1.0)]))
    assert growth.missing_months(frame["period"]) == ["2009-02", "2009-03"]
    assert "2009-02、2009-03" in metrics.missing_months_note(frame, "zh")
    assert metrics.missing_months_note(frame[frame["period"] == "2009-01"], "en") == ""


def test_yearly_trend_names_the_part_year(dataset: Dataset) -> None:
    view = apply_filters(dataset, FilterState(period=("2008-07", "2012-12")))
    lab = metrics.label_volumes(dataset, view.volumes, "en")
    series = metrics.timeseries(lab, "product", "tonnes", True, "en")
    assert set(series.loc[series["year"] == "2008", "year_label"]) == {"Jul–Dec 2008"}
    assert set(series.loc[series["year"] == "2009", "year_label"]) == {"2009"}


# -- PostgreSQL: the same numbers --------------------------------------------------------

PERIODS = [("2008-07", "2012-12"), ("2008-01", "2012-12"), ("2009-03", "2011-08"),
           ("2010-11", "2012-02"), ("2008-12", "2009-01")]


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


@pytest.mark.parametrize("period", PERIODS, ids="-".join)
@pytest.mark.parametrize("measure", ["tonnes", "value_usd"])
def test_growth_is_the_same_on_postgresql(sql_dataset: Dataset, dataset: Dataset,
                                          period: tuple[str, str], measure: str) -> None:
    for state in (FilterState(period=period), FilterState(period=period,
                                                          products=("ginseng",))):
        sql_view, file_view = apply_filters(sql_dataset, state), apply_filters(dataset, state)
        got = metrics.yoy(metrics.label_volumes(sql_dataset, sql_view.volumes, "zh"),
                          measure, "zh")
        want = metrics.yoy(metrics.label_volumes(dataset, file_view.volumes, "zh"),
                           measure, "zh")
        pd.testing.assert_frame_equal(got, want)
        ref = reference(file_view.volumes.assign(period=file_view.volumes["period"].astype(str)),
                        measure)
        assert np.allclose(got["growth"].to_numpy(dtype=float),
                           ref["growth"].round(4).to_numpy(dtype=float), equal_nan=True)


def test_mixed_sources_on_postgresql_equal_the_files(loaded_db, dataset: Dataset) -> None:
    """Imported months inside illustrative years, written through the import path."""
    from sql_writes import write_tables

    from zones.dataset.loading import DATA_DIR
    from zones.sql.read import load_sql
    from zones.sql.schema import engine_from_url

    engine = engine_from_url(loaded_db("growth_mixed"))
    try:
        base = dataset.volumes
        pick = base[(base["zone_id"] == "dehui-poultry") & (base["period"] >= "2012-10")]
        imported = pick.assign(source="imported", tonnes=pick["tonnes"] * 2)
        extra = pick.assign(period=pick["period"].str.replace("2012", "2013"),
                            source="imported")
        rows = pd.concat([imported, extra], ignore_index=True)
        result = write_tables(engine, {"export_volumes.csv": rows})
        assert result.ok, result.issues
        sql_ds = load_sql(engine, DATA_DIR).dataset
        assert sql_ds is not None
        key = ["period", "zone_id", "product_id", "destination_iso3"]
        merged = pd.concat([base, rows]).drop_duplicates(key, keep="last")
        file_ds = replace(dataset, volumes=merged.reset_index(drop=True))
        state = FilterState(period=("2011-01", "2013-12"))
        got = metrics.yoy(metrics.label_volumes(
            sql_ds, apply_filters(sql_ds, state).volumes, "en"), "tonnes", "en")
        want = metrics.yoy(metrics.label_volumes(
            file_ds, apply_filters(file_ds, state).volumes, "en"), "tonnes", "en")
        pd.testing.assert_frame_equal(got, want)
        row = got.set_index("year").loc["2013"]
        assert row["year_label"] == "Oct–Dec 2013"
        assert row["growth_basis"] == "Oct–Dec 2013 vs Oct–Dec 2012"
        assert row["growth_source_label"] == "Illustrative (not a fact) + Imported"
    finally:
        engine.dispose()


# -- the data export carries the like-for-like growth, typed ------------------------------

def test_exported_growth_is_minus_7_7_as_a_number(dataset: Dataset) -> None:
    import datetime as dt

    import openpyxl

    from zones.brief.export import export

    out = export(dataset, FilterState(period=("2008-07", "2012-12")), "zh",
                 dt.date(2026, 12, 3), "data")
    zf = zipfile.ZipFile(io.BytesIO(out.data))
    book = openpyxl.load_workbook(io.BytesIO(zf.read(next(
        n for n in zf.namelist() if n.endswith(".xlsx")))))
    ws = book[t("brief.sheet.growth", "zh")]
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    by_year = {r[col[t("col.year", "zh")]]: r for r in rows}
    g = by_year[2009][col[t("col.growth_pct", "zh")]]
    assert isinstance(g, float) and round(g, 3) == -0.077
    assert by_year[2008][col[t("col.year_span", "zh")]] == "2008年7–12月"
    csv = next(n for n in zf.namelist() if t("brief.sheet.growth", "zh") in n)
    text = zf.read(csv).decode("utf-8-sig")
    assert "-7.71" in text and "'+" not in text and "+51.0" not in text
