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
from zones.cli.common import argparse_speaks, chosen_lang
from zones.i18n import DEFAULT_LANG, t

# One line per concern, in the order ``--help`` lists them.
COMMANDS = (
    validate,  # validate
    imports,  # import / history / undo (#6)
    brief,  # brief (#7)
    serve,  # serve: streamlit run app.py, offline from the start (#10)
    sql_load,  # sql-load: CSV data into PostgreSQL (#8)
)


def build_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    """The whole command line, its help in ``lang`` (build and use it inside
    ``argparse_speaks(lang)`` for argparse's own words too)."""
    parser = argparse.ArgumentParser(prog="python -m zones",
                                     description=t("cli.description", lang))
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub, lang)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    lang = chosen_lang(args_in)  # --lang, else $LANG (#23)
    with argparse_speaks(lang):
        parser = build_parser(lang)
        try:
            args = parser.parse_args(args_in)
        except SystemExit as exc:  # argparse: 2 on usage errors, 0 for --help
            return int(exc.code or 0)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
