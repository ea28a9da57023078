"""The checks every write makes before it writes (issue 25): the app's callbacks and the
command line call these themselves, so a hidden button is never the only protection.

Each check returns problems (``Issue``: file, line, column, bilingual message, shown in the
same table as an import's own problems); an empty list means go ahead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from zones.access.policy import Grant, may
from zones.dataset.validation import Issue
from zones.i18n import t
from zones.intake.planning import Plan
from zones.model import Dataset

# Tables whose rows belong to one zone, and so to one prefecture.
ZONED_TABLES = ("zones", "export_volumes")


MAX_SCOPE_ISSUES = 50


@dataclass(frozen=True)
class Places:
    """Where zones are: zone → prefecture adcode, county → prefecture, adcode → names."""

    zone_prefecture: Mapping[str, str] = field(default_factory=dict)
    county_prefecture: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def name(self, adcode: str) -> tuple[str, str]:
        return self.names.get(adcode, (adcode or "?", adcode or "?"))


def places_of(ds: Dataset) -> Places:
    """Zone → prefecture through the zone's county, as the prefecture filter does."""
    counties = ds.counties
    county_pref = {str(c): str(p) for c, p in zip(counties["adcode"],
                                                   counties["prefecture_adcode"], strict=True)}
    prefs = counties.drop_duplicates("prefecture_adcode")
    names = {str(a): (str(zh), str(en)) for a, zh, en in zip(
        prefs["prefecture_adcode"], prefs["prefecture_zh"], prefs["prefecture_en"], strict=True)}
    zone_pref = {str(z): county_pref.get(str(c), "") for z, c in zip(
        ds.zones["zone_id"], ds.zones["county_adcode"], strict=True)}
    return Places(zone_pref, county_pref, names)


def prefecture_aliases(ds: Dataset) -> dict[str, str]:
    """Every spelling the access file may use for a prefecture (as links accept them)."""
    from zones.links import KEY_PREF, link_aliases

    return dict(link_aliases(ds)[KEY_PREF])


def _denied(where: str, person: str, role: str, what: str) -> Issue:
    return Issue(where, None, None, "access_denied", {
        "person": person or "—",
        **{f"role_{lang}": t(f"access.role.{role}", lang) for lang in ("zh", "en")},
        **{f"what_{lang}": t(f"access.what.{what}", lang) for lang in ("zh", "en")}})


def check_import(grant: Grant, person: str, plan: Plan, places: Places) -> list[Issue]:
    """May ``person`` apply ``plan``? Role first, then every row's zone against the scope."""
    parsed = plan.parsed
    if not may(grant.role, "import"):
        return [_denied(parsed.file_name, person, grant.role, "import")]
    if grant.prefectures is None:
        return []
    scope = sorted(grant.prefectures)
    scope_zh = "、".join(places.name(a)[0] for a in scope) or "—"
    scope_en = ", ".join(places.name(a)[1] for a in scope) or "—"
    base = {"person": person, "scope_zh": scope_zh, "scope_en": scope_en}
    if parsed.table not in ZONED_TABLES:
        return [Issue(parsed.file_name, None, None, "access_table_scope",
                      {**base, "table": parsed.table})]
    if plan.mode == "replace":
        return [Issue(parsed.file_name, None, None, "access_replace_scope", base)]
    return _rows_outside(plan, places, grant.prefectures, base)


def _rows_outside(plan: Plan, places: Places, scope: frozenset[str],
                  base: dict[str, str]) -> list[Issue]:
    parsed = plan.parsed
    frame = parsed.frame
    if frame is None:
        return []
    lines = list(parsed.lines) or list(range(2, len(frame) + 2))
    zones = frame["zone_id"].astype("string").fillna("").tolist()
    counties = (frame["county_adcode"].astype("string").fillna("").tolist()
                if parsed.table == "zones" and "county_adcode" in frame else [""] * len(zones))
    out: list[Issue] = []
    for zone, county, line in zip(zones, counties, lines, strict=True):
        pref = places.county_prefecture.get(county) or places.zone_prefecture.get(zone, "")
        if pref in scope:
            continue
        zh, en = places.name(pref)
        out.append(Issue(parsed.file_name, line, "zone_id", "access_out_of_scope",
                         {**base, "zone": zone, "prefecture_zh": zh, "prefecture_en": en},
                         value=zone))
        if len(out) >= MAX_SCOPE_ISSUES:
            break
    return out


def check_undo(grant: Grant, person: str, target_user: str, target_file: str) -> list[Issue]:
    """An admin undoes any import; an editor only one he applied himself."""
    if may(grant.role, "undo_any"):
        return []
    if may(grant.role, "undo_own") and person and target_user == person:
        return []
    if may(grant.role, "undo_own"):
        return [Issue(target_file, None, None, "access_undo_other",
                      {"person": person, "owner": target_user})]
    return [_denied(target_file, person, grant.role, "undo")]


def check_runsheet(grant: Grant, person: str, file_name: str) -> list[Issue]:
    """Saving or deleting a run-sheet on the server: editors and admins."""
    if may(grant.role, "runsheet"):
        return []
    return [_denied(file_name, person, grant.role, "runsheet")]
