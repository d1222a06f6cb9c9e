"""The ward's own tables: facility surveys and incident logs, read and written as CSV or XLSX.

Files come from Excel on Vietnamese and Western Windows, from LibreOffice and from Google Sheets,
so ``read_table`` reads CSV in UTF-8 (with or without BOM), UTF-16 ("Unicode text"), Windows-1258
and Windows-1252, separated by ``,``, ``;`` or tabs, and XLSX workbooks. The legacy code page is
decided on the Vietnamese syllables it produces, and a file whose encoding cannot be told is
refused rather than read with broken letters.

``read_facility_survey`` and ``read_incidents`` check the whole file and raise one
``InputFileError`` listing every problem (file, spreadsheet row, column as written, value, what
to do) in English and Vietnamese; nothing is returned from a file with problems. The writers
export the same frames so that reading them back gives the same frame, with cells that a
spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``) neutralised by a
leading apostrophe.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata._guard import DEFAULT_LIMITS, TableLimits, check_xlsx
from geodata.facilities import fold_text, parse_kind
from geodata.incidents import TYPE_ALIASES, parse_incident_type
from geodata.shift import parse_clock
from patrolbase.clock import ward_today
from patrolbase.errors import InputFileError, Problem, SettingsError
from patrolbase.schema import FACILITY_COLUMNS, INCIDENT_COLUMNS, CashLevel, FacilityKind

__all__ = [
    "CASH_LABELS_VI",
    "read_facility_survey",
    "read_incidents",
    "read_table",
    "write_facilities",
    "write_incidents",
]

Bbox = tuple[float, float, float, float]

# Vietnam's mainland and islands, for "looks swapped" without an area.
_VIETNAM = (102.0, 8.0, 117.9, 23.5)

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


def _refuse_binary(raw: bytes, name: str) -> None:
    if raw.startswith(b"PK\x03\x04"):
        raise InputFileError(
            name,
            "this is an Excel workbook (XLSX) with a .csv name: rename it to .xlsx",
            message_vi="đây là tệp Excel (XLSX) nhưng mang đuôi .csv: đổi tên đuôi thành .xlsx",
        )
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(
            name,
            "this is an old Excel workbook (.xls) with a .csv name: save it as CSV UTF-8 or .xlsx",
            message_vi="đây là tệp Excel cũ (.xls) mang đuôi .csv: lưu lại dạng CSV UTF-8 "
            "hoặc .xlsx",
        )


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """Decode a text table; refuse rather than guess when the code page cannot be told."""
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    elif b"\x00" in raw[:4096]:
        # UTF-16 without a byte-order mark: ASCII letters leave their zero byte on one side.
        head = raw[:4096]
        candidates = ["utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"]
    else:
        candidates = ["utf-8"]
    try:
        text, encoding = raw.decode(candidates[0]), candidates[0].removesuffix("-sig")
    except UnicodeDecodeError:
        if candidates[0] != "utf-8":
            raise _unreadable(name, f"damaged {candidates[0].upper()} text") from None
        text, encoding = _decode_legacy(raw, name)
    garbled = _MOJIBAKE.search(text) or (encoding.startswith("cp") and _STRAY_SYMBOL.search(text))
    if garbled:
        raise _unreadable(
            name, f"garbled letters {garbled[0]!r}, converted with the wrong code page"
        )
    return unicodedata.normalize("NFC", text), encoding


# UTF-8 once read as Windows-1252 and saved again: "NgÃ¢n hÃ ng", "Tiá»‡m".
_CP1252_HIGH = (
    "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2026"
    "\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE = re.compile(f"[ÃÂÄÅÆ][{_CP1252_HIGH}]\\S?|á[º»][{_CP1252_HIGH}]")
# A symbol of the Latin-1 range glued to letters: a Chinese, Russian... file read as Windows-125x.
_STRAY = r"[\xa1-\xa9\xab-\xaf\xb1\xb4-\xb6\xb8\xb9\xbb-\xbf]"  # not ª º ° ² ³ ·
_STRAY_SYMBOL = re.compile(rf"\w{_STRAY}|{_STRAY}\w")


def _unreadable(name: str, why: str) -> InputFileError:
    return InputFileError(
        name,
        f"unreadable encoding ({why}): in Excel use File > Save As > 'CSV UTF-8 (Comma "
        "delimited)', or save as .xlsx",
        message_vi=f"không đọc được bảng mã ký tự ({why}): trong Excel chọn Tệp > Lưu thành > "
        "'CSV UTF-8 (Comma delimited)', hoặc lưu dạng .xlsx",
    )


# Bytes that Windows-1258 and Windows-1252 read differently (Vietnamese letters and tone marks
# in 1258; Ã Ì Ð Ò Õ Ý Þ ã ì ð ò õ ý þ Š Ž š ž in 1252).
_CP_DIFFER = frozenset(b"\x8a\x8e\x9a\x9e\xc3\xcc\xd0\xd2\xd5\xdd\xde\xe3\xec\xf0\xf2\xf5\xfd\xfe")


def _decode_legacy(raw: bytes, name: str) -> tuple[str, str]:
    """Tell Windows-1258 from Windows-1252 by whether the differing bytes make Vietnamese."""
    try:
        as_1258 = raw.decode("cp1258")
    except UnicodeDecodeError:
        as_1258 = None
    try:
        as_1252 = raw.decode("cp1252")
    except UnicodeDecodeError:
        as_1252 = None
    if as_1258 is None and as_1252 is None:
        raise _unreadable(name, "neither UTF-8 nor a Windows code page")
    if as_1258 is None or as_1252 is None or as_1258 == as_1252:
        chosen = as_1252 if as_1252 is not None else as_1258
        assert chosen is not None
        return chosen, "cp1252" if as_1252 is not None else "cp1258"
    # Single-byte code pages: character i is byte i, so the words around differing bytes line up.
    spots = [i for i, byte in enumerate(raw) if byte in _CP_DIFFER]
    words_1258 = {_word_at(as_1258, i) for i in spots}
    words_1252 = {_word_at(as_1252, i) for i in spots}
    valid_1258 = sum(map(_plausible_word, words_1258)) / len(words_1258)
    valid_1252 = sum(map(_plausible_word, words_1252)) / len(words_1252)
    if valid_1258 >= 0.8 and valid_1258 > valid_1252:
        return as_1258, "cp1258"
    if valid_1252 >= 0.8 and valid_1252 > valid_1258:
        return as_1252, "cp1252"
    if valid_1258 <= 0.2:
        return as_1252, "cp1252"  # no Vietnamese at all in 1258: Western text (São, Così)
    samples = ", ".join(sorted(w for w in words_1258 if not _plausible_word(w))[:3])
    raise _unreadable(name, f"neither Windows-1258 nor Windows-1252 fits, e.g. {samples!r}")


def _word_at(text: str, i: int) -> str:
    a = i
    while a > 0 and _wordish(text[a - 1]):
        a -= 1
    b = i
    while b + 1 < len(text) and _wordish(text[b + 1]):
        b += 1
    return text[a : b + 1]


def _plausible_word(word: str) -> bool:
    """Tell a Vietnamese syllable, or an abbreviation in capitals such as SĐT, ĐHQG."""
    return _is_vietnamese_syllable(word) or bool(re.fullmatch(r"[A-ZĐ]{2,6}", word))


def _wordish(ch: str) -> bool:
    return ch.isalpha() or unicodedata.category(ch) == "Mn"


_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEI = re.findall(
    r"\S+",
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê"
    " ui uô uơ uy ưa ưi ưu ươ ya yê uya uyê uyu iêu yêu oai oay oao oeo uây uôi ươi ươu",
)  # the vowel groups a syllable may have (tone marks aside)
_SYLLABLE = re.compile(
    rf"^{_ONSET}(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:ch|ng|nh|[cmnpt])?$"
)
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` (any case, tone marks composed or not) is one Vietnamese syllable."""
    bare = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if c not in _TONES)
    bare = unicodedata.normalize("NFC", bare)
    if any(unicodedata.category(c) == "Mn" for c in bare):
        return False  # a mark left over had no letter to sit on
    return bool(_SYLLABLE.match(bare))


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


# --------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class _Field:
    """A column the reader understands: its key, the header spellings, whether it is required."""

    key: str
    headers: tuple[str, ...]  # first one is how the writer spells it in Vietnamese
    header_en: str
    required: bool = False


# One cell "21.0281, 105.8355" instead of two columns, as copied from Google Maps.
_COORDS = ("Tọa độ", "Toạ độ", "Vị trí", "Tọa độ (vĩ độ, kinh độ)", "Lat, Lon", "Lat/Lon",
           "Google Maps")  # fmt: skip

_SURVEY_FIELDS = (
    _Field("facility_id", ("Mã cơ sở", "Mã", "Facility ID"), "ID"),
    _Field("stt", ("STT", "Số TT", "Số thứ tự", "TT", "No", "Number"), "No."),
    _Field(
        "name",
        ("Tên cơ sở", "Tên", "Tên mục tiêu", "Tên đơn vị", "Facility name", "Site name"),
        "Name",
        required=True,
    ),
    _Field(
        "kind",
        ("Loại hình", "Loại", "Loại cơ sở", "Loại hình cơ sở", "Loại mục tiêu", "Category"),
        "Kind",
        required=True,
    ),
    _Field("address", ("Địa chỉ",), "Address"),
    _Field("lat", ("Vĩ độ", "Lat", "Y"), "Latitude", required=True),
    _Field("lon", ("Kinh độ", "Lon", "Lng", "Long", "X"), "Longitude", required=True),
    _Field("coords", _COORDS, "Coordinates"),
    _Field(
        "opening_hours",
        ("Giờ hoạt động", "Giờ mở cửa", "Thời gian hoạt động", "Giờ làm việc", "Hours"),
        "Opening hours",
    ),
    _Field(
        "cash_level",
        ("Lượng tiền mặt", "Tiền mặt", "Mức tiền mặt", "Cash", "Cash held"),
        "Cash level",
    ),
    _Field("guard", ("Bảo vệ", "Security guard"), "Guard"),
    _Field("camera", ("Camera", "CCTV"), "Camera"),
    _Field("alarm", ("Chuông báo động", "Báo động", "Chuông báo"), "Alarm"),
    _Field(
        "contact",
        (
            "Người phụ trách / SĐT",
            "Người phụ trách",
            "SĐT",
            "Điện thoại",
            "Liên hệ",
            "Người phụ trách, SĐT",
            "Contact",
            "Phone",
        ),
        "Contact / phone",
    ),
    _Field("notes", ("Ghi chú", "Note", "Remarks"), "Notes"),
    _Field("operator", ("Đơn vị quản lý", "Chủ sở hữu", "Owner"), "Operator"),
    _Field("source", ("Nguồn", "Nguồn dữ liệu"), "Source"),
    _Field("osm_id", ("OSM ID", "OSM"), "OSM ID"),
)

_INCIDENT_FIELDS = (
    _Field("incident_id", ("Mã vụ việc", "Mã", "Số vụ việc", "Incident ID", "ID"), "ID"),
    _Field("stt", ("STT", "Số TT", "Số thứ tự", "TT", "No", "Number"), "No."),
    _Field(
        "time",
        ("Thời gian", "Thời điểm", "Ngày giờ", "Thời gian xảy ra", "Datetime", "Date time"),
        "Time",
    ),
    _Field("date", ("Ngày", "Ngày xảy ra", "Date"), "Date"),
    _Field("clock", ("Giờ", "Giờ xảy ra", "Hour", "Clock"), "Hour"),
    _Field(
        "type",
        ("Loại vụ việc", "Loại", "Tính chất vụ việc", "Tội danh", "Loại hình", "Incident type"),
        "Type",
        required=True,
    ),
    _Field("lat", ("Vĩ độ", "Lat", "Y"), "Latitude", required=True),
    _Field("lon", ("Kinh độ", "Lon", "Lng", "Long", "X"), "Longitude", required=True),
    _Field("coords", _COORDS, "Coordinates"),
    _Field(
        "facility_id", ("Mã cơ sở", "Cơ sở", "Mục tiêu", "Facility", "Facility ID"), "Facility ID"
    ),
    _Field(
        "description",
        ("Mô tả", "Nội dung", "Tóm tắt", "Nội dung vụ việc", "Summary"),
        "Description",
    ),
    _Field("demo", ("Dữ liệu minh họa", "Minh họa", "Demo"), "Demo data"),
)


def _accepted(field: _Field) -> str:
    return ", ".join(dict.fromkeys((*field.headers, field.header_en, field.key)))


def _map_headers(columns: Iterable[str], fields: tuple[_Field, ...]) -> dict[str, str]:
    """Field key -> the file's header, matched case-, diacritic- and spacing-insensitively."""
    spellings = {fold_text(s): f.key for f in fields for s in (*f.headers, f.header_en, f.key)}
    found: dict[str, str] = {}
    for column in columns:
        plain = re.sub(r"\(.*?\)|\[.*?\]", " ", column)  # "Vĩ độ (lat)" -> "Vĩ độ"
        for form in (column, plain, *plain.split("/")):
            key = spellings.get(fold_text(form))
            if key is not None:
                found.setdefault(key, column)
                break
    return found


_YES = frozenset({"co", "x", "yes", "y", "1", "true", "dung", "v", "ok"})
_NO = frozenset({"khong", "no", "n", "0", "false", "sai", "k", "ko"})
_YES_MARKS = frozenset("✓✔☑✅xX")

CASH_LABELS_VI = {
    CashLevel.NONE: "Không",
    CashLevel.LOW: "Thấp",
    CashLevel.MEDIUM: "Trung bình",
    CashLevel.HIGH: "Cao",
}
"""Vietnamese labels of ``CashLevel`` as the survey writes them."""
_CASH_EN = {
    CashLevel.NONE: "None",
    CashLevel.LOW: "Low",
    CashLevel.MEDIUM: "Medium",
    CashLevel.HIGH: "High",
}
_CASH_ALIASES = {
    **{fold_text(v): k for k, v in CASH_LABELS_VI.items()},
    **{fold_text(v): k for k, v in _CASH_EN.items()},
    **{k.value: k for k in CashLevel},
    "tb": CashLevel.MEDIUM,
    "vua": CashLevel.MEDIUM,
    "rat cao": CashLevel.HIGH,
    "nhieu": CashLevel.HIGH,
    "it": CashLevel.LOW,
    "0": CashLevel.NONE,
}


class _Checker:
    """Collects the problems of one file, in the user's words."""

    def __init__(self, file: str, headers: dict[str, str]):
        self.file = file
        self.headers = headers
        self.problems: list[Problem] = []

    def add(self, row: int | None, key: str | None, value: str | None, en: str, vi: str) -> None:
        column = self.headers.get(key, key) if key is not None else None
        self.problems.append(Problem(self.file, row, column, value, en, vi))

    def number(self, row: int, key: str, text: str, what_en: str, what_vi: str) -> float | None:
        cleaned = text.replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"[+-]?\d+,\d+", cleaned):
            cleaned = cleaned.replace(",", ".")  # decimal comma: 21,0281
        dms = _DMS.fullmatch(cleaned)
        if dms:  # 21°01'41.3"N, as Google Maps shows a place
            value: float = sum(
                float((part or "0").replace(",", ".")) / 60**k
                for k, part in enumerate(dms.group(1, 2, 3))
            )
            return -value if (dms[4] or "").upper() in ("S", "W") else value
        if not cleaned:
            self.add(
                row,
                key,
                text,
                f"{what_en} is empty: fill it in",
                f"{what_vi} đang để trống: hãy điền vào",
            )
            return None
        try:
            return float(cleaned)
        except ValueError:
            self.add(
                row,
                key,
                text,
                f"text in a number column: write {what_en} as a decimal number such as "
                "21.0281 (decimal degrees)",
                f"cột số có chữ: ghi {what_vi} dạng số thập phân, ví dụ 21.0281 (độ thập phân)",
            )
            return None

    def yes_no(self, row: int, key: str, text: str) -> bool | None:
        value, understood = _yes_no(text)
        if understood:
            return value
        self.add(
            row,
            key,
            text,
            "expected yes or no: write Có or Không (or x, ✓, 1, 0)",
            "cần ghi có hoặc không: ghi Có hoặc Không (hoặc x, ✓, 1, 0)",
        )
        return None

    def coordinates(
        self, row: int, get: Callable[[str], str], bbox: Bbox | None
    ) -> tuple[float, float] | None:
        """Read and check a row's position from Vĩ độ/Kinh độ, or from one Tọa độ cell."""
        lat_text, lon_text = get("lat"), get("lon")
        lat_key, lon_key = "lat", "lon"
        if "coords" in self.headers and not (lat_text or lon_text):
            lat_key = lon_key = "coords"
            pair = _split_pair(get("coords"))
            if pair is None:
                self.add(row, "coords", get("coords"),
                         "expected two numbers, latitude then longitude: 21.0281, 105.8355",
                         "cần hai số, vĩ độ rồi kinh độ: 21.0281, 105.8355")  # fmt: skip
                return None
            lat_text, lon_text = pair
        lat = self.number(row, lat_key, lat_text, "the latitude", "vĩ độ")
        lon = self.number(row, lon_key, lon_text, "the longitude", "kinh độ")
        if lat is None or lon is None:
            return None
        shown = f"lat={lat_text}, lon={lon_text}"
        inside_world = -90 <= lat <= 90 and -180 <= lon <= 180
        swapped_fits = -90 <= lon <= 90 and -180 <= lat <= 180
        area = bbox or _VIETNAM
        where_en = "the area's bounds" if bbox else "Vietnam"
        where_vi = "phạm vi địa bàn" if bbox else "lãnh thổ Việt Nam"
        if lat == 0 and lon == 0:
            self.add(
                row,
                lat_key,
                shown,
                "coordinates 0, 0 are a placeholder: fill in the real "
                "position (Google Maps: right-click the place, copy the numbers)",
                "tọa độ 0, 0 là giá trị tạm: điền vị trí thật (Google Maps: bấm chuột phải "
                "vào địa điểm, sao chép các số)",
            )
            return None
        if _inside(lat, lon, area):
            return lat, lon
        if swapped_fits and _inside(lon, lat, area):
            self.add(
                row,
                lat_key,
                shown,
                f"latitude and longitude look swapped (swapped they fall in {where_en}): "
                "put the latitude (Vĩ độ, about 8-23 in Vietnam) in the latitude column "
                "and the longitude (Kinh độ, about 102-110) in the longitude column",
                f"vĩ độ và kinh độ có vẻ bị đảo ngược (đổi chỗ thì nằm trong {where_vi}): "
                "ghi vĩ độ (khoảng 8-23 ở Việt Nam) vào cột Vĩ độ và kinh độ (khoảng "
                "102-110) vào cột Kinh độ",
            )
            return None
        if not inside_world:
            self.add(
                row,
                lat_key if not -90 <= lat <= 90 else lon_key,
                shown,
                "coordinates out of range: latitude must be within -90..90 and longitude "
                "within -180..180 (decimal degrees such as 21.0281, 105.8355)",
                "tọa độ ngoài giới hạn: vĩ độ phải trong khoảng -90..90, kinh độ trong "
                "khoảng -180..180 (độ thập phân, ví dụ 21.0281, 105.8355)",
            )
            return None
        if bbox is not None:
            box = ", ".join(f"{v:.4f}" for v in bbox)
            self.add(
                row,
                lat_key,
                shown,
                f"outside the area (west, south, east, north = {box}): check the "
                "coordinates, or load the area that contains this place",
                f"nằm ngoài địa bàn (tây, nam, đông, bắc = {box}): kiểm tra lại tọa độ "
                "hoặc nạp đúng địa bàn chứa địa điểm này",
            )
            return None
        return lat, lon  # no area given and not in Vietnam: a ward abroad is allowed

    def lost_letters(self, row: int, key: str, text: str) -> None:
        if re.search(r"\w\?\w", text):
            self.add(
                row,
                key,
                text,
                "a '?' inside a word: Vietnamese letters were lost when the file was "
                "saved; in Excel save as 'CSV UTF-8' or .xlsx and type the name again",
                "có dấu '?' giữa chữ: chữ tiếng Việt đã bị mất khi lưu tệp; trong Excel "
                "lưu dạng 'CSV UTF-8' hoặc .xlsx rồi gõ lại tên",
            )


@functools.lru_cache(maxsize=1024)
def _yes_no(text: str) -> tuple[bool | None, bool]:
    """Read a yes/no cell: ``(value, understood)``; blank is ``(None, True)``."""
    if not text:
        return None, True
    folded = fold_text(text)
    if folded in _YES or (len(text) == 1 and text in _YES_MARKS):
        return True, True
    if folded in _NO or text in ("✗", "✘", "-"):
        return False, True
    return None, False


_DMS = re.compile(
    r"(\d{1,3})°(?:(\d{1,2}(?:[.,]\d+)?)['′’])?(?:(\d{1,2}(?:[.,]\d+)?)(?:\"|″|''|”))?([NSEWnsew])?"
)


def _split_pair(text: str) -> tuple[str, str] | None:
    """Split one "Tọa độ" cell (``21.0281, 105.8355`` as Google Maps copies it) in two."""
    text = text.strip().strip("()[]")
    for separator in (";", ", ", ",", " "):
        parts = [p for p in text.split(separator) if p.strip()]
        if len(parts) == 2:
            return parts[0].strip(), parts[1].strip()
    return None


def _inside(lat: float, lon: float, bbox: Bbox) -> bool:
    west, south, east, north = bbox
    return west <= lon <= east and south <= lat <= north


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


def _start(path: str | Path, fields: tuple[_Field, ...]) -> tuple[_Cells, _Checker]:
    table = _read_cells(path)
    lost = [h for h in table.columns if re.search(r"\w\?|\?\w", h)]
    if lost:
        # Excel on a Western Windows wrote "?" for every letter its code page lacks.
        raise InputFileError(str(path), [Problem(
            str(path), 1, lost[0], None,
            f"Vietnamese letters were replaced by '?' when the file was saved (headers such as "
            f"{', '.join(map(repr, lost[:3]))}); they cannot be recovered: in Excel save the "
            "table again as 'CSV UTF-8 (Comma delimited)' or .xlsx",
            f"chữ tiếng Việt đã bị thay bằng '?' khi lưu tệp (các tiêu đề như "
            f"{', '.join(map(repr, lost[:3]))}); không khôi phục được: trong Excel lưu lại bảng "
            "dạng 'CSV UTF-8 (Comma delimited)' hoặc .xlsx")])  # fmt: skip
    checker = _Checker(str(path), _map_headers(table.columns, fields))
    if table.empty:
        checker.add(
            None,
            None,
            None,
            "the table has a header but no data rows: add the rows below the header",
            "bảng chỉ có dòng tiêu đề, không có dữ liệu: thêm các dòng bên dưới tiêu đề",
        )
    for field in fields:
        waived = field.key in ("lat", "lon") and "coords" in checker.headers
        if field.required and field.key not in checker.headers and not waived:
            # Row 1 (the header) and the column's usual name: that is where it must be added.
            checker.problems.append(
                Problem(
                    checker.file,
                    1,
                    field.headers[0],
                    None,
                    f"missing column {field.headers[0]!r} ({field.header_en}): add it; accepted "
                    f"headers: {_accepted(field)}",
                    f"thiếu cột {field.headers[0]!r}: hãy thêm cột này; các tiêu đề được "
                    f"chấp nhận: {_accepted(field)}",
                )
            )
    return table, checker


def _text(table: _Cells, headers: dict[str, str], row: int, key: str) -> str:
    column = headers.get(key)
    if column is None:
        return ""
    return _unquote(table.cell(row, column))


def _unquote(value: str) -> str:
    """Drop the apostrophe that only neutralised a formula on export (see ``_neutralise``)."""
    return value[1:] if _QUOTED.match(value) else value


def _column(table: _Cells, headers: dict[str, str], key: str) -> list[str]:
    """Return a field's cells top to bottom as ``_text`` reads them (blank without the column)."""
    column = headers.get(key)
    if column is None:
        return [""] * len(table.index)
    return _unquote_all(table.data[column])


def _unquote_all(values: list[str]) -> list[str]:
    """``_unquote`` of every cell."""
    return [v[1:] if v[:1] == "'" and _QUOTED.match(v) else v for v in values]


# Apostrophes before a formula character: the writer added the first one (``_neutralise``).
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def _ids(checker: _Checker, table: _Cells, *, id_key: str, prefix: str) -> dict[int, str]:
    """Index per row: the file's own id, else ``<prefix>-<STT>``, else by order."""
    ids: dict[int, str] = {}
    used: dict[str, int] = {}
    owns = _column(table, checker.headers, id_key)
    stts = _column(table, checker.headers, "stt")
    for order, (row, own, stt) in enumerate(zip(table.index, owns, stts, strict=True), start=1):
        if own:
            ident = own if not own.isdigit() else f"{prefix}-{own}"
            key = id_key
        elif "stt" in checker.headers:
            if not re.fullmatch(r"\d{1,9}", stt.removesuffix(".0")):
                checker.add(
                    row,
                    "stt",
                    stt[:40],
                    "STT must be a whole number such as 7 (at most 9 digits): number every row",
                    "STT phải là số nguyên, ví dụ 7 (tối đa 9 chữ số): đánh số mọi dòng",
                )
                continue
            ident, key = f"{prefix}-{int(stt.removesuffix('.0'))}", "stt"
        else:
            ident, key = f"{prefix}-{order}", "stt"
        if ident in used:
            checker.add(
                row,
                key,
                ident,
                f"the same number as row {used[ident]}: give every row its own number",
                f"trùng số với dòng {used[ident]}: mỗi dòng phải có số riêng",
            )
        used.setdefault(ident, row)
        ids[row] = ident
    return ids


# --------------------------------------------------------------------------- facility survey


def read_facility_survey(path: str | Path, *, bbox: Bbox | None = None) -> gpd.GeoDataFrame:
    """Read the ward's facility survey (CSV or XLSX) into the facilities frame.

    Headers may be written as the ward writes them (STT, Tên cơ sở, Loại hình, Địa chỉ, Vĩ độ,
    Kinh độ, Giờ hoạt động, Lượng tiền mặt, Bảo vệ, Camera, Chuông báo động, Người phụ trách /
    SĐT, Ghi chú) or in English, in any case, with or without diacritics. See
    ``docs/formats.md``.

    Parameters
    ----------
    path
        The survey file.
    bbox
        ``(west, south, east, north)`` of the area: sites outside are refused, and swapped
        coordinates are recognised against it (against Vietnam's range without it).

    Returns
    -------
    geopandas.GeoDataFrame
        ``FACILITY_COLUMNS`` (then any extra columns of the file), index ``facility_id``
        (``survey-<STT>``, or the file's own ``Mã cơ sở``), EPSG:4326.

    Raises
    ------
    patrolbase.errors.InputFileError
        With every problem of the file; nothing is returned.

    """
    table, check = _start(path, _SURVEY_FIELDS)
    if check.problems:
        raise InputFileError(check.file, check.problems)
    ids = _ids(check, table, id_key="facility_id", prefix="survey")
    # "Người phụ trách" and "SĐT" are often two columns: both go to contact.
    contacts = [c for c in table.columns if _map_headers([c], _SURVEY_FIELDS).get("contact")]
    extras = [c for c in _extras(table, check) if c not in contacts]
    records: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, float, float], int] = {}
    for row in table.index:
        get = functools.partial(_text, table, check.headers, row)
        name, kind_text = get("name"), get("kind")
        if not name:
            check.add(
                row,
                "name",
                "",
                "the name is empty: write the facility's name",
                "tên cơ sở đang để trống: hãy ghi tên",
            )
        check.lost_letters(row, "name", name)
        kind = parse_kind(kind_text)
        if kind is None:
            accepted = "; ".join(f"{k.label_vi} ({k.label_en})" for k in FacilityKind)
            check.add(
                row,
                "kind",
                kind_text,
                f"unknown kind: write one of {accepted}",
                f"loại hình không rõ: ghi một trong các loại {accepted}",
            )
        position = check.coordinates(row, get, bbox)
        cash_text = get("cash_level")
        cash = _CASH_ALIASES.get(fold_text(cash_text)) if cash_text else None
        if cash_text and cash is None:
            check.add(
                row,
                "cash_level",
                cash_text,
                "unknown cash level: write Không, Thấp, Trung bình or Cao",
                "mức tiền mặt không rõ: ghi Không, Thấp, Trung bình hoặc Cao",
            )
        source = get("source") or "survey"
        if source not in ("survey", "osm", "osm+survey"):
            check.add(
                row,
                "source",
                source,
                "source must be survey, osm or osm+survey (or left empty)",
                "nguồn phải là survey, osm hoặc osm+survey (hoặc để trống)",
            )
        if position is not None and kind is not None and row in ids:
            key = (fold_text(name), kind.value, round(position[0], 5), round(position[1], 5))
            if key in seen:
                check.add(
                    row,
                    "name",
                    name,
                    f"duplicate of row {seen[key]} (same name, kind and position): "
                    "delete one of them",
                    f"trùng với dòng {seen[key]} (cùng tên, loại hình và vị trí): xóa một dòng",
                )
            seen.setdefault(key, row)
        records.append(
            {
                "facility_id": ids.get(row, ""),
                "name": name,
                "kind": kind.value if kind else "",
                "lat": position[0] if position else float("nan"),
                "lon": position[1] if position else float("nan"),
                "source": source,
                "osm_id": get("osm_id"),
                "address": get("address"),
                "opening_hours": get("opening_hours"),
                "operator": get("operator"),
                "cash_level": cash.value if cash else "",
                "guard": check.yes_no(row, "guard", get("guard")),
                "camera": check.yes_no(row, "camera", get("camera")),
                "alarm": check.yes_no(row, "alarm", get("alarm")),
                "contact": " / ".join(
                    filter(None, (_unquote(table.cell(row, c)) for c in contacts))
                ),
                "notes": get("notes"),
                **{column: _unquote(table.cell(row, column)) for column in extras},
            }
        )
    if check.problems:
        raise InputFileError(check.file, check.problems)
    columns = ["facility_id", *(c for c in FACILITY_COLUMNS if c != "geometry"), *extras]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for flag in ("guard", "camera", "alarm"):
        frame[flag] = frame[flag].astype("boolean")
    return _geoframe(frame.set_index("facility_id"), FACILITY_COLUMNS)


def _extras(table: _Cells, check: _Checker) -> list[str]:
    known = set(check.headers.values())
    return [c for c in table.columns if c not in known]


def _geoframe(frame: pd.DataFrame, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    frame["lat"] = frame["lat"].astype(float)
    frame["lon"] = frame["lon"].astype(float)
    geo = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )
    ordered = [*columns, *(c for c in geo.columns if c not in columns)]
    return geo[ordered]


# --------------------------------------------------------------------------- incidents

_DATE = re.compile(
    r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)|(?<!\d)(\d{1,2})[/.-](\d{1,2})"
    r"(?:[/.-](\d{2,4}))?(?![\d/.-])"
)
_CLOCK_TOKEN = re.compile(r"(?<![\d/.-])(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)(?::(\d{2}))?(?![\d/])")


def _parse_when(text: str, clock_text: str) -> tuple[datetime | None, str, str]:
    """Read a local date and time from ``text`` (and a separate clock column); else the reason."""
    text = text.strip()
    shift = timedelta(0)
    iso = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d{1,9})?"
        r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?",
        text,
    )
    if iso:
        text = f"{iso[1]} {iso[2]}"
        if iso[3]:
            offset = _utc_offset(iso[3])
            if offset is None:
                return None, *(
                    f"no such time zone offset {iso[3]!r}: offsets run from -12:00 to +14:00 "
                    "(Vietnam +07:00); write the ward's local time without an offset",
                    f"độ lệch múi giờ không hợp lệ {iso[3]!r}: từ -12:00 đến +14:00 (Việt Nam "
                    "+07:00); ghi giờ địa phương, không kèm múi giờ",
                )
            shift = _WARD_OFFSET - offset  # the stored time is the ward's local time
    match = _DATE.search(text)
    if not match:
        return None, *(
            "no date: write it as dd/mm/yyyy or yyyy-mm-dd, e.g. 23/11/2026 22:00",
            "thiếu ngày: ghi dạng dd/mm/yyyy hoặc yyyy-mm-dd, ví dụ 23/11/2026 22:00",
        )
    if match[1]:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        if not match[6] or len(match[6]) != 4:
            return None, *(
                "date without a full year: write the year in four digits, e.g. 23/11/2026",
                "ngày thiếu năm: ghi đủ năm bốn chữ số, ví dụ 23/11/2026",
            )
        day, month, year = int(match[4]), int(match[5]), int(match[6])
    if year < _FIRST_YEAR:
        return None, *(
            f"the year {year} is too early: check the year",
            f"năm {year} quá sớm: kiểm tra lại năm",
        )
    if year > _LAST_YEAR:
        return None, *(
            f"the year {year} is too late (after {_LAST_YEAR}): check the year, written "
            "day/month/year, e.g. 23/11/2026",
            f"năm {year} quá muộn (sau năm {_LAST_YEAR}): kiểm tra lại năm, ghi ngày/tháng/năm, "
            "ví dụ 23/11/2026",
        )
    try:
        the_date = date(year, month, day)
    except ValueError:
        if not match[1] and month > 12 >= day:
            return None, *(
                f"month {month}: the date looks written month/day/year (US order); write "
                "day/month/year, e.g. 23/11/2026, and check every date of this file",
                f"tháng {month}: ngày có vẻ được ghi theo kiểu Mỹ tháng/ngày/năm; hãy ghi "
                "ngày/tháng/năm, ví dụ 23/11/2026, và kiểm tra mọi ngày trong tệp",
            )
        return None, *(
            f"no such date ({day}/{month}/{year}): write day/month/year, e.g. 23/11/2026",
            f"ngày không tồn tại ({day}/{month}/{year}): ghi ngày/tháng/năm, ví dụ 23/11/2026",
        )
    # A separate clock column wins: Excel gives a date-only cell as midnight.
    rest = text[: match.start()] + " " + text[match.end() :]
    clock = _CLOCK_TOKEN.search(clock_text) or _CLOCK_TOKEN.search(rest)
    if not clock:
        return None, *(
            "no time of day: add it as 24-hour 22:00 or 22h00 (estimate when unknown)",
            "thiếu giờ xảy ra: ghi theo 24 giờ, ví dụ 22:00 hoặc 22h00 (ước lượng nếu không rõ)",
        )
    if clock[3] is not None and int(clock[3]) > 59:
        return None, *(
            f"no such time {clock[0].strip()!r}: seconds run 00-59",
            f"giờ không hợp lệ {clock[0].strip()!r}: giây từ 00 đến 59",
        )
    hour = int(clock[1])
    # A 12-hour clock (Excel in an English locale: "10:15 PM"; Vietnamese "SA"/"CH").
    half = re.search(r"\b(AM|PM|SA|CH)\b", f"{clock_text} {rest}", flags=re.IGNORECASE)
    if half and 1 <= hour <= 12:
        hour = hour % 12 + (12 if half[1].upper() in ("PM", "CH") else 0)
    try:
        hhmm = parse_clock(f"{hour}:{clock[2] or '00'}", field="time")
    except SettingsError:
        return None, *(
            f"no such time {clock[0].strip()!r}: hours run 00-23 and minutes 00-59 (24-hour clock)",
            f"giờ không hợp lệ {clock[0].strip()!r}: giờ từ 00 đến 23, phút từ 00 đến 59 (24 giờ)",
        )
    return datetime.combine(the_date, hhmm) + shift, "", ""


_WARD_OFFSET = timedelta(hours=7)


def _utc_offset(text: str) -> timedelta | None:
    """Return a written UTC offset (``Z``, ``+07:00``, ``-05``); ``None`` if impossible."""
    if text == "Z":
        return timedelta(0)
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes > 59 or hours > 14 or (text[0] == "-" and hours > 12):
        return None
    sign = -1 if text[0] == "-" else 1
    return sign * timedelta(hours=hours, minutes=minutes)


def read_incidents(path: str | Path, *, bbox: Bbox | None = None) -> gpd.GeoDataFrame:
    """Read the ward's incident log (CSV or XLSX) into the incidents frame.

    Columns: a time (``Thời gian``: ``23/11/2026 22h00``, ``2026-11-23 22:00``), or a date
    (``Ngày``) and a clock column (``Giờ``); the type (``Loại vụ việc``, Vietnamese or
    English); ``Vĩ độ``/``Kinh độ``; optionally the facility (``Mã cơ sở``), a description
    (``Mô tả``), an id (``Mã vụ việc`` or ``STT``) and ``Dữ liệu minh họa`` (yes/no). See
    ``docs/formats.md``.

    Parameters
    ----------
    path
        The incident file.
    bbox
        ``(west, south, east, north)`` of the area; see ``read_facility_survey``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``INCIDENT_COLUMNS`` (then extra columns), index ``incident_id`` (the file's
        ``Mã vụ việc``, else ``inc-<STT>``), EPSG:4326, sorted as in the file.

    Raises
    ------
    patrolbase.errors.InputFileError
        With every problem of the file; nothing is returned.

    """
    table, check = _start(path, _INCIDENT_FIELDS)
    if "time" not in check.headers and "date" not in check.headers:
        field = _INCIDENT_FIELDS[2]
        check.problems.append(
            Problem(
                check.file,
                1,
                field.headers[0],
                None,
                f"missing column {field.headers[0]!r} (time): add it, or a date column 'Ngày' and "
                f"a clock column 'Giờ'; accepted headers: {_accepted(field)}",
                f"thiếu cột {field.headers[0]!r}: thêm cột này, hoặc cột 'Ngày' và cột 'Giờ'; các "
                f"tiêu đề được chấp nhận: {_accepted(field)}",
            )
        )
    if check.problems:
        raise InputFileError(check.file, check.problems)
    ids = _ids(check, table, id_key="incident_id", prefix="inc")
    extras = _extras(table, check)
    column = functools.partial(_column, table, check.headers)
    rows = table.index
    when_key = "time" if "time" in check.headers else "date"
    when_text, clock_text = column(when_key), column("clock")
    times, slow = _incident_times(when_text, clock_text)
    reasons: dict[int, tuple[str, str]] = {}
    for k in np.flatnonzero(slow).tolist():  # other layouts, and every mistake
        when, why_en, why_vi = _parse_when(when_text[k], clock_text[k])
        if when is None:
            reasons[k] = (why_en, why_vi)
        elif when.year < _FIRST_YEAR:
            reasons[k] = (
                f"the year {when.year} is too early: check the year",
                f"năm {when.year} quá sớm: kiểm tra lại năm",
            )
        else:
            times[k] = np.datetime64(when, "ns")
    known = ~np.isnat(times)
    future = known & (times.astype("datetime64[D]") > np.datetime64(ward_today(), "D"))
    type_text = column("type")
    parsed = {text: parse_incident_type(text) for text in dict.fromkeys(type_text)}
    kinds = [parsed[text] for text in type_text]
    lat, lon, placed, place_problems = _positions(check, column, rows, bbox)
    demo_text = column("demo")
    demo = [_yes_no(text) for text in demo_text]
    typed = np.array([kind is not None for kind in kinds], dtype=bool)
    duplicate_of = _duplicate_incidents(rows, times, kinds, lat, lon, known & typed & placed)
    # Problems row by row, in the order the rules are listed in docs/formats.md.
    flagged = set(reasons) | set(np.flatnonzero(future).tolist()) | set(place_problems)
    flagged |= set(np.flatnonzero(~typed).tolist())
    flagged |= {k for k, (_, understood) in enumerate(demo) if not understood}
    flagged |= set(duplicate_of)
    for k in sorted(flagged):
        row = rows[k]
        if k in reasons:
            check.add(row, when_key, when_text[k] or clock_text[k], *reasons[k])
        elif future[k]:
            check.add(
                row,
                when_key,
                when_text[k],
                "the date is in the future: check the year",
                "ngày nằm trong tương lai: kiểm tra lại năm",
            )
        if kinds[k] is None:
            accepted = "; ".join(
                f"{t.label_vi} ({t.label_en})" for t in dict.fromkeys(TYPE_ALIASES.values())
            )
            check.add(
                row,
                "type",
                type_text[k],
                f"unknown incident type: write one of {accepted}",
                f"loại vụ việc không rõ: ghi một trong các loại {accepted}",
            )
        check.problems.extend(place_problems.get(k, ()))
        check.yes_no(row, "demo", demo_text[k])
        if k in duplicate_of:
            first = duplicate_of[k]
            check.add(
                row,
                when_key,
                when_text[k],
                f"duplicate of row {first} (same time, type and place): delete one of them",
                f"trùng với dòng {first} (cùng thời gian, loại và địa điểm): xóa một dòng",
            )
    if check.problems:
        raise InputFileError(check.file, check.problems)
    data: dict[str, Any] = {
        "incident_id": [ids[row] for row in rows],
        "time": times,
        "type": [kind.value for kind in kinds if kind is not None],
        "lat": lat,
        "lon": lon,
        "facility_id": column("facility_id"),
        "description": column("description"),
        "demo": np.array([bool(value) for value, _ in demo], dtype=bool),
        **{name: _unquote_all(table.data[name]) for name in extras},
    }
    columns = ["incident_id", *(c for c in INCIDENT_COLUMNS if c != "geometry"), *extras]
    if len(set(columns)) < len(columns):  # an extra column named like a field: as rows, as ever
        frame = pd.DataFrame.from_records(
            [dict(zip(data, values, strict=True)) for values in zip(*data.values(), strict=True)],
            columns=columns,
        )
    else:
        frame = pd.DataFrame(data, columns=columns)
    frame["time"] = pd.to_datetime(frame["time"]).astype("datetime64[ns]")
    frame["demo"] = frame["demo"].astype(bool)
    return _geoframe(frame.set_index("incident_id"), INCIDENT_COLUMNS)


# Dates before this year are refused: the frame's times (nanoseconds) start in September 1677.
_FIRST_YEAR = 1678
# and after this one: they end in April 2262 (a later year would wrap around to the 1600s-1800s).
_LAST_YEAR = 2200

# The usual layouts of a time cell, read for a whole column at once: D, M, Y, h, m are digits of
# the day, month, year, hour and minute, s of seconds (checked 00-59, then dropped, as
# ``_parse_when`` does);
# any other character stands for the separators ``_parse_when`` accepts at that place.
_DATE_LAYOUTS = ("DD/MM/YYYY", "YYYY/MM/DD")
_CLOCK_LAYOUTS = ("hh:mm", "hh:mm;ss")
_LAYOUT_SEPARATORS = {"/": "/.-", " ": " T", ":": ":hH", ";": ":"}


def _incident_times(texts: list[str], clocks: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Read the common time layouts column-wise, exactly as ``_parse_when`` reads them.

    Returns
    -------
    tuple
        ``datetime64[ns]`` times (``NaT`` where not read) and which rows are left for
        ``_parse_when``: other layouts, impossible dates or clock times, and rows whose date
        the column pass does not take (years outside 1900-2200).

    """
    n = len(texts)
    fields = {letter: np.full(n, -1, dtype=np.int64) for letter in "DMYhms"}
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    clock_lengths = np.fromiter(map(len, clocks), dtype=np.int64, count=n)
    has_clock = clock_lengths > 0
    read = np.zeros(n, dtype=bool)
    # With a separate clock the date cell may hold a time too (ignored); without, it must.
    for date_layout in _DATE_LAYOUTS:
        for clock_layout in _CLOCK_LAYOUTS:
            _read_layout(texts, lengths, f"{date_layout} {clock_layout}", fields, read)
        _read_layout(texts, lengths, date_layout, fields, read, where=has_clock)
    clock_fields = {letter: np.full(n, -1, dtype=np.int64) for letter in "hms"}
    clock_read = np.zeros(n, dtype=bool)
    for clock_layout in _CLOCK_LAYOUTS:
        _read_layout(clocks, clock_lengths, clock_layout, clock_fields, clock_read, where=has_clock)
    hour = np.where(has_clock, clock_fields["h"], fields["h"])
    minute = np.where(has_clock, clock_fields["m"], fields["m"])
    read &= np.where(has_clock, clock_read, True)
    year, month, day = fields["Y"], fields["M"], fields["D"]
    read &= (year >= 1900) & (year <= 2200) & (month >= 1) & (month <= 12)
    second = np.where(has_clock, clock_fields["s"], fields["s"])
    read &= (hour >= 0) & (hour <= 23) & (minute >= 0) & (minute <= 59) & (second <= 59)
    months = np.where(read, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first_day = months.astype("datetime64[D]")
    month_days = ((months + 1).astype("datetime64[D]") - first_day).astype(np.int64)
    read &= (day >= 1) & (day <= month_days)
    times = (
        first_day.astype("datetime64[ns]")
        + ((day - 1) * 1440 + hour * 60 + minute).astype("timedelta64[m]")
    ).astype("datetime64[ns]")
    times[~read] = np.datetime64("NaT")
    return times, ~read


def _read_layout(
    texts: list[str],
    lengths: np.ndarray,
    layout: str,
    fields: dict[str, np.ndarray],
    read: np.ndarray,
    *,
    where: np.ndarray | None = None,
) -> None:
    """Fill ``fields`` and ``read`` for the rows not read yet whose text has ``layout``."""
    todo = ~read & (lengths == len(layout))
    if where is not None:
        todo &= where
    rows = np.flatnonzero(todo)
    if not rows.size:
        return
    codes = (
        np.array([texts[k] for k in rows], dtype=f"<U{len(layout)}")
        .view(np.uint32)
        .reshape(rows.size, len(layout))
        .astype(np.int64)
    )
    fits = np.ones(rows.size, dtype=bool)
    values: dict[str, np.ndarray] = {}
    for place, letter in enumerate(layout):
        code = codes[:, place]
        if letter in _LAYOUT_SEPARATORS:
            fits &= np.isin(code, [ord(c) for c in _LAYOUT_SEPARATORS[letter]])
        else:
            fits &= (code >= ord("0")) & (code <= ord("9"))
            values[letter] = values.get(letter, np.zeros(rows.size, np.int64)) * 10 + code - 48
    rows = rows[fits]
    for letter, value in values.items():
        if letter in fields:
            fields[letter][rows] = value[fits]
    read[rows] = True


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def _positions(
    check: _Checker, column: Callable[[str], list[str]], rows: list[int], bbox: Bbox | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, list[Problem]]]:
    """Return latitudes, longitudes, which rows have a position, and the other rows' problems.

    Plain decimal pairs inside the area (Vietnam without one) are read column-wise; every other
    row goes through ``_Checker.coordinates`` as it always did (decimal commas, degrees and
    minutes, one Tọa độ cell, and every mistake).
    """
    lat_text, lon_text = column("lat"), column("lon")
    nan = float("nan")
    lat = np.array([float(t) if _PLAIN_NUMBER.fullmatch(t) else nan for t in lat_text])
    lon = np.array([float(t) if _PLAIN_NUMBER.fullmatch(t) else nan for t in lon_text])
    west, south, east, north = bbox or _VIETNAM
    with np.errstate(invalid="ignore"):
        placed = (west <= lon) & (lon <= east) & (south <= lat) & (lat <= north)
    placed &= ~((lat == 0) & (lon == 0))
    problems: dict[int, list[Problem]] = {}
    slow = np.flatnonzero(~placed).tolist()
    if slow:
        cells = {key: column(key) for key in ("lat", "lon", "coords")}
        scratch = _Checker(check.file, check.headers)
        for k in slow:

            def get(key: str, k: int = k) -> str:
                return cells[key][k]

            position = scratch.coordinates(rows[k], get, bbox)
            if position is None:
                lat[k] = lon[k] = nan
                problems[k] = scratch.problems
                scratch.problems = []
            else:
                lat[k], lon[k] = position
                placed[k] = True
    return lat, lon, placed, problems


def _duplicate_incidents(
    rows: list[int],
    times: np.ndarray,
    kinds: list[Any],
    lat: np.ndarray,
    lon: np.ndarray,
    complete: np.ndarray,
) -> dict[int, int]:
    """Map each row (by position) repeating an earlier row to that row's spreadsheet number.

    Rows repeat when time, type and place (rounded to 5 decimals) are the same.
    """
    candidates = np.flatnonzero(complete)
    keys = pd.DataFrame(
        {
            "time": times[candidates].view(np.int64),
            "type": [kinds[k].value for k in candidates],
            # Python's rounding, as the rule always used; + 0.0 makes -0.0 equal to 0.0.
            "lat": [round(float(v), 5) + 0.0 for v in lat[candidates]],
            "lon": [round(float(v), 5) + 0.0 for v in lon[candidates]],
        }
    )
    repeated = keys.duplicated(keep=False).to_numpy()
    first: dict[tuple[Any, ...], int] = {}
    found: dict[int, int] = {}
    for k, key in zip(
        candidates[repeated], keys[repeated].itertuples(index=False, name=None), strict=True
    ):
        if key in first:
            found[int(k)] = first[key]
        else:
            first[key] = rows[k]
    return found


# --------------------------------------------------------------------------- writing

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV/formula injection).

    A text that already starts with apostrophes and a formula character gets one more, so that
    reading it back (``_unquote``) gives the text as it was.
    """
    if value.startswith(_FORMULA_START) or _QUOTED.match(value):
        return "'" + value
    return value


def _yes_no_label(value: object, language: str) -> str:
    if value is None or pd.isna(value):
        return ""
    if language == "vi":
        return "Có" if value else "Không"
    return "Yes" if value else "No"


def write_facilities(
    frame: gpd.GeoDataFrame, path: str | Path, *, language: str = "vi", sep: str = ","
) -> Path:
    """Write a facilities frame to CSV (UTF-8 with BOM, for Excel) or XLSX, by ``path``'s suffix.

    Kinds, cash levels and yes/no are written as words of ``language`` (``"vi"`` or ``"en"``);
    the index, source and OSM id are kept so that ``read_facility_survey`` gives the frame back.

    Returns
    -------
    pathlib.Path
        The written file.

    """
    en = language == "en"
    columns: dict[str, list[object]] = {}
    fields = {f.key: f for f in _SURVEY_FIELDS}

    def header(key: str) -> str:
        return fields[key].header_en if en else fields[key].headers[0]

    columns[header("facility_id")] = list(frame.index.astype(str))
    columns[header("stt")] = list(range(1, len(frame) + 1))
    for key in (
        "name",
        "kind",
        "address",
        "lat",
        "lon",
        "opening_hours",
        "cash_level",
        "guard",
        "camera",
        "alarm",
        "contact",
        "notes",
        "operator",
        "source",
        "osm_id",
    ):
        values = frame[key].tolist()
        if key == "kind":
            values = [
                (FacilityKind(v).label_en if en else FacilityKind(v).label_vi) for v in values
            ]
        elif key == "cash_level":
            labels = _CASH_EN if en else CASH_LABELS_VI
            values = [labels[CashLevel(v)] if v else "" for v in values]
        elif key in ("guard", "camera", "alarm"):
            values = [_yes_no_label(v, language) for v in values]
        columns[header(key)] = values
    for extra in (c for c in frame.columns if c not in FACILITY_COLUMNS):
        columns[extra] = frame[extra].astype(str).tolist()
    return _write(
        columns,
        path,
        numeric={header("lat"), header("lon"), header("stt")},
        sheet="Cơ sở" if not en else "Facilities",
        sep=sep,
    )


def write_incidents(
    frame: gpd.GeoDataFrame, path: str | Path, *, language: str = "vi", sep: str = ","
) -> Path:
    """Write an incidents frame to CSV (UTF-8 with BOM) or XLSX, by ``path``'s suffix.

    Time is written ``dd/mm/yyyy HH:MM``, the type in words of ``language``, demo data as
    yes/no; ``read_incidents`` gives the frame back.

    Returns
    -------
    pathlib.Path
        The written file.

    """
    from patrolbase.schema import IncidentType

    en = language == "en"
    fields = {f.key: f for f in _INCIDENT_FIELDS}

    def header(key: str) -> str:
        return fields[key].header_en if en else fields[key].headers[0]

    columns: dict[str, list[object]] = {
        header("incident_id"): list(frame.index.astype(str)),
        header("time"): [pd.Timestamp(t).strftime("%d/%m/%Y %H:%M") for t in frame["time"]],
        header("type"): [
            IncidentType(t).label_en if en else IncidentType(t).label_vi for t in frame["type"]
        ],
        header("lat"): frame["lat"].tolist(),
        header("lon"): frame["lon"].tolist(),
        header("facility_id"): frame["facility_id"].astype(str).tolist(),
        header("description"): frame["description"].astype(str).tolist(),
        header("demo"): [_yes_no_label(bool(v), language) for v in frame["demo"]],
    }
    for extra in (c for c in frame.columns if c not in INCIDENT_COLUMNS):
        columns[extra] = frame[extra].astype(str).tolist()
    return _write(
        columns,
        path,
        numeric={header("lat"), header("lon")},
        sheet="Vụ việc" if not en else "Incidents",
        sep=sep,
    )


def _write(
    columns: dict[str, list[object]], path: str | Path, *, numeric: set[str], sheet: str, sep: str
) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputFileError(
            str(path),
            f"cannot write {suffix or 'no extension'!r}: name the file .csv or .xlsx",
            message_vi="chỉ ghi được tệp .csv hoặc .xlsx",
        )
    names = list(columns)
    rows = list(zip(*columns.values(), strict=True)) if columns else []
    cells = [
        [
            v if name in numeric else _neutralise("" if v is None else str(v))
            for name, v in zip(names, row, strict=True)
        ]
        for row in rows
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows(
            [[_number_text(v) if isinstance(v, float) else v for v in row] for row in cells]
        )
        path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
        return path
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)  # streams rows: ten times faster on big logs
    ws = book.create_sheet(sheet)
    ws.freeze_panes = "A2"
    for i, name in enumerate(names, start=1):
        width = max([len(name), *(len(str(r[i - 1])) for r in cells[:200])])
        ws.column_dimensions[_column_letter(i - 1)].width = min(60, width + 2)
    header_cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for row in cells:
        # Text was neutralised above, so no string starts with "=": openpyxl stores it as text.
        ws.append([None if v == "" else v for v in row])
    book.save(path)
    return path


def _number_text(value: float) -> str:
    return "" if pd.isna(value) else repr(float(value))
