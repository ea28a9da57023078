"""Files written whole or not at all, by one writer per folder: the folder stores' base.

Every store that keeps files in the data folder (imports and their history in
``zones.intake.store``, run-sheets in ``zones.runsheets.store``) writes through here, so a
save never leaves half a file and never races another writer. Foundation: no data, no
Streamlit.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".zones-writer.lock"


class Busy(Exception):
    """Another import, undo or save holds the writer lock; try again in a moment."""


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """One writer per data folder (``flock``, non-blocking): a second one gets ``Busy``."""
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Busy(str(root)) from exc
        yield
    finally:
        os.close(fd)  # releases the lock


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_files(folder: Path, writes: Mapping[str, bytes | None],
                  on_step: Callable[[str], None] | None = None) -> None:
    """Write every temporary file first (same folder, fsync), then rename them over the old
    ones in order; ``None`` removes a file. On a failure before the renames, every old file
    is left in place and the temporaries are removed. ``on_step`` is told
    ``"before_replace"`` and ``"between_replaces"`` (the crash tests' hook)."""
    temps: dict[str, str] = {}
    try:
        for name, data in writes.items():
            if data is None:
                continue
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                       dir=target.parent)
            temps[name] = tmp
            # mkstemp makes 0600 files; keep the old file's mode (or the usual 0644).
            mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        if on_step is not None:
            on_step("before_replace")
        for i, name in enumerate(writes):
            if writes[name] is None:
                (folder / name).unlink(missing_ok=True)
            else:
                os.replace(temps.pop(name), folder / name)
            if on_step is not None and i == 0:
                on_step("between_replaces")
        fsync_dir(folder)
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """One file replaced whole or not at all."""
    replace_files(path.parent, {path.name: data})
