"""The categorical engine (zones/columnar.py) gives the same tables as plain strings."""

from __future__ import annotations

import pandas as pd
import pytest

from zones import metrics
from zones.dataset.columnar import compact, derive, period_mask
from zones.dataset.filters import FilterState, apply_filters
from zones.model import Dataset

STATES = [
    FilterState(),
    FilterState(products=("ginseng", "rice"), period=("2009-03", "2011-08")),
    FilterState(destinations=("JPN", "KOR"), prefectures=("220100",)),
    FilterState(report_only=True),
    FilterState(products=("ginseng",), destinations=("AFG",)),
]


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_dtype=False, check_categorical=False)


@pytest.mark.parametrize("state", STATES, ids=range(len(STATES)))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_metrics_agree_on_both_engines(dataset: Dataset, state: FilterState,
                                       lang: str) -> None:
    fast = compact(dataset)
    assert isinstance(fast.volumes["zone_id"].dtype, pd.CategoricalDtype)
    views = [apply_filters(d, state) for d in (dataset, fast)]
    ids = ["period", "zone_id", "product_id", "destination_iso3", "source"]
    same(*[v.volumes.astype(dict.fromkeys(ids, "string")) for v in views])
    same(views[0].zones, views[1].zones)
    labeled = [metrics.label_volumes(d, v.volumes, lang) for d, v in zip(
        (dataset, fast), views, strict=True)]
    for by in ("product", "destination", "zone"):
        for measure in ("tonnes", "value_usd"):
            same(*[metrics.timeseries(x, by, measure, True) for x in labeled])
            same(*[metrics.timeseries(x, by, measure, False) for x in labeled])
            same(*[metrics.ranking(x, by, measure) for x in labeled])
    same(*[metrics.yoy(x, "tonnes", lang) for x in labeled])
    same(*[metrics.breakdown(x, "consignments") for x in labeled])
    same(*[metrics.zone_totals(d, v.zones, v.volumes, lang)
           for d, v in zip((dataset, fast), views, strict=True)])
    for a, b in zip(*[metrics.routes(d, v.zones, v.volumes, v.first_exports, lang)
                      for d, v in zip((dataset, fast), views, strict=True)], strict=True):
        same(a, b)


def test_derive_maps_once_per_category_and_fills_missing() -> None:
    calls: list[object] = []
    col = pd.Series(["b", "a", None, "b"], dtype="category")
    out = derive(col, lambda v: calls.append(v) or v.upper(), na="?")
    assert out.tolist() == ["B", "A", "?", "B"]
    assert sorted(calls) == ["a", "b"]  # once per category, not per row
    assert list(out.cat.categories) == ["?", "A", "B"]  # sorted like strings


@pytest.mark.parametrize("kind", ["string", "category"])
def test_period_mask(kind: str) -> None:
    periods = pd.Series(["2008-01", "2009-06", "2010-12", "2012-01"], dtype=kind)
    assert period_mask(periods, "2009-01", "2010-12").tolist() == [False, True, True, False]
    assert period_mask(periods, "2013-01", "2014-12").tolist() == [False] * 4


def test_whole_table_aggregates_are_memoised_and_equal(dataset: Dataset,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import zones.dataset.columnar as columnar

    monkeypatch.setattr(columnar, "BIG", 0)  # treat the bundled table as a big one
    fast = compact(dataset)
    assert columnar.is_full(fast.volumes)
    view = apply_filters(fast, FilterState())
    assert view.volumes is fast.volumes  # no filter: no copy
    first = metrics.label_volumes(fast, view.volumes, "en")
    assert metrics.label_volumes(fast, view.volumes, "en") is first  # labelled once
    series = metrics.timeseries(first, "product", "tonnes", True)
    assert metrics.timeseries(first, "product", "tonnes", True) is series
    plain_labeled = metrics.label_volumes(dataset, dataset.volumes, "en")
    same(series, metrics.timeseries(plain_labeled, "product", "tonnes", True))
    same(metrics.ranking(first, "zone", "value_usd"),
         metrics.ranking(plain_labeled, "zone", "value_usd"))
    filtered = apply_filters(fast, FilterState(products=("rice",))).volumes
    assert not columnar.is_full(filtered)  # a filtered slice is computed, not kept


def test_a_filter_is_applied_and_aggregated_once_per_dataset(
        dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reruns of one view cost a lookup (issue 20): slices and their sums are kept per
    (dataset, filter), a few filters at a time, and an evicted filter's sums are freed."""
    import zones.dataset.columnar as columnar
    import zones.dataset.filters as filters

    monkeypatch.setattr(columnar, "BIG", 0)
    fast = compact(dataset)
    rice = FilterState(products=("rice",))
    first = filters.slices(fast, rice)
    assert filters.slices(fast, rice) is first
    assert filters.slices(fast, FilterState(products=("rice",))) is first  # equal filters
    labeled = metrics.label_volumes(fast, first.volumes, "en")
    assert metrics.label_volumes(fast, first.volumes, "en") is labeled
    grid = metrics.matrix(labeled, "tonnes")
    assert metrics.matrix(labeled, "tonnes") is grid
    same(grid, metrics.matrix(metrics.label_volumes(
        dataset, apply_filters(dataset, rice).volumes, "en"), "tonnes"))
    assert filters.slices(compact(dataset), rice) is not first  # another dataset (version)
    for i in range(filters._SLICES_LIMIT + 1):  # push ``rice`` out
        filters.slices(fast, FilterState(period=("2009-01", f"2009-{i + 2:02d}")))
    assert not columnar.is_full(first.volumes) and not columnar.is_full(labeled)
    assert filters.slices(fast, rice) is not first
