"""zones.charts.specs: chart specs built once, tables and scales attached per rerun (issue 8)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from zones import metrics
from zones.charts import plots as charts
from zones.charts.specs import fill, template, token_scale
from zones.dataset.filters import FilterState, apply_filters
from zones.model import Dataset


def strip(spec: dict) -> dict:
    """The spec without its tables, for comparing structure."""
    return {k: v for k, v in spec.items() if k not in ("datasets", "data")}


@pytest.mark.parametrize("by", ["product", "destination"])
def test_chart_specs_match_their_builders(dataset: Dataset, by: str) -> None:
    view = apply_filters(dataset, FilterState(products=("ginseng", "rice")))
    labeled = metrics.label_volumes(dataset, view.volumes, "en")
    scale = charts.color_scale(by, labeled, metrics.product_palette(dataset))
    series = metrics.timeseries(labeled, by, "tonnes", True)
    ranked = metrics.ranking(labeled, by, "tonnes")
    pairs = [
        (charts.timeseries_spec(series, by, "tonnes", True, "en", scale),
         charts.timeseries_chart(series, by, "tonnes", True, "en", scale)),
        (charts.ranking_spec(ranked, by, "tonnes", "en", scale),
         charts.ranking_chart(ranked, by, "tonnes", "en", scale)),
    ]
    for fast, chart in pairs:
        full = chart.to_dict()
        # the ranking is bars plus their labels (#22): compare its bars layer
        first, whole = fast.get("layer", [fast])[0], full.get("layer", [full])[0]
        assert first["encoding"] == whole["encoding"]
        assert first["mark"] == whole["mark"]
        assert fast["height"] == full["height"]
        assert first["encoding"]["color"]["scale"] == scale.to_dict()
        assert isinstance(fast["datasets"]["data"], pd.DataFrame)


def test_a_template_is_reused_and_tokens_are_replaced() -> None:
    calls = []
    df = pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]})

    def build() -> alt.Chart:
        calls.append(1)
        return alt.Chart(df).mark_bar().encode(
            x="a:N", y="b:Q", color=alt.Color("a:N", scale=token_scale("__t__")))

    for domain in (["x"], ["y"]):
        spec = fill(template(("test-template",), build, {"t": df}), {"t": df},
                    {"__t__": alt.Scale(domain=domain, range=["#000"])})
        assert spec["encoding"]["color"]["scale"] == {"domain": domain, "range": ["#000"]}
        assert spec["data"] == {"name": "t"}
        assert spec["datasets"]["t"] is df
        assert "continuousWidth" not in str(spec.get("config", {}))
    assert len(calls) == 1  # built once


def test_an_unnamed_table_is_refused() -> None:
    other = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="does not name"):
        template(("test-unnamed",), lambda: alt.Chart(other).mark_point().encode(x="a:Q"),
                 {"t": pd.DataFrame({"a": [1]})})
