"""Figures derived from the report's own figures, rounded honestly and kept apart.

The report prints last year's container figures only as growth rates (E5: up 17 % and
53 %). Those percentages are rounded to whole numbers, so last year's figure is a range,
not one number: 2303 / (1 + 17.5 %) … 2303 / (1 + 16.5 %) = 1,960–1,977. These figures are
computed here from ``report_figures.csv`` (never stored as report rows) and shown under
their own heading, each with its formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zones.i18n import fmt_number, fmt_range, t

# (figure, its growth figure in percent, catalogue key of the derived label)
DERIVATIONS: tuple[tuple[str, str, str], ...] = (
    ("E5-declarations", "E5-declarations-growth", "derived.declarations_prev"),
    ("E5-teu", "E5-teu-growth", "derived.teu_prev"),
)


@dataclass(frozen=True)
class Derived:
    """A figure a year earlier, as the range the rounded growth rate allows."""

    base_id: str
    fact_id: str
    unit: str
    label_key: str
    value: float
    growth: float
    low: int
    high: int


def previous_year(value: float, growth_pct: float, half_step: float = 0.5) -> tuple[int, int]:
    """Last year's value given this year's and a growth rate rounded to ±``half_step`` %."""
    low = value / (1 + (growth_pct + half_step) / 100)
    high = value / (1 + (growth_pct - half_step) / 100)
    return round(low), round(high)


def derived_figures(figures: pd.DataFrame) -> list[Derived]:
    """Every derivation whose inputs are in ``figures`` (a filtered frame may lack them)."""
    by_id = {str(r["figure_id"]): r for r in figures.to_dict("records")}
    out: list[Derived] = []
    for base_id, growth_id, label_key in DERIVATIONS:
        base, growth = by_id.get(base_id), by_id.get(growth_id)
        if base is None or growth is None or base["qualifier"] != "exact":
            continue
        low, high = previous_year(float(base["value"]), float(growth["value"]))
        out.append(Derived(base_id, str(base["fact_id"]), str(base["unit"]), label_key,
                           float(base["value"]), float(growth["value"]), low, high))
    return out


def derived_kpis(ds: object, figures: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """KPI tiles (label, range with unit, formula) for the derived figures."""
    from zones.metrics import citation  # metrics imports nothing from here: no cycle

    tiles = []
    for d in derived_figures(figures):
        formula = t("derived.formula", lang, fact_id=d.fact_id, value=fmt_number(d.value, lang),
                    growth=fmt_number(d.growth, lang), lo=fmt_number(d.growth - 0.5, lang),
                    hi=fmt_number(d.growth + 0.5, lang), low=fmt_number(d.low, lang),
                    high=fmt_number(d.high, lang))
        tiles.append((t(d.label_key, lang), fmt_range(d.low, d.high, d.unit, lang),
                      f"{formula}  \n{citation(ds, d.fact_id, lang)}"))  # type: ignore[arg-type]
    return tiles
