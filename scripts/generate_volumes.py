"""Generate the ILLUSTRATIVE monthly export volumes in ``data/export_volumes.csv``.

The review (report.zh.txt) gives one province-wide export figure (C4: USD 120 million
of direct-release exports) but no volume per zone, product, destination or month, so the
dashboard ships a made-up series to demonstrate its charts. Every row is
``source=illustrative``. The series is kept consistent with what the report does say:

* the five first-time routes (FACTS.md F1-F5) were first exported "this year" (2010,
  inferred) in a month and quantity the report never gives. So they have no row at all
  in 2010 or before (a series starting in some 2010 month would read as the month of
  the first export); the illustrative trade that follows starts in January 2011. They
  carry no ``zone_id`` because the report does not say which zone made them;
* zones only ship the products listed for them in ``data/zones.csv``.

A fixed seed and sorted iteration make the output byte-for-byte reproducible
(``tests/test_generate_volumes.py`` checks this).

Usage: ``python scripts/generate_volumes.py [--out data/export_volumes.csv]``
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEED = 20101130
FIRST_YEAR, LAST_YEAR = 2008, 2012

# Destination shares for the regular (non-first-time) trade of each product.
DESTINATIONS: dict[str, dict[str, float]] = {
    "poultry_meat": {"JPN": 0.45, "KOR": 0.25, "RUS": 0.2, "MNG": 0.1},
    "ginseng": {"KOR": 0.35, "JPN": 0.2, "SGP": 0.2, "MYS": 0.15, "USA": 0.1},
    "deer_products": {"KOR": 0.5, "JPN": 0.2, "SGP": 0.15, "MYS": 0.15},
    "deer_meat": {"RUS": 0.6, "KOR": 0.4},
    "raspberry": {"JPN": 0.4, "KOR": 0.3, "DEU": 0.3},
    "peanut": {"JPN": 0.3, "KOR": 0.3, "RUS": 0.2, "DEU": 0.2},
    "chinese_cabbage": {"RUS": 0.6, "MNG": 0.4},
    "radish": {"RUS": 0.5, "KOR": 0.5},
    "rice": {"JPN": 0.3, "KOR": 0.3, "RUS": 0.2, "MNG": 0.2},
    "black_fungus": {"JPN": 0.35, "KOR": 0.3, "USA": 0.2, "DEU": 0.15},
}
# The report's five first-time routes (F1-F5): annual tonnes once established
# (illustrative). The first export itself (2010, month and quantity not given) has no row;
# the illustrative trade on every route starts in the same month, January 2011.
FIRST_ROUTES: dict[tuple[str, str], float] = {
    ("deer_meat", "AFG"): 12.0,
    ("raspberry", "USA"): 240.0,
    ("peanut", "CAN"): 900.0,
    ("chinese_cabbage", "KOR"): 2500.0,
    ("radish", "JPN"): 600.0,
}
FIRST_ROUTES_FROM = "2011-01"
# Annual tonnes per zone and product in 2008, USD per tonne in 2008, tonnes per consignment.
BASE_TONNES = {
    "poultry_meat": 12000.0, "ginseng": 150.0, "deer_products": 20.0, "deer_meat": 60.0,
    "raspberry": 800.0, "peanut": 6000.0, "chinese_cabbage": 5000.0, "radish": 3000.0,
    "rice": 4000.0, "black_fungus": 300.0,
}
PRICE_USD = {
    "poultry_meat": 2600.0, "ginseng": 40000.0, "deer_products": 90000.0, "deer_meat": 7000.0,
    "raspberry": 2800.0, "peanut": 1300.0, "chinese_cabbage": 220.0, "radish": 260.0,
    "rice": 850.0, "black_fungus": 9000.0,
}
LOT_TONNES = {
    "poultry_meat": 20.0, "ginseng": 1.0, "deer_products": 0.3, "deer_meat": 5.0,
    "raspberry": 18.0, "peanut": 25.0, "chinese_cabbage": 22.0, "radish": 22.0,
    "rice": 25.0, "black_fungus": 5.0,
}
# Relative monthly weight, Jan..Dec, by product: harvest and festival seasons.
SEASON = {
    "poultry_meat": [1.0, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 1.3],
    "ginseng": [0.8, 0.6, 0.5, 0.5, 0.5, 0.6, 0.6, 0.8, 1.4, 1.8, 1.6, 1.3],
    "deer_products": [1.0, 0.8, 0.7, 0.7, 0.9, 1.2, 1.3, 1.2, 1.0, 1.0, 1.1, 1.3],
    "deer_meat": [1.3, 1.0, 0.8, 0.7, 0.7, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.5],
    "raspberry": [0.5, 0.4, 0.4, 0.4, 0.5, 0.7, 1.6, 2.2, 2.0, 1.3, 0.9, 0.6],
    "peanut": [1.2, 1.0, 1.0, 0.9, 0.7, 0.5, 0.4, 0.4, 0.8, 1.6, 1.8, 1.5],
    "chinese_cabbage": [0.6, 0.4, 0.2, 0.0, 0.0, 0.0, 0.2, 0.6, 1.6, 3.0, 3.2, 2.2],
    "radish": [0.6, 0.4, 0.2, 0.0, 0.0, 0.0, 0.3, 0.8, 1.8, 2.8, 2.9, 2.2],
    "rice": [1.4, 1.2, 1.1, 1.0, 0.8, 0.7, 0.6, 0.6, 0.7, 1.2, 1.4, 1.5],
    "black_fungus": [0.9, 0.8, 0.8, 0.8, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.2, 1.0],
}
# Province-wide growth index by year (2009 dips with the global crisis).
YEAR_INDEX = {2008: 1.0, 2009: 0.9, 2010: 1.12, 2011: 1.27, 2012: 1.38}
HEADER = [
    "period", "zone_id", "product_id", "destination_iso3",
    "tonnes", "value_usd", "consignments", "source",
]


def _zone_products(zones_csv: Path) -> list[tuple[str, str]]:
    with zones_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pairs = {(r["zone_id"], p) for r in rows for p in r["products"].split(";") if p}
    return sorted(pairs)


def _periods() -> list[tuple[int, int]]:
    return [(y, m) for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13)]


def _row(period: str, zone: str, product: str, dest: str, tonnes: float,
         rng: np.random.Generator, year: int) -> list[str] | None:
    tonnes = round(tonnes, 1)
    if tonnes < 0.1:
        return None
    price = PRICE_USD[product] * (1.03 ** (year - FIRST_YEAR)) * rng.uniform(0.95, 1.05)
    value = int(round(tonnes * price, -2))
    lots = max(1, round(tonnes / LOT_TONNES[product]))
    return [period, zone, product, dest, f"{tonnes:.1f}", str(value), str(lots), "illustrative"]


def generate(zones_csv: Path) -> str:
    """Return the CSV text; pure given the zones file and the seed."""
    rng = np.random.default_rng(SEED)
    rows: list[list[str]] = []
    for zone, product in _zone_products(zones_csv):
        scale = rng.uniform(0.6, 1.4)
        trend = rng.uniform(-0.03, 0.06)  # zone-specific drift per year
        for dest, share in sorted(DESTINATIONS[product].items()):
            for year, month in _periods():
                base = BASE_TONNES[product] * scale * share / 12
                level = YEAR_INDEX[year] * (1 + trend) ** (year - FIRST_YEAR)
                noise = rng.lognormal(0.0, 0.18)
                tonnes = base * level * SEASON[product][month - 1] * noise
                row = _row(f"{year}-{month:02d}", zone, product, dest, tonnes, rng, year)
                if row:
                    rows.append(row)
    for (product, dest), annual in sorted(FIRST_ROUTES.items()):
        for year, month in _periods():
            period = f"{year}-{month:02d}"
            if period < FIRST_ROUTES_FROM:
                continue
            ramp = {2011: 0.75, 2012: 1.0}[year]
            if product == "deer_meat" and rng.uniform() < 0.5:
                continue  # small, irregular air shipments
            noise = rng.lognormal(0.0, 0.25)
            tonnes = annual / 12 * ramp * SEASON[product][month - 1] * noise
            row = _row(period, "", product, dest, tonnes, rng, year)
            if row:
                rows.append(row)
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=Path, default=ROOT / "data" / "zones.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "export_volumes.csv")
    args = parser.parse_args(argv)
    text = generate(args.zones)
    args.out.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {args.out} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
