"""Year-on-year growth (同比) compared like for like, and part-year labels.

Chinese statistics compare the same months of two years (1–N月累计同比): a year that the
chosen period or the data covers only in part is compared with the *same months* of the
year before, never with the whole of it. Dividing all of 2009 by July–December 2008 gave
+51.0 % on the bundled data where the like-for-like figure is −7.7 %.

Everything here works on monthly totals (period × source), which both backends answer
the same way (files: the rows grouped; PostgreSQL: one ``GROUP BY``), so the growth is
the same number on both. Pure pandas: no Streamlit, no catalogue beyond month names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from zones.model import SOURCES

ALL_MONTHS: tuple[int, ...] = tuple(range(1, 13))
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec")

# Why a year shows no growth (catalogue keys ``growth.why.<reason>``).
NO_PREVIOUS = "no_previous"    # the year before has no data at all in the filter/period
NO_COMMON = "no_common"        # the two years share no month
PREVIOUS_ZERO = "previous_zero"  # the same months of the year before add up to zero


@dataclass(frozen=True)
class YearGrowth:
    """One year: its total, and its growth over the same months of the year before."""

    year: int
    months: tuple[int, ...]          # months of this year with data
    total: float                     # the year's total over ``months``
    sources: tuple[str, ...]         # sources of the year's total
    compared: tuple[int, ...] = ()   # months compared with the year before (both have them)
    current: float | None = None     # this year's total over ``compared``
    previous: float | None = None    # the year before's total over ``compared``
    growth: float | None = None      # current / previous − 1
    growth_sources: tuple[str, ...] = ()  # sources of every month that went into growth
    reason: str | None = None        # why there is no growth (None: there is one)

    @property
    def part_year(self) -> bool:
        return self.months != ALL_MONTHS


def monthly_totals(frame: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Sum of ``measure`` per (period, source); a month with no value is left out.

    ``frame`` may be rows or sums already grouped finer: summing again is harmless. A
    month whose values are all missing stays missing (``min_count=1``), not zero; a month
    whose rows say 0 stays in with 0.
    """
    if frame.empty:
        return pd.DataFrame({"period": pd.Series(dtype=str), "source": pd.Series(dtype=str),
                             measure: pd.Series(dtype=float)})
    data = frame[["period", "source", measure]]
    if not pd.api.types.is_float_dtype(data[measure]):
        data = data.assign(**{measure: pd.to_numeric(data[measure], errors="coerce")
                              .astype(float)})
    sums = data.groupby(["period", "source"], observed=True, sort=False)[measure].sum(
        min_count=1)
    out = pd.DataFrame({"period": sums.index.get_level_values(0).astype(str),
                        "source": sums.index.get_level_values(1).astype(str),
                        measure: sums.to_numpy()})
    out = out[out[measure].notna()].sort_values(["period", "source"])
    return out.reset_index(drop=True)


def _ordered(sources: Iterable[str]) -> tuple[str, ...]:
    present = set(sources)
    return tuple([s for s in SOURCES if s in present]
                 + sorted(s for s in present if s not in SOURCES))


def like_for_like(monthly: pd.DataFrame, measure: str) -> list[YearGrowth]:
    """Each year with data, its total, and its growth on the months both years have.

    ``monthly``: columns ``period`` (YYYY-MM), ``source`` and ``measure`` (see
    ``monthly_totals``). The year before is the calendar year before, not the previous
    row: a gap year means no growth, with the reason.
    """
    if monthly.empty:
        return []
    year = monthly["period"].str[:4].astype(int)
    month = monthly["period"].str[5:7].astype(int)
    cells: dict[tuple[int, int], tuple[float, set[str]]] = {}
    for y, m, value, src in zip(year, month, monthly[measure].astype(float),
                                monthly["source"].astype(str), strict=True):
        v, s = cells.get((y, m), (0.0, set()))
        cells[(y, m)] = (v + float(value), s | {src})
    by_year: dict[int, dict[int, tuple[float, set[str]]]] = {}
    for (y, m), cell in sorted(cells.items()):
        by_year.setdefault(y, {})[m] = cell
    out: list[YearGrowth] = []
    for y, months in sorted(by_year.items()):
        own = tuple(sorted(months))
        base = YearGrowth(year=y, months=own, total=sum(v for v, _ in months.values()),
                          sources=_ordered(s for _, ss in months.values() for s in ss))
        prev = by_year.get(y - 1)
        if prev is None:
            out.append(_with(base, reason=NO_PREVIOUS))
            continue
        common = tuple(m for m in own if m in prev)
        if not common:
            out.append(_with(base, reason=NO_COMMON))
            continue
        cur = sum(months[m][0] for m in common)
        before = sum(prev[m][0] for m in common)
        srcs = _ordered(s for m in common for s in months[m][1] | prev[m][1])
        growth = cur / before - 1 if before else None
        out.append(_with(base, compared=common, current=cur, previous=before, growth=growth,
                         growth_sources=srcs, reason=None if before else PREVIOUS_ZERO))
    return out


def _with(base: YearGrowth, **changes: object) -> YearGrowth:
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]


def _runs(months: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive months as (first, last) runs: 1,2,3,7,8 → (1,3), (7,8)."""
    runs: list[tuple[int, int]] = []
    for m in sorted(months):
        if runs and m == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], m)
        else:
            runs.append((m, m))
    return runs


def months_label(months: Sequence[int], lang: str) -> str:
    """The months alone: '7–12月' / 'Jul–Dec'; '1–3、7–8月' / 'Jan–Mar, Jul–Aug'."""
    runs = _runs(months)
    if lang == "zh":
        return "、".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs) + "月"
    return ", ".join(_EN_MONTHS[a - 1] if a == b else f"{_EN_MONTHS[a - 1]}–{_EN_MONTHS[b - 1]}"
                     for a, b in runs)


def span_label(year: int | str, months: Sequence[int], lang: str) -> str:
    """A year as shown: '2009' when whole, '2008年7–12月' / 'Jul–Dec 2008' when part."""
    if not months or tuple(sorted(months)) == ALL_MONTHS:
        return str(year)
    if lang == "zh":
        return f"{year}年{months_label(months, lang)}"
    return f"{months_label(months, lang)} {year}"


def year_months(frame: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """Year → months with data, from anything with a ``period`` column (rows or sums)."""
    if frame.empty:
        return {}
    out: dict[str, set[int]] = {}
    for p in map(str, pd.unique(frame["period"].dropna())):  # unique first: 1 M rows
        out.setdefault(p[:4], set()).add(int(p[5:7]))
    return {y: tuple(sorted(ms)) for y, ms in sorted(out.items())}


def missing_months(periods: Iterable[str]) -> list[str]:
    """Months inside the span of ``periods`` that have no data: shown as gaps, not zeros."""
    have = sorted(set(map(str, periods)))
    if not have:
        return []
    span = pd.period_range(have[0], have[-1], freq="M").strftime("%Y-%m")
    present = set(have)
    return [p for p in span if p not in present]
