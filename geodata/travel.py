"""Travel times between any set of places, and the streets the fastest path follows.

Each place (a facility, a depot) is snapped to the nearest street *edge* of the area's graph in
its projected CRS, not to the nearest junction: on a long merged edge the nearest junction can
be hundreds of metres away while the street passes the door. The place then joins the graph as
a virtual node to leave from (towards both ends of its edge where the street is two-way,
towards its head only where it is one-way), with the part of the edge's travel time that lies
on each side; it is arrived at from its edge's tail, or head on a two-way street, the same way.
A place within 0.5 m of a junction also leaves and arrives by every street of that junction.
The gap between the place and the street is added
at ``settings.network.snap_speed_kmh`` (the patrol walks from the kerb), at both ends. Two
places no farther apart than their two walks to the street are walked straight across.

The n x n matrix comes from ``scipy.sparse.csgraph.dijkstra``, one run per place, in chunks,
or, for 200 places and more (``network.matrix_method``), from a junction table of the graph's
contraction hierarchy (``geodata._hierarchy``, kept per graph) and the places' few ways in and
out; ``TravelTimes.method`` says which. Times are asymmetric where one-way streets make them so.
``TravelTimes.path(i, j)`` returns the street geometry of the fastest path (always a Dijkstra
run), so that drawn routes follow the streets.

One file past 500 lines: snapping and the matrix share the virtual-node bookkeeping.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from patrolbase.errors import AreaError, SettingsError
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import networkx as nx
    from numpy.typing import ArrayLike, NDArray
    from shapely.geometry import LineString

    from geodata.area import Area

__all__ = ["TravelTimes", "travel_times"]

log = logging.getLogger(__name__)

_EPS_S = 1e-6  # csgraph ignores zero weights in sparse input: keep zero-cost hops as edges
_AT_NODE_M = 0.5  # a place this close to a junction stands on it
_CHUNK = 200  # sources per dijkstra call: 200 x (nodes) float64 stays a few tens of MB
# "auto" takes the contraction hierarchy from this many places on: below it the per-place
# Dijkstra costs less than ordering a new graph's hierarchy (bench/bench_travel.py, N = 200)
_HIERARCHY_MIN_PLACES = 200

Method = Literal["dijkstra", "contraction_hierarchy"]


class TravelTimes:
    """A travel-time matrix between places, with the street paths behind it.

    Attributes
    ----------
    lonlat : numpy.ndarray
        ``(n, 2)`` the places, WGS84 ``(lon, lat)``.
    travel_s : numpy.ndarray
        ``(n, n)`` int64 whole seconds from row to column, snapping gaps included; 0 on the
        diagonal.
    snap_m : numpy.ndarray
        ``(n,)`` metres from each place to its street.
    snap_edge : list of tuple
        ``(u, v, key)`` of the graph edge each place was snapped to.
    snap_fraction : numpy.ndarray
        ``(n,)`` where along that edge's geometry (0 at ``u``, 1 at ``v``).
    walks : frozenset of (int, int)
        Pairs of places so close (no farther apart than their two walks to the street) that
        walking straight across is quicker than the street; their path is a straight line.
    method : str
        How the matrix was computed: ``"dijkstra"`` or ``"contraction_hierarchy"``
        (``network.matrix_method``).

    """

    def __init__(
        self,
        *,
        lonlat: NDArray[np.float64],
        travel_s: NDArray[np.int64],
        snap_m: NDArray[np.float64],
        snap_edge: list[tuple[int, int, int]],
        snap_fraction: NDArray[np.float64],
        walks: frozenset[tuple[int, int]] = frozenset(),
        method: Method = "dijkstra",
        _engine: _Engine,
    ) -> None:
        self.lonlat = lonlat
        self.method = method
        self.walks = walks
        self.travel_s = travel_s
        self.snap_m = snap_m
        self.snap_edge = snap_edge
        self.snap_fraction = snap_fraction
        self._engine = _engine
        self._runs: dict[int, tuple[NDArray[np.float64], NDArray[np.int32]]] = {}

    def __len__(self) -> int:
        """Return the number of places."""
        return len(self.lonlat)

    def path(self, i: int, j: int) -> list[tuple[float, float]]:
        """Street geometry of the fastest path from place ``i`` to place ``j``.

        Returns
        -------
        list of (lon, lat)
            From place ``i`` to its street, along the streets, then to place ``j``; a single
            point when ``i == j``.

        """
        n = len(self)
        if not (0 <= i < n and 0 <= j < n):
            msg = f"path({i}, {j}): places are numbered 0 to {n - 1}"
            raise IndexError(msg)
        if i == j:
            return [tuple(map(float, self.lonlat[i]))]  # type: ignore[list-item]
        if (i, j) in self.walks:
            return _dedupe([tuple(map(float, self.lonlat[k])) for k in (i, j)])  # type: ignore[misc]
        if i not in self._runs:
            self._runs[i] = self._engine.predecessors(i)
        xy = self._engine.path_xy(i, j, self._runs[i])
        lon, lat = self._engine.to_lonlat.transform(xy[:, 0], xy[:, 1])
        coords = [tuple(map(float, self.lonlat[i]))]
        coords += [(float(a), float(b)) for a, b in zip(lon, lat, strict=True)]
        coords.append(tuple(map(float, self.lonlat[j])))
        return _dedupe(coords)  # type: ignore[arg-type]

    def route_path(self, sequence: Sequence[int]) -> list[tuple[float, float]]:
        """Street geometry of a whole route visiting ``sequence`` in order.

        A closed loop starts and ends at its depot: ``times.route_path([depot, 3, 7, depot])``
        gives ``[(lon, lat), ...]`` from the depot's door round the streets back to it.
        """
        coords: list[tuple[float, float]] = []
        for a, b in itertools.pairwise(sequence):
            coords.extend(self.path(int(a), int(b)))
        if len(sequence) == 1:
            coords = self.path(int(sequence[0]), int(sequence[0]))
        return _dedupe(coords)


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated points, keeping the exact first and last (the places themselves)."""
    out: list[tuple[float, float]] = []
    for c in coords:
        if not out or abs(out[-1][0] - c[0]) > 1e-9 or abs(out[-1][1] - c[1]) > 1e-9:
            out.append(c)
    if coords:
        out[0] = coords[0]
        if len(out) > 1:
            out[-1] = coords[-1]
    return out


class _Engine:
    """The graph as a CSR matrix with one virtual "leave" node per place.

    Arriving needs no virtual node: a place is reached from the tail of its edge (``t`` of the
    edge's time) or, on a two-way street or at a junction, from its head; the best of the two
    is taken on the Dijkstra rows, so each run covers only the street graph.
    """

    def __init__(
        self,
        graph: nx.MultiDiGraph,
        xy: NDArray[np.float64],
        edges: list[tuple[int, int, int]],
        fractions: NDArray[np.float64],
    ) -> None:
        import pyproj
        from scipy import sparse

        self.graph = graph
        self.to_lonlat = pyproj.Transformer.from_crs(
            graph.graph["crs"], "EPSG:4326", always_xy=True
        )
        nodes = list(graph.nodes)
        self.index = {node: k for k, node in enumerate(nodes)}
        n_graph, n = len(nodes), len(edges)
        self.n_graph = n_graph
        self.out_base = n_graph
        self.xy = xy
        self.edges = edges
        self.fractions = fractions
        # fastest of parallel edges between two junctions: weight and the edge itself
        best: dict[tuple[int, int], tuple[float, tuple[int, int, int]]] = {}
        for u, v, k, w in graph.edges(keys=True, data="travel_s"):
            a, b = self.index[u], self.index[v]
            if (a, b) not in best or w < best[a, b][0]:
                best[a, b] = (w, (u, v, k))
        self.best = best
        rows = [a for a, _ in best]
        cols = [b for _, b in best]
        weights = [max(w, _EPS_S) for w, _ in best.values()]
        self.twins: list[tuple[int, int, int] | None] = [self._twin(e) for e in edges]
        # arrival: from the edge's tail (always) and its head (two-way street or at a junction)
        self.arrive_tail = np.empty(n, dtype=np.int64)
        self.arrive_head = np.empty(n, dtype=np.int64)
        self.arrive_tail_s = np.empty(n)
        self.arrive_head_s = np.full(n, np.inf)
        groups: dict[tuple[int, int], list[int]] = defaultdict(list)
        for p, (u, v, k) in enumerate(edges):
            a, b = self.index[u], self.index[v]
            w = graph.edges[u, v, k]["travel_s"]
            t = float(fractions[p])
            length = graph.edges[u, v, k]["geometry"].length
            self.arrive_tail[p], self.arrive_head[p] = a, b
            self.arrive_tail_s[p] = t * w
            rows.append(self.out_base + p)
            cols.append(b)
            weights.append(max((1 - t) * w, _EPS_S))
            twin = self.twins[p]
            if twin is not None:
                w2 = graph.edges[twin]["travel_s"]
                rows.append(self.out_base + p)
                cols.append(a)
                weights.append(max(t * w2, _EPS_S))
                self.arrive_head_s[p] = (1 - t) * w2
            # a place on a junction (a depot drawn on the corner) leaves and arrives by any of
            # its streets, even when its snapped edge is one-way
            if t * length < _AT_NODE_M:
                rows.append(self.out_base + p)
                cols.append(a)
                weights.append(max(t * w, _EPS_S))
            if (1 - t) * length < _AT_NODE_M:
                self.arrive_head_s[p] = min(self.arrive_head_s[p], (1 - t) * w)
            groups[min(a, b), max(a, b)].append(p)
        # places on one street segment reach each other without passing a junction
        self.direct: dict[tuple[int, int], float] = {}
        for members in groups.values():
            for p in members:
                for q in members:
                    hop = self._direct_hop(p, q) if p != q else None
                    if hop is not None:
                        self.direct[p, q] = hop
        size = n_graph + n
        coo = sparse.coo_matrix((weights, (rows, cols)), shape=(size, size))
        # duplicates would be summed by the CSR conversion: keep the smallest of each pair
        order = np.lexsort((coo.data, coo.col, coo.row))
        r, c, w_arr = coo.row[order], coo.col[order], coo.data[order]
        first = np.ones(len(r), dtype=bool)
        first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
        self.matrix = sparse.csr_matrix((w_arr[first], (r[first], c[first])), shape=(size, size))

    def _twin(self, edge: tuple[int, int, int]) -> tuple[int, int, int] | None:
        """Find the same street the other way round (two-way street), or ``None`` (one-way)."""
        u, v, _ = edge
        coords = np.asarray(self.graph.edges[edge]["geometry"].coords)
        for k2, d in self.graph.get_edge_data(v, u, default={}).items():
            other = np.asarray(d["geometry"].coords)
            if other.shape == coords.shape and np.allclose(other[::-1], coords):
                return (v, u, k2)
        return None

    def _direct_hop(self, p: int, q: int) -> float | None:
        """Seconds from place p to place q along their shared segment, or ``None``."""
        ep, eq = self.edges[p], self.edges[q]
        tp, tq = float(self.fractions[p]), float(self.fractions[q])
        if ep != eq:
            if self.twins[p] != eq:
                return None
            tq = 1.0 - tq  # q snapped to the twin: express it on p's edge
        if tq >= tp:
            return (tq - tp) * float(self.graph.edges[ep]["travel_s"])
        twin = self.twins[p]
        if twin is not None:
            return (tp - tq) * float(self.graph.edges[twin]["travel_s"])
        return None

    def _arrivals(self, dist: NDArray[np.float64]) -> NDArray[np.float64]:
        """Seconds to every place from Dijkstra rows over the street graph."""
        via_tail = dist[:, self.arrive_tail] + self.arrive_tail_s
        via_head = dist[:, self.arrive_head] + self.arrive_head_s
        arrivals: NDArray[np.float64] = np.minimum(via_tail, via_head)
        return arrivals

    def distances(self, *, method: Method, progress: bool) -> NDArray[np.float64]:
        """Seconds between the places' snapped points (no snapping gaps)."""
        if method == "contraction_hierarchy":
            out = self._hierarchy_distances()
        else:
            out = self._dijkstra_distances(progress=progress)
        for (p, q), seconds in self.direct.items():
            out[p, q] = min(out[p, q], seconds)
        return out

    def _dijkstra_distances(self, *, progress: bool) -> NDArray[np.float64]:
        """One Dijkstra per place from its virtual node, in chunks of sources."""
        from scipy.sparse import csgraph
        from tqdm import tqdm

        n = len(self.edges)
        out = np.empty((n, n))
        starts = range(0, n, _CHUNK)
        for start in tqdm(starts, desc="travel times", unit="chunk", disable=not progress):
            sources = np.arange(self.out_base + start, self.out_base + min(start + _CHUNK, n))
            dist = csgraph.dijkstra(self.matrix, directed=True, indices=sources)
            out[start : start + len(sources)] = self._arrivals(dist)
        return out

    def _hierarchy_distances(self) -> NDArray[np.float64]:
        """Read a junction table off the contraction hierarchy, then add the places' ends.

        The places' virtual nodes stay out of the hierarchy (it is kept per graph): a place
        leaves by up to three junctions (its virtual node's row of the CSR matrix, with the
        seconds to each) and is reached from its edge's tail or head, so its time to another
        place is the best of those few combinations over the table between the junctions.
        """
        from geodata._hierarchy import StreetHierarchy

        n = len(self.edges)
        if n == 0:
            return np.empty((0, 0))
        arcs = np.array(list(self.best), dtype=np.int64).reshape(-1, 2)
        seconds = np.array([w for w, _ in self.best.values()], dtype=np.float64)
        nodes = self.graph.nodes
        x = np.array([nodes[v]["x"] for v in self.index], dtype=np.float64)
        y = np.array([nodes[v]["y"] for v in self.index], dtype=np.float64)
        hierarchy = StreetHierarchy.for_graph(
            self.graph, arcs[:, 0], arcs[:, 1], seconds, y - y.mean(), x - x.mean()
        )
        # leaving: each virtual node's CSR row, padded to the widest (inf: no such way out)
        rows = self.matrix[self.out_base :]
        counts = np.diff(rows.indptr)
        width = int(counts.max())
        slot = np.arange(len(rows.indices)) - np.repeat(rows.indptr[:-1], counts)
        place = np.repeat(np.arange(n), counts)
        sources, source_of = np.unique(rows.indices, return_inverse=True)
        leave = np.zeros((n, width), dtype=np.int64)
        leave_s = np.full((n, width), np.inf)
        leave[place, slot] = source_of
        leave_s[place, slot] = rows.data
        targets = np.unique(np.concatenate([self.arrive_tail, self.arrive_head]))
        via_tail = np.searchsorted(targets, self.arrive_tail)
        via_head = np.searchsorted(targets, self.arrive_head)
        units, scale = hierarchy.table(sources, targets)
        out = np.empty((n, n))
        for start in range(0, n, _CHUNK):
            stop = min(start + _CHUNK, n)
            best = np.full((stop - start, len(targets)), np.inf)
            for k in range(width):
                part = units[leave[start:stop, k]]
                table = np.where(part >= hierarchy.unreachable, np.inf, part / scale)
                np.minimum(best, table + leave_s[start:stop, k, None], out=best)
            out[start:stop] = np.minimum(
                best[:, via_tail] + self.arrive_tail_s, best[:, via_head] + self.arrive_head_s
            )
        return out

    def predecessors(self, i: int) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Distances and predecessors of one Dijkstra run from place i."""
        from scipy.sparse import csgraph

        dist, pred = csgraph.dijkstra(
            self.matrix, directed=True, indices=self.out_base + i, return_predecessors=True
        )
        return dist, pred

    def _piece(self, p: int, start: float, end: float) -> NDArray[np.float64]:
        """Coordinates along place p's edge between two fractions (reversed when end < start)."""
        from shapely.ops import substring

        line: LineString = self.graph.edges[self.edges[p]]["geometry"]
        piece = substring(line, start * line.length, end * line.length)
        if piece.is_empty:
            return np.empty((0, 2))
        return np.asarray(piece.coords)

    def path_xy(
        self, i: int, j: int, run: tuple[NDArray[np.float64], NDArray[np.int32]]
    ) -> NDArray[np.float64]:
        """Projected coordinates from place i to place j along the fastest streets."""
        dist, pred = run
        ti, tj = float(self.fractions[i]), float(self.fractions[j])
        via_tail = dist[self.arrive_tail[j]] + self.arrive_tail_s[j]
        via_head = dist[self.arrive_head[j]] + self.arrive_head_s[j]
        pieces: list[NDArray[np.float64]] = [self.xy[i : i + 1]]
        if (i, j) in self.direct and self.direct[i, j] <= min(via_tail, via_head):
            # the same street segment, no junction between
            tj_on_i = tj if self.edges[i] == self.edges[j] else 1.0 - tj
            pieces.append(self._piece(i, ti, tj_on_i))
        else:
            end = int(self.arrive_tail[j] if via_tail <= via_head else self.arrive_head[j])
            chain = [end]
            while chain[-1] != self.out_base + i:
                prev = int(pred[chain[-1]])
                if prev < 0:
                    msg = f"no street path from place {i} to place {j}"
                    raise AreaError(msg)
                chain.append(prev)
            chain.reverse()  # out_i, first junction, ..., end junction
            u, v, _ = self.edges[i]
            pieces.append(self._piece(i, ti, 1.0 if chain[1] == self.index[v] else 0.0))
            for a, b in itertools.pairwise(chain[1:]):
                edge = self.best[a, b][1]
                pieces.append(np.asarray(self.graph.edges[edge]["geometry"].coords))
            u, v, _ = self.edges[j]
            pieces.append(self._piece(j, 0.0 if end == self.index[u] else 1.0, tj))
        pieces.append(self.xy[j : j + 1])
        return np.vstack([p for p in pieces if len(p)])


def _check_points(lonlat: NDArray[np.float64], labels: Sequence[str] | None) -> None:
    bad: list[str] = []
    for k, (lon, lat) in enumerate(lonlat):
        if np.isfinite([lon, lat]).all() and -180 <= lon <= 180 and -90 <= lat <= 90:
            continue
        hint = ""
        if np.isfinite([lon, lat]).all() and -90 <= lon <= 90 and -180 <= lat <= 180:
            hint = ", latitude and longitude look swapped"
        bad.append(f"{_label(k, labels)} = ({lon}, {lat}){hint}")
    if bad:
        msg = (
            f"{len(bad)} place(s) without valid (lon, lat) coordinates: {'; '.join(bad[:20])}; "
            "longitude comes first, in [-180, 180], latitude in [-90, 90]"
        )
        exc = AreaError(msg)
        exc.message_vi = f"{len(bad)} địa điểm có tọa độ không hợp lệ (kinh độ, vĩ độ)"
        raise exc


def _label(k: int, labels: Sequence[str] | None) -> str:
    return f"{labels[k]!r} (row {k})" if labels is not None else f"row {k}"


def travel_times(
    area: Area,
    lonlat: ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    settings: Settings | None = None,
    progress: bool = False,
) -> TravelTimes:
    """Travel times between places of an area, along its street graph.

    Parameters
    ----------
    area
        The loaded area (``geodata.area.load_area``); its ``graph`` carries ``travel_s``.
    lonlat
        ``(n, 2)`` places as WGS84 ``(lon, lat)``, e.g.
        ``facilities[["lon", "lat"]].to_numpy()``.
    labels
        Names of the places, used in error messages (facility ids or names).
    settings
        ``network.snap_speed_kmh`` and ``network.max_snap_m``.
    progress
        Show a progress bar on stderr (for the command line).

    Returns
    -------
    TravelTimes
        ``travel_s`` (n x n int64 seconds), ``snap_m``, ``path(i, j)``, ``route_path(seq)``.

    Raises
    ------
    AreaError
        When a place has no valid coordinates or lies farther than ``network.max_snap_m``
        from every street of the mode (each such place is named, with its distance).

    """
    import pyproj
    import shapely
    from shapely import STRtree

    settings = settings or Settings()
    points = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    if labels is not None and len(labels) != len(points):
        msg = f"labels: {len(labels)} names for {len(points)} places; give one name per place"
        raise ValueError(msg)
    _check_points(points, labels)
    graph = area.graph
    to_xy = pyproj.Transformer.from_crs("EPSG:4326", graph.graph["crs"], always_xy=True)
    x, y = to_xy.transform(points[:, 0], points[:, 1])
    xy = np.column_stack([x, y]) if len(points) else np.empty((0, 2))

    edge_keys = list(graph.edges(keys=True))
    geoms = [graph.edges[e]["geometry"] for e in edge_keys]
    tree = STRtree(geoms)
    pts = shapely.points(xy)
    nearest, dist_m = tree.query_nearest(pts, return_distance=True, all_matches=False)
    if len(points):
        order = np.argsort(nearest[0])
        edge_of = nearest[1][order]
        snap_m = np.asarray(dist_m)[order]
    else:
        edge_of, snap_m = np.empty(0, dtype=int), np.empty(0)
    too_far = np.flatnonzero(snap_m > settings.network.max_snap_m)
    if len(too_far):
        swapped = ""
        k0 = int(too_far[0])
        if 0 <= points[k0, 1] <= 180 and -90 <= points[k0, 0] <= 90:
            sx, sy = to_xy.transform(points[k0, 1], points[k0, 0])
            if tree.query_nearest(shapely.points(sx, sy), return_distance=True)[1][0] < (
                settings.network.max_snap_m
            ):
                swapped = " (its latitude and longitude look swapped)"
        names = "; ".join(f"{_label(int(k), labels)} at {snap_m[k]:.0f} m" for k in too_far[:20])
        msg = (
            f"{len(too_far)} place(s) lie farther than {settings.network.max_snap_m:.0f} m "
            f"(network.max_snap_m) from every {graph.graph.get('mode', '')} street of the area "
            f"{area.name!r}: {names}{swapped}; check their coordinates (lon, lat) or load an area "
            "that contains them"
        )
        exc = AreaError(msg)
        exc.message_vi = (
            f"{len(too_far)} địa điểm cách đường gần nhất quá {settings.network.max_snap_m:.0f} m "
            "(nằm ngoài địa bàn hoặc sai tọa độ): kiểm tra vĩ độ, kinh độ"
        )
        raise exc
    edges = [edge_keys[int(k)] for k in edge_of]
    fractions = np.array(
        [
            geoms[int(k)].project(pts[p], normalized=True) if geoms[int(k)].length > 0 else 0.0
            for p, k in enumerate(edge_of)
        ]
    )
    engine = _Engine(graph, xy, edges, fractions)
    method = _method(settings.network.matrix_method, len(points))
    log.info(
        "travel times: %d places on a graph of %d nodes (%s)", len(points), engine.n_graph, method
    )
    seconds = engine.distances(method=method, progress=progress)
    if not np.isfinite(seconds).all():
        i, j = map(int, np.argwhere(~np.isfinite(seconds))[0])
        msg = f"no street path from {_label(i, labels)} to {_label(j, labels)}"
        raise AreaError(msg)
    walk_mps = settings.network.snap_speed_kmh / 3.6
    total = seconds + (snap_m[:, None] + snap_m[None, :]) / walk_mps
    walks = _walks(xy, snap_m)
    walked = set()
    for (i, j), metres in walks.items():
        if metres / walk_mps < total[i, j]:
            total[i, j] = metres / walk_mps
            walked.add((i, j))
    np.fill_diagonal(total, 0.0)
    return TravelTimes(
        lonlat=points,
        travel_s=np.rint(total).astype(np.int64),
        snap_m=snap_m,
        snap_edge=edges,
        snap_fraction=fractions,
        walks=frozenset(walked),
        method=method,
        _engine=engine,
    )


def _method(setting: str, n_places: int) -> Method:
    """Choose the matrix method for ``network.matrix_method`` and this many places."""
    from geodata._hierarchy import hierarchy_available

    if setting == "dijkstra":
        return "dijkstra"
    if setting == "contraction_hierarchy":
        if not hierarchy_available():
            msg = (
                "network.matrix_method = 'contraction_hierarchy' needs the package pyroutingkit, "
                "which is not installed here (it has wheels for Linux x86-64): install it, or "
                "set network.matrix_method to 'auto' or 'dijkstra'"
            )
            exc = SettingsError(msg)
            exc.message_vi = (
                "network.matrix_method = 'contraction_hierarchy' cần gói pyroutingkit, máy này "
                "chưa cài: hãy cài gói đó hoặc đặt 'auto' / 'dijkstra'"
            )
            raise exc
        return "contraction_hierarchy"
    if n_places >= _HIERARCHY_MIN_PLACES and hierarchy_available():
        return "contraction_hierarchy"
    return "dijkstra"


def _walks(xy: NDArray[np.float64], snap_m: NDArray[np.float64]) -> dict[tuple[int, int], float]:
    """Pairs of places no farther apart than their walks to the street and back.

    Two doors off the same kerb (an ATM beside its bank, two records of one site): the patrol
    walks straight across rather than to the vehicle and round the block.
    """
    from scipy.spatial import cKDTree

    if len(xy) < 2:
        return {}
    radius = float(2 * snap_m.max())
    pairs = cKDTree(xy).query_pairs(r=radius, output_type="ndarray")
    if not len(pairs):
        return {}
    a, b = pairs[:, 0], pairs[:, 1]
    metres = np.hypot(*(xy[a] - xy[b]).T)
    near = metres <= snap_m[a] + snap_m[b]
    walks: dict[tuple[int, int], float] = {}
    for i, j, m in zip(a[near].tolist(), b[near].tolist(), metres[near].tolist(), strict=True):
        walks[i, j] = walks[j, i] = m
    return walks
