"""The ward's own file of residential groups: used when good, refused whole when not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geodata.area import load_area
from geodata.io.groups import read_groups
from geodata.streets import residential_groups, residential_streets
from patrolbase.errors import InputFileError

# Two blocks of the default area, west and east of 105.833 E (lon, lat).
WEST = [[105.8270, 21.0235], [105.8330, 21.0235], [105.8330, 21.0300], [105.8270, 21.0300]]
EAST = [[105.8330, 21.0235], [105.8389, 21.0235], [105.8389, 21.0300], [105.8330, 21.0300]]


def _file(tmp_path: Path, *rings: list[list[float]], names: tuple[str, ...] = ()) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"name": names[i]} if i < len(names) else {},
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        }
        for i, ring in enumerate(rings)
    ]
    path = tmp_path / "to-dan-pho.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def test_a_good_file_gives_the_groups_their_names_and_streets(tmp_path: Path) -> None:
    area = load_area()
    given = read_groups(_file(tmp_path, WEST, EAST, names=("Tổ dân phố 1",)), bbox=area.bbox)
    groups = residential_groups(area, given=given)
    assert sorted(groups["name"]) == ["Khu dân cư số 2", "Tổ dân phố 1"]
    assert set(groups["source"]) == {"file"}
    streets = residential_streets(area, groups)
    assert set(streets["group"]) == {"Khu dân cư số 2", "Tổ dân phố 1"}


@pytest.mark.parametrize(
    ("rings", "fragment"),
    [
        (([[106.5, 20.0], [106.6, 20.0], [106.6, 20.1]],), "không tổ dân phố nào nằm trên bản đồ"),
        ((WEST, [[105.832, 21.024], [105.836, 21.024], [105.836, 21.029]]), "chồng lên nhau"),
        (([[105.83, 21.025], [105.831, 21.026], [105.83, 21.026], [105.831, 21.025]],), "tự cắt"),
    ],
    ids=["outside the area", "overlapping groups", "self-crossing polygon"],
)
def test_a_bad_file_is_refused_naming_the_problem(
    tmp_path: Path, rings: tuple[list[list[float]], ...], fragment: str
) -> None:
    area = load_area()
    with pytest.raises(InputFileError) as caught:
        read_groups(_file(tmp_path, *rings), bbox=area.bbox)
    assert fragment in caught.value.message_vi
    assert "to-dan-pho.geojson" in str(caught.value)


def test_a_file_that_is_not_geojson_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "groups.geojson"
    path.write_text("STT,Tên\n1,Tổ 1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="GeoJSON"):
        read_groups(path, bbox=(105.8, 21.0, 105.9, 21.1))
