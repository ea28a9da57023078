"""What every command shares: its common options, the view they select, the backend they
name, and how a problem is printed. Commands import this, never ``zones.cli.main`` (which
imports them)."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from zones import backend
from zones import view as v
from zones.dataset.validation import Issue
from zones.i18n import DEFAULT_LANG, LANGS, t
from zones.links import build_options, view_from_query
from zones.model import Dataset

_BREAKS = re.compile("[\r\n\v\f\x85\u2028\u2029]+")


def chosen_lang(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language of help and messages (#23): ``--lang`` when given, else the locale
    ($LC_ALL, $LC_MESSAGES, $LANG, as gettext reads them: ``en_US.UTF-8`` → en), else zh.

    Read before parsing, so that ``--help`` and argparse's own errors speak it too.
    """
    args = list(argv)
    for i, arg in enumerate(args):
        value = (args[i + 1] if arg == "--lang" and i + 1 < len(args)
                 else arg.removeprefix("--lang=") if arg.startswith("--lang=") else None)
        if value in LANGS:
            return value
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        prefix = (env.get(name) or "")[:2].lower()
        if prefix in LANGS:
            return prefix
        if env.get(name):  # set to another language (e.g. C): the default
            break
    return DEFAULT_LANG


# argparse's own English texts (its gettext msgids) → the catalogue (#23); the catalogue
# keeps no edge whitespace, so a msgid's trailing space or newline is added back.
_ARGPARSE = {
    "usage: ": "cli.ap.usage",
    "positional arguments": "cli.ap.positionals",
    "options": "cli.ap.options",
    "show this help message and exit": "cli.ap.help",
    "%(prog)s: error: %(message)s\n": "cli.ap.error",
    "argument %(argument_name)s: %(message)s": "cli.ap.argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.ap.choice",
    "the following arguments are required: %s": "cli.ap.required",
    "unrecognized arguments: %s": "cli.ap.unrecognized",
    "expected one argument": "cli.ap.one",
    "invalid %(type)s value: %(value)r": "cli.ap.type",
    "ambiguous option: %(option)s could match %(matches)s": "cli.ap.ambiguous",
}


@contextmanager
def argparse_speaks(lang: str) -> Iterator[None]:
    """argparse's own words ("usage:", "options", its errors) in ``lang`` while parsing.

    argparse looks its texts up through the module's ``_`` (gettext) at call time; it is
    swapped for the catalogue and put back, so nothing outside the block changes.
    """
    def translate(msgid: str) -> str:
        key = _ARGPARSE.get(msgid)
        if key is None:
            return msgid
        text = t(key, lang)
        return text + ("" if lang == "zh" and msgid == "usage: " else
                       msgid[len(msgid.rstrip()):])

    original = argparse.__dict__["_"]
    setattr(argparse, "_", translate)  # noqa: B010  (a module global, not an attribute)
    try:
        yield
    finally:
        setattr(argparse, "_", original)  # noqa: B010


def add_data_dir(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANG) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=t("cli.help.data_dir", lang))


def add_url(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANG) -> None:
    parser.add_argument("--url", default=None, help=t("cli.help.url", lang))


def add_lang(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANG) -> None:
    """``--lang``; its default is the language the help is shown in (``chosen_lang``)."""
    parser.add_argument("--lang", choices=LANGS, default=lang, help=t("cli.help.lang", lang))


def backend_of(args: argparse.Namespace) -> backend.Backend:
    """The backend ``--url`` / ``--data-dir`` (or their environment defaults) name."""
    return backend.choose(url=getattr(args, "url", None),
                          data_dir=getattr(args, "data_dir", None))


def format_issue(issue: Issue, lang: str) -> str:
    """``file:line:column: message``, the form editors and CI logs link to; one line."""
    where = ":".join(str(p) for p in (issue.file, issue.line, issue.column) if p not in (None, ""))
    return f"{where}: {_BREAKS.sub(' ', issue.message(lang))}"


# The view's flags (``View.cli_args`` writes them): flag name → URL key.
_LIST_FLAGS = {"product": v.KEY_PRODUCT, "dest": v.KEY_DEST, "prefecture": v.KEY_PREF,
               "zone": v.KEY_ZONE}
_OPTION_FLAGS = {v.KEY_PROFILE: "profile", v.KEY_INTERVAL: "interval", v.KEY_BY: "by",
                 v.KEY_MEASURE: "measure"}
VIEW_FLAGS = (*_LIST_FLAGS, "period", "report_only")  # the filter's flags (attribute names)


class UsageError(ValueError):
    """A view or option the data does not know; the message is translated (exit 2)."""


def add_view(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANG) -> None:
    """The flags that select a view: page, filter, language, presentation, page options.

    Values are what a link takes (``zones.links``): ids, Chinese or English names, the
    bilingual labels; ``--period`` is a year, a month, two of them (``--period 2009-01
    --period 2011-12``) or ``2009-01:2011-12``. The help is in ``lang`` (#23).
    """
    parser.add_argument("--page", choices=v.PAGES, default=None,
                        help=t("cli.help.page", lang))
    for flag, what in (("product", "product"), ("dest", "dest"),
                       ("prefecture", "prefecture"), ("zone", "zone")):
        parser.add_argument(f"--{flag}", action="append", metavar="X", help=t(
            "cli.help.filter", lang, what=t(f"brief.what.{what}", lang)))
    parser.add_argument("--period", action="append", metavar="YYYY[-MM]",
                        help=t("cli.help.period", lang))
    parser.add_argument("--report-only", action="store_true",
                        help=t("cli.help.report_only", lang))
    parser.add_argument("--present", action="store_true", help=t("cli.help.present", lang))
    add_lang(parser, lang)
    parser.add_argument("--profile", metavar="ZONE", help=t("cli.help.profile", lang))
    parser.add_argument("--interval", "--step", dest="interval", choices=v.INTERVALS,
                        help=t("cli.help.step", lang))
    parser.add_argument("--by", choices=v.DIMS, help=t("cli.help.by", lang))
    parser.add_argument("--measure", choices=v.MEASURES, help=t("cli.help.measure", lang))


def view_of(ds: Dataset, args: argparse.Namespace) -> v.View:
    """The parsed flags of :func:`add_view` → the view, through the link parser.

    Raises :class:`UsageError` naming every value the data does not know, in ``--lang``.
    """
    lang = args.lang
    raw: dict[str, list[str]] = {v.KEY_LANG: [lang]}
    for flag, key in _LIST_FLAGS.items():
        values = [x for given in getattr(args, flag) or () for x in given.split(",")]
        if values:
            raw[key] = values
    periods = [p for given in args.period or () for p in given.split(":")]
    if periods:
        raw[v.KEY_PERIOD] = periods
    if args.report_only:
        raw[v.KEY_FACTS] = ["true"]
    if args.present:
        raw[v.KEY_PRESENT] = ["true"]
    options = {key: getattr(args, flag) for key, flag in _OPTION_FLAGS.items()
               if getattr(args, flag, None)}
    raw.update({key: [value] for key, value in options.items()})
    page = args.page or next((p for p in ("volumes", "zones")
                              if set(options) & set(v.OPTIONS_OF_PAGE[p])), "overview")
    view, problems = view_from_query(ds, page, raw)
    if problems:
        raise UsageError("\n".join(_usage_message(ds, p.key, p.value, args) for p in problems))
    return view


def _usage_message(ds: Dataset, key: str, value: str, args: argparse.Namespace) -> str:
    lang = args.lang
    if key == v.KEY_PERIOD:
        return t("brief.err.period", lang, value=" ".join(args.period),
                 first=ds.periods[0], last=ds.periods[-1])
    flag = {v: k for k, v in _LIST_FLAGS.items()}.get(
        v.KEY_ZONE if key == v.KEY_PROFILE else key)
    if flag is None:
        return t("link.unknown_value", lang, name=key, value=value)
    table = build_options(ds)[_LIST_FLAGS[flag]]
    examples = ", ".join(f"{i} ({label})" for i, label in list(table.items())[:4])
    return t("brief.err.unknown", lang, what=t(f"brief.what.{flag}", lang), value=value,
             examples=examples)
