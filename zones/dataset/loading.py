"""Data access behind one small interface.

Pages never read files: they get a ``Dataset`` from a ``DataSource``. Today that is
``CsvSource`` over ``data/``; an imported workbook or a PostgreSQL connection can be
another source with the same ``read_tables``/``read_geo`` pair, and reuse the same
validation.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd
from shapely.geometry import shape

from zones import paths
from zones.dataset.csvread import TEXT, parse_boxed, read_regular_file
from zones.dataset.geopoints import representative_points
from zones.dataset.validation import Issue, IssueSink, shown, validate_frames
from zones.model import FILES, Dataset, GeoData

log = logging.getLogger("zones")

DATA_DIR = paths.DATA_DIR
DATA_DIR_ENV = paths.DATA_DIR_ENV
data_dir = paths.data_dir
GEO_FILES: dict[str, str] = {
    "province": "jilin_province.geojson",
    "prefectures": "jilin_prefectures.geojson",
    "counties": "jilin_counties.geojson",
    "china": "china.geojson",
    "china_maritime": "china_maritime.geojson",
    "world": "world.geojson",
}


class DataSource(Protocol):
    """Where the tables come from. Returns raw text frames plus read problems."""

    def read_tables(self) -> tuple[dict[str, pd.DataFrame], list[Issue]]: ...

    def read_geo(self) -> tuple[dict[str, dict], list[Issue]]: ...


@dataclass(frozen=True)
class LoadResult:
    dataset: Dataset | None
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        return self.dataset is not None


def read_csv_text(path: Path, name: str) -> tuple[pd.DataFrame | None, list[Issue]]:
    """Read a CSV as all-text so that bad cells can be reported, not crash the parser.

    The frame's index is the line an editor shows for each row (see ``zones.dataset.csvread``).
    """
    data, issues = read_regular_file(path, name)
    if data is None:
        return None, issues
    box = [data]
    del data  # the parser frees the bytes as soon as they are parsed
    return parse_boxed(box, name)


@dataclass(frozen=True)
class CsvSource:
    """The bundled files: ``data/*.csv`` and ``data/geo/*.geojson``."""

    root: Path = DATA_DIR

    def read_tables(self) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
        frames: dict[str, pd.DataFrame] = {}
        issues: list[Issue] = []
        for name, spec in FILES.items():
            df, found = read_csv_text(self.root / name, name)
            issues += found
            frames[name] = df if df is not None else pd.DataFrame(
                columns=spec.column_names, dtype=TEXT)
        return frames, issues

    def read_geo(self) -> tuple[dict[str, dict], list[Issue]]:
        layers: dict[str, dict] = {}
        issues: list[Issue] = []
        for key, fname in GEO_FILES.items():
            label = f"geo/{fname}"
            layer, found = read_geo_file(self.root / "geo" / fname, label, key)
            layers[key] = layer
            issues += found
        return layers, issues


EMPTY_LAYER: dict = {"type": "FeatureCollection", "features": []}
# Properties the maps and the loader read from each layer (all text).
GEO_PROPERTIES: dict[str, tuple[str, ...]] = {
    "province": ("adcode", "name_zh", "name_en"),
    "prefectures": ("adcode", "name_zh", "name_en"),
    "counties": ("adcode", "name_zh", "name_en", "prefecture_adcode", "prefecture_zh",
                 "prefecture_en"),
    "china": (),
    "china_maritime": (),
    "world": ("iso3", "name_zh", "name_en"),
}
_AREAS = ("Polygon", "MultiPolygon")
GEO_TYPES: dict[str, tuple[str, ...]] = {
    "china_maritime": ("LineString", "MultiLineString", *_AREAS),
}


def read_geo_file(path: Path, label: str, key: str) -> tuple[dict, list[Issue]]:
    """One boundary layer, checked shape by shape; on any problem an empty layer + issues."""
    data, issues = read_regular_file(path, label)
    if data is None:
        return EMPTY_LAYER, issues
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return EMPTY_LAYER, [Issue(label, line, None, "not_utf8")]
    except json.JSONDecodeError as exc:
        return EMPTY_LAYER, [Issue(label, exc.lineno, None, "bad_json",
                                   {"detail": exc.msg, "col": str(exc.colno)})]
    except (ValueError, RecursionError) as exc:
        return EMPTY_LAYER, [Issue(label, None, None, "bad_geo",
                                   {"detail": type(exc).__name__})]
    issues = check_layer(obj, label, key)
    return (EMPTY_LAYER if issues else obj), issues


def check_layer(obj: object, label: str, key: str) -> list[Issue]:
    """A FeatureCollection whose every feature has a drawable shape and its properties."""
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection" or not isinstance(
            obj.get("features"), list):
        return [Issue(label, None, None, "geo_not_collection")]
    sink = IssueSink()
    if not obj["features"]:
        sink.add(Issue(label, None, None, "geo_empty"))
    types = GEO_TYPES.get(key, _AREAS)
    for i, feat in enumerate(obj["features"], start=1):
        where = {"index": str(i)}
        if not isinstance(feat, dict):
            sink.add(Issue(label, None, None, "geo_feature", where | {"detail": "not an object"}))
            continue
        props = feat.get("properties")
        props = props if isinstance(props, dict) else {}
        for prop in GEO_PROPERTIES.get(key, ()):
            if not isinstance(props.get(prop), str) or not props[prop].strip():
                sink.add(Issue(label, None, prop, "geo_property", where | {"prop": prop}))
        detail = _shape_problem(feat.get("geometry"), types)
        if detail:
            sink.add(Issue(label, None, "geometry", "geo_feature", where | {"detail": detail}))
    if key == "province" and not sink.issues and not any(
            f["properties"].get("adcode") == "220000" for f in obj["features"]):
        sink.add(Issue(label, None, "adcode", "geo_property", {"index": "1", "prop": "adcode"}))
    return sink.result()


def _shape_problem(geom: object, types: tuple[str, ...]) -> str:
    """Why ``geom`` cannot be drawn ("" when it can); technical detail, in English."""
    if not isinstance(geom, dict):
        return "no geometry"
    if geom.get("type") not in types:
        return f"type {shown(geom.get('type'))} (expected {' or '.join(types)})"
    try:
        shp = shape(geom)
        if shp.is_empty:
            return "empty coordinates"
        x0, y0, x1, y1 = shp.bounds
        if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            return "coordinates outside longitude/latitude range"
        if shp.geom_type in _AREAS:
            shp.representative_point()
    except Exception as exc:  # (shapely/GEOS raise many kinds; all mean "bad")
        return f"{type(exc).__name__}: {shown(exc)[:60]}"
    return ""


def _county_table(counties: dict) -> pd.DataFrame:
    rows = [f["properties"] for f in counties.get("features", [])]
    cols = ["adcode", "name_zh", "name_en", "prefecture_adcode", "prefecture_zh",
            "prefecture_en"]
    return pd.DataFrame(rows, columns=cols).astype("string")


def load(source: DataSource) -> LoadResult:
    """Read, validate and type everything; on any issue return all issues and no data.

    Never raises: a failure nobody foresaw becomes one issue (and a log entry), so the
    error page and ``python -m zones validate`` still say something useful.
    """
    try:
        return _load(source)
    except Exception as exc:  # (the last line of defence, logged)
        log.exception("loading the data failed")
        return LoadResult(None, (Issue("-", None, None, "loader_bug",
                                       {"detail": type(exc).__name__}),))


def _load(source: DataSource) -> LoadResult:
    raw, issues = source.read_tables()
    geo, geo_issues = source.read_geo()
    issues += geo_issues
    typed, found = validate_frames(raw, geo["counties"], geo["world"])
    issues += found
    if issues:
        return LoadResult(None, tuple(issues))
    counties = _county_table(geo["counties"])
    zones = typed["zones.csv"].merge(
        counties.rename(columns={"adcode": "county_adcode", "name_zh": "county_zh",
                                 "name_en": "county_en"}),
        on="county_adcode", how="left",
    )
    zones["product_list"] = [[p.strip() for p in str(ps).split(";")]
                             for ps in zones["products"]]
    dataset = Dataset(
        zones=zones,
        products=typed["products.csv"],
        destinations=typed["destinations.csv"],
        first_exports=typed["first_exports.csv"],
        volumes=typed["export_volumes.csv"],
        figures=typed["report_figures.csv"],
        facts=typed["facts.csv"],
        geo=GeoData(**geo, world_points=representative_points(geo["world"], "iso3"),
                    jilin_point=representative_points(geo["province"], "adcode")["220000"]),
        counties=counties,
    )
    return LoadResult(dataset, ())
