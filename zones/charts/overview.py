"""The landing page's two charts, built in one place for the page and for the warm-up.

``python -m zones serve`` builds them before the first visitor arrives (``zones.ui.warmup``);
building them with the page's own function means the warm-up cannot drift from what the page
draws (it used to repeat the page's calls).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zones import metrics
from zones.charts import maps
from zones.charts import plots as charts
from zones.charts.geoassets import Geometry
from zones.dataset.filters import Slices
from zones.model import Dataset

MAP_HEIGHT, MAP_WIDTH_HINT = 500, 420


@dataclass(frozen=True)
class OverviewCharts:
    zone_totals: pd.DataFrame
    zone_map: dict
    trend: dict | None  # None when no volume is shown (e.g. report facts only)


def overview_charts(ds: Dataset, view: Slices, lang: str, geometry: Geometry,
                    report_only: bool, present: bool, map_height: int = MAP_HEIGHT
                    ) -> OverviewCharts:
    """The zone map and the yearly trend by product of ``view``, as the overview shows them."""
    zt = metrics.zone_totals(ds, view.zones, view.volumes, lang, volumes_shown=not report_only)
    frame = maps.jilin_frame(ds.geo, zt, view.state.prefectures, view.state.zones, map_height)
    zone_map = maps.jilin_map_spec(ds.geo, zt, sorted(view.zones["county_adcode"]), lang,
                                   height=map_height, geometry=geometry,
                                   width_hint=MAP_WIDTH_HINT, frame=frame)
    labeled = metrics.label_volumes(ds, view.volumes, lang)
    trend = None
    if not labeled.empty:
        data = metrics.timeseries(labeled, "product", "tonnes", yearly=True, lang=lang)
        scale = charts.color_scale("product", labeled, metrics.product_palette(ds))
        trend = charts.timeseries_spec(data, "product", "tonnes", True, lang, scale, present)
    return OverviewCharts(zt, zone_map, trend)
