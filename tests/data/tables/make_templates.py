"""Write the blank-form templates wards copy (``geodata/data/templates``).

    .venv/bin/python tests/data/tables/make_templates.py

Each template has the documented Vietnamese headers and three example rows of real sites of the
Văn Miếu - Quốc Tử Giám / Cát Linh area; the XLSX ones add drop-down lists of the accepted words
and a second sheet "Hướng dẫn" (instructions), which the readers ignore.
"""

# ruff: noqa: E501  (rows of data read better on one line)
from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from geodata.io import CASH_LABELS_VI
from patrolbase.schema import FacilityKind, IncidentType

OUT = Path(__file__).parents[3] / "geodata" / "data" / "templates"

SURVEY = [
    ["STT", "Tên cơ sở", "Loại hình", "Địa chỉ", "Vĩ độ", "Kinh độ", "Giờ hoạt động",
     "Lượng tiền mặt", "Bảo vệ", "Camera", "Chuông báo động", "Người phụ trách / SĐT", "Ghi chú"],
    [1, "Chi nhánh BIDV Nguyễn Thái Học", "Chi nhánh ngân hàng", "Phố Nguyễn Thái Học",
     21.03025, 105.8357, "07:30-17:00", "Cao", "Có", "Có", "Có", "Nguyễn Văn A / 0912 000 000",
     "Bảo vệ trực 24/24"],
    [2, "PGD Sacombank Cát Linh", "Phòng giao dịch", "Phố Cát Linh", 21.02684, 105.83262,
     "08:00-16:30", "Trung bình", "Không", "Có", "Có", "", "Bảo vệ chỉ trực ban ngày"],
    [3, "Kho bạc Nhà nước", "Kho bạc nhà nước", "Phố Cát Linh", 21.02969, 105.83026, "",
     "Cao", "Có", "Có", "Có", "", "Xe chở tiền đến lúc 16h00"],
]  # fmt: skip
INCIDENTS = [
    ["Mã vụ việc", "Thời gian", "Loại vụ việc", "Vĩ độ", "Kinh độ", "Mã cơ sở", "Mô tả"],
    ["VV-2026-001", "03/01/2026 01:30", "Trộm cắp tài sản (đột nhập)", 21.0297, 105.8303, "",
     "Đột nhập trụ sở qua cửa sau"],
    ["VV-2026-002", "14/01/2026 10:15", "Cướp giật tài sản", 21.02815, 105.83305, "",
     "Giật túi xách của khách vừa rút tiền"],
    ["VV-2026-003", "20/03/2026 21:00", "Cố ý gây thương tích", 21.0275, 105.835, "",
     "Xô xát tại quán nhậu"],
]  # fmt: skip

PEOPLE = [
    ["STT", "Họ và tên", "Đơn vị", "Cấp bậc, chức vụ", "Số điện thoại", "Tổ", "Tổ trưởng"],
    [1, "Nguyễn Văn An", "Công an phường", "Thượng úy", "0912 345 678", "Tổ 1", "x"],
    [2, "Lê Văn Cường", "Ban Chỉ huy quân sự", "Trung đội trưởng", "0934 111 222", "Tổ 1", ""],
    [3, "Hoàng Văn Em", "Dân quân", "Chiến sĩ", "0356 444 555", "Tổ 1", ""],
]  # fmt: skip

VILLAGE = [
    ["STT", "Tổ/khu dân cư", "Họ và tên", "Vai trò", "Tổ trưởng", "Điện thoại"],
    [1, "Khu dân cư số 8", "Trần Văn Bình", "Bảo vệ dân phố", "x", "0987 654 321"],
    [2, "Khu dân cư số 8", "Phạm Thị Hoa", "Dân phòng", "", "0345 678 912"],
    [3, "Khu dân cư số 8", "Đỗ Văn Hùng", "Lực lượng bảo vệ ANTT cơ sở", "", ""],
    [4, "Khu dân cư số 8", "Vũ Văn Khánh", "Dân quân", "", "0778 123 456"],
]  # fmt: skip


def write_csv(rows: list[list[object]], path: Path) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")


def write_xlsx(
    rows: list[list[object]],
    path: Path,
    lists: dict[str, list[str]],
    help_rows: list[list[str]],
    text: tuple[str, ...] = (),
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, name in enumerate(rows[0], start=1):
        letter = openpyxl.utils.get_column_letter(i)
        sheet.column_dimensions[letter].width = max(12, len(str(name)) + 4)
        if name in text:  # typed numbers stay text (a phone keeps its leading 0)
            for (cell,) in sheet.iter_rows(min_row=2, max_row=500, min_col=i, max_col=i):
                cell.number_format = "@"
        if name in lists:
            check = DataValidation(type="list", formula1='"' + ",".join(lists[str(name)]) + '"',
                                   allow_blank=True)  # fmt: skip
            check.add(f"{letter}2:{letter}500")
            sheet.add_data_validation(check)
    guide = book.create_sheet("Hướng dẫn")
    for row in help_rows:
        guide.append(row)
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 90
    book.save(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    kinds = [k.label_vi for k in FacilityKind]
    yes_no = ["Có", "Không"]
    cash = list(CASH_LABELS_VI.values())
    write_csv(SURVEY, OUT / "mau-khao-sat-co-so.csv")
    write_xlsx(
        SURVEY, OUT / "mau-khao-sat-co-so.xlsx",
        {"Loại hình": kinds, "Lượng tiền mặt": cash, "Bảo vệ": yes_no, "Camera": yes_no,
         "Chuông báo động": yes_no},
        [["Cột", "Cách ghi"],
         ["Tên cơ sở, Loại hình, Vĩ độ, Kinh độ", "Bắt buộc"],
         ["Loại hình", "; ".join(kinds)],
         ["Vĩ độ / Kinh độ", "Độ thập phân, ví dụ 21.0281 và 105.8355 (Google Maps: bấm chuột phải vào địa điểm)"],
         ["Lượng tiền mặt", ", ".join(cash)],
         ["Bảo vệ / Camera / Chuông báo động", "Có hoặc Không (x, ✓, 1, 0 cũng được); để trống nếu chưa rõ"],
         ["Lưu tệp", "Excel (.xlsx) hoặc 'CSV UTF-8 (Comma delimited)'"]],
    )  # fmt: skip
    types = [t.label_vi for t in IncidentType]
    write_csv(INCIDENTS, OUT / "mau-vu-viec.csv")
    write_xlsx(
        INCIDENTS, OUT / "mau-vu-viec.xlsx", {"Loại vụ việc": types},
        [["Cột", "Cách ghi"],
         ["Thời gian, Loại vụ việc, Vĩ độ, Kinh độ", "Bắt buộc"],
         ["Thời gian", "dd/mm/yyyy HH:MM theo 24 giờ, ví dụ 23/11/2026 01:30 hoặc 23/11/2026 1h30; ghi đủ năm"],
         ["Loại vụ việc", "; ".join(types)],
         ["Mã cơ sở", "Mã của cơ sở trong danh sách (nếu vụ việc xảy ra tại cơ sở), có thể để trống"]],
    )  # fmt: skip

    write_people()
    write_village()
    write_groups()


def write_village() -> None:
    """Write the people's patrol teams' form (``patrol village-loops --teams``)."""
    roles = ["Dân phòng", "Bảo vệ dân phố", "Lực lượng bảo vệ ANTT cơ sở", "Công an xã", "Dân quân"]
    write_csv(VILLAGE, OUT / "mau-to-tuan-tra-nhan-dan.csv")
    write_xlsx(
        VILLAGE, OUT / "mau-to-tuan-tra-nhan-dan.xlsx", {"Vai trò": roles, "Tổ trưởng": ["x"]},
        [["Cột", "Cách ghi"],
         ["Tổ/khu dân cư, Họ và tên, Vai trò, Tổ trưởng", "Bắt buộc; mỗi người một dòng"],
         ["Tổ/khu dân cư", "Tên tổ dân phố, thôn hay khu dân cư như trên bản đồ của phường (Khu dân cư số 8 hoặc tên đầy đủ); mỗi tổ/khu dân cư một tổ tuần tra nhân dân từ 3 đến 5 người"],
         ["Vai trò", "Dân phòng; Bảo vệ dân phố; Lực lượng bảo vệ an ninh, trật tự ở cơ sở; Công an xã, phường (công an viên); Dân quân"],
         ["Tổ trưởng", "Ghi x cho đúng một người mỗi tổ; tổ trưởng phải có số điện thoại"],
         ["Điện thoại", "10 chữ số bắt đầu bằng 0 (di động) hoặc 11 chữ số (máy bàn); cột này để dạng Văn bản để giữ số 0 ở đầu"],
         ["Lưu tệp", "Excel (.xlsx) hoặc 'CSV UTF-8 (Comma delimited)'"]],
        text=("Điện thoại",),
    )  # fmt: skip


GROUPS = [
    ["STT", "Tổ/khu dân cư", "Tên đường", "Ghi chú"],
    [1, "Tổ dân phố số 1", "Phố Quốc Tử Giám", ""],
    [2, "Tổ dân phố số 1", "Phố Văn Miếu", ""],
    [3, "Tổ dân phố số 2", "Phố Cát Linh", ""],
    [4, "Tổ dân phố số 2", "Ngõ 35 Cát Linh", ""],
]  # fmt: skip


def write_groups() -> None:
    """Write the form of the residential groups' streets (``--groups``, the Dữ liệu page)."""
    write_csv(GROUPS, OUT / "mau-to-dan-pho-duong.csv")
    write_xlsx(
        GROUPS, OUT / "mau-to-dan-pho-duong.xlsx", {},
        [["Cột", "Cách ghi"],
         ["Tổ/khu dân cư, Tên đường", "Bắt buộc; mỗi dòng một đường (hoặc nhiều đường cách nhau bằng dấu ;)"],
         ["Tổ/khu dân cư", "Tên tổ dân phố, thôn hoặc khu phố; để trống (hoặc gộp ô) là cùng tổ với dòng trên"],
         ["Tên đường", "Tên như trên bản đồ, ví dụ Phố Cát Linh, Ngõ 35 Cát Linh; mỗi đường chỉ thuộc một tổ"],
         ["Lưu tệp", "Excel (.xlsx) hoặc 'CSV UTF-8 (Comma delimited)'"]],
    )  # fmt: skip


def write_people() -> None:
    """Write the personnel list's form (``patrol people import``, the Lực lượng page)."""
    from patrol.personnel import UNITS

    units = [u.vi for u in UNITS.values()]
    write_csv(PEOPLE, OUT / "mau-danh-sach-luc-luong.csv")
    write_xlsx(
        PEOPLE, OUT / "mau-danh-sach-luc-luong.xlsx", {"Đơn vị": units, "Tổ trưởng": ["x"]},
        [["Cột", "Cách ghi"],
         ["Họ và tên, Đơn vị", "Bắt buộc"],
         ["Đơn vị", "; ".join(units)],
         ["Số điện thoại", "10 chữ số bắt đầu bằng 0 (di động) hoặc 11 chữ số (máy bàn); cột này để dạng Văn bản để giữ số 0 ở đầu"],
         ["Tổ, Tổ trưởng", "Có thể để trống; Tổ 1, Tổ 2...; ghi x ở cột Tổ trưởng cho tổ trưởng"],
         ["Lưu tệp", "Excel (.xlsx) hoặc 'CSV UTF-8 (Comma delimited)'"]],
        text=("Số điện thoại",),
    )  # fmt: skip


if __name__ == "__main__":
    main()
