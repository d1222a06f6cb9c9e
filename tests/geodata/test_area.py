from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from geodata.area import (
    ATTRIBUTION,
    DEFAULT_AREA_NAME,
    DEFAULT_OSM,
    Area,
    area_summary,
    load_area,
    load_area_online,
)
from patrol.cli import app
from patrolbase.errors import AreaError, InputFileError
from patrolbase.schema import FACILITY_COLUMNS, FacilityKind
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

OSM = Path(__file__).parents[1] / "data" / "osm"
BROKEN = Path(__file__).parents[1] / "data" / "osm_broken"


@pytest.fixture(scope="module")
def default_area() -> Area:
    return load_area()


def test_default_area_is_embedded_and_loads_offline(default_area: Area) -> None:
    assert DEFAULT_OSM.is_file() and DEFAULT_OSM.parent.name == "data"
    # the embedded copy is the shared extract the tests use
    assert DEFAULT_OSM.read_bytes() == (OSM / "hanoi-van-mieu-cat-linh.osm.bz2").read_bytes()
    area = default_area
    assert area.name == DEFAULT_AREA_NAME
    assert area.source == str(DEFAULT_OSM)
    assert area.mode == "motorbike" and area.crs == "EPSG:32648"
    assert area.bbox == pytest.approx((105.82683, 21.02329, 105.83901, 21.03035))
    assert nx.is_strongly_connected(area.graph)
    for frame in (area.facilities, area.residential, area.buildings, area.boundary):
        assert frame.crs.to_epsg() == 4326
    with pytest.raises(AttributeError):
        area.name = "other"  # type: ignore[misc]


def test_summary_of_the_default_area(default_area: Area) -> None:
    summary = area_summary(default_area)
    json.dumps(summary)  # JSON-ready
    fac = summary["facilities"]
    assert set(fac) == {k.value for k in FacilityKind}
    assert fac["bank"] + fac["transaction_office"] == 11
    assert fac["atm"] == 36 and fac["treasury"] == 1 and fac["police"] == 4
    assert summary["facilities_total"] == len(default_area.facilities) == sum(fac.values())
    graph = summary["graph"]
    assert graph["nodes"] == default_area.graph.number_of_nodes()
    assert graph["edges"] == default_area.graph.number_of_edges()
    assert graph["dropped_by_filter"]["nodes"] > 0 and graph["dropped_by_connectivity"]["edges"] > 0
    assert graph["ways_dropped"]["not_a_street"] == 739
    assert summary["bbox"] == pytest.approx([105.82683, 21.02329, 105.83901, 21.03035])
    assert "Phường Văn Miếu" in summary["boundaries"]
    assert summary["attribution"] == ATTRIBUTION and "OpenStreetMap" in ATTRIBUTION


@pytest.mark.parametrize(
    ("name", "crs", "min_edges", "kinds"),
    [
        ("hanoi-van-mieu-cat-linh.osm.bz2", "EPSG:32648", 900, {"bank", "atm", "police"}),
        ("hcmc-cho-quan.osm.bz2", "EPSG:32648", 900, {"bank", "gold_shop", "police"}),
        ("hcmc-tan-dinh.osm.bz2", "EPSG:32648", 800, {"bank", "atm", "government_office"}),
        ("krems-austria.osm.gz", "EPSG:32633", 1800, {"bank", "police", "town_hall"}),
        ("nha-trang-roads.osm.bz2", "EPSG:32649", 22_000, set()),
    ],
)
def test_every_extract_loads(name: str, crs: str, min_edges: int, kinds: set[str]) -> None:
    area = load_area(OSM / name)
    assert area.crs == crs and area.graph.number_of_edges() >= min_edges
    if name.startswith("nha-trang"):
        # the shared README: about 24,000 directed edges once loaded
        assert area.graph.number_of_edges() < 26_000
    named = {"hcmc-cho-quan": "Phường Chợ Quán", "hcmc-tan-dinh": "Phường Tân Định"}
    stem = name.split(".osm")[0]
    assert area.name == named.get(stem, stem)
    assert tuple(area.facilities.columns) == FACILITY_COLUMNS
    assert kinds <= set(area.facilities["kind"])
    summary = area_summary(area)
    assert summary["graph"]["edges"] == area.graph.number_of_edges()
    west, _, east, _ = area.bbox
    lons = [d["lon"] for _, d in area.graph.nodes(data=True)]
    # streets may run past the export's box a little (ways are exported whole), not far
    assert west - 0.05 < min(lons) and max(lons) < east + 0.05


@pytest.mark.parametrize("mode", ["car", "foot"])
def test_other_modes(mode: str, default_area: Area) -> None:
    area = load_area(mode=mode)  # type: ignore[arg-type]
    assert area.mode == mode
    bike_edges = default_area.graph.number_of_edges()
    if mode == "car":
        assert area.graph.number_of_edges() < bike_edges
    else:
        assert area.graph.number_of_edges() > bike_edges
    # the facilities do not depend on the mode
    assert area.facilities.index.equals(default_area.facilities.index)


def test_default_mode_comes_from_settings() -> None:
    area = load_area(settings=Settings().replace(network={"default_mode": "car"}))
    assert area.mode == "car" and area.report["mode"] == "car"


@pytest.mark.parametrize(
    ("name", "error", "fragment"),
    [
        ("empty.osm", InputFileError, "the file is empty"),
        ("truncated.osm.bz2", InputFileError, "truncated or damaged"),
        ("not-osm.xml", InputFileError, "not an OpenStreetMap export"),
        ("no-streets.osm", AreaError, "no street usable by motorbike"),
        ("motorway-only.osm", AreaError, "choose another mode"),
        ("missing.osm.bz2", InputFileError, "file not found"),
    ],
)
def test_bad_files_are_refused(name: str, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        load_area(BROKEN / name)
    assert fragment in str(info.value) and name in str(info.value)


def test_online_loading_is_refused_when_off() -> None:
    with pytest.raises(AreaError, match="online loading is off") as info:
        load_area_online("Phường Văn Miếu, Hà Nội")
    assert "[area] online = true" in str(info.value)
    assert info.value.message_vi and "trực tuyến" in info.value.message_vi


def test_patrol_area_command_prints_the_summary() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["area", str(OSM / "hcmc-cho-quan.osm.bz2"), "--mode", "car"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    # the extract holds its ward's boundary, and its file is named after it
    assert summary["mode"] == "car" and summary["name"] == "Phường Chợ Quán"
    assert summary["facilities"]["bank"] == 15
    assert summary["graph"]["edges"] > 500


def test_patrol_area_command_defaults_and_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["area"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["name"] == DEFAULT_AREA_NAME
    bad = runner.invoke(app, ["area", str(BROKEN / "not-xml.osm")])
    assert bad.exit_code == 2
    assert "không phải tệp OSM XML đọc được" in bad.stderr and "Traceback" not in bad.output
    wrong_mode = runner.invoke(app, ["area", "--mode", "bicycle"])
    assert wrong_mode.exit_code != 0


def test_an_extract_is_named_after_the_ward_its_file_is_named_for() -> None:
    import geopandas as gpd

    from geodata.area import _area_name

    boundary = gpd.GeoDataFrame(
        {"name": ["Quận 5", "Phường An", "Phường Chợ Quán", "Khu phố 26", "Xã Tân Định"]},
        geometry=gpd.GeoSeries([None] * 5, crs=4326),
    )
    assert _area_name(Path("hcmc-cho-quan.osm.bz2"), boundary) == "Phường Chợ Quán"
    assert _area_name(Path("Tan_Dinh.osm"), boundary) == "Xã Tân Định"
    assert _area_name(Path("hanoi-an-cho-quan.osm"), boundary) == "hanoi-an-cho-quan"
    # whole words only ("quan" is not the ward "An"), and no match keeps the file's name
    assert _area_name(Path("hcmc-quan.osm"), boundary) == "hcmc-quan"
    assert _area_name(Path("hcmc-cho-quan.osm.bz2"), boundary.iloc[:0]) == "hcmc-cho-quan"
