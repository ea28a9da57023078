"""Draft run-sheets kept on the server (#24): a reload or a closed tab loses nothing.

Until the app knows who is who, a draft belongs to whoever has its link: a random id in
the address (``draft=<id>``) names it in the scratch store (``zones.runsheets.scratch``).
The app's Content-Security-Policy allows no script of ours, so neither a cookie (Streamlit
only reads them) nor ``localStorage`` nor a ``beforeunload`` prompt is available; the
address is the one thing a browser keeps across a reload and brings back with a closed
tab (history, "reopen closed tab"). Pure: ids and the stored form, checked on the way in.
"""

from __future__ import annotations

import json
import re
import secrets

from zones.runsheets.follow import ALPHABET
from zones.runsheets.sheet import MAX_NOTES, MAX_STEPS, MAX_TITLE, MAX_VIEW, valid_id

KIND = "drafts"
ID_LEN = 12
ID_RE = re.compile(f"^[{ALPHABET}]{{{ID_LEN}}}$")
KEEP_FOR = 30 * 24 * 3600  # a draft not touched for a month is removed
STEP_FIELDS = {"title": MAX_TITLE, "view": MAX_VIEW, "notes": MAX_NOTES,
               "title_en": MAX_TITLE, "notes_en": MAX_NOTES}


def new_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(ID_LEN))


def valid(draft_id: str) -> bool:
    return bool(ID_RE.match(draft_id or ""))


def to_bytes(draft: dict) -> bytes:
    """The editor's draft (id, title, steps with their uids) as stored."""
    steps = [{k: str(s.get(k) or "") for k in STEP_FIELDS} for s in draft.get("steps", [])]
    return json.dumps({"id": draft.get("id", ""), "title": draft.get("title", ""),
                       "steps": steps}, ensure_ascii=False).encode("utf-8")


def from_bytes(data: bytes | None) -> dict | None:
    """A stored draft back as the editor's dict (fresh uids), or None if unreadable.

    Everything is cut to the run-sheet format's limits: a stored record is input too.
    """
    if data is None:
        return None
    try:
        raw = json.loads(data.decode("utf-8"))
        steps = []
        for i, s in enumerate(raw.get("steps", [])[:MAX_STEPS], start=1):
            step = {k: str(s.get(k) or "")[:limit] for k, limit in STEP_FIELDS.items()}
            steps.append({"uid": i, **step})
        rid = str(raw.get("id") or "runsheet")
        return {"id": rid if valid_id(rid) else "runsheet",
                "title": str(raw.get("title") or "")[:MAX_TITLE], "steps": steps,
                "seq": len(steps)}
    except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
        return None
