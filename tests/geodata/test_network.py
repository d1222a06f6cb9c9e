from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from geodata.network import build_network, oneway_direction, way_usable
from geodata.osm import OsmData, read_osm
from patrolbase.crs import projected_crs
from patrolbase.errors import AreaError, CRSError
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

OSM = Path(__file__).parents[1] / "data" / "osm"
BROKEN = Path(__file__).parents[1] / "data" / "osm_broken"
SPEEDS = Settings().network.speeds_kmh


@pytest.fixture(scope="module")
def hanoi() -> OsmData:
    return read_osm(OSM / "hanoi-van-mieu-cat-linh.osm.bz2")


@pytest.fixture(scope="module")
def graphs(hanoi: OsmData) -> dict[str, tuple[nx.MultiDiGraph, object]]:
    return {mode: build_network(hanoi, mode=mode) for mode in ("motorbike", "car", "foot")}


@pytest.mark.parametrize(
    ("tags", "mode", "reason"),
    [
        ({"building": "yes"}, "motorbike", "not_a_street"),
        ({"highway": "service", "service": "alley"}, "motorbike", None),
        ({"highway": "footway"}, "motorbike", None),  # Vietnamese alleys mapped as footway
        ({"highway": "footway", "footway": "sidewalk"}, "motorbike", "sidewalk_or_crossing"),
        ({"highway": "footway", "footway": "crossing"}, "motorbike", "sidewalk_or_crossing"),
        ({"highway": "footway", "footway": "sidewalk"}, "foot", None),
        ({"highway": "footway", "motor_vehicle": "no"}, "motorbike", "access"),
        ({"highway": "footway", "motor_vehicle": "no", "motorcycle": "yes"}, "motorbike", None),
        ({"highway": "footway"}, "car", "class_not_for_mode"),
        ({"highway": "motorway"}, "motorbike", "class_not_for_mode"),
        ({"highway": "motorway"}, "car", None),
        ({"highway": "motorway"}, "foot", "class_not_for_mode"),
        ({"highway": "steps"}, "motorbike", "class_not_for_mode"),
        ({"highway": "steps"}, "foot", None),
        ({"highway": "construction"}, "motorbike", "class_not_for_mode"),
        ({"highway": "residential", "access": "private"}, "motorbike", "access"),
        ({"highway": "residential", "access": "private"}, "foot", "access"),
        ({"highway": "residential", "access": "destination"}, "car", None),
        ({"highway": "service", "motorcar": "no"}, "car", "access"),
        ({"highway": "service", "motorcar": "no"}, "motorbike", None),
        ({"highway": "residential", "access": "no", "foot": "yes"}, "foot", None),
        ({"highway": "pedestrian", "area": "yes"}, "foot", "area"),
        ({"highway": "residential;service"}, "motorbike", None),
    ],
)
def test_way_usable_rules(tags: dict[str, str], mode: str, reason: str | None) -> None:
    assert way_usable(tags, mode=mode, speeds_kmh=SPEEDS[mode]) == reason  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tags", "mode", "direction"),
    [
        ({"oneway": "yes"}, "motorbike", 1),
        ({"oneway": "yes"}, "foot", 0),
        ({"oneway": "-1"}, "car", -1),
        ({"oneway": "yes", "oneway:motorcycle": "no"}, "motorbike", 0),
        ({"oneway": "yes", "oneway:motorcycle": "no"}, "car", 1),
        ({"oneway": "no", "oneway:motorcycle": "yes"}, "motorbike", 1),
        ({"junction": "roundabout"}, "motorbike", 1),
        ({"junction": "roundabout", "oneway": "no"}, "car", 0),
        ({"highway": "motorway"}, "car", 1),
        ({"oneway": "reversible"}, "car", 0),
        ({"oneway:foot": "yes"}, "foot", 1),
        ({}, "motorbike", 0),
    ],
)
def test_oneway_rules(tags: dict[str, str], mode: str, direction: int) -> None:
    assert oneway_direction(tags, mode=mode) == direction  # type: ignore[arg-type]


def test_graph_is_projected_strongly_connected_and_streets_only(
    hanoi: OsmData, graphs: dict[str, tuple[nx.MultiDiGraph, object]]
) -> None:
    street_ids = {w.id for w in hanoi.ways if "highway" in w.tags}
    for mode, (graph, report) in graphs.items():
        assert graph.graph["crs"] == "EPSG:32648" == report.crs  # type: ignore[attr-defined]
        assert nx.is_strongly_connected(graph), mode
        for u, v, data in graph.edges(data=True):
            ids = data["osmid"] if isinstance(data["osmid"], list) else [data["osmid"]]
            # the osmnx trap: no building, land use or boundary way became a street
            assert set(ids) <= street_ids
            assert isinstance(data["highway"], str) and isinstance(data["name"], str)
            assert data["length_m"] > 0 and data["travel_s"] > 0
            start, end = data["geometry"].coords[0], data["geometry"].coords[-1]
            assert start == pytest.approx((graph.nodes[u]["x"], graph.nodes[u]["y"]))
            assert end == pytest.approx((graph.nodes[v]["x"], graph.nodes[v]["y"]))
            # projected geometry and geodesic length agree (UTM scale within 0.1 %)
            assert data["geometry"].length == pytest.approx(data["length_m"], rel=1e-3)
        # UTM 48N coordinates of Hà Nội
        xs = np.array([d["x"] for _, d in graph.nodes(data=True)])
        assert ((xs > 580_000) & (xs < 590_000)).all()


def test_travel_time_follows_the_night_speed_of_the_class(
    graphs: dict[str, tuple[nx.MultiDiGraph, object]],
) -> None:
    graph, _ = graphs["motorbike"]
    checked = 0
    for _, _, data in graph.edges(data=True):
        kmh = SPEEDS["motorbike"][data["highway"]]
        if isinstance(data["osmid"], int):  # one OSM way: one class, one speed
            assert data["travel_s"] == pytest.approx(data["length_m"] / (kmh / 3.6), rel=1e-9)
            checked += 1
    assert checked > 500


def test_modes_differ_as_documented(graphs: dict[str, tuple[nx.MultiDiGraph, object]]) -> None:
    bike, bike_report = graphs["motorbike"]
    car, _ = graphs["car"]
    foot, foot_report = graphs["foot"]
    classes = {mode: {d for *_, d in g.edges(data="highway")} for mode, (g, _) in graphs.items()}
    assert "footway" in classes["motorbike"] and "footway" not in classes["car"]
    assert "service" in classes["car"]
    assert car.number_of_edges() < bike.number_of_edges() < foot.number_of_edges()
    assert bike_report.ways_dropped["sidewalk_or_crossing"] == 76  # type: ignore[attr-defined]
    assert "sidewalk_or_crossing" not in foot_report.ways_dropped  # type: ignore[attr-defined]
    assert foot_report.oneway_edges == 0  # type: ignore[attr-defined]
    assert bike_report.oneway_edges > 50  # type: ignore[attr-defined]
    # people on foot walk both ways of every street
    assert all(foot.has_edge(v, u) for u, v in foot.edges())


def test_report_adds_up(hanoi: OsmData, graphs: dict[str, tuple[nx.MultiDiGraph, object]]) -> None:
    for _, report in graphs.values():
        r = report.to_dict()  # type: ignore[attr-defined]
        assert r["ways_kept"] + sum(r["ways_dropped"].values()) == r["ways_total"] == 1266
        assert r["ways_dropped"]["not_a_street"] == 739
        assert r["nodes_dropped_filter"] + r["nodes_before_connectivity"] == len(hanoi.coords)
        assert r["nodes_dropped_connectivity"] < r["nodes_before_connectivity"]
        assert r["edges_dropped_connectivity"] < r["edges_before_connectivity"]
        # merging degree-2 chains keeps fewer nodes than the connected part had
        kept_nodes = r["nodes_before_connectivity"] - r["nodes_dropped_connectivity"]
        assert r["nodes"] < kept_nodes
        assert sum(r["highway_km"].values()) > 10


def test_merging_keeps_lengths(hanoi: OsmData) -> None:
    """The street length of the merged graph equals that of the unmerged strongly connected part."""
    graph, report = build_network(hanoi, mode="motorbike")
    total_m = sum(d for *_, d in graph.edges(data="length_m"))
    # rebuild without merging, independently, with networkx on the raw segments
    raw = nx.MultiDiGraph()
    speeds = SPEEDS["motorbike"]
    from pyproj import Geod

    geod = Geod(ellps="WGS84")

    for way in hanoi.ways:
        if way_usable(way.tags, mode="motorbike", speeds_kmh=speeds) is not None:
            continue
        direction = oneway_direction(way.tags, mode="motorbike")
        for a, b in zip(way.refs[:-1], way.refs[1:], strict=True):
            (lon1, lat1), (lon2, lat2) = hanoi.coords[a], hanoi.coords[b]
            m = geod.inv(lon1, lat1, lon2, lat2)[2]
            if direction >= 0:
                raw.add_edge(a, b, length_m=m)
            if direction <= 0:
                raw.add_edge(b, a, length_m=m)
    part = raw.subgraph(max(nx.strongly_connected_components(raw), key=len))
    assert part.number_of_nodes() == report.nodes_before_connectivity - (
        report.nodes_dropped_connectivity
    )
    assert total_m == pytest.approx(sum(d for *_, d in part.edges(data="length_m")), rel=1e-9)


def test_crs_setting(hanoi: OsmData) -> None:
    assert projected_crs(hanoi.bounds) == "EPSG:32648"
    assert projected_crs((106.67, 10.75, 106.69, 10.77)) == "EPSG:32648"
    assert projected_crs((109.1, 12.1, 109.3, 12.4)) == "EPSG:32649"
    assert projected_crs((15.6, 48.38, 15.67, 48.41)) == "EPSG:32633"
    vn2000 = Settings().replace(area={"crs": "EPSG:3405"})
    graph, _ = build_network(hanoi, mode="car", settings=vn2000)
    assert graph.graph["crs"] == "EPSG:3405"
    with pytest.raises(CRSError, match="not projected"):
        build_network(hanoi, settings=Settings().replace(area={"crs": "EPSG:4326"}))
    with pytest.raises(CRSError, match="not a known CRS"):
        build_network(hanoi, settings=Settings().replace(area={"crs": "EPSG:999999"}))


def test_speeds_from_settings_change_travel_times(hanoi: OsmData) -> None:
    fast = Settings().network.speeds_kmh
    slower = {m: {k: v / 2 for k, v in t.items()} for m, t in fast.items()}
    g1, _ = build_network(hanoi, mode="motorbike")
    g2, _ = build_network(
        hanoi, mode="motorbike", settings=Settings().replace(network={"speeds_kmh": slower})
    )
    t1 = sum(d for *_, d in g1.edges(data="travel_s"))
    t2 = sum(d for *_, d in g2.edges(data="travel_s"))
    assert t2 == pytest.approx(2 * t1)


def test_a_file_without_streets_for_the_mode_is_refused() -> None:
    with pytest.raises(AreaError, match="no street usable by motorbike") as info:
        build_network(read_osm(BROKEN / "no-streets.osm"), mode="motorbike")
    assert "not_a_street" in str(info.value) and "no-streets.osm" in str(info.value)
    motorway = read_osm(BROKEN / "motorway-only.osm")
    with pytest.raises(AreaError, match="class_not_for_mode"):
        build_network(motorway, mode="motorbike")
    with pytest.raises(AreaError, match="no street usable by foot"):
        build_network(motorway, mode="foot")
    graph, report = build_network(motorway, mode="car")
    assert report.ways_kept == 1 and graph.number_of_edges() == 2  # both ways, merged
