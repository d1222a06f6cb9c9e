from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from pyproj import Geod, Transformer

from geodata.area import Area, load_area
from geodata.travel import TravelTimes, travel_times
from patrolbase.errors import AreaError
from patrolbase.settings import Settings

GEOD = Geod(ellps="WGS84")
SNAP_MPS = Settings().network.snap_speed_kmh / 3.6


@pytest.fixture(scope="module")
def area() -> Area:
    return load_area()


@pytest.fixture(scope="module")
def facility_times(area: Area) -> TravelTimes:
    fac = area.facilities
    return travel_times(area, fac[["lon", "lat"]].to_numpy(), labels=list(fac.index))


def _to_lonlat(area: Area) -> Transformer:
    return Transformer.from_crs(area.crs, "EPSG:4326", always_xy=True)


def _reverse_of(a: object, b: object) -> bool:
    ca, cb = np.asarray(a.coords), np.asarray(b.coords)  # type: ignore[attr-defined]
    return ca.shape == cb.shape and bool(np.allclose(ca[::-1], cb))


def _weighted(area: Area) -> nx.DiGraph:
    """Return the street graph as a simple digraph with the fastest of parallel edges."""
    simple = nx.DiGraph()
    for u, v, t in area.graph.edges(data="travel_s"):
        if not simple.has_edge(u, v) or t < simple[u][v]["travel_s"]:
            simple.add_edge(u, v, travel_s=t)
    return simple


@pytest.mark.slow
def test_matrix_shape_and_units(area: Area, facility_times: TravelTimes) -> None:
    n = len(area.facilities)
    assert facility_times.travel_s.shape == (n, n) and len(facility_times) == n
    assert facility_times.travel_s.dtype == np.int64
    assert (np.diag(facility_times.travel_s) == 0).all()
    off = facility_times.travel_s[~np.eye(n, dtype=bool)]
    assert (off >= 0).all()
    # the two wards fit in about 1.3 x 0.8 km: nobody rides longer than ~10 minutes
    assert off.max() < 600
    assert facility_times.snap_m.max() < 100
    # one-way streets make the matrix asymmetric
    assert (facility_times.travel_s != facility_times.travel_s.T).any()


def test_junction_to_junction_times_equal_networkx_dijkstra(area: Area) -> None:
    rng = np.random.default_rng(3)
    nodes = list(area.graph.nodes)
    picked = [nodes[k] for k in rng.choice(len(nodes), size=25, replace=False)]
    lonlat = [(area.graph.nodes[n]["lon"], area.graph.nodes[n]["lat"]) for n in picked]
    times = travel_times(area, lonlat)
    assert times.snap_m.max() < 0.05  # places on junctions snap onto them
    simple = _weighted(area)
    for i, a in enumerate(picked):
        expected = nx.single_source_dijkstra_path_length(simple, a, weight="travel_s")
        for j, b in enumerate(picked):
            if i != j:
                assert times.travel_s[i, j] == pytest.approx(expected[b], abs=1.0)


def test_facility_times_equal_an_independent_computation(
    area: Area, facility_times: TravelTimes
) -> None:
    """Snapped places: walk to the street, ride along part of the edge, networkx between."""
    simple = _weighted(area)
    graph = area.graph

    def near_ends(i: int) -> dict[int, float]:
        """Junctions within 0.5 m of the snapped point, and the edge time to them (rule)."""
        (u, v, k), t = facility_times.snap_edge[i], facility_times.snap_fraction[i]
        d = graph.edges[u, v, k]
        ends = {}
        if t * d["geometry"].length < 0.5:
            ends[u] = t * d["travel_s"]
        if (1 - t) * d["geometry"].length < 0.5:
            ends[v] = (1 - t) * d["travel_s"]
        return ends

    def leave(i: int) -> dict[int, float]:
        (u, v, k), t = facility_times.snap_edge[i], facility_times.snap_fraction[i]
        out = {v: (1 - t) * graph.edges[u, v, k]["travel_s"]}
        for node, cost in near_ends(i).items():
            out[node] = min(out.get(node, np.inf), cost)
        for d in graph.get_edge_data(v, u, default={}).values():
            if _reverse_of(d["geometry"], graph.edges[u, v, k]["geometry"]):
                out[u] = min(out.get(u, np.inf), t * d["travel_s"])
        return out

    def arrive(j: int) -> dict[int, float]:
        (u, v, k), t = facility_times.snap_edge[j], facility_times.snap_fraction[j]
        into = {u: t * graph.edges[u, v, k]["travel_s"]}
        for node, cost in near_ends(j).items():
            into[node] = min(into.get(node, np.inf), cost)
        for d in graph.get_edge_data(v, u, default={}).values():
            if _reverse_of(d["geometry"], graph.edges[u, v, k]["geometry"]):
                into[v] = min(into.get(v, np.inf), (1 - t) * d["travel_s"])
        return into

    to_xy = Transformer.from_crs("EPSG:4326", area.crs, always_xy=True)
    rng = np.random.default_rng(11)
    n = len(facility_times)
    pairs = [(int(a), int(b)) for a, b in rng.integers(0, n, size=(60, 2)) if a != b]
    pairs += sorted(facility_times.walks)[:6]  # neighbours walked across are checked too
    for i, j in pairs:
        if facility_times.snap_edge[i][:2] in {
            facility_times.snap_edge[j][:2],
            facility_times.snap_edge[j][1::-1],
        }:
            continue  # same street segment: covered by the one-way test below
        dist = {
            a: nx.single_source_dijkstra_path_length(simple, a, weight="travel_s") for a in leave(i)
        }
        best = min(
            ca + dist[a][b] + cb for a, ca in leave(i).items() for b, cb in arrive(j).items()
        )
        walk = (facility_times.snap_m[i] + facility_times.snap_m[j]) / SNAP_MPS
        # two doors off one kerb: walking straight across, when no longer than both walks
        xs, ys = to_xy.transform(*facility_times.lonlat[[i, j]].T)
        across_m = float(np.hypot(xs[0] - xs[1], ys[0] - ys[1]))
        if across_m <= facility_times.snap_m[i] + facility_times.snap_m[j]:
            best = min(best + walk, across_m / SNAP_MPS)
            walk = 0.0
        assert facility_times.travel_s[i, j] == pytest.approx(best + walk, abs=1.0)
        # the snapping distance is the real distance to the street geometry
    for i in range(n):
        (u, v, k), t = facility_times.snap_edge[i], facility_times.snap_fraction[i]
        line = graph.edges[u, v, k]["geometry"]
        x, y = Transformer.from_crs("EPSG:4326", area.crs, always_xy=True).transform(
            *facility_times.lonlat[i]
        )
        from shapely.geometry import Point

        assert line.distance(Point(x, y)) == pytest.approx(facility_times.snap_m[i], abs=1e-6)
        assert line.interpolate(t, normalized=True).distance(Point(x, y)) == pytest.approx(
            facility_times.snap_m[i], abs=1e-3
        )


def test_one_way_street_gives_different_times_each_way(area: Area) -> None:
    """Phố Nguyễn Khuyến is one-way: along it is a short ride, back is a detour."""
    graph = area.graph
    edges = [
        (u, v, k)
        for u, v, k, d in graph.edges(keys=True, data=True)
        if d["name"] == "Phố Nguyễn Khuyến" and d["oneway"]
    ]
    assert edges, "the one-way street of the default area is in the graph"
    u, v, k = max(edges, key=lambda e: graph.edges[e]["length_m"])
    edge = graph.edges[u, v, k]
    assert not any(
        _reverse_of(d["geometry"], edge["geometry"])
        for d in graph.get_edge_data(v, u, default={}).values()
    ), "no edge runs the other way along the same street"
    to_lonlat = _to_lonlat(area)
    a = to_lonlat.transform(*edge["geometry"].interpolate(0.25, normalized=True).coords[0])
    b = to_lonlat.transform(*edge["geometry"].interpolate(0.75, normalized=True).coords[0])
    times = travel_times(area, [a, b])
    along, back = int(times.travel_s[0, 1]), int(times.travel_s[1, 0])
    assert along == pytest.approx(0.5 * edge["travel_s"], abs=1.0)
    assert back > along + 30
    # the way back is a loop through other streets: its path is much longer than the way there
    assert _path_m(times.path(1, 0)) > 2 * _path_m(times.path(0, 1))


def test_two_way_street_is_symmetric_along_its_own_edge(area: Area) -> None:
    graph = area.graph
    u, v, k = next(
        (u, v, k)
        for u, v, k, d in graph.edges(keys=True, data=True)
        if not d["oneway"] and d["length_m"] > 80 and d["highway"] == "residential"
    )
    line = graph.edges[u, v, k]["geometry"]
    to_lonlat = _to_lonlat(area)
    a = to_lonlat.transform(*line.interpolate(0.3, normalized=True).coords[0])
    b = to_lonlat.transform(*line.interpolate(0.6, normalized=True).coords[0])
    times = travel_times(area, [a, b])
    assert times.travel_s[0, 1] == times.travel_s[1, 0]
    assert times.travel_s[0, 1] == pytest.approx(0.3 * graph.edges[u, v, k]["travel_s"], abs=1)


def _path_m(path: list[tuple[float, float]]) -> float:
    lons, lats = zip(*path, strict=True)
    return float(GEOD.line_length(lons, lats))


def test_paths_follow_the_streets(area: Area, facility_times: TravelTimes) -> None:
    simple = _weighted(area)
    lengths = {(u, v): d for u, v, d in area.graph.edges(data="length_m")}
    nodes = list(area.graph.nodes)
    a, b = nodes[3], nodes[200]
    lonlat = [(area.graph.nodes[n]["lon"], area.graph.nodes[n]["lat"]) for n in (a, b)]
    times = travel_times(area, lonlat)
    path = times.path(0, 1)
    assert path[0] == pytest.approx(lonlat[0]) and path[-1] == pytest.approx(lonlat[1])
    route = nx.dijkstra_path(simple, a, b, weight="travel_s")
    street_m = sum(
        min(d["length_m"] for d in area.graph.get_edge_data(x, y).values())
        for x, y in itertools.pairwise(route)
    )
    assert lengths  # the graph has lengths
    assert _path_m(path) == pytest.approx(street_m, rel=0.01)
    # every vertex of a facility path lies on a street, except the two ends (the doors)
    fac_path = facility_times.path(0, 5)
    assert fac_path[0] == pytest.approx(tuple(facility_times.lonlat[0]))
    assert fac_path[-1] == pytest.approx(tuple(facility_times.lonlat[5]))
    assert len(fac_path) > 3
    to_xy = Transformer.from_crs("EPSG:4326", area.crs, always_xy=True)
    from shapely import STRtree
    from shapely.geometry import Point

    tree = STRtree([d for *_, d in area.graph.edges(data="geometry")])
    for lon, lat in fac_path[1:-1]:
        point = Point(to_xy.transform(lon, lat))
        assert tree.query_nearest(point, return_distance=True)[1][0] < 0.01
    assert facility_times.path(4, 4) == [tuple(facility_times.lonlat[4])]


def test_route_path_is_a_closed_loop(facility_times: TravelTimes) -> None:
    loop = facility_times.route_path([0, 7, 20, 0])
    assert loop[0] == loop[-1] == pytest.approx(tuple(facility_times.lonlat[0]))
    pieces = [facility_times.path(0, 7), facility_times.path(7, 20), facility_times.path(20, 0)]
    assert _path_m(loop) == pytest.approx(sum(_path_m(p) for p in pieces), rel=1e-6)
    with pytest.raises(IndexError, match="numbered 0 to"):
        facility_times.path(0, len(facility_times))


def test_places_off_the_streets_are_refused_by_name(area: Area) -> None:
    bank = area.facilities[area.facilities["kind"] == "bank"].iloc[0]
    far = (bank["lon"] + 0.02, bank["lat"])  # about 2 km east, beyond the export
    with pytest.raises(AreaError) as info:
        travel_times(area, [(bank["lon"], bank["lat"]), far], labels=["BIDV", "Kho xa"])
    text = str(info.value)
    assert "'Kho xa' (row 1)" in text and "network.max_snap_m" in text and "BIDV" not in text
    assert info.value.message_vi
    swapped = (bank["lat"], bank["lon"])
    with pytest.raises(AreaError, match="latitude and longitude look swapped"):
        travel_times(area, [swapped])
    with pytest.raises(AreaError, match="without valid"):
        travel_times(area, [(np.nan, 21.0)])
    roomy = Settings().replace(network={"max_snap_m": 5000})
    assert travel_times(area, [far], settings=roomy).snap_m[0] > 1000


def test_snap_speed_setting_is_used(area: Area) -> None:
    fac = area.facilities
    points = fac[["lon", "lat"]].to_numpy()[:6]
    slow = travel_times(area, points, settings=Settings().replace(network={"snap_speed_kmh": 2.0}))
    base = travel_times(area, points)
    gap = (base.snap_m[:, None] + base.snap_m[None, :]) * (1 / (2.0 / 3.6) - 1 / SNAP_MPS)
    np.fill_diagonal(gap, 0)
    assert np.abs(slow.travel_s - base.travel_s - gap).max() <= 1.0


def test_neighbouring_doors_are_walked_straight_across(area: Area) -> None:
    """Two records of one site cost nothing; an ATM beside its bank is a short walk."""
    fac = area.facilities
    points = fac[["lon", "lat"]].to_numpy()[:3]
    times = travel_times(area, np.vstack([points, points]))
    for k in range(3):
        assert times.travel_s[k, k + 3] == times.travel_s[k + 3, k] == 0
        assert (k, k + 3) in times.walks
        assert times.path(k, k + 3) == [tuple(points[k])]
    # different places keep their street times
    assert (times.travel_s[:3, :3] == times.travel_s[3:, 3:]).all()
    assert times.travel_s[0, 1] > 0
