"""What every command shares: its common options, the backend they name, and how a problem
is printed. Commands import this, never ``zones.cli.main`` (which imports them)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from zones import backend
from zones.dataset.validation import Issue
from zones.i18n import DEFAULT_LANG, LANGS

_BREAKS = re.compile("[\r\n\v\f\x85\u2028\u2029]+")


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data folder (default: $ZONES_DATA_DIR or the bundled data/)")


def add_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=None,
                        help="SQLAlchemy URL of the database, e.g. "
                             "postgresql+psycopg://user@host/db (default: $ZONES_DATABASE_URL;"
                             " none: the data folder)")


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                        help="language of messages and output (default: zh)")


def backend_of(args: argparse.Namespace) -> backend.Backend:
    """The backend ``--url`` / ``--data-dir`` (or their environment defaults) name."""
    return backend.choose(url=getattr(args, "url", None),
                          data_dir=getattr(args, "data_dir", None))


def format_issue(issue: Issue, lang: str) -> str:
    """``file:line:column: message``, the form editors and CI logs link to; one line."""
    where = ":".join(str(p) for p in (issue.file, issue.line, issue.column) if p not in (None, ""))
    return f"{where}: {_BREAKS.sub(' ', issue.message(lang))}"
