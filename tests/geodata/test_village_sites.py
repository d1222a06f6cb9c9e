"""People's patrol loops pass their group's sites of concern and stay inside it (default area)."""

from __future__ import annotations

import pyproj
import pytest
import shapely
from shapely.geometry import LineString, Point

from geodata.area import load_area
from geodata.streets import residential_groups
from geodata.village import sites_of_concern, village_loops
from patrolbase.schema import DEPOT_KINDS
from patrolbase.settings import Settings


@pytest.fixture(scope="module")
def planned():  # type: ignore[no-untyped-def]
    area = load_area(mode="foot")
    groups = residential_groups(area)
    return area, groups, village_loops(area, settings=Settings(), groups=groups)


@pytest.mark.slow
def test_each_loop_passes_every_site_of_its_group_and_stays_inside(planned) -> None:  # type: ignore[no-untyped-def]
    area, groups, loops = planned
    settings = Settings()
    reach = settings.village.site_reach_m
    metric = groups.to_crs(area.crs)
    to_xy = pyproj.Transformer.from_crs("EPSG:4326", area.crs, always_xy=True)
    passed_all = total = 0
    for loop in loops:
        polygon = metric.geometry[loop.group_id]
        sites = sites_of_concern(area, polygon)
        assert not set(sites["kind"]) & {str(k) for k in DEPOT_KINDS}
        passed = {s.site_id for s in loop.sites}
        # every site of the group is passed or said to be left, none twice, none of another group
        assert passed | set(loop.sites_left) == set(sites.index), loop.group
        assert not passed & set(loop.sites_left)
        xs, ys = to_xy.transform([p[0] for p in loop.path], [p[1] for p in loop.path])
        line = LineString(list(zip(xs, ys, strict=True)))
        zone = polygon.buffer(settings.campaign.street_buffer_m + 1.0)
        assert shapely.covers(zone, line), loop.group
        walked = set(loop.edges)
        arrivals = [s.arrive_s for s in loop.sites]
        assert arrivals == sorted(arrivals) and all(0 <= t <= loop.duration_s for t in arrivals)
        for site in loop.sites:
            assert site.edge in walked, (loop.group, site.site_id)
            point = Point(*to_xy.transform(site.lon, site.lat))
            assert polygon.covers(point)
            assert line.distance(point) <= reach + 0.5, (loop.group, site.site_id)
        # on this area a site is left only when no street of its group comes within reach
        for site_id in loop.sites_left:
            assert line.distance(sites.geometry[site_id]) > reach - 1.0
        passed_all += len(passed)
        total += len(sites)
    assert total >= 50 and passed_all >= 0.95 * total


@pytest.mark.slow
def test_groups_with_sites_pass_them_early_enough_to_stay_in_time(planned) -> None:  # type: ignore[no-untyped-def]
    _, _, loops = planned
    for loop in loops:
        assert loop.duration_s <= loop.budget_s
        assert loop.edges[0][0] == loop.start_node == loop.edges[-1][1]
        lon, lat = loop.start_lonlat
        assert 105.0 < lon < 106.5 and 20.5 < lat < 21.5
