"""People's patrol teams: a walking loop of the team's own residential group, for one night.

Each group (``geodata.streets.residential_groups``) gets one closed loop on foot that stays
inside the group: only the streets lying wholly inside its polygon widened by
``[campaign] street_buffer_m`` are walked (the largest part of them where every corner reaches
every other and back), from the meeting point (the node of that part nearest the group's
centre), covering the group's residential streets in at most ``[village] loop_min`` minutes;
the streets that do not fit are listed. Solved by the arc routing engine (``routing.arcs``) with
one walker and greedy descent, so the same group gives the same loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geodata.loops import Edge, all_shortest, edges_lonlat, quickest_edges
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area

__all__ = ["VillageLoop", "village_loops"]


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


def village_loops(
    area: Area, *, settings: Settings | None = None, groups: gpd.GeoDataFrame | None = None
) -> list[VillageLoop]:
    """Plan one walking loop per residential group, each inside its group.

    Parameters
    ----------
    area
        Loaded on foot (``load_area(mode="foot")``).
    settings
        ``[village] loop_min``, ``[campaign] street_buffer_m`` and ``street_classes``.
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
        if not mine:
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
        tasks = tuple(
            ArcTask(
                tuple(
                    (at[u], at[v], math.ceil(part.edges[u, v, k]["travel_s"]))
                    for u, v, k in streets.at[s, "orientations"]
                ),
                1000 * budget,
            )
            for s in mine
        )
        plan = solve_arcs(
            ArcProblem(between, at[start], tasks, (budget,)),
            solutions=settings.campaign.solutions,
            time_limit_s=settings.campaign.time_limit_s,
            seed=settings.campaign.seed,
            improve="descent",
        )
        served = plan.loops[0].served
        edges: list[Edge] = []
        here = start
        for t, o in served:
            u, v, k = streets.at[mine[t], "orientations"][o]
            edges += [*quickest_edges(part, here, u, nodes, pred), (u, v, k)]
            here = v
        edges += quickest_edges(part, here, start, nodes, pred)
        names: list[str] = []
        for t, _ in served:
            name = str(streets.at[mine[t], "name"])
            if not names or names[-1] != name:
                names.append(name)
        loops.append(
            VillageLoop(
                group_id=str(group_id),
                group=str(groups.at[group_id, "name"]),
                start_node=int(start),
                duration_s=plan.loops[0].duration_s,
                budget_s=budget,
                length_m=round(sum(part.edges[e]["length_m"] for e in edges), 1),
                street_ids=tuple(int(mine[t]) for t, _ in served),
                streets=tuple(names),
                edges=tuple(edges),
                path=edges_lonlat(part, edges, area.crs),  # type: ignore[arg-type]
                left=tuple(int(mine[t]) for t in plan.left),
            )
        )
    return loops
