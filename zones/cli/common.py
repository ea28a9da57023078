"""What every command shares: its common options, the backend they name, and how a problem
is printed. Commands import this, never ``zones.cli.main`` (which imports them)."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from zones import backend
from zones.dataset.validation import Issue
from zones.i18n import DEFAULT_LANG, LANGS, t

_BREAKS = re.compile("[\r\n\v\f\x85\u2028\u2029]+")


def chosen_lang(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language of help and messages (#23): ``--lang`` when given, else the locale
    ($LC_ALL, $LC_MESSAGES, $LANG, as gettext reads them: ``en_US.UTF-8`` → en), else zh.

    Read before parsing, so that ``--help`` and argparse's own errors speak it too.
    """
    args = list(argv)
    for i, arg in enumerate(args):
        value = (args[i + 1] if arg == "--lang" and i + 1 < len(args)
                 else arg.removeprefix("--lang=") if arg.startswith("--lang=") else None)
        if value in LANGS:
            return value
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        prefix = (env.get(name) or "")[:2].lower()
        if prefix in LANGS:
            return prefix
        if env.get(name):  # set to another language (e.g. C): the default
            break
    return DEFAULT_LANG


# argparse's own English texts (its gettext msgids) → the catalogue (#23); the catalogue
# keeps no edge whitespace, so a msgid's trailing space or newline is added back.
_ARGPARSE = {
    "usage: ": "cli.ap.usage",
    "positional arguments": "cli.ap.positionals",
    "options": "cli.ap.options",
    "show this help message and exit": "cli.ap.help",
    "%(prog)s: error: %(message)s\n": "cli.ap.error",
    "argument %(argument_name)s: %(message)s": "cli.ap.argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.ap.choice",
    "the following arguments are required: %s": "cli.ap.required",
    "unrecognized arguments: %s": "cli.ap.unrecognized",
    "expected one argument": "cli.ap.one",
    "invalid %(type)s value: %(value)r": "cli.ap.type",
    "ambiguous option: %(option)s could match %(matches)s": "cli.ap.ambiguous",
}


@contextmanager
def argparse_speaks(lang: str) -> Iterator[None]:
    """argparse's own words ("usage:", "options", its errors) in ``lang`` while parsing.

    argparse looks its texts up through the module's ``_`` (gettext) at call time; it is
    swapped for the catalogue and put back, so nothing outside the block changes.
    """
    def translate(msgid: str) -> str:
        key = _ARGPARSE.get(msgid)
        if key is None:
            return msgid
        text = t(key, lang)
        return text + ("" if lang == "zh" and msgid == "usage: " else
                       msgid[len(msgid.rstrip()):])

    original = argparse.__dict__["_"]
    setattr(argparse, "_", translate)  # noqa: B010  (a module global, not an attribute)
    try:
        yield
    finally:
        setattr(argparse, "_", original)  # noqa: B010


def add_data_dir(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANG) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=t("cli.help.data_dir", lang))


def add_url(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANG) -> None:
    parser.add_argument("--url", default=None, help=t("cli.help.url", lang))


def add_lang(parser: argparse.ArgumentParser, lang: str = DEFAULT_LANG) -> None:
    """``--lang``; its default is the language the help is shown in (``chosen_lang``)."""
    parser.add_argument("--lang", choices=LANGS, default=lang, help=t("cli.help.lang", lang))


def backend_of(args: argparse.Namespace) -> backend.Backend:
    """The backend ``--url`` / ``--data-dir`` (or their environment defaults) name."""
    return backend.choose(url=getattr(args, "url", None),
                          data_dir=getattr(args, "data_dir", None))


def format_issue(issue: Issue, lang: str) -> str:
    """``file:line:column: message``, the form editors and CI logs link to; one line."""
    where = ":".join(str(p) for p in (issue.file, issue.line, issue.column) if p not in (None, ""))
    return f"{where}: {_BREAKS.sub(' ', issue.message(lang))}"
