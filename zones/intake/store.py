"""Applying an officer's import to the data folder: plan, validate, diff, apply, history, undo.

One pipeline for the Data page and ``python -m zones import``:

1. ``plan_import`` merges the parsed upload into the current table (``upsert``: same key
   replaced, new keys added; ``replace``: the whole table), writes the prospective files
   into a scratch folder and validates them with the loader the app uses (``load``), so a
   plan is accepted exactly when the dashboard could show the result. Problems in rows
   that came from the upload are reported against the uploaded file's line and header.
2. ``apply`` writes under a lock (one writer; a second is told to retry), refuses if the
   data changed since the plan was made, keeps the previous version of every file under
   ``history/<entry>/`` and swaps the new files in atomically (temporary file in the same
   folder, fsync, ``os.replace``). A journal (``manifest.json`` with ``pending``) lets the
   next writer roll back a change interrupted between two swaps; the line in
   ``history/log.csv`` is the commit point.
3. ``undo`` restores the files of the last change that is not yet undone, atomically and
   recorded in the log like any other change.

Provenance: rows that the import adds or changes get ``source = imported`` and an
``import_id`` pointing at a line of ``imports.csv`` (file name, SHA-256, who, when). A row
that arrives unchanged keeps its old source: an illustrative row does not become
"imported" by a round trip through the template.

The folder's own CSVs are stored as the officer typed them (the app's store, read by the
loader); every file handed back to a user (downloads, templates) is neutralised by
``zones.safe``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import pandas as pd

from zones.dataset.validation import Issue
from zones.intake.parsed import Parsed
from zones.intake.planning import Plan, plan_import, validate_files
from zones.intake.records import (
    IMPORTS_FILE,
    Busy,
    StoreError,
    canon,
    current_sha,
    data_fingerprint,
    frame_csv_bytes,
    norm,
    read_table,
    read_text_table,
    sha256,
    utc_now,
)
from zones.safe_files import fsync_dir, replace_files, write_atomic, writer_lock

HISTORY_DIR = "history"


LOG_FILE = "log.csv"


LOG_COLUMNS: tuple[str, ...] = (
    "entry_id", "when", "user", "action", "table", "mode", "file_name", "sha256",
    "added", "changed", "removed", "undoes")


MANIFEST = "manifest.json"


PENDING = "pending"  # history/pending: the id of a change being swapped in (one stat to check)


AUDIT_FILE = "audit.jsonl"  # the audit trail (zones.audit.files reads it)


# What a write records with itself in the audit trail (#25): the event for the entry, as a
# JSON-able mapping. Called inside the lock (files) or the transaction (the database).
AuditHook = Callable[["HistoryEntry"], Mapping[str, object]]


# Test hook: a process that should die at this point of ``_swap`` (see tests/test_store.py).
CRASH_ENV = "ZONES_STORE_CRASH_AT"


def _crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os._exit(70)


@dataclass(frozen=True)
class HistoryEntry:
    entry_id: str
    when: str
    user: str
    action: str  # import | undo
    table: str
    mode: str
    file_name: str
    sha256: str
    added: int
    changed: int
    removed: int
    undoes: str = ""
    undone: bool = False


def _history(root: Path) -> Path:
    return root / HISTORY_DIR


def _read_log(root: Path) -> pd.DataFrame:
    df = read_text_table(_history(root), LOG_FILE)
    if df is None:
        return pd.DataFrame(columns=list(LOG_COLUMNS), dtype="string")
    return df.reindex(columns=list(LOG_COLUMNS)).astype("string")


def history(root: Path) -> list[HistoryEntry]:
    """Every change, newest first, each marked when a later undo reverted it."""
    return entries_of(_read_log(root))


def entries_of(log: pd.DataFrame) -> list[HistoryEntry]:
    """Log lines (LOG_COLUMNS, oldest first) as entries, newest first, undone marked."""
    undone = set(log.loc[log["action"] == "undo", "undoes"].dropna())
    out = []
    for r in log.to_dict("records"):
        out.append(HistoryEntry(
            entry_id=norm(r["entry_id"]), when=norm(r["when"]), user=norm(r["user"]),
            action=norm(r["action"]), table=norm(r["table"]), mode=norm(r["mode"]),
            file_name=norm(r["file_name"]), sha256=norm(r["sha256"]),
            added=int(canon(r["added"], "int") or 0), changed=int(canon(r["changed"], "int")
                                                                   or 0),
            removed=int(canon(r["removed"], "int") or 0), undoes=norm(r["undoes"]),
            undone=norm(r["entry_id"]) in undone))
    return out[::-1]


def append_audit_line(root: Path, event: Mapping[str, object]) -> None:
    """One JSON line at the end of ``history/audit.jsonl``, fsynced (and its folder, when the
    file is new). The caller holds the writer lock; nothing here rewrites the file."""
    line = (json.dumps(dict(event), ensure_ascii=False) + "\n").encode("utf-8")
    path = _history(root) / AUDIT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


def _record(root: Path, entry_id: str, writes: Mapping[str, bytes | None],
            log_row: dict[str, object], audit: AuditHook | None = None) -> None:
    """Keep the old files, journal the change, swap, record the audit event, then commit
    it with the log line.

    The audit line goes in before the commit point: if it cannot be written, the swap is
    rolled back (nothing changed, nothing recorded); if the process dies after it, recovery
    rolls the change back and the reader ignores an event whose entry never committed. So
    a change and its event land together or not at all.
    """
    hist = _history(root) / entry_id
    hist.mkdir(parents=True, exist_ok=False)
    manifest: dict[str, object] = {"entry_id": entry_id, "pending": True, "files": {}}
    files: dict[str, dict[str, str | None]] = {}
    try:
        for name, data in writes.items():
            old = root / name
            before = old.read_bytes() if old.exists() else None
            if before is not None:
                write_atomic(hist / name, before)
            files[name] = {"before": None if before is None else sha256(before),
                           "after": None if data is None else sha256(data)}
        manifest["files"] = files
        write_atomic(hist / MANIFEST, json.dumps(manifest, indent=1).encode())
    except OSError:
        shutil.rmtree(hist, ignore_errors=True)  # nothing was swapped: leave no trace
        raise
    write_atomic(_history(root) / PENDING, entry_id.encode())
    replace_files(root, writes, on_step=_crash_point)
    if audit is not None:
        try:
            append_audit_line(root, audit(HistoryEntry(**log_row)))  # type: ignore[arg-type]
        except BaseException:
            recover(root)  # no log line yet: the swap is undone
            shutil.rmtree(hist, ignore_errors=True)  # the same plan may be applied again
            raise
        _crash_point("after_audit")
    log = _read_log(root)
    row = pd.DataFrame([{k: ("" if v is None else str(v)) for k, v in log_row.items()}],
                       dtype="string")
    write_atomic(_history(root) / LOG_FILE,
                 frame_csv_bytes(pd.concat([log, row], ignore_index=True)))
    manifest["pending"] = False
    write_atomic(hist / MANIFEST, json.dumps(manifest, indent=1).encode())
    (_history(root) / PENDING).unlink(missing_ok=True)


def recover(root: Path) -> list[str]:
    """Roll back a change that died between its swaps (no log line = not committed).

    Called by every writer under the lock; returns the entries rolled back.
    """
    hist_root = _history(root)
    if not needs_recovery(root):
        return []
    logged = set(_read_log(root)["entry_id"].dropna())
    rolled = []
    for manifest_path in sorted(hist_root.glob(f"*/{MANIFEST}")):
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not manifest.get("pending"):
            continue
        entry = manifest_path.parent
        if manifest.get("entry_id") not in logged:
            restore: dict[str, bytes | None] = {}
            for name, info in manifest.get("files", {}).items():
                restore[name] = None if info.get("before") is None else (entry / name
                                                                         ).read_bytes()
            replace_files(root, restore)
            manifest["rolled_back"] = True
            rolled.append(entry.name)
        manifest["pending"] = False
        write_atomic(manifest_path, json.dumps(manifest, indent=1).encode())
    (hist_root / PENDING).unlink(missing_ok=True)
    return rolled


def recover_if_idle(root: Path) -> None:
    """For readers (the app): roll back an interrupted change unless a writer is at work."""
    if not needs_recovery(root):
        return
    try:
        with writer_lock(root):
            recover(root)
    except (Busy, OSError):
        pass


def needs_recovery(root: Path) -> bool:
    """One ``stat``: cheap enough for every rerun of every app process."""
    return (_history(root) / PENDING).exists()


def apply(plan: Plan, audit: AuditHook | None = None) -> HistoryEntry:
    """Write an accepted plan (and its audit event, #25). Raises ``Busy`` (retry) or
    ``StoreError`` (nothing written)."""
    if not plan.ok:
        raise StoreError(list(plan.issues))
    root = plan.root
    diff = plan.diff
    assert diff is not None
    with writer_lock(root):
        recover(root)
        stale = [n for n, h in plan.base.items() if current_sha(root, n) != h]
        if stale:
            raise StoreError([Issue(n, None, None, "stale") for n in stale])
        log_row = {"entry_id": plan.import_id, "when": plan.when, "user": plan.user,
                   "action": "import", "table": plan.parsed.table, "mode": plan.mode,
                   "file_name": plan.parsed.file_name, "sha256": plan.parsed.sha256,
                   "added": diff.added, "changed": diff.changed, "removed": diff.removed,
                   "undoes": ""}
        if plan.writes:
            # imports.csv first: a log line nobody refers to yet is harmless on its own.
            order = sorted(plan.writes, key=lambda n: n != IMPORTS_FILE)
            _record(root, plan.import_id, {n: plan.writes[n] for n in order}, log_row, audit)
        elif audit is not None:  # nothing to write: the event alone, still under the lock
            append_audit_line(root, audit(HistoryEntry(**log_row)))  # type: ignore[arg-type]
    return HistoryEntry(**log_row)  # type: ignore[arg-type]


def undo_target(root: Path) -> HistoryEntry | None:
    """The last import that no undo has reverted yet."""
    for entry in history(root):
        if entry.action == "import" and not entry.undone:
            return entry
    return None


def check_undo_target(target: HistoryEntry | None, expect: str | None,
                      where: str) -> HistoryEntry:
    """The last import not yet undone, which must be ``expect`` when one is named: a page
    that offered to undo import A never undoes an import B that landed since (#25)."""
    if target is None:
        raise StoreError([Issue(where, None, None, "nothing_to_undo")])
    if expect is not None and target.entry_id != expect:
        raise StoreError([Issue(where, None, None, "undo_moved", {
            "entry": expect, "last": target.entry_id, "user": target.user})])
    return target


def undo(root: Path, user: str, now: datetime | None = None, *, expect: str | None = None,
         audit: AuditHook | None = None) -> HistoryEntry:
    """Restore the files as they were before the last change not yet undone (which must be
    ``expect``, when given), recording ``audit``'s event with it."""
    with writer_lock(root):
        recover(root)
        target = check_undo_target(undo_target(root), expect, f"{HISTORY_DIR}/{LOG_FILE}")
        hist = _history(root) / target.entry_id
        manifest = json.loads((hist / MANIFEST).read_text(encoding="utf-8"))
        restore: dict[str, bytes | None] = {}
        for name, info in manifest["files"].items():
            if current_sha(root, name) != info.get("after"):
                raise StoreError([Issue(name, None, None, "undo_conflict")])
            restore[name] = None if info.get("before") is None else (hist / name).read_bytes()
        issues = validate_files(root, restore)
        if issues:
            raise StoreError(issues)
        when = now or utc_now()
        entry_id = f"undo-{when:%Y%m%d}t{when:%H%M%S}z-{target.entry_id[-8:]}"
        n = 1
        while (_history(root) / entry_id).exists():
            n += 1
            entry_id = f"{entry_id.rsplit('~', 1)[0]}~{n}"
        log_row = {"entry_id": entry_id, "when": when.isoformat().replace("+00:00", "Z"),
                   "user": user, "action": "undo", "table": target.table,
                   "mode": target.mode, "file_name": target.file_name,
                   "sha256": target.sha256, "added": target.removed,
                   "changed": target.changed, "removed": target.added,
                   "undoes": target.entry_id}
        # The table first, then imports.csv: never a row whose import is not logged.
        order = sorted(restore, key=lambda n: n == IMPORTS_FILE)
        _record(root, entry_id, {n: restore[n] for n in order}, log_row, audit)
    return HistoryEntry(**log_row)  # type: ignore[arg-type]


def entries_frame(entries: list[HistoryEntry], lang: str) -> pd.DataFrame:
    """History entries (of a folder or of the database) as a table in ``lang``."""
    from zones.i18n import t

    rows = [{
        t("hist.when", lang): e.when, t("hist.user", lang): e.user,
        t("hist.action", lang): t(f"hist.action.{e.action}", lang)
        + (" " + t("hist.undone", lang) if e.undone else ""),
        t("hist.table", lang): e.table, t("hist.mode", lang): e.mode,
        t("hist.file", lang): e.file_name, t("hist.sha", lang): e.sha256[:12],
        t("hist.added", lang): e.added, t("hist.changed", lang): e.changed,
        t("hist.removed", lang): e.removed,
    } for e in entries]
    cols = [t(k, lang) for k in ("hist.when", "hist.user", "hist.action", "hist.table",
                                 "hist.mode", "hist.file", "hist.sha", "hist.added",
                                 "hist.changed", "hist.removed")]
    return pd.DataFrame(rows, columns=cols)


class Store(Protocol):
    """Where imports go: the data folder (files) or the database (``zones.sql.store``)."""

    label: str  # the folder, or the database URL without password (for messages)

    def version(self) -> Hashable: ...
    def read_table(self, table: str) -> pd.DataFrame: ...
    def plan_import(self, parsed: Parsed, mode: str, user: str,
                    now: datetime | None = None) -> Plan: ...
    def apply(self, plan: Plan, audit: AuditHook | None = None) -> HistoryEntry: ...
    def undo_target(self) -> HistoryEntry | None: ...
    def undo(self, user: str, now: datetime | None = None) -> HistoryEntry: ...
    def undo_entry(self, entry_id: str, user: str, now: datetime | None = None,
                   audit: AuditHook | None = None) -> HistoryEntry:
        """Undo exactly ``entry_id`` if it is still the last import not undone (checked
        under the store's lock or in its transaction), else ``StoreError`` (undo_moved);
        ``audit``'s event is written with the change or not at all."""
        ...
    def history(self) -> list[HistoryEntry]: ...


@dataclass(frozen=True)
class FileStore:
    """The data folder: the functions above, bound to ``root``."""

    root: Path

    @property
    def label(self) -> str:
        return str(self.root)

    def version(self) -> Hashable:
        return data_fingerprint(self.root)

    def read_table(self, table: str) -> pd.DataFrame:
        return read_table(self.root, table)

    def plan_import(self, parsed: Parsed, mode: str, user: str,
                    now: datetime | None = None) -> Plan:
        return plan_import(parsed, mode, self.root, user, now)

    def apply(self, plan: Plan, audit: AuditHook | None = None) -> HistoryEntry:
        return apply(plan, audit)

    def undo_target(self) -> HistoryEntry | None:
        return undo_target(self.root)

    def undo(self, user: str, now: datetime | None = None) -> HistoryEntry:
        return undo(self.root, user, now)

    def undo_entry(self, entry_id: str, user: str, now: datetime | None = None,
                   audit: AuditHook | None = None) -> HistoryEntry:
        return undo(self.root, user, now, expect=entry_id, audit=audit)

    def history(self) -> list[HistoryEntry]:
        return history(self.root)
