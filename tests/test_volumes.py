"""The volumes seam without a database: a ``Volumes`` over ``PandasVolumeQuery`` must give
every metric exactly what the frame of rows gives (the SQL backend answers the same
questions; tests/test_sql.py checks its sums against these)."""

from __future__ import annotations

import pandas as pd
import pytest

from zones import datafiles, metrics
from zones.charts import plots as charts
from zones.dataset.filters import FilterState, apply_filters
from zones.dataset.volumes import (
    ROWS,
    LabeledVolumes,
    PandasVolumeQuery,
    VolumeFilter,
    Volumes,
    grouped,
    labeled_at,
)
from zones.model import Dataset

STATES = [
    FilterState(),
    FilterState(products=("ginseng",)),
    FilterState(destinations=("JPN", "KOR")),
    FilterState(prefectures=("220100",)),
    FilterState(zones=("dehui-poultry",), period=("2009-01", "2010-06")),
    FilterState(report_only=True),
    FilterState(products=("ginseng",), destinations=("AFG",)),
]
IDS = ["all", "product", "destinations", "prefecture", "zone+period", "facts", "nothing"]


@pytest.fixture(scope="module")
def lazy(dataset: Dataset) -> Dataset:
    """The bundled dataset with its volumes behind the query interface."""
    from dataclasses import replace

    return replace(dataset, volumes=Volumes(PandasVolumeQuery(dataset.volumes)))


def _same(a: pd.DataFrame, b: pd.DataFrame, by: list[str] | None = None) -> None:
    if by:
        a = a.sort_values(by).reset_index(drop=True)
        b = b.sort_values(by).reset_index(drop=True)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_dtype=False)


@pytest.mark.parametrize(("state", "lang"), [(s, "en") for s in STATES]
                         + [(STATES[0], "zh")], ids=[*IDS, "all-zh"])
def test_every_metric_is_the_same_through_the_seam(dataset: Dataset, lazy: Dataset,
                                                   state: FilterState, lang: str) -> None:
    rows, view = apply_filters(dataset, state), apply_filters(lazy, state)
    assert isinstance(view.volumes, Volumes)
    assert view.zones["zone_id"].tolist() == rows.zones["zone_id"].tolist()
    assert len(view.volumes) == len(rows.volumes)
    assert view.shows_illustrative == rows.shows_illustrative
    assert metrics.any_illustrative(view.volumes) == metrics.any_illustrative(rows.volumes)
    _same(metrics.zone_totals(lazy, view.zones, view.volumes, lang),
          metrics.zone_totals(dataset, rows.zones, rows.volumes, lang))
    _same(metrics.destination_totals(lazy, view.volumes, lang),
          metrics.destination_totals(dataset, rows.volumes, lang))
    for got, want in zip(metrics.routes(lazy, view.zones, view.volumes, view.first_exports,
                                        lang),
                         metrics.routes(dataset, rows.zones, rows.volumes, rows.first_exports,
                                        lang), strict=True):
        _same(got, want, [c for c in ("origin", "destination", "label") if c in got])
    lab_lazy = metrics.label_volumes(lazy, view.volumes, lang)
    lab_rows = metrics.label_volumes(dataset, rows.volumes, lang)
    assert isinstance(lab_lazy, LabeledVolumes)
    assert lab_lazy.empty == lab_rows.empty
    if lab_rows.empty:
        return
    for by in metrics.DIMS:
        for measure in metrics.MEASURES:
            for yearly in (True, False):
                _same(metrics.timeseries(lab_lazy, by, measure, yearly),
                      metrics.timeseries(lab_rows, by, measure, yearly))
            _same(metrics.ranking(lab_lazy, by, measure),
                  metrics.ranking(lab_rows, by, measure))
    for measure in metrics.MEASURES:
        _same(metrics.yoy(lab_lazy, measure, lang), metrics.yoy(lab_rows, measure, lang))
        _same(metrics.breakdown(lab_lazy, measure), metrics.breakdown(lab_rows, measure))
    palette = metrics.product_palette(dataset)
    assert (charts.color_scale("product", lab_lazy, palette).to_dict()
            == charts.color_scale("product", lab_rows, palette).to_dict())


@pytest.mark.parametrize("zone", ["dehui-poultry", "fusong-ginseng"])
def test_zone_profile_through_the_seam(dataset: Dataset, lazy: Dataset, zone: str) -> None:
    state = FilterState(destinations=("JPN",))
    got = metrics.zone_profile(lazy, zone, apply_filters(lazy, state).volumes, "en")
    want = metrics.zone_profile(dataset, zone, apply_filters(dataset, state).volumes, "en")
    _same(got.trend, want.trend)
    _same(got.destinations, want.destinations)


def test_data_page_counts_through_the_seam(dataset: Dataset, lazy: Dataset) -> None:
    _same(datafiles.file_inventory(lazy, "en"), datafiles.file_inventory(dataset, "en"))
    assert lazy.periods == dataset.periods


@pytest.mark.parametrize("by", [(), ("zone_id",), ("year", "source"),
                                ("period", "zone_id", "product_id", "destination_iso3")])
def test_pandas_totals_are_groupby_sums(dataset: Dataset, by: tuple[str, ...]) -> None:
    out = PandasVolumeQuery(dataset.volumes).totals(VolumeFilter(), by)
    assert int(out[ROWS].sum()) == len(dataset.volumes)
    assert out["tonnes"].sum() == pytest.approx(float(dataset.volumes["tonnes"].sum()))
    if by == ("period", "zone_id", "product_id", "destination_iso3"):
        assert len(out) == len(dataset.volumes)  # the key: one record per group


def test_unknown_grain_is_refused(dataset: Dataset) -> None:
    with pytest.raises(ValueError, match="cannot group"):
        Volumes(PandasVolumeQuery(dataset.volumes)).totals(("tonnes",))


def test_for_zone_narrows_never_widens(dataset: Dataset) -> None:
    v = Volumes(PandasVolumeQuery(dataset.volumes)).filtered(
        FilterState(zones=("dehui-poultry",)), {"dehui-poultry"})
    assert v.for_zone("fusong-ginseng").empty
    assert len(v.for_zone("dehui-poultry")) == len(v)


def test_frames_pass_through_unchanged(dataset: Dataset) -> None:
    assert grouped(dataset.volumes, ("zone_id",)) is dataset.volumes
    assert labeled_at(dataset.volumes, ("year",)) is dataset.volumes
