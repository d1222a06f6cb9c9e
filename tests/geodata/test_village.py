"""People's patrol teams: each group's walking loop stays inside the group (default area)."""

from __future__ import annotations

import pyproj
import pytest
import shapely
from shapely.geometry import LineString

from geodata.area import load_area
from geodata.streets import residential_groups
from geodata.village import village_loops
from patrolbase.settings import Settings


@pytest.mark.slow
def test_every_group_loop_is_closed_in_time_and_stays_inside_its_group() -> None:
    settings = Settings()
    area = load_area(mode="foot")
    groups = residential_groups(area)
    loops = village_loops(area, settings=settings, groups=groups)
    assert len(loops) >= len(groups) - 2
    to_xy = pyproj.Transformer.from_crs("EPSG:4326", area.crs, always_xy=True)
    metric = groups.to_crs(area.crs)
    covered_all = 0
    for loop in loops:
        assert loop.duration_s <= loop.budget_s
        assert loop.edges[0][0] == loop.start_node == loop.edges[-1][1]
        for (_, v, _), (u, _, _) in zip(loop.edges, loop.edges[1:], strict=False):
            assert v == u
        xs, ys = to_xy.transform([p[0] for p in loop.path], [p[1] for p in loop.path])
        line = LineString(list(zip(xs, ys, strict=True)))
        zone = metric.geometry[loop.group_id].buffer(settings.campaign.street_buffer_m + 1.0)
        assert shapely.covers(zone, line), loop.group
        covered_all += not loop.left
    # Most groups are walked whole in one night's 90 minutes.
    assert covered_all >= 0.7 * len(loops)
