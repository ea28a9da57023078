"""``python -m zones …``: the command line calls the same ``zones`` functions as the pages.

Each subcommand lives in the module of its concern and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` (returning the exit code). Exit codes everywhere:
0 valid/done, 1 the data has problems (nothing written), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from zones.i18n import DEFAULT_LANG, LANGS
from zones.loading import LoadResult

# Modules of ``zones`` with a ``register(subparsers)``; one line per concern.
COMMAND_MODULES: tuple[str, ...] = (
    "cli_validate",  # validate
    "cli_store",  # import / history / undo (#6)
    "cli_brief",  # brief (#7)
    "cli_serve",  # serve: streamlit run app.py, offline from the start (#10)
    "cli_sql",  # sql-load: CSV data into PostgreSQL (#8)
)


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data folder (default: $ZONES_DATA_DIR or the bundled data/)")


def add_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=None,
                        help="SQLAlchemy URL of the database, e.g. "
                             "postgresql+psycopg://user@host/db (default: $ZONES_DATABASE_URL;"
                             " none: the data folder)")


def database_url(args: argparse.Namespace) -> str:
    """``--url``, else $ZONES_DATABASE_URL, else '' (the data folder)."""
    import os

    return (getattr(args, "url", None) or os.environ.get("ZONES_DATABASE_URL", "")).strip()


def load_dataset(args: argparse.Namespace) -> LoadResult:
    """The data the app would show: the database if one is named, else the folder."""
    from zones.loading import CsvSource, data_dir, load

    root = Path(getattr(args, "data_dir", None) or data_dir())
    url = database_url(args)
    if not url:
        return load(CsvSource(root))
    from zones.sql import engine_from_url, load_sql

    return load_sql(engine_from_url(url), root)


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                        help="language of messages and output (default: zh)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m zones",
                                     description="Jilin export-zone dashboard tools")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"zones.{name}").register(sub)
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
