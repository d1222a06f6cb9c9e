"""The people's patrol teams' roster: read whole, every problem named by row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from patrol.village_teams import read_village_teams, role_code
from patrolbase.errors import InputFileError

TEMPLATES = Path(__file__).parents[2] / "geodata" / "data" / "templates"
# Three of the default area's residential groups, as geodata.streets.residential_groups names them.
GROUPS = {
    "kdc-8": "Khu dân cư số 8 (Phố Tôn Đức Thắng – Phố Văn Miếu)",
    "kdc-10": "Khu dân cư số 10 (Phố Cát Linh – Phố Hào Nam)",
    "kdc-16": "Khu dân cư số 16 (Phố Nguyễn Khuyến – Phố Quốc Tử Giám)",
}
HEAD = "STT,Tổ/khu dân cư,Họ và tên,Vai trò,Tổ trưởng,Điện thoại\n"
TEAM_8 = (
    "1,Khu dân cư số 8,Trần Văn Bình,Bảo vệ dân phố,x,0987 654 321\n"
    "2,Khu dân cư số 8,Phạm Thị Hoa,Dân phòng,,0345 678 912\n"
    "3,Khu dân cư số 8,Đỗ Văn Hùng,Lực lượng bảo vệ ANTT cơ sở,,\n"
)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "to-tuan-tra.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Dân phòng", "civil_defense"),
        ("bảo vệ dân phố", "residential_guard"),
        ("Lực lượng bảo vệ an ninh, trật tự ở cơ sở", "grassroots"),
        ("Công an viên", "police"),
        ("Công an xã", "police"),
        ("Dân quân tự vệ", "militia"),
        ("Ban Chỉ huy quân sự", None),
        ("Hội Phụ nữ", None),
    ],
)
def test_roles(text: str, code: str | None) -> None:
    assert role_code(text) == code


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_template_makes_one_team_with_its_leader_first(suffix: str) -> None:
    [team] = read_village_teams(TEMPLATES / f"mau-to-tuan-tra-nhan-dan{suffix}", groups=GROUPS)
    assert team.group_id == "kdc-8" and team.group == GROUPS["kdc-8"]
    assert team.leader.name == "Trần Văn Bình" and team.leader.phone == "0987654321"
    assert [m.role for m in team.members] == [
        "residential_guard",
        "civil_defense",
        "grassroots",
        "militia",
    ]
    assert team.leader.role_label("vi") == "Bảo vệ dân phố"


def test_a_group_is_named_whole_or_before_its_bracket_and_the_leader_comes_first(
    tmp_path: Path,
) -> None:
    body = (
        "1,Khu dân cư số 16 (Phố Nguyễn Khuyến – Phố Quốc Tử Giám),Lê Văn A,Dân phòng,,\n"
        "2,khu dan cu so 16,Lê Văn B,Công an viên,x,0912 000 111\n"
        "3,Khu dân cư số 16,Lê Văn C,Dân quân,,\n"
    )
    [team] = read_village_teams(_write(tmp_path, TEAM_8 + body), groups=GROUPS)[1:]
    assert team.group_id == "kdc-16"
    assert [m.name for m in team.members] == ["Lê Văn B", "Lê Văn A", "Lê Văn C"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a team of two
        (
            "1,Khu dân cư số 10,Ngô Văn A,Dân phòng,x,0912 000 001\n"
            "2,Khu dân cư số 10,Ngô Văn B,Dân phòng,,\n",
            [(2, "Tổ/khu dân cư", "có 2 người (dòng 2, 3): mỗi tổ từ 3 đến 5 người")],
        ),
        # a team of six
        (
            "".join(
                f"{i},Khu dân cư số 10,Ngô Văn {c},Dân phòng,{'x' if i == 1 else ''},"
                f"{'0912 000 001' if i == 1 else ''}\n"
                for i, c in enumerate("ABCDEF", 1)
            ),
            [(2, "Tổ/khu dân cư", "có 6 người")],
        ),
        # no leader
        (TEAM_8.replace(",x,", ",,"), [(2, "Tổ trưởng", "chưa có tổ trưởng (dòng 2, 3, 4)")]),
        # two leaders
        (
            TEAM_8.replace("Dân phòng,,", "Dân phòng,x,"),
            [(3, "Tổ trưởng", "có 2 tổ trưởng, Trần Văn Bình (dòng 2), Phạm Thị Hoa (dòng 3)")],
        ),
        # an unknown role
        (
            TEAM_8.replace("Dân phòng", "Hội Phụ nữ"),
            [(3, "Vai trò", "Vai trò 'Hội Phụ nữ' không có trong danh mục")],
        ),
        # a group the area does not have, with the close names
        (
            TEAM_8.replace("Khu dân cư số 8", "Khu dan cu so 18"),
            [(2, "Tổ/khu dân cư", "không có tổ/khu dân cư 'Khu dan cu so 18' (dòng 2, 3, 4)")],
        ),
        # a person on two teams
        (
            TEAM_8 + "5,Khu dân cư số 10,Trần Văn Bình,Dân phòng,x,0987 654 321\n"
            "6,Khu dân cư số 10,Ngô Văn B,Dân phòng,,\n7,Khu dân cư số 10,Ngô Văn C,Dân quân,,\n",
            [(5, "Họ và tên", "Trần Văn Bình có tên ở hai tổ")],
        ),
        # the same person on two teams, once without a phone
        (
            TEAM_8 + "5,Khu dân cư số 10,Đỗ Văn Hùng,Dân phòng,x,0912 000 001\n"
            "6,Khu dân cư số 10,Ngô Văn B,Dân phòng,,\n7,Khu dân cư số 10,Ngô Văn C,Dân quân,,\n",
            [(5, "Họ và tên", "Đỗ Văn Hùng có tên ở hai tổ")],
        ),
        # namesakes with their own phones are two people
        (
            TEAM_8 + "5,Khu dân cư số 10,Trần Văn Bình,Dân phòng,x,0912 000 001\n"
            "6,Khu dân cư số 10,Ngô Văn B,Dân phòng,,\n",
            [(5, "Tổ/khu dân cư", "có 2 người")],
        ),
        # an empty name
        (
            TEAM_8.replace("Phạm Thị Hoa", ""),
            [(3, "Họ và tên", "Thiếu họ và tên")],
        ),
        # a leader without a phone
        (
            TEAM_8.replace("0987 654 321", ""),
            [(2, "Điện thoại", "chưa có số điện thoại")],
        ),
    ],
    ids=[
        "two",
        "six",
        "no-leader",
        "two-leaders",
        "role",
        "group",
        "two-teams",
        "two-teams-one-phone",
        "namesakes",
        "no-name",
        "leader-phone",
    ],
)
def test_a_bad_roster_is_refused_whole_by_row_and_column(
    tmp_path: Path, body: str, expected: list[tuple[int, str, str]]
) -> None:
    with pytest.raises(InputFileError) as caught:
        read_village_teams(_write(tmp_path, body), groups=GROUPS, name="to-tuan-tra.csv")
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [(r, c) for r, c, _ in expected]
    for problem, (_, _, words) in zip(problems, expected, strict=True):
        assert words in problem.message_vi, problem.message_vi
        assert problem.file == "to-tuan-tra.csv" and problem.message  # English too
    assert caught.value.message_vi.startswith("to-tuan-tra.csv: ")


def test_an_unknown_group_suggests_the_close_names(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_village_teams(
            _write(tmp_path, TEAM_8.replace("Khu dân cư số 8", "Khu dan cu so 16a")), groups=GROUPS
        )
    [problem] = caught.value.problems
    assert f"có phải {GROUPS['kdc-16']}" in problem.message_vi
    assert "did you mean" in problem.message


def test_every_problem_of_a_file_is_named_at_once_and_nothing_is_kept(tmp_path: Path) -> None:
    body = (
        "1,Khu dân cư số 8,,Dân phòng,x,0987 654 321\n"
        "2,Khu dân cư số 8,Phạm Thị Hoa,Bảo vệ,,12\n"
        "3,Thôn Đông,Đỗ Văn Hùng,Dân quân,,\n"
    )
    with pytest.raises(InputFileError) as caught:
        read_village_teams(_write(tmp_path, body), groups=GROUPS)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "Họ và tên"),
        (2, "Tổ/khu dân cư"),
        (3, "Vai trò"),
        (3, "Điện thoại"),
        (4, "Tổ/khu dân cư"),
    ]


def test_a_roster_without_its_columns_names_them(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("STT,Họ và tên,Điện thoại\n1,Trần Văn Bình,0987 654 321\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_village_teams(path, groups=GROUPS)
    [problem] = caught.value.problems
    assert problem.row == 1 and "Thiếu cột Tổ/khu dân cư, Vai trò, Tổ trưởng" in problem.message_vi
