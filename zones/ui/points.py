"""The "要点 / Key points" block of the overview and volumes pages (#21).

The sentences come from ``zones.keypoints`` (the charts' own metrics, cached per view);
this module only draws them and offers them as plain text in a code box (with its copy
button; the data export carries the same text as a .txt), the form an officer pastes
into a document. On a projector (presentation mode) the block is compact: the total and
the leaders as a caption, so the page's chart still fits the screen; no copy box.
"""

from __future__ import annotations

import streamlit as st

from zones import keypoints, safe
from zones.i18n import t
from zones.model import Dataset
from zones.view import View, from_params


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
        with st.expander(t("kp.copy", lang)):  # the code box has Streamlit's copy button
            st.code(keypoints.as_text(points, lang), language=None, wrap_lines=True)
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
