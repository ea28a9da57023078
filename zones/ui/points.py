"""The "要点 / Key points" block of the overview and volumes pages (#21).

The sentences come from ``zones.keypoints`` (the charts' own metrics, cached per view);
this module only draws them and offers them as plain text, the form an officer pastes
into a document. On a projector (presentation mode) the block is compact: the total and
the leaders as a caption, so the page's chart still fits the screen; no copy box.
"""

from __future__ import annotations

import streamlit as st

from zones import keypoints, safe
from zones.i18n import t
from zones.model import Dataset
from zones.view import OPTIONS_OF_PAGE, Filter, View, from_params


def page_view(state: Filter, lang: str, present: bool, page: str,
              options: dict[str, str] | None = None) -> View:
    """The view the page shows now: its filter, and its options as given or as the
    widgets hold them."""
    if options is None:
        options = {k: st.session_state.get(k) for k in OPTIONS_OF_PAGE.get(page, ())}
    return View.of(page, state, lang, present, options={
        k: str(v) for k, v in options.items() if v})


def key_points_block(ds: Dataset, view: View) -> tuple[keypoints.KeyPoint, ...]:
    """Draw the key points of ``view``; return them (the run-sheet notes reuse them)."""
    lang = view.lang
    points = keypoints.key_points(ds, view)
    if not points:
        return points
    text = "\n".join(f"{i}. {safe.plain(p.text, 600)}" for i, p in enumerate(points, 1))
    if view.present:  # a projector: the headline sentences only, one line each (#16)
        lead = [p for p in points if p.kind in ("total", "empty")][:1]
        lead += [p for p in points if p.kind == "leaders"][:1]
        st.caption("  \n".join(safe.plain(p.text, 600) for p in lead or points[:1]))
        return points
    with st.container(border=True, key=f"key_points_{view.page}"):
        st.markdown(f"**{t('kp.title', lang)}**")
        st.markdown(text, help=t("kp.help", lang))
        with st.expander(t("kp.copy", lang)):
            plain = keypoints.as_text(points, lang)
            st.code(plain, language=None, wrap_lines=True)
            st.download_button(t("kp.download", lang), plain.encode("utf-8"),
                               file_name=f"{t('kp.title', lang)}_{view.page}.txt",
                               mime="text/plain", key=f"kp_txt_{view.page}",
                               icon=":material/download:")
    return points


def step_points(ds: Dataset, page: str | None, params: dict, lang: str) -> None:
    """The key points of a run-sheet step, under its notes in the presenter's panel."""
    if page is None:
        return
    view = from_params(page, params).replace(lang=lang, present=False)
    points = keypoints.key_points(ds, view)
    if points:
        st.markdown(f"**{t('kp.title', lang)}**  \n" + "\n".join(
            f"{i}. {safe.plain(p.text, 600)}" for i, p in enumerate(points, 1)))
