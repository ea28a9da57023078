"""``python -m zones validate``: check a data folder exactly as the app loads it."""

from __future__ import annotations

import argparse
import sys

from zones.loading import CsvSource, data_dir, load
from zones.validation import Issue


def format_issue(issue: Issue, lang: str) -> str:
    """``file:line:column: message``, the form editors and CI logs link to."""
    line = "" if issue.line is None else str(issue.line)
    return f"{issue.file}:{line}:{issue.column or ''}: {issue.message(lang)}"


def run(args: argparse.Namespace) -> int:
    root = args.data_dir or data_dir()
    result = load(CsvSource(root))
    for issue in result.issues:
        print(format_issue(issue, args.lang))
    if not result.ok:
        print(f"{len(result.issues)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(f"OK: {root}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from zones.cli import add_data_dir, add_lang

    p = sub.add_parser("validate", help="check a data folder; exit 1 if it has problems")
    add_data_dir(p)
    add_lang(p)
    p.set_defaults(func=run)
