"""Travel matrices through the contraction hierarchy equal Dijkstra's (network.matrix_method)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import LineString

from geodata import _hierarchy
from geodata.area import Area, load_area
from geodata.travel import travel_times
from patrolbase.errors import AreaError, SettingsError
from patrolbase.settings import Settings

NHA_TRANG = Path(__file__).parents[1] / "data" / "osm" / "nha-trang-roads.osm.bz2"
DIJKSTRA = Settings().replace(network={"matrix_method": "dijkstra"})
HIERARCHY = Settings().replace(network={"matrix_method": "contraction_hierarchy"})


def _places(area: Area, n: int, seed: int) -> np.ndarray:
    """N places along random streets (weighted by length), each up to 30 m off the street."""
    rng = np.random.default_rng(seed)
    geoms = [g for *_, g in area.graph.edges(data="geometry")]
    lengths = np.array([g.length for g in geoms])
    picked = rng.choice(len(geoms), size=n, p=lengths / lengths.sum())
    xy = np.array(
        [geoms[k].interpolate(rng.uniform(0, 1), normalized=True).coords[0] for k in picked]
    )
    angle, offset = rng.uniform(0, 2 * np.pi, n), rng.uniform(0, 30, n)
    xy += np.column_stack([np.cos(angle) * offset, np.sin(angle) * offset])
    lon, lat = Transformer.from_crs(area.crs, "EPSG:4326", always_xy=True).transform(*xy.T)
    return np.column_stack([lon, lat])


@pytest.fixture(scope="module")
def small() -> Area:
    return load_area()


@pytest.fixture(scope="module")
def nha_trang() -> Area:
    return load_area(NHA_TRANG)


@pytest.mark.slow
def test_hierarchy_matrix_equals_dijkstra_on_nha_trang(nha_trang: Area) -> None:
    lonlat = _places(nha_trang, 300, seed=11)
    plain = travel_times(nha_trang, lonlat, settings=DIJKSTRA)
    fast = travel_times(nha_trang, lonlat, settings=HIERARCHY)
    assert (plain.method, fast.method) == ("dijkstra", "contraction_hierarchy")
    # the city has one-way streets, and the matrix shows them
    arcs = {(u, v) for u, v, _ in nha_trang.graph.edges(keys=True)}
    assert any((v, u) not in arcs for u, v in arcs)
    assert (plain.travel_s != plain.travel_s.T).any()
    # seconds before rounding: integer units of the hierarchy are a fraction of a millisecond
    engine = plain._engine
    exact = engine.distances(method="dijkstra", progress=False)
    through = engine.distances(method="contraction_hierarchy", progress=False)
    assert np.isfinite(exact).all()
    np.testing.assert_allclose(through, exact, rtol=0, atol=0.05)
    # whole seconds: equal, but for the rare pair rounded the other side of a half second
    differ = plain.travel_s != fast.travel_s
    assert np.abs(plain.travel_s - fast.travel_s).max() <= 1
    assert differ.sum() <= 0.005 * differ.size
    np.testing.assert_array_equal(plain.snap_m, fast.snap_m)
    assert plain.walks == fast.walks
    # street paths do not depend on the method
    assert fast.path(0, 1) == plain.path(0, 1)


def _with_dead_end(area: Area) -> tuple[Area, tuple[float, float]]:
    """Add a one-way street off the area's easternmost junction, into a dead end.

    Returns the new area and a place halfway along that street: it can be reached, but no
    street leads anywhere from it.
    """
    graph = area.graph.copy()
    east = max(graph.nodes, key=lambda v: graph.nodes[v]["x"])
    x, y = graph.nodes[east]["x"], graph.nodes[east]["y"]
    graph.add_node(-1, x=x + 80.0, y=y, lon=0.0, lat=0.0)
    graph.add_edge(
        east,
        -1,
        key=0,
        geometry=LineString([(x, y), (x + 80.0, y)]),
        length_m=80.0,
        travel_s=16.0,
    )
    lon, lat = Transformer.from_crs(area.crs, "EPSG:4326", always_xy=True).transform(x + 40, y)
    return dataclasses.replace(area, graph=graph), (lon, lat)


def test_unreachable_pairs_are_found_by_both_methods(small: Area) -> None:
    area, dead_end = _with_dead_end(small)
    lonlat = [*_places(small, 20, seed=5), dead_end]
    messages = []
    for settings in (DIJKSTRA, HIERARCHY):
        with pytest.raises(AreaError, match="no street path from") as caught:
            travel_times(area, lonlat, labels=[f"p{k}" for k in range(21)], settings=settings)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] == "no street path from 'p20' (row 20) to 'p0' (row 0)"
    # the same pairs are unreachable either way: out of the dead end, nowhere else
    with pytest.raises(AreaError) as caught:
        travel_times(area, lonlat, settings=DIJKSTRA)
    frame = next(e.frame for e in reversed(caught.traceback) if e.name == "travel_times")
    engine = frame.f_locals["engine"]
    exact = engine.distances(method="dijkstra", progress=False)
    through = engine.distances(method="contraction_hierarchy", progress=False)
    np.testing.assert_array_equal(np.isinf(through), np.isinf(exact))
    assert np.isinf(exact[20, :20]).all() and np.isfinite(exact[:20]).all()
    finite = np.isfinite(exact)
    np.testing.assert_allclose(through[finite], exact[finite], rtol=0, atol=0.05)


def test_auto_takes_the_hierarchy_from_200_places(small: Area) -> None:
    lonlat = _places(small, 200, seed=3)
    assert travel_times(small, lonlat[:199]).method == "dijkstra"
    assert travel_times(small, lonlat).method == "contraction_hierarchy"
    assert travel_times(small, lonlat, settings=DIJKSTRA).method == "dijkstra"
    assert travel_times(small, lonlat[:5], settings=HIERARCHY).method == "contraction_hierarchy"


def test_without_the_package_auto_uses_dijkstra_and_the_setting_is_refused(
    small: Area, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_hierarchy, "hierarchy_available", lambda: False)
    lonlat = _places(small, 200, seed=3)
    assert travel_times(small, lonlat).method == "dijkstra"
    with pytest.raises(SettingsError, match=r"network\.matrix_method.*pyroutingkit"):
        travel_times(small, lonlat[:3], settings=HIERARCHY)


def test_the_hierarchy_is_kept_per_graph_and_follows_new_speeds(small: Area) -> None:
    area = dataclasses.replace(small, graph=small.graph.copy())
    lonlat = _places(area, 30, seed=8)
    first = travel_times(area, lonlat, settings=HIERARCHY)
    kept = _hierarchy._CACHE[area.graph]
    assert travel_times(area, lonlat, settings=HIERARCHY).travel_s.tolist() == (
        first.travel_s.tolist()
    )
    # the same streets, twice as slow: the kept hierarchy is customised anew, not rebuilt
    for *_, data in area.graph.edges(data=True):
        data["travel_s"] *= 2
    again = travel_times(area, lonlat, settings=HIERARCHY)
    assert _hierarchy._CACHE[area.graph] is kept
    expected = travel_times(area, lonlat, settings=DIJKSTRA)
    assert np.abs(again.travel_s - expected.travel_s).max() <= 1
    assert (again.travel_s > first.travel_s).any()


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"network\.matrix_method"):
        Settings.from_dict({"network": {"matrix_method": "fastest"}})
