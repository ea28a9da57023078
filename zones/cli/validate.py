"""``python -m zones validate``: check a data folder exactly as the app loads it.

Prints every problem as ``file:line:column: message`` (parts the problem has no value for
are left out), including the "… and N more rows" lines of collapsed groups. Exit code 0
when the folder is valid, 1 when it has problems, 2 on a usage error (no such folder).
"""

from __future__ import annotations

import argparse
import sys

from zones.cli.common import add_data_dir, add_lang, format_issue
from zones.dataset.loading import CsvSource, data_dir, load
from zones.i18n import t


def run(args: argparse.Namespace) -> int:
    root = args.data_dir or data_dir()
    if not root.is_dir():
        print(f"python -m zones validate: {root}: {t('err.is_not_folder', args.lang)}",
              file=sys.stderr)
        return 2
    result = load(CsvSource(root))
    for issue in result.issues:
        print(format_issue(issue, args.lang))
    sheets_ok = check_runsheets(root, result.dataset, args.lang)  # run-sheets (#16)
    if not result.ok:
        print(t("cli.validate.problems", args.lang, n=len(result.issues), folder=root),
              file=sys.stderr)
        return 1
    if not sheets_ok:
        return 1
    print(t("cli.validate.ok", args.lang, folder=root), file=sys.stderr)
    return 0


def check_runsheets(root, ds, lang: str) -> bool:
    """Every ``runsheets/*.toml`` of the folder, each step against the data (structure
    only when the data itself did not load); problems as ``file:step N: message``."""
    from zones.runsheets import sheet as rs
    from zones.runsheets.store import FOLDER, FileRunSheets

    folder = FileRunSheets(root)
    ids = folder.ids()
    bad = 0
    for rid in ids:
        data = folder.read(rid) or b""
        checked = rs.read(ds, data, f"{FOLDER}/{rid}{rs.SUFFIX}", rid)
        for problem in checked.problems:
            print(problem.text(lang))
        bad += not checked.ok
    if ids and not bad:
        print(t("rs.validate.ok", lang, n=len(ids)), file=sys.stderr)
    return bad == 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    p = sub.add_parser("validate", help=t("cli.help.validate", lang))
    add_data_dir(p, lang)
    add_lang(p, lang)
    p.set_defaults(func=run)
