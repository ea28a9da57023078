"""Validation of the data files: every problem found, not just the first.

Per-file checks (types, required values, allowed values, patterns, uniqueness, ranges)
run through a pandera schema built from ``zones.model.FILES``; cross-file checks
(referential integrity, points inside their county, fact ids) are plain code. Each
problem becomes an ``Issue`` naming file, line and column, with a message in both
languages taken from the string catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import pandera.pandas as pa
from shapely.geometry import Point

from zones.i18n import t
from zones.model import FILES, FileSpec


@dataclass(frozen=True)
class Issue:
    """One problem in one cell (or file). ``line`` counts the header as line 1."""

    file: str
    line: int | None
    column: str | None
    code: str
    params: dict[str, str] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        return t(f"err.{self.code}", lang, **self.params)

    def as_row(self, lang: str) -> dict[str, object]:
        return {
            t("err.col.file", lang): self.file,
            t("err.col.line", lang): "" if self.line is None else self.line,
            t("err.col.column", lang): self.column or "",
            t("err.col.message", lang): self.message(lang),
        }


def _line(index: object) -> int | None:
    try:
        return int(index) + 2  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def coerce_frame(spec: FileSpec, raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """Turn the all-text frame into typed columns; bad numbers become issues and NA."""
    issues: list[Issue] = []
    df = raw.copy()
    for col in spec.columns:
        if col.name not in df.columns:
            continue
        text = df[col.name].astype("string").str.strip()
        text = text.mask(text == "")
        if col.kind in ("int", "float"):
            num = pd.to_numeric(text, errors="coerce")
            bad = text.notna() & num.isna()
            if col.kind == "int":
                bad |= num.notna() & (num % 1 != 0)
                num = num.where(~bad)
            for idx in df.index[bad]:
                issues.append(Issue(spec.name, _line(idx), col.name,
                                    "not_integer" if col.kind == "int" else "not_number",
                                    {"value": str(text[idx])}))
            df[col.name] = num.astype("Int64") if col.kind == "int" else num.astype("Float64")
        else:
            df[col.name] = text
    return df, issues


def _schema(spec: FileSpec) -> pa.DataFrameSchema:
    columns: dict[str, pa.Column] = {}
    for col in spec.columns:
        checks: list[pa.Check] = []
        if col.allowed is not None:
            allowed: list[object] = (
                [int(a) for a in col.allowed] if col.kind == "int" else list(col.allowed)
            )
            checks.append(pa.Check.isin(allowed))
        if col.pattern is not None:
            checks.append(pa.Check.str_matches(col.pattern))
        if col.min_value is not None:
            checks.append(pa.Check.ge(col.min_value))
        columns[col.name] = pa.Column(
            checks=checks, nullable=True, unique=col.unique, required=False,
        )
    return pa.DataFrameSchema(columns, unique=list(spec.key) or None, strict=False)


def _check_code(check: str) -> str:
    for prefix, code in (
        ("isin", "not_allowed"), ("str_matches", "bad_format"),
        ("greater_than_or_equal_to", "too_small"), ("field_uniqueness", "duplicate"),
        ("multiple_fields_uniqueness", "duplicate_key"),
    ):
        if check.startswith(prefix):
            return code
    return "invalid"


def check_frame(spec: FileSpec, df: pd.DataFrame, bad_cells: set[tuple[int, str]],
                missing_columns: frozenset[str] = frozenset()) -> list[Issue]:
    """Schema checks of one typed frame. ``bad_cells`` were already reported by coercion,
    ``missing_columns`` as missing (once, not once per row)."""
    issues: list[Issue] = []
    present = set(spec.column_names) - missing_columns
    for col in spec.columns:
        if col.required and col.name in present:
            for idx in df.index[df[col.name].isna()]:
                if (idx, col.name) not in bad_cells:
                    issues.append(Issue(spec.name, _line(idx), col.name, "missing_value"))
    try:
        _schema(spec).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        seen: set[tuple[object, str, str]] = set()
        fc = exc.failure_cases
        for rec in fc.to_dict("records"):
            code = _check_code(str(rec["check"]))
            column = str(rec["column"])
            key = (rec["index"], column, code)
            if key in seen or rec["index"] is None or pd.isna(rec["index"]):
                continue
            seen.add(key)
            params = {"value": str(rec["failure_case"])}
            colspec = next((c for c in spec.columns if c.name == column), None)
            if code == "not_allowed" and colspec and colspec.allowed:
                params["allowed"] = ", ".join(colspec.allowed)
            if code == "too_small" and colspec and colspec.min_value is not None:
                params["min"] = f"{colspec.min_value:g}"
            if code == "duplicate_key":
                params["columns"] = " + ".join(spec.key)
                if column != spec.key[0]:
                    continue  # one issue per duplicated row, not one per key column
            issues.append(Issue(spec.name, _line(rec["index"]), column, code, params))
    return issues


def check_columns(spec: FileSpec, df: pd.DataFrame) -> list[Issue]:
    missing = [c for c in spec.column_names if c not in df.columns]
    return [Issue(spec.name, 1, c, "missing_column") for c in missing]


def _ref(file: str, df: pd.DataFrame, column: str, known: Iterable[object],
         target: str) -> list[Issue]:
    known_set = set(known)
    issues = []
    if column not in df.columns:
        return issues
    for idx, value in df[column].items():
        if pd.notna(value) and value not in known_set:
            issues.append(Issue(file, _line(idx), column, "unknown_ref",
                                {"value": str(value), "target": target}))
    return issues


def _fact_rule(file: str, df: pd.DataFrame, facts: set[str]) -> list[Issue]:
    """fact_id must be present exactly when source=report, and must exist."""
    issues: list[Issue] = []
    if "fact_id" not in df.columns:
        return issues
    has_source = "source" in df.columns
    for idx, row in df.iterrows():
        fid = row["fact_id"]
        if has_source and row["source"] == "report" and pd.isna(fid):
            issues.append(Issue(file, _line(idx), "fact_id", "fact_required"))
        elif has_source and row["source"] == "illustrative" and pd.notna(fid):
            issues.append(Issue(file, _line(idx), "fact_id", "fact_forbidden",
                                {"value": str(fid)}))
        elif pd.notna(fid) and fid not in facts:
            issues.append(Issue(file, _line(idx), "fact_id", "unknown_ref",
                                {"value": str(fid), "target": "facts.csv"}))
    return issues


def cross_checks(frames: dict[str, pd.DataFrame], counties: dict, world: dict) -> list[Issue]:
    """Checks between files and against the bundled boundaries."""
    issues: list[Issue] = []
    zones = frames["zones.csv"]
    products = frames["products.csv"]
    dests = frames["destinations.csv"]
    facts = set(frames["facts.csv"]["fact_id"].dropna())
    product_ids = set(products["product_id"].dropna())
    zone_ids = set(zones["zone_id"].dropna())
    iso3s = set(dests["iso3"].dropna())
    feats = counties.get("features", [])
    county_shapes = (
        gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326").set_index("adcode").geometry
        if feats else gpd.GeoSeries(dtype="geometry")
    )
    world_iso3 = {f["properties"]["iso3"] for f in world.get("features", [])}

    for idx, row in zones.iterrows():
        for pid in str(row.get("products") or "").split(";"):
            if pid and pid not in product_ids:
                issues.append(Issue("zones.csv", _line(idx), "products", "unknown_ref",
                                    {"value": pid, "target": "products.csv"}))
        code = row.get("county_adcode")
        if pd.isna(code) or not re.match(r"^\d{6}$", str(code)):
            continue
        if code not in county_shapes.index:
            issues.append(Issue("zones.csv", _line(idx), "county_adcode", "not_jilin_county",
                                {"value": str(code)}))
        elif pd.notna(row.get("lon")) and pd.notna(row.get("lat")):
            # The bundled shapes are simplified: allow ~1 km of slack at the border.
            point = Point(float(row["lon"]), float(row["lat"]))
            if not county_shapes.loc[code].buffer(0.01).contains(point):
                issues.append(Issue("zones.csv", _line(idx), "lon", "point_outside",
                                    {"value": f"{row['lon']}, {row['lat']}", "county": code}))
    for name in ("first_exports.csv", "export_volumes.csv"):
        df = frames[name]
        issues += _ref(name, df, "product_id", product_ids, "products.csv")
        issues += _ref(name, df, "zone_id", zone_ids, "zones.csv")
        issues += _ref(name, df, "destination_iso3", iso3s, "destinations.csv")
    issues += _ref("destinations.csv", dests, "iso3", world_iso3, "data/geo/world.geojson")
    vol = frames["export_volumes.csv"]
    if {"zone_id", "product_id"} <= set(vol.columns) and "products" in zones.columns:
        made = {
            (z, p) for z, ps in zip(zones["zone_id"], zones["products"].fillna(""), strict=True)
            for p in str(ps).split(";") if p
        }
        for idx, row in vol[vol["zone_id"].notna()].iterrows():
            if row["zone_id"] in zone_ids and row["product_id"] in product_ids and (
                (row["zone_id"], row["product_id"]) not in made
            ):
                issues.append(Issue("export_volumes.csv", _line(idx), "product_id",
                                    "product_not_made",
                                    {"value": str(row["product_id"]),
                                     "zone": str(row["zone_id"])}))
    for name in ("zones.csv", "products.csv", "destinations.csv", "first_exports.csv"):
        issues += _fact_rule(name, frames[name], facts)
    issues += _ref("report_figures.csv", frames["report_figures.csv"], "fact_id", facts,
                   "facts.csv")
    return issues


def validate_frames(raw: dict[str, pd.DataFrame], counties: dict, world: dict
                    ) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Type and check every file; returns typed frames and all issues found."""
    issues: list[Issue] = []
    typed: dict[str, pd.DataFrame] = {}
    for name, spec in FILES.items():
        df = raw[name]
        col_issues = check_columns(spec, df)
        issues += col_issues
        frame, coerce_issues = coerce_frame(spec, df)
        for col in spec.column_names:
            if col not in frame.columns:
                frame[col] = pd.Series(pd.NA, index=frame.index, dtype="string")
        issues += coerce_issues
        bad = {(i.line - 2, i.column) for i in coerce_issues if i.line and i.column}
        missing = frozenset(i.column for i in col_issues if i.column)
        issues += check_frame(spec, frame, bad, missing)
        typed[name] = frame
    issues += cross_checks(typed, counties, world)
    return typed, issues
