"""What a page drew for a view, kept for the next reruns of that view (issue 20).

A filter change used to rebuild every chart's spec and convert every table under a
chart to Arrow, even when the view was one the process had drawn a moment before (a
presenter toggling a filter, a language switch back, a run-sheet stepping between views).
``per_view`` keeps a page's built specs per data version (the loaded ``Dataset`` object)
and ``View``; ``arrow`` keeps the Arrow form of the tables a spec or table sends, per
table object, so a rerun of a seen view hands Streamlit bytes it already has.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from zones.ui.page_context import Context

T = TypeVar("T")
_LOCK = threading.Lock()
_VIEWS: OrderedDict[tuple, tuple[object, object]] = OrderedDict()
VIEWS_LIMIT = 96  # built specs are small (no geometry: maps reference boundary files)
_ARROW: OrderedDict[tuple[int, int], tuple[pd.DataFrame, Any]] = OrderedDict()
ARROW_LIMIT = 128


def per_view(ctx: Context, name: str, build: Callable[[], T], *extra: Hashable) -> T:
    """``build()`` once per data version, view, map geometry, ``name`` and ``extra``.

    ``build`` must depend on nothing else (every page option is in the view); what it
    returns is shared by the reruns that ask again, so nobody may change it.
    """
    return _built((id(ctx.ds), ctx.view, ctx.geometry, name, *extra), ctx.ds, build)


def per_data(ctx: Context, name: str, build: Callable[[], T], *extra: Hashable) -> T:
    """``build()`` once per data version, ``name`` and ``extra``: for what no filter or
    page option changes (the data page's inventory, say; pass the language in ``extra``)."""
    return _built((id(ctx.ds), name, *extra), ctx.ds, build)


def _built(key: tuple, ds: object, build: Callable[[], T]) -> T:
    with _LOCK:
        hit = _VIEWS.get(key)
        if hit is not None and hit[0] is ds:  # held: the id is not reused meanwhile
            _VIEWS.move_to_end(key)
            return hit[1]  # type: ignore[return-value]
    out = build()
    with _LOCK:
        _VIEWS[key] = (ds, out)
        while len(_VIEWS) > VIEWS_LIMIT:
            _VIEWS.popitem(last=False)
    return out


def _kept(frame: pd.DataFrame, convert: Callable[[pd.DataFrame], T]) -> T:
    """``convert(frame)`` once per table object (and kind of conversion)."""
    key = (id(frame), id(convert))
    with _LOCK:
        hit = _ARROW.get(key)
        if hit is not None and hit[0] is frame:
            _ARROW.move_to_end(key)
            return hit[1]  # type: ignore[no-any-return]
    out = convert(frame)
    with _LOCK:
        _ARROW[key] = (frame, out)
        while len(_ARROW) > ARROW_LIMIT:
            _ARROW.popitem(last=False)
    return out


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The table as Streamlit would convert it for ``st.dataframe``, kept per frame."""
    return _kept(frame, dataframe_util.convert_pandas_df_to_arrow_table)


def arrow(spec: dict) -> dict:
    """``spec`` with its tables as the Arrow bytes Streamlit sends, kept per table."""
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    return {**spec, "datasets": {
        name: _kept(data, dataframe_util.convert_anything_to_arrow_bytes)
        if isinstance(data, pd.DataFrame) else data for name, data in datasets.items()}}


def vega_chart(ctx: Context, name: str, build: Callable[[], dict], *extra: Hashable,
               **kwargs: Any) -> Any:
    """``st.vega_lite_chart`` of the spec ``build()`` makes, built once per view."""
    return st.vega_lite_chart(arrow(per_view(ctx, name, build, *extra)), **kwargs)
