"""Limits on a table before it is read: no file can make the reader allocate without bound.

A 5 KB workbook can declare the sheet ``A1:XFD1048576`` (16,384 columns by 1,048,576 rows) and
put one cell in its last corner: openpyxl then pads every row to the declared width and the
reader grows to tens of gigabytes. A zip bomb packs hundreds of megabytes of XML into a few
kilobytes. So before openpyxl sees a workbook, ``check_xlsx``

- refuses a file that is not a zip, and a zip whose members unpack beyond
  ``limits.unpacked_bytes`` (the sizes the zip declares bound what ``zipfile`` will inflate: a
  member that inflates beyond its declared size fails its check) or inflate more than
  ``limits.ratio`` times;
- reads the first sheet's declared dimension (``<dimension ref=...>``) and refuses one beyond
  ``limits.rows``, ``limits.columns`` or ``limits.cells``;
- streams the sheet's XML (in 1 MiB pieces, never whole) and counts the real rows and cells and
  the largest row and column any cell names, with the same limits;

and returns the real extent, so that the reader asks openpyxl for exactly that. Text tables are
bounded by ``check_text_table`` (rows, columns, one cell's length). Every refusal is an
``InputFileError`` naming the file and what to do, in Vietnamese and English.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from defusedxml import ElementTree as SafeET

from patrolbase.errors import InputFileError

__all__ = ["DEFAULT_LIMITS", "SheetExtent", "TableLimits", "check_xlsx", "column_number"]


@dataclass(frozen=True)
class TableLimits:
    """What a table may hold; the defaults are far above any ward's real survey or log."""

    rows: int = 1_000_000
    """Rows of a sheet (declared or real), header included."""
    columns: int = 256
    """Columns of a sheet (declared, or the last column any cell names)."""
    cells: int = 20_000_000
    """Cells of a sheet: declared (rows x columns) or present."""
    unpacked_bytes: int = 512 * 1024 * 1024
    """Sum of the sizes of a workbook's members once unpacked."""
    ratio: int = 200
    """Largest inflation of one member (unpacked / packed) above 1 MiB: zip bombs inflate more."""
    cell_chars: int = 131_072
    """Characters in one cell of a text table."""


DEFAULT_LIMITS = TableLimits()

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,4})?(\d{1,8})?(?::([A-Z]{1,4})(\d{1,8}))?"'
)
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,4})(\d{1,8})"')
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW = re.compile(rb'<(?:\w+:)?row\b(?:[^>]*?\br="(\d{1,8})")?')
_CHUNK = 1024 * 1024
_OVERLAP = 256


@dataclass(frozen=True)
class SheetExtent:
    """The real extent of a sheet: the last row and column any cell or row names."""

    rows: int
    columns: int


def column_number(letters: str) -> int:
    """Return the 1-based number of a column's letters.

    Examples
    --------
    >>> column_number("A"), column_number("XFD")
    (1, 16384)

    """
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _n(value: float) -> str:
    """Write a whole number with Vietnamese thousands separators: 1.048.576."""
    return f"{value:,.0f}".replace(",", ".")


def _refuse(name: str, en: str, vi: str) -> InputFileError:
    return InputFileError(name, en, message_vi=vi)


def _too_big(name: str, what_en: str, what_vi: str, limits: TableLimits) -> InputFileError:
    return _refuse(
        name,
        f"{what_en}; a sheet may have at most {limits.rows:,} rows, {limits.columns:,} columns "
        f"and {limits.cells:,} cells: copy only the table into a new workbook, save it as .xlsx "
        "(or CSV UTF-8) and upload that",
        f"{what_vi}; mỗi trang tính tối đa {_n(limits.rows)} dòng, {_n(limits.columns)} cột và "
        f"{_n(limits.cells)} ô: chỉ sao chép bảng dữ liệu sang một tệp Excel mới, lưu dạng .xlsx "
        "(hoặc CSV UTF-8) rồi tải lên tệp đó",
    )


def _first_sheet(archive: zipfile.ZipFile, name: str) -> str:
    """Path in the zip of the workbook's first sheet (the one openpyxl reads)."""
    try:
        book = SafeET.fromstring(archive.read("xl/workbook.xml"))
        rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, SafeET.ParseError, ValueError) as exc:
        # ValueError includes defusedxml's refusals of DTDs and entities (Excel writes neither)
        raise _refuse(
            name,
            f"damaged Excel workbook ({type(exc).__name__}): save it again from Excel as .xlsx",
            "tệp Excel bị hỏng: lưu lại từ Excel dạng .xlsx",
        ) from None
    sheet = book.find(f"{_MAIN_NS}sheets/{_MAIN_NS}sheet")
    rel_id = None if sheet is None else sheet.get(f"{_REL_NS}id")
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return str(PurePosixPath(path))
    raise _refuse(
        name,
        "the workbook has no sheet: save the table in Excel as .xlsx",
        "tệp Excel không có trang tính nào: lưu bảng từ Excel dạng .xlsx",
    )


def _check_members(archive: zipfile.ZipFile, name: str, limits: TableLimits) -> None:
    infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.unpacked_bytes:
        mb, limit_mb = unpacked / 2**20, limits.unpacked_bytes / 2**20
        raise _refuse(
            name,
            f"the workbook unpacks to {mb:,.0f} MB (at most {limit_mb:,.0f} MB): split the table "
            "into smaller files",
            f"tệp Excel khi giải nén lớn {_n(mb)} MB (tối đa {_n(limit_mb)} MB): chia bảng "
            "thành các tệp nhỏ hơn",
        )
    for info in infos:
        if info.file_size > _CHUNK and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise _refuse(
                name,
                f"the workbook's part {info.filename} inflates {info.file_size:,} bytes from "
                f"{info.compress_size:,} (a 'zip bomb'; Excel never writes this): save the table "
                "again from Excel",
                f"phần {info.filename} của tệp Excel giải nén từ {_n(info.compress_size)} thành "
                f"{_n(info.file_size)} byte (tệp nén bất thường, Excel không tạo ra như vậy): lưu "
                "lại bảng từ Excel",
            )


def check_xlsx(raw: bytes, name: str, limits: TableLimits = DEFAULT_LIMITS) -> SheetExtent:
    """Check a workbook before it is read; return its first sheet's real extent.

    Raises
    ------
    patrolbase.errors.InputFileError
        Not a zip, damaged, a zip bomb, or a sheet beyond ``limits`` (declared or real).

    """
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(
            name,
            "damaged or truncated Excel workbook (an .xlsx file is a zip archive; this one cannot "
            "be opened as one): save it again from Excel as .xlsx, or as CSV UTF-8",
            "tệp Excel bị hỏng hoặc thiếu (không mở được như một tệp .xlsx): lưu lại từ Excel "
            "dạng .xlsx hoặc CSV UTF-8",
        ) from None
    with archive:
        _check_members(archive, name, limits)
        sheet = _first_sheet(archive, name)
        try:
            return _scan_sheet(archive, sheet, name, limits)
        except (KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _refuse(
                name,
                f"damaged Excel workbook ({type(exc).__name__}: {exc}): save it again from Excel",
                "tệp Excel bị hỏng: lưu lại từ Excel dạng .xlsx",
            ) from None


def _scan_sheet(
    archive: zipfile.ZipFile, sheet: str, name: str, limits: TableLimits
) -> SheetExtent:
    """Stream the sheet's XML: declared dimension first, then the real rows and cells."""
    max_row = max_col = cells = rows = 0
    declared_checked = False
    tail = b""
    with archive.open(sheet) as handle:
        while True:
            piece = handle.read(_CHUNK)
            if not piece:
                break
            data = tail + piece
            # Tags are short: a match wholly inside the overlap was counted with the last piece.
            start = len(tail)
            if not declared_checked:
                found = _DIMENSION.search(data)
                if found or b"sheetData" in data:
                    declared_checked = True
                    if found and found[3]:
                        _check_declared(found, name, limits)
            for match in _CELL_REF.finditer(data):
                if match.end() > start:
                    max_col = max(max_col, column_number(match[1].decode()))
                    max_row = max(max_row, int(match[2]))
            cells += sum(1 for m in _CELL.finditer(data) if m.end() > start)
            for match in _ROW.finditer(data):
                if match.end() > start:
                    rows += 1
                    if match[1]:
                        max_row = max(max_row, int(match[1]))
            tail = data[-_OVERLAP:]
            real_rows = max(max_row, rows)
            if real_rows > limits.rows or max_col > limits.columns or cells > limits.cells:
                raise _too_big(
                    name,
                    f"the first sheet has cells up to row {real_rows:,}, column {max_col:,} "
                    f"({cells:,} cells read so far)",
                    f"trang tính đầu tiên có ô đến dòng {_n(real_rows)}, cột {_n(max_col)} "
                    f"(đã đếm {_n(cells)} ô)",
                    limits,
                )
    return SheetExtent(max(max_row, rows), max_col)


def _check_declared(found: re.Match[bytes], name: str, limits: TableLimits) -> None:
    first_col = column_number((found[1] or b"A").decode())
    first_row = int(found[2] or b"1")
    last_col, last_row = column_number(found[3].decode()), int(found[4])
    width = last_col - min(first_col, last_col) + 1
    height = last_row - min(first_row, last_row) + 1
    if last_row > limits.rows or last_col > limits.columns or width * height > limits.cells:
        ref = found[0].split(b'"')[1].decode()
        raise _too_big(
            name,
            f"the first sheet declares the range {ref} ({last_row:,} rows, {last_col:,} columns)",
            f"trang tính đầu tiên khai báo vùng {ref} ({_n(last_row)} dòng, {_n(last_col)} cột)",
            limits,
        )
