"""The official document as an editable Word file (python-docx): the ward edits and signs it.

Laid out as the ward's administrative documents are: A4, Times New Roman 13, the header as a
borderless two-column table (issuing unit left; national heading and motto right), ``Số`` and
the place and date under them, the title and subject centred, numbered parts, tables with
borders, figures 16 cm wide, then ``Nơi nhận`` beside the signature block.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from patrol.files import private_folder, write_private

if TYPE_CHECKING:
    from patrol.report.document import OfficialDocument

__all__ = ["docx_bytes", "write_word"]

_FONT = "Times New Roman"


def _run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False,
         size: float | None = None, underline: bool = False) -> Any:  # fmt: skip
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size is not None:
        run.font.size = Pt(size)
    return run


def _centred(cell: Any, lines: list[tuple[str, dict[str, Any]]]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    first = True
    for text, style in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = 0
        _run(paragraph, text, **style)


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _header(document: Any, doc: OfficialDocument) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _centred(left, [(doc.parent, {"size": 12}), (doc.unit, {"bold": True, "size": 12}),
                    ("-------", {"size": 12}), (doc.number, {"size": 13})])  # fmt: skip
    _centred(right, [(doc.national, {"bold": True, "size": 12}),
                     (doc.motto, {"bold": True, "size": 13, "underline": True}),
                     ("", {}), (doc.place_date, {"italic": True, "size": 13})])  # fmt: skip


def _table(document: Any, frame: Any) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, frame.columns, strict=True):
        cell.text = ""
        _run(cell.paragraphs[0], str(name), bold=True, size=10)
    for values in frame.itertuples(index=False):
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            _run(cell.paragraphs[0], "" if value is None else str(value), size=10)
    for row in table.rows:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    document.add_paragraph()


def _body(document: Any, doc: OfficialDocument, blocks: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, RGBColor

    for block in blocks:
        if block.kind == "text":
            paragraph = document.add_paragraph(block.text)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1)
        elif block.kind == "notice":
            paragraph = document.add_paragraph()
            run = _run(paragraph, block.text, italic=True, size=12)
            run.font.color.rgb = RGBColor(0x80, 0x40, 0x00)
        elif block.kind == "list":
            for k, item in enumerate(block.items, start=1):
                paragraph = document.add_paragraph(f"{k}. {item}")
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                paragraph.paragraph_format.first_line_indent = Cm(1)
        elif block.kind == "table" and block.table is not None and not block.table.empty:
            _table(document, block.table)
        elif block.kind == "figure" and block.png:
            document.add_picture(io.BytesIO(block.png), width=Cm(16))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _signature(document: Any, doc: OfficialDocument) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.paragraphs[0].paragraph_format.space_after = 0
    _run(left.paragraphs[0], doc.recipients_label, bold=True, italic=True, size=12)
    for name in doc.recipients:
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = 0
        _run(paragraph, f"- {name};", size=11)
    lines: list[tuple[str, dict[str, Any]]] = [
        (doc.signer_title, {"bold": True, "size": 13}),
        (doc.signature_note, {"italic": True, "size": 11}),
    ]
    lines += [("", {})] * 3 + [(doc.signer_name, {"bold": True, "size": 13})]
    _centred(right, lines)  # fmt: skip


def docx_bytes(doc: OfficialDocument) -> bytes:
    """Return the Word document (``.docx``) of ``doc`` as bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), _FONT)
    document.core_properties.title = doc.file_title
    document.core_properties.author = doc.unit
    _header(document, doc)
    for text, size in ((doc.title, 14), (doc.subject, 14)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = 0
        _run(paragraph, text, bold=True, size=size)
    document.add_paragraph("---------").alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.demo:
        run = _run(document.add_paragraph(), doc.demo, bold=True)
        run.font.color.rgb = RGBColor(0xB0, 0x00, 0x00)
    intro = document.add_paragraph(doc.intro)
    intro.paragraph_format.first_line_indent = Cm(1)
    for part in doc.parts:
        heading = document.add_paragraph()
        _run(heading, part.title, bold=True)
        _body(document, doc, part.blocks)
    _signature(document, doc)
    document.add_page_break()  # the annex follows the signed report
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, doc.annex.title, bold=True)
    _body(document, doc, doc.annex.blocks)
    if doc.audit:
        _run(document.add_paragraph(), doc.audit, italic=True, size=9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_word(doc: OfficialDocument, path: str | Path) -> Path:
    """Write ``doc`` as a Word file readable by its owner only; return the path."""
    path = Path(path)
    if not path.parent.exists():
        private_folder(path.parent)
    return write_private(path, docx_bytes(doc))
