"""Where map labels go: next to their marker, off other markers and off each other.

Altair cannot avoid label collisions on its own, so the maps place labels here, in an
estimate of screen pixels (the projection fitted to the chart's height), and hand Altair
a label point in lon/lat plus the text alignment. The placement is greedy: each label
tries the positions around its marker in a fixed order and takes the first that collides
with nothing already placed (or, failing that, the least crowded one).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

Project = Callable[[float, float], tuple[float, float]]

# Candidate positions: unit direction from the marker, text alignment and baseline.
_AROUND: tuple[tuple[str, float, float, str, str], ...] = (
    ("right", 1, 0, "left", "middle"),
    ("left", -1, 0, "right", "middle"),
    ("top", 0, -1, "center", "bottom"),
    ("bottom", 0, 1, "center", "top"),
    ("top-right", 0.7, -0.7, "left", "bottom"),
    ("bottom-right", 0.7, 0.7, "left", "top"),
    ("top-left", -0.7, -0.7, "right", "bottom"),
    ("bottom-left", -0.7, 0.7, "right", "top"),
)


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


def text_width(text: str, font_px: float) -> float:
    """A generous width estimate: CJK characters are square, Latin ones about 0.6 em."""
    return sum(font_px if ord(c) >= 0x2E80 else 0.62 * font_px for c in text)


def _box(x: float, y: float, w: float, h: float, align: str, baseline: str) -> Box:
    x0 = {"left": x, "right": x - w, "center": x - w / 2}[align]
    y0 = {"top": y, "bottom": y - h, "middle": y - h / 2}[baseline]
    return Box(x0 - 1, y0 - 1, x0 + w + 1, y0 + h + 1)


CENTRE = (("centre", 0.0, 0.0, "center", "middle"),)


def place(points: Sequence[tuple[float, float]], texts: Sequence[str], radii: Sequence[float],
          font_px: float, obstacles: Sequence[Box] = (), gap: float = 3.0,
          far: Sequence[float] = (0.0,), centre_first: bool = False
          ) -> list[tuple[str, float, float, str, str, Box]]:
    """Per label: (position name, x, y, align, baseline, box) in the pixel space given.

    ``far`` adds rings further out (extra pixels), tried after the near ring;
    ``centre_first`` tries the point itself first (area names such as prefectures).
    """
    anchors = (CENTRE + _AROUND) if centre_first else _AROUND
    markers = _array([Box(x - r, y - r, x + r, y + r)
                      for (x, y), r in zip(points, radii, strict=True)])
    fixed = list(obstacles)
    out: list[tuple[str, float, float, str, str, Box]] = []

    def best_for(i: int, taken: list[Box]) -> tuple[float, tuple[str, float, float, str, str,
                                                                 Box]]:
        (x, y), text, r = points[i], texts[i], radii[i]
        w, h = text_width(text, font_px), font_px * 1.15
        # Every other box as one array: a few hundred markers cost one numpy pass per
        # candidate position instead of a Python loop (the world map at 1 M rows).
        others = np.vstack([_array(taken), np.delete(markers, i, axis=0)])
        best: tuple[float, tuple[str, float, float, str, str, Box]] | None = None
        for extra in far:
            for name, ux, uy, align, baseline in anchors:
                d = r + gap + extra
                lx, ly = x + ux * d, y + uy * d
                box = _box(lx, ly, w, h, align, baseline)
                crowd = _crowd(box, others)
                if best is None or crowd < best[0]:
                    best = (crowd, (name if not extra else f"{name}+{extra:g}", lx, ly, align,
                                    baseline, box))
                if crowd == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        return best

    for i in range(len(points)):
        out.append(best_for(i, fixed + [o[5] for o in out])[1])
    for _ in range(3):  # repair: a label that still collides moves, given all the others
        moved = False
        for i in range(len(out)):
            rest = fixed + [o[5] for j, o in enumerate(out) if j != i]
            now = _crowd(out[i][5], _array(rest))
            if now == 0:
                continue
            crowd, choice = best_for(i, rest)
            if crowd < now:
                out[i], moved = choice, True
        if not moved:
            break
    return out


def _array(boxes: Sequence[Box]) -> np.ndarray:
    return (np.array([(b.x0, b.y0, b.x1, b.y1) for b in boxes], dtype=float)
            if boxes else np.empty((0, 4)))


def _crowd(box: Box, others: np.ndarray) -> float:
    """Total overlap area of ``box`` with each row (x0, y0, x1, y1) of ``others``."""
    if not len(others):
        return 0.0
    w = np.minimum(box.x1, others[:, 2]) - np.maximum(box.x0, others[:, 0])
    h = np.minimum(box.y1, others[:, 3]) - np.maximum(box.y0, others[:, 1])
    return float(np.where((w > 0) & (h > 0), w * h, 0.0).sum())


def mercator(lon: float, lat: float, k: float) -> tuple[float, float]:
    """Web-Mercator-like pixels (y down) at ``k`` pixels per degree of longitude."""
    y = math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))
    return lon * k, -y * k


_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float, k: float, rotate: float = -150.0
                ) -> tuple[float, float]:
    """Equal Earth pixels (y down), rotated like the world map, ``k`` pixels per unit."""
    lam = math.radians(((lon + rotate + 180) % 360) - 180)
    phi = math.radians(lat)
    th = math.asin(_M * math.sin(phi))
    t2, t6 = th * th, th ** 6
    x = lam * math.cos(th) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = th * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x * k, -y * k


def to_lonlat(project: Project, lon: float, lat: float, dx: float, dy: float
              ) -> tuple[float, float]:
    """The lon/lat ``(dx, dy)`` pixels away from (lon, lat): local linear inverse."""
    x0, y0 = project(lon, lat)
    e = 0.01
    xl, _ = project(lon + e, lat)
    _, ya = project(lon, lat + e)
    return lon + dx * e / (xl - x0), lat + dy * e / (ya - y0)


def label_frame(lonlat: Sequence[tuple[float, float]], texts: Sequence[str],
                radii: Sequence[float], project: Project, font_px: float,
                obstacles_lonlat: Sequence[tuple[float, float, float]] = (),
                taken: Sequence[Box] = (), far: Sequence[float] = (0.0,),
                extra: dict[str, Sequence[object]] | None = None,
                centre_first: bool = False) -> pd.DataFrame:
    """Placed labels as rows: text, label lon/lat, align, baseline, position, and box."""
    pts = [project(lon, lat) for lon, lat in lonlat]
    obstacles = list(taken) + [
        Box(x - r, y - r, x + r, y + r)
        for x, y, r in ((*project(lon, lat), r) for lon, lat, r in obstacles_lonlat)]
    placed = place(pts, texts, radii, font_px, obstacles, far=far, centre_first=centre_first)
    rows = []
    for (lon, lat), (x, y), text, (name, lx, ly, align, baseline, box) in zip(
            lonlat, pts, texts, placed, strict=True):
        llon, llat = to_lonlat(project, lon, lat, lx - x, ly - y)
        # The local scale (pixels per degree; y down, so negative for latitude) lets a
        # renderer move from the anchor to the box centre without the projection.
        e = 0.01
        px_lon = (project(lon + e, lat)[0] - x) / e
        px_lat = (project(lon, lat + e)[1] - y) / e
        rows.append({"text": text, "label_lon": llon, "label_lat": llat, "align": align,
                     "baseline": baseline, "position": name, "x0": box.x0, "y0": box.y0,
                     "x1": box.x1, "y1": box.y1, "px_per_lon": px_lon, "px_per_lat": px_lat})
    frame = pd.DataFrame(rows, columns=["text", "label_lon", "label_lat", "align", "baseline",
                                        "position", "x0", "y0", "x1", "y1", "px_per_lon",
                                        "px_per_lat"])
    for key, values in (extra or {}).items():
        frame[key] = list(values)
    return frame


def boxes(frame: pd.DataFrame) -> list[Box]:
    return [Box(*map(float, r)) for r in frame[["x0", "y0", "x1", "y1"]].to_numpy().tolist()]


def without_overlaps(frame: pd.DataFrame, taken: Sequence[Box] = ()) -> pd.DataFrame:
    """``frame`` without the labels that still overlap an earlier one (or ``taken``):
    where placement could not find room, fewer names read better than a clump."""
    keep: list[int] = []
    kept: list[Box] = list(taken)
    for i, box in enumerate(boxes(frame)):
        if not any(box.overlap(b) > 0 for b in kept):
            keep.append(i)
            kept.append(box)
    return frame.iloc[keep].reset_index(drop=True)


def overlaps(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """Pairs of labels whose boxes overlap (the tests expect none)."""
    bs = boxes(frame)
    return [(i, j) for i in range(len(bs)) for j in range(i + 1, len(bs))
            if bs[i].overlap(bs[j]) > 0]


def short_prefecture(name: str, lang: str) -> str:
    """Prefecture names as a map prints them: 延边州, Changchun, Yanbian."""
    if lang == "zh":
        return name.replace("朝鲜族自治州", "州")
    for suffix in (" Korean Autonomous Prefecture", " City"):
        name = name.removesuffix(suffix)
    return name


def zone_label(short: str, lang: str) -> str:
    """A zone's short name without the '(illustrative)' tag: the marker shape says it."""
    return short.replace("（示意）", "").replace(" (illus.)", "").strip()
