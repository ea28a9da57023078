"""Data access behind one small interface.

Pages never read files: they get a ``Dataset`` from a ``DataSource``. Today that is
``CsvSource`` over ``data/``; an imported workbook or a PostgreSQL connection can be
another source with the same ``read_tables``/``read_geo`` pair, and reuse the same
validation.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from zones.maps import representative_points
from zones.model import FILES, Dataset, GeoData
from zones.validation import Issue, validate_frames

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
DATA_DIR_ENV = "ZONES_DATA_DIR"


def data_dir() -> Path:
    """The bundled ``data/``, or another folder of the same shape named by $ZONES_DATA_DIR."""
    return Path(os.environ.get(DATA_DIR_ENV) or DATA_DIR)
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
    """Read a CSV as all-text so that bad cells can be reported, not crash the parser."""
    if not path.exists():
        return None, [Issue(name, None, None, "missing_file")]
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Issue(name, None, None, "not_utf8")]
    if not raw.strip():
        return None, [Issue(name, None, None, "empty_file")]
    issues: list[Issue] = []
    rows = list(csv.reader(raw.splitlines()))
    header = [h.strip() for h in rows[0]]
    body: list[list[str]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            issues.append(Issue(name, n, None, "unreadable",
                                {"detail": f"{len(row)} ≠ {len(header)}"}))
            continue
        body.append(row)
    if not body and not issues:  # a header alone: nothing to show, say so before the pages try
        issues.append(Issue(name, None, None, "empty_file"))
    df = pd.DataFrame(body, columns=header, dtype="string")
    return df, issues


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
                columns=spec.column_names, dtype="string")
        return frames, issues

    def read_geo(self) -> tuple[dict[str, dict], list[Issue]]:
        layers: dict[str, dict] = {}
        issues: list[Issue] = []
        for key, fname in GEO_FILES.items():
            path = self.root / "geo" / fname
            label = f"geo/{fname}"
            try:
                layers[key] = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                issues.append(Issue(label, None, None, "missing_file"))
                layers[key] = {"type": "FeatureCollection", "features": []}
            except (ValueError, UnicodeDecodeError) as exc:
                issues.append(Issue(label, None, None, "bad_geo", {"detail": str(exc)[:80]}))
                layers[key] = {"type": "FeatureCollection", "features": []}
        return layers, issues


def _county_table(counties: dict) -> pd.DataFrame:
    rows = [f["properties"] for f in counties.get("features", [])]
    cols = ["adcode", "name_zh", "name_en", "prefecture_adcode", "prefecture_zh",
            "prefecture_en"]
    return pd.DataFrame(rows, columns=cols).astype("string")


def load(source: DataSource) -> LoadResult:
    """Read, validate and type everything; on any issue return all issues and no data."""
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
    zones["product_list"] = zones["products"].str.split(";")
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
