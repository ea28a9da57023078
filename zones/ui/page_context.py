"""What a page draws from: the data, the view the sidebar produced, and its slices.

A module of its own so that every UI module can name the type without importing the
code that builds it (``zones.ui.context``), which draws the sidebar.
"""

from __future__ import annotations

from dataclasses import dataclass

from streamlit.delta_generator import DeltaGenerator

from zones.charts.geoassets import Geometry
from zones.dataset.filters import Slices
from zones.model import Dataset
from zones.view import Filter, View


@dataclass(frozen=True)
class Context:
    """The data, the view (page, filter, language, presentation, options) and its slices.

    ``dropped`` are the values of the opened link that meant nothing (key, value), for the
    header's notice.
    """

    ds: Dataset
    view: View
    slices: Slices
    geometry: Geometry = "inline"  # "url": maps reference the served boundary files
    dropped: tuple[tuple[str, str], ...] = ()
    share_slot: DeltaGenerator | None = None  # Copy link's place, filled after the page ran

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def present(self) -> bool:
        return self.view.present

    @property
    def state(self) -> Filter:
        """The view's filter (the name pages have used since the first release)."""
        return self.view.filter
