"""The view as one value: a ``View`` survives every form it travels in, unchanged."""

from __future__ import annotations

import argparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zones.cli.common import UsageError, add_view, view_of
from zones.links import view_from_link, view_from_query
from zones.model import Dataset
from zones.runsheets.sheet import RunSheet, Step, read, to_bytes
from zones.view import (
    DIMS,
    MEASURES,
    PAGES,
    Filter,
    View,
    from_params,
)


def test_defaults_and_other_pages_options_are_left_out() -> None:
    view = View.of("overview", options={"by": "zone", "profile": "x"})
    assert view.options == ()
    volumes = View.of("volumes", options={"by": "product", "measure": "value_usd"})
    assert volumes.options == (("measure", "value_usd"),)
    assert volumes.option("by") == "product" and volumes.option("interval") == "yearly"
    assert volumes.replace(page="zones").options == ()


def test_unknown_page_language_or_option_is_refused() -> None:
    with pytest.raises(ValueError):
        View.of("nowhere")
    with pytest.raises(ValueError):
        View.of("overview", lang="fr")
    with pytest.raises(ValueError):
        View.of("volumes", options={"measure": "kilos"})


def test_link_is_sorted_and_omits_defaults() -> None:
    view = View.of("volumes", Filter(products=("ginseng",), destinations=("JPN", "KOR"),
                                     period=("2009-01", "2010-12")),
                   lang="en", options={"interval": "monthly"})
    assert view.link() == ("/volumes?dest=JPN&dest=KOR&interval=monthly&lang=en"
                           "&period=2009-01&period=2010-12&product=ginseng")
    assert View().link() == "/"
    assert View().link(runsheet="a", step="2") == "/?runsheet=a&step=2"


def test_cli_args_name_every_part() -> None:
    view = View.of("zones", Filter(zones=("dehui-poultry",), period=("2009-01", "2009-12"),
                                   report_only=True), lang="en", present=True,
                   options={"profile": "dehui-poultry"})
    assert view.cli_args() == [
        "--page", "zones", "--lang", "en", "--zone", "dehui-poultry",
        "--period", "2009-01:2009-12", "--report-only", "--present",
        "--profile", "dehui-poultry"]


def test_a_typed_link_and_its_canonical_link_are_one_view(dataset: Dataset) -> None:
    typed, problems = view_from_link(dataset, "/volumes?product=人参&dest=Japan&lang=English"
                                              "&step=monthly&period=2009")
    assert problems == ()
    assert typed == View.of("volumes", Filter(products=("ginseng",), destinations=("JPN",),
                                              period=("2009-01", "2009-12")),
                            lang="en", options={"interval": "monthly"})
    assert view_from_link(dataset, typed.link()) == (typed, ())
    queried, _ = view_from_query(dataset, "volumes", {"product": ["ginseng"], "dest": "JPN",
                                                      "lang": "en", "interval": "monthly",
                                                      "period": ["2009-01", "2009-12"]})
    assert queried == typed


def test_a_bad_value_is_named_and_the_rest_kept(dataset: Dataset) -> None:
    view, problems = view_from_link(dataset, "/?product=nonsense&dest=JPN")
    assert view.filter == Filter(destinations=("JPN",))
    assert [p.key for p in problems] == ["product"]
    assert "nonsense" in problems[0].message["zh"] and "nonsense" in problems[0].message["en"]


def _views(ds: Dataset) -> st.SearchStrategy[View]:
    periods = list(ds.periods)

    def subset(ids):
        return st.lists(st.sampled_from(sorted(ids)), unique=True, max_size=3).map(tuple)

    @st.composite
    def period(draw):
        a, b = sorted(draw(st.lists(st.sampled_from(periods), min_size=2, max_size=2)))
        return None if (a, b) == (periods[0], periods[-1]) else (a, b)

    filters = st.builds(
        Filter,
        products=subset(ds.products["product_id"]),
        destinations=subset(ds.destinations["iso3"]),
        prefectures=subset(ds.counties["prefecture_adcode"].astype(str).unique()),
        zones=subset(ds.zones["zone_id"]),
        period=period(), report_only=st.booleans())
    options = st.fixed_dictionaries({}, optional={
        "interval": st.sampled_from(("monthly", "yearly")), "by": st.sampled_from(DIMS),
        "measure": st.sampled_from(MEASURES),
        "profile": st.sampled_from(sorted(ds.zones["zone_id"]))})
    return st.builds(View.of, page=st.sampled_from(PAGES), filter=filters,
                     lang=st.sampled_from(("zh", "en")), present=st.booleans(),
                     options=options)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_views_survive_link_and_runsheet(dataset: Dataset, data) -> None:
    view = data.draw(_views(dataset))
    again, problems = view_from_link(dataset, view.link())
    assert problems == () and again == view
    # A run-sheet step stores the link; reading the file back gives the same view.
    sheet = RunSheet(id="t", title="t", steps=(Step(title="s", view=view.link()),))
    checked = read(dataset, to_bytes(sheet), "t.toml", "t")
    assert checked.ok, [p.text("en") for p in checked.problems]
    (step,) = checked.steps
    assert from_params(step.page, step.params) == view


def _cli_view(dataset: Dataset, args: list[str]) -> View:
    parser = argparse.ArgumentParser()
    add_view(parser)
    return view_of(dataset, parser.parse_args(args))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_views_survive_url_cli_flags_and_runsheet(dataset: Dataset, data) -> None:
    """URL → View → ``cli_args`` → the CLI's parser → View → run-sheet step → URL."""
    url = data.draw(_views(dataset)).link()
    view, problems = view_from_link(dataset, url)
    assert problems == ()
    from_cli = _cli_view(dataset, view.cli_args())
    assert from_cli == view
    sheet = RunSheet(id="t", title="t", steps=(Step(title="s", view=from_cli.link()),))
    checked = read(dataset, to_bytes(sheet), "t.toml", "t")
    assert checked.ok, [p.text("en") for p in checked.problems]
    (step,) = checked.steps
    assert from_params(step.page, step.params).link() == url


def test_cli_period_takes_the_links_forms_and_the_colon_form(dataset: Dataset) -> None:
    want = Filter(period=("2009-01", "2011-12"))
    for args in (["--period", "2009-01:2011-12"], ["--period", "2009-01", "--period", "2011-12"],
                 ["--period", "2009", "--period", "2011"]):
        assert _cli_view(dataset, args).filter == want, args
    assert _cli_view(dataset, ["--period", "2010"]).filter.period == ("2010-01", "2010-12")


def test_cli_names_labels_and_ids_are_one_view(dataset: Dataset) -> None:
    by_id = _cli_view(dataset, ["--product", "ginseng", "--dest", "JPN", "--by", "zone"])
    assert by_id == View.of("volumes", Filter(products=("ginseng",), destinations=("JPN",)),
                            options={"by": "zone"})
    assert _cli_view(dataset, ["--product", "人参", "--dest", "Japan", "--by", "zone"]) == by_id
    assert _cli_view(dataset, ["--product", "人参 Ginseng", "--dest", "日本 Japan",
                               "--page", "volumes", "--by", "zone"]) == by_id


def test_cli_problems_are_translated_usage_errors(dataset: Dataset) -> None:
    with pytest.raises(UsageError) as err:
        _cli_view(dataset, ["--lang", "en", "--product", "durian", "--zone", "nowhere"])
    assert "durian" in str(err.value) and "nowhere" in str(err.value)
    assert "Unknown product" in str(err.value)
    with pytest.raises(UsageError, match="2011-01:2009-01"):
        _cli_view(dataset, ["--lang", "en", "--period", "2011-01:2009-01"])
