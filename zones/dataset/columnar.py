"""The in-memory engine for large export tables: categorical ids, plain float measures.

Measured with 1 M export rows (bench/RESULTS.md): as pandas ``string`` columns every
filter, label lookup and group-by of a rerun walks a million Python strings; as
categoricals they work on small integer codes, and labels are computed once per category
(``derive``). Applied once per load at the Streamlit boundary (zones/ui.py); the metrics
give the same tables for either form (tests/test_columnar.py).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
import pandas as pd

from zones.model import Dataset

T = TypeVar("T")
ID_COLUMNS = ("zone_id", "product_id", "destination_iso3", "source")


def compact_volumes(volumes: pd.DataFrame) -> pd.DataFrame:
    """Ids as categoricals (period ordered), measures as numpy numbers when complete."""
    out = volumes.copy()
    for col in ID_COLUMNS:
        if col in out:
            out[col] = out[col].astype("category")
    if "period" in out:
        out["period"] = pd.Categorical(out["period"], ordered=True)
    for col, kind in (("tonnes", "float64"), ("value_usd", "float64"),
                      ("consignments", "int64")):
        if col in out and not out[col].isna().any():
            out[col] = out[col].astype(kind)
    return out


def compact(ds: Dataset) -> Dataset:
    """The dataset with categorical volumes; a database's volumes (a query, not rows)
    are left as they are."""
    if not isinstance(ds.volumes, pd.DataFrame):
        return ds
    return dataclasses.replace(ds, volumes=mark_full(compact_volumes(ds.volumes)))


def is_categorical(col: pd.Series) -> bool:
    return isinstance(col.dtype, pd.CategoricalDtype)


def derive(col: pd.Series, fn: Callable[[Hashable], object], na: object = None) -> pd.Series:
    """``col.map(fn)`` (missing values → ``na``), once per category for categoricals.

    The result of a categorical column is categorical with sorted categories, so sorting
    and grouping order it like the plain strings would be.
    """
    if not is_categorical(col):
        out = col.map(fn, na_action="ignore")
        return out.fillna(na) if na is not None else out
    values = [fn(c) for c in col.cat.categories]
    labels = sorted({v for v in [*values, na] if v is not None and v == v})
    pos = {v: i for i, v in enumerate(labels)}
    lookup = np.array([pos.get(v, -1) for v in values] + [pos.get(na, -1)], dtype=np.int32)
    codes = lookup[col.cat.codes.to_numpy()]  # code -1 (missing) picks the last entry: na
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels), index=col.index,
                     name=col.name)


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A small result table with categorical columns back as strings (tables, CSV)."""
    cats = [c for c in frame.columns if is_categorical(frame[c])]
    return frame.astype(dict.fromkeys(cats, "string")) if cats else frame


def period_mask(periods: pd.Series, start: str, end: str) -> pd.Series:
    """``start <= period <= end``; on a categorical, compared once per category."""
    if not is_categorical(periods):
        return (periods >= start) & (periods <= end)
    cats = np.asarray(periods.cat.categories, dtype=object)
    inside = np.append((cats >= start) & (cats <= end), False)
    return pd.Series(inside[periods.cat.codes.to_numpy()], index=periods.index)


# Pre-aggregated results for the whole table ("no filter" is the commonest view and, at
# 1 M rows, the costliest): computed once per table and kept while the table lives.
_MEMO: OrderedDict[tuple, tuple[object, object]] = OrderedDict()
_MEMO_LIMIT = 128
_FULL_TABLES: set[int] = set()
BIG = 50_000  # rows; below this a rerun recomputes (cheaper than holding results)


def mark_full(frame: pd.DataFrame) -> pd.DataFrame:
    """Declare ``frame`` a table that is kept (the whole table, or a cached filter's
    slice: ``filters.slices``), whose aggregates may be memoised."""
    if len(frame) >= BIG:
        _FULL_TABLES.add(id(frame))
    return frame


def forget(frame: object) -> None:
    """Drop what is memoised of a kept table no longer kept (an evicted filter's slice),
    and of the tables derived from it (its labelled form), so their memory is freed."""
    pending, seen = [id(frame)], set()
    while pending:
        i = pending.pop()
        if i in seen:
            continue
        seen.add(i)
        for k in [k for k in _MEMO if k[0] == i]:
            _, result = _MEMO.pop(k)
            if id(result) in _FULL_TABLES:
                pending.append(id(result))
    _FULL_TABLES.difference_update(seen)


def is_full(frame: pd.DataFrame) -> bool:
    return id(frame) in _FULL_TABLES


def memo(frame: pd.DataFrame, key: tuple, fn: Callable[[], T]) -> T:
    """``fn()``, once per whole table ``frame`` and ``key``; computed as is otherwise."""
    if id(frame) not in _FULL_TABLES:
        return fn()
    k = (id(frame), *key)
    hit = _MEMO.get(k)
    if hit is not None and hit[0] is frame:
        _MEMO.move_to_end(k)
        return hit[1]  # type: ignore[return-value]
    result = fn()
    _MEMO[k] = (frame, result)  # holds ``frame``: its id is not reused while cached
    while len(_MEMO) > _MEMO_LIMIT:
        _MEMO.popitem(last=False)
    return result
