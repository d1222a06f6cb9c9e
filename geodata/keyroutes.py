"""Key routes (tuyến trọng điểm): streets a commander marks to be driven end to end in one loop.

A key route is a street named as the map names it (``Phố Tôn Đức Thắng``). Its edges in the
mode's graph are ordered from one end to the other: the two ends are the pair of its nodes
farthest apart, and each direction is the quickest way from one end to the other over the
route's own edges (a dual carriageway goes out on one side and back on the other). Either
direction serves the route; a one-way route only its own. ``key_route_loop`` drives every marked
route end to end in one closed loop from the police post, with the arc routing engine
(``routing.arcs``: each route one task whose service is the whole route).

In a night's joint plan (``with_key_routes``) each route is one more stop of the problem: its
node is entered at the route's first end and left from its other end (its row of the travel
matrix is the far end's, its column the near end's), its dwell is the drive along it, its one
visit spans the shift and is worth more than every target together, so a team drives it end to
end wherever the shift allows, then the targets come first as before. A route is driven in its
first direction (``KeyRoute.directions[0]``).
"""

from __future__ import annotations

import difflib
import itertools
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from geodata.loops import Edge, all_shortest, edges_lonlat, nearest_node, quickest_edges
from patrolbase.errors import InfeasiblePlanError, InputFileError, Problem
from patrolbase.schema import KEY_ROUTE_KIND, key_route_id

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geodata.area import Area
    from geodata.travel import TravelTimes
    from routing.model import PatrolProblem

__all__ = [
    "KeyRoute",
    "KeyRouteLeg",
    "KeyRouteLoop",
    "key_route_loop",
    "key_routes",
    "route_ends",
    "street_names",
    "with_key_routes",
]


@dataclass(frozen=True)
class KeyRoute:
    """A street to drive end to end: its name and its directions, each a chain of edges."""

    name: str
    directions: tuple[tuple[Edge, ...], ...]
    length_m: float


@dataclass(frozen=True)
class KeyRouteLoop:
    """One closed loop from the police post driving every key route end to end."""

    routes: tuple[KeyRoute, ...]
    chosen: tuple[int, ...]
    edges: tuple[Edge, ...]
    duration_s: int
    length_m: float
    path: tuple[tuple[float, float], ...]


def street_names(area: Area) -> list[str]:
    """Return the names of the area's streets (of its mode), sorted: what a key route can be."""
    return sorted({str(n) for _, _, n in area.graph.edges(data="name") if n})


def key_routes(
    area: Area, names: Sequence[str], *, source: str = "Tuyến trọng điểm"
) -> list[KeyRoute]:
    """Return the key routes named, checked whole.

    Raises
    ------
    InputFileError
        Naming every route the area has no street of (with the nearest names it has), and every
        route that cannot be driven from one end to the other by the mode.

    """
    import networkx as nx

    graph = area.graph
    known = street_names(area)
    problems: list[Problem] = []
    routes: list[KeyRoute] = []
    for row, name in enumerate(names, start=1):
        edges = [(u, v, k) for u, v, k, n in graph.edges(keys=True, data="name") if n == name]
        if not edges:
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            hint_vi = f"; có phải {', '.join(close)}?" if close else ""
            problems.append(
                Problem(
                    source,
                    row,
                    "tên đường",
                    name,
                    f"the area has no street named {name!r}{hint}",
                    f"địa bàn không có đường nào tên '{name}'{hint_vi}",
                )
            )
            continue
        sub = graph.edge_subgraph(edges)
        nodes = list(sub.nodes)
        a, b = max(
            ((p, q) for p in nodes for q in nodes if p != q),
            key=lambda pq: math.dist(
                (sub.nodes[pq[0]]["x"], sub.nodes[pq[0]]["y"]),
                (sub.nodes[pq[1]]["x"], sub.nodes[pq[1]]["y"]),
            ),
        )
        directions = []
        for s, t in ((a, b), (b, a)):
            try:
                walk = nx.shortest_path(sub, s, t, weight="travel_s")
            except nx.NetworkXNoPath:
                continue
            directions.append(
                tuple(
                    (u, v, min(sub[u][v], key=lambda k: sub[u][v][k]["travel_s"]))
                    for u, v in itertools.pairwise(walk)
                )
            )
        if not directions:
            problems.append(
                Problem(
                    source,
                    row,
                    "tên đường",
                    name,
                    f"{name!r} cannot be driven from one end to the other by {area.mode}",
                    f"không đi hết được '{name}' từ đầu này đến đầu kia bằng phương tiện này",
                )
            )
            continue
        length = min(sum(graph.edges[e]["length_m"] for e in d) for d in directions)
        routes.append(KeyRoute(name, tuple(directions), round(length, 1)))
    if problems:
        raise InputFileError(source, problems)
    return routes


def key_route_loop(area: Area, routes: Sequence[KeyRoute], *, budget_s: int) -> KeyRouteLoop:
    """Drive every key route end to end in one closed loop from the police post.

    Raises
    ------
    InfeasiblePlanError
        When the routes do not fit in ``budget_s`` together.

    """
    from geodata.depots import choose_depots
    from routing.arcs import ArcProblem, ArcTask, solve_arcs

    graph = area.graph
    depot_id = choose_depots(area.facilities)[0]
    row = area.facilities.loc[depot_id]
    depot = nearest_node(graph, area.crs, float(row["lon"]), float(row["lat"]))
    nodes, times, pred = all_shortest(graph)
    at = {n: i for i, n in enumerate(nodes)}
    between = times.round().astype("int64")
    tasks = tuple(
        ArcTask(
            tuple(
                (at[d[0][0]], at[d[-1][1]], math.ceil(sum(graph.edges[e]["travel_s"] for e in d)))
                for d in route.directions
            ),
            1000 * budget_s,
        )
        for route in routes
    )
    plan = solve_arcs(ArcProblem(between, at[depot], tasks, (budget_s,)), improve="descent")
    if plan.left:
        names = ", ".join(routes[t].name for t in plan.left)
        msg = f"the key routes do not fit in one loop of {budget_s // 60} minutes: {names}"
        error = InfeasiblePlanError(msg)
        error.message_vi = (
            f"các tuyến trọng điểm không đi hết được trong một lộ trình {budget_s // 60} phút: "
            f"{names}"
        )
        raise error
    edges: list[Edge] = []
    here = depot
    chosen = [0] * len(routes)
    for t, o in plan.loops[0].served:
        chain = routes[t].directions[o]
        chosen[t] = o
        edges += [*quickest_edges(graph, here, chain[0][0], nodes, pred), *chain]
        here = chain[-1][1]
    edges += quickest_edges(graph, here, depot, nodes, pred)
    return KeyRouteLoop(
        routes=tuple(routes),
        chosen=tuple(chosen),
        edges=tuple(edges),
        duration_s=plan.loops[0].duration_s,
        length_m=round(sum(graph.edges[e]["length_m"] for e in edges), 1),
        path=edges_lonlat(graph, edges, area.crs),
    )


@dataclass(frozen=True)
class KeyRouteLeg:
    """How a night plan's key-route stop is driven: in at place ``enter``, out at ``leave``.

    Places are rows of the night's travel matrix (``geodata.travel.TravelTimes``); ``path`` is
    the drive along the route, ``(lon, lat)`` points from one end to the other.
    """

    enter: int
    leave: int
    path: tuple[tuple[float, float], ...]


def route_ends(area: Area, routes: Sequence[KeyRoute]) -> list[tuple[float, float]]:
    """Return ``(lon, lat)`` of each route's two ends in its first direction: s1, e1, s2, e2..."""
    import pyproj

    to_lonlat = pyproj.Transformer.from_crs(area.crs, "EPSG:4326", always_xy=True)
    ends = []
    for route in routes:
        chain = route.directions[0]
        for node in (chain[0][0], chain[-1][1]):
            data = area.graph.nodes[node]
            lon, lat = to_lonlat.transform(data["x"], data["y"])
            ends.append((float(lon), float(lat)))
    return ends


def with_key_routes(
    problem: PatrolProblem,
    routes: Sequence[KeyRoute],
    *,
    area: Area,
    travel: TravelTimes,
    window_s: tuple[int, int] | None = None,
) -> tuple[PatrolProblem, dict[int, KeyRouteLeg]]:
    """Add each key route to a night's problem as one stop driven end to end.

    Parameters
    ----------
    problem
        The night's problem (``geodata.problem.build_problem``): its nodes are the first places
        of ``travel``.
    routes
        From ``key_routes``, on the area the travel times were computed on.
    area
        That area.
    travel
        Travel times between the problem's nodes, then the routes' ends in the order of
        ``route_ends`` (two places per route).
    window_s
        Seconds from the shift start within which each route is driven, start to finish;
        ``None``: the whole shift.

    Returns
    -------
    tuple
        The problem with one node and one site per route (site ids ``key_route_id(k)``, extras
        ``name``, ``kind`` = ``key_route``, ``street``, ``length_m``, ``lat``, ``lon``), and
        the leg of each new node index for the plan's path.

    """
    import numpy as np

    from routing.model import Node, Site, Visit

    travel_s = travel.travel_s
    n, k = len(problem.nodes), len(routes)
    first = n  # the routes' ends follow the problem's places
    if travel_s.shape != (n + 2 * k, n + 2 * k):
        msg = f"travel_s: {travel_s.shape} for {n} places and {k} key routes (2 ends each)"
        raise ValueError(msg)
    starts = [first + 2 * r for r in range(k)]
    ends = [first + 2 * r + 1 for r in range(k)]
    matrix = np.zeros((n + k, n + k), dtype=np.int64)
    matrix[:n, :n] = problem.travel_s
    matrix[:n, n:] = travel_s[:n, starts]
    matrix[n:, :n] = travel_s[ends, :n]
    matrix[n:, n:] = travel_s[np.ix_(ends, starts)]
    np.fill_diagonal(matrix, 0)
    matrix.setflags(write=False)
    worth = math.ceil(problem.total_value) + 1.0
    begin = min(t.shift[0] for t in problem.teams)
    close = max(t.shift[1] for t in problem.teams)
    if window_s is not None:
        begin, close = max(begin, window_s[0]), min(close, window_s[1])
    nodes, sites, legs = list(problem.nodes), list(problem.sites), {}
    for r, route in enumerate(routes):
        chain = route.directions[0]
        drive_s = math.ceil(sum(area.graph.edges[e]["travel_s"] for e in chain))
        lon, lat = (float(x) for x in travel.lonlat[starts[r]])
        extra = {"name": route.name, "kind": KEY_ROUTE_KIND}
        nodes.append(Node(key_route_id(r + 1), lat, lon, extra))
        sites.append(
            Site(
                key_route_id(r + 1),
                n + r,
                drive_s,
                (Visit(begin, max(begin, close - drive_s), worth),),
                0,
                {
                    **extra,
                    "street": route.name,
                    "length_m": route.length_m,
                    "lat": lat,
                    "lon": lon,
                },
            )
        )
        legs[n + r] = KeyRouteLeg(
            starts[r], ends[r], edges_lonlat(area.graph, list(chain), area.crs)
        )
    return (
        replace(problem, nodes=tuple(nodes), travel_s=matrix, sites=tuple(sites)),
        legs,
    )
