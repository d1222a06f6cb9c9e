"""Key routes marked on the default area are driven end to end by one loop (path geometry)."""

from __future__ import annotations

import pyproj
import pytest
import shapely
from shapely.geometry import LineString

from geodata.area import load_area
from geodata.keyroutes import key_route_loop, key_routes
from patrolbase.errors import InputFileError

ROUTES = ["Phố Tôn Đức Thắng", "Phố Cát Linh"]


@pytest.mark.parametrize("mode", ["motorbike", "car"])
def test_one_loop_drives_each_key_route_end_to_end(mode: str) -> None:
    area = load_area(mode=mode)  # type: ignore[arg-type]
    routes = key_routes(area, ROUTES)
    loop = key_route_loop(area, routes, budget_s=3600)
    assert loop.duration_s <= 3600
    assert loop.edges[0][0] == loop.edges[-1][1]
    for (_, v, _), (u, _, _) in zip(loop.edges, loop.edges[1:], strict=False):
        assert v == u
    to_xy = pyproj.Transformer.from_crs("EPSG:4326", area.crs, always_xy=True)
    xs, ys = to_xy.transform([p[0] for p in loop.path], [p[1] for p in loop.path])
    driven = LineString(list(zip(xs, ys, strict=True))).buffer(1.0)
    for route, chosen in zip(routes, loop.chosen, strict=True):
        line = shapely.line_merge(
            shapely.union_all([area.graph.edges[e]["geometry"] for e in route.directions[chosen]])
        )
        assert shapely.covers(driven, line), route.name
        # End to end: the chosen direction spans most of the street's whole length.
        assert line.length >= 0.45 * sum(
            d["length_m"] for _, _, d in area.graph.edges(data=True) if d["name"] == route.name
        )


def test_a_street_the_area_does_not_have_is_named_with_the_nearest_names() -> None:
    area = load_area()
    with pytest.raises(InputFileError) as caught:
        key_routes(area, ["Phố Tôn Đức Thang", "Phố Không Có"])
    problems = caught.value.problems
    assert [p.row for p in problems] == [1, 2]
    assert "Phố Tôn Đức Thắng" in problems[0].message_vi
