"""Links that reproduce a view: parse any form a person types or pastes, write one form.

A link reaches the app typed from printed notes (``?lang=en``, ``?product=ginseng``),
pasted from an address bar (bilingual widget labels, ``?dest=日本+Japan``), or from a
run-sheet file. All of them must open the same view, and the address bar must then show
one form that opens it again. This module is that translation, kept pure (no Streamlit)
so the app, the run-sheet checker and ``python -m zones validate`` share it:

* ``canonical_query`` / ``parse_link``: any form → ids (``{"product": ["ginseng"]}``),
  with a ``LinkProblem`` (both languages) for each key or value that means nothing;
* ``address_query``: ids → the form the bound widgets write into the address bar
  (bilingual labels, language independent), so the app can put a resolved link there
  without it changing again on the next click;
* ``link_for``: page + query → ``/volumes?lang=en&product=ginseng`` (keys sorted).

Defaults are left out of the canonical query (as the bound widgets do), so ``/`` and
``/?lang=zh`` are the same link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from zones.i18n import DEFAULT_LANG, LANG_LABELS, LANGS, t
from zones.model import CATEGORIES, Dataset
from zones.view import (  # the keys and choices are the view's (re-exported for callers)
    DEFAULT_PAGE,
    FILTER_KEYS,  # noqa: F401 (re-exported)
    KEY_BY,
    KEY_DEST,
    KEY_FACTS,
    KEY_INTERVAL,
    KEY_LANG,
    KEY_MEASURE,
    KEY_PERIOD,
    KEY_PREF,
    KEY_PRESENT,
    KEY_PRODUCT,
    KEY_PROFILE,
    KEY_RUNSHEET,
    KEY_RUNSHEET_STEP,
    KEY_ZONE,
    LIST_KEYS,
    PAGE_OPTION_DEFAULTS,
    PAGE_OPTIONS,
    PAGES,
    QUERY_ORDER,
    SESSION_KEYS,
    Params,
    View,
    from_params,
    link_for,  # noqa: F401 (re-exported)
)

PAGE_OPTION_LABEL_KEYS = {KEY_INTERVAL: "vol.{}", KEY_BY: "vol.by.{}", KEY_MEASURE: "opt.{}"}
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}


@dataclass(frozen=True)
class LinkProblem:
    """One unknown page, key or value in a link."""

    key: str  # "page", "product", "dest", ... or the unknown key
    value: str  # the value as written in the link
    message: dict[str, str]  # {"zh": "...", "en": "..."} naming the key and value


@dataclass(frozen=True)
class ParsedLink:
    page: str  # url_path of a known page: "overview", "zones", ...
    params: Params  # canonical query: ids only, defaults left out
    problems: tuple[LinkProblem, ...]


def bilingual(zh: object, en: object) -> str:
    """Option labels read the same in both languages, so a link never depends on it.

    Bound widgets write their displayed label into the URL; a label that changed with
    the language would leave a stale, unreadable link after a language switch.
    """
    return f"{zh} {en}"


def _labels(df: pd.DataFrame, key: str, zh: str, en: str) -> dict[str, str]:
    return {str(k): bilingual(a, b)
            for k, a, b in zip(df[key], df[zh], df[en], strict=True)}


def build_options(ds: Dataset) -> dict[str, dict[str, str]]:
    """Option id → label for every multi-choice filter, in display order."""
    order = {c: i for i, c in enumerate(CATEGORIES)}
    prods = ds.products.assign(o=ds.products["category"].map(order)).sort_values(
        ["o", "product_id"])  # grouped by category, in the palette's order
    prefs = ds.counties.drop_duplicates("prefecture_adcode").sort_values("prefecture_adcode")
    return {
        KEY_PRODUCT: _labels(prods, "product_id", "name_zh", "name_en"),
        KEY_DEST: _labels(ds.destinations.sort_values("name_en"), "iso3", "name_zh", "name_en"),
        KEY_PREF: _labels(prefs, "prefecture_adcode", "prefecture_zh", "prefecture_en"),
        KEY_ZONE: _labels(ds.zones, "zone_id", "short_zh", "short_en"),
    }


def page_option_label(key: str, value: str, lang: str | None = None) -> str:
    """A page-level option's label: in ``lang`` (what the volumes page shows, #23), or in
    both languages as links written before #23 carry it."""
    pair = PAGE_OPTION_LABEL_KEYS[key].format(value)
    if lang in LANGS:
        return t(pair, lang)
    return bilingual(t(pair, "zh"), t(pair, "en"))


def page_option_aliases(key: str, value: str) -> set[str]:
    """Every form of a page option a link may carry: id, either language, both."""
    return {value, page_option_label(key, value),
            *(page_option_label(key, value, lang) for lang in LANGS)}


_ALIASES: dict[int, tuple[Dataset, dict[str, dict[str, str]]]] = {}


def link_aliases(ds: Dataset) -> dict[str, dict[str, str]]:
    """Option key → {what people type or paste, lower-cased → option id}.

    Ids as in the data files (``ginseng``, ``JPN``, ``dehui-poultry``, ``220100``), the
    plain names in either language and the bilingual labels the widgets write into the
    URL are all accepted. Built once per loaded dataset: the app asks on every rerun.
    """
    hit = _ALIASES.get(id(ds))
    if hit is None or hit[0] is not ds:
        _ALIASES.clear()  # one dataset at a time; a reload replaces it
        hit = _ALIASES[id(ds)] = (ds, _build_aliases(ds))
    return hit[1]


def _build_aliases(ds: Dataset) -> dict[str, dict[str, str]]:
    frames = {
        KEY_PRODUCT: (ds.products, "product_id", ("name_zh", "name_en")),
        KEY_DEST: (ds.destinations, "iso3", ("name_zh", "name_en")),
        KEY_PREF: (ds.counties.drop_duplicates("prefecture_adcode"), "prefecture_adcode",
                   ("prefecture_zh", "prefecture_en")),
        KEY_ZONE: (ds.zones, "zone_id", ("short_zh", "short_en", "name_zh", "name_en")),
    }
    out: dict[str, dict[str, str]] = {}
    options = build_options(ds)
    for key, (frame, id_col, name_cols) in frames.items():
        table = {label.strip().lower(): oid for oid, label in options[key].items()}
        for row in frame.to_dict("records"):
            oid = str(row[id_col])
            for alias in (oid, *(str(row[c]) for c in name_cols)):
                table.setdefault(alias.strip().lower(), oid)
        out[key] = table
    return out


def _problem(key: str, value: str, unknown_key: bool = False) -> LinkProblem:
    what = "link.unknown_key" if unknown_key else "link.unknown_value"
    return LinkProblem(key, value, {lang: t(what, lang, name=key, value=value)
                                    for lang in LANGS})


def _values(raw: str | Iterable[str]) -> list[str]:
    return [raw] if isinstance(raw, str) else [str(v) for v in raw]


def _lang(values: list[str]) -> str | None:
    by_label = {label.lower(): code for code, label in LANG_LABELS.items()}
    return by_label.get(values[-1].strip().lower(), values[-1].strip().lower()
                        if values[-1].strip().lower() in LANGS else None)


def _flag(values: list[str]) -> bool | None:
    value = values[-1].strip().lower()
    return True if value in _TRUE else False if value in _FALSE else None


def _period(ds: Dataset, values: list[str]) -> list[str] | None:
    """``2009-01`` .. ``2011-12`` (the slider's form), or years: ``2009`` / ``2009,2011``."""
    periods = list(ds.periods)
    parts = [p.strip() for v in values for p in v.split(",") if p.strip()]
    if not 1 <= len(parts) <= 2:
        return None
    bounds: list[str] = []
    for i, part in enumerate(parts):
        if part in periods:
            bounds.append(part)
            continue
        year = [p for p in periods if p[:4] == part]
        if not year:
            return None
        bounds.append(year[0] if i == 0 else year[-1])
        if len(parts) == 1:
            bounds.append(year[-1])
    start, end = bounds[0], bounds[-1]
    if start > end:
        return None
    return [start, end]


def _page_option(key: str, value: str) -> str | None:
    wanted = value.strip().lower()
    for choice in PAGE_OPTIONS[key]:
        if wanted in {a.lower() for a in page_option_aliases(key, choice)}:
            return choice
    return None


def canonical_query(ds: Dataset, raw: Mapping[str, str | list[str]]
                    ) -> tuple[Params, tuple[LinkProblem, ...]]:
    """Any form of query → ids, defaults left out, in ``QUERY_ORDER``; plus its problems.

    A value that matches nothing is dropped with a problem; the rest of the link still
    counts (one typo must not lose the language or the other filters).
    """
    aliases = link_aliases(ds)
    out: dict[str, str | list[str]] = {}
    problems: list[LinkProblem] = []
    for key, given in raw.items():
        values = _values(given)
        if not values:
            continue
        if key == KEY_LANG:
            lang = _lang(values)
            if lang is None:
                problems.append(_problem(key, values[-1]))
            elif lang != DEFAULT_LANG:
                out[key] = lang
        elif key in (KEY_PRESENT, KEY_FACTS):
            flag = _flag(values)
            if flag is None:
                problems.append(_problem(key, values[-1]))
            elif flag:
                out[key] = "true"
        elif key in LIST_KEYS or key == KEY_PROFILE:
            table = aliases[KEY_ZONE if key == KEY_PROFILE else key]
            chosen: list[str] = []
            for value in values:
                oid = table.get(value.strip().lower())
                if oid is None:
                    if value.strip():
                        problems.append(_problem(key, value))
                elif oid not in chosen:
                    chosen.append(oid)
            if chosen:
                out[key] = chosen[-1] if key == KEY_PROFILE else chosen
        elif key == KEY_PERIOD:
            period = _period(ds, values)
            if period is None:
                problems.append(_problem(key, ",".join(values)))
            elif period != [ds.periods[0], ds.periods[-1]]:
                out[key] = period
        elif key == KEY_RUNSHEET_STEP and not (
                KEY_RUNSHEET not in raw and _page_option(KEY_INTERVAL, values[-1])):
            out[key] = values[-1].strip()  # the run-sheet's step: checked by its module
        elif key in PAGE_OPTIONS or key == KEY_RUNSHEET_STEP:  # step=monthly: old links
            option_key = KEY_INTERVAL if key == KEY_RUNSHEET_STEP else key
            choice = _page_option(option_key, values[-1])
            if choice is None:
                problems.append(_problem(key, values[-1]))
            elif choice != PAGE_OPTION_DEFAULTS[option_key]:
                out[option_key] = choice
        elif key == KEY_RUNSHEET or key in SESSION_KEYS:
            out[key] = values[-1].strip()  # checked where used (zones.runsheets.follow)
        else:
            problems.append(_problem(key, ",".join(values), unknown_key=True))
    return {k: out[k] for k in QUERY_ORDER if k in out}, tuple(problems)


def parse_link(ds: Dataset, link: str) -> ParsedLink:
    """``/volumes?product=人参&lang=en`` (or a whole address) → page and canonical query.

    The page is the last path segment, so an address behind a proxy's base path
    (``https://host/zones-app/volumes?...``) parses like ``/volumes?...``.
    """
    parts = urlsplit(link.strip())
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1].lower()
    problems: list[LinkProblem] = []
    page = segment or DEFAULT_PAGE
    if page not in PAGES:
        problems.append(LinkProblem("page", segment, {
            lang: t("link.unknown_page", lang, value=segment) for lang in LANGS}))
        page = DEFAULT_PAGE
    raw: dict[str, list[str]] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        raw.setdefault(key, []).append(value)
    params, query_problems = canonical_query(ds, raw)
    return ParsedLink(page=page, params=params, problems=(*problems, *query_problems))


def address_query(ds: Dataset, params: Mapping[str, str | list[str]],
                  options: Mapping[str, Mapping[str, str]] | None = None) -> Params:
    """Canonical ids → the values the bound widgets write into the address bar.

    The app writes this form after resolving a link, so the address bar does not change
    again when the next click lets the widgets write it. ``options`` is
    ``build_options(ds)`` when the caller has it cached.
    """
    opts = options if options is not None else build_options(ds)
    lang = str(params.get(KEY_LANG, DEFAULT_LANG))
    out: Params = {}
    for key, value in params.items():
        if key == KEY_LANG:
            out[key] = LANG_LABELS[str(value)]
        elif key in LIST_KEYS:
            out[key] = [opts[key][v] for v in _values(value)]
        elif key == KEY_PROFILE:
            out[key] = opts[KEY_ZONE][str(value)]
        elif key in PAGE_OPTIONS:
            out[key] = page_option_label(key, str(value), lang)  # as the widget writes it
        else:
            out[key] = value if isinstance(value, str) else list(value)
    return out


def view_from_query(ds: Dataset, page: str, raw: Mapping[str, str | list[str]]
                    ) -> tuple[View, tuple[LinkProblem, ...]]:
    """Any form of query for ``page`` → the view it asks for, and its problems."""
    params, problems = canonical_query(ds, raw)
    return from_params(page, params), problems


def view_from_link(ds: Dataset, link: str) -> tuple[View, tuple[LinkProblem, ...]]:
    """Any link (a whole address, a run-sheet step's ``view``) → the view and its problems."""
    parsed = parse_link(ds, link)
    return from_params(parsed.page, parsed.params), parsed.problems
