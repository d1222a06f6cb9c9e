"""The official document as one self-contained HTML page (images inline, no outside links)."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from patrol.files import private_folder, write_private

if TYPE_CHECKING:
    from patrol.report.document import OfficialDocument

__all__ = ["html_text", "write_document_html"]

_STYLE = (
    "body{font-family:'Times New Roman','DejaVu Serif',serif;max-width:50em;margin:auto;"
    "padding:1em;color:#222}table{border-collapse:collapse;font-size:.85em;margin:.5em 0}"
    "td,th{border:1px solid #bbb;padding:.2em .4em}th{background:#eee}"
    ".notice{background:#fff3cd;padding:.4em .6em;margin:.3em 0;border-left:4px solid #e0a800}"
    ".demo{color:#b00;font-weight:bold}img{max-width:100%}.head{display:flex;"
    "justify-content:space-between;text-align:center}.head div{width:48%}.c{text-align:center}"
    "table.sign,table.sign td{border:none;vertical-align:top}"
)


def html_text(doc: OfficialDocument) -> str:
    """Return the page of ``doc``."""
    esc = html.escape
    parts: list[str] = [
        f'<!DOCTYPE html><html lang="{doc.lang}"><head><meta charset="utf-8">',
        f"<title>{esc(doc.file_title)}</title><style>{_STYLE}</style></head><body>",
        '<div class="head"><div>'
        f"{esc(doc.parent)}<br><b>{esc(doc.unit)}</b><br>-------<br>{esc(doc.number)}</div>"
        f"<div><b>{esc(doc.national)}</b><br><b><u>{esc(doc.motto)}</u></b><br><br>"
        f"<i>{esc(doc.place_date)}</i></div></div>",
        f'<h2 class="c">{esc(doc.title)}<br>{esc(doc.subject)}</h2>',
    ]
    if doc.demo:
        parts.append(f'<p class="demo">{esc(doc.demo)}</p>')
    parts.append(f"<p>{esc(doc.intro)}</p>")

    def blocks(items: Any) -> None:
        for block in items:
            if block.kind == "text":
                parts.append(f"<p>{esc(block.text)}</p>")
            elif block.kind == "notice":
                parts.append(f'<div class="notice">{esc(block.text)}</div>')
            elif block.kind == "list":
                parts.append("<ol>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ol>")
            elif block.kind == "table" and block.table is not None and not block.table.empty:
                parts.append(block.table.to_html(index=False, escape=True, border=0))
            elif block.kind == "figure" and block.png:
                data = base64.b64encode(block.png).decode("ascii")
                parts.append(f'<p><img alt="{esc(block.text)}" src="data:image/png;base64,'
                             f'{data}"></p>')  # fmt: skip

    for part in doc.parts:
        parts.append(f"<h3>{esc(part.title)}</h3>")
        blocks(part.blocks)
    recipients = "".join(f"- {esc(r)};<br>" for r in doc.recipients)
    parts.append(
        f'<table class="sign"><tr><td><b><i>{esc(doc.recipients_label)}</i></b><br>{recipients}'
        f'</td><td class="c"><b>{esc(doc.signer_title)}</b><br><i>{esc(doc.signature_note)}'
        f"</i><br><br><br><br><b>{esc(doc.signer_name)}</b></td></tr></table>"
    )
    parts.append(f'<h3 class="c">{esc(doc.annex.title)}</h3>')
    blocks(doc.annex.blocks)
    if doc.audit:
        parts.append(f'<p id="audit-head"><small>{esc(doc.audit)}</small></p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_document_html(doc: OfficialDocument, path: str | Path) -> Path:
    """Write the page of ``doc``, readable by its owner only; return the path."""
    path = Path(path)
    if not path.parent.exists():
        private_folder(path.parent)
    return write_private(path, html_text(doc))
