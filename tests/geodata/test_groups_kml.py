"""The ward's residential groups as KML: read like GeoJSON, refused whole when bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata.area import Area, load_area
from geodata.io.groups import read_group_file, read_groups
from geodata.streets import residential_groups, residential_streets
from patrolbase.errors import InputFileError

GROUPS = Path(__file__).parents[1] / "data" / "groups"
WEST = "105.8270,21.0235 105.8330,21.0235 105.8330,21.0300 105.8270,21.0300 105.8270,21.0235"


@pytest.fixture(scope="module")
def area() -> Area:
    return load_area()


def _kml(tmp_path: Path, *placemarks: str) -> Path:
    body = "".join(placemarks)
    path = tmp_path / "to-dan-pho.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document>{body}</Document></kml>",
        encoding="utf-8",
    )
    return path


def _polygon(name: str, ring: str) -> str:
    return (
        f"<Placemark><name>{name}</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        f"{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
    )


@pytest.mark.slow
def test_a_kml_file_gives_named_groups_and_their_streets(area: Area) -> None:
    given = read_group_file(GROUPS / "to-dan-pho.kml", area=area)
    assert list(given["name"]) == ["Tổ dân phố số 1", "Tổ dân phố số 2"]
    assert list(given.geom_type) == ["Polygon", "MultiPolygon"]
    groups = residential_groups(area, given=given)
    assert set(groups["source"]) == {"file"}
    streets = residential_streets(area, groups)
    assert set(streets["group"]) == {"Tổ dân phố số 1", "Tổ dân phố số 2"}


@pytest.mark.parametrize(
    ("placemarks", "fragment"),
    [
        (
            (_polygon("Tổ 9", "106.5,20.0 106.6,20.0 106.6,20.1 106.5,20.0"),),
            "không tổ dân phố nào nằm trên bản đồ",
        ),
        (
            (
                _polygon("Tổ 1", WEST),
                _polygon("Tổ 2", "105.832,21.024 105.836,21.024 105.836,21.029 105.832,21.024"),
            ),
            "hai tổ 'Tổ 1' và 'Tổ 2' chồng lên nhau",
        ),
        (
            (
                _polygon(
                    "Tổ 3",
                    "105.83,21.025 105.831,21.026 105.83,21.026 105.831,21.025 105.83,21.025",
                ),
            ),
            "vùng thứ 1 'Tổ 3' không phải vùng khép kín hợp lệ",
        ),
        (
            (
                _polygon("Tổ 1", WEST),
                "<Placemark><name>Trụ sở</name><Point><coordinates>105.833,21.027</coordinates>"
                "</Point></Placemark>",
            ),
            "vùng thứ 2 'Trụ sở' không phải vùng khép kín",
        ),
        (
            (_polygon("Tổ 4", "105.83,21.025 abc,21.026"),),
            "vùng thứ 1 'Tổ 4'",
        ),
    ],
    ids=["outside the area", "overlapping groups", "self-crossing", "a pin", "bad coordinates"],
)
def test_a_bad_kml_file_is_refused_naming_the_problem(
    tmp_path: Path, area: Area, placemarks: tuple[str, ...], fragment: str
) -> None:
    with pytest.raises(InputFileError) as caught:
        read_groups(_kml(tmp_path, *placemarks), bbox=area.bbox)
    assert fragment in caught.value.message_vi
    assert "to-dan-pho.kml" in str(caught.value)


def test_every_problem_of_a_kml_file_is_named_at_once(tmp_path: Path, area: Area) -> None:
    bad = "105.83,21.025 105.831,21.026 105.83,21.026 105.831,21.025 105.83,21.025"
    path = _kml(tmp_path, _polygon("Tổ 1", bad), _polygon("Tổ 2", bad))
    with pytest.raises(InputFileError) as caught:
        read_groups(path, bbox=area.bbox)
    assert [p.row for p in caught.value.problems] == [1, 2]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("STT,Tên\n1,Tổ 1\n", "không đọc được tệp KML"),
        (
            '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x "y">]><kml><Placemark/></kml>',
            "không đọc được tệp KML",
        ),
        ('<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>', "không có vùng nào"),
    ],
    ids=["not xml", "an entity", "no placemark"],
)
def test_a_file_that_is_not_usable_kml_is_refused(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "groups.kml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_groups(path, bbox=(105.8, 21.0, 105.9, 21.1))
    assert fragment in caught.value.message_vi


def test_a_file_of_another_kind_is_refused_naming_the_kinds(tmp_path: Path, area: Area) -> None:
    path = tmp_path / "to-dan-pho.shp"
    path.write_bytes(b"\0")
    with pytest.raises(InputFileError, match=r"\.kml"):
        read_group_file(path, area=area)
