"""``python -m zones serve [-- streamlit options]``: run the dashboard, offline from the start.

The same as ``streamlit run app.py`` (options after ``--`` pass through, e.g.
``python -m zones serve -- --server.port 8502``),
except that Streamlit's own-address lookups are answered locally before the server
accepts its first connection (see ``zones.ui.offline``), and that the process warms up as
the server starts: it imports the libraries, loads the data and builds the landing
page's charts first (``zones.ui.warmup``, about 1.5 s with the bundled data), so the
first visitor does not wait for them (issue 8). ``streamlit run app.py`` works too,
without the warm-up.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from zones import paths

APP = paths.APP
# The server starts listening when the warm-up is done, or after this long at most (a
# huge data folder): a visitor then gets a warm page rather than a half-warm one.
WARM_WAIT_S = 60.0
_QUIET = ("streamlit.runtime.caching.cache_data_api",)  # "No runtime found": expected here


def _warm() -> bool:
    """The warm-up's work; never raises (the first visit does what it could not)."""
    try:
        import streamlit  # noqa: F401  creates (and configures) the loggers quietened below

        quiet = [logging.getLogger(name) for name in _QUIET]
        levels = [q.level for q in quiet]
        for q in quiet:  # zones.ui declares its caches on import, before the runtime exists
            q.setLevel(logging.ERROR)
        try:
            from zones.ui import warm_up
        finally:
            for q, level in zip(quiet, levels, strict=True):
                q.setLevel(level)
        return warm_up()
    except Exception as exc:  # e.g. a broken install: the first page will say so
        logging.getLogger("zones").warning("warm-up skipped: %s", type(exc).__name__)
        return False


def warm_before_serving(wait_s: float = WARM_WAIT_S) -> threading.Thread:
    """Warm up in a daemon thread; return when it is done or after ``wait_s``.

    A thread rather than a call, so that a slow load (a huge data folder) delays the
    server by ``wait_s`` at most and goes on meanwhile; a daemon, so that it never keeps
    the process from stopping.
    """
    thread = threading.Thread(target=_warm, name="zones-warm-up", daemon=True)
    thread.start()
    thread.join(wait_s)
    return thread


def run(args: argparse.Namespace) -> int:
    from zones.ui.offline import keep_streamlit_offline  # Streamlit only for this command

    keep_streamlit_offline()
    from streamlit.web import cli as stcli

    extra = [a for i, a in enumerate(args.streamlit_args) if i or a != "--"]
    sys.argv = ["streamlit", "run", str(APP), *extra]
    warm_before_serving()
    try:
        stcli.main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    from zones.i18n import t

    p = sub.add_parser("serve", help=t("cli.help.serve", lang))
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER,
                   help=t("cli.help.streamlit_args", lang))
    p.set_defaults(func=run)
