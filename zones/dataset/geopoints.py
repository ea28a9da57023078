"""A label point for each boundary feature, kept with the loaded layer.

The loader needs one per country (routes start and end there) and the maps one per
prefecture and county; it lived in the map module, so loading data imported Altair. It is
plain geometry, so it sits with the data it describes.
"""

from __future__ import annotations

from shapely.geometry import shape

_POINTS: dict[tuple[int, str], tuple[dict, dict[str, tuple[float, float]]]] = {}


def representative_points(layer: dict, key: str) -> dict[str, tuple[float, float]]:
    """A point inside each feature's largest part (a centroid can fall in the sea).

    Kept per layer object: the boundaries are loaded once, the labels ask on every rerun.
    """
    hit = _POINTS.get((id(layer), key))
    if hit is not None and hit[0] is layer:
        return hit[1]
    if len(_POINTS) > 16:
        _POINTS.clear()
    out = _representative_points(layer, key)
    _POINTS[(id(layer), key)] = (layer, out)
    return out


def _representative_points(layer: dict, key: str) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for f in layer.get("features", []):
        if not f.get("geometry"):
            continue
        geom = shape(f["geometry"])
        if geom.geom_type == "MultiPolygon":
            geom = max(geom.geoms, key=lambda g: g.area)
        p = geom.representative_point()
        out[str(f["properties"][key])] = (round(p.x, 3), round(p.y, 3))
    return out
