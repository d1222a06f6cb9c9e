"""Benchmark: loading a city network and a many-to-many travel-time matrix.

Measures, in one run on the same graph:

1. the time to load ``tests/data/osm/nha-trang-roads.osm.bz2`` (about 24,000 directed edges
   once loaded) with ``geodata.area.load_area``;
2. the time of ``geodata.travel.travel_times`` for an N x N matrix (default 2,000 places spread
   over the city's streets, snapping and path bookkeeping included; target < 10 s), by each
   ``network.matrix_method`` side by side: ``dijkstra`` (scipy, one run per place) and
   ``contraction_hierarchy`` (RoutingKit's CCH through pyroutingkit), the latter both on its
   first call (ordering the graph included) and with the graph's hierarchy kept, as the
   dashboard and the pipeline see it from the second matrix of an area on. The two methods run
   interleaved ``--repeat`` times and the fastest of each is kept (the machine is shared: read
   the ratios, not the seconds). The matrices are compared: they differ by at most a second in
   rare pairs (rounding);
3. networkx ``single_source_dijkstra_path_length`` from each source on the same graph. Running
   it from all N sources takes minutes, so by default it runs from a random sample of sources
   and the time is extrapolated to N (said so in the output; ``--nx-sources N`` runs them all).
   networkx gets only the node-to-node Dijkstra, no snapping: the comparison favours it. It is
   compared with the method ``auto`` picks for N places.

Prints each figure and the ratios (target >= 20x against networkx). Run::

    .venv/bin/python bench/bench_travel.py
    .venv/bin/python bench/bench_travel.py --places 500 --nx-sources 500   # all sources
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.area import load_area  # noqa: E402
from geodata.travel import TravelTimes, _method, travel_times  # noqa: E402
from patrolbase.settings import Settings  # noqa: E402

DEFAULT_OSM = ROOT / "tests" / "data" / "osm" / "nha-trang-roads.osm.bz2"


def _places(area: object, n: int, rng: np.random.Generator) -> np.ndarray:
    """N places along random streets, each up to 30 m off the street (a door, a kerb)."""
    graph = area.graph  # type: ignore[attr-defined]
    geoms = [g for *_, g in graph.edges(data="geometry")]
    lengths = np.array([g.length for g in geoms])
    picked = rng.choice(len(geoms), size=n, p=lengths / lengths.sum())
    xy = np.array(
        [geoms[k].interpolate(rng.uniform(0, 1), normalized=True).coords[0] for k in picked]
    )
    angle = rng.uniform(0, 2 * np.pi, n)
    offset = rng.uniform(0, 30, n)
    xy += np.column_stack([np.cos(angle) * offset, np.sin(angle) * offset])
    to_lonlat = Transformer.from_crs(graph.graph["crs"], "EPSG:4326", always_xy=True)
    lon, lat = to_lonlat.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--osm", type=Path, default=DEFAULT_OSM, help="OSM extract")
    parser.add_argument("--places", type=int, default=2000, help="matrix size N")
    parser.add_argument(
        "--nx-sources",
        type=int,
        default=100,
        help="networkx sources to time (extrapolated to N when fewer)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--repeat", type=int, default=2, help="interleaved runs of each method (fastest kept)"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    started, cpu = time.perf_counter(), time.process_time()
    area = load_area(args.osm)
    load_s, load_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    graph = area.graph
    print(
        f"area        {args.osm.name}: {graph.number_of_nodes():,} nodes, "
        f"{graph.number_of_edges():,} directed edges"
    )
    print(
        f"load        {load_s:8.2f} s  (parse, filter, graph, facilities); CPU {load_cpu_s:.2f} s"
    )

    lonlat = _places(area, args.places, rng)
    settings = {
        m: Settings().replace(network={"matrix_method": m})
        for m in ("dijkstra", "contraction_hierarchy")
    }

    def timed(method: str) -> tuple[TravelTimes, float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        result = travel_times(area, lonlat, settings=settings[method])
        return result, time.perf_counter() - started, time.process_time() - cpu

    # imports and first-use set-up (pyproj, scipy, shapely) outside the timed runs
    travel_times(area, lonlat[:10], settings=settings["dijkstra"])
    _, first_s, first_cpu_s = timed("contraction_hierarchy")  # orders the graph
    runs: dict[str, list[tuple[TravelTimes, float, float]]] = {"dijkstra": [], "kept": []}
    for _ in range(max(1, args.repeat)):
        runs["dijkstra"].append(timed("dijkstra"))
        runs["kept"].append(timed("contraction_hierarchy"))
    dijkstra, dij_s, _ = min(runs["dijkstra"], key=lambda r: r[1])
    dij_cpu_s = min(r[2] for r in runs["dijkstra"])
    kept, kept_s, _ = min(runs["kept"], key=lambda r: r[1])
    kept_cpu_s = min(r[2] for r in runs["kept"])
    assert dijkstra.travel_s.shape == (args.places, args.places)
    assert (dijkstra.method, kept.method) == ("dijkstra", "contraction_hierarchy")
    n, reps = args.places, max(1, args.repeat)
    for name, wall, cpu_s, note in (
        ("dijkstra", dij_s, dij_cpu_s, f"scipy csgraph, fastest of {reps}"),
        ("CH, first", first_s, first_cpu_s, "graph ordered in the call"),
        ("CH, kept", kept_s, kept_cpu_s, f"graph's hierarchy kept, fastest of {reps}"),
    ):
        target = "ok" if wall < 10 else "MISSED (target < 10 s)"
        print(
            f"matrix      {wall:8.2f} s  {n} x {n} {name}: {note}, snapping included; "
            f"CPU {cpu_s:.2f} s  [{target}]"
        )
    print(
        f"ratio       {dij_s / kept_s:8.1f} x  dijkstra / CH kept, wall clock; CPU "
        f"{dij_cpu_s / kept_cpu_s:.1f} x; dijkstra / CH first {dij_s / first_s:.1f} x"
    )
    differ = dijkstra.travel_s != kept.travel_s
    print(
        f"equal       {int(differ.sum()):8d}    of {differ.size:,} pairs differ between the "
        f"methods, by at most {int(np.abs(dijkstra.travel_s - kept.travel_s).max())} s"
    )
    ours = kept if _method("auto", n) == "contraction_hierarchy" else dijkstra
    ours_s, ours_cpu_s = (kept_s, kept_cpu_s) if ours is kept else (dij_s, dij_cpu_s)

    # networkx: from the junction each place leaves by, all-targets Dijkstra per source
    heads = [e[1] for e in ours.snap_edge]
    count = min(args.nx_sources, args.places)
    sample = rng.choice(args.places, size=count, replace=False)
    started, cpu = time.perf_counter(), time.process_time()
    for k in sample:
        nx.single_source_dijkstra_path_length(graph, heads[int(k)], weight="travel_s")
    nx_sample_s = time.perf_counter() - started
    nx_s = nx_sample_s * args.places / count
    nx_cpu_s = (time.process_time() - cpu) * args.places / count
    how = (
        f"measured from all {count} sources"
        if count == args.places
        else f"measured from {count} random sources ({nx_sample_s:.2f} s), extrapolated x"
        f"{args.places / count:g}"
    )
    print(
        f"networkx    {nx_s:8.2f} s  single_source_dijkstra_path_length from each of "
        f"{args.places} sources; {how}; CPU {nx_cpu_s:.2f} s"
    )
    ratio = nx_s / ours_s
    verdict = "ok" if ratio >= 20 else "MISSED (target >= 20x)"
    print(
        f"ratio       {ratio:8.1f} x  networkx / ours ({ours.method}, what auto picks), "
        f"wall clock  [{verdict}]"
    )
    print(
        f"ratio (CPU) {nx_cpu_s / ours_cpu_s:8.1f} x  networkx / ours, process CPU time "
        "(steadier when other jobs share the machine)"
    )
    print(
        json.dumps(
            {
                "osm": args.osm.name,
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
                "load_s": round(load_s, 3),
                "load_cpu_s": round(load_cpu_s, 3),
                "places": args.places,
                "matrix_s": round(ours_s, 3),
                "matrix_cpu_s": round(ours_cpu_s, 3),
                "matrix_method": ours.method,
                "dijkstra_s": round(dij_s, 3),
                "dijkstra_cpu_s": round(dij_cpu_s, 3),
                "hierarchy_first_s": round(first_s, 3),
                "hierarchy_kept_s": round(kept_s, 3),
                "hierarchy_kept_cpu_s": round(kept_cpu_s, 3),
                "ratio_dijkstra_to_hierarchy": round(dij_s / kept_s, 1),
                "pairs_differing": int(differ.sum()),
                "networkx_cpu_s": round(nx_cpu_s, 3),
                "networkx_s": round(nx_s, 3),
                "networkx_sources_timed": count,
                "networkx_extrapolated": count != args.places,
                "ratio": round(ratio, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
