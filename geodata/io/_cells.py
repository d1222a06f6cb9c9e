"""Tables as text cells: CSV (any separator) and XLSX, read within limits, with spreadsheet rows."""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from geodata._guard import DEFAULT_LIMITS, TableLimits, check_xlsx
from geodata.io._decode import _decode, _refuse_binary
from patrolbase.errors import InputFileError, Problem

# --------------------------------------------------------------------------- reading tables


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or XLSX table as text cells, the way a spreadsheet shows it.

    Parameters
    ----------
    path
        ``.csv``, ``.tsv``, ``.txt`` (UTF-8 with or without BOM, UTF-16, Windows-1258 or
        Windows-1252; ``,``, ``;`` or tab separated) or ``.xlsx``/``.xlsm`` (first sheet).

    Returns
    -------
    pandas.DataFrame
        Columns are the header row as written (Unicode NFC); the index is the spreadsheet row
        number (header = row 1, or the first row with two or more filled cells after a title);
        every cell is a stripped string, ``""`` when blank. Blank rows are left out.
        ``attrs["encoding"]`` names the encoding read.

    Raises
    ------
    patrolbase.errors.InputFileError
        Missing, empty, damaged, unreadable file, or a file that is not what its extension says.

    """
    cells = _read_cells(path)
    frame = cells.frame()
    frame.attrs["encoding"] = cells.encoding
    return frame


def _read_cells(path: str | Path) -> _Cells:
    """``read_table`` without the frame: the cells as lists per column (see ``read_table``)."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise InputFileError(
            name,
            f"file not found: check the path ({path.resolve()})",
            message_vi=f"không tìm thấy tệp: kiểm tra lại đường dẫn ({path.resolve()})",
        )
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if not raw.strip(b"\x00 \t\r\n\xef\xbb\xbf\xff\xfe"):
        raise InputFileError(
            name,
            "the file is empty: save the table again with its header row and data",
            message_vi="tệp rỗng: lưu lại bảng kèm dòng tiêu đề và dữ liệu",
        )
    if suffix in (".xlsx", ".xlsm"):
        rows, encoding, composed = _xlsx_rows(raw, name), "xlsx", False
    elif suffix in (".csv", ".tsv", ".txt"):
        _refuse_binary(raw, name)
        # _decode composes the whole text (NFC); no separator, quote or line break composes
        # with a mark, so every cell is composed already.
        text, encoding = _decode(raw, name)
        rows, composed = _csv_rows(text, name), True
    elif suffix == ".xls":
        raise InputFileError(
            name,
            "old Excel 97-2003 workbook (.xls): open it in Excel and save as .xlsx or CSV UTF-8",
            message_vi="tệp Excel 97-2003 (.xls): mở bằng Excel, lưu lại dạng .xlsx hoặc CSV UTF-8",
        )
    else:
        raise InputFileError(
            name,
            f"unsupported file type {suffix or '(none)'!r}: save the table as .xlsx or .csv",
            message_vi=f"không hỗ trợ loại tệp {suffix or '(không có)'!r}: lưu bảng dạng "
            ".xlsx hoặc .csv",
        )
    return _cells(rows, name, encoding=encoding, composed=composed)


def _csv_rows(
    text: str, name: str = "table", limits: TableLimits = DEFAULT_LIMITS
) -> list[tuple[int, list[str]]]:
    """Spreadsheet rows of a CSV text: ``(row number, cells)``, separator detected.

    A cell longer than ``limits.cell_chars`` (the csv module's own limit), more than
    ``limits.rows`` rows or ``limits.columns`` columns: ``InputFileError`` naming the row.
    """
    lines = text.splitlines()
    first = 0
    separator = None
    if lines and re.fullmatch(r"\s*sep=(.)\s*", lines[0]):
        separator = lines[0].strip()[4]  # Excel's "sep=;" hint line is not a spreadsheet row
        first = 1
    body = "\n".join(lines[first:])
    if separator is None:
        header = next((line for line in lines if line.strip()), "")
        separator = max(
            ("\t", ";", ","),
            key=lambda sep: (len(next(csv.reader([header], delimiter=sep))), sep == ","),
        )
    reader = csv.reader(io.StringIO(body), delimiter=separator)
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > limits.columns:
                raise _limit_problem(
                    name,
                    number,
                    f"{len(cells):,} cells in one row (at most {limits.columns:,}): check the "
                    "separator, or save only the table as CSV UTF-8",
                    f"một dòng có {len(cells):,} ô (tối đa {limits.columns:,}): kiểm tra dấu phân "
                    "cách, hoặc chỉ lưu bảng dữ liệu dạng CSV UTF-8",
                )
            if number > limits.rows:
                raise _limit_problem(
                    name,
                    number,
                    f"more than {limits.rows:,} rows: split the table into smaller files",
                    f"quá {limits.rows:,} dòng: chia bảng thành các tệp nhỏ hơn",
                )
            rows.append((number, cells))
    except csv.Error as exc:
        number = len(rows) + 1
        raise _limit_problem(
            name,
            number,
            f"a cell longer than {limits.cell_chars:,} characters, or a quote never closed "
            f"({exc}): no survey or log cell is that long; check the quotes of this row and save "
            "the table again as CSV UTF-8",
            f"một ô dài quá {limits.cell_chars:,} ký tự hoặc dấu ngoặc kép không được đóng: không "
            "ô nào của bảng khảo sát hay sổ vụ việc dài như vậy; kiểm tra dấu ngoặc kép của dòng "
            "này và lưu lại bảng dạng CSV UTF-8",
        ) from None
    return rows


def _limit_problem(name: str, row: int, en: str, vi: str) -> InputFileError:
    """One problem of a row, numbers written with Vietnamese separators in the Vietnamese text."""
    vi = re.sub(r"(?<=\d),(?=\d{3})", ".", vi)
    return InputFileError(name, [Problem(name, row, None, None, en, vi)])


def _xlsx_rows(raw: bytes, name: str) -> list[tuple[int, list[str]]]:
    import openpyxl  # heavy; only XLSX files need it
    from openpyxl.utils.exceptions import InvalidFileException

    if not raw.startswith(b"PK"):
        hint = "it looks like a CSV text file: rename it to .csv" if raw[:1].isascii() else ""
        raise InputFileError(
            name,
            f"not an Excel workbook (.xlsx){': ' + hint if hint else ''}; save it from Excel "
            "as .xlsx",
            message_vi="không phải tệp Excel (.xlsx)"
            + (": có vẻ là tệp CSV, đổi đuôi thành .csv" if hint else "")
            + "; lưu lại từ Excel dạng .xlsx",
        )
    # Limits before any allocation: the declared and real extent, the unpacked size.
    extent = check_xlsx(raw, name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputFileError(
            name,
            f"damaged or truncated Excel workbook ({exc}): save it again from Excel as .xlsx",
            message_vi=f"tệp Excel bị hỏng hoặc thiếu ({exc}): lưu lại từ Excel dạng .xlsx",
        ) from None
    try:
        sheet = book.worksheets[0]
        # Only as far as cells really go: a declared dimension is never trusted for the width.
        rows = sheet.iter_rows(
            max_row=extent.rows or None, max_col=extent.columns or None, values_only=True
        )
        return [(number, [_cell_text(v) for v in values]) for number, values in enumerate(rows, 1)]
    except (ValueError, OverflowError, KeyError, zipfile.BadZipFile) as exc:
        raise InputFileError(
            name,
            f"a cell of the first sheet cannot be read ({type(exc).__name__}: {str(exc)[:80]}), "
            "for example a number thousands of digits long: correct it in Excel and save again",
            message_vi="có ô trong trang tính đầu tiên không đọc được (ví dụ một số dài hàng "
            "nghìn chữ số): sửa lại trong Excel rồi lưu lại",
        ) from None
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _cells(
    rows: list[tuple[int, list[str]]], name: str, *, encoding: str, composed: bool
) -> _Cells:
    """Return the cells below the header, stripped (and composed unless ``composed``).

    The table is turned into columns first (in C), and each column stripped at once: a big log
    never has a Python loop over its cells here.
    """
    numbers = [n for n, _ in rows]
    lengths = [len(cells) for _, cells in rows]
    columns = [
        list(map(str.strip, column))
        if composed
        else [unicodedata.normalize("NFC", c).strip() for c in column]
        for column in itertools.zip_longest(*(cells for _, cells in rows), fillvalue="")
    ]
    kept = list(itertools.compress(range(len(rows)), map(any, zip(*columns, strict=True))))

    def filled(k: int) -> int:
        return sum(1 for column in columns if column[k])

    # A title line above the header ("DANH SÁCH MỤC TIÊU") has one filled cell: skip it.
    while len(kept) > 1 and filled(kept[0]) <= 1 < filled(kept[1]):
        kept = kept[1:]
    if not kept:
        raise InputFileError(
            name,
            "no rows: the table has no header and no data",
            message_vi="bảng không có dòng tiêu đề và dữ liệu",
        )
    header_row = numbers[kept[0]]
    header = [column[kept[0]] for column in columns[: lengths[kept[0]]]]
    body = kept[1:]
    width = max(len(header), *(lengths[k] for k in kept))
    header = header + [""] * (width - len(header))
    names = [h or f"({_column_letter(i)})" for i, h in enumerate(header)]
    problems = []
    seen: dict[str, int] = {}
    for i, h in enumerate(names):
        if h in seen:
            problems.append(
                Problem(
                    name,
                    header_row,
                    h,
                    None,
                    f"header {h!r} appears twice (columns {_column_letter(seen[h])} and "
                    f"{_column_letter(i)}): rename or delete one",
                    f"tiêu đề {h!r} xuất hiện hai lần (cột {_column_letter(seen[h])} và "
                    f"{_column_letter(i)}): đổi tên hoặc xóa một cột",
                )
            )
        seen[h] = i
    # Cells right of the last header: in a CSV, mostly a value holding the separator unquoted.
    named = max((i + 1 for i, h in enumerate(header) if h), default=0)
    for k in (k for k in body if lengths[k] > named):
        stray = [i for i in range(named, lengths[k]) if columns[i][k]]
        if stray:
            letter = _column_letter(stray[0])
            problems.append(Problem(
                name, numbers[k], f"({letter})", columns[stray[0]][k],
                f"a value in column {letter}, right of the last header: a value before it "
                "probably contains the separator; put such values in double quotes (\"a, b\"), "
                "or give the column a header",
                f"có giá trị ở cột {letter}, bên phải cột tiêu đề cuối cùng: có lẽ một giá trị "
                "phía trước chứa dấu phân cách; đặt giá trị đó trong ngoặc kép (\"a, b\") "
                "hoặc đặt tiêu đề cho cột"))  # fmt: skip
    if problems:
        raise InputFileError(name, problems)
    # Short rows were padded with blank cells; columns right of ``width`` are blank in the body.
    if body and body[-1] - body[0] + 1 == len(body):  # no blank line inside the table
        data = [column[body[0] : body[-1] + 1] for column in columns[:width]]
    else:
        data = [[column[k] for k in body] for column in columns[:width]]
    return _Cells(
        names,
        [numbers[k] for k in body],
        dict(zip(names, data, strict=True)),
        encoding,
    )


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class _Cells:
    """A table's text cells: one list per column, ``index`` the spreadsheet row of each."""

    columns: list[str]
    index: list[int]
    data: dict[str, list[str]]
    encoding: str

    @functools.cached_property
    def _position(self) -> dict[int, int]:
        return {row: k for k, row in enumerate(self.index)}

    @property
    def empty(self) -> bool:
        return not self.index

    def cell(self, row: int, column: str) -> str:
        return self.data[column][self._position[row]]

    def frame(self) -> pd.DataFrame:
        """Return the cells as a frame, the way ``read_table`` gives them."""
        return pd.DataFrame(
            {c: self.data[c] for c in self.columns},
            columns=self.columns,
            index=pd.Index(self.index, name="row"),
            dtype=object,
        )
