"""The view: everything that decides what a page shows, as one frozen value.

A view reaches the app as an address (typed, pasted, a run-sheet step), leaves it as an
address (Copy link), as command-line flags (``python -m zones brief``) and as the input of
the key points, the written brief and the deck. Written once here, every one of those is a
translation of the same value, so a filter added to ``Filter`` reaches all of them.

This module is foundation: pure, no data. Turning what people type (names, bilingual
labels, years) into ids needs the loaded data and lives in ``zones.links``
(``view_from_link``, ``view_from_query``); a ``View`` always holds ids, with page options
at their defaults left out, so two equal views are one link.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from zones.i18n import DEFAULT_LANG, LANGS

# URL keys of every bound widget: the filter, the language, and page-level view options.
KEY_LANG, KEY_PRESENT = "lang", "present"
KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE = "product", "dest", "pref", "zone"
KEY_PERIOD, KEY_FACTS = "period", "facts"
KEY_PROFILE, KEY_BY, KEY_MEASURE = "profile", "by", "measure"
# The volumes page's monthly/yearly choice. Its URL key was ``step`` until run-sheets
# (issue 16) needed ``step`` for the step number; ``step=monthly`` is still read.
KEY_INTERVAL = "interval"
KEY_RUNSHEET, KEY_RUNSHEET_STEP = "runsheet", "step"
# Where a presenter is, not what is shown (#24): the console, a following window's session
# code, a draft run-sheet kept on the server. Links carry them; a view ignores them.
KEY_CONSOLE, KEY_FOLLOW, KEY_DRAFT = "console", "follow", "draft"
SESSION_KEYS = (KEY_CONSOLE, KEY_FOLLOW, KEY_DRAFT)
FILTER_KEYS = (KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE, KEY_PERIOD, KEY_FACTS)
LIST_KEYS = (KEY_PRODUCT, KEY_DEST, KEY_PREF, KEY_ZONE)

# What the volumes page can measure and break down by (the first is the default).
MEASURES: tuple[str, ...] = ("tonnes", "value_usd", "consignments")
DIMS: tuple[str, ...] = ("product", "destination", "zone")
INTERVALS: tuple[str, ...] = ("monthly", "yearly")
# Page-level view options: their choices and defaults. ``profile`` (the zones page's open
# profile) is an option too, but any zone id, with no default.
PAGE_OPTIONS: dict[str, tuple[str, ...]] = {
    KEY_INTERVAL: INTERVALS, KEY_BY: DIMS, KEY_MEASURE: MEASURES}
PAGE_OPTION_DEFAULTS: dict[str, str] = {
    KEY_INTERVAL: "yearly", KEY_BY: DIMS[0], KEY_MEASURE: MEASURES[0]}
# Which options belong to which page: a view of another page does not carry them.
OPTIONS_OF_PAGE: dict[str, tuple[str, ...]] = {
    "zones": (KEY_PROFILE,), "volumes": (KEY_INTERVAL, KEY_BY, KEY_MEASURE)}
# The order of keys in a canonical query (links are then written sorted: ``link_for``).
QUERY_ORDER = (KEY_RUNSHEET, KEY_RUNSHEET_STEP, *SESSION_KEYS, KEY_LANG, KEY_PRESENT, *FILTER_KEYS,
               KEY_PROFILE, KEY_INTERVAL, KEY_BY, KEY_MEASURE)
PAGES = ("overview", "zones", "destinations", "volumes", "data")
DEFAULT_PAGE = "overview"

Params = dict[str, str | list[str]]


@dataclass(frozen=True)
class Filter:
    """The shared filter of every page: ids, and the period as two ``YYYY-MM`` bounds.

    ``period`` is ``None`` for the whole range the data covers (a view does not know the
    data; the link parser turns the full range into ``None``).
    """

    products: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    prefectures: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    period: tuple[str, str] | None = None
    report_only: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.products or self.destinations or self.prefectures or self.zones
                    or self.period or self.report_only)


_LIST_FIELDS = {KEY_PRODUCT: "products", KEY_DEST: "destinations",
                KEY_PREF: "prefectures", KEY_ZONE: "zones"}


@dataclass(frozen=True)
class View:
    """A page, its filter, its options, the language and presentation mode.

    ``options`` holds only the page options that differ from their defaults, as sorted
    ``(key, value)`` pairs, so equal views compare equal and hash alike (the cache key of
    everything computed for a view). Build with :meth:`of` or :func:`from_params`, which
    keep that form; read an option with :meth:`option`.
    """

    page: str = DEFAULT_PAGE
    filter: Filter = Filter()
    lang: str = DEFAULT_LANG
    present: bool = False
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, page: str = DEFAULT_PAGE, filter: Filter | None = None,
           lang: str = DEFAULT_LANG, present: bool = False,
           options: Mapping[str, str | None] | None = None) -> View:
        """A view in its canonical form: defaults and other pages' options left out."""
        if page not in PAGES:
            raise ValueError(f"unknown page {page!r}")
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        kept: dict[str, str] = {}
        for key, value in (options or {}).items():
            if key not in OPTIONS_OF_PAGE.get(page, ()) or not value:
                continue
            if key in PAGE_OPTIONS and value not in PAGE_OPTIONS[key]:
                raise ValueError(f"unknown {key} {value!r}")
            if value != PAGE_OPTION_DEFAULTS.get(key):
                kept[key] = str(value)
        return cls(page=page, filter=filter or Filter(), lang=lang, present=present,
                   options=tuple(sorted(kept.items())))

    def option(self, key: str) -> str | None:
        """The page option's value, its default when the view leaves it out."""
        return dict(self.options).get(key, PAGE_OPTION_DEFAULTS.get(key))

    def replace(self, **changes: object) -> View:
        """The same view with some fields changed, kept canonical.

        ``options`` may be given as a mapping; options of the old page that the new page
        does not have are dropped.
        """
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        fields["options"] = dict(fields["options"])
        fields.update(changes)
        return View.of(**fields)  # type: ignore[arg-type]

    def with_filter(self, **changes: object) -> View:
        return dataclasses.replace(self, filter=dataclasses.replace(self.filter, **changes))

    def params(self) -> Params:
        """The canonical query: ids, defaults left out, keys in ``QUERY_ORDER``."""
        f = self.filter
        out: Params = {}
        if self.lang != DEFAULT_LANG:
            out[KEY_LANG] = self.lang
        if self.present:
            out[KEY_PRESENT] = "true"
        for key, name in _LIST_FIELDS.items():
            if values := getattr(f, name):
                out[key] = list(values)
        if f.period:
            out[KEY_PERIOD] = list(f.period)
        if f.report_only:
            out[KEY_FACTS] = "true"
        out.update(self.options)
        return {k: out[k] for k in QUERY_ORDER if k in out}

    def link(self, **extra: str) -> str:
        """``/volumes?lang=en&product=ginseng``; ``extra`` adds keys such as the run-sheet's."""
        return link_for(self.page, {**self.params(), **extra})

    def cli_args(self) -> list[str]:
        """The flags of ``python -m zones brief`` (and friends) that select this view.

        The period is written in the link's form's bounds as ``YYYY-MM:YYYY-MM``, which
        the CLI reads as well as ``--period 2009-01 --period 2011-12``.
        """
        args: list[str] = ["--page", self.page, "--lang", self.lang]
        flags = {KEY_PRODUCT: "--product", KEY_DEST: "--dest", KEY_PREF: "--prefecture",
                 KEY_ZONE: "--zone"}
        for key, name in _LIST_FIELDS.items():
            for value in getattr(self.filter, name):
                args += [flags[key], value]
        if self.filter.period:
            args += ["--period", ":".join(self.filter.period)]
        if self.filter.report_only:
            args.append("--report-only")
        if self.present:
            args.append("--present")
        for key, value in self.options:
            args += [f"--{key}", value]
        return args


def from_params(page: str, params: Mapping[str, str | list[str]]) -> View:
    """A canonical query (ids, as ``links.canonical_query`` gives it) → the view.

    Keys that are not part of a view (the run-sheet's ``runsheet`` and ``step``) are
    ignored: they say where a presenter is, not what is shown.
    """
    def many(key: str) -> tuple[str, ...]:
        value = params.get(key, ())
        return (value,) if isinstance(value, str) else tuple(value)

    period = many(KEY_PERIOD)
    filt = Filter(
        products=many(KEY_PRODUCT), destinations=many(KEY_DEST),
        prefectures=many(KEY_PREF), zones=many(KEY_ZONE),
        period=(period[0], period[-1]) if period else None,
        report_only=_true(params.get(KEY_FACTS)))
    options = {k: str(params[k]) for k in (KEY_PROFILE, *PAGE_OPTIONS) if params.get(k)}
    return View.of(page=page or DEFAULT_PAGE, filter=filt,
                   lang=str(params.get(KEY_LANG) or DEFAULT_LANG),
                   present=_true(params.get(KEY_PRESENT)), options=options)


def _true(value: str | list[str] | None) -> bool:
    if isinstance(value, list):
        value = value[-1] if value else None
    return str(value).strip().lower() in ("true", "1", "yes", "on")


def link_for(page: str, params: Mapping[str, str | list[str]]) -> str:
    """Page + query → path and query: ``/volumes?lang=en&product=ginseng``.

    Keys in alphabetical order, as Streamlit's frontend writes the address bar after a
    click, so one view has one link whoever wrote it; the overview is ``/``.
    """
    path = "/" if page in ("", DEFAULT_PAGE) else f"/{page}"
    pairs = [(k, v) for k in sorted(params)
             for v in ([params[k]] if isinstance(params[k], str) else params[k])]
    return f"{path}?{urlencode(pairs)}" if pairs else path
