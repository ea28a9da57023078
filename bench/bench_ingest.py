"""Benchmark of reading officers' files (zones/ingest.py), quoted in the #6 notes.

Run from the repo root: ``python bench/bench_ingest.py [--rows 10000 100000]``. Builds a
GBK CSV and an XLSX of monthly export records (title line, Chinese headers, 千克 and
万美元, Chinese names) of each size, times ``parse_upload`` on each, and the raw sheet read
by python-calamine against openpyxl's read-only mode (why the reader uses calamine). Prints
a Markdown table and writes it to ``bench/results_ingest.md``. Wall-clock seconds, best of
``--repeat`` runs, on this machine.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zones.dataset.loading import CsvSource, load  # noqa: E402
from zones.intake.pipeline import parse_upload  # noqa: E402

HEADER = ["序号", "月份", "示范区", "商品名称", "国家（地区）", "数量（千克）", "货值（万美元）",
          "批次"]
MADE = [("德惠禽肉", "禽肉"), ("抚松人参", "人参"), ("舒兰大米", "大米"), ("柳河树莓", "树莓"),
        ("汪清黑木耳", "黑木耳"), ("扶余花生", "花生")]
COUNTRIES = ["日本", "韩国", "美国", "俄罗斯", "加拿大", "德国", "新加坡", "马来西亚", "蒙古国",
             "阿富汗"]


def records(n: int) -> list[list[object]]:
    """n rows with unique keys: months from 1950 on × zones × countries."""
    rng = random.Random(6)
    out: list[list[object]] = []
    for i in range(n):
        month, rest = divmod(i, len(MADE) * len(COUNTRIES))
        zone, product = MADE[rest // len(COUNTRIES)]
        year, m = divmod(month, 12)
        out.append([i + 1, f"{1950 + year}年{m + 1}月", zone, product,
                    COUNTRIES[rest % len(COUNTRIES)], rng.randint(1, 99_999),
                    rng.randint(1, 9_999) / 100, rng.randint(1, 9)])
    return out


def as_csv(rows: list[list[object]]) -> bytes:
    lines = ["吉林省出口示范区月度出口统计（示例，虚构数据）", ",".join(HEADER)]
    lines += [",".join(str(c) for c in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def as_xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(["吉林省出口示范区月度出口统计（示例，虚构数据）"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    ds = load(CsvSource()).dataset
    assert ds is not None
    out = ["| rows | file | size | parse_upload (s) | raw sheet read (s) |",
           "|---|---|---|---|---|"]
    for n in args.rows:
        rows = records(n)
        csv_data, xlsx_data = as_csv(rows), as_xlsx(rows)
        for name, data in (("GBK CSV", csv_data), ("XLSX", xlsx_data)):
            check = parse_upload(data, "bench", "export_volumes", ds)
            assert check.ok, check.issues[:3]
            secs = best(lambda d=data: parse_upload(d, "bench", "export_volumes", ds),
                        args.repeat)
            raw = "–"
            if name == "XLSX":
                import openpyxl
                from python_calamine import CalamineWorkbook

                def cal(d: bytes = data) -> object:
                    return list(CalamineWorkbook.from_filelike(io.BytesIO(d))
                                .get_sheet_by_index(0).iter_rows())

                def opx(d: bytes = data) -> object:
                    wb = openpyxl.load_workbook(io.BytesIO(d), read_only=True, data_only=True)
                    return list(wb.worksheets[0].iter_rows(values_only=True))

                raw = f"calamine {best(cal, args.repeat):.2f} · openpyxl {best(opx, 1):.2f}"
            out.append(f"| {n:,} | {name} | {len(data) / 1e6:.1f} MB | {secs:.2f} | {raw} |")
            print(out[-1], flush=True)
    text = "\n".join(["# Reading officers' files (bench/bench_ingest.py)", "",
                      "Best of runs, wall-clock seconds, 2-core machine shared with other jobs.",
                      "", *out, ""])
    (ROOT / "bench" / "results_ingest.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
