"""SQL backend benchmark: load and filter+aggregate times at N export rows, PostgreSQL vs pandas.

Run from the repo root::

    .venv/bin/python bench/sql.py                 # 1 M rows, a throw-away local server
    .venv/bin/python bench/sql.py --url URL --data-dir /tmp/d1m --rows 0

Starts PostgreSQL like the tests do (tests/pg_server.py) unless ``--url`` is given, makes
the synthetic set with ``scripts/generate_large.py`` unless ``--data-dir`` is given, loads
it with ``sql_load`` (the CLI's function), then times every query a page rerun sends
(``VolumeQuery.totals`` for each filter change x grain, cache off) in PostgreSQL with the
monthly cube, PostgreSQL on the rows alone, and pandas (object strings and categoricals).
Prints Markdown and appends it to ``bench/RESULTS-sql.md``. ``results()`` returns the rows,
for ``bench/run.py`` to include.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from zones.dataset.volumes import PandasVolumeQuery, VolumeFilter  # noqa: E402

# One filter change each; the grains are the ones the pages ask for on that rerun.
CASES: dict[str, VolumeFilter] = {
    "no filter": VolumeFilter(),
    "product": VolumeFilter(products=("ginseng",)),
    "destination": VolumeFilter(destinations=("JPN",)),
    "zone": VolumeFilter(zone_ids=("dehui-poultry",)),
    "period (1 year)": VolumeFilter(period=("2009-01", "2009-12")),
    "product+destination+period": VolumeFilter(products=("rice",), destinations=("JPN", "KOR"),
                                               period=("2005-01", "2010-12")),
}
GRAINS: dict[str, tuple[str, ...]] = {
    "total": (),
    "zone": ("zone_id",),  # zone map and table
    "destination": ("destination_iso3",),  # destinations table
    "zone→destination": ("zone_id", "destination_iso3"),  # world-map arcs
    "year×product": ("year", "product_id", "source"),  # overview trend, volumes page
    "month×product": ("period", "product_id", "source"),  # volumes page, monthly
}


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _pandas_frame(path: Path, categorical: bool) -> pd.DataFrame:
    ids = ["zone_id", "product_id", "destination_iso3", "source"]  # period: compared by range
    dtype: dict[str, str] = {c: ("category" if categorical else "object") for c in ids}
    dtype["period"] = "object"
    return pd.read_csv(path, dtype=dtype, keep_default_na=False,
                       na_values={"zone_id": [""]})


def results(url: str, data_dir: Path, repeat: int = 5) -> dict[str, object]:
    from zones.sql.read import SqlVolumeQuery
    from zones.sql.schema import engine_from_url
    from zones.sql.write import sql_load

    engine = engine_from_url(url)
    loaded = sql_load(engine, data_dir)
    if not loaded.ok:
        raise SystemExit(f"sql-load failed: {loaded.issues[:3]}")
    backends: dict[str, Callable[[VolumeFilter, tuple[str, ...]], object]] = {
        "PostgreSQL + cube": SqlVolumeQuery(engine, 0, cache_size=0).totals,
        "PostgreSQL rows only": SqlVolumeQuery(engine, 0, cache_size=0, use_cube=False).totals,
    }
    t0 = time.perf_counter()
    frame = _pandas_frame(data_dir / "export_volumes.csv", categorical=False)
    read_s = time.perf_counter() - t0
    backends["pandas (strings)"] = PandasVolumeQuery(frame).totals
    backends["pandas (categoricals)"] = PandasVolumeQuery(
        _pandas_frame(data_dir / "export_volumes.csv", categorical=True)).totals
    rows = []
    for case, where in CASES.items():
        for grain, by in GRAINS.items():
            row: dict[str, object] = {"filter": case, "grain": grain}
            for name, fn in backends.items():
                row[name] = round(_median_ms(lambda f=fn, w=where, b=by: f(w, b), repeat), 1)
            rows.append(row)
    table = pd.DataFrame(rows)
    # A page rerun sends about 4 of these (zone, destination, pairs, trend): the sum per
    # filter change is what a user waits for, before the result cache.
    per_rerun = table.groupby("filter", sort=False)[list(backends)].sum().round(1)
    engine.dispose()
    return {"rows": int((loaded.rows or {}).get("export_volumes.csv", 0)),
            "load_s": round(loaded.seconds, 1), "pandas_read_s": round(read_s, 1),
            "table": table, "per_rerun": per_rerun}


PAGE_CHANGES: dict[str, tuple[str, object]] = {
    "product": ("product", ["ginseng"]),
    "destination": ("dest", ["JPN"]),
    "zone": ("zone", ["dehui-poultry"]),
    "period": ("period", ("2009-01", "2009-12")),
}


def page_reruns(url: str, repeat: int = 3) -> pd.DataFrame:
    """Server time of a page rerun after each filter change (AppTest, same process).

    Also how much of it was spent waiting for PostgreSQL (uncached queries only: the
    result cache is cleared before each timed rerun, as on a first click).
    """
    from streamlit.testing.v1 import AppTest

    from zones.sql import read as zsql

    spent = [0.0]
    original = zsql.SqlVolumeQuery._totals

    def timed(self, where, by):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return original(self, where, by)
        finally:
            spent[0] += time.perf_counter() - t0

    zsql.SqlVolumeQuery._totals = timed  # type: ignore[method-assign]
    os.environ["ZONES_DATABASE_URL"] = url
    rows = []
    try:
        for page in ("overview", "zones", "destinations", "volumes"):
            for change, (key, value) in PAGE_CHANGES.items():
                totals, in_sql = [], []
                for _ in range(repeat):
                    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
                    at.run()
                    if page != "overview":
                        at.switch_page(f"pages/{page}.py")
                        at.run()
                    from zones.ui import load_data

                    ds = load_data().dataset
                    assert ds is not None and not isinstance(ds.volumes, pd.DataFrame)
                    ds.volumes.query._cache = type(ds.volumes.query._cache)()
                    widget = (at.select_slider(key=key) if key == "period"
                              else at.multiselect(key=key))
                    widget.set_value(value)
                    spent[0] = 0.0
                    t0 = time.perf_counter()
                    at.run()
                    totals.append((time.perf_counter() - t0) * 1000)
                    in_sql.append(spent[0] * 1000)
                    assert not at.exception, at.exception
                rows.append({"page": page, "change": change,
                             "rerun ms": round(statistics.median(totals)),
                             "of which SQL ms": round(statistics.median(in_sql))})
    finally:
        zsql.SqlVolumeQuery._totals = original  # type: ignore[method-assign]
        os.environ.pop("ZONES_DATABASE_URL", None)
    return pd.DataFrame(rows)


def _md(frame: pd.DataFrame) -> str:
    """A Markdown table without the optional ``tabulate`` dependency."""
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |"
              for row in frame.itertuples(index=False, name=None)]
    return "\n".join(lines)


def to_markdown(res: dict[str, object]) -> str:
    table = res["table"]
    per_rerun = res["per_rerun"]
    assert isinstance(table, pd.DataFrame) and isinstance(per_rerun, pd.DataFrame)
    head = (f"## SQL backend, {res['rows']:,} export rows — "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f} (a shared machine: compare columns "
            "within one run, not across runs)\n\n"
            f"- `sql-load` (COPY, keys and indexes rebuilt, cube, one transaction): "
            f"**{res['load_s']} s**\n"
            f"- pandas `read_csv` of the same file (for comparison): {res['pandas_read_s']} s\n\n"
            "Median ms per query (`VolumeQuery.totals`, result cache off):\n\n")
    return (head + _md(table) + "\n\nSum over the six grains "
            "(≈ the queries of one rerun after that filter change, uncached):\n\n"
            + _md(per_rerun.reset_index()) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an existing database (default: a throw-away server)")
    parser.add_argument("--data-dir", type=Path, help="a data folder (default: generate)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", action="store_true",
                        help="also time page reruns (AppTest) against the loaded database")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS-sql.md")
    args = parser.parse_args()
    server = None
    with tempfile.TemporaryDirectory(prefix="zones-bench-") as tmp:
        data_dir = args.data_dir
        if data_dir is None:
            sys.path.insert(0, str(ROOT / "scripts"))
            from generate_large import generate

            data_dir = generate(args.rows, Path(tmp) / "data")
        url = args.url
        if url is None:
            from tests.pg_server import skip_reason, start_server

            reason = skip_reason()
            if reason:
                raise SystemExit(reason)
            server = start_server()
            url = server.createdb("bench")
        try:
            md = to_markdown(results(url, data_dir, args.repeat))
            if args.pages:
                md += ("\nPage rerun after one filter change, server time in the app process "
                       "(AppTest; query cache cleared first, so every query runs):\n\n"
                       + _md(page_reruns(url, repeat=1)) + "\n")
        finally:
            if server is not None:
                server.stop()
    print(md)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(md + "\n")


if __name__ == "__main__":
    main()
