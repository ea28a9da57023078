"""The access file (``$ZONES_ACCESS_FILE``): roles, each editor's prefectures, who signs in.

```toml
default_role = "viewer"            # signed in but not listed; "none" = no access at all
require_login = false              # true: nothing is shown before sign-in
[users."wang.ke@jl.example"]
role = "editor"
prefectures = ["白山市"]            # optional scope, by name or code as links accept them
```

A file that cannot be read as written (TOML error, unknown role or key, unknown
prefecture) never opens anything wider: :func:`load` returns a policy that lets nobody edit,
requires sign-in whenever it cannot tell otherwise, and carries every problem located by
file and line in both languages.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from zones.i18n import t

ACCESS_ENV = "ZONES_ACCESS_FILE"


ROLES: tuple[str, ...] = ("none", "viewer", "editor", "admin")


# What each role may do. "undo_own": undo an import the same person applied.
RIGHTS: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "viewer": frozenset({"view"}),
    "editor": frozenset({"view", "import", "undo_own", "runsheet", "audit"}),
    "admin": frozenset({"view", "import", "undo_own", "undo_any", "runsheet", "audit"}),
}


_TOP_KEYS = {"default_role", "require_login", "users"}


_USER_KEYS = {"role", "prefectures"}


@dataclass(frozen=True)
class Problem:
    """One located problem of the access file; ``message(lang)`` for the screen."""

    file: str
    line: int | None
    code: str
    params: dict[str, str] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return t("access.located", lang, where=where,
                 problem=t(f"access.err.{self.code}", lang, **self.params))


@dataclass(frozen=True)
class Grant:
    """One person's role; ``prefectures`` (adcodes) limits an editor, None = everywhere."""

    role: str
    prefectures: frozenset[str] | None = None
    line: int | None = None


@dataclass(frozen=True)
class Policy:
    """The access file as read. ``configured`` False: no file (the shared password rules)."""

    file: str = ""
    default_role: str = "viewer"
    require_login: bool = False
    users: Mapping[str, Grant] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def configured(self) -> bool:
        return bool(self.file)

    @property
    def broken(self) -> bool:
        return bool(self.problems)

    def grant(self, person: str) -> Grant:
        """The person's grant; anyone not signed in is a viewer unless sign-in is required.

        A broken file gives nobody more than viewing (and only to people it may show to).
        """
        if not person:
            return Grant("none" if self.require_login else "viewer")
        found = self.users.get(person.strip().lower())
        grant = found if found is not None else Grant(self.default_role)
        if self.broken and grant.role in ("editor", "admin"):
            return Grant("viewer", line=grant.line)
        return grant


def file_from_env() -> str:
    return os.environ.get(ACCESS_ENV, "").strip()


def may(role: str, action: str) -> bool:
    return action in RIGHTS.get(role, frozenset())


def load(path: str | Path, prefectures: Mapping[str, str]) -> Policy:
    """Read the access file. ``prefectures``: every accepted spelling, lower-cased → adcode
    (ids, Chinese and English names, the bilingual labels links use)."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return _refusing(name, Problem(name, None, "unreadable", {"detail": str(detail)}))
    return parse(text, name, prefectures)


def _refusing(name: str, *problems: Problem, require_login: bool = True) -> Policy:
    return Policy(file=name, default_role="viewer", require_login=require_login,
                  problems=tuple(problems))


def parse(text: str, name: str, prefectures: Mapping[str, str]) -> Policy:
    """The policy of ``text`` (the file's content), or a refusing one with its problems."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        line = int(m.group(1)) if m else max(len(text.splitlines()), 1)  # "end of document"
        return _refusing(name, Problem(name, line, "toml",
                                       {"detail": re.split(r" \(at ", str(exc))[0]}))
    lines = _Lines(text)
    problems: list[Problem] = []
    for key in doc:
        if key not in _TOP_KEYS:
            problems.append(Problem(name, lines.key(None, key), "unknown_key", {"name": key}))
    default = doc.get("default_role", "viewer")
    if default not in ROLES:
        problems.append(Problem(name, lines.key(None, "default_role"), "unknown_role",
                                {"role": str(default), "roles": ", ".join(ROLES)}))
    require = doc.get("require_login", False)
    if not isinstance(require, bool):
        problems.append(Problem(name, lines.key(None, "require_login"), "not_bool",
                                {"name": "require_login"}))
    users, user_problems = _users(doc.get("users", {}), name, lines, prefectures)
    problems += user_problems
    if problems:
        return _refusing(name, *problems, require_login=require if require is False else True)
    return Policy(file=name, default_role=default, require_login=require, users=users)


def _users(raw: object, name: str, lines: _Lines, prefectures: Mapping[str, str]
           ) -> tuple[dict[str, Grant], list[Problem]]:
    if not isinstance(raw, dict):
        return {}, [Problem(name, lines.key(None, "users"), "not_table", {"name": "users"})]
    users: dict[str, Grant] = {}
    problems: list[Problem] = []
    for person, entry in raw.items():
        at = lines.table(person)
        if not isinstance(entry, dict):
            problems.append(Problem(name, at, "not_table", {"name": f"users.{person}"}))
            continue
        for key in entry:
            if key not in _USER_KEYS:
                problems.append(Problem(name, lines.key(person, key) or at, "unknown_key",
                                        {"name": key}))
        role = entry.get("role")
        if role not in ROLES:
            problems.append(Problem(name, lines.key(person, "role") or at, "unknown_role",
                                    {"role": str(role), "roles": ", ".join(ROLES)}))
            continue
        scope, scope_problems = _scope(entry, person, name, lines, prefectures, at)
        problems += scope_problems
        if person.strip().lower() in users:
            problems.append(Problem(name, at, "duplicate_user", {"person": person}))
        users[person.strip().lower()] = Grant(role, scope, at)
    return users, problems


def _scope(entry: dict, person: str, name: str, lines: _Lines, prefectures: Mapping[str, str],
           at: int | None) -> tuple[frozenset[str] | None, list[Problem]]:
    if "prefectures" not in entry:
        return None, []
    raw = entry["prefectures"]
    where = lines.key(person, "prefectures") or at
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
        return frozenset(), [Problem(name, where, "bad_scope", {"person": person})]
    codes, problems = set(), []
    for value in raw:
        code = prefectures.get(value.strip().lower())
        if code is None:
            problems.append(Problem(name, where, "unknown_prefecture", {"value": value}))
        else:
            codes.add(code)
    return frozenset(codes), problems


class _Lines:
    """Where a key or a ``[users."…"]`` table is written: tomllib gives no positions, so the
    text is scanned line by line (tables, dotted and inline forms)."""

    _HEADER = re.compile(r"^\s*\[\s*users\s*\.\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_.@-]+?)\s*\]")

    def __init__(self, text: str) -> None:
        self.rows = text.splitlines()

    def table(self, person: str) -> int | None:
        for i, row in enumerate(self.rows, 1):
            m = self._HEADER.match(row)
            if m and m.group(1).strip("\"'") == person:
                return i
        for i, row in enumerate(self.rows, 1):  # users."x" = { … } or an inline table
            if person in row:
                return i
        return None

    def key(self, person: str | None, key: str) -> int | None:
        start = 0
        if person is not None:
            at = self.table(person)
            if at is None:
                return None
            start = at - 1  # the table's own line: an inline table holds its keys
        pattern = re.compile(rf"(^|[{{,\s]){re.escape(key)}\s*=")
        for i in range(start, len(self.rows)):
            row = self.rows[i].split("#", 1)[0]
            if row.lstrip().startswith("[") and (person is None or i > start):
                return None  # the next table: the key is not written here
            if pattern.search(row):
                return i + 1
        return None
