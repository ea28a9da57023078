"""Run-sheets (汇报流程): an ordered list of saved views with titles and speaker notes (#16).

A run-sheet is a plain UTF-8 TOML file that an officer can write by hand, mail and check::

    title = "向省领导汇报"
    [[steps]]
    title = "人参出口走势"
    view = "/volumes?product=ginseng"   # a link as the address bar shows it
    notes = "要点：……"                   # optional
    title_en = "Ginseng exports"         # optional: the English player, console and deck
    notes_en = "Points: ..."             # optional

This module is pure (no Streamlit): the app, ``python -m zones brief --runsheet`` and
``python -m zones validate`` all read and check a run-sheet here, so a file accepted by
one is accepted by all, with the same messages. Reading never raises: every problem
(bad encoding, bad TOML, a missing title, an unknown page, id or value in a step's view)
is a located, bilingual ``Problem`` (``file:step N: message``), and the steps without
problems still work. Writing produces the same fixed format a person would write.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from zones.i18n import LANGS, t
from zones.links import KEY_RUNSHEET, KEY_RUNSHEET_STEP, parse_link
from zones.model import Dataset
from zones.view import SESSION_KEYS

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
SUFFIX = ".toml"
MAX_BYTES = 256 * 1024  # a run-sheet is text typed by a person; anything larger is a mistake
MAX_STEPS = 200
MAX_TITLE = 200
MAX_NOTES = 10_000
MAX_VIEW = 2_000
STEP_KEYS = ("title", "view", "notes", "title_en", "notes_en")
TOP_KEYS = ("title", "steps")


@dataclass(frozen=True)
class Step:
    title: str
    view: str
    notes: str = ""
    title_en: str = ""  # optional English title and notes (#24); Chinese when left out
    notes_en: str = ""

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title

    def notes_in(self, lang: str) -> str:
        return self.notes_en if lang == "en" and self.notes_en else self.notes


@dataclass(frozen=True)
class RunSheet:
    id: str
    title: str
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a run-sheet; ``step`` is 1-based, None for the whole file."""

    file: str
    step: int | None
    message: dict[str, str]

    def text(self, lang: str) -> str:
        """``file:step N: message`` (the form editors, CI logs and the CLI print); one line."""
        where = self.file if self.step is None else f"{self.file}:step {self.step}"
        return f"{where}: {' '.join(self.message.get(lang, self.message['en']).split())}"


@dataclass(frozen=True)
class CheckedStep:
    """A step with its view resolved against the data: ``page``/``params`` are canonical."""

    number: int
    step: Step
    page: str | None
    params: dict[str, str | list[str]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.page is not None and not self.problems


@dataclass(frozen=True)
class Checked:
    """What reading and checking a run-sheet gave: the sheet (None if unreadable), its
    steps as checked, and every problem in file order."""

    file: str
    sheet: RunSheet | None
    steps: tuple[CheckedStep, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.sheet is not None and not self.problems


def _msg(key: str, **params: object) -> dict[str, str]:
    """Both languages of catalogue entry ``key`` (the app picks one, the CLI its --lang)."""
    return {lang: t(key, lang, **params) for lang in LANGS}


def _quote(value: object, limit: int = 120) -> str:
    """A value from the file, quoted as written but shortened and on one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def valid_id(rid: str) -> bool:
    return bool(ID_RE.match(rid))


def id_problem(file: str, rid: str) -> Problem:
    return Problem(file, None, _msg("rs.err.id", value=_quote(rid)))


def slug(text: str) -> str:
    """A valid id from a title typed by a person ("Visit 2026" → "visit-2026")."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")
    return s or "runsheet"


# ---------------------------------------------------------------- reading


def parse(data: bytes, file: str, rid: str) -> tuple[RunSheet | None, list[Problem]]:
    """The structure of a run-sheet file, without the data: (sheet or None, problems).

    Structural problems of one step (a missing title, a view that is not a link) are
    reported for that step, and the step is kept out; the other steps are returned.
    """
    problems: list[Problem] = []
    if not valid_id(rid):
        problems.append(id_problem(file, rid))
    if len(data) > MAX_BYTES:
        return None, [*problems, Problem(file, None, _msg(
            "rs.err.too_large", size=f"{len(data):,}", limit=f"{MAX_BYTES:,}"))]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [*problems, Problem(file, None, _msg(
            "rs.err.utf8", line=line, byte=exc.start + 1))]
    text = text.removeprefix("\ufeff")  # Notepad's BOM
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [*problems, Problem(file, None, _msg("rs.err.toml", detail=str(exc)))]
    title = doc.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(file, None, _msg("rs.err.title_missing")))
        title = ""
    elif len(title) > MAX_TITLE:
        problems.append(Problem(file, None, _msg("rs.err.too_long", name="title",
                                                 n=len(title), limit=MAX_TITLE)))
    for key in doc:
        if key not in TOP_KEYS:
            problems.append(Problem(file, None, _msg("rs.err.unknown_top", value=_quote(key))))
    raw_steps = doc.get("steps", [])
    if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        problems.append(Problem(file, None, _msg("rs.err.steps_shape")))
        raw_steps = []
    if not raw_steps:
        problems.append(Problem(file, None, _msg("rs.err.no_steps")))
    if len(raw_steps) > MAX_STEPS:
        problems.append(Problem(file, None, _msg("rs.err.too_many", n=len(raw_steps),
                                                 limit=MAX_STEPS)))
        raw_steps = raw_steps[:MAX_STEPS]
    steps: list[Step] = []
    for n, raw in enumerate(raw_steps, start=1):
        step, step_problems = _parse_step(raw, file, n)
        problems += step_problems
        steps.append(step)
    return RunSheet(rid, title.strip(), tuple(steps)), problems


def _parse_step(raw: dict, file: str, n: int) -> tuple[Step, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, str] = {}
    for key in raw:
        if key not in STEP_KEYS:
            problems.append(Problem(file, n, _msg("rs.err.unknown_step_key", value=_quote(key))))
    for key, required, limit in (("title", True, MAX_TITLE), ("view", True, MAX_VIEW),
                                 ("notes", False, MAX_NOTES), ("title_en", False, MAX_TITLE),
                                 ("notes_en", False, MAX_NOTES)):
        value = raw.get(key)
        if value is None:
            if required:
                problems.append(Problem(file, n, _msg("rs.err.missing", name=key)))
            values[key] = ""
            continue
        if not isinstance(value, str):
            problems.append(Problem(file, n, _msg("rs.err.not_text", name=key,
                                                  value=_quote(value))))
            values[key] = ""
            continue
        if required and not value.strip():
            problems.append(Problem(file, n, _msg("rs.err.empty", name=key)))
        if len(value) > limit:
            problems.append(Problem(file, n, _msg("rs.err.too_long", name=key, n=len(value),
                                                  limit=limit)))
        values[key] = value.strip("\n") if key.startswith("notes") else value.strip()
    return Step(values["title"], values["view"], values["notes"], values["title_en"],
                values["notes_en"]), problems


def check_steps(ds: Dataset, sheet: RunSheet, file: str,
                structural: Iterable[Problem] = ()) -> tuple[CheckedStep, ...]:
    """Every step's view resolved with the app's link parser; problems name the value."""
    by_step: dict[int, list[Problem]] = {}
    for p in structural:
        if p.step is not None:
            by_step.setdefault(p.step, []).append(p)
    out = []
    for n, step in enumerate(sheet.steps, start=1):
        problems = list(by_step.get(n, []))
        page, params = None, {}
        if step.view:
            page, params, link_problems = _check_view(ds, step.view, file, n)
            problems += link_problems
        out.append(CheckedStep(n, step, page, params, tuple(problems)))
    return tuple(out)


def _check_view(ds: Dataset, view: str, file: str, n: int
                ) -> tuple[str | None, dict[str, str | list[str]], list[Problem]]:
    parts = urlsplit(view.strip())
    if parts.scheme or parts.netloc or not view.strip().startswith("/"):
        return None, {}, [Problem(file, n, _msg("rs.err.view_not_link", value=_quote(view)))]
    keys = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if KEY_RUNSHEET in keys or keys & set(SESSION_KEYS):
        return None, {}, [Problem(file, n, _msg("rs.err.view_runsheet", view=_quote(view)))]
    parsed = parse_link(ds, view.strip())
    problems = [Problem(file, n, {lang: t("rs.err.view", lang, view=_quote(view),
                                          detail=p.message[lang]) for lang in LANGS})
                for p in parsed.problems]
    if KEY_RUNSHEET_STEP in parsed.params:  # not a monthly/yearly choice: a step number
        problems.append(Problem(file, n, _msg("rs.err.view_step", view=_quote(view))))
    page = parsed.page if not any(p.key == "page" for p in parsed.problems) else None
    return page, dict(parsed.params), problems


def read(ds: Dataset | None, data: bytes, file: str, rid: str) -> Checked:
    """Read and (with a dataset) check one run-sheet; never raises."""
    try:
        sheet, problems = parse(data, file, rid)
        if sheet is None:
            return Checked(file, None, (), tuple(problems))
        steps = check_steps(ds, sheet, file, problems) if ds is not None else tuple(
            CheckedStep(n, s, None, {}, tuple(p for p in problems if p.step == n))
            for n, s in enumerate(sheet.steps, start=1))
        file_level = [p for p in problems if p.step is None]
        step_level = [p for s in steps for p in s.problems]
        return Checked(file, sheet, steps, tuple(file_level + step_level))
    except Exception as exc:  # a bug must not turn a bad file into a traceback
        return Checked(file, None, (), (Problem(file, None, _msg(
            "rs.err.unreadable", detail=type(exc).__name__)),))


# ---------------------------------------------------------------- writing


def _basic(value: str) -> str:
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _multiline(value: str) -> str:
    """Notes over several lines stay readable in the file (a TOML multi-line string)."""
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')  # no run of three quotes can close the string early
        elif ch in "\n\t":
            out.append(ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"""\n' + "".join(out) + '"""'


def _string(value: str) -> str:
    return _multiline(value) if "\n" in value else _basic(value)


def to_toml(sheet: RunSheet) -> str:
    """The run-sheet in its fixed file format; ``parse`` of it gives the same sheet back."""
    lines = ["# 汇报流程 · run-sheet — python -m zones validate checks it", "",
             f"title = {_basic(sheet.title)}"]
    for step in sheet.steps:
        lines += ["", "[[steps]]", f"title = {_basic(step.title)}", f"view = {_basic(step.view)}"]
        if step.title_en:
            lines.append(f"title_en = {_basic(step.title_en)}")
        for key, notes in (("notes", step.notes), ("notes_en", step.notes_en)):
            if notes:
                lines.append(f"{key} = {_string(notes.replace(chr(13) + chr(10), chr(10)))}")
    return "\n".join(lines) + "\n"


def to_bytes(sheet: RunSheet) -> bytes:
    return to_toml(sheet).encode("utf-8")
