"""The street graph a patrol can use, for one travel mode, from a parsed OSM file.

A raw export turns into a graph in four steps, each counted in the ``NetworkReport``:

1. keep the ``highway=*`` ways the mode may use (``way_usable``: the highway class must have a
   night speed for the mode in ``settings.network.speeds_kmh``, access tags must not forbid it,
   sidewalks and crossings are walked, not ridden; see ``docs/network.md``);
2. cut them into directed edges, one way only where ``oneway`` says so for the mode
   (``oneway_direction``), with ``length_m`` (geodesic, WGS84) and ``travel_s`` (at the class's
   night speed, capped by ``maxspeed``), nodes projected to the area's UTM zone (or
   ``settings.area.crs``);
3. keep the largest strongly connected part, so that every node can reach every other and back
   (a closed-loop patrol needs both);
4. merge chains of degree-2 nodes into single edges (the endpoint rule of ``osmnx.simplify_graph``,
   on arrays), each with the street ``geometry`` it follows; ``highway`` and ``name`` stay strings.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from patrolbase.crs import projected_crs
from patrolbase.errors import AreaError
from patrolbase.settings import Settings, TravelMode

if TYPE_CHECKING:
    import networkx as nx
    from numpy.typing import NDArray

    from geodata.osm import OsmData

__all__ = [
    "MODES",
    "NetworkReport",
    "build_network",
    "oneway_direction",
    "way_usable",
]

log = logging.getLogger(__name__)

MODES: tuple[TravelMode, ...] = ("motorbike", "car", "foot")

# The most specific access key decides; ``access`` is the fallback for every mode.
_ACCESS_KEYS: dict[str, tuple[str, ...]] = {
    "motorbike": ("motorcycle", "motor_vehicle", "vehicle", "access"),
    "car": ("motorcar", "motor_vehicle", "vehicle", "access"),
    "foot": ("foot", "access"),
}
# Patrols are legitimate "destination" or "customers" traffic; they stay out of private,
# military and closed ways.
_DENIED = frozenset({"no", "private", "military", "agricultural", "forestry", "use_sidepath"})
_ONEWAY_KEYS: dict[str, tuple[str, ...]] = {
    "motorbike": ("oneway:motorcycle", "oneway:motor_vehicle", "oneway:vehicle", "oneway"),
    "car": ("oneway:motorcar", "oneway:motor_vehicle", "oneway:vehicle", "oneway"),
    "foot": ("oneway:foot",),
}
_FORWARD = frozenset({"yes", "true", "1"})
_BACKWARD = frozenset({"-1", "reverse"})
# Footways drawn beside a road or across it: a rider uses the road itself.
_WALK_ONLY_FOOTWAYS = frozenset({"sidewalk", "crossing"})
# Importance of classes, to name a merged edge after its most important part.
_RANK = (
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "road",
    "living_street",
    "service",
    "alley",
    "track",
    "pedestrian",
    "footway",
    "path",
    "cycleway",
    "steps",
)
_MAXSPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph)?")


@dataclass(frozen=True)
class NetworkReport:
    """What the loader kept and dropped, so a user sees what became of the file.

    ``ways_dropped`` counts ways by reason: ``not_a_street`` (no ``highway`` tag: buildings,
    land use, boundaries), ``class_not_for_mode`` (a class without a speed for the mode, e.g.
    ``motorway`` for motorbikes, ``steps`` for vehicles, ``construction``), ``access`` (access
    tags forbid the mode), ``sidewalk_or_crossing`` (vehicles only), ``area`` (``area=yes``
    plazas), ``too_short`` (fewer than two nodes inside the file). Nodes and edges "dropped by
    filtering" are the file's nodes on no kept way and the segments of dropped street ways;
    "dropped by connectivity" are those outside the largest strongly connected part.
    ``nodes``/``edges`` are the final graph's, after merging degree-2 chains.
    """

    mode: str
    crs: str
    ways_total: int
    ways_kept: int
    ways_dropped: dict[str, int]
    nodes_dropped_filter: int
    edges_dropped_filter: int
    nodes_before_connectivity: int
    edges_before_connectivity: int
    nodes_dropped_connectivity: int
    edges_dropped_connectivity: int
    nodes: int
    edges: int
    oneway_edges: int
    missing_refs: int = 0
    highway_km: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready values."""
        return asdict(self)


def _first(value: str) -> str:
    """First value of a ``;``-separated tag (``residential;service`` -> ``residential``)."""
    return value.split(";", 1)[0].strip()


def way_usable(
    tags: Mapping[str, str], *, mode: TravelMode, speeds_kmh: Mapping[str, float]
) -> str | None:
    """Why a way cannot be used by ``mode``, or ``None`` when it can.

    Parameters
    ----------
    tags
        The way's OSM tags.
    mode
        ``motorbike``, ``car`` or ``foot``.
    speeds_kmh
        The mode's night speed per highway class: a class without a speed is not used.

    Returns
    -------
    str or None
        A reason as counted in ``NetworkReport.ways_dropped``, or ``None``.

    Examples
    --------
    >>> speeds = Settings().network.speeds_kmh["motorbike"]
    >>> way_usable({"highway": "footway", "motor_vehicle": "no", "motorcycle": "yes"},
    ...            mode="motorbike", speeds_kmh=speeds) is None
    True
    >>> way_usable({"highway": "motorway"}, mode="motorbike", speeds_kmh=speeds)
    'class_not_for_mode'

    """
    highway = _first(tags.get("highway", ""))
    if not highway:
        return "not_a_street"
    if highway not in speeds_kmh:
        return "class_not_for_mode"
    if tags.get("area") == "yes":
        return "area"
    if (
        mode != "foot"
        and highway in {"footway", "path"}
        and (tags.get("footway") in _WALK_ONLY_FOOTWAYS)
    ):
        return "sidewalk_or_crossing"
    for key in _ACCESS_KEYS[mode]:
        value = _first(tags.get(key, ""))
        if value:
            return "access" if value in _DENIED else None
    return None


def oneway_direction(tags: Mapping[str, str], *, mode: TravelMode) -> int:
    """Direction a mode may travel a way: ``1`` along its nodes, ``-1`` against, ``0`` both.

    The most specific key decides (``oneway:motorcycle`` before ``oneway``); roundabouts and
    motorways are one-way unless tagged otherwise; people on foot ignore ``oneway`` (only
    ``oneway:foot`` binds them). ``reversible``/``alternating`` ways count as two-way.

    >>> oneway_direction({"oneway": "yes", "oneway:motorcycle": "no"}, mode="motorbike")
    0
    >>> oneway_direction({"oneway": "-1"}, mode="car")
    -1
    """
    for key in _ONEWAY_KEYS[mode]:
        value = tags.get(key, "").strip().lower()
        if value in _FORWARD:
            return 1
        if value in _BACKWARD:
            return -1
        if value:
            return 0
    if mode != "foot" and (
        tags.get("junction") in {"roundabout", "circular"}
        or _first(tags.get("highway", "")) == "motorway"
    ):
        return 1
    return 0


def _maxspeed_kmh(tags: Mapping[str, str]) -> float | None:
    match = _MAXSPEED.match(tags.get("maxspeed", ""))
    if not match:
        return None
    value = float(match[1]) * (1.609344 if match[2] else 1.0)
    return value if value > 0 else None  # 0 means "unknown" in some shapefile-built extracts


def _geodesic_m(
    lon1: NDArray[np.float64],
    lat1: NDArray[np.float64],
    lon2: NDArray[np.float64],
    lat2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Metres between points on the WGS84 ellipsoid (a sphere errs by up to 0.5 % here)."""
    import pyproj

    _, _, metres = pyproj.Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres, dtype=float)


def build_network(
    data: OsmData, *, mode: TravelMode | None = None, settings: Settings | None = None
) -> tuple[nx.MultiDiGraph, NetworkReport]:
    """Build the street graph of ``data`` for a travel mode.

    Parameters
    ----------
    data
        A parsed OSM file (``geodata.osm.read_osm``).
    mode
        ``motorbike``, ``car`` or ``foot``; ``None`` uses ``settings.network.default_mode``.
    settings
        Speeds, CRS.

    Returns
    -------
    graph : networkx.MultiDiGraph
        Projected (``graph.graph["crs"]``); nodes carry ``x``, ``y`` (metres) and ``lon``,
        ``lat``; edges carry ``osmid``, ``highway`` (str), ``name`` (str), ``oneway`` (bool),
        ``length_m``, ``travel_s`` (float seconds), ``speed_kmh`` and ``geometry`` (a projected
        LineString along the street).
    report : NetworkReport
        What was kept and dropped.

    Raises
    ------
    AreaError
        When no street of the file is usable by the mode.

    """
    import networkx as nx
    import pyproj
    from scipy import sparse
    from scipy.sparse import csgraph
    from shapely.geometry import LineString

    settings = settings or Settings()
    mode = mode or settings.network.default_mode
    if mode not in MODES:
        msg = f"travel mode {mode!r} is unknown; use one of {', '.join(MODES)}"
        raise AreaError(msg)
    speeds = settings.network.speeds_kmh.get(mode, {})
    crs = projected_crs(data.bounds, configured=settings.area.crs)

    dropped: Counter[str] = Counter()
    segments_dropped = 0
    us: list[int] = []
    vs: list[int] = []
    kmh: list[float] = []
    attrs: list[tuple[int, str, str, bool, bool]] = []  # osmid, highway, name, oneway, reversed
    used_nodes: set[int] = set()
    kept = 0
    for way in data.ways:
        reason = way_usable(way.tags, mode=mode, speeds_kmh=speeds)
        refs = [r for r in way.refs if r in data.coords]
        if reason is None and len(refs) < 2:
            reason = "too_short"
        if reason is not None:
            dropped[reason] += 1
            if reason != "not_a_street":
                segments_dropped += max(len(way.refs) - 1, 0)
            continue
        kept += 1
        highway = _first(way.tags["highway"])
        speed = speeds[highway]
        cap = _maxspeed_kmh(way.tags)
        speed = min(speed, cap) if cap else speed
        name = way.tags.get("name", "")
        direction = oneway_direction(way.tags, mode=mode)
        used_nodes.update(refs)
        for a, b in itertools.pairwise(refs):
            if a == b:
                continue
            for tail, head, against in ((a, b, False), (b, a, True)):
                if (direction <= 0) if against else (direction >= 0):
                    us.append(tail)
                    vs.append(head)
                    kmh.append(speed)
                    attrs.append((way.id, highway, name, direction != 0, against))
    if not us:
        msg = (
            f"{data.source}: no street usable by {mode} ({kept} street ways kept of "
            f"{len(data.ways)} ways; dropped: {dict(dropped) or 'none'}); load an export that "
            "covers the ward's streets, or choose another mode (--mode foot)"
        )
        exc = AreaError(msg)
        exc.message_vi = (
            f"{data.source}: không có đường nào đi được bằng phương tiện '{mode}'; hãy dùng tệp "
            "bản đồ có đường phố của phường, hoặc chọn phương tiện khác"
        )
        raise exc

    # Project every used node at once, then measure segments on the sphere.
    node_ids = np.fromiter(used_nodes, dtype=np.int64, count=len(used_nodes))
    lonlat = np.array([data.coords[n] for n in node_ids])
    to_xy = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    xs, ys = to_xy.transform(lonlat[:, 0], lonlat[:, 1])
    where = {int(n): i for i, n in enumerate(node_ids)}
    ui = np.fromiter((where[u] for u in us), dtype=np.int64, count=len(us))
    vi = np.fromiter((where[v] for v in vs), dtype=np.int64, count=len(vs))
    length_m = _geodesic_m(lonlat[ui, 0], lonlat[ui, 1], lonlat[vi, 0], lonlat[vi, 1])
    travel_s = length_m / (np.asarray(kmh) / 3.6)
    nodes_built, edges_built = len(node_ids), len(us)

    # Largest strongly connected part, on arrays (networkx subgraph copies are slow on a city).
    n = len(node_ids)
    adjacency = sparse.csr_matrix((np.ones(len(ui)), (ui, vi)), shape=(n, n))
    _, labels = csgraph.connected_components(adjacency, directed=True, connection="strong")
    biggest = np.bincount(labels).argmax()
    in_part = labels == biggest
    nodes_scc = int(in_part.sum())
    if nodes_scc < 2:
        msg = (
            f"{data.source}: the {mode} streets do not connect (no two places reach each other "
            "both ways); load an export that covers a whole ward"
        )
        raise AreaError(msg)
    keep = np.flatnonzero(in_part[ui] & in_part[vi])
    edges_scc = len(keep)
    log.info(
        "%s: %d of %d nodes in the largest strongly connected part",
        data.source,
        nodes_scc,
        nodes_built,
    )

    chains = _merge_chains(n, ui[keep], vi[keep])
    graph = nx.MultiDiGraph(crs=crs, mode=mode, source=data.source, simplified=True)
    ends = {int(ui[keep[c[0]]]) for c in chains} | {int(vi[keep[c[-1]]]) for c in chains}
    graph.add_nodes_from(
        (
            int(node_ids[i]),
            {
                "x": float(xs[i]),
                "y": float(ys[i]),
                "lon": float(lonlat[i, 0]),
                "lat": float(lonlat[i, 1]),
            },
        )
        for i in sorted(ends)
    )
    rank = {c: i for i, c in enumerate(_RANK)}
    for chain in chains:
        idx = keep[chain]
        path = [int(ui[idx[0]]), *(int(v) for v in vi[idx])]
        parts = [attrs[i] for i in idx]
        total_m, total_s = float(length_m[idx].sum()), float(travel_s[idx].sum())
        osmids = sorted({p[0] for p in parts})
        graph.add_edge(
            int(node_ids[path[0]]),
            int(node_ids[path[-1]]),
            osmid=osmids[0] if len(osmids) == 1 else osmids,
            highway=min((p[1] for p in parts), key=lambda c: rank.get(c, len(rank))),
            name=" / ".join(sorted({p[2] for p in parts if p[2]})),
            oneway=any(p[3] for p in parts),
            length_m=total_m,
            travel_s=total_s,
            speed_kmh=total_m / total_s * 3.6 if total_s > 0 else math.nan,
            geometry=LineString(np.column_stack([xs[path], ys[path]])),
        )

    km: Counter[str] = Counter()
    for _, _, d in graph.edges(data=True):
        km[d["highway"]] += d["length_m"] / 1000.0
    report = NetworkReport(
        mode=mode,
        crs=crs,
        ways_total=len(data.ways),
        ways_kept=kept,
        ways_dropped=dict(sorted(dropped.items())),
        nodes_dropped_filter=len(data.coords) - nodes_built,
        edges_dropped_filter=segments_dropped,
        nodes_before_connectivity=nodes_built,
        edges_before_connectivity=edges_built,
        nodes_dropped_connectivity=nodes_built - nodes_scc,
        edges_dropped_connectivity=edges_built - edges_scc,
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        oneway_edges=sum(1 for _, _, o in graph.edges(data="oneway") if o),
        missing_refs=data.missing_refs,
        highway_km={k: round(v, 2) for k, v in sorted(km.items())},
    )
    return graph, report


def _merge_chains(n_nodes: int, eu: np.ndarray, ev: np.ndarray) -> list[list[int]]:
    """Group edges into chains through degree-2 nodes, the endpoint rule of osmnx.

    A node ends a chain when it loops on itself, has no way in or out, or does not have exactly
    two neighbours with two or four edges (so one-way/two-way changes and junctions stay).
    Returns lists of edge positions, each chain in travel order.
    """
    out_edges: list[list[int]] = [[] for _ in range(n_nodes)]
    neighbours: list[set[int]] = [set() for _ in range(n_nodes)]
    for i, (a, b) in enumerate(zip(eu.tolist(), ev.tolist(), strict=True)):
        out_edges[a].append(i)
        neighbours[a].add(b)
        neighbours[b].add(a)
    deg_out = np.bincount(eu, minlength=n_nodes).tolist()
    deg_in = np.bincount(ev, minlength=n_nodes).tolist()
    endpoint = [
        node in neighbours[node]
        or deg_out[node] == 0
        or deg_in[node] == 0
        or not (len(neighbours[node]) == 2 and deg_out[node] + deg_in[node] in (2, 4))
        for node in range(n_nodes)
    ]
    targets = ev.tolist()
    used = [False] * len(targets)
    chains: list[list[int]] = []

    def walk(start: int, first: int) -> list[int]:
        chain, prev, cur = [first], start, targets[first]
        used[first] = True
        while not endpoint[cur]:
            options = [e for e in out_edges[cur] if not used[e]]
            if not options:
                break
            ahead = [e for e in options if targets[e] != prev] or options
            prev, nxt = cur, ahead[0]
            used[nxt] = True
            chain.append(nxt)
            cur = targets[nxt]
        return chain

    for node in range(n_nodes):
        if endpoint[node]:
            for e in out_edges[node]:
                if not used[e]:
                    chains.append(walk(node, e))
    # Rings made only of degree-2 nodes: cut each at one of its nodes.
    for e in range(len(targets)):
        if not used[e]:
            start = int(eu[e])
            endpoint[start] = True
            chains.append(walk(start, e))
    return chains
