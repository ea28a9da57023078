"""``python -m zones serve [-- streamlit options]``: run the dashboard, offline from the start.

The same as ``streamlit run app.py`` (options after ``--`` pass through, e.g.
``python -m zones serve -- --server.port 8502``),
except that Streamlit's own-address lookups are answered locally before the server
accepts its first connection (see ``zones.offline``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zones.offline import keep_streamlit_offline

APP = Path(__file__).resolve().parents[1] / "app.py"


def run(args: argparse.Namespace) -> int:
    keep_streamlit_offline()
    from streamlit.web import cli as stcli

    extra = [a for i, a in enumerate(args.streamlit_args) if i or a != "--"]
    sys.argv = ["streamlit", "run", str(APP), *extra]
    try:
        stcli.main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the dashboard (streamlit run app.py, kept offline)")
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER,
                   help="after --, passed to streamlit run, e.g. -- --server.port 8502")
    p.set_defaults(func=run)
