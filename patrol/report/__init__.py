"""The monthly report: an administrative document in Word, PDF and HTML, and its tables.

Everything shown comes from one ``geodata.review.MonthlyReview``; this package only lays it out,
one idea a file: ``text`` (the words, Vietnamese first), ``tables``, ``figures`` (maps on the
ward's streets and charts), ``document`` (the report's parts, laid out once), and the writers
``word`` (python-docx), ``pdf`` (fpdf2) and ``html``. Where a result could not be computed, the
notice that says why is printed in its place, so no chart is ever silently empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from patrol.report.document import OfficialDocument, official_document
from patrol.report.figures import (
    FIGURES,
    figure_density,
    figure_emerging,
    figure_gi,
    figure_hour_weekday,
    figure_monthly,
    figure_types,
    render_figures,
)
from patrol.report.tables import patrol_table, review_tables, write_tables
from patrol.report.text import (
    TEXT,
    Lang,
    method_text,
    missing_reason,
    summary_text,
    target_text,
    tr,
)

if TYPE_CHECKING:
    from geodata.review import MonthlyReview

__all__ = [
    "FIGURES",
    "TEXT",
    "Lang",
    "OfficialDocument",
    "figure_density",
    "figure_emerging",
    "figure_gi",
    "figure_hour_weekday",
    "figure_monthly",
    "figure_types",
    "method_text",
    "missing_reason",
    "official_document",
    "patrol_table",
    "render_figures",
    "review_tables",
    "summary_text",
    "target_text",
    "tr",
    "write_docx",
    "write_html",
    "write_pdf",
    "write_tables",
]


def write_pdf(
    review: MonthlyReview,
    path: str | Path,
    *,
    lang: Lang = "vi",
    figures: dict[str, bytes | None] | None = None,
    audit_head: tuple[int, str] | None = None,
) -> Path:
    """Write the report as an A4 PDF in the form of the ward's documents.

    ``audit_head`` (the store's last audit row id and hash) is printed in the annex: the paper
    copy anchors the audit log outside the store.
    """
    from patrol.report.pdf import write_document_pdf

    doc = official_document(review, lang=lang, figures=figures, audit_head=audit_head)
    return write_document_pdf(doc, path)


def write_docx(
    review: MonthlyReview,
    path: str | Path,
    *,
    lang: Lang = "vi",
    figures: dict[str, bytes | None] | None = None,
    audit_head: tuple[int, str] | None = None,
) -> Path:
    """Write the report as an editable Word document (the ward edits, numbers and signs it)."""
    from patrol.report.word import write_word

    doc = official_document(review, lang=lang, figures=figures, audit_head=audit_head)
    return write_word(doc, path)


def write_html(
    review: MonthlyReview,
    path: str | Path,
    *,
    lang: Lang = "vi",
    figures: dict[str, bytes | None] | None = None,
    audit_head: tuple[int, str] | None = None,
) -> Path:
    """Write the report as one self-contained HTML file (images inline, no outside links)."""
    from patrol.report.html import write_document_html

    doc = official_document(review, lang=lang, figures=figures, audit_head=audit_head)
    return write_document_html(doc, path)
