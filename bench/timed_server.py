"""``streamlit run`` with every script run timed: the server side of the benchmarks.

Usage: ``python bench/timed_server.py LOG.jsonl APP.py [streamlit run options]``; with
``serve`` for APP.py the dashboard starts as ``python -m zones serve`` does (its
documented run command, which warms the process up before the first visitor).
Each script run appends ``{"t": epoch, "wall_ms": …, "cpu_ms": …, "page": …}`` to LOG
(the CPU time is the script thread's own, so other processes on a shared machine do not
inflate it; wall time includes waiting for the CPU). Bench-only: the app never imports it.
"""

from __future__ import annotations

import json
import sys
import threading
import time


def _instrument(log_path: str) -> None:
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = ScriptRunner._run_script
    lock = threading.Lock()
    depth = threading.local()

    def timed(self: ScriptRunner, rerun_data: object) -> None:
        outer = getattr(depth, "n", 0) == 0
        depth.n = getattr(depth, "n", 0) + 1
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            original(self, rerun_data)
        finally:
            depth.n -= 1
            if outer:
                row = {"t": time.time(), "wall_ms": (time.perf_counter() - t0) * 1000,
                       "cpu_ms": (time.thread_time() - c0) * 1000,
                       "page": getattr(rerun_data, "page_script_hash", "") or ""}
                with lock, open(log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(row) + "\n")

    ScriptRunner._run_script = timed  # type: ignore[method-assign]


def main() -> None:
    log_path, app, *options = sys.argv[1:]
    _instrument(log_path)
    if app == "serve":
        import argparse
        from pathlib import Path

        # The checkout the server runs from (browser.Server's cwd: this one or a baseline).
        sys.path.insert(0, str(Path.cwd()))
        from zones.cli import serve as cli_serve

        raise SystemExit(cli_serve.run(argparse.Namespace(streamlit_args=options)))
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", app, *options]
    cli.main()


if __name__ == "__main__":
    main()
