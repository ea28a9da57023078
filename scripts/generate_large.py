"""Make a data folder with N illustrative export rows, for benchmarks and load tests.

Copies ``data/`` (geo included) to ``--out``, widens ``destinations.csv`` to every
country of ``data/geo/world.geojson`` (so N unique keys exist), and writes N rows of
``export_volumes.csv`` with the bundled schema and only valid ids: each zone ships only
the products it lists. Every row is ``source=illustrative``. Deterministic (fixed seed).

Usage: ``python scripts/generate_large.py --rows 1000000 --out /tmp/data-1m``
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SEED = 1_000_000


def months(first_year: int, last_year: int) -> list[str]:
    return [f"{y}-{m:02d}" for y in range(first_year, last_year + 1) for m in range(1, 13)]


def generate(rows: int, out: Path, src: Path = ROOT / "data") -> Path:
    """Write the folder and return it; the bundled folder is never touched."""
    if out.resolve() == src.resolve():
        raise SystemExit("refusing to overwrite the bundled data/")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out, ignore=shutil.ignore_patterns("history", "*.lock"))
    dests = pd.read_csv(src / "destinations.csv", dtype=str, keep_default_na=False)
    world = json.loads((src / "geo" / "world.geojson").read_text(encoding="utf-8"))
    known = set(dests["iso3"])
    extra = [
        {"iso3": f["properties"]["iso3"], "name_zh": f["properties"]["name_zh"],
         "name_en": f["properties"]["name_en"], "source": "illustrative", "fact_id": ""}
        for f in world["features"]
        if len(f["properties"]["iso3"]) == 3 and f["properties"]["iso3"].isalpha()
        and f["properties"]["iso3"] not in known | {"CHN"}
        and f["properties"].get("name_zh") and f["properties"].get("name_en")
    ]
    all_dests = pd.concat([dests, pd.DataFrame(extra)], ignore_index=True)
    all_dests = all_dests.drop_duplicates("name_zh").drop_duplicates("name_en")
    all_dests.to_csv(out / "destinations.csv", index=False, quoting=csv.QUOTE_MINIMAL)

    zones = pd.read_csv(src / "zones.csv", dtype=str, keep_default_na=False)
    pairs = [(z, p) for z, ps in zip(zones["zone_id"], zones["products"], strict=True)
             for p in ps.split(";")]
    iso3 = sorted(all_dests["iso3"])
    per_year = len(pairs) * len(iso3) * 12
    years = max(1, -(-rows // per_year))
    periods = months(2011 - years, 2010)
    keys = itertools.islice(itertools.product(periods, pairs, iso3), rows)
    frame = pd.DataFrame(
        [(per, z, p, d) for per, (z, p), d in keys],
        columns=["period", "zone_id", "product_id", "destination_iso3"])
    rng = np.random.default_rng(SEED)
    n = len(frame)
    tonnes = np.round(rng.gamma(2.0, 20.0, n), 1)
    frame["tonnes"] = tonnes
    frame["value_usd"] = np.round(tonnes * rng.uniform(1500, 9000, n), -1).astype(np.int64)
    frame["consignments"] = np.maximum(1, (tonnes / 20).astype(np.int64))
    frame["source"] = "illustrative"
    frame.to_csv(out / "export_volumes.csv", index=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    out = generate(args.rows, args.out)
    print(out)


if __name__ == "__main__":
    main()
