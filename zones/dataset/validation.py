"""Validation of the data files: every problem found, located, and said once.

Per-file checks (required values, numbers finite and in range, years inside the window of
``zones.model``, allowed values, patterns, list cells, uniqueness) and cross-file checks
(references, points inside their county, fact ids) are vectorised over whole columns, so
a million-row table is checked in about a second. Each problem becomes an ``Issue`` naming
file, the line an editor shows, column and the value as written, with a message in both
languages from the string catalogue. Many rows with the same problem are collapsed into
the first few and "… and N more rows with the same problem" (``IssueSink``); a check
against a file that could not be read is skipped, so one root cause gives one message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from shapely.geometry import Point

from zones.i18n import t
from zones.model import FILES, FIRST_YEAR, Col, FileSpec, last_year

TEXT = pd.StringDtype("pyarrow")
GROUP_LIMIT = 10  # issues shown per (file, column, problem) before the rest are counted
MAX_CELL_CHARS = 10_000  # the longest note in data/ is ~200 characters
NUMBER_RE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
SHOWN_CHARS = 80


@dataclass(frozen=True)
class Issue:
    """One problem in one cell (or file). ``line`` counts the header as line 1, as an
    editor does; ``value`` is the cell as written in the file ("" for file-level issues)."""

    file: str
    line: int | None
    column: str | None
    code: str
    params: dict[str, str] = field(default_factory=dict)
    value: str = ""

    def message(self, lang: str) -> str:
        params = dict(self.params)
        if "count_zh" in params:  # "4080" in Chinese, "4,080" in English
            params["count"] = params["count_zh" if lang == "zh" else "count_en"]
        for key in [k[:-3] for k in params if k.endswith("_zh") and f"{k[:-3]}_en" in params]:
            params[key] = params[f"{key}_zh" if lang == "zh" else f"{key}_en"]  # names (#17)
        return t(f"err.{self.code}", lang, **params)

    def as_row(self, lang: str) -> dict[str, object]:
        return {
            t("err.col.file", lang): self.file,
            t("err.col.line", lang): "" if self.line is None else self.line,
            t("err.col.column", lang): self.column or "",
            t("err.col.message", lang): self.message(lang),
        }


def shown(value: object) -> str:
    """A cell as written, cut to a readable length for a message."""
    text = "" if value is None or value is pd.NA else str(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


class IssueSink:
    """Collects issues; past ``GROUP_LIMIT`` of one (file, column, code) it only counts.

    Vectorised checks hand over whole masks; only the first few rows ever become
    ``Issue`` objects, so a 50 MB file of duplicates costs the same as one duplicate.
    """

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self._count: dict[tuple[str, str | None, str], int] = {}
        self._extra: dict[tuple[str, str | None, str], list[int]] = {}

    def add(self, issue: Issue) -> None:
        key = (issue.file, issue.column, issue.code)
        n = self._count.get(key, 0)
        self._count[key] = n + 1
        if n < GROUP_LIMIT:
            self.issues.append(issue)
        else:
            self._more(key, 1, issue.line, issue.line)

    def extend(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            self.add(issue)

    def _more(self, key: tuple[str, str | None, str], n: int, first: int | None,
              last: int | None) -> None:
        entry = self._extra.setdefault(key, [0, 0, 0])
        if first is not None and (entry[1] == 0 or first < entry[1]):
            entry[1] = first
        if last is not None and last > entry[2]:
            entry[2] = last
        entry[0] += n

    def add_rows(self, file: str, column: str | None, code: str, positions: np.ndarray,
                 lines: np.ndarray, raw: pd.Series | None,
                 params: dict[str, str] | None = None,
                 per_row: Callable[[int], dict[str, str]] | None = None) -> None:
        """One issue per position (row number in the frame), capped; the rest counted."""
        if not len(positions):
            return
        key = (file, column, code)
        done = self._count.get(key, 0)
        room = max(0, GROUP_LIMIT - done)
        for pos in positions[:room]:
            value = "" if raw is None else raw.iloc[int(pos)]
            value = "" if value is None or value is pd.NA else str(value)
            p = {**(params or {}), "value": shown(value)}
            if per_row is not None:
                p |= per_row(int(pos))
            self.issues.append(Issue(file, int(lines[pos]), column, code, p, value))
        rest = positions[room:]
        self._count[key] = done + len(positions)
        if len(rest):
            self._more(key, len(rest), int(lines[rest].min()), int(lines[rest].max()))

    def result(self) -> list[Issue]:
        """The issues, each collapsed group followed by its "… and N more" line."""
        last_of: dict[tuple[str, str | None, str], int] = {}
        for i, issue in enumerate(self.issues):
            last_of[(issue.file, issue.column, issue.code)] = i
        out: list[Issue] = []
        after = {i: key for key, i in last_of.items() if key in self._extra}
        for i, issue in enumerate(self.issues):
            out.append(issue)
            if i in after:
                key = after[i]
                n, first, last = self._extra[key]
                out.append(Issue(key[0], first or None, key[1], "more_same",
                                 {"count_en": f"{n:,}", "count_zh": str(n),
                                  "first": str(first), "last": str(last)}))
        return out


def _line_numbers(df: pd.DataFrame) -> np.ndarray:
    """Editor line of each row: the index when the reader put them there, else index + 2."""
    if df.attrs.get("line_index"):
        return df.index.to_numpy(dtype=np.int64)
    return np.arange(len(df), dtype=np.int64) + 2


def _bool(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype=bool, na_value=False)


def _np(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """An Arrow boolean array as numpy, nulls as False."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _arrow(s: pd.Series) -> pa.ChunkedArray:
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        return s.array._pa_array  # zero copy
    return pa.chunked_array([pa.array(s.array, type=pa.large_string())])


def _series(arr: pa.ChunkedArray) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(arr))


def _match(arr: pa.ChunkedArray, pattern: str) -> np.ndarray:
    """Whole-cell regex match (RE2), vectorised; the model's patterns are anchored."""
    anchored = pattern if pattern.startswith("^") else f"^(?:{pattern})$"
    return _np(pc.match_substring_regex(arr, anchored))


def _null_unless(mask: np.ndarray, arr: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pa.array(mask), arr, pa.scalar(None, arr.type))


@dataclass
class _Frame:
    """One file during validation: its typed frame, editor lines and cells already wrong."""

    spec: FileSpec
    typed: pd.DataFrame
    raw: pd.DataFrame
    lines: np.ndarray
    bad: dict[str, np.ndarray]
    missing: frozenset[str]

    def ok(self, col: str) -> np.ndarray:
        """Rows whose ``col`` is present and not already reported."""
        values = self.typed[col]
        return ~self.bad[col] & values.notna().to_numpy()


@dataclass
class _Cell:
    """One column being checked: as written, trimmed, and which rows are empty or wrong."""

    file: str
    col: Col
    raw: pd.Series
    text: pa.ChunkedArray
    empty: np.ndarray
    bad: np.ndarray
    lines: np.ndarray
    sink: IssueSink

    def report(self, code: str, mask: np.ndarray, params: dict[str, str] | None = None,
               with_value: bool = True) -> None:
        """Report rows in ``mask`` not already reported, and mark them wrong."""
        mask = mask & ~self.bad
        self.sink.add_rows(self.file, self.col.name, code, np.flatnonzero(mask), self.lines,
                           self.raw if with_value else None, params)
        self.bad |= mask

    @property
    def todo(self) -> np.ndarray:
        return ~self.empty & ~self.bad


def _check_number(c: _Cell) -> pd.Series:
    col = c.col
    is_int = col.kind == "int"
    c.report("not_integer" if is_int else "not_number", c.todo & ~_match(c.text, NUMBER_RE))
    vals = np.full(len(c.raw), np.nan)
    if c.todo.any():
        arr = pc.cast(_null_unless(c.todo, c.text), pa.float64())
        vals = np.array(arr.to_numpy(zero_copy_only=False), dtype=float)
    finite = np.isfinite(vals)
    if is_int:
        c.report("not_integer", c.todo & finite & (np.mod(vals, 1) != 0))
        if col.max_value is None:  # never convert a number an int64 cannot hold
            c.report("too_large", c.todo & (np.abs(vals) >= 2**53), {"max": f"{2**53:,}"})
    top = col.max_value if col.max_value is not None else float("inf")
    c.report("too_large", c.todo & ~finite, {"max": f"{top:,.15g}"})
    if col.year_window:
        first, last = FIRST_YEAR, last_year()
        c.report("out_of_window", c.todo & ((vals < first) | (vals > last)),
                 {"first": str(first), "last": str(last)})
    elif col.min_value is not None:
        c.report("too_small", c.todo & (vals < col.min_value), {"min": f"{col.min_value:g}"})
    if col.max_value is not None:
        c.report("too_large", c.todo & (vals > col.max_value), {"max": f"{top:,.15g}"})
    if col.allowed is not None:
        allowed = np.array([float(a) for a in col.allowed])
        c.report("not_allowed", c.todo & ~np.isin(vals, allowed),
                 {"allowed": ", ".join(col.allowed)})
    good = c.todo
    if is_int:
        ints = np.where(good, vals, 0).astype(np.int64)
        return pd.Series(pd.arrays.IntegerArray(ints, ~good))
    return pd.Series(pd.arrays.FloatingArray(np.where(good, vals, 0.0), ~good))


def _check_text(c: _Cell) -> pd.Series:
    col = c.col
    if col.allowed is not None:
        known = _np(pc.is_in(c.text, value_set=pa.array(list(col.allowed), c.text.type)))
        c.report("not_allowed", c.todo & ~known, {"allowed": ", ".join(col.allowed)})
    if col.pattern is not None:
        c.report("bad_format", c.todo & ~_match(c.text, col.pattern))
    if col.year_window and c.todo.any():
        first, last = FIRST_YEAR, last_year()
        head = pc.utf8_slice_codeunits(_null_unless(c.todo & _match(c.text, r"^\d{4}"),
                                                    c.text), 0, 4)
        years = pc.cast(head, pa.float64()).to_numpy(zero_copy_only=False)
        c.report("out_of_window", c.todo & ((years < first) | (years > last)),
                 {"first": str(first), "last": str(last)})
    if col.list_sep is not None:
        sep = re.escape(col.list_sep)
        hole = _np(pc.match_substring_regex(c.text, f"(?:^|{sep})\\s*(?:{sep}|$)"))
        c.report("empty_item", c.todo & hole, {"sep": col.list_sep})
    keep = c.todo
    return _series(c.text if keep.all() else _null_unless(keep, c.text))


def _check_file(spec: FileSpec, df: pd.DataFrame, sink: IssueSink) -> _Frame:
    lines = _line_numbers(df)
    df = df.reset_index(drop=True)
    header_line = int(df.attrs.get("header_line", 1))
    missing = [c for c in spec.column_names if c not in df.columns]
    for c in missing:
        sink.add(Issue(spec.name, header_line, c, "missing_column"))
    typed: dict[str, pd.Series] = {}
    raw_cols: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    n = len(df)
    for col in spec.columns:
        if col.name not in df.columns:
            typed[col.name] = pd.Series(pd.NA, index=df.index, dtype=TEXT)
            bad[col.name] = np.zeros(n, dtype=bool)
            continue
        raw = df[col.name]
        if raw.dtype != TEXT:  # another DataSource: object or Python-backed strings
            raw = raw.map(lambda v: v if v is None or isinstance(v, str) or v is pd.NA
                          or v != v else str(v), na_action="ignore").astype(TEXT)
        raw_cols[col.name] = raw
        arr = _arrow(raw)
        padded = pc.any(pc.match_substring_regex(arr, r"^\s|\s$")).as_py()
        text = pc.utf8_trim_whitespace(arr) if padded else arr  # one copy only if needed
        empty = _np(pc.or_kleene(pc.is_null(text), pc.equal(text, "")))
        c = _Cell(spec.name, col, raw, text, empty, np.zeros(n, dtype=bool), lines, sink)
        if n and (pc.max(pc.binary_length(arr)).as_py() or 0) > MAX_CELL_CHARS:
            length = pc.utf8_length(arr).to_numpy(zero_copy_only=False)
            too_long = np.nan_to_num(length.astype(float)) > MAX_CELL_CHARS
            sink.add_rows(spec.name, col.name, "cell_too_long", np.flatnonzero(too_long),
                          lines, None, {"limit": f"{MAX_CELL_CHARS:,}"},
                          per_row=lambda p, ln=length: {"length": f"{int(ln[p]):,}"})
            c.bad |= too_long
        if col.required:
            c.report("missing_value", c.empty, with_value=False)
        check = _check_number if col.kind in ("int", "float") else _check_text
        typed[col.name] = check(c)
        if col.unique:
            vals = typed[col.name]
            dup = vals.notna().to_numpy() & vals.duplicated(keep=False).to_numpy()
            sink.add_rows(spec.name, col.name, "duplicate", np.flatnonzero(dup), lines, raw)
        bad[col.name] = c.bad
    frame = pd.DataFrame(typed)
    if spec.key and not set(spec.key) & set(missing):
        codes = _key_codes(frame[list(spec.key)])
        dup = _duplicated(codes)
        if dup.any():
            sink.add_rows(spec.name, spec.key[0], "duplicate_key", np.flatnonzero(dup), lines,
                          None, {"columns": " + ".join(spec.key)},
                          per_row=lambda p: {"first": str(_other_line(codes, p, lines))})
    return _Frame(spec, frame, pd.DataFrame(raw_cols), lines, bad, frozenset(missing))


def _key_codes(keyed: pd.DataFrame) -> np.ndarray:
    """One int64 per row, equal exactly when the rows' keys are equal: small integer codes
    per column combined (a million 4-column string keys cost a few int arrays)."""
    combined = np.zeros(len(keyed), dtype=np.int64)
    radix = 1
    for col in keyed.columns:
        values = keyed[col]
        size = len(values) + 1
        if isinstance(values.array, pd.arrays.ArrowStringArray):
            encoded = pc.dictionary_encode(_arrow(values)).combine_chunks()
            codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False) + 1
            size = len(encoded.dictionary) + 1
        else:
            codes = pd.factorize(values, use_na_sentinel=True)[0] + 1
            size = int(codes.max(initial=0)) + 1
        if radix > (2**62) // size:  # too many combinations for one int64: hash the rest
            rest = pd.util.hash_pandas_object(keyed, index=False).to_numpy()
            return rest.view(np.int64)
        combined += np.asarray(codes, dtype=np.int64) * radix
        radix *= size
    return combined


def _duplicated(codes: np.ndarray) -> np.ndarray:
    """Rows whose code occurs more than once (a sort, not a hash table of a million keys)."""
    order = np.argsort(codes, kind="stable")
    same = codes[order]
    same = same[1:] == same[:-1]  # neighbours in sorted order with equal keys
    dup = np.zeros(len(codes), dtype=bool)
    dup[order[1:][same]] = True
    dup[order[:-1][same]] = True
    return dup


def _other_line(codes: np.ndarray, pos: int, lines: np.ndarray) -> int:
    """The line of another row with the same key as row ``pos``."""
    same = np.flatnonzero(codes == codes[pos])
    others = same[same != pos]
    return int(lines[others[0]]) if len(others) else int(lines[pos])


def _ref(f: _Frame, column: str, known: Iterable[object], target: str,
         sink: IssueSink) -> None:
    known_list = [k for k in known if k is not None and k is not pd.NA]
    if column in f.missing:
        return
    values = f.typed[column]
    unknown = f.ok(column) & ~_bool(values.isin(known_list))
    sink.add_rows(f.spec.name, column, "unknown_ref", np.flatnonzero(unknown), f.lines,
                  f.raw.get(column), {"target": target})


def _fact_rule(f: _Frame, facts: set[str], facts_ok: bool, sink: IssueSink) -> None:
    """fact_id must be present exactly when source=report, and must exist."""
    if "fact_id" in f.missing or "source" in f.missing:
        return
    fid = f.typed["fact_id"]
    src = f.typed["source"]
    has = fid.notna().to_numpy()
    report = _bool(src == "report")
    illus = _bool(src == "illustrative")
    fid_ok = ~f.bad["fact_id"]
    raw = f.raw.get("fact_id")
    sink.add_rows(f.spec.name, "fact_id", "fact_required",
                  np.flatnonzero(report & ~has & fid_ok), f.lines, None)
    sink.add_rows(f.spec.name, "fact_id", "fact_forbidden",
                  np.flatnonzero(illus & has & fid_ok), f.lines, raw)
    if facts_ok:
        unknown = ~illus & has & fid_ok & ~_bool(fid.isin(list(facts)))
        sink.add_rows(f.spec.name, "fact_id", "unknown_ref", np.flatnonzero(unknown), f.lines,
                      raw, {"target": "facts.csv"})


def _county_shapes(counties: dict) -> gpd.GeoSeries:
    feats = counties.get("features", [])
    if not feats:
        return gpd.GeoSeries(dtype="geometry")
    try:
        return gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326").set_index(
            "adcode").geometry
    except Exception:  # (the geo reader reports bad shapes; skip the check)
        return gpd.GeoSeries(dtype="geometry")


def _codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    """Position of each value in ``categories`` (-1 if absent), straight from Arrow."""
    arr = _arrow(values)
    idx = pc.index_in(arr, value_set=pa.array(categories, arr.type))
    return np.asarray(pc.fill_null(idx, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _cross_checks(frames: dict[str, _Frame], counties: dict, world: dict,
                  sink: IssueSink) -> None:
    """Checks between files and against the bundled boundaries; a reference into a file
    that could not be read (no rows) is not checked, so one root cause is said once."""
    zones, products, dests = (frames[n] for n in ("zones.csv", "products.csv",
                                                   "destinations.csv"))
    facts_f = frames["facts.csv"]
    facts = set(facts_f.typed["fact_id"].dropna())
    product_ids = set(products.typed["product_id"].dropna())
    zone_ids = set(zones.typed["zone_id"].dropna())
    iso3s = set(dests.typed["iso3"].dropna())
    county_shapes = _county_shapes(counties)
    world_iso3 = {str((f.get("properties") or {}).get("iso3"))
                  for f in world.get("features", []) if isinstance(f, dict)}

    z = zones.typed
    if product_ids and "products" not in zones.missing:
        for pos in np.flatnonzero(zones.ok("products")):
            for pid in str(z["products"].iloc[pos]).split(";"):
                if pid.strip() not in product_ids:
                    sink.add(Issue("zones.csv", int(zones.lines[pos]), "products",
                                   "unknown_ref", {"value": shown(pid.strip()),
                                                   "target": "products.csv"}, pid))
    if len(county_shapes) and "county_adcode" not in zones.missing:
        for pos in np.flatnonzero(zones.ok("county_adcode")):
            code = str(z["county_adcode"].iloc[pos])
            line = int(zones.lines[pos])
            if code not in county_shapes.index:
                sink.add(Issue("zones.csv", line, "county_adcode", "not_jilin_county",
                               {"value": code}, code))
            elif zones.ok("lon")[pos] and zones.ok("lat")[pos]:
                lon, lat = float(z["lon"].iloc[pos]), float(z["lat"].iloc[pos])
                # The bundled shapes are simplified: allow ~1 km of slack at the border.
                if not county_shapes.loc[code].buffer(0.01).contains(Point(lon, lat)):
                    raw_lon, raw_lat = zones.raw["lon"].iloc[pos], zones.raw["lat"].iloc[pos]
                    sink.add(Issue("zones.csv", line, "lon", "point_outside",
                                   {"value": f"{shown(raw_lon)}, {shown(raw_lat)}",
                                    "county": code}, f"{raw_lon}, {raw_lat}"))
    for name in ("first_exports.csv", "export_volumes.csv"):
        f = frames[name]
        if product_ids:
            _ref(f, "product_id", product_ids, "products.csv", sink)
        if zone_ids:
            _ref(f, "zone_id", zone_ids, "zones.csv", sink)
        if iso3s:
            _ref(f, "destination_iso3", iso3s, "destinations.csv", sink)
    if world_iso3:
        _ref(dests, "iso3", world_iso3, "data/geo/world.geojson", sink)
    vol = frames["export_volumes.csv"]
    if not {"zone_id", "product_id"} & vol.missing and "products" not in zones.missing:
        made = {(zid, p.strip()) for zid, ps in zip(z["zone_id"], z["products"], strict=True)
                if zid is not pd.NA and ps is not pd.NA for p in str(ps).split(";")}
        check = vol.ok("zone_id") & vol.ok("product_id")
        # A zone whose product list is itself wrong was reported there; not per volume row.
        unsure = set(z["zone_id"][~zones.ok("products")].dropna())
        if unsure:
            check &= ~_bool(vol.typed["zone_id"].isin(list(unsure)))
        if check.any():  # codes into a zone × product table: no million-row string join
            zlist, plist = sorted(zone_ids), sorted(product_ids)
            zc = _codes(vol.typed["zone_id"], zlist)
            pcodes = _codes(vol.typed["product_id"], plist)
            table = np.zeros((len(zlist) + 1, len(plist) + 1), dtype=bool)
            zi = {zv: i for i, zv in enumerate(zlist)}
            pi = {pv: i for i, pv in enumerate(plist)}
            for zv, pv in made:
                if zv in zi and pv in pi:
                    table[zi[zv], pi[pv]] = True
            check &= (zc >= 0) & (pcodes >= 0)
            wrong = check & ~table[zc, pcodes]
            zid = vol.typed["zone_id"]
            sink.add_rows(vol.spec.name, "product_id", "product_not_made",
                          np.flatnonzero(wrong), vol.lines, vol.raw.get("product_id"),
                          per_row=lambda p: {"zone": shown(zid.iloc[p])})
    _consignments_rule(vol, sink)
    facts_ok = bool(facts)
    for name in ("zones.csv", "products.csv", "destinations.csv", "first_exports.csv"):
        _fact_rule(frames[name], facts, facts_ok, sink)
    if facts_ok:
        _ref(frames["report_figures.csv"], "fact_id", facts, "facts.csv", sink)


def validate_frames(raw: dict[str, pd.DataFrame], counties: dict, world: dict
                    ) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Type and check every file; returns typed frames and all issues found."""
    sink = IssueSink()
    frames: dict[str, _Frame] = {}
    for name, spec in FILES.items():
        frames[name] = _check_file(spec, raw[name], sink)
        pa.default_memory_pool().release_unused()  # keep the peak to one file's scratch
    _cross_checks(frames, counties, world, sink)
    return {name: f.typed for name, f in frames.items()}, sink.result()


def _consignments_rule(vol: _Frame, sink: IssueSink) -> None:
    """An empty consignment count means "not given" (#17: customs statistics have none);
    only an imported row may say so. The report's and the illustrative rows always had
    one, so an empty cell there is a damaged file, not a missing figure."""
    if {"consignments", "source"} & vol.missing or "consignments" not in vol.raw:
        return
    empty = _bool(vol.typed["consignments"].isna()) & ~vol.bad["consignments"]
    imported = _bool(vol.typed["source"] == "imported")
    sink.add_rows(vol.spec.name, "consignments", "missing_value",
                  np.flatnonzero(empty & ~imported), vol.lines, None)
