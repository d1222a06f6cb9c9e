from __future__ import annotations

from pathlib import Path

import pytest

from geodata.osm import (
    OsmData,
    boundary_from_osm,
    buildings_from_osm,
    classify_facility,
    facilities_from_osm,
    read_osm,
    residential_from_osm,
)
from patrolbase.errors import InputFileError
from patrolbase.schema import FACILITY_COLUMNS, FacilityKind

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

OSM = Path(__file__).parents[1] / "data" / "osm"
BROKEN = Path(__file__).parents[1] / "data" / "osm_broken"


@pytest.fixture(scope="module")
def hanoi() -> OsmData:
    return read_osm(OSM / "hanoi-van-mieu-cat-linh.osm.bz2")


def test_reads_the_raw_export_with_every_kind_of_way(hanoi: OsmData) -> None:
    assert hanoi.bounds == pytest.approx((105.82683, 21.02329, 105.83901, 21.03035))
    streets = [w for w in hanoi.ways if "highway" in w.tags]
    buildings = [w for w in hanoi.ways if "building" in w.tags]
    # a raw export: streets are a minority of the ways, buildings and land use are there too
    assert 500 <= len(streets) < len(hanoi.ways) / 2
    assert len(buildings) > 400
    assert any(r.tags.get("boundary") == "administrative" for r in hanoi.relations)
    assert hanoi.missing_refs == 0


def test_default_area_facilities_match_the_shared_readme(hanoi: OsmData) -> None:
    fac = facilities_from_osm(hanoi)
    counts = fac["kind"].value_counts()
    assert counts.get("bank", 0) + counts.get("transaction_office", 0) == 11
    assert counts["atm"] == 36
    assert counts["police"] == 4
    assert counts["gold_shop"] == 1
    treasury = fac[fac["kind"] == "treasury"]
    assert treasury["name"].tolist() == ["Kho bạc Nhà nước"]
    assert treasury["osm_id"].iloc[0].startswith("way/")  # a building: reduced to a point
    police = set(fac.loc[fac["kind"] == "police", "name"])
    assert {"Công An phường Văn Miếu", "Công an phường Quốc Tử Giám"} <= police
    town_hall = fac.loc[fac["kind"] == "town_hall", "name"].tolist()
    assert town_hall == ["Đảng ủy - UBND phường Cát Linh"]
    assert fac.loc["osm-node-5608881026", "name"] == "PNJ"


def test_facilities_frame_has_the_schema_shape(hanoi: OsmData) -> None:
    fac = facilities_from_osm(hanoi)
    assert tuple(fac.columns) == FACILITY_COLUMNS
    assert fac.index.name == "facility_id"
    assert fac.index.is_unique
    assert fac.crs.to_epsg() == 4326
    assert all(fac.index.str.match(r"^osm-(node|way|relation)-\d+$"))
    assert (fac.index.str.replace("osm-", "").str.replace("-", "/") == fac["osm_id"]).all()
    assert set(fac["kind"]) <= {k.value for k in FacilityKind}
    assert (fac["source"] == "osm").all()
    assert str(fac["guard"].dtype) == "boolean" and fac["guard"].isna().all()
    assert (fac.geometry.geom_type == "Point").all()
    assert (fac.geometry.x == fac["lon"]).all() and (fac.geometry.y == fac["lat"]).all()
    west, south, east, north = hanoi.bounds
    # ways cut by the export's edge may stick out a little, never far
    assert fac["lon"].between(west - 0.01, east + 0.01).all()
    assert fac["lat"].between(south - 0.01, north + 0.01).all()
    way_points = fac[fac["osm_id"].str.startswith("way/")]
    assert len(way_points) >= 5
    # a representative point lies inside its building
    footprints = {f"way/{w.id}": w for w in hanoi.ways}
    treasury_way = footprints[fac.loc[fac["kind"] == "treasury", "osm_id"].iloc[0]]
    from shapely.geometry import Polygon

    polygon = Polygon([hanoi.coords[r] for r in treasury_way.refs])
    assert polygon.contains(fac.loc[fac["kind"] == "treasury", "geometry"].iloc[0])


@pytest.mark.parametrize(
    ("tags", "kind"),
    [
        ({"amenity": "bank", "name": "Vietcombank"}, FacilityKind.BANK),
        (
            {"amenity": "bank", "name": "Vietcombank - Phòng giao dịch Văn Miếu"},
            FacilityKind.TRANSACTION_OFFICE,
        ),
        ({"amenity": "bank", "name": "BIDV PGD Cát Linh"}, FacilityKind.TRANSACTION_OFFICE),
        ({"amenity": "bank", "name": "PHONG GIAO DICH Agribank"}, FacilityKind.TRANSACTION_OFFICE),
        ({"amenity": "atm", "operator": "BIDV"}, FacilityKind.ATM),
        ({"shop": "jewelry", "name": "PNJ"}, FacilityKind.GOLD_SHOP),
        ({"shop": "gold"}, FacilityKind.GOLD_SHOP),
        ({"shop": "pawnbroker", "name": "Cầm đồ 24h"}, FacilityKind.PAWN_SHOP),
        ({"office": "government", "name": "Kho bạc Nhà nước Đống Đa"}, FacilityKind.TREASURY),
        ({"office": "government", "name": "Sở Kế hoạch và Đầu tư"}, FacilityKind.GOVERNMENT_OFFICE),
        (
            {"office": "government", "name": "Ủy ban nhân dân phường Văn Miếu"},
            FacilityKind.TOWN_HALL,
        ),
        ({"amenity": "townhall", "name": "Rathaus"}, FacilityKind.TOWN_HALL),
        ({"amenity": "post_office"}, FacilityKind.POST_OFFICE),
        ({"amenity": "kindergarten"}, FacilityKind.SCHOOL),
        ({"amenity": "marketplace", "name": "Chợ Văn Chương"}, FacilityKind.MARKET),
        ({"amenity": "police", "name": "Công an phường Cát Linh"}, FacilityKind.POLICE),
        ({"military": "office", "name": "Ban Chỉ huy Quân sự phường"}, FacilityKind.MILITARY),
        ({"office": "yes", "name": "Ban chỉ huy quân sự phường Văn Miếu"}, FacilityKind.MILITARY),
        ({"amenity": "cafe", "name": "Cộng"}, None),
        ({"building": "yes"}, None),
        ({"shop": "florist", "name": "Kho bạc hoa"}, None),  # a name alone makes no treasury
    ],
)
def test_classify_facility(tags: dict[str, str], kind: FacilityKind | None) -> None:
    assert classify_facility(tags) == kind


def test_land_use_buildings_and_boundary(hanoi: OsmData) -> None:
    residential = residential_from_osm(hanoi)
    buildings = buildings_from_osm(hanoi)
    boundary = boundary_from_osm(hanoi)
    for frame in (residential, buildings, boundary):
        assert frame.crs.to_epsg() == 4326
    assert len(residential) == 40
    assert set(residential.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    assert len(buildings) > 400 and (buildings["building"] != "").all()
    assert buildings.geometry.is_valid.all()
    wards = boundary.set_index("name")
    assert {"Phường Văn Miếu", "Phường Quốc Tử Giám", "Phường Cát Linh"} <= set(wards.index)
    qtg = wards.loc["Phường Quốc Tử Giám"]
    assert qtg["admin_level"] == "8" and bool(qtg["complete"])
    assert qtg.geometry.geom_type in {"Polygon", "MultiPolygon"}
    # the ward's office of police lies inside its ward
    fac = facilities_from_osm(hanoi)
    post = fac[fac["name"] == "Công an phường Quốc Tử Giám"].geometry.iloc[0]
    assert qtg.geometry.contains(post)


@pytest.mark.parametrize(
    "name",
    [
        "hanoi-van-mieu-cat-linh.osm.bz2",
        "hcmc-cho-quan.osm.bz2",
        "hcmc-tan-dinh.osm.bz2",
        "krems-austria.osm.gz",
        "nha-trang-roads.osm.bz2",
    ],
)
def test_every_extract_parses_and_gives_frames(name: str) -> None:
    data = read_osm(OSM / name)
    fac = facilities_from_osm(data)
    assert tuple(fac.columns) == FACILITY_COLUMNS
    assert len(data.ways) > 300
    if name.startswith("hcmc-cho-quan"):
        assert (fac["kind"] == "bank").sum() == 15 and (fac["kind"] == "gold_shop").sum() == 4
    if name.startswith("krems"):
        assert (fac["kind"] == "bank").sum() == 11 and (fac["kind"] == "police").sum() == 2
    if name.startswith("nha-trang"):
        # roads only: no land use, no buildings, no boundary, and that is not an error
        assert len(residential_from_osm(data)) == 0 and len(buildings_from_osm(data)) == 0
        assert len(boundary_from_osm(data)) == 0


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("empty.osm", ["the file is empty", "openstreetmap.org"]),
        ("truncated.osm", ["truncated", "row 122"]),
        ("truncated.osm.bz2", ["compressed file is truncated or damaged"]),
        ("truncated.osm.gz", ["compressed file is truncated or damaged"]),
        ("not-osm.xml", ["not an OpenStreetMap export", "<gpx>"]),
        ("not-xml.osm", ["not a readable OSM XML file", "PBF"]),
        (
            "bad-coordinates.osm",
            [
                "3 problems",
                "node 2 has no valid lat/lon",
                "row 5",
                "node 3: lat must lie in [-90, 90]",
                "row 6",
                "node 4",
            ],
        ),
        (
            "bad-ids.osm",
            [
                "3 problems",
                "row 5",
                "'x3'",
                "row 8",
                "<way> without a numeric id",
                "row 9",
                "<relation>",
            ],
        ),
        ("no-such-file.osm", ["file not found", ".osm.bz2"]),
    ],
)
def test_broken_files_are_refused_with_a_fix(name: str, fragments: list[str]) -> None:
    with pytest.raises(InputFileError) as info:
        read_osm(BROKEN / name)
    text = str(info.value)
    assert str(BROKEN / name) in text and "nothing was loaded" in text
    for fragment in fragments:
        assert fragment in text
    assert info.value.message_vi and "chưa nạp dữ liệu nào" in info.value.message_vi
    assert all(p.file == str(BROKEN / name) for p in info.value.problems)


def test_compression_is_recognised_by_content_not_name(tmp_path: Path) -> None:
    # a bzip2 export saved without its .bz2 suffix still loads
    renamed = tmp_path / "ward.osm"
    renamed.write_bytes((OSM / "hcmc-cho-quan.osm.bz2").read_bytes())
    data = read_osm(renamed)
    assert len(data.ways) == 784 and data.source == str(renamed)


def test_deleted_elements_are_not_on_the_map(tmp_path: Path) -> None:
    """JOSM marks deleted objects ``action="delete"``; history exports ``visible="false"``."""
    text = (BROKEN.parent / "osm_broken" / "motorway-only.osm").read_text(encoding="utf-8")
    edited = text.replace('<way id="200">', '<way id="200" action="delete">').replace(
        '<node id="9" ', '<node id="9" visible="false" '
    )
    path = tmp_path / "edited.osm"
    path.write_text(edited, encoding="utf-8")
    data = read_osm(path)
    assert data.ways == () and 9 not in data.coords and len(data.coords) == 8
    assert len(read_osm(BROKEN / "motorway-only.osm").ways) == 1
