"""Text from files shown or exported safely: spreadsheet formulas neutralised, HTML escaped.

The store keeps text exactly as a file gave it; these functions make it harmless where it leaves
the store. A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which
some spreadsheet programs skip before looking for a formula) would run as a formula when the file
is opened in Excel or LibreOffice (OWASP "CSV injection"): it is written with a leading
apostrophe, which the spreadsheet shows as text and does not display. Names shown in map popups go
through ``html_text``.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from patrol.files import private_open

__all__ = ["FORMULA_PREFIXES", "html_text", "spreadsheet_cell", "write_csv"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def spreadsheet_cell(value: object) -> object:
    """Return ``value`` safe to write into a CSV or XLSX cell.

    Numbers, booleans and ``None`` pass unchanged (a negative number is not a formula); text that
    a spreadsheet would read as a formula gets a leading apostrophe.

    Examples
    --------
    >>> spreadsheet_cell("=SUM(A1:A9)"), spreadsheet_cell(-3), spreadsheet_cell("Vàng")
    ("'=SUM(A1:A9)", -3, 'Vàng')

    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def html_text(value: object) -> str:
    """Return ``value`` as text safe inside HTML (map popups, tooltips): ``<>&"'`` escaped.

    Examples
    --------
    >>> html_text("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'

    """
    return html.escape("" if value is None else str(value), quote=True)


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a UTF-8 CSV (with BOM, so Excel reads Vietnamese) with every cell neutralised; 0600.

    Returns the number of data rows written.
    """
    count = 0
    with private_open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([spreadsheet_cell(h) for h in header])
        for row in rows:
            writer.writerow([spreadsheet_cell(v) for v in row])
            count += 1
    return count
