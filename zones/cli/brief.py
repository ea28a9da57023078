"""``python -m zones brief``: the briefing deck without a browser (the night before, or monthly).

The view's flags (``cli.common.add_view``) take what a link takes (ids, Chinese/English
names, bilingual labels), resolved by the link parser, so ``--product 人参 --dest Japan``
and ``--product ginseng --dest JPN`` build the same deck as the link that shows them.
Exit codes as everywhere: 0 written, 1 the data has problems, 2 usage error (unknown
filter value, bad period or date, unwritable output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from zones.cli.common import (
    VIEW_FLAGS,
    UsageError,
    add_data_dir,
    add_url,
    add_view,
    backend_of,
    format_issue,
    view_of,
)
from zones.i18n import t
from zones.model import Dataset


def _date(value: str | None, lang: str) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(t("brief.err.date", lang, value=value)) from exc


def run(args: argparse.Namespace) -> int:
    from zones.brief.deck import BriefOptions  # the charting stack: only for this command
    from zones.brief.export import export
    from zones.brief.images import FontMissing

    lang = args.lang
    result = backend_of(args).load()
    if not result.ok or result.dataset is None:
        for issue in result.issues:
            print(format_issue(issue, lang), file=sys.stderr)
        return 1
    ds = result.dataset
    if getattr(args, "runsheet", None):  # a run-sheet's steps instead of one filter (#16)
        return run_runsheet(args, ds)
    try:
        view = view_of(ds, args)
        date = _date(args.date, lang)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        out = export(ds, view.filter, view.lang, date, args.format, BriefOptions.of_view(view),
                     title=args.title)
    except FontMissing as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return write_out(args, out)


def write_out(args: argparse.Namespace, out) -> int:
    """The deck to ``--out`` (a file, or a folder for the standard name), never half."""
    lang = args.lang
    path: Path = args.out
    if path.is_dir():
        path = path / out.filename
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")  # never leave a half-written deck
        tmp.write_bytes(out.data)
        tmp.replace(path)
    except OSError as exc:
        print(t("brief.err.out", lang, path=path, detail=exc.strerror or exc), file=sys.stderr)
        return 2
    done = "wb.cli.done" if args.format in ("docx", "brief-pdf") else "brief.cli.done"
    print(t(done, lang, path=path, slides=out.slides,
            seconds=f"{out.seconds:.1f}"), file=sys.stderr)
    print(path)
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    from zones.brief.formats import FORMATS

    p = sub.add_parser("brief", help=t("cli.help.brief", lang))
    p.add_argument("--format", choices=FORMATS, default="pptx", help=t("cli.help.format", lang))
    p.add_argument("--out", type=Path, required=True, help=t("cli.help.out", lang))
    add_view(p, lang)  # the deck's filter and volume charts: the view's flags, as links take them
    p.add_argument("--date", metavar="YYYY-MM-DD", help=t("cli.help.date", lang))
    p.add_argument("--title", metavar="TEXT", help=t("cli.help.title", lang))
    p.add_argument("--runsheet", metavar="ID|FILE.toml", help=t("cli.help.runsheet", lang))
    add_data_dir(p, lang)
    add_url(p, lang)
    p.set_defaults(func=run)


# -- run-sheets (#16) -------------------------------------------------------------------

def read_runsheet(args: argparse.Namespace, ds: Dataset | None):
    """``--runsheet`` as a checked run-sheet, or None when no such file or id exists.

    An argument ending in ``.toml`` or naming a path is a file; else an id in the store
    the app uses (the database when one is configured, else ``<data>/runsheets/``).
    """
    from zones.runsheets import sheet as rs

    value = str(args.runsheet)
    if value.lower().endswith(rs.SUFFIX) or "/" in value or "\\" in value:
        path = Path(value)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return rs.read(ds, data, str(path), path.name[: -len(rs.SUFFIX)]
                       if path.name.lower().endswith(rs.SUFFIX) else path.stem)
    from zones.runsheets.store import FOLDER

    chosen = backend_of(args)
    target = chosen.runsheets()
    data = target.read(value) if rs.valid_id(value) else None
    if data is None:
        return None
    file = (target.file_name(value) if chosen.is_database
            else str(chosen.root / FOLDER / f"{value}{rs.SUFFIX}"))
    return rs.read(ds, data, file, value)


def run_runsheet(args: argparse.Namespace, ds: Dataset) -> int:
    """Exit 0 written, 1 the run-sheet has problems (each printed as ``file:step N: …``),
    2 usage (no such run-sheet, filter flags beside it, a format a run-sheet has not)."""
    from zones.brief.images import FontMissing
    from zones.brief.runsheet import export_runsheet

    lang = args.lang
    if any(getattr(args, f, None) for f in VIEW_FLAGS) or args.format not in (
            "pptx", "pdf", "docx", "brief-pdf"):
        print(t("rs.err.cli_usage", lang), file=sys.stderr)
        return 2
    try:
        checked = read_runsheet(args, ds)
    except Exception as exc:  # e.g. the database is unreachable: said, not a traceback
        print(t("rs.err.unreadable", lang, detail=type(exc).__name__), file=sys.stderr)
        return 1
    if checked is None:
        print(t("rs.err.not_found", lang, value=args.runsheet, where=str(
            getattr(args, "data_dir", None) or "runsheets/")), file=sys.stderr)
        return 2
    if not checked.ok:
        for problem in checked.problems:
            print(problem.text(lang), file=sys.stderr)
        return 1
    try:
        date = _date(args.date, lang)
        out = (export_runsheet(ds, checked, lang, date, args.format, title=args.title)
               if args.format in ("pptx", "pdf") else _written_runsheet(ds, checked, lang, date,
                                                                         args.format))
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except FontMissing as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return write_out(args, out)


def _written_runsheet(ds: Dataset, checked, lang: str, date: dt.date, fmt: str):
    """A run-sheet as the written brief (#21): each step a section under its title."""
    import time

    from zones.brief.export import Export
    from zones.brief.formats import MIME
    from zones.brief.paper import runsheet_file

    t0 = time.perf_counter()
    name, data, sections = runsheet_file(ds, checked, lang, date, fmt)
    return Export(name, data, MIME[fmt], sections, time.perf_counter() - t0)
