"""Presentation sessions (#24): a console and its projector windows share one step.

A presenter opens the console (``?runsheet=<id>&console=1``); it makes a short random
code and a session ``code → (run-sheet, step, updated-at)`` in the scratch store
(``zones.runsheets.scratch``: the data folder or PostgreSQL, so replicas share it). A
window opened with ``follow=<code>`` polls the session and shows its step; a key pressed
in either window moves the session, and so both. Everything here is pure: codes, the
session value, its (de)serialisation and the step a key leads to; the UI polls and draws.

Codes are 8 characters from an alphabet without look-alikes (no 0/o, 1/l/i): typed from
a projector's screen they are read right, and 30^8 ≈ 6.6·10^11 codes are not guessed by
a neighbour in the room. A session not moved for ``STALE_AFTER`` seconds is stale: a
following window says so instead of quietly showing an old step.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, replace

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0 o 1 l i
CODE_LEN = 8
CODE_RE = re.compile(f"^[{ALPHABET}]{{{CODE_LEN}}}$")
KIND = "presenting"  # the scratch store's folder / kind for sessions
STALE_AFTER = 12 * 3600  # a briefing day; an older session is not followed any more
KEEP_FOR = 3 * 24 * 3600  # sessions older than this are removed when a new one starts

# What a presenter's key does: the step it leads to, from step n of total.
KEY_MOVES = {
    "next": lambda n, total: min(n + 1, total),
    "prev": lambda n, total: max(n - 1, 1),
    "first": lambda n, total: 1,
    "last": lambda n, total: total,
}


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LEN))


def valid_code(code: str) -> bool:
    return bool(CODE_RE.match(code or ""))


@dataclass(frozen=True)
class Session:
    """Where a presentation is: the run-sheet, its step (1-based) and when it last moved."""

    code: str
    runsheet: str
    step: int
    updated: float

    def moved(self, step: int, total: int, now: float) -> Session:
        """The session at ``step`` (kept within 1..total), stamped ``now``."""
        return replace(self, step=max(1, min(int(step), max(total, 1))), updated=now)

    def pressed(self, key: str, total: int, now: float) -> Session:
        """The session after a presenter's key (``next``, ``prev``, ``first``, ``last``)."""
        return self.moved(KEY_MOVES[key](self.step, total), total, now)

    def stale(self, now: float) -> bool:
        return now - self.updated > STALE_AFTER

    def to_bytes(self) -> bytes:
        return json.dumps({"runsheet": self.runsheet, "step": self.step,
                           "updated": self.updated}).encode()


def start(code: str, runsheet: str, step: int, now: float) -> Session:
    if not valid_code(code):
        raise ValueError(f"not a session code: {code!r}")
    return Session(code, runsheet, max(1, int(step)), now)


def from_bytes(code: str, data: bytes | None) -> Session | None:
    """A stored session, or None for nothing stored or anything unreadable."""
    if data is None or not valid_code(code):
        return None
    try:
        raw = json.loads(data.decode("utf-8"))
        return Session(code, str(raw["runsheet"]), max(1, int(raw["step"])),
                       float(raw["updated"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def status(session: Session | None, runsheet: str, now: float) -> str:
    """What a following window can do with its code: ``ok``, or the reason it cannot
    (``unknown``: no such session; ``other``: it presents another run-sheet; ``stale``)."""
    if session is None:
        return "unknown"
    if session.runsheet != runsheet:
        return "other"
    if session.stale(now):
        return "stale"
    return "ok"
