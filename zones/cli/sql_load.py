"""``python -m zones sql-load``: put a data folder into PostgreSQL for the SQL backend."""

from __future__ import annotations

import argparse
import sys

from zones.backend import URL_ENV, database_url
from zones.cli.common import add_data_dir, add_lang, add_url, format_issue
from zones.dataset.loading import data_dir
from zones.i18n import t


def run(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from zones.sql.schema import engine_from_url
    from zones.sql.write import sql_load

    url = database_url(args.url)
    if not url:
        print(t("sql.url_required", args.lang, env=URL_ENV), file=sys.stderr)
        return 2
    root = args.data_dir or data_dir()
    try:
        engine = engine_from_url(url)
    except (sa.exc.ArgumentError, ImportError) as exc:
        print(f"{url!r}: {exc}", file=sys.stderr)
        return 2
    result = sql_load(engine, root)
    engine.dispose()
    for issue in result.issues:
        print(format_issue(issue, args.lang))
    if not result.ok:
        print(t("sql.load_refused", args.lang, n=len(result.issues)), file=sys.stderr)
        return 1
    counts = ", ".join(f"{name} {n}" for name, n in (result.rows or {}).items())
    print(t("sql.loaded", args.lang, folder=str(root), version=result.version,
            seconds=f"{result.seconds:.1f}", counts=counts), file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    p = sub.add_parser("sql-load", help=t("cli.help.sql_load", lang))
    add_url(p, lang)
    add_data_dir(p, lang)
    add_lang(p, lang)
    p.set_defaults(func=run)
