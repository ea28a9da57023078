"""The import store: upsert/replace, diff, provenance, atomic apply, history, undo, one writer."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from zones import safe_files
from zones.dataset.csvread import TEXT
from zones.dataset.loading import CsvSource, load
from zones.i18n import STRINGS
from zones.intake import planning, records, store
from zones.intake.pipeline import parse_upload
from zones.model import Dataset

ROOT = Path(__file__).resolve().parent.parent
VOL_HEADER = "period,zone_id,product_id,destination_iso3,tonnes,value_usd,consignments\n"
NEW_MONTH = "2013-01,dehui-poultry,poultry_meat,JPN,100,200000,5\n"
SAME_ROW = "2008-01,dehui-poultry,poultry_meat,JPN,562.5,1456700,28\n"
CHANGED_ROW = "2008-01,dehui-poultry,poultry_meat,KOR,483.9,1400000,24\n"


def snapshot(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (history and lock included)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != safe_files.LOCK_FILE}


def plan(root: Path, text: str, table: str = "export_volumes", mode: str = "upsert",
         name: str = "upload.csv", user: str = "tester") -> planning.Plan:
    ds = load(CsvSource(root)).dataset
    assert ds is not None
    parsed = parse_upload(text.encode("utf-8"), name, table, ds)
    return planning.plan_import(parsed, mode, root, user)


def loaded(root: Path) -> Dataset:
    result = load(CsvSource(root))
    assert result.ok, [(i.file, i.line, i.column, i.code) for i in result.issues]
    assert result.dataset is not None
    return result.dataset


def test_upsert_adds_replaces_and_keeps_unchanged_rows(data_copy: Path) -> None:
    before = loaded(data_copy)
    p = plan(data_copy, VOL_HEADER + NEW_MONTH + SAME_ROW + CHANGED_ROW)
    assert p.ok, p.issues
    d = p.diff
    assert d is not None
    assert (d.added, d.changed, d.removed, d.unchanged) == (1, 1, 0, 1)
    assert d.rows_after == d.rows_before + 1
    assert d.sums_after["tonnes"] == pytest.approx(d.sums_before["tonnes"] + 100)
    assert d.sums_after["value_usd"] == pytest.approx(
        d.sums_before["value_usd"] + 200000 + (1400000 - 1312100))
    assert d.changed_cells.to_dict("records") == [{
        "key": "2008-01 · dehui-poultry · poultry_meat · KOR", "column": "value_usd",
        "before": "1312100", "after": "1400000"}]
    entry = store.apply(p)
    assert entry.action == "import" and entry.added == 1
    after = loaded(data_copy)
    vol = after.volumes
    new = vol[vol["period"] == "2013-01"].iloc[0]
    assert new["source"] == "imported" and new["import_id"] == p.import_id
    kor = vol[(vol["period"] == "2008-01") & (vol["destination_iso3"] == "KOR")
              & (vol["zone_id"] == "dehui-poultry")].iloc[0]
    assert kor["source"] == "imported" and kor["value_usd"] == 1400000
    jpn = vol[(vol["period"] == "2008-01") & (vol["destination_iso3"] == "JPN")
              & (vol["zone_id"] == "dehui-poultry")].iloc[0]
    assert jpn["source"] == "illustrative" and pd.isna(jpn["import_id"])  # unchanged
    assert len(vol) == len(before.volumes) + 1
    log = records.read_imports(data_copy)
    assert log.iloc[0].to_dict() | {} == {
        "import_id": p.import_id, "imported_at": p.when, "user": "tester",
        "file_name": "upload.csv", "sha256": p.parsed.sha256, "table": "export_volumes",
        "mode": "upsert"}


def test_untouched_rows_keep_their_bytes(data_copy: Path) -> None:
    old = (data_copy / "export_volumes.csv").read_text(encoding="utf-8").splitlines()
    store.apply(plan(data_copy, VOL_HEADER + NEW_MONTH))
    new = (data_copy / "export_volumes.csv").read_text(encoding="utf-8").splitlines()
    assert new[0] == old[0] + ",import_id"
    assert [line + "," for line in old[1:]] == new[1:-1]
    assert new[-1].startswith("2013-01,dehui-poultry,poultry_meat,JPN,100,200000,5,imported,imp-")


def test_replace_removes_rows_and_the_banner_condition_follows(data_copy: Path) -> None:
    p = plan(data_copy, VOL_HEADER + NEW_MONTH, mode="replace")
    assert p.ok, p.issues
    assert p.diff is not None and p.diff.removed == p.diff.rows_before
    assert p.diff.sums_after == {"tonnes": 100.0, "value_usd": 200000.0}
    store.apply(p)
    ds = loaded(data_copy)
    assert ds.volumes["source"].tolist() == ["imported"]
    from zones.dataset.filters import FilterState, apply_filters

    view = apply_filters(ds, FilterState(zones=("dehui-poultry",)))
    assert not view.shows_illustrative  # only the report zone and imported volumes shown


def test_zone_register_import(data_copy: Path) -> None:
    text = ("zone_id,name_zh,name_en,short_zh,short_en,county_adcode,lon,lat,products,level,"
            "launched,note_zh,note_en\n"
            "yanji-fungi,延吉木耳示范区,Yanji Fungi Zone,延吉木耳,Yanji fungi,222401,129.5,"
            "42.9,black_fungus,provincial,2012,,\n")
    p = plan(data_copy, text, table="zones")
    assert p.ok, p.issues
    store.apply(p)
    z = loaded(data_copy).zones.set_index("zone_id").loc["yanji-fungi"]
    assert z["source"] == "imported" and z["county_adcode"] == "222401"


@pytest.mark.parametrize(("text", "line", "column", "code"), [
    (VOL_HEADER + NEW_MONTH + "2013-02,dehui-poultry,poultry_meat,XXX,1,1,1\n", 3,
     "destination_iso3", "import_unknown_country"),
    (VOL_HEADER + "2013-13,dehui-poultry,poultry_meat,JPN,1,1,1\n", 2, "period",
     "import_bad_month"),
    (VOL_HEADER + "2013-01,dehui-poultry,poultry_meat,JPN,-1,1,1\n", 2, "tonnes",
     "import_negative"),
    (VOL_HEADER + "2013-01,dehui-poultry,poultry_meat,JPN,x,1,1\n", 2, "tonnes", "not_number"),
    (VOL_HEADER + NEW_MONTH + NEW_MONTH, 3, "period", "import_duplicate_row"),
    (VOL_HEADER + "2013-01,dehui-poultry,ginseng,JPN,1,1,1\n", 2, "product_id",
     "product_not_made"),
])
def test_refused_import_names_the_uploaded_line_and_writes_nothing(
        data_copy: Path, text: str, line: int, column: str, code: str) -> None:
    before = snapshot(data_copy)
    p = plan(data_copy, text)
    assert not p.ok and not p.writes
    assert ("upload.csv", line, column, code) in {
        (i.file, i.line, i.column, i.code) for i in p.issues}, p.issues
    with pytest.raises(records.StoreError):
        store.apply(p)
    assert snapshot(data_copy) == before


def test_replace_that_breaks_another_file_names_that_file(data_copy: Path) -> None:
    text = "iso3,name_zh,name_en\nJPN,日本,Japan\n"
    p = plan(data_copy, text, table="destinations", mode="replace")
    assert not p.ok
    files = {i.file for i in p.issues}
    assert "export_volumes.csv" in files or "first_exports.csv" in files


def test_identical_upload_is_no_change_and_keeps_provenance(data_copy: Path) -> None:
    text = (data_copy / "products.csv").read_text(encoding="utf-8")
    body = "\n".join(",".join(r.split(",")[:5]) for r in text.splitlines()) + "\n"
    p = plan(data_copy, body, table="products")
    assert p.ok and p.diff is not None and not p.diff.any and not p.writes


def test_undo_restores_bytes_and_is_itself_undoable_history(data_copy: Path) -> None:
    before = {n: (data_copy / n).read_bytes() for n in ("export_volumes.csv", "zones.csv")}
    store.apply(plan(data_copy, VOL_HEADER + NEW_MONTH))
    store.apply(plan(data_copy, VOL_HEADER + "2013-02,dehui-poultry,poultry_meat,JPN,1,1,1\n",
                     name="second.csv"))
    first, second = store.history(data_copy)[::-1]
    assert (first.file_name, second.file_name) == ("upload.csv", "second.csv")
    u = store.undo(data_copy, "boss")
    assert u.undoes == second.entry_id
    assert "2013-02" not in set(loaded(data_copy).volumes["period"])
    store.undo(data_copy, "boss")
    for name, data in before.items():
        assert (data_copy / name).read_bytes() == data
    assert not (data_copy / records.IMPORTS_FILE).exists()
    hist = store.history(data_copy)
    assert [h.action for h in hist] == ["undo", "undo", "import", "import"]
    assert all(h.undone for h in hist if h.action == "import")
    with pytest.raises(records.StoreError) as exc:
        store.undo(data_copy, "boss")
    assert exc.value.issues[0].code == "nothing_to_undo"


def test_undo_refuses_when_the_file_was_edited_afterwards(data_copy: Path) -> None:
    store.apply(plan(data_copy, VOL_HEADER + NEW_MONTH))
    path = data_copy / "export_volumes.csv"
    path.write_bytes(path.read_bytes() + b"")
    path.write_text(path.read_text(encoding="utf-8").replace("100,200000", "101,200000"),
                    encoding="utf-8")
    edited = path.read_bytes()
    with pytest.raises(records.StoreError) as exc:
        store.undo(data_copy, "boss")
    assert exc.value.issues[0].code == "undo_conflict"
    assert path.read_bytes() == edited


def test_stale_plan_is_refused(data_copy: Path) -> None:
    p1 = plan(data_copy, VOL_HEADER + NEW_MONTH)
    p2 = plan(data_copy, VOL_HEADER + "2013-02,dehui-poultry,poultry_meat,JPN,1,1,1\n")
    store.apply(p1)
    snap = snapshot(data_copy)
    with pytest.raises(records.StoreError) as exc:
        store.apply(p2)
    assert {i.code for i in exc.value.issues} == {"stale"}
    assert snapshot(data_copy) == snap


def test_hand_edited_import_id_is_checked(data_copy: Path) -> None:
    path = data_copy / "products.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",import_id"
    lines[1] += ",imp-20260101t000000z-deadbeef"
    path.write_text("\n".join(lines[:2] + [x + "," for x in lines[2:]]) + "\n",
                    encoding="utf-8")
    issues = planning.validate_files(data_copy, {})
    assert ("products.csv", 2, "import_id", "import_id_forbidden") in {
        (i.file, i.line, i.column, i.code) for i in issues}


def test_fingerprint_changes_when_a_file_is_replaced(data_copy: Path) -> None:
    fp = records.data_fingerprint(data_copy)
    store.apply(plan(data_copy, VOL_HEADER + NEW_MONTH))
    assert records.data_fingerprint(data_copy) != fp


def test_lock_tells_a_second_writer_to_retry(data_copy: Path) -> None:
    p = plan(data_copy, VOL_HEADER + NEW_MONTH)
    with safe_files.writer_lock(data_copy):
        with pytest.raises(records.Busy):
            store.apply(p)
        with pytest.raises(records.Busy):
            store.undo(data_copy, "x")
    store.apply(p)  # free again


def test_two_concurrent_imports_one_is_told_to_retry(data_copy: Path) -> None:
    """Two processes apply at once; the one that finds the lock held is refused cleanly."""
    (data_copy / "a.csv").write_text(VOL_HEADER + NEW_MONTH, encoding="utf-8")
    (data_copy / "b.csv").write_text(
        VOL_HEADER + "2013-02,dehui-poultry,poultry_meat,JPN,1,1,1\n", encoding="utf-8")
    env = {**os.environ, "ZONES_STORE_SLOW": "1"}
    gate = data_copy / "gate"

    def run(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _SLOW_IMPORT, str(data_copy), name, str(gate)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    results: dict[str, subprocess.CompletedProcess[str]] = {}
    threads = [threading.Thread(target=lambda n=n: results.__setitem__(n, run(n)))
               for n in ("a.csv", "b.csv")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    outs = sorted(r.stdout.strip() for r in results.values())
    assert outs == ["applied", "busy"], [(r.stdout, r.stderr[-800:]) for r in results.values()]
    assert len(store.history(data_copy)) == 1
    loaded(data_copy)


# Plans the import, waits until both processes have planned, then applies while holding the
# lock a little longer (a slow disk), so the two applies overlap.
_SLOW_IMPORT = r"""
import sys, time
from pathlib import Path
from zones.intake import planning, records, store
from zones.intake.pipeline import parse_upload
from zones.dataset.loading import CsvSource, load
root, name, gate = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
ds = load(CsvSource(root)).dataset
p = planning.plan_import(parse_upload((root / name).read_bytes(), name, "export_volumes", ds),
                      "upsert", root, name)
(gate.parent / (gate.name + name)).touch()
while len(list(gate.parent.glob(gate.name + "*"))) < 2:
    time.sleep(0.05)
orig = store.replace_files
def slow(folder, writes, **kw):
    time.sleep(1.5)
    orig(folder, writes, **kw)
store.replace_files = slow
try:
    store.apply(p)
    print("applied")
except records.Busy:
    print("busy")
"""


@pytest.mark.parametrize("point", ["before_replace", "between_replaces"])
def test_killed_between_temp_write_and_rename_leaves_old_data(data_copy: Path,
                                                              point: str) -> None:
    """A process dies mid-apply (os._exit via the test hook): the old data stays loadable."""
    before = {n: (data_copy / n).read_bytes() for n in ("export_volumes.csv",)}
    (data_copy / "a.csv").write_text(VOL_HEADER + NEW_MONTH, encoding="utf-8")
    code = (
        "import sys\nfrom pathlib import Path\nfrom zones.intake import planning, store\n"
        "from zones.intake.pipeline import parse_upload\n"
        "from zones.dataset.loading import CsvSource, load\n"
        "root = Path(sys.argv[1]); ds = load(CsvSource(root)).dataset\n"
        "p = planning.plan_import(parse_upload((root / 'a.csv').read_bytes(), 'a.csv',"
        " 'export_volumes', ds), 'upsert', root, 'x')\n"
        "store.apply(p)\nprint('not reached')\n")
    proc = subprocess.run([sys.executable, "-c", code, str(data_copy)], cwd=ROOT,
                          env={**os.environ, store.CRASH_ENV: point}, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 70, proc.stderr[-2000:]
    assert "not reached" not in proc.stdout
    # Temporaries may be left behind by a killed process; the loader ignores them.
    # Old table in place and loadable; between the swaps imports.csv already has the new
    # line, which nothing refers to yet. The journal says the change is not committed.
    assert (data_copy / "export_volumes.csv").read_bytes() == before["export_volumes.csv"]
    loaded(data_copy)
    assert (data_copy / records.IMPORTS_FILE).exists() == (point == "between_replaces")
    assert store.needs_recovery(data_copy)
    store.recover_if_idle(data_copy)
    assert not store.needs_recovery(data_copy)
    assert not (data_copy / records.IMPORTS_FILE).exists()
    assert store.history(data_copy) == []
    ds = loaded(data_copy)
    assert "2013-01" not in set(ds.volumes["period"])


def test_every_store_code_has_a_message() -> None:
    import ast

    codes = {"busy"}
    for name in ("intake/store.py", "intake/templates.py", "cli/imports.py", "ui/importer.py"):
        tree = ast.parse((ROOT / "zones" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Issue"
                    and len(node.args) >= 4 and isinstance(node.args[3], ast.Constant)):
                codes.add(node.args[3].value)
    assert {"stale", "undo_conflict", "too_many_rows"} <= codes
    for code in codes:
        assert f"err.{code}" in STRINGS, code


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_imported_volumes_are_labelled_imported_everywhere(data_copy: Path, lang: str) -> None:
    from zones import datafiles, metrics
    from zones.charts import maps
    from zones.charts import plots as charts
    from zones.dataset.filters import FilterState, apply_filters
    from zones.i18n import t

    store.apply(plan(data_copy, VOL_HEADER + NEW_MONTH, mode="replace"))
    ds = loaded(data_copy)
    view = apply_filters(ds, FilterState())
    imported = t("source.imported", lang)
    labeled = metrics.label_volumes(ds, view.volumes, lang)
    assert set(labeled["source_label"]) == {imported}
    series = metrics.timeseries(labeled, "product", "tonnes", yearly=True)
    spec = charts.timeseries_chart(series, "product", "tonnes", True, lang,
                                   charts.color_scale("product", labeled,
                                                      metrics.product_palette(ds))).to_dict()
    assert spec["title"]["subtitle"] == imported
    arcs, dests, _ = metrics.routes(ds, view.zones, view.volumes, view.first_exports, lang)
    assert set(arcs["source_label"]) == set(dests["source_label"]) == {imported}
    world = maps.world_map(ds.geo, arcs, dests, _, lang).to_dict()
    assert any(imported in str(layer.get("encoding", {}).get("strokeWidth", {}).get("title"))
               for layer in world["layer"])
    zt = metrics.zone_totals(ds, view.zones, view.volumes, lang)
    assert set(zt["tonnes_source"]) == {imported}
    heading = metrics.volume_heading("overview.volume", view.volumes, lang)
    assert t("source.imported_tag", lang) in heading
    assert t("source.illustrative_tag", lang) not in heading
    inv = datafiles.file_inventory(ds, lang).set_index(t("data.file", lang))
    assert inv.loc["export_volumes.csv", t("data.imported_rows", lang)] == 1


def test_imported_zone_profile_says_when(data_copy: Path) -> None:
    from zones import metrics

    text = ("zone_id,name_zh,name_en,short_zh,short_en,county_adcode,lon,lat,products,level,"
            "launched,note_zh,note_en\n"
            "yanji-fungi,延吉木耳示范区,Yanji Fungi Zone,延吉木耳,Yanji fungi,222401,129.5,"
            "42.9,black_fungus,provincial,2012,,\n")
    p = plan(data_copy, text, table="zones")
    store.apply(p)
    ds = loaded(data_copy)
    prof = metrics.zone_profile(ds, "yanji-fungi", ds.volumes, "en")
    assert prof.imported and not prof.illustrative
    assert prof.source_label == "Imported"
    assert prof.citation.startswith("imported 20") and p.import_id in prof.citation


@pytest.mark.parametrize("values", [
    ["x,y", 'q"z', "line\nbreak", "", None, " sp ", "中文"], [None, None], ["", ""],
])
def test_frame_csv_bytes_is_the_csv_modules_dialect(values: list[str | None]) -> None:
    import csv
    import io

    df = pd.DataFrame({"a": values, "b": ["1"] * len(values)}, dtype="string")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["a", "b"])
    for row in df.itertuples(index=False):
        writer.writerow(["" if pd.isna(v) else str(v) for v in row])
    assert records.frame_csv_bytes(df) == buf.getvalue().encode("utf-8")


def _text(rows: list[list[str | None]]) -> pd.DataFrame:
    cols = ["period", "zone_id", "product_id", "destination_iso3", "tonnes", "value_usd",
            "consignments", "source"]
    return pd.DataFrame(rows, columns=cols).astype(TEXT)


@pytest.mark.parametrize(("current_key", "upload_key", "matches"), [
    ("JPN", "JPN", True),
    (" JPN ", "JPN", True),  # spaces around a stored cell do not make a new key
    ("JPN", " JPN", True),
    (None, "", True),  # missing and empty are the same key part
    ("JPN", "KOR", False),
    ("JP N", "JPN", False),
])
def test_merge_matches_keys_like_norm(current_key: str | None, upload_key: str,
                                      matches: bool) -> None:
    """The merge builds keys column-wise (Arrow); they must match the row-wise ``_norm``."""
    current = _text([["2008-01", "z", "p", current_key, "1", "2", "3", "illustrative"],
                     ["2008-02", "z", "p", "JPN", "1", "2", "3", "illustrative"]])
    upload = _text([["2008-01", "z", "p", upload_key, "9", "2", "3", None]]).drop(
        columns="source")
    prospective, origin, diff = planning._merge(current, upload, [2], "export_volumes",
                                             "upsert", "imp-1")
    assert (diff.changed, diff.added) == ((1, 0) if matches else (0, 1))
    assert len(prospective) == (2 if matches else 3)
    assert origin == ([2, None] if matches else [None, None, 2])


def test_merge_replaces_only_the_first_of_duplicate_keys_and_leaves_current_alone() -> None:
    current = _text([["2008-01", "z", "p", "JPN", "1", "2", "3", "illustrative"],
                     ["2008-01", "z", "p", "JPN", "5", "2", "3", "illustrative"]])
    before = current.copy()
    upload = _text([["2008-01", "z", "p", "JPN", "9", "2", "3", None]]).drop(columns="source")
    prospective, origin, diff = planning._merge(current, upload, [2], "export_volumes",
                                             "upsert", "imp-1")
    assert list(prospective["tonnes"]) == ["9", "5"]
    assert origin == [2, None]
    assert diff.sums_before["tonnes"] == 6 and diff.sums_after["tonnes"] == 14
    pd.testing.assert_frame_equal(current, before)  # the caller's frame is not changed
