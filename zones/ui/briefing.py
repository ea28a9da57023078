"""The sidebar's briefing export: build a deck of the current view on click, in a worker.

Built only when asked (never on a rerun) and kept with the request it answers, so a changed
filter, language or format asks for a new build rather than offering a stale file.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import streamlit as st

from zones import safe
from zones.brief.deck import BriefOptions
from zones.brief.formats import FORMATS
from zones.i18n import t
from zones.links import page_option_aliases
from zones.ui import session_keys as sk
from zones.ui.page_context import Context
from zones.view import (
    KEY_BY,
    KEY_INTERVAL,
    KEY_MEASURE,
    PAGE_OPTION_DEFAULTS,
    PAGE_OPTIONS,
    View,
)

KEY_BRIEF_FORMAT = "brief_format"
KEY_BRIEF_TITLE = "brief_title"  # the cover's title as typed (#22); empty: the default


def _page_option_value(key: str) -> str:
    """A volumes-page option as last chosen: its widget, else the link, else the default."""
    value = st.session_state.get(key)
    if value in PAGE_OPTIONS[key]:
        return str(value)
    by_label = {a: v for v in PAGE_OPTIONS[key] for a in page_option_aliases(key, v)}
    return by_label.get(st.query_params.get(key, ""), PAGE_OPTION_DEFAULTS[key])


def brief_view(view: View) -> View:
    """The deck's view: this filter and language, with the volume charts the volumes page
    shows (its options as last chosen, from any page)."""
    return view.replace(page="volumes", options={
        key: _page_option_value(key) for key in (KEY_INTERVAL, KEY_BY, KEY_MEASURE)})


def briefing_export(ctx: Context) -> None:
    """Sidebar control: build a briefing of this view on click, then offer the download.

    The deck is built only when the button is pressed (never on a rerun) and kept in the
    session with the request it answers; a changed filter, language or format asks for a
    new build instead of offering a stale file.
    """
    lang = ctx.lang
    with st.sidebar:
        st.divider()
        st.subheader(t("brief.title", lang))
        fmt = st.radio(t("brief.format", lang), FORMATS, key=KEY_BRIEF_FORMAT,
                       format_func=lambda f: t(f"brief.format.{f}", lang),
                       help=t("brief.help", lang))
        title = st.text_input(t("brief.deck_title", lang), key=KEY_BRIEF_TITLE,
                              max_chars=120, placeholder=t("app.title", lang),
                              help=t("brief.deck_title.help", lang)).strip()
        view = brief_view(ctx.view)
        options = BriefOptions.of_view(view)
        today = dt.date.today()
        request = (fmt, view.replace(present=False), today, title)
        # A callback flag rather than the button's return value, which AppTest runs of
        # this multipage app lost; the flag is read (and cleared) exactly once.
        st.button(t("brief.build", lang), key="brief_build", width="stretch",
                  icon=":material/slideshow:", on_click=_request_briefing)
        if st.session_state.pop(sk.BRIEF_REQUESTED, False):
            _build_briefing(ctx, str(fmt), options, today, request, title)
        done = st.session_state.get(sk.BRIEF_RESULT)
        if done and done["request"] == request:
            st.download_button(t("brief.download", lang), done["data"],
                               file_name=done["filename"], mime=done["mime"],
                               key="brief_download", icon=":material/download:",
                               on_click="ignore", width="stretch")
            st.caption(safe.plain(done["filename"]))
        elif done:
            st.caption(t("brief.stale", lang))


def _request_briefing() -> None:
    st.session_state[sk.BRIEF_REQUESTED] = True


def _build_briefing(ctx: Context, fmt: str, options: BriefOptions, today: dt.date,
                    request: tuple, title: str = "") -> None:
    from zones.brief.export import export_isolated
    from zones.brief.images import FontMissing

    lang = ctx.lang
    with st.status(t("brief.status.running", lang), expanded=True) as status:
        bar = st.progress(0.0)

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(1.0, max(0.0, fraction)), text=message)

        started = time.perf_counter()
        try:
            out = export_isolated(ctx.ds, ctx.state, lang, today, fmt, options, progress,
                                  title=title or None)
        except FontMissing as exc:
            detail = str(exc)
        except Exception as exc:  # a failed export must leave the page working
            logging.getLogger("zones").exception("briefing export failed")
            detail = type(exc).__name__
        else:
            st.session_state[sk.BRIEF_RESULT] = {"request": request, "data": out.data,
                                               "filename": out.filename, "mime": out.mime}
            seconds = time.perf_counter() - started  # as the user waited, worker included
            status.update(label=t("brief.status.done", lang, seconds=f"{seconds:.1f}"),
                          state="complete", expanded=False)
            return
        st.session_state.pop(sk.BRIEF_RESULT, None)
        status.update(label=t("brief.status.failed", lang), state="error", expanded=True)
        st.error(safe.plain(t("brief.err.failed", lang, detail=detail), limit=1200),
                 icon=":material/error:")
