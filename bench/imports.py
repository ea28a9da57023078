"""Import at scale: an officer's small file into 1 M export rows, on the files and on PostgreSQL.

Run from the repo root::

    .venv/bin/python bench/imports.py                # 1 M rows, files and a throw-away PostgreSQL
    .venv/bin/python bench/imports.py --rows 100000 --no-sql

Each step is the command an officer runs (``python -m zones import|undo``), in a fresh
process under ``/usr/bin/time -v``, so the figures include start-up, reading the current
data, validation, the diff, the atomic write and the history entry: wall time and peak RSS.
The imported file is ``docs/examples/export_records_gbk.csv`` (GBK, 28 rows). After the
undo the files must be byte-identical to before, and the database must hold the same rows;
the benchmark says so. Prints Markdown and appends it to ``bench/RESULTS-imports.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

EXAMPLE = ROOT / "docs" / "examples" / "export_records_gbk.csv"
T = TypeVar("T")


def timed(args: list[str]) -> dict[str, float]:
    """Run ``python -m zones ARGS`` under /usr/bin/time: wall s, peak RSS MB, exit code."""
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "zones", *args],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    err = proc.stderr
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", err)
    hours, minutes, seconds = wall.groups()
    wall_s = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    code = re.search(r"Exit status: (\d+)", err)
    return {"wall_s": wall_s, "rss_mb": rss / 1024,
            "code": int(code.group(1)) if code else proc.returncode}


def row(step: str, m: dict[str, float]) -> str:
    status = "ok" if m["code"] == 0 else f"exit {m['code']}"
    return f"| {step} | {m['wall_s']:.1f} | {m['rss_mb']:.0f} | {status} |"


IMPORT = ["import", str(EXAMPLE), "--table", "export_volumes"]
STEPS = (("check only (`import --dry-run`)", [*IMPORT, "--dry-run"]),
         ("import (`import`)", [*IMPORT, "--user", "bench"]),
         ("undo (`undo`)", ["undo", "--user", "bench"]))


def run_steps(where: list[str], probe: Callable[[], T]) -> tuple[list[str], list[T]]:
    """The table rows of the three steps, and ``probe()`` of the data after each."""
    lines, seen = [], []
    for step, args in STEPS:
        lines.append(row(step, timed([*args, *where])))
        seen.append(probe())
    return lines, seen


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for csv in sorted(folder.glob("*.csv")):
        h.update(csv.name.encode() + csv.read_bytes())
    return h.hexdigest()


def files_section(data: Path, tmp: Path) -> list[str]:
    folder = tmp / "files"
    shutil.copytree(data, folder)
    before = digest(folder)
    lines, digests = run_steps(["--data-dir", str(folder)], lambda: digest(folder))
    same = "byte-identical to" if digests[-1] == before else "**not** identical to"
    return [*lines, "", f"After the undo the CSV files are {same} before."]


def sql_section(data: Path) -> list[str]:
    from tests.pg_server import skip_reason, start_server

    reason = skip_reason()
    if reason:
        return [f"PostgreSQL not measured: {reason}"]
    server = start_server()
    try:
        url = server.createdb("bench_imports")
        load = row("`sql-load` of the folder",
                   timed(["sql-load", "--data-dir", str(data), "--url", url]))
        before = _count(url)
        lines, counts = run_steps(["--url", url], lambda: _count(url))
        return [load, *lines, "", f"export_volumes rows: {before:,} before, {counts[1]:,} "
                f"after the import, {counts[2]:,} after the undo."]
    finally:
        server.stop()


def _count(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM export_volumes")).scalar())
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-sql", action="store_true", help="files only")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS-imports.md")
    args = parser.parse_args()
    from run import ensure_data

    data = Path(ensure_data(args.rows))
    load = os.getloadavg()[0]
    head = [f"## Import of `{EXAMPLE.relative_to(ROOT)}` into {args.rows:,} export rows — "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
            f"{os.cpu_count()} cores, load average {load:.1f} (shared machine)", "",
            "Each step is a fresh `python -m zones …` process (start-up included).", ""]
    table = ["| step | wall s | peak RSS MB | outcome |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="zones-bench-imports-") as tmp:
        md = [*head, "### Files (the default)", "", *table, *files_section(data, Path(tmp))]
        if not args.no_sql:
            md += ["", "### PostgreSQL (one transaction per import or undo)", "", *table,
                   *sql_section(data)]
    text = "\n".join(md) + "\n"
    print(text)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(text + "\n")


if __name__ == "__main__":
    main()
