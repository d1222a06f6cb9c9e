"""Key routes (tuyến trọng điểm): streets a commander marks to be driven end to end in one loop.

A key route is a street named as the map names it (``Phố Tôn Đức Thắng``). Its edges in the
mode's graph are ordered from one end to the other: the two ends are the pair of its nodes
farthest apart, and each direction is the quickest way from one end to the other over the
route's own edges (a dual carriageway goes out on one side and back on the other). Either
direction serves the route; a one-way route only its own. ``key_route_loop`` drives every marked
route end to end in one closed loop from the police post, with the arc routing engine
(``routing.arcs``: each route one task whose service is the whole route).
"""

from __future__ import annotations

import difflib
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geodata.loops import Edge, all_shortest, edges_lonlat, nearest_node, quickest_edges
from patrolbase.errors import InfeasiblePlanError, InputFileError, Problem

if TYPE_CHECKING:
    from collections.abc import Sequence

    from geodata.area import Area

__all__ = ["KeyRoute", "KeyRouteLoop", "key_route_loop", "key_routes"]


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


def key_routes(area: Area, names: Sequence[str], *, source: str = "--route") -> list[KeyRoute]:
    """Return the key routes named, checked whole.

    Raises
    ------
    InputFileError
        Naming every route the area has no street of (with the nearest names it has), and every
        route that cannot be driven from one end to the other by the mode.

    """
    import networkx as nx

    graph = area.graph
    known = sorted({str(n) for _, _, n in graph.edges(data="name") if n})
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
                    "route",
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
                    "route",
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
