"""Which demonstration zone an imported row belongs to, when the file does not say (#17).

Customs statistics name the place where the exporter is registered (``注册地名称``: a
prefecture such as 白山市, or a county such as 抚松县), not a zone. A zone lies in one
county and lists its products, so a place and a product often fit exactly one zone:
德惠市 + poultry is the Dehui zone. Often is not always — 白山市 + ginseng fits both
抚松 and 靖宇 — and a wrong zone would put another county's exports on its map and in
its profile. So a row is attributed only when exactly one zone fits, the preview lists
every such attribution, and every other row is refused with the candidates and the two
ways to decide: a ``示范区`` column in the file, or one zone chosen for the whole file
(the Data page's picker, ``--zone`` on the command line). A ``示范区`` cell always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from zones.dataset.validation import Issue
from zones.intake.lookup import Lookups
from zones.intake.parse import ValueProblem, name_key, text_of

# Words around a place name in customs exports: "吉林省白山市", "长春其他", "延边州".
_PREFIXES = ("吉林省", "吉林")
_SUFFIXES = ("朝鲜族自治州", "自治州", "其他", "地区", "州", "市")


@dataclass(frozen=True)
class Attributed:
    """Rows of one place and product given to one zone (for the preview)."""

    place: str
    product_id: str
    zone_id: str
    rows: int
    names: tuple[tuple[str, str], ...] = ()  # (product, zone) in zh and en, for the preview

    def name(self, lang: str) -> tuple[str, str]:
        return self.names[0 if lang == "zh" else 1] if self.names else (self.product_id,
                                                                         self.zone_id)


def _bare(key: str) -> str:
    for p in _PREFIXES:
        if key.startswith(p) and len(key) > len(p) + 1:
            key = key[len(p):]
            break
    for s in _SUFFIXES:
        if key.endswith(s) and len(key) > len(s) + 1:
            return key[: -len(s)]
    return key


class Places:
    """A place name → the Jilin county codes it covers (one county, or a prefecture's)."""

    def __init__(self, lk: Lookups) -> None:
        self.lk = lk
        counties = lk.ds.counties
        self.prefectures: dict[str, set[str]] = {}
        if len(counties):
            for r in counties.itertuples():
                for name in (r.prefecture_zh, r.prefecture_en, r.prefecture_adcode):
                    if isinstance(name, str) and name:
                        for key in {name_key(name), _bare(name_key(name))}:
                            self.prefectures.setdefault(key, set()).add(r.adcode)

    def counties(self, place: object) -> set[str] | None:
        """The counties ``place`` names; None when it names no place in Jilin."""
        key = name_key(place)
        if not key:
            return None
        for k in (key, _bare(key)):
            if k in self.prefectures:
                return self.prefectures[k]
        text = re.sub(r"^(吉林省|吉林)", "", text_of(place))
        for candidate in dict.fromkeys((text_of(place), text)):
            try:
                code = self.lk.counties.find(candidate)
            except ValueProblem:
                code = None
            if code is not None:
                return {code}
        return None


def _zone_names(lk: Lookups, ids: list[str]) -> dict[str, str]:
    """The zones as officers know them (short names), both languages, for a message."""
    zones = lk.ds.zones.set_index("zone_id")
    out = {}
    for lang, col, sep in (("zh", "short_zh", "、"), ("en", "short_en", ", ")):
        out[f"options_{lang}"] = sep.join(str(zones.at[z, col]) for z in ids) or (
            "无" if lang == "zh" else "none")
    return out


def _product_names(lk: Lookups, pid: str) -> dict[str, str]:
    row = lk.ds.products.loc[lk.ds.products["product_id"] == pid]
    if row.empty:
        return {"product_zh": pid, "product_en": pid}
    return {"product_zh": str(row["name_zh"].iloc[0]), "product_en": str(row["name_en"].iloc[0])}


def attribute(records: list[dict[str, str | None]], lines: list[int], lk: Lookups,
              file_name: str, *, open_lines: set[int] | None, place_header: str | None,
              file_zone: str | None) -> tuple[list[Issue], list[Attributed], set[int]]:
    """Fill ``zone_id`` of the rows that have none, in place.

    ``open_lines``: the lines whose 示范区 cell is blank (None: the file has no such
    column, every row is open; a "-" cell means "not attributed" and stays so).
    ``file_zone``: one zone for every open row, chosen by the officer. Returns the
    problems, the attributions made, and the lines that got a zone.
    """
    issues: list[Issue] = []
    filled: set[int] = set()
    todo = [i for i, line in enumerate(lines) if records[i].get("zone_id") is None
            and (open_lines is None or line in open_lines)]
    if file_zone is not None:
        for i in todo:
            records[i]["zone_id"] = file_zone
            filled.add(lines[i])
        return issues, [], filled
    if place_header is None:
        return issues, [], filled
    places = Places(lk)
    zones = lk.ds.zones
    seen: dict[tuple[str, str], tuple[str, list[str]]] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for i in todo:
        place, pid = records[i].get("_place"), records[i].get("product_id")
        if pid is None:
            continue  # the product's own problem is reported on its cell
        key = (name_key(place or ""), pid)
        if key not in seen:
            covered = places.counties(place) if place else None
            if covered is None:
                making = [z for z in zones["zone_id"] if (z, pid) in lk.made]
                seen[key] = ("unknown" if place else "no_place", making)
            else:
                fit = [z for z, c in zip(zones["zone_id"], zones["county_adcode"], strict=True)
                       if c in covered and (z, pid) in lk.made]
                if len(fit) == 1:
                    seen[key] = ("one", fit)
                elif fit:
                    seen[key] = ("several", fit)
                else:
                    seen[key] = ("none", [z for z in zones["zone_id"] if (z, pid) in lk.made])
        kind, ids = seen[key]
        if kind == "one":
            records[i]["zone_id"] = ids[0]
            filled.add(lines[i])
            k = (str(place), pid, ids[0])
            counts[k] = counts.get(k, 0) + 1
            continue
        params = {"value": text_of(place) if place else "", **_zone_names(lk, ids),
                  **_product_names(lk, pid)}
        issues.append(Issue(file_name, lines[i], place_header or "", f"import_zone_{kind}",
                            params, text_of(place) if place else ""))
    out = []
    for (p, pid, z), n in counts.items():
        pn, zn = _product_names(lk, pid), _zone_names(lk, [z])
        out.append(Attributed(p, pid, z, n, ((pn["product_zh"], zn["options_zh"]),
                                             (pn["product_en"], zn["options_en"]))))
    return issues, out, filled


def attributions_frame(items: tuple[Attributed, ...] | list[Attributed], lang: str
                       ) -> pd.DataFrame:
    """The preview's table: place, product, zone, rows (names in ``lang``)."""
    from zones.i18n import t

    return pd.DataFrame([{t("attr.col.place", lang): a.place,
                          t("attr.col.product", lang): a.name(lang)[0],
                          t("attr.col.zone", lang): a.name(lang)[1],
                          t("attr.col.rows", lang): a.rows} for a in items])
