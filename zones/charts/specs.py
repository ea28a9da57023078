"""Vega-Lite specs built once per process, filled with fresh tables per rerun (issue 8).

Building and validating an Altair chart costs tens of milliseconds (a map with inline
geometry, seconds); on every rerun that was most of the server's time, for a spec that
only differs in its data. ``template`` turns a builder's chart into JSON once per key,
with its tables replaced by named datasets; ``fill`` copies it and attaches the tables
(DataFrames, which Streamlit sends as Arrow) and any small values marked by a token.
The builders in ``zones.charts.plots`` / ``zones.charts.maps`` stay the one definition of
each chart.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import altair as alt
import pandas as pd

_TEMPLATES: OrderedDict[tuple, tuple[object, str]] = OrderedDict()
LIMIT = 256
# Altair's default theme; Streamlit drops it too (it sizes charts to their container).
_THEME_VIEW = {"continuousWidth": 300, "continuousHeight": 300}


def _name_frames(chart: alt.TopLevelMixin, frames: Mapping[str, pd.DataFrame]) -> None:
    """Point every (sub)chart drawn from one of ``frames`` at a named dataset instead."""
    names = {id(frame): name for name, frame in frames.items()}

    def visit(node: object) -> None:
        data = getattr(node, "data", alt.Undefined)
        if isinstance(data, pd.DataFrame):
            if id(data) not in names:
                raise ValueError("a chart draws from a table the template does not name")
            node.data = alt.NamedData(name=names[id(data)])  # type: ignore[attr-defined]
        for sub in getattr(node, "layer", None) or []:
            visit(sub)

    visit(chart)


def template(key: tuple, build: Callable[[], alt.TopLevelMixin],
             frames: Mapping[str, pd.DataFrame], keep: object = None) -> str:
    """The spec of ``build()`` as JSON with ``frames`` named; memoised on ``key``.

    ``key`` must hold everything the built spec depends on except the tables (and the
    token values ``fill`` replaces). ``keep`` is held alive with the entry (e.g. the
    boundary layers whose ``id`` is part of the key).
    """
    hit = _TEMPLATES.get(key)
    if hit is not None:
        _TEMPLATES.move_to_end(key)
        return hit[1]
    chart = build()
    _name_frames(chart, frames)
    spec = chart.to_dict()  # validated once, here
    config = spec.get("config", {})
    view = config.get("view", {})
    for k, v in _THEME_VIEW.items():
        if view.get(k) == v:
            del view[k]
    if "view" in config and not view:
        del config["view"]
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    _TEMPLATES[key] = (keep, text)
    while len(_TEMPLATES) > LIMIT:
        _TEMPLATES.popitem(last=False)
    return text


def token_scale(token: str) -> alt.Scale:
    """A stand-in scale in a template; ``fill`` swaps in the real one."""
    return alt.Scale(domain=[token])


def fill(text: str, frames: Mapping[str, pd.DataFrame],
         scales: Mapping[str, alt.Scale] | None = None) -> dict[str, Any]:
    """A fresh spec from a template: tables attached, token scales replaced."""
    for token, scale in (scales or {}).items():
        real = json.dumps(scale.to_dict(validate=False), ensure_ascii=False,
                          separators=(",", ":"))
        text = text.replace(json.dumps({"domain": [token]}, separators=(",", ":")), real)
    spec = json.loads(text)
    spec["datasets"] = {**spec.get("datasets", {}), **frames}
    return spec
