"""The columns a table may have, by any of their accepted headers, and the checks of each cell."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.facilities import fold_text
from geodata.io._cells import _Cells, _read_cells
from patrolbase.errors import InputFileError, Problem
from patrolbase.schema import CashLevel

Bbox = tuple[float, float, float, float]

# Vietnam's mainland and islands, for "looks swapped" without an area.
_VIETNAM = (102.0, 8.0, 117.9, 23.5)

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
