"""The briefing's output formats, apart from the code that makes them.

``python -m zones`` lists them in its parser for every command; importing the exporter for
that loaded the charting stack into ``validate`` too.
"""

from __future__ import annotations

FORMATS: tuple[str, ...] = ("pptx", "pdf", "docx", "brief-pdf", "images", "data")
# The written brief (汇报材料, #21): Word, and its A4 PDF twin for offices without Word.
WRITTEN: tuple[str, ...] = ("docx", "brief-pdf")
EXTENSIONS = {"pptx": "pptx", "pdf": "pdf", "docx": "docx", "brief-pdf": "pdf",
              "images": "zip", "data": "zip"}
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf", "images": "application/zip", "data": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "brief-pdf": "application/pdf",
}
