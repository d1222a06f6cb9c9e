"""``patrol people``, ``patrol teams`` and a leader's account linked to a team, on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from patrol.cli import app

PEOPLE = Path(__file__).parents[1] / "data" / "people"
PASSWORD = "tổ trưởng tổ một phường"


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    return path


def run(settings_file: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--settings", str(settings_file), *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_people_by_hand_teams_and_a_leader_account(settings_file: Path) -> None:
    # Before any team: the leader's account is refused in Vietnamese, saying what to do.
    code, _, err = run(
        settings_file,
        "users",
        "add",
        "totruong1",
        "--role",
        "patrol_leader",
        "--team",
        "T1",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 2
    assert "lỗi: Địa bàn chưa có Tổ 1: chưa lập tổ nào." in err
    for name, unit, phone in [
        ("Nguyễn Văn An", "Công an phường", "0912345678"),
        ("Lê Văn Cường", "Ban Chỉ huy quân sự", "0934 111 222"),
        ("Phạm Quốc Dũng", "Công an phường", "0903222333"),
        ("Hoàng Văn Em", "Dân quân", "0356444555"),
    ]:
        code, out, err = run(settings_file, "people", "add", name, "--unit", unit, "--phone", phone)
        assert code == 0, err
        assert out.startswith(f"Đã thêm {name}")
    code, _, err = run(settings_file, "people", "add", "Hà Văn Lâm", "--unit", "Hội Phụ nữ")
    assert code == 2 and "không có trong danh mục" in err
    code, out, _ = run(
        settings_file,
        "teams",
        "add",
        "Tổ 1",
        "--leader",
        "Nguyễn Văn An",
        "--member",
        "Lê Văn Cường",
    )
    assert (code, out) == (0, "Đã lập Tổ 1.\n")
    code, out, _ = run(
        settings_file, "teams", "add", "Tổ 2", "--leader", "3", "--member", "hoàng văn em"
    )
    assert code == 0
    code, _, err = run(settings_file, "teams", "add", "Tổ 3", "--leader", "Lê Văn Cường")
    assert code == 2 and "Lê Văn Cường (đang ở Tổ 1)" in err
    code, out, _ = run(settings_file, "teams", "list")
    assert out.splitlines() == [
        "Tổ 1 (T1) - tổ trưởng: Nguyễn Văn An",
        "  Nguyễn Văn An (Công an phường) - 0912 345 678",
        "  Lê Văn Cường (Ban Chỉ huy quân sự) - 0934 111 222",
        "Tổ 2 (T2) - tổ trưởng: Phạm Quốc Dũng",
        "  Phạm Quốc Dũng (Công an phường) - 0903 222 333",
        "  Hoàng Văn Em (Dân quân) - 0356 444 555",
    ]
    code, out, err = run(
        settings_file,
        "users",
        "add",
        "totruong1",
        "--role",
        "patrol_leader",
        "--team",
        "Tổ 1",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, err
    code, out, _ = run(
        settings_file,
        "users",
        "add",
        "totruong2",
        "--role",
        "patrol_leader",
        "--password-stdin",
        stdin=PASSWORD + " hai\n",
    )
    assert "Lưu ý: tài khoản tổ trưởng chưa gắn với tổ nào" in out
    code, out, _ = run(settings_file, "users", "team", "totruong2", "--team", "2")
    assert (code, out) == (0, "totruong2 là tổ trưởng của Tổ 2.\n")
    code, out, _ = run(settings_file, "users", "list")
    teams = {line.split("\t")[0]: line.split("\t")[2] for line in out.splitlines()}
    assert teams == {"totruong1": "T1", "totruong2": "T2"}


def test_import_refused_whole_then_roster_and_swap(settings_file: Path) -> None:
    code, _, err = run(settings_file, "people", "import", str(PEOPLE / "trung-nguoi.csv"))
    assert code == 2
    assert "lỗi: trung-nguoi.csv: 1 lỗi, chưa nạp gì." in err
    assert "dòng 4, cột Họ và tên: Nguyễn  Văn An bị trùng (dòng 2 và dòng 4)" in err
    code, out, _ = run(settings_file, "people", "list")
    assert out.startswith("Chưa có ai")
    code, out, _ = run(settings_file, "people", "import", str(PEOPLE / "luc-luong.csv"))
    assert (code, out) == (0, "Đã nhập 8 người từ luc-luong.csv; các tổ: Tổ 1, Tổ 2.\n")
    code, out, err = run(
        settings_file,
        "teams",
        "swap",
        "--date",
        "03/12/2026",
        "--out",
        "Lê Văn Cường",
        "--in",
        "Đỗ Văn Hải",
    )
    assert code == 2
    assert "Tổ 1 không có người của Ban Chỉ huy quân sự hoặc dân quân" in err
    code, out, _ = run(
        settings_file,
        "teams",
        "swap",
        "--date",
        "03/12/2026",
        "--out",
        "Lê Văn Cường",
        "--in",
        "Vũ Thị Giang",
    )
    assert code == 0
    code, out, _ = run(settings_file, "teams", "roster", "--date", "2026-12-03")
    lines = out.splitlines()
    assert lines[0] == "Ca trực đêm 03/12/2026:"
    assert lines[1:5] == [
        "Tổ 1:",
        "  Nguyễn Văn An (tổ trưởng) - Thượng úy, Công an phường - 0912 345 678",
        "  Trần Thị Bình - Trung úy, Công an phường - 0987 654 321",
        "  Vũ Thị Giang - Tiểu đội trưởng, Dân quân - 0868 666 777",
    ]
    assert "  Lê Văn Cường - Trung đội trưởng, Ban Chỉ huy quân sự - 0934 111 222" in lines[5:]
