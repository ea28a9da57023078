"""The filter's headline as tiles (#22): what a leader reads first when a filter is set.

The overview showed the province's report figures first (直通放行出口货值 1.2亿美元) under
人参 · 日本、韩国, and a leader read them as ginseng's. The figures are computed by
``zones.metrics.filter_headline``; here they become tiles with units, growth and their
marking, for the overview and the deck alike.
"""

from __future__ import annotations

from zones.dataset.filters import Slices
from zones.i18n import t
from zones.metrics import filter_headline
from zones.model import Dataset


def headline_tiles(ds: Dataset, view: Slices, lang: str) -> list[tuple[str, str, str, str]]:
    """The filter's headline as tiles (label, value, hover, growth), marked by source."""
    from zones.i18n import fmt_number, fmt_percent
    from zones.units import money_unit

    h = filter_headline(ds, view, lang)
    if h is None:
        return []
    divisor, unit_key, _ = money_unit(h.value_usd, lang)
    sp = "" if lang == "zh" else " "
    tag = (sp + t("source.illustrative_tag", lang)
           if t("source.illustrative", lang) in h.source_label else "")
    note = t("headline.note", lang, basis=h.basis, source=h.source_label)

    def grow(g: float | None) -> str:
        return t("headline.growth", lang, pct=fmt_percent(g, lang)) if g is not None else ""

    return [
        (t("headline.value", lang, year=h.year_label) + tag,
         f"{h.value_usd / divisor:,.2f}{sp}{t(unit_key, lang)}", note, grow(h.value_growth)),
        (t("headline.tonnes", lang, year=h.year_label) + tag,
         t("unit.tonnes", lang, n=fmt_number(h.tonnes, lang, exact=False)), note,
         grow(h.tonnes_growth)),
        (t("headline.zones", lang), t("unit.zones", lang, n=h.zones),
         t("headline.zones.help", lang), ""),
        (t("headline.destinations", lang), t("unit.countries", lang, n=h.destinations),
         t("headline.destinations.help", lang), ""),
    ]
