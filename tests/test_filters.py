"""The shared filter: what each filter keeps, how the state reads in words, URL clean-up."""

from __future__ import annotations

import pandas as pd
import pytest

from zones.dataset.filters import FilterState, apply_filters, period_label, summary
from zones.model import Dataset

PRODUCTS = ["poultry_meat", "ginseng", "deer_products", "deer_meat", "raspberry", "peanut",
            "chinese_cabbage", "radish", "rice", "black_fungus"]
DESTINATIONS = ["AFG", "CAN", "DEU", "JPN", "KOR", "MNG", "MYS", "RUS", "SGP", "USA"]
PREFECTURES = ["220100", "220200", "220300", "220400", "220500", "220600", "220700",
               "220800", "222400"]
FIRST = {("deer_meat", "AFG"), ("raspberry", "USA"), ("peanut", "CAN"),
         ("chinese_cabbage", "KOR"), ("radish", "JPN")}


def test_no_filter_keeps_everything(dataset: Dataset) -> None:
    state = FilterState()
    assert state.is_empty
    view = apply_filters(dataset, state)
    assert len(view.zones) == len(dataset.zones) == 16
    assert len(view.volumes) == len(dataset.volumes)
    assert len(view.first_exports) == 5
    assert len(view.figures) == len(dataset.figures)
    assert view.shows_illustrative


@pytest.mark.parametrize("product", PRODUCTS)
def test_product_filter(dataset: Dataset, product: str) -> None:
    view = apply_filters(dataset, FilterState(products=(product,)))
    assert len(view.zones) > 0
    assert all(product in ps for ps in view.zones["product_list"])
    makers = {z for z, ps in zip(dataset.zones["zone_id"], dataset.zones["product_list"],
                                 strict=True) if product in ps}
    assert set(view.zones["zone_id"]) == makers
    assert len(view.volumes) > 0
    assert set(view.volumes["product_id"]) == {product}
    assert (view.first_exports["product_id"] == product).all()


@pytest.mark.parametrize("iso3", DESTINATIONS)
def test_destination_filter(dataset: Dataset, iso3: str) -> None:
    view = apply_filters(dataset, FilterState(destinations=(iso3,)))
    assert len(view.volumes) > 0
    assert set(view.volumes["destination_iso3"]) == {iso3}
    exporters = set(dataset.volumes.loc[dataset.volumes["destination_iso3"] == iso3,
                                        "zone_id"].dropna())
    assert set(view.zones["zone_id"]) == exporters
    assert (view.first_exports["destination_iso3"] == iso3).all()


@pytest.mark.parametrize("iso3", ["AFG", "CAN"])
def test_first_time_only_destinations_have_no_zone(dataset: Dataset, iso3: str) -> None:
    """AFG and CAN are reached only by first-time routes, which name no zone."""
    view = apply_filters(dataset, FilterState(destinations=(iso3,)))
    assert view.zones.empty
    assert view.volumes["zone_id"].isna().all()
    assert len(view.first_exports) == 1


@pytest.mark.parametrize("pref", PREFECTURES)
def test_prefecture_filter(dataset: Dataset, pref: str) -> None:
    view = apply_filters(dataset, FilterState(prefectures=(pref,)))
    assert (view.zones["prefecture_adcode"] == pref).all()
    expected = set(dataset.zones.loc[dataset.zones["prefecture_adcode"] == pref, "zone_id"])
    assert set(view.zones["zone_id"]) == expected
    # volumes are restricted to the prefecture's zones (unattributed volumes drop out)
    assert set(view.volumes["zone_id"].dropna()) <= expected
    assert view.volumes["zone_id"].notna().all()


@pytest.mark.parametrize("zone", ["dehui-poultry", "fusong-ginseng", "longjing-vegetables"])
def test_zone_filter(dataset: Dataset, zone: str) -> None:
    view = apply_filters(dataset, FilterState(zones=(zone,)))
    assert view.zones["zone_id"].tolist() == [zone]
    assert set(view.volumes["zone_id"]) == {zone}
    expected = dataset.volumes[dataset.volumes["zone_id"] == zone]
    assert len(view.volumes) == len(expected)


def test_several_zones(dataset: Dataset) -> None:
    zones = ("dehui-poultry", "shulan-rice")
    view = apply_filters(dataset, FilterState(zones=zones))
    assert set(view.zones["zone_id"]) == set(zones)
    assert set(view.volumes["zone_id"]) == set(zones)


@pytest.mark.parametrize(("start", "end", "first_count"), [
    ("2008-01", "2008-12", 0),
    ("2009-06", "2010-03", 5),
    ("2010-01", "2012-12", 5),
    ("2011-01", "2012-12", 0),
    ("2012-12", "2012-12", 0),
])
def test_period_filter_bounds(dataset: Dataset, start: str, end: str,
                              first_count: int) -> None:
    view = apply_filters(dataset, FilterState(period=(start, end)))
    assert view.volumes["period"].min() == start
    assert view.volumes["period"].max() == end
    expected = dataset.volumes[(dataset.volumes["period"] >= start)
                               & (dataset.volumes["period"] <= end)]
    assert len(view.volumes) == len(expected)
    assert len(view.first_exports) == first_count
    assert len(view.zones) == 16  # the period narrows volumes, not the zone list


def test_report_only(dataset: Dataset) -> None:
    state = FilterState(report_only=True)
    view = apply_filters(dataset, state)
    assert not state.is_empty
    assert view.zones["zone_id"].tolist() == ["dehui-poultry"]
    assert (view.zones["source"] == "report").all()
    assert view.volumes.empty
    assert len(view.first_exports) == 5
    assert (view.first_exports["source"] == "report").all()
    assert len(view.figures) == len(dataset.figures)
    assert not view.shows_illustrative


def test_report_only_with_destination_keeps_the_first_export(dataset: Dataset) -> None:
    view = apply_filters(dataset, FilterState(destinations=("AFG",), report_only=True))
    assert view.zones.empty
    assert view.volumes.empty
    assert view.first_exports["product_id"].tolist() == ["deer_meat"]


@pytest.mark.parametrize(("product", "iso3"), [
    ("ginseng", "JPN"), ("ginseng", "KOR"), ("poultry_meat", "RUS"), ("rice", "MNG"),
    ("raspberry", "USA"), ("peanut", "CAN"), ("radish", "JPN"), ("black_fungus", "DEU"),
])
def test_product_and_destination(dataset: Dataset, product: str, iso3: str) -> None:
    view = apply_filters(dataset, FilterState(products=(product,), destinations=(iso3,)))
    v = view.volumes
    assert len(v) > 0
    assert set(v["product_id"]) == {product}
    assert set(v["destination_iso3"]) == {iso3}
    assert all(product in ps for ps in view.zones["product_list"])
    assert set(view.zones["zone_id"]) == set(v["zone_id"].dropna())
    firsts = set(zip(view.first_exports["product_id"], view.first_exports["destination_iso3"],
                     strict=True))
    assert firsts == ({(product, iso3)} & FIRST)


@pytest.mark.parametrize("state", [
    FilterState(products=("ginseng",), destinations=("AFG",)),
    FilterState(products=("poultry_meat",), prefectures=("220600",)),
    FilterState(zones=("dehui-poultry",), report_only=True, destinations=("JPN",)),
    FilterState(products=("not_a_product",)),
    FilterState(destinations=("FRA",)),
    FilterState(zones=("nowhere",)),
    FilterState(period=("2030-01", "2030-12")),
], ids=["ginseng-afg", "poultry-baishan", "report-dehui-jpn", "unknown-product",
        "unknown-dest", "unknown-zone", "future-period"])
def test_filter_matching_nothing_gives_empty_frames(dataset: Dataset,
                                                   state: FilterState) -> None:
    view = apply_filters(dataset, state)
    assert view.volumes.empty
    assert list(view.volumes.columns) == list(dataset.volumes.columns)
    assert list(view.zones.columns) == list(dataset.zones.columns)
    summary(dataset, state, "zh")
    summary(dataset, state, "en")


def test_filters_do_not_mutate_the_dataset(dataset: Dataset) -> None:
    before = (dataset.zones.copy(), dataset.volumes.copy())
    apply_filters(dataset, FilterState(products=("ginseng",), destinations=("JPN",),
                                       period=("2009-01", "2011-12")))
    pd.testing.assert_frame_equal(dataset.zones, before[0])
    pd.testing.assert_frame_equal(dataset.volumes, before[1])


@pytest.mark.parametrize(("state", "zh", "en"), [
    (FilterState(products=("ginseng",), destinations=("JPN",),
                 period=("2009-01", "2011-12")),
     "人参 · 日本 · 2009–2011", "Ginseng · Japan · 2009–2011"),
    (FilterState(), "全部产品 · 全部目的地 · 2008–2012",
     "All products · all destinations · 2008–2012"),
    (FilterState(products=("ginseng", "rice")), "人参、大米 · 2008–2012",
     "Ginseng, Rice · 2008–2012"),
    (FilterState(destinations=("KOR",), period=("2010-03", "2010-08")),
     "韩国 · 2010-03–2010-08", "Republic of Korea · 2010-03–2010-08"),
    (FilterState(period=("2010-01", "2010-12")), "全部产品 · 全部目的地 · 2010",
     "All products · all destinations · 2010"),
    (FilterState(prefectures=("222400",)), "延边朝鲜族自治州 · 2008–2012", None),
    (FilterState(zones=("dehui-poultry",)), "吉林德惠禽肉出口质量安全示范区 · 2008–2012",
     "Dehui Poultry Meat Export Quality-Safety Demonstration Zone · 2008–2012"),
    (FilterState(report_only=True), "全部产品 · 全部目的地 · 2008–2012 · 仅报告事实",
     "All products · all destinations · 2008–2012 · report facts only"),
])
def test_summary(dataset: Dataset, state: FilterState, zh: str, en: str | None) -> None:
    assert summary(dataset, state, "zh") == zh
    if en is not None:
        assert summary(dataset, state, "en") == en


def test_summary_shows_unknown_ids_as_is(dataset: Dataset) -> None:
    assert summary(dataset, FilterState(products=("truffle",)), "en").startswith("truffle")


@pytest.mark.parametrize(("period", "label"), [
    (None, "2008–2012"),
    (("2009-01", "2011-12"), "2009–2011"),
    (("2010-01", "2010-12"), "2010"),
    (("2010-02", "2010-12"), "2010-02–2010-12"),
    (("2010-01", "2011-11"), "2010-01–2011-11"),
])
def test_period_label(dataset: Dataset, period, label: str) -> None:
    assert period_label(period, dataset.periods) == label
