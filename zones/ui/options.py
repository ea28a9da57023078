"""The filters' options as bilingual labels, once per loaded dataset.

Bound widgets write their displayed label into the URL, so labels read the same in both
languages ("人参 Ginseng") and a link never depends on the language it was copied in. The
labels themselves are ``zones.links``' (the link parser reads them back); this module keeps
them per dataset, since building them costs ~10 ms a rerun.
"""

from __future__ import annotations

from zones.links import build_options, page_option_label
from zones.model import Dataset
from zones.view import KEY_ZONE

__all__ = ["filter_options", "page_option_label", "zone_labels"]

_OPTIONS: dict[int, tuple[Dataset, dict[str, dict[str, str]]]] = {}


def filter_options(ds: Dataset) -> dict[str, dict[str, str]]:
    """``links.build_options`` once per loaded dataset, not on every rerun."""
    hit = _OPTIONS.get(id(ds))
    if hit is None or hit[0] is not ds:
        _OPTIONS.clear()  # one dataset at a time; a reload replaces it
        hit = _OPTIONS[id(ds)] = (ds, build_options(ds))
    return hit[1]


def zone_labels(ds: Dataset) -> dict[str, str]:
    """Zone id → the label used by the zone filter and the profile picker."""
    return filter_options(ds)[KEY_ZONE]
