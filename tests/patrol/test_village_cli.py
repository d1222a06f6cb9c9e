"""``patrol village-loops --teams``: each team's sheet, briefing, phone page, GPX (default area)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from patrol.cli import app

ROSTER = Path(__file__).parents[1] / "data" / "people" / "to-tuan-tra-nhan-dan.csv"
TEMPLATES = Path(__file__).parents[2] / "geodata" / "data" / "templates"
LEADERS = {
    "khu-dan-cu-so-8": "Trần Văn Bình",
    "khu-dan-cu-so-10": "Nguyễn Văn Long",
    "khu-dan-cu-so-16": "Vương Thị Sen",
}


@pytest.mark.slow
def test_each_team_gets_its_sheet_briefing_phone_page_and_gpx_naming_its_leader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    out = tmp_path / "v"
    result = CliRunner().invoke(
        app,
        ["village-loops", "--teams", str(ROSTER), "--date", "07/12/2026", "--start", "22:30",
         "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 tổ tuần tra nhân dân" in result.output
    assert "tổ trưởng Vương Thị Sen, 22:30-" in result.output
    # the groups' loops are still written, one per group
    assert len(list(out.glob("tuan-tra-nhan-dan-kdc-*.gpx"))) >= 17
    for group, leader in LEADERS.items():
        stem = out / f"to-tuan-tra-nhan-dan-{group}"
        sheet = stem.with_suffix(".txt").read_text(encoding="utf-8")
        assert f"Tổ trưởng: {leader}" in sheet and "xuất phát 22:30" in sheet
        assert "Điểm tập trung: " in sheet and "Mục tiêu cần chú ý đi qua" in sheet
        assert "© OpenStreetMap" in sheet
        page = stem.with_suffix(".html").read_text(encoding="utf-8")
        assert leader in page and "default-src 'none'" in page
        # no outside resource or link: only the attribution's address, as text
        assert not re.search(r"(src|href)=\"https?:", page)
        gpx = stem.with_suffix(".gpx").read_text(encoding="utf-8")
        assert "<trkpt" in gpx and "<wpt" in gpx and "OpenStreetMap" in gpx
        pdf = stem.with_suffix(".pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(stem.with_suffix(".pdf")), "-"], capture_output=True, check=True
            ).stdout.decode("utf-8")
            assert leader in text and "BẢN NHÁP" in text
    # the group with most sites of concern passes all 15 of them, each with its arrival time
    sheet = (out / "to-tuan-tra-nhan-dan-khu-dan-cu-so-10.txt").read_text(encoding="utf-8")
    assert "Mục tiêu cần chú ý đi qua (15)" in sheet and "Kho bạc Nhà nước" in sheet
    assert len(re.findall(r"^  \d\d\. \d\d:\d\d  ", sheet, flags=re.MULTILINE)) == 15


@pytest.mark.slow
def test_the_roster_form_works_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    form = TEMPLATES / "mau-to-tuan-tra-nhan-dan.xlsx"
    result = CliRunner().invoke(
        app, ["village-loops", "--teams", str(form), "--date", "07/12/2026", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "1 tổ tuần tra nhân dân" in result.output
    sheet = (tmp_path / "to-tuan-tra-nhan-dan-khu-dan-cu-so-8.txt").read_text(encoding="utf-8")
    assert "Tổ trưởng: Trần Văn Bình (Bảo vệ dân phố) - ĐT 0987 654 321" in sheet


@pytest.mark.slow
def test_a_bad_roster_writes_nothing_and_names_the_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    bad = tmp_path / "to.csv"
    bad.write_text(
        ROSTER.read_text(encoding="utf-8").replace("Khu dân cư số 8,", "Khu dân cư số 80,"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["village-loops", "--teams", str(bad), "-o", str(tmp_path / "v")]
    )
    assert result.exit_code == 2
    assert result.output.startswith("lỗi: ") and "Khu dân cư số 80" in result.output
    assert not (tmp_path / "v").exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--date", "7/13/2026"], "--date"),
        (["--start", "25:00"], "--start"),
        (["--start", "04:30"], "ca đêm 22:00-05:00"),
    ],
)
def test_a_bad_night_is_refused_in_vietnamese_before_planning(
    args: list[str], fragment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    result = CliRunner().invoke(
        app, ["village-loops", "--teams", str(ROSTER), *args, "-o", str(tmp_path / "v")]
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("lỗi: ") and fragment in result.output
    assert not (tmp_path / "v").exists()
