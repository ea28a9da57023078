"""A warm process before the first visitor (issue 8).

``python -m zones serve`` calls :func:`warm_up` before the server listens, so the first visit
finds the data loaded and the landing page's chart templates built.
"""

from __future__ import annotations

import logging

import pandas as pd

from zones import metrics, tables
from zones.charts import maps, plots
from zones.charts.geoassets import Geometry
from zones.charts.overview import overview_charts
from zones.dataset.filters import FilterState, slices
from zones.i18n import LANGS
from zones.model import Dataset
from zones.ui.data import load_data, map_geometry
from zones.ui.options import filter_options
from zones.view import DIMS


def warm_up() -> bool:
    """Do a first visit's one-off work now: True when the data loaded and the views built.

    ``python -m zones serve`` runs it before the server listens (``zones.cli.serve``, in a
    thread it waits for). Streamlit's resource cache and the spec templates are per
    process, so the first visitor finds the data loaded and validated, the boundary files
    checked and the landing page's charts built. Never raises: a folder that does not
    load is left for the page to report with its translated error page, as without it.
    """
    log = logging.getLogger("zones")
    try:  # (Streamlit's pages-folder flag stays as it is: see leave_v1_multipage_mode)
        result = load_data()
        if not result.ok or result.dataset is None:
            log.info("warm-up: the data folder did not load; pages will say why")
            return False
        ds = result.dataset
        filter_options(ds)
        geometry = map_geometry(ds.geo)
        _warm_overview(ds, geometry)
        _warm_volumes(ds)
        _warm_maps(ds, geometry)
        return True
    except Exception as exc:  # the first visit then does the work (and reports any error)
        log.warning("warm-up skipped: %s", type(exc).__name__)
        log.debug("warm-up failure", exc_info=True)
        return False


def _warm_overview(ds: Dataset, geometry: Geometry) -> None:
    """Build the landing page's charts for its default view, in each language."""
    view = slices(ds, FilterState())
    for lang in LANGS:
        overview_charts(ds, view, lang, geometry, report_only=False, present=False)


def _warm_volumes(ds: Dataset) -> None:
    """The volumes page's default view: its sums, labelled in each language, kept
    (``columnar.memo``), so the first visit aggregates nothing at 1 M rows; and its
    default charts' templates and the tables under them (issue 20)."""
    volumes = slices(ds, FilterState()).volumes
    measure = metrics.MEASURES[0]
    for lang in LANGS:
        labeled = metrics.label_volumes(ds, volumes, lang)
        for by in metrics.DIMS:
            series = metrics.timeseries(labeled, by, measure, True, lang)
            ranked = metrics.ranking(labeled, by, measure)
            if by == DIMS[0]:  # the page's default option
                scale = plots.color_scale(by, labeled, metrics.product_palette(ds))
                plots.timeseries_spec(series, by, measure, True, lang, scale)
                plots.ranking_spec(ranked, by, measure, lang, scale)
                _warm_tables((series, ranked), lang)
        growth = metrics.yoy(labeled, measure, lang)
        grid = metrics.matrix(labeled, measure)
        plots.yoy_spec(growth, measure, lang)
        plots.matrix_spec(grid, measure, lang)
        _warm_tables((growth, grid), lang)


def _warm_tables(frames: tuple[pd.DataFrame, ...], lang: str) -> None:
    for frame in frames:
        tables.display_table(frame, lang)
        tables.export_table(frame, lang)


def _warm_maps(ds: Dataset, geometry: Geometry) -> None:
    """The zones and destinations pages' default view: the sums and the maps' templates
    (at 1 M rows the zone and destination totals are group-bys of every row)."""
    view = slices(ds, FilterState())
    for lang in LANGS:
        zt = metrics.zone_totals(ds, view.zones, view.volumes, lang)
        maps.jilin_map_spec(ds.geo, zt, sorted(view.zones["county_adcode"]), lang,
                            geometry=geometry)
        maps.china_inset_spec(ds.geo, lang, geometry=geometry)
        arcs, dests, firsts = metrics.routes(ds, view.zones, view.volumes,
                                             view.first_exports, lang)
        maps.world_map_spec(ds.geo, arcs, dests, firsts, lang, geometry=geometry)
