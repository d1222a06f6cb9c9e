"""The ward's tables: encodings, layouts, every validation rule, writers and round trips."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.io import (
    read_facility_survey,
    read_incidents,
    read_table,
    write_facilities,
    write_incidents,
)
from patrolbase.errors import InputFileError
from patrolbase.schema import FACILITY_COLUMNS, INCIDENT_COLUMNS

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

TABLES = Path(__file__).parents[1] / "data" / "tables"
# The Văn Miếu - Quốc Tử Giám / Cát Linh extract's bounds (west, south, east, north).
VAN_MIEU = (105.82683, 21.02329, 105.83901, 21.03035)

NAMES = [
    "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam (BIDV)",
    "NH Vietcombank Cát Linh",
    "PGD Sacombank Cát Linh",
    "Cửa hàng vàng bạc đá quý PNJ",
    "Kho bạc Nhà nước Đống Đa",
    "Agribank Nguyễn Thái Học",
    "Bưu cục EMS Cát Linh",
    "Tiệm cầm đồ Hào Nam",
    "Công an phường Văn Miếu",
    "Trụ sở UBND phường Cát Linh",
]


# --------------------------------------------------------------------------- good files


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("survey-van-mieu.csv", "utf-8"),
        ("survey-van-mieu-bom-semicolon.csv", "utf-8"),
        ("survey-van-mieu-utf16.txt", "utf-16"),
        ("survey-van-mieu-cp1258.csv", "cp1258"),
        ("survey-van-mieu.xlsx", "xlsx"),
    ],
)
def test_survey_of_real_van_mieu_sites_loads_in_every_encoding(name: str, encoding: str) -> None:
    survey = read_facility_survey(TABLES / name, bbox=VAN_MIEU)
    assert read_table(TABLES / name).attrs["encoding"] == encoding
    assert list(survey.columns) == list(FACILITY_COLUMNS)
    assert survey.crs == "EPSG:4326"
    assert survey.index.name == "facility_id"
    assert list(survey.index) == [f"survey-{k}" for k in range(1, 11)]
    assert list(survey["name"]) == NAMES  # diacritics intact, NFC
    assert survey.loc["survey-1", "address"] == "Phố Nguyễn Thái Học"
    assert survey.loc["survey-1", "contact"] == "Nguyễn Văn An / 0912 345 678"
    assert list(survey["kind"]) == [
        "bank", "bank", "transaction_office", "gold_shop", "treasury", "bank", "post_office",
        "pawn_shop", "police", "town_hall",
    ]  # fmt: skip
    assert survey.loc["survey-2", "lat"] == pytest.approx(21.02808, abs=1e-9)
    assert survey.loc["survey-2", "lon"] == pytest.approx(105.83295, abs=1e-9)
    assert survey.geometry.x.tolist() == survey["lon"].tolist()
    assert list(survey["cash_level"][:4]) == ["high", "high", "medium", "high"]
    assert survey.loc["survey-9", "cash_level"] == ""
    assert survey["guard"].dtype == "boolean"
    assert survey.loc["survey-3", "guard"] is False or not survey.loc["survey-3", "guard"]
    assert bool(survey.loc["survey-3", "alarm"])  # "x"
    assert bool(survey.loc["survey-4", "camera"])  # "✓" (or "x" in Windows-1258)
    assert pd.isna(survey.loc["survey-8", "alarm"])  # blank: unknown
    assert (survey["source"] == "survey").all()
    assert survey.loc["survey-5", "notes"] == "Xe chở tiền đến lúc 16h00"


def test_xlsx_title_row_is_skipped_and_rows_keep_spreadsheet_numbers() -> None:
    table = read_table(TABLES / "survey-van-mieu.xlsx")
    # Title in row 1, blank row 2, header in row 3: the first site is spreadsheet row 4.
    assert table.index[0] == 4
    assert table.columns[1] == "Tên cơ sở"


def test_western_excel_export_in_windows_1252() -> None:
    survey = read_facility_survey(TABLES / "survey-western-cp1252.csv", bbox=VAN_MIEU)
    assert read_table(TABLES / "survey-western-cp1252.csv").attrs["encoding"] == "cp1252"
    assert list(survey["name"]) == ["Sacombank Cát Linh", "VIB Hào Nam", "Ngân hàng Oceanbank"]
    assert survey.loc["survey-2", "lat"] == pytest.approx(21.02938)  # decimal comma


def test_english_headers_and_words() -> None:
    survey = read_facility_survey(TABLES / "survey-english.csv")
    assert list(survey["kind"]) == ["bank", "transaction_office"]
    assert list(survey["cash_level"]) == ["high", "medium"]
    assert survey["camera"].tolist() == [True, True]
    assert survey["alarm"].tolist() == [True, False]


def test_headers_match_without_case_diacritics_or_spacing(tmp_path: Path) -> None:
    path = tmp_path / "khao-sat.csv"
    path.write_text(
        "  stt ,TEN CO SO,loại  hình,VĨ ĐỘ (lat),kinh do,bao ve\n"
        "3,Sacombank,phòng giao dịch,21.02684,105.83262,CÓ\n",
        encoding="utf-8",
    )
    survey = read_facility_survey(path)
    assert survey.index.tolist() == ["survey-3"]
    assert survey.loc["survey-3", "kind"] == "transaction_office"
    assert bool(survey.loc["survey-3", "guard"])


def test_one_coordinates_cell_as_google_maps_copies_it() -> None:
    survey = read_facility_survey(TABLES / "survey-coordinates-cell.csv", bbox=VAN_MIEU)
    assert survey["lat"].tolist() == pytest.approx([21.03025, 21.0259722, 21.02684], abs=1e-7)
    assert survey["lon"].tolist() == pytest.approx([105.8357, 105.8331111, 105.83262], abs=1e-7)
    assert survey["kind"].tolist() == ["bank", "gold_shop", "transaction_office"]


def test_ellipsis_and_question_marks_in_text_are_not_taken_for_broken_letters(
    tmp_path: Path,
) -> None:
    path = tmp_path / "vv.csv"
    path.write_text(
        "Thời gian,Loại vụ việc,Vĩ độ,Kinh độ,Mô tả\n"
        "03/01/2026 01:30,Đột nhập,21.0297,105.8303,Camera hỏng quá… bảo vệ ngủ?Không rõ\n",
        encoding="utf-8",
    )
    incidents = read_incidents(path)
    assert incidents["description"].tolist() == ["Camera hỏng quá… bảo vệ ngủ?Không rõ"]


def test_decomposed_unicode_from_a_mac_is_composed(tmp_path: Path) -> None:
    import unicodedata

    path = tmp_path / "mac.csv"
    text = "Tên cơ sở,Loại hình,Vĩ độ,Kinh độ\nTiệm vàng PNJ,Tiệm vàng,21.02598,105.8331\n"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    survey = read_facility_survey(path)
    assert survey["name"].tolist() == ["Tiệm vàng PNJ"]
    assert survey["kind"].tolist() == ["gold_shop"]


def test_incident_log_loads() -> None:
    incidents = read_incidents(TABLES / "incidents-van-mieu.csv", bbox=VAN_MIEU)
    assert list(incidents.columns) == list(INCIDENT_COLUMNS)
    assert incidents.index[0] == "VV-2026-001"
    assert incidents["time"].dtype == "datetime64[ns]"
    assert incidents["time"].dt.strftime("%Y-%m-%d %H:%M").tolist()[:5] == [
        "2026-01-03 01:30", "2026-01-14 10:15", "2026-02-10 15:40", "2026-02-11 02:20",
        "2026-03-20 21:00",
    ]  # fmt: skip
    assert incidents["type"].tolist() == [
        "burglary", "snatch_theft", "snatch_theft", "burglary", "injury", "theft", "fraud",
    ]  # fmt: skip
    assert incidents.loc["VV-2026-001", "facility_id"] == "survey-5"
    assert incidents.loc["VV-2026-002", "description"].startswith("Giật túi xách")
    assert not incidents["demo"].any()


def test_incident_log_with_separate_date_and_clock_cells_in_xlsx() -> None:
    incidents = read_incidents(TABLES / "incidents-split-date.xlsx")
    assert incidents.index.tolist() == ["inc-1", "inc-2", "inc-3"]
    assert incidents["time"].dt.strftime("%d/%m/%Y %H:%M").tolist() == [
        "03/01/2026 01:30", "14/01/2026 10:15", "11/02/2026 02:20",
    ]  # fmt: skip
    assert incidents["type"].tolist() == ["burglary", "snatch_theft", "burglary"]


# --------------------------------------------------------------------------- broken files

SURVEY_RULES = [
    # file, row, column (as the file writes it), words the message must contain
    ("survey-missing-column.csv", 1, "Kinh độ", "missing column"),
    ("survey-text-in-number.csv", 3, "Vĩ độ", "text in a number column"),
    ("survey-out-of-range.csv", 4, "Vĩ độ", "out of range"),
    ("survey-swapped.csv", 3, "Vĩ độ", "look swapped"),
    ("survey-outside-area.csv", 5, "Vĩ độ", "outside the area"),
    ("survey-unknown-kind.csv", 3, "Loại hình", "unknown kind"),
    ("survey-duplicate-rows.csv", 5, "Tên cơ sở", "duplicate of row 3"),
    ("survey-duplicate-stt.csv", 4, "STT", "same number as row 3"),
    ("survey-bad-yes-no.csv", 3, "Camera", "expected yes or no"),
    ("survey-bad-cash.csv", 2, "Lượng tiền mặt", "unknown cash level"),
    ("survey-empty-name.csv", 3, "Tên cơ sở", "name is empty"),
    ("survey-placeholder-coords.csv", 3, "Vĩ độ", "placeholder"),
    ("survey-duplicate-header.csv", 1, "Camera", "appears twice"),
    ("survey-lost-letters.csv", 1, "Tên c? s?", "replaced by '?'"),
    ("survey-lost-letters-in-name.csv", 3, "Tên cơ sở", "letters were lost"),
    ("survey-extra-cells.csv", 4, "(N)", "double quotes"),
    ("survey-bad-coordinates-cell.csv", 3, "Tọa độ", "expected two numbers"),
    ("survey-header-only.csv", None, None, "no data rows"),
    ("survey-empty.csv", None, None, "empty"),
    ("survey-mojibake.csv", None, None, "unreadable encoding"),
    ("survey-gbk.csv", None, None, "unreadable encoding"),
    ("survey-xlsx-named.csv", None, None, "rename it to .xlsx"),
    ("survey-text-named.xlsx", None, None, "rename it to .csv"),
    ("survey-truncated.xlsx", None, None, "damaged or truncated"),
]

INCIDENT_RULES = [
    ("incidents-missing-column.csv", 1, "Loại vụ việc", "missing column"),
    ("incidents-no-time-column.csv", 1, "Thời gian", "missing column"),
    ("incidents-bad-date.csv", 3, "Thời gian", "no such date"),
    ("incidents-date-without-year.csv", 3, "Thời gian", "without a full year"),
    ("incidents-no-clock.csv", 3, "Thời gian", "no time of day"),
    ("incidents-bad-clock.csv", 3, "Thời gian", "no such time"),
    ("incidents-future.csv", 3, "Thời gian", "in the future"),
    ("incidents-unknown-type.csv", 3, "Loại vụ việc", "unknown incident type"),
    ("incidents-text-in-number.csv", 3, "Kinh độ", "text in a number column"),
    ("incidents-swapped.csv", 3, "Vĩ độ", "look swapped"),
    ("incidents-outside-area.csv", 3, "Vĩ độ", "outside the area"),
    ("incidents-duplicate-rows.csv", 4, "Thời gian", "duplicate of row 3"),
    ("incidents-duplicate-id.csv", 3, "Mã vụ việc", "same number as row 2"),
]


def _check(error: InputFileError, path: Path, row: int | None, column: str | None, words: str):
    text = str(error)
    assert str(path) in text, text
    assert len(error.problems) == 1, text  # exactly this rule fired, nothing else
    problem = error.problems[0]
    assert problem.file == str(path)
    assert problem.row == row, text
    assert problem.column == column, text
    assert words in problem.message, text
    if row is not None:
        assert f"row {row}" in text
    if column is not None:
        assert repr(column) in text
    assert problem.message_vi and problem.message_vi != problem.message
    assert problem.message_vi in (error.message_vi or "")


@pytest.mark.parametrize(("name", "row", "column", "words"), SURVEY_RULES)
def test_each_broken_survey_names_file_row_column_and_fix(
    name: str, row: int | None, column: str | None, words: str
) -> None:
    path = TABLES / name
    with pytest.raises(InputFileError) as caught:
        read_facility_survey(path, bbox=VAN_MIEU)
    _check(caught.value, path, row, column, words)


@pytest.mark.parametrize(("name", "row", "column", "words"), INCIDENT_RULES)
def test_each_broken_incident_log_names_file_row_column_and_fix(
    name: str, row: int | None, column: str | None, words: str
) -> None:
    path = TABLES / name
    with pytest.raises(InputFileError) as caught:
        read_incidents(path, bbox=VAN_MIEU)
    _check(caught.value, path, row, column, words)


def test_missing_column_lists_accepted_headers() -> None:
    with pytest.raises(InputFileError) as caught:
        read_facility_survey(TABLES / "survey-missing-column.csv")
    assert "Kinh độ, Lon, Lng, Long, X, Longitude" in caught.value.problems[0].message


def test_unknown_kind_lists_accepted_kinds() -> None:
    with pytest.raises(InputFileError) as caught:
        read_facility_survey(TABLES / "survey-unknown-kind.csv")
    message = caught.value.problems[0].message
    assert "Chi nhánh ngân hàng (Bank branch)" in message
    assert "Tiệm vàng (Gold shop)" in message


def test_swapped_without_bbox_uses_vietnams_range() -> None:
    with pytest.raises(InputFileError) as caught:
        read_facility_survey(TABLES / "survey-swapped.csv")
    assert "look swapped" in caught.value.problems[0].message


def test_every_problem_of_the_file_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        "STT,Tên cơ sở,Loại hình,Vĩ độ,Kinh độ,Bảo vệ\n"
        "1,BIDV,Ngân hàng,21.03025,105.8357,Có\n"
        "2,Quán A,Karaoke,21.0281,105.8329,Có\n"
        "3,Sacombank,Ngân hàng,abc,105.8326,Có\n"
        "4,PNJ,Tiệm vàng,105.8331,21.02598,hmm\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        read_facility_survey(path)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(3, "Loại hình"), (4, "Vĩ độ"), (5, "Vĩ độ"), (5, "Bảo vệ")}
    assert "4 problems; nothing was loaded" in str(caught.value)


def test_missing_file() -> None:
    with pytest.raises(InputFileError, match="file not found"):
        read_table(TABLES / "no-such-survey.csv")


def test_xlsx_rows_are_spreadsheet_rows(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Danh sách mục tiêu"])
    sheet.append(["STT", "Tên cơ sở", "Loại hình", "Vĩ độ", "Kinh độ"])
    sheet.append([1, "BIDV", "Ngân hàng", 21.03025, 105.8357])
    sheet.append([])
    sheet.append([2, "PNJ", "Tiệm vàng", "hai mốt", 105.8331])
    book.save(tmp_path / "s.xlsx")
    with pytest.raises(InputFileError) as caught:
        read_facility_survey(tmp_path / "s.xlsx")
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "Vĩ độ")]


# --------------------------------------------------------------------------- writers


def _osm_like() -> gpd.GeoDataFrame:
    survey = read_facility_survey(TABLES / "survey-van-mieu.csv")
    frame = survey.iloc[:3].copy()
    frame.index = pd.Index(
        ["osm-node-6689539636", "osm-node-5485874969", "survey-3"], name="facility_id"
    )
    frame["source"] = ["osm+survey", "osm", "survey"]
    frame["osm_id"] = ["node/6689539636", "node/5485874969", ""]
    frame["operator"] = ["BIDV", "Vietcombank", ""]
    frame["notes"] = ['=HYPERLINK("http://x")', "+84 912 345 678", "-"]
    frame["guard"] = pd.array([True, None, False], dtype="boolean")
    return frame


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_facilities_round_trip(tmp_path: Path, suffix: str, language: str) -> None:
    for frame in (read_facility_survey(TABLES / "survey-van-mieu.csv"), _osm_like()):
        path = write_facilities(frame, tmp_path / f"f{suffix}", language=language)
        assert_geodataframe_equal(read_facility_survey(path), frame, check_less_precise=False)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_incidents_round_trip(tmp_path: Path, suffix: str) -> None:
    incidents = read_incidents(TABLES / "incidents-van-mieu.csv")
    incidents.loc["VV-2026-003", "description"] = "@SUM(A1:A9) lệnh độc"
    path = write_incidents(incidents, tmp_path / f"i{suffix}")
    assert_geodataframe_equal(read_incidents(path), incidents)


def test_csv_export_has_bom_and_neutralised_formulas(tmp_path: Path) -> None:
    path = write_facilities(_osm_like(), tmp_path / "f.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    notes = [row[rows[0].index("Ghi chú")] for row in rows[1:]]
    assert notes == ['\'=HYPERLINK("http://x")', "'+84 912 345 678", "'-"]
    assert rows[0][:4] == ["Mã cơ sở", "STT", "Tên cơ sở", "Loại hình"]
    assert rows[1][3] == "Chi nhánh ngân hàng"


def test_xlsx_export_stores_text_never_formulas(tmp_path: Path) -> None:
    path = write_facilities(_osm_like(), tmp_path / "f.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Ghi chú") + 1)
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://x")'
    assert isinstance(sheet.cell(row=2, column=header.index("Vĩ độ") + 1).value, float)


_vietnamese = st.text(
    alphabet=st.sampled_from(
        list("aăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ ,;\"'=+-@")
    ),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s.strip() != "")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(_vietnamese, min_size=1, max_size=4, unique_by=lambda s: s))
def test_any_vietnamese_text_survives_a_csv_round_trip(tmp_path: Path, names: list[str]) -> None:
    frame = read_facility_survey(TABLES / "survey-van-mieu.csv").iloc[: len(names)].copy()
    frame["name"] = names
    frame["notes"] = names[::-1]
    path = write_facilities(frame, tmp_path / "h.csv", sep=";")
    assert_geodataframe_equal(read_facility_survey(path), frame)


# --------------------------------------------------------------------------- templates

TEMPLATES = Path(__file__).parents[2] / "geodata" / "data" / "templates"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_templates_load_and_carry_the_documented_headers(suffix: str) -> None:
    survey_path = TEMPLATES / f"mau-khao-sat-co-so{suffix}"
    assert list(read_table(survey_path).columns) == [
        "STT", "Tên cơ sở", "Loại hình", "Địa chỉ", "Vĩ độ", "Kinh độ", "Giờ hoạt động",
        "Lượng tiền mặt", "Bảo vệ", "Camera", "Chuông báo động", "Người phụ trách / SĐT",
        "Ghi chú",
    ]  # fmt: skip
    survey = read_facility_survey(survey_path, bbox=VAN_MIEU)
    assert survey["kind"].tolist() == ["bank", "transaction_office", "treasury"]
    incident_path = TEMPLATES / f"mau-vu-viec{suffix}"
    incidents = read_incidents(incident_path, bbox=VAN_MIEU)
    assert incidents["type"].tolist() == ["burglary", "snatch_theft", "injury"]
    docs = (Path(__file__).parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")
    for header in read_table(incident_path).columns:
        assert f"`{header}`" in docs  # every template column is documented


def test_contact_from_two_columns_and_coordinates_cell_problems_name_it(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "STT,Tên cơ sở,Loại hình,Tọa độ,Người phụ trách,SĐT,Tổ dân phố\n"
        '1,BIDV,Ngân hàng,"21.03025, 105.8357",Nguyễn Văn An,0912 345 678,Tổ 5\n',
        encoding="utf-8",
    )
    survey = read_facility_survey(path, bbox=VAN_MIEU)
    assert survey.loc["survey-1", "contact"] == "Nguyễn Văn An / 0912 345 678"
    assert list(survey.columns)[len(FACILITY_COLUMNS) :] == ["Tổ dân phố"]
    path.write_text(
        'STT,Tên cơ sở,Loại hình,Tọa độ\n1,BIDV,Ngân hàng,"10.7769, 106.7009"\n', encoding="utf-8"
    )
    with pytest.raises(InputFileError) as caught:
        read_facility_survey(path, bbox=VAN_MIEU)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "Tọa độ")]
    assert "outside the area" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("text", "clock", "expected"),
    [
        ("23/11/2026 22h00", "", "2026-11-23 22:00"),
        ("23.11.2026 1h30", "", "2026-11-23 01:30"),
        ("2026/11/23 22:00", "", "2026-11-23 22:00"),
        ("2026-11-23T22:00:00", "", "2026-11-23 22:00"),
        ("22h00 ngày 23/11/2026", "", "2026-11-23 22:00"),
        ("23/11/2026 10:15 PM", "", "2026-11-23 22:15"),
        ("23/11/2026", "12:30 SA", "2026-11-23 00:30"),
        ("2026-11-23 00:00:00", "01:45:00", "2026-11-23 01:45"),
    ],
)
def test_dates_and_24_hour_times(text: str, clock: str, expected: str) -> None:
    from geodata.io.incident_log import _parse_when

    when, why, _ = _parse_when(text, clock)
    assert when is not None, why
    assert when.strftime("%Y-%m-%d %H:%M") == expected


def test_us_month_first_dates_are_named(tmp_path: Path) -> None:
    path = tmp_path / "vv.csv"
    path.write_text(
        "Thời gian,Loại vụ việc,Vĩ độ,Kinh độ\n11/23/2025 22:00,Trộm cắp,21.0297,105.8303\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        read_incidents(path)
    assert "month/day/year" in caught.value.problems[0].message
    assert caught.value.problems[0].row == 2


# --------------------------------------------------------------------------- large logs


def _log(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or ["Mã vụ việc", "Thời gian", "Loại vụ việc", "Vĩ độ", "Kinh độ"])
        writer.writerows(rows)
    return path


def test_every_time_layout_reads_as_the_row_rules_read_it(tmp_path: Path) -> None:
    """The column pass over common layouts gives exactly what ``_parse_when`` gives per row."""
    from geodata.io.incident_log import _parse_when

    texts = [
        "23/11/2025 22:00", "03.01.2026 01:30", "3/1/2026 1:30", "2026-01-03 01:30",
        "2026/01/03 01h30", "2026-01-03T01:30:45", "23-11/2025 22H05", "29/02/2024 23:59",
        "2026-01-03 00:00:00", "01/01/1900 00:00", "22h00 ngày 23/11/2025", "23/11/2025 10:15 PM",
        "1899-12-31 12:00", "23/11/2025 7h", "31/12/2025 23:59:59",
    ]  # fmt: skip
    rows = [
        [f"VV-{k}", text, "Trộm cắp", f"{21.02 + k * 1e-4:.6f}", "105.83"]
        for k, text in enumerate(texts)
    ]
    frame = read_incidents(_log(tmp_path / "vv.csv", rows))
    expected = [_parse_when(text, "")[0] for text in texts]
    assert frame["time"].dt.to_pydatetime().tolist() == expected
    # a separate clock column wins over a time written in the date cell
    split = [
        ["1", "23/11/2025", "22:00", "Trộm cắp", "21.0281", "105.8329"],
        ["2", "2025-11-23 00:00:00", "01:45:00", "Trộm cắp", "21.0282", "105.8329"],
        ["3", "23/11/2025 09:00", "1h30", "Trộm cắp", "21.0283", "105.8329"],
        ["4", "23/11/2025 09:00", "", "Trộm cắp", "21.0284", "105.8329"],
    ]
    header = ["STT", "Ngày", "Giờ", "Loại vụ việc", "Vĩ độ", "Kinh độ"]
    frame = read_incidents(_log(tmp_path / "split.csv", split, header))
    assert frame["time"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2025-11-23 22:00", "2025-11-23 01:45", "2025-11-23 01:30", "2025-11-23 09:00",
    ]  # fmt: skip


def test_problems_of_a_long_log_come_row_by_row_with_spreadsheet_rows(tmp_path: Path) -> None:
    rows = [
        [f"VV-{k}", f"{1 + k % 28:02d}/{1 + k % 12:02d}/2025 {k % 24:02d}:{k % 60:02d}",
         "Trộm cắp", f"{21.024 + (k % 50) * 1e-4:.6f}", f"{105.828 + (k // 50) * 1e-5:.6f}"]
        for k in range(5_000)
    ]  # fmt: skip
    rows[4_000][1] = "31/02/2025 22:00"  # spreadsheet row 4,002
    rows[4_000][3] = "21,0281"  # decimal comma: read, no problem
    rows[120][2] = "Karaoke"  # row 122
    rows[120][4] = "0"  # and its longitude: both reported, type first
    rows[3_000] = [*rows[10][:1], *rows[10][1:]]  # row 3,002 repeats row 12 ...
    rows[3_000][0] = "VV-dup"  # ... under another id
    rows[4_500][3], rows[4_500][4] = rows[4_500][4], rows[4_500][3]  # swapped, row 4,502
    with pytest.raises(InputFileError) as caught:
        read_incidents(_log(tmp_path / "vv.csv", rows), bbox=VAN_MIEU)
    found = [(p.row, p.column, p.message.split(":")[0]) for p in caught.value.problems]
    assert found == [
        (122, "Loại vụ việc", "unknown incident type"),
        (122, "Vĩ độ", "outside the area (west, south, east, north = 105.8268, 21.0233, 105.8390, "
         "21.0303)"),
        (3002, "Thời gian", "duplicate of row 12 (same time, type and place)"),
        (4002, "Thời gian", "no such date (31/2/2025)"),
        (4502, "Vĩ độ", "latitude and longitude look swapped (swapped they fall in the area's "
         "bounds)"),
    ]  # fmt: skip
    assert "row 122" in str(caught.value)


def test_a_long_clean_log_reads_whole(tmp_path: Path) -> None:
    rows = [
        [f"VV-{k}", f"{1 + k % 28:02d}/{1 + k % 12:02d}/2025 {k % 24:02d}:{k % 60:02d}",
         ["Trộm cắp", "Cướp giật", "Đột nhập"][k % 3], f"{21.024 + (k % 50) * 1e-4:.6f}",
         f"{105.828 + (k // 50) * 1e-5:.6f}"]
        for k in range(3_000)
    ]  # fmt: skip
    rows[7][3] = "21°01'41.3\"N"  # degrees and minutes, read by the row rules
    frame = read_incidents(_log(tmp_path / "vv.csv", rows), bbox=VAN_MIEU)
    assert len(frame) == 3_000 and frame.index[2_999] == "VV-2999"
    assert frame["type"].value_counts().to_dict() == {
        "theft": 1_000, "snatch_theft": 1_000, "burglary": 1_000,
    }  # fmt: skip
    assert frame.loc["VV-7", "lat"] == pytest.approx(21 + 1 / 60 + 41.3 / 3600)
    assert frame.loc["VV-100", "time"] == pd.Timestamp("2025-05-17 04:40")
    assert frame.geometry.y.tolist() == frame["lat"].tolist()


def test_a_date_before_1678_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = _log(tmp_path / "vv.csv", [["1", "01/01/1500 10:00", "Trộm cắp", "21.0297", "105.83"]])
    with pytest.raises(InputFileError) as caught:
        read_incidents(path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "Thời gian")]
    assert "too early" in caught.value.problems[0].message


def test_text_starting_with_an_apostrophe_and_a_formula_sign_round_trips(tmp_path: Path) -> None:
    incidents = read_incidents(TABLES / "incidents-van-mieu.csv")
    incidents.loc["VV-2026-001", "description"] = "'=1+1"
    incidents.loc["VV-2026-002", "description"] = "''@x"
    incidents.loc["VV-2026-003", "description"] = "'không phải công thức"
    path = write_incidents(incidents, tmp_path / "i.csv")
    assert_geodataframe_equal(read_incidents(path), incidents)
