"""Loops on the street graph: shortest paths between all nodes, the edges between two nodes.

Shared by the campaign runs and the people's patrol loops: the routing engine gets the times
(``routing.arcs``), these helpers turn its loops back into the edges driven and their geometry.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from patrolbase.errors import InfeasiblePlanError

if TYPE_CHECKING:
    import networkx as nx
    from numpy.typing import NDArray

__all__ = ["Edge", "all_shortest", "edges_lonlat", "nearest_node", "quickest_edges"]

Edge = tuple[int, int, int]
"""A graph edge ``(u, v, key)``."""


def all_shortest(graph: nx.MultiDiGraph) -> tuple[list[int], NDArray[Any], NDArray[Any]]:
    """Return the nodes, all-pairs shortest travel seconds and predecessors over the graph."""
    from scipy import sparse
    from scipy.sparse import csgraph

    nodes = list(graph.nodes)
    at = {n: i for i, n in enumerate(nodes)}
    best: dict[tuple[int, int], float] = {}
    for u, v, t in graph.edges(data="travel_s"):
        key = (at[u], at[v])
        best[key] = min(best.get(key, math.inf), float(t))
    rows, cols = zip(*best, strict=True)
    matrix = sparse.csr_matrix((list(best.values()), (rows, cols)), shape=(len(nodes),) * 2)
    times, pred = csgraph.dijkstra(matrix, directed=True, return_predecessors=True)
    return nodes, times, pred


def quickest_edges(
    graph: nx.MultiDiGraph, a: int, b: int, nodes: list[int], pred: NDArray[Any]
) -> list[Edge]:
    """Return the quickest edges from node ``a`` to node ``b`` (cheapest parallel edge)."""
    at = {n: i for i, n in enumerate(nodes)}
    chain = [at[b]]
    while chain[-1] != at[a]:
        chain.append(int(pred[at[a], chain[-1]]))
        if chain[-1] < 0:
            msg = f"no street path from node {a} to node {b}"
            raise InfeasiblePlanError(msg)
    walk = [nodes[i] for i in reversed(chain)]
    edges: list[Edge] = []
    for u, v in itertools.pairwise(walk):
        key = min(graph[u][v], key=lambda k: graph[u][v][k]["travel_s"])
        edges.append((u, v, int(key)))
    return edges


def edges_lonlat(
    graph: nx.MultiDiGraph, edges: list[Edge], crs: str
) -> tuple[tuple[float, float], ...]:
    """Return the geometry of ``edges`` driven in order as ``(lon, lat)`` points."""
    import pyproj

    to_lonlat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    points: list[tuple[float, float]] = []
    for edge in edges:
        xs, ys = graph.edges[edge]["geometry"].xy
        lons, lats = to_lonlat.transform(np.asarray(xs), np.asarray(ys))
        for lon, lat in zip(lons.tolist(), lats.tolist(), strict=True):
            point = (round(lon, 7), round(lat, 7))
            if not points or points[-1] != point:
                points.append(point)
    return tuple(points)


def nearest_node(graph: nx.MultiDiGraph, crs: str, lon: float, lat: float) -> int:
    """Return the graph node nearest to ``(lon, lat)`` (straight line, in the graph's metres)."""
    import pyproj

    to_xy = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = to_xy.transform(lon, lat)
    nodes = list(graph.nodes(data=True))
    xy = np.array([(d["x"], d["y"]) for _, d in nodes])
    return int(nodes[int(np.argmin(((xy - (x, y)) ** 2).sum(axis=1)))][0])
