"""People's patrol teams: a walking loop of the team's own residential group, for one night.

Each group (``geodata.streets.residential_groups``) gets one closed loop on foot that stays
inside the group: only the streets lying wholly inside its polygon widened by
``[campaign] street_buffer_m`` are walked (the largest part of them where every corner reaches
every other and back), from the meeting point (the node of that part nearest the group's
centre), covering the group's residential streets in at most ``[village] loop_min`` minutes;
the streets that do not fit are listed. The group's *sites of concern* (the area's facilities
inside its polygon, banks, ATMs, gold shops, offices..., not the police posts) are passed too:
each is passed along the walkable street nearest to it, with a stop of ``[village]
site_dwell_s`` in front of it. When that street is one of the group's streets to walk, the stop
rides on the street's task; otherwise the site is a task of its own on that street (either way
it may be walked). A task with a site costs ten times a street to leave out, so a loop short of
time drops streets before sites.
Solved by the arc routing engine (``routing.arcs``) with one walker and greedy descent, so the
same group gives the same loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geodata.loops import Edge, all_shortest, edges_lonlat, quickest_edges
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx
    from shapely.geometry.base import BaseGeometry

    from geodata.area import Area

__all__ = ["VillageLoop", "VillageSite", "sites_of_concern", "village_loops"]


@dataclass(frozen=True)
class VillageSite:
    """A site of concern the loop passes.

    Where it is, the street walked past it and when (seconds after leaving the meeting point,
    on reaching that street).
    """

    site_id: str
    name: str
    kind: str
    lon: float
    lat: float
    edge: Edge
    distance_m: float
    arrive_s: int


@dataclass(frozen=True)
class VillageLoop:
    """One group's walking loop: streets walked in order, time, length, geometry, streets left."""

    group_id: str
    group: str
    start_node: int
    duration_s: int
    budget_s: int
    length_m: float
    street_ids: tuple[int, ...]
    streets: tuple[str, ...]
    edges: tuple[Edge, ...]
    path: tuple[tuple[float, float], ...]
    left: tuple[int, ...]
    start_lonlat: tuple[float, float] = (0.0, 0.0)
    """The meeting point (``start_node``) as ``(lon, lat)``."""
    sites: tuple[VillageSite, ...] = ()
    """The group's sites of concern passed, in walking order."""
    site_dwell_s: int = 0
    """Time stopped at each site passed (``[village] site_dwell_s``)."""
    streets_left: tuple[str, ...] = ()
    """Names of the streets not walked (``left``), each once."""
    meeting_street: str = ""
    """The street the loop leaves the meeting point by (its first street), for the sheets."""
    sites_left: tuple[str, ...] = ()
    """Facility ids of the group's sites not passed (out of time, or no street the loop may use
    within ``[village] site_reach_m``)."""


def sites_of_concern(area: Area, polygon: BaseGeometry) -> gpd.GeoDataFrame:
    """Return the area's facilities inside ``polygon`` (the area's CRS), police posts excluded.

    The frame keeps the facilities' columns and index (``facility_id``), in the area's CRS,
    ordered by id so the same group gives the same tasks.
    """
    from patrolbase.schema import DEPOT_KINDS

    facilities = area.facilities
    if facilities.empty:
        return facilities.to_crs(area.crs)
    metric = facilities.to_crs(area.crs)
    keep = metric.geometry.covered_by(polygon) & ~metric["kind"].isin([str(k) for k in DEPOT_KINDS])
    return metric[keep].sort_index()


def village_loops(
    area: Area, *, settings: Settings | None = None, groups: gpd.GeoDataFrame | None = None
) -> list[VillageLoop]:
    """Plan one walking loop per residential group, each inside its group.

    Parameters
    ----------
    area
        Loaded on foot (``load_area(mode="foot")``).
    settings
        ``[village] loop_min``, ``site_dwell_s``, ``site_reach_m``; ``[campaign]
        street_buffer_m`` and ``street_classes``.
    groups
        Residential groups; ``None`` derives them (``residential_groups``).

    Returns
    -------
    list of VillageLoop
        One per group that has streets to walk, in the groups' order.

    """
    import networkx as nx
    import shapely

    from geodata.streets import residential_groups, residential_streets
    from routing.arcs import ArcProblem, ArcTask, solve_arcs

    settings = settings or Settings()
    groups = residential_groups(area, settings=settings) if groups is None else groups
    streets = residential_streets(area, groups, settings=settings)
    metric = groups.to_crs(area.crs)
    budget = settings.village.loop_min * 60
    loops = []
    for group_id, polygon in zip(metric.index, metric.geometry, strict=True):
        zone = polygon.buffer(settings.campaign.street_buffer_m + 0.5)
        inside = [
            (u, v, k)
            for u, v, k, line in area.graph.edges(keys=True, data="geometry")
            if shapely.covers(zone, line)
        ]
        sub = area.graph.edge_subgraph(inside)
        parts = list(nx.strongly_connected_components(sub)) if inside else []
        if not parts:
            continue
        part = sub.subgraph(max(parts, key=len))
        mine = [
            s
            for s in streets.index[streets["group_id"] == group_id]
            if all(part.has_edge(*e) for e in streets.at[s, "orientations"])
        ]
        sites = sites_of_concern(area, polygon)
        if not mine and sites.empty:
            continue
        centre = polygon.representative_point()
        start = min(
            part.nodes,
            key=lambda n: (
                (part.nodes[n]["x"] - centre.x) ** 2 + (part.nodes[n]["y"] - centre.y) ** 2
            ),
        )
        nodes, times, pred = all_shortest(part)
        at = {n: i for i, n in enumerate(nodes)}
        between = (times.round() + 0).astype("int64")
        penalty = 1000 * budget
        near, far = _site_streets(part, sites, settings.village.site_reach_m)
        dwell = settings.village.site_dwell_s
        # A site in front of one of the group's streets rides on that street's task (walking
        # it passes the site); the others are tasks of their own on their nearest street.
        on_task = {e: t for t, s in enumerate(mine) for e in streets.at[s, "orientations"]}
        riders: dict[int, list[str]] = {}
        alone: list[str] = []
        for site_id, (ways, _) in near.items():
            t = next((on_task[w] for w in ways if w in on_task), None)
            if t is None:
                alone.append(site_id)
            else:
                riders.setdefault(t, []).append(site_id)
        tasks = [
            ArcTask(
                tuple(
                    (at[u], at[v], math.ceil(part.edges[u, v, k]["travel_s"]) + extra)
                    for u, v, k in streets.at[s, "orientations"]
                ),
                10 * penalty if t in riders else penalty,
            )
            for t, s in enumerate(mine)
            for extra in [dwell * len(riders.get(t, []))]
        ]
        tasks += [
            ArcTask(
                tuple(
                    (at[u], at[v], math.ceil(part.edges[u, v, k]["travel_s"]) + dwell)
                    for u, v, k in near[site_id][0]
                ),
                10 * penalty,
            )
            for site_id in alone
        ]
        plan = solve_arcs(
            ArcProblem(between, at[start], tuple(tasks), (budget,)),
            solutions=settings.campaign.solutions,
            time_limit_s=settings.campaign.time_limit_s,
            seed=settings.campaign.seed,
            improve="descent",
        )
        served = plan.loops[0].served
        edges: list[Edge] = []
        passed: list[VillageSite] = []
        here, clock = start, 0
        for t, o in served:
            if t >= len(mine):  # a site of its own: walk the street in front of it
                here_sites = [alone[t - len(mine)]]
                u, v, k = near[here_sites[0]][0][o]
            else:
                here_sites = riders.get(t, [])
                u, v, k = streets.at[mine[t], "orientations"][o]
            edges += [*quickest_edges(part, here, u, nodes, pred), (u, v, k)]
            clock += int(between[at[here], at[u]])
            passed += [
                _site(site_id, sites, (u, v, k), near[site_id][1], clock, area.crs)
                for site_id in here_sites
            ]
            clock += tasks[t].options[o][2]
            here = v
        edges += quickest_edges(part, here, start, nodes, pred)
        names: list[str] = []
        for t, _ in served:
            if t >= len(mine):
                continue
            name = str(streets.at[mine[t], "name"])
            if not names or names[-1] != name:
                names.append(name)
        street_left = [t for t in plan.left if t < len(mine)]
        sites_left = sorted(
            far
            + [alone[t - len(mine)] for t in plan.left if t >= len(mine)]
            + [site_id for t in street_left for site_id in riders.get(t, [])]
        )
        if not edges:  # only the meeting point itself: nothing to walk
            continue
        loops.append(
            VillageLoop(
                group_id=str(group_id),
                group=str(groups.at[group_id, "name"]),
                start_node=int(start),
                duration_s=plan.loops[0].duration_s,
                budget_s=budget,
                length_m=round(sum(part.edges[e]["length_m"] for e in edges), 1),
                street_ids=tuple(int(mine[t]) for t, _ in served if t < len(mine)),
                streets=tuple(names),
                edges=tuple(edges),
                path=edges_lonlat(part, edges, area.crs),  # type: ignore[arg-type]
                left=tuple(int(mine[t]) for t in street_left),
                start_lonlat=_lonlat(part.nodes[start]["x"], part.nodes[start]["y"], area.crs),
                sites=tuple(passed),
                site_dwell_s=dwell,
                streets_left=tuple(
                    dict.fromkeys(str(streets.at[mine[t], "name"]) for t in street_left)
                ),
                meeting_street=_meeting_street(area.graph, start, edges),
                sites_left=tuple(sites_left),
            )
        )
    return loops


def _site_streets(
    part: nx.MultiDiGraph, sites: gpd.GeoDataFrame, reach_m: float
) -> tuple[dict[str, tuple[tuple[Edge, ...], float]], list[str]]:
    """Return per site the street of ``part`` nearest to it, and the sites out of reach.

    Each site gets the ways to walk that street (each direction it may be walked) and its
    distance; a site farther than ``reach_m`` from every street is listed apart.
    """
    import shapely

    if sites.empty:
        return {}, []
    edges = sorted(part.edges(keys=True))
    tree = shapely.STRtree([part.edges[e]["geometry"] for e in edges])
    near: dict[str, tuple[tuple[Edge, ...], float]] = {}
    far: list[str] = []
    for site_id, point in zip(sites.index, sites.geometry, strict=True):
        found, distances = tree.query_nearest(point, return_distance=True, all_matches=False)
        if not len(found) or float(distances[0]) > reach_m:
            far.append(str(site_id))
            continue
        u, v, k = edges[int(found[0])]
        ways: list[Edge] = [(u, v, k)]
        if part.has_edge(v, u):
            back = min(part[v][u], key=lambda key: part[v][u][key]["travel_s"])
            ways.append((v, u, int(back)))
        near[str(site_id)] = (tuple(ways), round(float(distances[0]), 1))
    return near, far


def _street_name(graph: nx.MultiDiGraph, edge: Edge) -> str:
    name = graph.edges[edge].get("name") or ""
    if isinstance(name, list):  # a simplified edge may carry several names
        name = name[0] if name else ""
    return str(name)


def _meeting_street(graph: nx.MultiDiGraph, start: int, edges: list[Edge]) -> str:
    """Name the meeting point by a named street at its corner, else the loop's first named one."""
    at_corner = [*graph.out_edges(start, keys=True), *graph.in_edges(start, keys=True)]
    for edge in [*sorted(at_corner), *edges]:
        name = _street_name(graph, edge)
        if name:
            return name
    return ""


def _lonlat(x: float, y: float, crs: str) -> tuple[float, float]:
    import pyproj

    lon, lat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
    return round(float(lon), 7), round(float(lat), 7)


def _site(
    site_id: str, sites: gpd.GeoDataFrame, edge: Edge, distance: float, arrive_s: int, crs: str
) -> VillageSite:
    row = sites.loc[site_id]
    lon, lat = _lonlat(row.geometry.x, row.geometry.y, crs)
    return VillageSite(
        site_id=site_id,
        name=str(row["name"] or ""),
        kind=str(row["kind"]),
        lon=lon,
        lat=lat,
        edge=edge,
        distance_m=distance,
        arrive_s=arrive_s,
    )
