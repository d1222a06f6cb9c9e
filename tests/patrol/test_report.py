"""The monthly review report.

The PDF rendered with poppler and its Vietnamese text extracted intact, the self-contained HTML
page, the tables, and the ``patrol review`` command.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from geodata.incidents import generate_demo_incidents
from geodata.review import monthly_review
from patrol.report import review_tables, write_docx, write_html, write_pdf, write_tables

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

TODAY = date(2026, 11, 23)
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
pytestmark = pytest.mark.slow  # a year of incidents reviewed with 999 permutations


@pytest.fixture(scope="module")
def area():
    from geodata.area import load_area

    return load_area()


@pytest.fixture(scope="module")
def incidents(area):
    """Demonstration incidents at the area's facilities, a year and ten months of them."""
    return generate_demo_incidents(
        area.facilities, area.bbox, start="2025-01-01", end="2026-10-31", seed=4, per_month=45
    )


@pytest.fixture(scope="module")
def review(area, incidents):
    from geodata.basemap import street_background

    return monthly_review(
        incidents, month="2026-10", bbox=area.bbox, boundary=area.boundary,
        facilities=area.facilities, area_name=area.name, crs=area.crs, today=TODAY,
        background=street_background(area),
    )  # fmt: skip


@pytest.fixture(scope="module")
def empty_review(area, incidents):
    t = incidents["time"]
    quiet = incidents[~((t >= "2026-10-01") & (t < "2026-11-01"))]
    return monthly_review(
        quiet, month="2026-10", bbox=area.bbox, facilities=area.facilities, today=TODAY
    )


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _flat(text: str) -> str:
    """NFC text with every run of white space made one space (pdftotext wraps lines)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def _images(pdf: Path) -> int:
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True)
    return len(out.stdout.decode().splitlines()) - 2  # two header lines


def _render(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"
HEADER = (
    "CÔNG AN TỈNH", "CÔNG AN PHƯỜNG", "Số: …/BC-CAP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 15 tháng 11 năm 2026", "BÁO CÁO",
)  # fmt: skip
PARTS = (
    "I. TÌNH HÌNH VỤ VIỆC", "II. KẾT QUẢ TUẦN TRA, KIỂM SOÁT", "III. ĐIỂM NÓNG VÀ ĐIỂM NÓNG MỚI",
    "IV. KẾT QUẢ THỰC HIỆN CHỈ TIÊU", "V. TUYÊN TRUYỀN LƯU ĐỘNG", "VI. KIẾN NGHỊ, ĐỀ XUẤT",
    "PHỤ LỤC: CÁCH TÍNH SỐ LIỆU",
)  # fmt: skip


@needs_poppler
def test_pdf_is_the_wards_document_and_keeps_its_vietnamese_text(review, tmp_path: Path) -> None:
    from PIL import Image

    pdf = write_pdf(review, tmp_path / "report.pdf")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    pages = _render(pdf, tmp_path)
    assert len(pages) >= 4
    for page in pages:  # every page has ink on it; kept for people to look at
        pixels = np.asarray(Image.open(page).convert("L"), dtype=float)
        assert pixels.std() > 5
        shutil.copyfile(page, ARTEFACTS / f"bao-cao-{page.name}")
    text = _flat(_text(pdf))
    for part in (*HEADER, *PARTS, "Nơi nhận:", "TRƯỞNG CÔNG AN PHƯỜNG"):
        assert part in text, part
    # the parts in order, the recipients before the annex, the date is the 15th
    positions = [text.index(p) for p in PARTS]
    assert positions == sorted(positions)
    assert text.index("Nơi nhận:") < text.index("PHỤ LỤC")
    assert "Kết quả tuần tra, kiểm soát và tình hình điểm nóng" in text
    assert "DỮ LIỆU MINH HỌA" in text
    assert "Cướp giật tài sản" in text and "Lừa đảo chiếm" in text  # the types' table
    assert _flat(review.recommendations[0].text_vi) in text
    # statistics words only in the annex, in plain words; no cell codes, no OSM ids
    body = text[: text.index("PHỤ LỤC")]
    assert "Gi*" not in body.replace("Điểm nóng / điểm lạnh Gi*", "")
    assert "FDR" not in text and "hoán vị" not in body and "osm-node" not in text
    assert re.search(r"\br\d+c\d+\b", text) is None
    assert _images(pdf) == 6  # types, months, hours; Gi*, density, emerging on the streets


@needs_poppler
def test_pdf_of_an_empty_month_says_why_there_is_no_map(empty_review, tmp_path: Path) -> None:
    text = _flat(_text(write_pdf(empty_review, tmp_path / "empty.pdf")))
    assert "Không có vụ việc nào trên địa bàn trong kỳ 10/2026" in text
    assert text.count("Không tính được") >= 2  # density and Gi* maps replaced by the reason
    assert _images(tmp_path / "empty.pdf") == 3  # types, months, emerging; no map of nothing


def test_word_document_holds_the_header_the_parts_and_the_recipients(
    review, tmp_path: Path
) -> None:
    import docx

    path = write_docx(review, tmp_path / "bao-cao.docx")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, ARTEFACTS / "bao-cao.docx")
    document = docx.Document(str(path))
    header = [p.text for cell in document.tables[0].rows[0].cells for p in cell.paragraphs]
    for part in HEADER[:-1]:
        assert part in header, part
    paragraphs = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in paragraphs
    bold_headings = [p.text for p in document.paragraphs if p.runs and p.runs[0].bold]
    for part in PARTS:
        assert part in bold_headings, part
    last = document.tables[-1].rows[0].cells
    recipients = [p.text for p in last[0].paragraphs]
    assert recipients[0] == "Nơi nhận:" and "- Lưu: VT;" in recipients
    assert last[1].paragraphs[0].text == "TRƯỞNG CÔNG AN PHƯỜNG"
    # the figures are in the document, the body font is the administrative one
    assert len(document.inline_shapes) == 6
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_settings_name_the_unit_the_signer_and_the_recipients(area, incidents, tmp_path) -> None:
    import docx

    from patrolbase.settings import Settings

    settings = Settings().replace(
        report={"issuing_unit": "CÔNG AN PHƯỜNG VĂN MIẾU - QUỐC TỬ GIÁM", "unit_code": "CAP-VM",
                "signer_name": "Nguyễn Văn An", "recipients": ["Công an thành phố Hà Nội"]},
        hotspots={"permutations": 99},
    )  # fmt: skip
    small = monthly_review(
        incidents, month="2026-10", bbox=area.bbox, crs=area.crs, settings=settings, today=TODAY
    )
    document = docx.Document(str(write_docx(small, tmp_path / "r.docx")))
    header = [p.text for cell in document.tables[0].rows[0].cells for p in cell.paragraphs]
    assert "CÔNG AN PHƯỜNG VĂN MIẾU - QUỐC TỬ GIÁM" in header and "Số: …/BC-CAP-VM" in header
    sign = document.tables[-1].rows[0].cells
    assert [p.text for p in sign[0].paragraphs][1:] == ["- Công an thành phố Hà Nội;"]
    assert sign[1].paragraphs[-1].text == "Nguyễn Văn An"


@needs_poppler
def test_english_switch(review, tmp_path: Path) -> None:
    text = _flat(_text(write_pdf(review, tmp_path / "en.pdf", lang="en")))
    assert "REPORT" in text and "SOCIALIST REPUBLIC OF VIET NAM" in text
    assert "II. PATROL RESULTS" in text and "Recipients:" in text
    assert "Khoảng trống" not in text and "Nơi nhận" not in text


def test_html_is_self_contained(review, empty_review, tmp_path: Path) -> None:
    page = write_html(review, tmp_path / "report.html").read_text(encoding="utf-8")
    assert re.search(r"(src|href)=\"https?:", page) is None
    assert page.count("data:image/png;base64,") >= 5
    assert "BÁO CÁO" in page and "Hà Nội, ngày 15 tháng 11 năm 2026" in page
    assert "II. KẾT QUẢ TUẦN TRA, KIỂM SOÁT" in page and "Nơi nhận:" in page
    empty = write_html(empty_review, tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "Không có vụ việc nào" in empty and "Không tính được" in empty


def test_tables_as_csv_and_xlsx(review, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    written = write_tables(review, tmp_path / "tables")
    names = {p.name for p in written}
    assert {"by_type.csv", "coverage.csv", "hour_weekday.csv", "review-2026-10.xlsx"} <= names
    by_type = pd.read_csv(tmp_path / "tables" / "by_type.csv", encoding="utf-8-sig")
    assert list(by_type["Tháng này"]) == list(review.by_type["month"])
    assert by_type["Loại vụ việc"].iloc[-1] == "Tổng"
    hours = pd.read_csv(tmp_path / "tables" / "hour_weekday.csv", encoding="utf-8-sig")
    assert hours.drop(columns="Giờ").to_numpy().sum() == len(review.incidents)
    book = load_workbook(tmp_path / "tables" / "review-2026-10.xlsx", read_only=True)
    assert {"by_type", "coverage", "facilities", "notices"} <= set(book.sheetnames)
    coverage = review_tables(review)["coverage"]
    if len(coverage):  # gaps first
        gap = coverage["Khoảng trống"].eq("Có").to_numpy()
        assert not (np.diff(gap.astype(int)) > 0).any()


def test_command_refuses_a_future_month_in_vietnamese(tmp_path: Path) -> None:
    from patrol.cli import app

    result = CliRunner().invoke(
        app, ["review", "--month", "2999-01", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 2
    assert result.output.count("Tháng 01/2999 chưa đến") == 1
    assert "has not begun" not in result.output
    english = CliRunner().invoke(
        app, ["review", "--month", "2999-01", "-o", str(tmp_path / "x.pdf")],
        env={"PATROL_LANG": "en"},
    )  # fmt: skip
    assert english.exit_code == 2 and "has not begun" in english.output
    assert not (tmp_path / "x.pdf").exists()


def test_command_writes_pdf_html_and_tables(area, incidents, tmp_path: Path) -> None:
    from geodata.io import write_incidents
    from patrol.cli import app

    log = write_incidents(incidents, tmp_path / "incidents.csv")
    plans = tmp_path / "plans"
    plans.mkdir()
    stop = area.facilities.iloc[0]
    plan = {
        "format": "patrol-plan/1", "problem": "night", "value": 1, "travel_s": 0,
        "routes": [{"team": "T1", "depart": 0, "return": 7200, "travel_s": 0, "stops": [
            {"site": stop.name, "visit": 0, "node": 1, "arrive": 3600, "start": 3600,
             "depart": 4200, "lat": float(stop["lat"]), "lon": float(stop["lon"])}]}],
        "unserved": [], "shift": {"date": "2026-10-05", "start": "22:00", "end": "05:00"},
        "status": "approved",
    }  # fmt: skip
    (plans / "2026-10-05.json").write_text(json.dumps(plan), encoding="utf-8")
    # the same plan claiming "approved" a second time, under another name, edited: not counted
    forged = {**plan, "routes": [{**plan["routes"][0], "team": "T9"}]}
    (plans / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    (plans / "copy.json").write_text(json.dumps(plan), encoding="utf-8")
    # the store approved the first one: only that approval counts, once
    from patrol.store import auth
    from patrol.store import plans as stored_plans
    from patrol.store.db import open_store
    from patrolbase.settings import Settings

    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    store = open_store(Settings.from_file(settings_file))
    chief = auth.create_user(store, "chihuy", "một đêm dài ở Cát Linh", role="commander")
    ref = stored_plans.save_plan(
        store, chief.principal, plan, area=area.name, shift_date=date(2026, 10, 5)
    )
    stored_plans.approve_plan(store, chief.principal, ref.plan_id, expected_version=ref.version)
    store.close()
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["--settings", str(settings_file),
         "review", "--month", "2026-10", "--incidents", str(log), "--plans", str(plans),
         "-o", str(out / "report.pdf"), "--html", str(out / "report.html"),
         "--tables", str(out / "tables")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (out / "report.pdf").stat().st_size > 20000
    assert (out / "report.html").is_file() and (out / "tables" / "review-2026-10.xlsx").is_file()
    cells = pd.read_csv(out / "tables" / "cells.csv", encoding="utf-8-sig")
    assert cells["Hiện diện (phút)"].sum() == 10  # the one approved stop, 600 s on site, once
    assert "tệp forged.json ghi 'đã phê duyệt'" in result.stderr
    # the audit chain's head is printed in the report (the log anchored on paper)
    store = open_store(Settings.from_file(settings_file))
    from patrol.store.audit import audit_head

    head_id, head_hash = audit_head(store)
    store.close()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"đến dòng {head_id}, mã đầu chuỗi {head_hash}" in page and head_id >= 3
    assert "Nhật ký hệ thống khi lập báo cáo" in page


def test_command_says_its_notices_in_vietnamese(tmp_path: Path) -> None:
    """A month not yet over is reviewed with a warning, named in Vietnamese (no "warning:")."""
    from patrol.cli import app
    from patrolbase.clock import ward_today

    month = f"{ward_today():%Y-%m}"
    result = CliRunner().invoke(app, ["review", "--month", month, "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert any(line.startswith("cảnh báo: Kỳ ") and "chưa kết thúc" in line for line in lines)
    assert not any(line.startswith(("warning:", "info:", "error:")) for line in lines)
