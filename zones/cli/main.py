"""``python -m zones …``: the command line calls the same ``zones`` functions as the pages.

A registry like pip's ``commands/__init__.py``: each command module exposes
``register(subparsers)``, which adds its parser and sets ``func`` (returning the exit code).
The modules import ``zones.cli.common`` for shared options, never this module. Exit codes
everywhere: 0 valid/done, 1 the data has problems (nothing written), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from zones.cli import brief, imports, serve, sql_load, validate

# One line per concern, in the order ``--help`` lists them.
COMMANDS = (
    validate,  # validate
    imports,  # import / history / undo (#6)
    brief,  # brief (#7)
    serve,  # serve: streamlit run app.py, offline from the start (#10)
    sql_load,  # sql-load: CSV data into PostgreSQL (#8)
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m zones",
                                     description="Jilin export-zone dashboard tools")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on usage errors, 0 for --help
        return int(exc.code or 0)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
