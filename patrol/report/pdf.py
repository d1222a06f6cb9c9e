"""The official document as an A4 PDF (fpdf2), laid out as the Word file is.

DejaVu Serif (shipped with matplotlib) has every Vietnamese letter; text is NFC so that a
decomposed letter never prints its marks apart. Tables of the body and figures follow the part
they belong to; the annex follows the signature on a page of its own.
"""

from __future__ import annotations

import io
import unicodedata
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from patrol.files import private_folder, write_private

if TYPE_CHECKING:
    import pandas as pd

    from patrol.report.document import OfficialDocument

__all__ = ["pdf_bytes", "write_document_pdf"]

_FONT = "DejaVuSerif"


def _font_file(style: str) -> str:
    name = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf",
            "BI": "DejaVuSerif-BoldItalic.ttf"}[style]  # fmt: skip
    return str(resources.files("matplotlib") / "mpl-data" / "fonts" / "ttf" / name)


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", str(value))


def pdf_bytes(doc: OfficialDocument) -> bytes:
    """Return the PDF of ``doc`` as bytes."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    footer = doc.footer

    class _Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(_FONT, "I", 7)
            self.set_text_color(90, 90, 90)
            self.cell(0, 4, _nfc(footer.format(page=self.page_no())), align="C")
            self.set_text_color(0, 0, 0)

    pdf = _Document(orientation="P", unit="mm", format="A4")
    for style in ("", "B", "I", "BI"):
        pdf.add_font(_FONT, style, _font_file(style))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(25, 20, 15)
    pdf.set_title(_nfc(doc.file_title))
    pdf.set_author(_nfc(doc.unit))
    pdf.set_creator("patrol-planner")
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, style: str = "", size: float = 12, align: str = "J", h: float = 6,
             x: float | None = None, w: float = 0) -> None:  # fmt: skip
        pdf.set_font(_FONT, style, size)
        if x is not None:
            pdf.set_x(x)
        pdf.multi_cell(w, h, _nfc(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table(frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        pdf.set_font(_FONT, "", 8)
        with pdf.table(line_height=4.2, text_align="LEFT", first_row_as_headings=True,
                       align="LEFT", width=width) as t:  # fmt: skip
            head = t.row()
            for name in frame.columns:
                head.cell(_nfc(str(name)))
            for values in frame.itertuples(index=False):
                row = t.row()
                for value in values:
                    row.cell(_nfc("" if value is None else str(value)))
        pdf.ln(2)

    def blocks(items: Any) -> None:
        for block in items:
            if block.kind == "text":
                line(block.text)
                pdf.ln(1)
            elif block.kind == "notice":
                pdf.set_fill_color(255, 243, 205)
                pdf.set_font(_FONT, "I", 10)
                pdf.multi_cell(0, 5, _nfc(block.text), fill=True, new_x=XPos.LMARGIN,
                               new_y=YPos.NEXT)  # fmt: skip
                pdf.ln(1)
            elif block.kind == "list":
                for k, item in enumerate(block.items, start=1):
                    line(f"{k}. {item}")
                    pdf.ln(1)
            elif block.kind == "table" and block.table is not None:
                table(block.table)
            elif block.kind == "figure" and block.png:
                pdf.image(io.BytesIO(block.png), w=width * 0.95, x=pdf.l_margin + width * 0.025)
                pdf.ln(2)

    pdf.add_page()
    half = 68.0  # the issuing unit's column; the national heading takes the rest
    top = pdf.get_y()
    right_x = pdf.l_margin + half
    # issuing unit (left), national heading and motto (right)
    for text, style, size in ((doc.parent, "", 11), (doc.unit, "B", 11), ("-------", "", 10),
                              (doc.number, "", 12)):  # fmt: skip
        line(text, style=style, size=size, align="C", w=half, h=5.5)
    left_end = pdf.get_y()
    pdf.set_y(top)
    for text, style, size in ((doc.national, "B", 10), (doc.motto, "B", 12),
                              ("---------------", "", 10)):  # fmt: skip
        line(text, style=style, size=size, align="C", x=right_x, w=width - half, h=5.5)
    pdf.ln(2)
    line(doc.place_date, style="I", size=12, align="C", x=right_x, w=width - half, h=5.5)
    pdf.set_y(max(left_end, pdf.get_y()) + 6)
    line(doc.title, style="B", size=14, align="C", h=7)
    line(doc.subject, style="B", size=13, align="C", h=6.5)
    line("---------", align="C")
    if doc.demo:
        pdf.set_text_color(176, 0, 0)
        line(doc.demo, style="B", size=11)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    line(doc.intro)
    for part in doc.parts:
        pdf.ln(3)
        line(part.title, style="B", size=12.5, align="L")
        pdf.ln(1)
        blocks(part.blocks)
    # Nơi nhận (left) and the signature (right)
    pdf.ln(6)
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    top = pdf.get_y()
    line(doc.recipients_label, style="BI", size=11, align="L", w=half, h=5)
    for name in doc.recipients:
        line(f"- {name};", size=10, align="L", w=half, h=4.8)
    pdf.set_y(top)
    for text, style, size in ((doc.signer_title, "B", 12), (doc.signature_note, "I", 10)):
        line(text, style=style, size=size, align="C", x=right_x, w=width - half, h=5.5)
    pdf.ln(22)
    line(doc.signer_name or " ", style="B", size=12, align="C", x=right_x, w=width - half)
    pdf.add_page()
    line(doc.annex.title, style="B", size=12.5, align="C")
    pdf.ln(2)
    blocks(doc.annex.blocks)
    if doc.audit:
        pdf.ln(2)
        line(doc.audit, style="I", size=8, align="L")
    return bytes(pdf.output())


def write_document_pdf(doc: OfficialDocument, path: str | Path) -> Path:
    """Write ``doc`` as a PDF readable by its owner only; return the path."""
    path = Path(path)
    if not path.parent.exists():
        private_folder(path.parent)
    return write_private(path, pdf_bytes(doc))
