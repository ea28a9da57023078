"""Export volumes that are summed where they live: in pandas (files) or in the database.

The bundled files keep today's path: ``Dataset.volumes`` is the frame of rows and the
metrics group it. A database source instead puts a ``Volumes`` there: the filter, not
the rows. Each metric asks it for sums at exactly the grain it draws (``totals(by)``),
and the ``VolumeQuery`` behind it turns that into one ``WHERE … GROUP BY`` query. The
pandas implementation answers the same question from a frame, so both backends can be
checked against each other.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import pandas as pd

from zones.view import Filter

MEASURES: tuple[str, ...] = ("tonnes", "value_usd", "consignments")
# Columns a sum can be grouped by ("year" is the first four characters of "period").
GROUPS: tuple[str, ...] = ("period", "year", "zone_id", "product_id", "destination_iso3",
                           "source")
ROWS = "rows"  # how many records went into each sum


@dataclass(frozen=True)
class VolumeFilter:
    """The WHERE clause: inclusive period range, id lists (empty = all); hashable."""

    period: tuple[str, str] | None = None
    products: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    zone_ids: tuple[str, ...] | None = None  # None: any zone, unattributed rows included
    nothing: bool = False  # "report facts only": no volume is a fact

    @classmethod
    def of(cls, f: Filter, zone_ids: Iterable[str] | None) -> VolumeFilter:
        return cls(period=f.period, products=tuple(sorted(f.products)),
                   destinations=tuple(sorted(f.destinations)),
                   zone_ids=None if zone_ids is None else tuple(sorted(zone_ids)),
                   nothing=f.report_only)


class VolumeQuery(Protocol):
    """Where sums of export volumes are computed."""

    def totals(self, where: VolumeFilter, by: tuple[str, ...]) -> pd.DataFrame:
        """One row per ``by`` group present: the ``by`` columns, MEASURES and ROWS."""
        ...

    def periods(self) -> list[str]:
        """Every month with data, sorted."""
        ...

    def rows(self) -> pd.DataFrame:
        """All records, as the file has them (the data page's download)."""
        ...

    def missing(self, where: VolumeFilter, column: str) -> int:
        """How many records under the filter leave ``column`` empty (a count customs
        statistics do not give, #17)."""
        ...


def _check_by(by: Sequence[str]) -> tuple[str, ...]:
    unknown = [b for b in by if b not in GROUPS]
    if unknown:
        raise ValueError(f"cannot group volumes by {unknown}")
    return tuple(dict.fromkeys(by))


def empty_totals(by: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame({b: pd.Series(dtype="string") for b in by})
    for m in MEASURES:
        frame[m] = pd.Series(dtype="float64")
    frame[ROWS] = pd.Series(dtype="int64")
    return frame


@dataclass(frozen=True, eq=False)
class PandasVolumeQuery:
    """Today's behaviour over a frame of rows: boolean masks, then ``groupby().sum()``."""

    frame: pd.DataFrame

    def _mask(self, where: VolumeFilter) -> pd.Series:
        v = self.frame
        mask = pd.Series(True, index=v.index)
        if where.period:
            mask &= (v["period"] >= where.period[0]) & (v["period"] <= where.period[1])
        if where.products:
            mask &= v["product_id"].isin(where.products)
        if where.destinations:
            mask &= v["destination_iso3"].isin(where.destinations)
        if where.zone_ids is not None:
            mask &= v["zone_id"].isin(where.zone_ids)
        return mask.astype(bool)

    def totals(self, where: VolumeFilter, by: tuple[str, ...]) -> pd.DataFrame:
        by = _check_by(by)
        if where.nothing:
            return empty_totals(by)
        rows = self.frame[self._mask(where)]
        if "year" in by:
            rows = rows.assign(year=rows["period"].str[:4])
        rows = rows.assign(**{ROWS: 1})
        cols = [*MEASURES, ROWS]
        if not by:
            out = rows[cols].sum(min_count=1).to_frame().T if len(rows) else empty_totals(())
        else:  # min_count: a group whose rows all lack a measure has none, not 0 (#17)
            out = rows.groupby(list(by), as_index=False, dropna=False,
                               observed=True)[cols].sum(min_count=1)
        for m in MEASURES:
            out[m] = out[m].astype("float64")
        out[ROWS] = out[ROWS].astype("int64")
        return out.reset_index(drop=True)

    def periods(self) -> list[str]:
        return sorted(self.frame["period"].dropna().unique().tolist())

    def rows(self) -> pd.DataFrame:
        return self.frame

    def missing(self, where: VolumeFilter, column: str) -> int:
        if where.nothing or column not in self.frame:
            return 0
        return int(self.frame.loc[self._mask(where), column].isna().sum())


class TotalsCache:
    """A small, thread-safe LRU of query results: sessions share the dataset object."""

    def __init__(self, size: int = 256) -> None:
        self._data: OrderedDict[object, pd.DataFrame] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: object, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        return value


@dataclass(frozen=True, eq=False)
class Volumes:
    """Export volumes under a filter, not yet read. Stands where a frame of rows would."""

    query: VolumeQuery
    where: VolumeFilter = field(default_factory=VolumeFilter)

    def filtered(self, f: Filter, zone_ids: Iterable[str] | None) -> Volumes:
        return replace(self, where=VolumeFilter.of(f, zone_ids))

    def for_zone(self, zone_id: str) -> Volumes:
        current = self.where.zone_ids
        keep = (zone_id,) if current is None or zone_id in current else ()
        return replace(self, where=replace(self.where, zone_ids=keep))

    def totals(self, by: Sequence[str]) -> pd.DataFrame:
        """Sums of every measure per ``by`` group (a copy: callers may add columns)."""
        return self.query.totals(self.where, _check_by(by)).copy()

    def __len__(self) -> int:
        """How many records match (not how many groups)."""
        total = self.totals(())
        return int(total[ROWS].sum()) if len(total) else 0

    @property
    def empty(self) -> bool:
        return len(self) == 0

    def periods(self) -> list[str]:
        return self.query.periods()

    def missing(self, column: str) -> int:
        """How many records under the filter leave ``column`` empty."""
        return self.query.missing(self.where, column)

    def rows(self) -> pd.DataFrame:
        return self.query.rows()


VolumeRows = pd.DataFrame | Volumes


def grouped(volumes: VolumeRows, by: Sequence[str]) -> pd.DataFrame:
    """What a metric sums: the rows themselves (files), or their sums per ``by`` (database).

    Summing already summed groups again gives the same totals, so the metric's own
    ``groupby`` stays as it is for both.
    """
    return volumes if isinstance(volumes, pd.DataFrame) else volumes.totals(by)


# Display columns of a labeled frame → the record column they come from.
_BASE = {"product": "product_id", "category": "product_id", "destination": "destination_iso3",
         "zone": "zone_id", "source_label": "source", "year": "year", "period": "period",
         "product_id": "product_id", "destination_iso3": "destination_iso3",
         "zone_id": "zone_id", "source": "source"}
LABELED_COLUMNS: tuple[str, ...] = (
    "period", "zone_id", "product_id", "destination_iso3", *MEASURES, "source", "product",
    "category", "destination", "zone", "year", "source_label")


@dataclass(frozen=True, eq=False)
class LabeledVolumes:
    """``label_volumes`` of a ``Volumes``: labels are attached to the sums a metric asks for.

    Supports what the pages and charts use of a labeled frame (``empty``, ``columns``,
    ``frame[cols]``); ``at(cols)`` gives the labeled sums at the grain of ``cols``.
    """

    volumes: Volumes
    label: Callable[[pd.DataFrame], pd.DataFrame]

    def at(self, cols: Iterable[str]) -> pd.DataFrame:
        base = tuple(dict.fromkeys(_BASE[c] for c in cols if c in _BASE))
        return self.label(self.volumes.totals(base))

    @property
    def empty(self) -> bool:
        return self.volumes.empty

    def __len__(self) -> int:
        return len(self.volumes)

    @property
    def columns(self) -> pd.Index:
        return pd.Index(LABELED_COLUMNS)

    def __getitem__(self, key: str | list[str]) -> pd.Series | pd.DataFrame:
        cols = [key] if isinstance(key, str) else list(key)
        return self.at(cols)[key]


Labeled = pd.DataFrame | LabeledVolumes


def labeled_at(labeled: Labeled, cols: Iterable[str]) -> pd.DataFrame:
    """The labeled frame to group: as is (files), or the sums at the grain of ``cols``."""
    return labeled if isinstance(labeled, pd.DataFrame) else labeled.at(cols)

