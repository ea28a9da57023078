"""Where a map looks: the frame that fits the selection, and its projection (#22).

A world map of "ginseng to Japan and Korea" drew both countries as one 80-pixel cluster
with the routes hidden under the markers. The destinations map now fits the bounds of the
chosen (or, unfiltered, the shown) countries with Jilin in frame: a regional Mercator
map when they are close, the Pacific-centred world when they span the globe.

The frame is a lon/lat box, widened so that on any screen at least ``DESK_W`` pixels
wide the map's height sets its scale. Labels are placed in Python (zones.charts.labels)
at that scale, so they sit exactly where they were placed on every desk screen; below it
(phones) the map shrinks with its width and a second, sparser set of labels, placed at
phone width, is drawn instead (``PHONE_W``; the text layers filter on Vega's ``width``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shapely.geometry import shape

from zones.charts import labels as lb

DESK_W = 560    # narrowest map on a desk/tablet: the labels' scale holds from here up
PHONE_W = 330   # a 390-px phone's map width (the page's margins taken off)
LEGEND_H = 60   # the route legend below a stretched map takes this from its height
WORLD_SPAN = 150.0  # wider than this (degrees of longitude) the world map is used
PAD = 0.12      # the frame's margin, as a share of its span
CENTRE_LON = 150.0  # the world map's centre (rotate -150): longitudes unwrap around it


@dataclass(frozen=True)
class Frame:
    """A lon/lat box to fit, or the whole world (``box`` None)."""

    box: tuple[float, float, float, float] | None  # lon0, lat0, lon1, lat1 (lon unwrapped)

    @property
    def regional(self) -> bool:
        return self.box is not None

    def projection(self) -> dict:
        """The Vega-Lite projection: Mercator fitted to the box, or the world.

        What Vega's ``fit`` would do, written out: the box's centre in the middle of the
        view, scaled so that the box fills the tighter dimension. Expressions of the
        view's ``width`` and ``height``, so a stretched map fits at any width; and no
        GeoJSON in the spec (the specs sent per rerun carry no geometry).
        """
        if self.box is None:
            return {"type": "equalEarth", "rotate": [-CENTRE_LON, 0, 0]}
        lon0, lat0, lon1, lat1 = self.box
        w = math.radians(lon1 - lon0)
        y0, y1 = _merc_y(lat0), _merc_y(lat1)
        centre_lat = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2)) - math.pi / 2)
        return {"type": "mercator",
                "center": [round((lon0 + lon1) / 2, 6), round(centre_lat, 6)],
                "scale": {"expr": f"min(width / {w:.6f}, height / {y1 - y0:.6f})"},
                "translate": {"expr": "[width / 2, height / 2]"}}

    def scale(self, width: float, height: float) -> float:
        """Pixels per projected unit at a plot of ``width`` × ``height`` (as Vega fits)."""
        if self.box is None:
            return min(height / 2.635, width / 5.413)  # Equal Earth spans 5.413 × 2.635
        lon0, lat0, lon1, lat1 = self.box
        x0, y1 = lb.mercator(lon0, lat0, 1.0)
        x1, y0 = lb.mercator(lon1, lat1, 1.0)
        return min(width / (x1 - x0), height / (y1 - y0))

    def projector(self, width: float, height: float) -> lb.Project:
        """lon/lat → pixels (relative) as the browser will draw them at that size."""
        k = self.scale(width, height)
        if self.box is None:
            return lambda lon, lat: lb.equal_earth(lon, lat, k)
        centre = (self.box[0] + self.box[2]) / 2
        return lambda lon, lat: lb.mercator(_unwrap(lon, centre), lat, k)


def _merc_y(lat: float) -> float:
    """Mercator's y of a latitude, in radians (d3's unit-scale projection, y up)."""
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unwrap(lon: float, around: float) -> float:
    """``lon`` moved by whole turns to lie within 180° of ``around``."""
    return around + ((lon - around + 180.0) % 360.0) - 180.0


def feature_bounds(feature: dict, share: float = 0.05) -> tuple[float, float, float, float]:
    """Bounds of a feature's main parts: polygons at least ``share`` of the largest.

    A country's far islands (Okinawa is kept: it is large enough; the Aleutians are not)
    would otherwise stretch the frame to half the globe. Longitudes are unwrapped around
    the world map's centre, so a country across the date line stays one box.
    """
    geom = shape(feature["geometry"])
    parts = list(getattr(geom, "geoms", [geom]))
    top = max(p.area for p in parts)
    boxes = [p.bounds for p in parts if p.area >= share * top]
    mids = [_unwrap((b[0] + b[2]) / 2, CENTRE_LON) for b in boxes]
    lon0 = min(m - (b[2] - b[0]) / 2 for m, b in zip(mids, boxes, strict=True))
    lon1 = max(m + (b[2] - b[0]) / 2 for m, b in zip(mids, boxes, strict=True))
    return lon0, min(b[1] for b in boxes), lon1, max(b[3] for b in boxes)


def fit_frame(world: dict, iso3: Iterable[str], origin: tuple[float, float],
              height: float, desk_w: float = DESK_W) -> Frame:
    """The frame of the countries ``iso3`` and the ``origin`` (Jilin), padded and widened.

    Widened so that the box's Mercator aspect is at least ``desk_w / height``: from that
    width up, the height decides the scale (see the module's docstring).
    """
    wanted = set(iso3)
    boxes = [feature_bounds(f) for f in world.get("features", [])
             if f.get("geometry") and str(f["properties"].get("iso3")) in wanted]
    if not boxes:
        return Frame(None)
    ox = _unwrap(origin[0], CENTRE_LON)
    lon0 = min([ox, *(b[0] for b in boxes)])
    lon1 = max([ox, *(b[2] for b in boxes)])
    lat0 = min([origin[1], *(b[1] for b in boxes)])
    lat1 = max([origin[1], *(b[3] for b in boxes)])
    if lon1 - lon0 > WORLD_SPAN or lat1 - lat0 > 100:
        return Frame(None)
    return widen(lon0, lat0, lon1, lat1, desk_w / max(height, 1.0))


def widen(lon0: float, lat0: float, lon1: float, lat1: float, aspect: float) -> Frame:
    """The box padded by ``PAD`` and widened (or heightened) to a Mercator ``aspect``."""
    dx, dy = max(lon1 - lon0, 2.0), max(lat1 - lat0, 2.0)
    cx, cy = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    lon0, lon1 = cx - dx * (0.5 + PAD), cx + dx * (0.5 + PAD)
    lat0 = max(-80.0, cy - dy * (0.5 + PAD))
    lat1 = min(80.0, cy + dy * (0.5 + PAD))
    x0, ytop = lb.mercator(lon0, lat1, 1.0)
    x1, ybot = lb.mercator(lon1, lat0, 1.0)
    w, h = x1 - x0, ybot - ytop
    if w < aspect * h:  # too narrow: widen in longitude (Mercator x is linear in lon)
        extra = (aspect * h - w) / 2
        lon0, lon1 = lon0 - extra, lon1 + extra
    elif w > aspect * h * 2.5:  # a thin strip: give it some height, in latitude
        want = w / (aspect * 2.5)
        lat0, lat1 = _lat_span(cy, want)
    return Frame((lon0, lat0, lon1, lat1))


def _lat_span(centre_lat: float, mercator_h: float) -> tuple[float, float]:
    """Latitudes around ``centre_lat`` spanning ``mercator_h`` Mercator degrees."""
    _, yc = lb.mercator(0.0, centre_lat, 1.0)

    def lat_of(y: float) -> float:
        return math.degrees(2 * math.atan(math.exp(math.radians(-y))) - math.pi / 2)

    return max(-80.0, lat_of(yc + mercator_h / 2)), min(80.0, lat_of(yc - mercator_h / 2))


def box_of_points(points: Sequence[tuple[float, float]], height: float,
                  desk_w: float = DESK_W) -> Frame:
    """A regional frame around ``points`` (lon, lat), e.g. the chosen zones or prefectures."""
    if not points:
        return Frame(None)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return widen(min(xs), min(ys), max(xs), max(ys), desk_w / max(height, 1.0))
