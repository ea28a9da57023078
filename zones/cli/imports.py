"""``python -m zones import | history | undo``: the Data page's import, from a shell.

Same pipeline and same messages as the page (``zones.intake.templates.read_upload`` →
``zones.intake.store``). Exit codes: 0 applied (or, with ``--dry-run``, valid), 1 the file or
the data has problems or another writer is busy (nothing written), 2 usage errors.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from zones.audit.record import AuditEvent, audit_frame, utc_stamp
from zones.cli.common import add_data_dir, add_lang, add_url, backend_of, format_issue
from zones.dataset.validation import Issue
from zones.i18n import t
from zones.intake import limits, planning, records, store
from zones.intake.parsed import TABLES, Parsed, skipped_lines


def _problems(issues: list[Issue] | tuple[Issue, ...], lang: str) -> None:
    for issue in issues:
        print(format_issue(issue, lang))
    print(t("import.n_problems", lang, n=len(issues)), file=sys.stderr)


def describe_plan(plan: planning.Plan, lang: str) -> list[str]:
    """The mapping, the skipped lines and the diff summary, as the page shows them."""
    out = [t("import.mapping", lang)]
    for m in plan.parsed.columns:
        factor = "" if m.factor == 1 else f" ×{m.factor:g}"
        if m.note_key == "import.note.customs_unit":  # kg or t, row by row (#17)
            factor = f" ({t(m.note_key, lang)})"
        out.append(f"  {m.header} → {m.column}{factor}")
    for h in plan.parsed.unmatched:
        out.append(f"  {h} → {t('import.ignored', lang)}")
    for s in plan.parsed.skipped:
        out.append("  " + t("import.skipped_line", lang, line=skipped_lines(s),
                                      reason=t(s.reason, lang)))
    out += attribution_lines(plan.parsed, lang)
    d = plan.diff
    if d is not None:
        out.append(t("import.summary", lang, table=d.table, added=d.added, changed=d.changed,
                     removed=d.removed, unchanged=d.unchanged))
        for m in d.sums_before:
            out.append("  " + t("import.sum", lang, measure=t(f"col.{m}", lang),
                         before=records.fmt_sum(d.sums_before[m]),
                         after=records.fmt_sum(d.sums_after[m])))
    return out


def run_import(args: argparse.Namespace) -> int:
    lang, chosen = args.lang, backend_of(args)
    target = chosen.store()
    path = Path(args.file)
    if not path.is_file():
        print(t("import.no_file", lang, path=str(path)), file=sys.stderr)
        return 2
    if isinstance(target, store.FileStore) and not (target.root / "zones.csv").exists():
        print(t("import.no_data_dir", lang, path=str(target.root)), file=sys.stderr)
        return 2
    size = path.stat().st_size
    if size > limits.MAX_BYTES:
        _problems([Issue(path.name, None, None, "upload_too_large",
                         {"size": f"{size / 1e6:.1f} MB",
                          "limit": f"{limits.MAX_BYTES / 1e6:.0f} MB"})], lang)
        return 1
    current = chosen.load()
    if current.dataset is None:
        _problems(current.issues, lang)
        return 1
    from zones.intake.templates import read_upload

    parsed = read_upload(path.read_bytes(), path.name, args.table, current.dataset,
                         sheet=args.sheet, zone=args.zone)
    plan = target.plan_import(parsed, args.mode, args.user or getpass.getuser())
    for line in describe_plan(plan, lang):
        print(line)
    if not plan.ok:
        _problems(plan.issues, lang)
        return 1
    if plan.diff is not None and not plan.diff.any:
        print(t("import.no_changes", lang))
        return 0
    if args.dry_run:
        print(t("import.dry_run_ok", lang))
        return 0
    entry = _write(lambda: target.apply(plan, audit=_audit("import", args.user)), target, lang)
    if entry is None:
        return 1
    print(t("import.applied", lang, entry=entry.entry_id))
    return 0


def _audit(action: str, typed: str | None) -> store.AuditHook:
    """The command line's event, written by the store with the change (#25).

    The accountable person on a shell is the OS account that ran the command: whoever can
    run it can write the data folder (or holds the database's password) anyway, so the web
    app's access file is not applied here. ``--user`` (the name put in the import history)
    is kept beside it, "on behalf of", never in its place.
    """
    login = getpass.getuser()

    def event(entry: store.HistoryEntry) -> dict[str, object]:
        return AuditEvent(when=utc_stamp(), person=login, role="cli", via="cli",
                          action=action, table=entry.table, added=entry.added,
                          changed=entry.changed, removed=entry.removed,
                          file_name=entry.file_name, sha256=entry.sha256,
                          entry_id=entry.entry_id,
                          detail=f"--user {typed}" if typed and typed != login else ""
                          ).as_dict()

    return event


def run_history(args: argparse.Namespace) -> int:
    chosen = backend_of(args)
    frame = store.entries_frame(chosen.store().history(), args.lang)
    if frame.empty:
        print(t("hist.empty", args.lang))
    else:
        print(frame.to_string(index=False))
    log = chosen.audit()
    audit = audit_frame(log.events(), args.lang, args.person, args.table)
    print()
    print(f"{t('audit.title', args.lang)} ({log.label})")
    print(t("audit.empty", args.lang) if audit.empty else audit.to_string(index=False))
    return 0


def run_undo(args: argparse.Namespace) -> int:
    lang = args.lang
    chosen = backend_of(args)
    target = chosen.store()
    last = target.undo_target()
    if last is None:
        _problems([Issue(target.label, None, None, "nothing_to_undo")], lang)
        return 1
    entry = _write(lambda: target.undo_entry(last.entry_id, args.user or getpass.getuser(),
                                             audit=_audit("undo", args.user)), target, lang)
    if entry is None:
        return 1
    print(t("import.undone", lang, entry=entry.undoes, file=entry.file_name))
    return 0


def _write(change: Callable[[], store.HistoryEntry], target: store.Store, lang: str
           ) -> store.HistoryEntry | None:
    """Run an apply or undo; a busy lock, refused data or a disk error is reported
    the same way for both, and gives None (exit 1)."""
    try:
        return change()
    except records.Busy:
        print(t("err.busy", lang), file=sys.stderr)
    except records.StoreError as exc:
        _problems(exc.issues, lang)
    except OSError as exc:
        _problems([Issue(target.label, None, None, "write_failed",
                         {"detail": exc.strerror or str(exc)})], lang)
    return None


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    p = sub.add_parser("import", help=t("cli.help.import", lang))
    p.add_argument("file", help=t("cli.help.import_file", lang))
    p.add_argument("--table", required=True, choices=TABLES, help=t("cli.help.table", lang))
    p.add_argument("--mode", choices=records.MODES, default="upsert",
                   help=t("cli.help.mode", lang))
    p.add_argument("--sheet", default=None, help=t("cli.help.sheet", lang))
    p.add_argument("--zone", default=None, help=t("cli.help.zone", lang))
    p.add_argument("--dry-run", action="store_true", help=t("cli.help.dry_run", lang))
    p.add_argument("--user", default=None, help=t("cli.help.user", lang))
    _common(p, lang)
    p.set_defaults(func=run_import)

    p = sub.add_parser("history", help=t("cli.help.history", lang))
    p.add_argument("--person", default=None, help=t("cli.help.person", lang))
    p.add_argument("--table", default=None, help=t("cli.help.audit_table", lang))
    _common(p, lang)
    p.set_defaults(func=run_history)

    p = sub.add_parser("undo", help=t("cli.help.undo", lang))
    p.add_argument("--user", default=None, help=t("cli.help.user", lang))
    _common(p, lang)
    p.set_defaults(func=run_undo)


def _common(p: argparse.ArgumentParser, lang: str) -> None:
    add_data_dir(p, lang)
    add_url(p, lang)
    add_lang(p, lang)


def attribution_lines(parsed: Parsed, lang: str) -> list[str]:
    """The zones found from 注册地 + product (#17), for the officer to check before applying."""
    if not parsed.attributed:
        return []
    return [t("attr.title", lang)] + [
        "  " + t("attr.line", lang, place=a.place, product=a.name(lang)[0],
                 zone=a.name(lang)[1], rows=a.rows) for a in parsed.attributed]
