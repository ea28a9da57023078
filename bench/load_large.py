"""Loader at scale (#10): a valid 1M-row folder, and a 50 MB file of one pasted row.

Each measurement runs ``load`` in a fresh process under ``/usr/bin/time -v`` and reports
wall time of the load itself, the process's CPU time and peak RSS (imports included:
~150 MB of pandas/pyarrow/geopandas before any data). Targets: the valid folder in
<= 10 s and <= 500 MB; the duplicates refused in seconds with bounded memory.

Usage: ``python bench/load_large.py [--rows 1000000] [--work /tmp/bench-load]``
(generates the folders with scripts/generate_large.py; prints a Markdown table and
appends it to bench/load_large.md). The load average is printed: on a shared machine,
wall time is inflated by it, CPU time much less so.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = ("import time, sys; from pathlib import Path;"
         "from zones.dataset.loading import CsvSource, load;"
         "t = time.perf_counter(); r = load(CsvSource(Path(sys.argv[1])));"
         "print(f'LOAD {time.perf_counter() - t:.2f} {r.ok} {len(r.issues)}')")


def measure(folder: Path) -> dict[str, str]:
    proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-c", PROBE, str(folder)],
                          cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    load_s, ok, issues = re.search(r"LOAD (\S+) (\S+) (\d+)", proc.stdout).groups()
    err = proc.stderr
    user = float(re.search(r"User time \(seconds\): (\S+)", err).group(1))
    system = float(re.search(r"System time \(seconds\): (\S+)", err).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    return {"load_s": load_s, "cpu_s": f"{user + system:.1f}", "rss_mb": f"{rss / 1024:.0f}",
            "ok": ok, "issues": issues}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-load"))
    args = parser.parse_args()
    valid = args.work / f"valid-{args.rows}"
    if not (valid / "export_volumes.csv").exists():
        subprocess.run([sys.executable, "scripts/generate_large.py", "--rows", str(args.rows),
                        "--out", str(valid)], cwd=ROOT, check=True)
    dups = args.work / "dup-50mb"
    if not (dups / "export_volumes.csv").exists():
        subprocess.run([sys.executable, "-c", "import shutil,sys; shutil.copytree(*sys.argv[1:])",
                        str(ROOT / "data"), str(dups)], check=True)
        path = dups / "export_volumes.csv"
        lines = path.read_bytes().split(b"\n")
        row = lines[1] + b"\n"
        path.write_bytes(lines[0] + b"\n" + row * (50 * 1024 * 1024 // len(row)))
    rows = []
    for name, folder in ((f"valid, {args.rows:,} rows", valid), ("50 MB of duplicates", dups)):
        size = (folder / "export_volumes.csv").stat().st_size / 1024 / 1024
        m = measure(folder)
        rows.append(f"| {name} | {size:.0f} MB | {m['load_s']} s | {m['cpu_s']} s | "
                    f"{m['rss_mb']} MB | {'loaded' if m['ok'] == 'True' else 'refused'} "
                    f"({m['issues']} issues) |")
    load_avg = os.getloadavg()[0]
    table = "\n".join([
        f"Load average at the time: {load_avg:.1f} on {os.cpu_count()} cores.", "",
        "| folder | export_volumes.csv | load (wall) | process CPU | peak RSS | outcome |",
        "|---|---|---|---|---|---|", *rows])
    print(table)
    with (ROOT / "bench" / "load_large.md").open("a", encoding="utf-8") as fh:
        fh.write(table + "\n\n")


if __name__ == "__main__":
    main()
