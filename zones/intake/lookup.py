"""Names and codes in an officer's file → the ids of the model.

Zones, products, Jilin counties and countries are each indexed by every name they go by
(ids, Chinese and English names, short names, codes); a cell is looked up by its
``name_key`` (case, width, spaces and punctuation do not matter). Two tiers: exact names
first, then "loose" forms (bracketed parts dropped, "吉林…示范区" trimmed), so that a
loose form never overrides an exact one. A name that fits two things is refused with
both candidates, never resolved by chance.

Country names come from ``data/reference/countries.csv`` (built by scripts/build_countries.py from
pycountry, the boundary data and ``data/reference/country_aliases.csv``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from zones import paths
from zones.intake.parse import ValueProblem, hs_digits, name_key, name_keys, text_of
from zones.model import Dataset

COUNTRIES_CSV = paths.REFERENCE_DIR / "countries.csv"

# Words around a zone's name that officers add or leave out ("吉林德惠禽肉出口质量安全示范区"
# is "德惠禽肉"). Longest first; matched on name_key forms (no spaces or punctuation).
_ZONE_PREFIXES = ("吉林省", "吉林", "jilin")
_ZONE_SUFFIXES = (
    "出口食品农产品质量安全示范区", "出口农产品质量安全示范区", "出口食品质量安全示范区",
    "出口质量安全示范区", "质量安全示范区", "出口示范区", "示范区", "示范基地",
    "exportqualitysafetydemonstrationzone", "qualitysafetydemonstrationzone",
    "exportdemonstrationzone", "demonstrationzone", "exportzone", "zone",
)
_COUNTY_SUFFIXES = ("朝鲜族自治县", "蒙古族自治县", "满族自治县", "自治县", "市", "县", "区",
                    "autonomouscounty", "county", "city", "district")


def _trim(key: str, prefixes: Iterable[str], suffixes: Iterable[str]) -> str:
    for p in prefixes:
        if key.startswith(p) and len(key) > len(p):
            key = key[len(p):]
            break
    for s in suffixes:
        if key.endswith(s) and len(key) > len(s):
            return key[: -len(s)]
    return key


@dataclass
class NameIndex:
    """Keys → ids in two tiers; a key claimed by two ids is ambiguous."""

    what: str  # "zone", "product", "country", "county": names the err.import_unknown_* code
    exact: dict[str, set[str]] = field(default_factory=dict)
    loose: dict[str, set[str]] = field(default_factory=dict)
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()

    def _loose_keys(self, name: object) -> list[str]:
        keys = name_keys(name)
        out = keys[1:]
        for k in keys:
            trimmed = _trim(k, self.prefixes, self.suffixes)
            if trimmed != k:
                out.append(trimmed)
        return out

    def add(self, ident: str, *names: object) -> None:
        for name in names:
            if name is None or (not isinstance(name, str) and pd.isna(name)):
                continue
            keys = name_keys(name)
            if not keys:
                continue
            self.exact.setdefault(keys[0], set()).add(ident)
            for k in self._loose_keys(name):
                self.loose.setdefault(k, set()).add(ident)

    def find(self, value: object) -> str | None:
        """The id ``value`` names; None if nothing does; ValueProblem if several do."""
        keys = name_keys(value)
        if not keys:
            return None
        for tier, candidates in ((self.exact, keys[:1]), (self.loose, keys[:1]),
                                 (self.loose, self._loose_keys(value))):
            for key in candidates:
                ids = tier.get(key)
                if ids and len(ids) == 1:
                    return next(iter(ids))
                if ids:
                    raise ValueProblem("import_ambiguous_name", value=text_of(value),
                                       options=", ".join(sorted(ids)))
        return None

    def resolve(self, value: object) -> str:
        found = self.find(value)
        if found is None:
            raise ValueProblem(f"import_unknown_{self.what}", value=text_of(value))
        return found


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str
    name_zh: str
    name_en: str
    on_map: bool


@lru_cache(maxsize=4)
def load_countries(path: Path = COUNTRIES_CSV) -> dict[str, Country]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["iso3"]: Country(r["iso3"], r["iso2"], r["name_zh"], r["name_en"],
                                   r["on_map"] == "true")
                for r in csv.DictReader(fh)}


@lru_cache(maxsize=4)
def _country_names(path: Path = COUNTRIES_CSV) -> tuple[tuple[str, tuple[str, ...]], ...]:
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple((r["iso3"], (r["iso3"], r["iso2"], r["name_zh"], r["name_en"],
                                  *[a for a in r["aliases"].split(";") if a]))
                     for r in csv.DictReader(fh))


class Lookups:
    """Every index an import needs, built once per parse from the current dataset."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.zones = NameIndex("zone", prefixes=_ZONE_PREFIXES, suffixes=_ZONE_SUFFIXES)
        for r in ds.zones.itertuples():
            self.zones.add(r.zone_id, r.zone_id, r.name_zh, r.name_en, r.short_zh, r.short_en)
        # A zone also answers to its county ("抚松县", "抚松") as a loose name; a county
        # with two zones makes that name ambiguous, and it is refused with both.
        if "county_zh" in ds.zones.columns:
            for r in ds.zones.itertuples():
                for name in (r.county_zh, r.county_en):
                    if isinstance(name, str) and name:
                        keys = [name_key(name), _trim(name_key(name), (), _COUNTY_SUFFIXES)]
                        for key in dict.fromkeys(keys):
                            self.zones.loose.setdefault(key, set()).add(r.zone_id)
        self.products = NameIndex("product")
        self.hs: list[tuple[str, str]] = []  # (digits prefix, product_id), longest first
        for r in ds.products.to_dict("records"):
            self.products.add(r["product_id"], r["product_id"], r["name_zh"], r["name_en"])
            for code in str(r.get("hs_codes") or "").split(";"):
                digits = hs_digits(code)
                if digits:
                    self.hs.append((digits, r["product_id"]))
        self.hs.sort(key=lambda p: -len(p[0]))
        self.countries = load_countries()
        self.country_names = NameIndex("country")
        for iso3, names in _country_names():
            self.country_names.add(iso3, *names)
        for r in ds.destinations.itertuples():  # the dashboard's own spellings too
            self.country_names.add(r.iso3, r.iso3, r.name_zh, r.name_en)
        self.counties = NameIndex("county", suffixes=_COUNTY_SUFFIXES)
        counties = ds.counties if len(ds.counties) else pd.DataFrame(
            columns=["adcode", "name_zh", "name_en", "prefecture_zh"])
        self.county_codes = set(counties["adcode"].dropna())
        for r in counties.itertuples():
            self.counties.add(r.adcode, r.name_zh, r.name_en,
                              f"{r.prefecture_zh}{r.name_zh}")
        self.made = {(z, p) for z, ps in zip(ds.zones["zone_id"], ds.zones["products"],
                                             strict=True)
                     for p in str(ps).split(";") if p}

    def zone(self, value: object) -> str:
        return self.zones.resolve(value)

    def product(self, value: object) -> str:
        """By id or name first; then as an HS code, alone or before a name ("1211.20 人参")."""
        found = self.products.find(value)
        if found is not None:
            return found
        text = text_of(value)
        head = re.match(r"^\s*([\d.]+)\s*(.*)$", text)
        digits = hs_digits(value) if head and not head.group(2) else (
            hs_digits(head.group(1)) if head else None)
        if digits is None:
            if head and head.group(2):
                return self.products.resolve(head.group(2))
            raise ValueProblem("import_unknown_product", value=text)
        for prefix, pid in self.hs:
            if digits.startswith(prefix):
                return pid
        raise ValueProblem("import_unknown_hs", value=text)

    def country(self, value: object) -> Country:
        """By code or name; customs exports' "133 韩国" / "韩国(133)" (with the customs
        country number) are read by their name."""
        iso3 = self.country_names.find(value)
        if iso3 is None:
            bare = re.sub(r"^\s*\d+\s*|\s*[(（]?\d+[)）]?\s*$", "", text_of(value))
            iso3 = self.country_names.find(bare) if bare and bare != text_of(value) else None
        if iso3 is None:
            raise ValueProblem("import_unknown_country", value=text_of(value))
        if iso3 in self.countries:
            return self.countries[iso3]
        row = self.ds.destinations.loc[self.ds.destinations["iso3"] == iso3].iloc[0]
        return Country(iso3, "", str(row["name_zh"]), str(row["name_en"]), True)

    def county(self, value: object) -> str:
        """A Jilin county's adcode from its name or code; codes elsewhere are refused."""
        text = re.sub(r"\s+", "", text_of(value))
        if re.fullmatch(r"\d{6}(\d{3}|\d{6})?", text):
            code = text[:6]
            if code in self.county_codes:
                return code
            raise ValueProblem("not_jilin_county", value=text)
        return self.counties.resolve(value)
