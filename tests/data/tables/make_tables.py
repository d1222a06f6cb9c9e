"""Write the test tables of this folder.

Good surveys and incident logs, and one broken file per validation rule. The files are committed; run this only to rebuild them after a format change:

    .venv/bin/python tests/data/tables/make_tables.py

Sites are real places of the Hà Nội Văn Miếu - Quốc Tử Giám / Cát Linh extract (positions a few
metres off their OSM nodes, as a ward's survey by phone would give them).
"""

# ruff: noqa: E501  (rows of data read better on one line)
from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
GOOD = (HERE / "survey-van-mieu.csv").read_text(encoding="utf-8")
HEADER = GOOD.splitlines()[0]
ROWS = GOOD.splitlines()[1:]

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Encode as Windows-1258 the way Windows does: base letter, then a combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
            tones = "".join(c for c in parts if c in _TONE_MARKS)
            out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def survey(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def write(name: str, data: str | bytes) -> None:
    path = HERE / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    # ---- good surveys, one per encoding and layout
    semicolon = survey(
        *(";".join(cell.replace(".", ",") if i in (4, 5) else cell
                   for i, cell in enumerate(row.split(",")))
          for row in ROWS),
        header=HEADER.replace(",", ";"),
    )  # fmt: skip
    write("survey-van-mieu-bom-semicolon.csv", b"\xef\xbb\xbf" + semicolon.encode("utf-8"))
    tabbed = GOOD.replace(",", "\t")
    write("survey-van-mieu-utf16.txt", tabbed.replace("\n", "\r\n").encode("utf-16"))
    write("survey-van-mieu-cp1258.csv", cp1258(GOOD.replace("✓", "x").replace("\n", "\r\n")))
    # Excel on a Western Windows: Windows-1252, ";" and decimal comma. Only letters 1252 has.
    western = (
        "STT;Tên;Loai hinh;Dia chi;Vi do;Kinh do\n"
        + "1;Sacombank Cát Linh;Ngân hàng;Cát Linh;21,0268400;105,8326200\n"
        + "2;VIB Hào Nam;Ngân hàng;Hào Nam;21,0293800;105,8279000\n"
        + "3;Ngân hàng Oceanbank;Ngân hàng;Hàng Cháo;21,0263035;105,8372528\n"
    )  # fmt: skip
    write("survey-western-cp1252.csv", western.encode("cp1252"))
    head = HEADER.split(",")
    cells: list[list[object]] = [head]
    for row in ROWS:
        values: list[object] = row.split(",")
        values[0] = int(str(values[0]))
        values[4], values[5] = float(str(values[4])), float(str(values[5]))
        cells.append(values)
    write("survey-van-mieu.xlsx", xlsx_bytes([["DANH SÁCH MỤC TIÊU TRỌNG ĐIỂM"], [], *cells]))
    english = (
        "No.,Name,Kind,Address,Latitude,Longitude,Opening hours,Cash level,Guard,Camera,Alarm\n"
        "1,BIDV Nguyen Thai Hoc,Bank branch,Nguyen Thai Hoc,21.03025,105.8357,07:30-17:00,High,"
        "yes,yes,yes\n"
        "2,Sacombank Cat Linh,Bank transaction office,Cat Linh,21.02684,105.83262,,Medium,no,1,0\n"
    )
    write("survey-english.csv", english)

    # ---- broken surveys: one per rule
    write(
        "survey-missing-column.csv", survey(*ROWS[:3], header=HEADER.replace(",Kinh độ", ",Kinh"))
    )
    write(
        "survey-text-in-number.csv",
        survey(ROWS[0], ROWS[1].replace("21.0280800", "21 độ 02"), ROWS[2]),
    )
    write(
        "survey-out-of-range.csv",
        survey(ROWS[0], ROWS[1], ROWS[2].replace("21.0268400", "210.268400")),
    )
    write(
        "survey-swapped.csv",
        survey(ROWS[0], ROWS[1].replace("21.0280800,105.8329500", "105.8329500,21.0280800")),
    )
    write(
        "survey-outside-area.csv",
        survey(
            ROWS[0],
            ROWS[1],
            ROWS[2],
            ROWS[3].replace("21.0259800,105.8331000", "10.7769000,106.7009000"),
        ),
    )
    write(
        "survey-unknown-kind.csv",
        survey(ROWS[0], ROWS[1].replace("Ngân hàng,Phố", "Quán karaoke,Phố")),
    )
    write("survey-duplicate-rows.csv", survey(ROWS[0], ROWS[1], ROWS[2], "4" + ROWS[1][1:]))
    write("survey-duplicate-stt.csv", survey(ROWS[0], ROWS[1], "2" + ROWS[2][1:]))
    write(
        "survey-bad-yes-no.csv", survey(ROWS[0], ROWS[1].replace("Cao,Có,Có,Có", "Cao,Có,có lẽ,Có"))
    )
    write("survey-bad-cash.csv", survey(ROWS[0].replace(",Cao,", ",Rất nhiều tiền,"), ROWS[1]))
    write("survey-empty-name.csv", survey(ROWS[0], ROWS[1].replace("NH Vietcombank Cát Linh", "")))
    write(
        "survey-placeholder-coords.csv",
        survey(ROWS[0], ROWS[1].replace("21.0280800,105.8329500", "0,0")),
    )
    write(
        "survey-duplicate-header.csv", survey(*ROWS[:2], header=HEADER.replace("Ghi chú", "Camera"))
    )
    write(
        "survey-extra-cells.csv",
        survey(
            ROWS[0], ROWS[1], ROWS[2].replace("PGD Sacombank Cát Linh", "PGD Sacombank, Cát Linh")
        ),
    )
    coords_header = "STT,Tên cơ sở,Loại hình,Tọa độ"
    write(
        "survey-coordinates-cell.csv",
        survey(
            '1,Chi nhánh BIDV Nguyễn Thái Học,Ngân hàng,"21.03025, 105.8357"',
            '2,Cửa hàng vàng bạc đá quý PNJ,Tiệm vàng,"21°01\'33.5""N 105°49\'59.2""E"',
            "3,PGD Sacombank Cát Linh,PGD,21.02684;105.83262",
            header=coords_header,
        ),
    )
    write(
        "survey-bad-coordinates-cell.csv",
        survey(
            '1,Chi nhánh BIDV Nguyễn Thái Học,Ngân hàng,"21.03025, 105.8357"',
            "2,Cửa hàng vàng PNJ,Tiệm vàng,21.02598",
            header=coords_header,
        ),
    )
    write("survey-header-only.csv", survey())
    write("survey-empty.csv", b"")
    # Excel on a Western Windows could not store "ệ", "ố": it wrote "?" instead.
    write("survey-lost-letters.csv", survey(ROWS[0], ROWS[3]).encode("cp1252", errors="replace"))
    write(
        "survey-lost-letters-in-name.csv",
        survey(ROWS[0], ROWS[3].replace("Cửa hàng vàng", "C?a hàng vàng")),
    )
    # Converted twice (UTF-8 read as Windows-1252, saved as UTF-8 again).
    write(
        "survey-mojibake.csv",
        survey(*ROWS[:2]).encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"),
    )
    # A Chinese (GBK) file: no Vietnamese or Western code page reads it.
    write(
        "survey-gbk.csv",
        survey(ROWS[0], "2,鼓楼区银行,Ngân hàng,鼓楼,21.0280800,105.8329500,,,,,,,").encode(
            "gbk", errors="ignore"
        ),
    )
    write("survey-xlsx-named.csv", xlsx_bytes(cells))
    write("survey-text-named.xlsx", GOOD.encode("utf-8"))
    write("survey-truncated.xlsx", xlsx_bytes(cells)[:2000])

    # ---- incidents
    inc_header = "Mã vụ việc,Thời gian,Loại vụ việc,Vĩ độ,Kinh độ,Mã cơ sở,Mô tả"
    incidents = [
        "VV-2026-001,03/01/2026 01h30,Trộm cắp tài sản (đột nhập),21.0297,105.8303,survey-5,Đột nhập kho bạc qua cửa sau",
        "VV-2026-002,14/01/2026 10:15,Cướp giật tài sản,21.02815,105.83305,survey-2,Giật túi xách của khách vừa rút tiền",
        "VV-2026-003,2026-02-10 15:40,Cướp giật,21.02602,105.83325,,Giật dây chuyền trước tiệm vàng",
        "VV-2026-004,2026-02-11 02:20,Đột nhập,21.02895,105.83222,,Cạy cửa trụ sở Sở Kế hoạch và Đầu tư",
        "VV-2026-005,20/03/2026 21h,Cố ý gây thương tích,21.0275,105.8350,,Xô xát tại quán nhậu",
        "VV-2026-006,05/04/2026 23h45,Trộm cắp tài sản,21.0250,105.8300,,Mất trộm xe máy",
        "VV-2026-007,12/05/2026 09:05,Lừa đảo chiếm đoạt tài sản,21.0290,105.8360,,Giả danh nhân viên ngân hàng",
    ]  # fmt: skip
    write("incidents-van-mieu.csv", "\n".join([inc_header, *incidents]) + "\n")
    from datetime import date, time

    split = [["STT", "Ngày xảy ra", "Giờ xảy ra", "Loại vụ việc", "Vĩ độ", "Kinh độ", "Nội dung"]]
    split += [
        [1, date(2026, 1, 3), time(1, 30), "Đột nhập", 21.0297, 105.8303, "Đột nhập kho bạc"],
        [2, date(2026, 1, 14), time(10, 15), "Cướp giật", 21.02815, 105.83305, "Giật túi xách"],
        [3, date(2026, 2, 11), time(2, 20), "Burglary", 21.02895, 105.83222, "Cạy cửa trụ sở"],
    ]
    write("incidents-split-date.xlsx", xlsx_bytes(split))
    write(
        "incidents-missing-column.csv",
        "\n".join([inc_header.replace("Loại vụ việc,", "Ghi chú,"), *incidents[:2]]) + "\n",
    )
    write(
        "incidents-no-time-column.csv",
        "\n".join([inc_header.replace("Thời gian", "Ghi chú"), *incidents[:2]]) + "\n",
    )
    write(
        "incidents-bad-date.csv",
        "\n".join([inc_header, incidents[0], incidents[1].replace("14/01/2026", "31/02/2026")])
        + "\n",
    )
    write(
        "incidents-date-without-year.csv",
        "\n".join([inc_header, incidents[0], incidents[1].replace("14/01/2026", "14/01")]) + "\n",
    )
    write(
        "incidents-no-clock.csv",
        "\n".join([inc_header, incidents[0], incidents[1].replace(" 10:15", "")]) + "\n",
    )
    write(
        "incidents-bad-clock.csv",
        "\n".join([inc_header, incidents[0], incidents[1].replace("10:15", "25h15")]) + "\n",
    )
    write(
        "incidents-future.csv",
        "\n".join([inc_header, incidents[0], incidents[1].replace("2026", "2099")]) + "\n",
    )
    write(
        "incidents-unknown-type.csv",
        "\n".join(
            [
                inc_header,
                incidents[0],
                incidents[1].replace("Cướp giật tài sản", "Vi phạm giao thông"),
            ]
        )
        + "\n",
    )
    write(
        "incidents-text-in-number.csv",
        "\n".join([inc_header, incidents[0], incidents[1].replace("105.83305", "gần ngân hàng")])
        + "\n",
    )
    write(
        "incidents-swapped.csv",
        "\n".join(
            [
                inc_header,
                incidents[0],
                incidents[1].replace("21.02815,105.83305", "105.83305,21.02815"),
            ]
        )
        + "\n",
    )
    write(
        "incidents-outside-area.csv",
        "\n".join(
            [
                inc_header,
                incidents[0],
                incidents[1].replace("21.02815,105.83305", "21.0368,105.8342"),
            ]
        )
        + "\n",
    )
    write(
        "incidents-duplicate-rows.csv",
        "\n".join(
            [
                inc_header,
                incidents[0],
                incidents[1],
                incidents[1].replace("VV-2026-002", "VV-2026-008"),
            ]
        )
        + "\n",
    )
    write(
        "incidents-duplicate-id.csv",
        "\n".join([inc_header, incidents[0], incidents[1].replace("VV-2026-002", "VV-2026-001")])
        + "\n",
    )


if __name__ == "__main__":
    main()
