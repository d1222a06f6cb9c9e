"""A4 briefing: rendered with poppler, text extracted, Vietnamese names intact, font embedded."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from geodata.mapstyle import team_style
from patrol.export import PlanExport, to_pdf, write_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True)
    return done.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def briefing(plan: PlanExport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "t1.pdf"
    return write_pdf(plan, out, team="T1", hotline="0243 823 4567")


def test_a4_page_renders(briefing: Path) -> None:
    info = subprocess.run(
        ["pdfinfo", str(briefing)], check=True, capture_output=True
    ).stdout.decode()
    assert "595.28 x 841.89 pts (A4)" in info
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(briefing),
            str(briefing.with_suffix("")),
        ],
        check=True,
    )
    page = briefing.parent / "t1-1.png"
    assert page.stat().st_size > 5000  # a drawn page, not a blank one
    from PIL import Image

    with Image.open(page) as image:
        # The loop is drawn in the team's colour (as on the dashboard's map, never a risk
        # colour) inside the map frame, about 15-44 % of the page height.
        import numpy as np
        from matplotlib.colors import to_rgb

        rgb = np.asarray(image.convert("RGB")).astype(int)
        rgb = rgb[int(0.16 * rgb.shape[0]) : int(0.43 * rgb.shape[0])]
        team = np.array(to_rgb(team_style(0).colour)) * 255
        loop = int((np.abs(rgb - team).sum(axis=-1) < 60).sum())
    assert loop > 200


def test_vietnamese_text_intact(plan: PlanExport, briefing: Path) -> None:
    text = _text(briefing)
    route = plan.route("T1")
    flat = " ".join(text.split())
    for stop in route.stops:
        assert stop.name.split()[0] in flat
    for name in (
        "Công an phường Quốc Tử Giám",
        "Phòng giao dịch Oceanbank Văn Miếu",
        "Thiếu tá Nguyễn Văn Đức",
        "Trung úy Trần Thị Hằng",
        "Lê Quang Vũ",
        "KẾ HOẠCH TUẦN TRA KHÉP KÍN",
        "Khung giờ nguy cơ cao",
    ):
        assert name in flat, name
    # Times, dwell, notes, approver, emergency numbers and the hotline.
    assert f"{route.stops[0].start:%H:%M}-{route.stops[0].depart:%H:%M}" in flat
    assert "Kiểm tra khóa cửa" in flat
    assert "Trung tá Hoàng Văn Thắng" in flat
    for number in ("113 Công an", "114 Cứu hỏa", "115 Cấp cứu", "0243 823 4567"):
        assert number in flat
    assert "23/11/2026" in flat and "22:00-05:00" in flat and "phiên bản 3" in flat
    assert "OpenStreetMap" in flat
    assert "BẢN NHÁP" not in flat


def test_font_is_embedded(briefing: Path) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(briefing)], check=True, capture_output=True
    ).stdout.decode()
    rows = [line for line in fonts.splitlines() if "DejaVu" in line]
    assert rows and all(" yes " in row for row in rows)  # emb column


def test_draft_marked_and_blank_hotline(draft_plan: PlanExport, tmp_path: Path) -> None:
    out = tmp_path / "draft.pdf"
    out.write_bytes(to_pdf(draft_plan, team="T2"))
    flat = " ".join(_text(out).split())
    assert "BẢN NHÁP" in flat and "chưa được phê duyệt" in flat
    assert "Đường dây nóng: ____" in flat


def test_english_switch(plan: PlanExport, tmp_path: Path) -> None:
    out = tmp_path / "en.pdf"
    out.write_bytes(to_pdf(plan, team="T2", lang="en"))
    flat = " ".join(_text(out).split())
    assert "CLOSED-LOOP PATROL PLAN" in flat and "Emergency numbers" in flat
    assert "Tiệm vàng PNJ Tôn Đức Thắng" in flat  # site names stay as the ward writes them


def test_qr_code_of_the_signed_link(plan: PlanExport, tmp_path: Path) -> None:
    import numpy as np
    import segno
    from PIL import Image

    from patrol.export import link_for

    url = link_for(plan, "T1", base_url="http://10.0.0.5:8765", secret=b"s" * 32)
    out = tmp_path / "qr.pdf"
    out.write_bytes(to_pdf(plan, team="T1", link=url))
    assert "Quét để tải lộ trình" in " ".join(_text(out).split())
    subprocess.run(["pdfimages", "-png", str(out), str(tmp_path / "img")], check=True)
    (image_path,) = sorted(tmp_path.glob("img-*.png"))
    with Image.open(image_path) as image:
        pixels = np.asarray(image.convert("L")) < 128
    # The embedded image is the link's QR code, module for module (scale 4, quiet zone 4).
    expected = np.array(segno.make(url, error="m", micro=False).matrix, dtype=bool)
    modules = pixels[2::4, 2::4][4:-4, 4:-4]
    assert modules.shape == expected.shape and (modules == expected).all()
