"""Personnel lists and the night's roster: units, phones, whole-file checks, roster checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from patrol.night import Member, NightRoster, NightTeam, check_night, roster_from_rows
from patrol.personnel import (
    normalise_phone,
    read_personnel,
    team_code,
    team_label,
    unit_code,
)
from patrolbase.errors import InputFileError, RosterError

PEOPLE = Path(__file__).parents[1] / "data" / "people"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Công an phường", "police"),
        ("CA phường", "police"),
        ("Ban Chỉ huy quân sự", "military"),
        ("dân quân tự vệ", "militia"),
        ("Dân phòng", "civil_defense"),
        ("Bảo vệ dân phố", "residential_guard"),
        ("Lực lượng bảo vệ an ninh, trật tự ở cơ sở", "grassroots"),
        ("Hội Phụ nữ", None),
    ],
)
def test_units(text: str, code: str | None) -> None:
    assert unit_code(text) == code


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("0912 345 678", "0912345678"),
        ("+84 934 111 222", "0934111222"),
        ("84934111222", "0934111222"),
        ("024.3823.4567", "02438234567"),
        ("", ""),
        ("912345678", None),
        ("0934-111", None),
        ("0112345678", None),
        ("09123456789", None),
        ("số máy 0912", None),
    ],
)
def test_phones(text: str, phone: str | None) -> None:
    assert normalise_phone(text) == phone


def test_team_names() -> None:
    assert [team_code(x) for x in ("Tổ 1", "to 01", "T3", "4", " Tổ cơ động ")] == [
        "T1",
        "T1",
        "T3",
        "T4",
        "Tổ cơ động",
    ]
    assert team_label("T12") == "Tổ 12"
    assert team_label("Tổ cơ động") == "Tổ cơ động"


def test_personnel_list_is_read_with_its_teams() -> None:
    rows = read_personnel(PEOPLE / "luc-luong.csv")
    assert len(rows) == 8
    first = rows[0]
    got = (first.row, first.name, first.unit, first.rank, first.phone, first.team, first.leader)
    assert got == (2, "Nguyễn Văn An", "police", "Thượng úy", "0912345678", "T1", True)
    assert rows[2].phone == "0934111222"  # +84 written as 0
    assert [r.team for r in rows] == ["T1"] * 3 + ["T2"] * 3 + ["", ""]
    assert rows[7].unit == "civil_defense"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("thieu-ten.csv", [(3, "Họ và tên", "Thiếu họ và tên")]),
        ("sai-don-vi.csv", [(3, "Đơn vị", "Đơn vị 'Hội Phụ nữ' không có trong danh mục")]),
        ("trung-nguoi.csv", [(4, "Họ và tên", "Nguyễn  Văn An bị trùng (dòng 2 và dòng 4)")]),
        (
            "sai-so-dien-thoai.csv",
            [(2, "Số điện thoại", "Excel làm mất số 0"), (3, "Số điện thoại", "sai dạng")],
        ),
    ],
)
def test_a_bad_personnel_file_is_refused_whole_by_row_and_column(
    name: str, expected: list[tuple[int, str, str]]
) -> None:
    with pytest.raises(InputFileError) as caught:
        read_personnel(PEOPLE / name)
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [(r, c) for r, c, _ in expected]
    for problem, (_, _, words) in zip(problems, expected, strict=True):
        assert words in problem.message_vi


def test_people_already_kept_are_duplicates() -> None:
    with pytest.raises(InputFileError) as caught:
        read_personnel(PEOPLE / "luc-luong.csv", existing=[("nguyễn văn an", "0912345678")])
    [problem] = caught.value.problems
    assert (problem.row, problem.value) == (2, "Nguyễn Văn An")
    assert "đã có trong danh sách lực lượng" in problem.message_vi


def test_roster_file_makes_joint_teams_with_names_and_phones() -> None:
    night = roster_from_rows(
        read_personnel(PEOPLE / "ca-truc.csv", need_team=True), source="ca-truc.csv"
    )
    teams = night.joint_teams()
    assert [t.id for t in teams] == ["T1", "T2"]
    assert teams[0].leader.name == "Nguyễn Văn An"
    assert teams[1].counts() == {"police": 1, "military": 1}
    people = teams[1].people()
    assert people[1] == {
        "name": "Hoàng Văn Em",
        "role": "militia",
        "unit": "Dân quân",
        "rank": "Chiến sĩ",
        "phone": "0356 444 555",
        "leader": False,
    }


def test_roster_file_with_a_person_on_two_teams_is_refused_naming_them() -> None:
    rows = read_personnel(PEOPLE / "ca-truc-trung.csv", need_team=True)
    with pytest.raises(InputFileError) as caught:
        roster_from_rows(rows, source="ca-truc-trung.csv")
    [problem] = caught.value.problems
    assert problem.row == 5
    assert "Lê Văn Cường có tên ở hai tổ (Tổ 1 và Tổ 2; dòng 3, 5)" in problem.message_vi


def test_roster_file_with_a_team_without_leader_is_refused_naming_it() -> None:
    rows = read_personnel(PEOPLE / "ca-truc-thieu-to-truong.csv", need_team=True)
    with pytest.raises(InputFileError) as caught:
        roster_from_rows(rows, source="x.csv")
    [problem] = caught.value.problems
    assert "Tổ 2 (Phạm Quốc Dũng, Hoàng Văn Em) chưa có tổ trưởng" in problem.message_vi


def _m(pid: str, name: str, unit: str) -> Member:
    return Member(pid, name, unit)


def test_night_checks_name_people_and_teams() -> None:
    an, binh = _m("1", "Nguyễn Văn An", "police"), _m("2", "Trần Thị Bình", "police")
    cuong, em = _m("3", "Lê Văn Cường", "military"), _m("4", "Hoàng Văn Em", "militia")
    check_night(
        NightRoster(None, (NightTeam("T1", (an, cuong), "1"), NightTeam("T2", (binh, em), "2")))
    )
    with pytest.raises(RosterError) as caught:
        check_night(
            NightRoster(
                None, (NightTeam("T1", (an, cuong), "1"), NightTeam("T2", (binh, cuong), None))
            )
        )
    text = caught.value.message_vi or ""
    assert "Lê Văn Cường có tên ở hai tổ (Tổ 1 và Tổ 2)" in text
    assert "Tổ 2 (Trần Thị Bình, Lê Văn Cường) chưa có tổ trưởng" in text
    with pytest.raises(RosterError, match="team T2 has no member of the military command"):
        check_night(
            NightRoster(
                None, (NightTeam("T1", (an, cuong, em), "1"), NightTeam("T2", (binh,), "2"))
            )
        )
    # Only police on duty: a police-only team is allowed.
    check_night(NightRoster(None, (NightTeam("T1", (an,), "1"), NightTeam("T2", (binh,), "2"))))


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Danh sách lực lượng tham gia tuần tra"])  # a title above the header
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_excel_list_is_read_and_a_number_cell_phone_is_explained(tmp_path: Path) -> None:
    header = ["STT", "Họ và tên", "Đơn vị", "Cấp bậc, chức vụ", "Số điện thoại"]
    good = _xlsx(
        tmp_path / "ds.xlsx",
        [
            header,
            [1, "Nguyễn Văn An", "Công an phường", "Thượng úy", "0912 345 678"],
            [2, "Lê Văn Cường", "Dân quân", "", "0934111222"],
        ],
    )
    rows = read_personnel(good)
    assert [(r.row, r.name, r.unit, r.phone) for r in rows] == [
        (3, "Nguyễn Văn An", "police", "0912345678"),
        (4, "Lê Văn Cường", "militia", "0934111222"),
    ]
    # Typed as a number, Excel keeps 912345678: refused, saying why and how to fix it.
    bad = _xlsx(
        tmp_path / "so.xlsx", [header, [1, "Nguyễn Văn An", "Công an phường", "", 912345678]]
    )
    with pytest.raises(InputFileError) as caught:
        read_personnel(bad)
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "Số điện thoại", "912345678")
    assert "Excel làm mất số 0 ở đầu" in problem.message_vi


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_blank_form_of_the_personnel_list_reads_clean(suffix: str) -> None:
    form = Path(__file__).parents[2] / "geodata" / "data" / "templates"
    rows = read_personnel(form / f"mau-danh-sach-luc-luong{suffix}", need_team=True)
    assert [(r.name, r.unit, r.phone, r.team, r.leader) for r in rows] == [
        ("Nguyễn Văn An", "police", "0912345678", "T1", True),
        ("Lê Văn Cường", "military", "0934111222", "T1", False),
        ("Hoàng Văn Em", "militia", "0356444555", "T1", False),
    ]
