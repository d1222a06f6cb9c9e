"""The ward's residential groups as a table of street names: each group gets its streets."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata.area import Area, load_area
from geodata.io.groups import read_group_file
from geodata.streets import residential_groups, residential_streets
from patrolbase.errors import InputFileError

GROUPS = Path(__file__).parents[1] / "data" / "groups"
TEMPLATES = Path(__file__).parents[2] / "geodata" / "data" / "templates"


@pytest.fixture(scope="module")
def area() -> Area:
    return load_area()


def _table(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "to-dan-pho.csv"
    path.write_text("STT,Tổ/khu dân cư,Tên đường\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_each_group_covers_exactly_the_streets_it_names(area: Area) -> None:
    given = read_group_file(GROUPS / "to-dan-pho-duong.csv", area=area)
    named = {
        "Tổ dân phố số 1": {"Phố Quốc Tử Giám", "Phố Văn Miếu", "Ngõ Văn Chương"},
        "Tổ dân phố số 2": {"Phố Cát Linh", "Ngõ 35 Cát Linh", "Ngõ 27 Phố Cát Linh"},
        "Tổ dân phố số 3": {"Phố Hào Nam", "Phố Hàng Cháo"},
    }
    assert {n: set(s) for n, s in zip(given["name"], given["streets"], strict=True)} == named
    assert set(given.geom_type) <= {"Polygon", "MultiPolygon"}
    assert given.crs.to_epsg() == 4326
    groups = residential_groups(area, given=given)
    streets = residential_streets(area, groups)
    got = streets.groupby("group")["name"].agg(set).to_dict()
    assert got == named
    # Every residential edge of a named street is in its group.
    for name, want in named.items():
        edges = {
            (min(u, v), max(u, v))
            for u, v, d in area.graph.edges(data=True)
            if d["name"] in want and d["highway"] in set(streets["highway"])
        }
        held = {
            (min(u, v), max(u, v))
            for orientations in streets.loc[streets["group"] == name, "orientations"]
            for u, v, _ in orientations
        }
        assert edges <= held


@pytest.mark.slow
def test_the_template_reads(area: Area) -> None:
    for suffix in (".csv", ".xlsx"):
        given = read_group_file(TEMPLATES / f"mau-to-dan-pho-duong{suffix}", area=area)
        assert list(given["name"]) == ["Tổ dân phố số 1", "Tổ dân phố số 2"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            ("1,Tổ 1,Phố Cat Linhh",),
            [
                (
                    2,
                    "Tên đường",
                    "Bản đồ địa bàn không có đường nào tên 'Phố Cat Linhh'; có phải Phố Cát Linh",
                )
            ],
        ),
        (
            ("1,Tổ 1,Phố Cát Linh", "2,Tổ 2,Phố Văn Miếu", "3,Tổ 2,phố cát linh"),
            [
                (
                    4,
                    "Tên đường",
                    "Đường 'Phố Cát Linh' ghi cho hai tổ: 'Tổ 1' (dòng 2) và 'Tổ 2' (dòng 4)",
                )
            ],
        ),
        (
            ("1,Tổ 1,Phố Cát Linh", "2,Tổ 2,"),
            [(3, "Tên đường", "Tổ 'Tổ 2' chưa ghi đường nào")],
        ),
    ],
    ids=["unknown street with a hint", "street in two groups", "group with no street"],
)
def test_a_bad_table_is_refused_naming_row_and_field(
    tmp_path: Path, area: Area, rows: tuple[str, ...], expected: list[tuple[int, str, str]]
) -> None:
    with pytest.raises(InputFileError) as caught:
        read_group_file(_table(tmp_path, *rows), area=area)
    problems = caught.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("to-dan-pho.csv", row, column) for row, column, _ in expected
    ]
    for problem, (_, _, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message_vi


def test_every_problem_of_a_table_is_named_at_once(tmp_path: Path, area: Area) -> None:
    path = _table(tmp_path, "1,Tổ 1,Phố Không Có", "2,Tổ 2,Phố Cát Linh", "3,Tổ 3,Phố Cát Linh")
    with pytest.raises(InputFileError) as caught:
        read_group_file(path, area=area)
    # Tổ 1 and Tổ 3 have no street left, but their rows already say why.
    assert [p.row for p in caught.value.problems] == [2, 4]


def test_a_table_without_the_columns_is_refused(tmp_path: Path, area: Area) -> None:
    path = tmp_path / "to.csv"
    path.write_text("STT,Tên\n1,Tổ 1\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_group_file(path, area=area)
    assert "Thiếu cột Tổ/khu dân cư, Tên đường" in caught.value.message_vi


def test_a_street_written_without_accents_is_found(tmp_path: Path, area: Area) -> None:
    given = read_group_file(_table(tmp_path, "1,Tổ 1,pho van mieu", "2,,NGÕ VĂN CHƯƠNG"), area=area)
    assert list(given["streets"].iloc[0]) == ["Phố Văn Miếu", "Ngõ Văn Chương"]


@pytest.mark.slow
def test_a_groups_walking_loop_reaches_every_street_it_names() -> None:
    from geodata.village import village_loops

    foot = load_area(mode="foot")
    given = read_group_file(GROUPS / "to-dan-pho-duong.csv", area=foot)
    # Tổ dân phố số 3's two streets do not touch: its band holds the way between them.
    loops = village_loops(foot, groups=residential_groups(foot, given=given))
    assert {loop.group: set(loop.streets) for loop in loops} == {
        name: set(streets) for name, streets in zip(given["name"], given["streets"], strict=True)
    }
    assert not any(loop.left for loop in loops)
