"""A warm process before the first visitor (issue 8).

``python -m zones serve`` calls :func:`warm_up` before the server listens, so the first visit
finds the data loaded and the landing page's chart templates built.
"""

from __future__ import annotations

import logging

from zones import metrics
from zones.charts.geoassets import Geometry
from zones.charts.overview import overview_charts
from zones.dataset.filters import FilterState, slices
from zones.i18n import LANGS
from zones.model import Dataset
from zones.ui.data import load_data, map_geometry
from zones.ui.options import filter_options


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
        _warm_overview(ds, map_geometry(ds.geo))
        _warm_volumes(ds)
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
    (``columnar.memo``), so the first visit aggregates nothing at 1 M rows."""
    volumes = slices(ds, FilterState()).volumes
    for lang in LANGS:
        labeled = metrics.label_volumes(ds, volumes, lang)
        for by in metrics.DIMS:
            metrics.timeseries(labeled, by, metrics.MEASURES[0], True, lang)
            metrics.ranking(labeled, by, metrics.MEASURES[0])
        metrics.yoy(labeled, metrics.MEASURES[0], lang)
        metrics.matrix(labeled, metrics.MEASURES[0])
