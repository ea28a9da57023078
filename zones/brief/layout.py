"""Where things go on a briefing slide, in inches: one layout for the PPTX and the PDF.

Type sizes follow the usual projector rule (body ≥ 18 pt, titles ≥ 30 pt); only footers and
tile notes, which are read up close or in print, are smaller.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from zones.brief.deck import SLIDE_H, SLIDE_W, Slide
from zones.i18n import t


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    slide_w: float = SLIDE_W
    slide_h: float = SLIDE_H

    def narrower(self, by: float) -> Box:
        return Box(self.x, self.y, self.w - by, self.h)

    def split_rows(self, fractions: tuple[float, ...], pad: float = 0.12) -> list[Box]:
        """Stack of boxes inside this one (with padding), heights in ``fractions``."""
        inner_h = self.h - 2 * pad
        y, out = self.y + pad, []
        for f in fractions:
            out.append(Box(self.x + pad, y, self.w - 2 * pad, inner_h * f))
            y += inner_h * f
        return out


M = 0.5
LINE = 1.22  # line height as a multiple of the type size (both renderers)
TITLE = Box(M, 0.28, SLIDE_W - 2 * M, 0.8)
SUBTITLE = Box(M, 1.05, SLIDE_W - 2 * M, 0.5)
BODY = Box(M, 1.7, SLIDE_W - 2 * M, 5.05)
FOOTER = Box(M, 6.92, SLIDE_W - 2 * M - 1.3, 0.5)
PAGE_NO = Box(SLIDE_W - M - 1.2, 6.92, 1.2, 0.5)
BADGE = Box(SLIDE_W - M - 3.3, 0.38, 3.3, 0.6)

SIZES = {
    "cover_title": 40, "cover_subtitle": 28, "cover_filter": 24,
    "title": 32, "subtitle": 18, "body": 20, "side": 18, "note": 16,
    "kpi_label": 18, "kpi_value": 32, "kpi_note": 13, "badge": 16, "footer": 12,
}
COLORS = {
    "text": "#1F2328", "muted": "#57606A", "accent": "#1B3A5C", "rule": "#C9CED6",
    "tile": "#F3F1EC", "illustrative": "#B00020", "badge_fill": "#FDECEE",
    "report": "#1A7F37",
}


def slide_boxes(slide: Slide) -> dict[str, Box]:
    """The content boxes of a slide of this kind."""
    if slide.kind == "title":
        return {"title": Box(M + 0.3, 1.5, SLIDE_W - 2 * M - 0.6, 1.6),
                "subtitle": Box(M + 0.3, 3.1, SLIDE_W - 2 * M - 0.6, 0.7),
                "lines": Box(M + 0.3, 3.9, SLIDE_W - 2 * M - 0.6, 0.9),
                "note": Box(M + 0.3, 4.9, SLIDE_W - 2 * M - 0.6, 1.8)}
    if slide.kind == "map":
        side_w = 3.7
        fig = Box(BODY.x, BODY.y, BODY.w - side_w - 0.2, BODY.h)
        side_x = fig.x + fig.w + 0.2
        if slide.side_figure is not None:
            return {"figure": fig, "side_figure": Box(side_x, BODY.y, side_w, 2.6),
                    "lines": Box(side_x, BODY.y + 2.75, side_w, BODY.h - 2.75)}
        return {"figure": fig, "lines": Box(side_x, BODY.y, side_w, BODY.h)}
    if slide.kind == "chart":
        note_h = 0.75 if slide.lines else 0.0
        return {"figure": Box(BODY.x, BODY.y, BODY.w, BODY.h - note_h),
                "lines": Box(BODY.x, BODY.y + BODY.h - note_h + 0.05, BODY.w, note_h)}
    if slide.kind == "sources":  # long text: leave room above the footer (see appendix)
        return {"body": BODY, "lines": Box(BODY.x, BODY.y, BODY.w, BODY.h - 0.35)}
    return {"body": BODY, "lines": BODY}


def kpi_grid(n: int, area: Box, gap: float = 0.25) -> list[Box]:
    """Tiles for ``n`` (≤ 6) KPIs: three to a row, two rows at most, filling ``area``."""
    if n == 0:
        return []
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    w = (area.w - gap * (cols - 1)) / cols
    h = min(2.3, (area.h - gap * (rows - 1)) / rows)
    return [Box(area.x + (i % cols) * (w + gap), area.y + (i // cols) * (h + gap), w, h)
            for i in range(n)]


def text_em(text: str) -> float:
    """Approximate width of ``text`` in ems: CJK characters are square, Latin ~0.55 em."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 1.0
        elif ch in " .,;:!|'il":
            width += 0.3
        elif ch.isupper() or ch in "mwMW%":
            width += 0.7
        else:
            width += 0.56
    return width


def _lines(text: str, width_in: float, size: float) -> int:
    usable = width_in * 72 * 0.92  # a little slack: real line breaks fall at words
    return max(1, math.ceil(text_em(text) * size / usable))


def fit_size(paragraphs: list[str], box: Box, max_pt: float, min_pt: float = 12,
             line: float = LINE, gap_pt: float = 0, pad: float = 0.1) -> float:
    """The largest type size (max_pt down to min_pt) at which the text fits ``box``.

    The PPTX cannot measure text, so both renderers use this estimate and agree on sizes;
    nothing runs off a slide or over the footer.
    """
    size = max_pt
    while size > min_pt:
        rows = sum(_lines(p, box.w - pad, size) for p in paragraphs)
        height = rows * size * line + gap_pt * (len(paragraphs) - 1)
        if height <= (box.h - pad) * 72:
            return size
        size -= 1
    return min_pt


@dataclass(frozen=True)
class Text:
    box: Box
    paragraphs: tuple[str, ...]
    size: float
    bold: bool = False
    color: str = "text"
    align: str = "left"  # left | center | right
    anchor: str = "top"  # top | middle
    gap_pt: float = 0


@dataclass(frozen=True)
class Rect:
    box: Box
    fill: str
    line: str | None = None
    rounded: bool = False


@dataclass(frozen=True)
class Picture:
    box: Box
    name: str  # figure name: the renderer looks up its PNG


Op = Text | Rect | Picture


def _fitted(box: Box, paragraphs: list[str], max_pt: float, min_pt: float = 12,
            gap_pt: float = 0, **kw: object) -> Text:
    size = fit_size(paragraphs, box, max_pt, min_pt, gap_pt=gap_pt)
    return Text(box, tuple(paragraphs), size, gap_pt=gap_pt, **kw)  # type: ignore[arg-type]


def plan(slide: Slide, n: int, total: int, lang: str) -> list[Op]:
    """Everything drawn on slide ``n``, in drawing order; both renderers execute this."""
    ops: list[Op] = []
    boxes = slide_boxes(slide)
    if slide.kind == "title":
        ops.append(_fitted(boxes["title"], [slide.title], SIZES["cover_title"], 28, bold=True))
        ops.append(Text(boxes["subtitle"], (slide.subtitle,), SIZES["cover_subtitle"],
                        bold=True, color="accent"))
        ops.append(_fitted(boxes["lines"], list(slide.lines[:1]), SIZES["cover_filter"], 18))
        if len(slide.lines) > 1:
            ops.append(_fitted(boxes["note"], list(slide.lines[1:]), SIZES["body"], 14,
                               color="illustrative" if slide.illustrative else "report"))
    elif slide.kind == "appendix":  # one slide of figures in words, in two columns (#22)
        head, rest = list(slide.lines[:1]), list(slide.lines[1:])
        body = boxes["body"]
        top = Box(body.x, body.y, body.w, 0.45)
        if head:
            ops.append(_fitted(top, head, SIZES["note"], 12, color="muted"))
        half = (len(rest) + 1) // 2
        col_w = (body.w - 0.3) / 2
        for i, chunk in enumerate((rest[:half], rest[half:])):
            if chunk:
                # a margin above the footer: WPS/LibreOffice set CJK wider than estimated
                box = Box(body.x + i * (col_w + 0.3), body.y + 0.5, col_w, body.h - 0.85)
                ops.append(_fitted(box, chunk, SIZES["side"], 11, gap_pt=3))
    elif slide.kind == "figures":
        for tile, kpi in zip(kpi_grid(len(slide.kpis), boxes["body"]), slide.kpis,
                             strict=True):
            ops.append(Rect(tile, "tile"))
            label, value, note = tile.split_rows((0.38, 0.37, 0.25))
            ops.append(_fitted(label, [kpi.label], SIZES["kpi_label"], 13, color="muted"))
            ops.append(_fitted(value, [kpi.value], SIZES["kpi_value"], 16, bold=True,
                               anchor="middle"))
            ops.append(_fitted(note, [kpi.note], SIZES["kpi_note"], 10, color="muted"))
    else:
        if slide.figure is not None:
            ops.append(Picture(boxes["figure"], slide.figure.name))
        if slide.side_figure is not None:
            ops.append(Picture(boxes["side_figure"], slide.side_figure.name))
        if slide.lines:
            top = {"map": SIZES["side"], "chart": SIZES["note"]}.get(slide.kind, SIZES["body"])
            ops.append(_fitted(boxes["lines"], list(slide.lines), top, 12, gap_pt=6))
    if slide.kind != "title":
        title_box = TITLE.narrower(BADGE.w + 0.2) if slide.badge else TITLE
        ops.append(_fitted(title_box, [slide.title], SIZES["title"], 24, bold=True,
                           anchor="middle"))
        if slide.subtitle:
            ops.append(_fitted(SUBTITLE, [slide.subtitle], SIZES["subtitle"], 12,
                               color="muted"))
    if slide.badge:
        ops.append(Rect(BADGE, "badge_fill", "illustrative", rounded=True))
        ops.append(_fitted(BADGE, [slide.badge], SIZES["badge"], 11, bold=True,
                           color="illustrative", align="center", anchor="middle"))
    ops.append(Rect(Box(FOOTER.x, FOOTER.y - 0.08, PAGE_NO.x + PAGE_NO.w - FOOTER.x, 0.02),
                    "rule"))
    ops.append(_fitted(FOOTER, [slide.footer], SIZES["footer"], 9, color="muted"))
    ops.append(Text(PAGE_NO, (t("brief.page", lang, n=n, total=total),), SIZES["footer"],
                    color="muted", align="right"))
    return ops
