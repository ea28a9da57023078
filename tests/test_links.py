"""The link parser: every form a person types or pastes → one canonical query."""

from __future__ import annotations

import pytest

from zones.links import (
    LinkProblem,
    ParsedLink,
    address_query,
    build_options,
    canonical_query,
    link_for,
    parse_link,
)
from zones.model import Dataset


@pytest.mark.parametrize("link, page, params", [
    ("/?lang=en", "overview", {"lang": "en"}),
    ("/?lang=English", "overview", {"lang": "en"}),
    ("/?lang=zh", "overview", {}),
    ("/volumes?product=ginseng", "volumes", {"product": ["ginseng"]}),
    ("/volumes?product=人参", "volumes", {"product": ["ginseng"]}),
    ("/volumes?product=Ginseng", "volumes", {"product": ["ginseng"]}),
    ("/volumes?product=人参+Ginseng", "volumes", {"product": ["ginseng"]}),
    ("/zones?profile=dehui-poultry", "zones", {"profile": "dehui-poultry"}),
    ("/destinations?dest=JPN&lang=en", "destinations", {"lang": "en", "dest": ["JPN"]}),
    ("/destinations?dest=jpn&dest=日本+Japan", "destinations", {"dest": ["JPN"]}),
    ("/?present=true", "overview", {"present": "true"}),
    ("/?present=1", "overview", {"present": "true"}),
    ("/?present=false&facts=false", "overview", {}),
    ("/volumes?interval=monthly&by=zone", "volumes", {"interval": "monthly", "by": "zone"}),
    ("/volumes?step=monthly", "volumes", {"interval": "monthly"}),  # links before #16
    ("/volumes?interval=yearly", "volumes", {}),
    ("/?period=2009-01&period=2011-12", "overview", {"period": ["2009-01", "2011-12"]}),
    ("/?period=2009", "overview", {"period": ["2009-01", "2009-12"]}),
    ("/?period=2008-01&period=2012-12", "overview", {}),
    ("https://host/base/zones?zone=dehui-poultry", "zones", {"zone": ["dehui-poultry"]}),
    ("/?runsheet=leaders&step=2", "overview", {"runsheet": "leaders", "step": "2"}),
    ("", "overview", {}),
])
def test_every_form_reaches_the_canonical_query(dataset: Dataset, link: str, page: str,
                                                params: dict) -> None:
    parsed = parse_link(dataset, link)
    assert parsed == ParsedLink(page=page, params=params, problems=())


def test_canonical_keys_come_in_one_order(dataset: Dataset) -> None:
    a = parse_link(dataset, "/?dest=JPN&lang=en&product=ginseng").params
    b = parse_link(dataset, "/?product=ginseng&lang=English&dest=Japan").params
    assert list(a) == list(b) == ["lang", "product", "dest"]
    assert link_for("overview", a) == link_for("overview", b) == (
        "/?dest=JPN&lang=en&product=ginseng")  # sorted, as Streamlit's frontend writes it


def test_unknown_value_is_a_problem_the_rest_still_counts(dataset: Dataset) -> None:
    parsed = parse_link(dataset, "/volumes?product=Nonsense&product=ginseng&lang=en")
    assert parsed.params == {"lang": "en", "product": ["ginseng"]}
    (problem,) = parsed.problems
    assert isinstance(problem, LinkProblem)
    assert (problem.key, problem.value) == ("product", "Nonsense")
    assert "Nonsense" in problem.message["en"] and "product" in problem.message["en"]
    assert "Nonsense" in problem.message["zh"]


@pytest.mark.parametrize("link, key, value", [
    ("/nowhere?lang=en", "page", "nowhere"),
    ("/?colour=red", "colour", "red"),
    ("/?lang=fr", "lang", "fr"),
    ("/?period=1999", "period", "1999"),
    ("/?period=2011-01&period=2009-01", "period", "2011-01,2009-01"),
    ("/?present=maybe", "present", "maybe"),
    ("/volumes?measure=weight", "measure", "weight"),
    ("/zones?profile=atlantis", "profile", "atlantis"),
])
def test_each_problem_names_key_and_value(dataset: Dataset, link: str, key: str,
                                          value: str) -> None:
    parsed = parse_link(dataset, link)
    assert [(p.key, p.value) for p in parsed.problems] == [(key, value)]
    for lang in ("zh", "en"):
        assert value in parsed.problems[0].message[lang]


def test_address_query_is_what_the_widgets_write(dataset: Dataset) -> None:
    params, _ = canonical_query(dataset, {"lang": "en", "dest": ["JPN"], "product": "ginseng",
                                          "profile": "dehui-poultry", "interval": "monthly"})
    shown = address_query(dataset, params)
    opts = build_options(dataset)
    assert shown["lang"] == "English"
    assert shown["dest"] == [opts["dest"]["JPN"]] == ["日本 Japan"]
    assert shown["product"] == [opts["product"]["ginseng"]]
    assert shown["profile"] == opts["zone"]["dehui-poultry"]
    assert shown["interval"] == "按月 Monthly" or shown["interval"].endswith("Monthly")


def test_address_form_parses_back_to_the_same_ids(dataset: Dataset) -> None:
    """What the address bar shows, copied and opened again, is the same view."""
    params, _ = canonical_query(dataset, {
        "lang": "en", "present": "1", "product": ["ginseng", "deer_meat"], "dest": "JPN",
        "pref": "220100", "period": "2009", "facts": "false", "measure": "consignments",
        "by": "destination", "interval": "monthly"})
    again, problems = canonical_query(dataset, address_query(dataset, params))
    assert problems == ()
    assert again == params


def test_link_for() -> None:
    assert link_for("volumes", {"product": ["ginseng"], "lang": "en"}) == (
        "/volumes?lang=en&product=ginseng")
    assert link_for("overview", {}) == "/"
    assert link_for("zones", {"dest": ["JPN", "KOR"]}) == "/zones?dest=JPN&dest=KOR"
    assert link_for("overview", {"product": ["人参 Ginseng"]}) == (
        "/?product=%E4%BA%BA%E5%8F%82+Ginseng")
