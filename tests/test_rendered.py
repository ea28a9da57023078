"""zones.ui.rendered: what a page built is kept per data version and view (issue 20)."""

from __future__ import annotations

import pandas as pd

from zones.ui.page_context import Context
from zones.ui.rendered import arrow, arrow_table, per_data, per_view
from zones.view import Filter, View


class _Data:  # stands in for a loaded Dataset: only its identity matters here
    pass


def _ctx(ds: object, **filter_: object) -> Context:
    view = View.of("volumes", Filter(**filter_), "en", False)  # type: ignore[arg-type]
    return Context(ds=ds, view=view, slices=None, geometry="url")  # type: ignore[arg-type]


def test_built_once_per_data_version_and_view() -> None:
    calls: list[str] = []

    def build(tag: str) -> object:
        calls.append(tag)
        return object()

    ds = _Data()
    first = per_view(_ctx(ds), "chart", lambda: build("a"))
    assert per_view(_ctx(ds), "chart", lambda: build("b")) is first  # the same view
    rice = per_view(_ctx(ds, products=("rice",)), "chart", lambda: build("c"))
    assert rice is not first  # another filter is another view
    assert per_view(_ctx(_Data()), "chart", lambda: build("d")) is not first  # new data
    assert per_view(_ctx(ds), "other", lambda: build("e")) is not first  # another part
    assert calls == ["a", "c", "d", "e"]
    kept = per_data(_ctx(ds), "inventory", lambda: build("f"), "en")
    assert per_data(_ctx(ds, products=("rice",)), "inventory", lambda: build("g"), "en") is kept
    assert calls[-1] == "f"


def test_tables_go_as_arrow_once_and_the_spec_is_left_as_it_was() -> None:
    df = pd.DataFrame({"year": ["2009", "2010"], "tonnes": [1.5, 2.0]})
    spec = {"mark": "bar", "datasets": {"data": df, "geo": {"type": "FeatureCollection"}}}
    sent = arrow(spec)
    assert isinstance(sent["datasets"]["data"], bytes) and sent["datasets"]["data"]
    assert sent["datasets"]["geo"] == {"type": "FeatureCollection"}  # not a table: as is
    assert spec["datasets"]["data"] is df  # the kept spec still holds its table
    assert arrow(spec)["datasets"]["data"] is sent["datasets"]["data"]  # converted once
    table = arrow_table(df)
    assert arrow_table(df) is table and table.column_names[:2] == ["year", "tonnes"]
    assert arrow({"mark": "bar"}) == {"mark": "bar"}
