"""Scale benchmark: the engine against PyVRP on a real city's streets, 100 to 1,000 sites.

On the Nha Trang street graph (``tests/data/osm/nha-trang-roads.osm.bz2``, motorbike), N street
nodes drawn at random are the sites. Each has three visits, before, inside and after the
01:00-03:00 window (the window's worth three times the others, times the site's weight 1-10),
a 10-minute dwell and a one-hour gap between its visits; T teams leave one depot for a
22:00-05:00 shift. The engine (``patrol solve --workers W`` in a subprocess: its wall time
includes reading the problem and writing the plan) and PyVRP (prize-collecting VRPTW, each
visit a client; it knows no gap between the visits of a site, so it solves a looser problem
and its value is on the generous side) get the same time limit, one after the other.

Prints per run the values, engine / PyVRP, the engine's wall time against its limit and how its
search ended, whether the plan passes the independent checker, the engine's peak memory
(resident set of its process) and how many pairs of one site's visits PyVRP's plan starts
under the hour apart (value the night's rules do not allow); then the minimum ratio per size.

Run::

    .venv/bin/python bench/scale.py                              # N 100, 300, 1000; 10 s; 1 seed
    .venv/bin/python bench/scale.py --seeds 3 --limits 10,60      # the full comparison
    .venv/bin/python bench/scale.py --sizes 1000:30 --workers 1

The machine is shared: compare figures of one run, not across runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _checker import check_plan
from toptw import _plan_from_orders, run_patrol

ROOT = Path(__file__).parents[1]
EXTRACT = ROOT / "tests" / "data" / "osm" / "nha-trang-roads.osm.bz2"
SHIFT_S = 7 * 3600  # 22:00-05:00
WINDOW = (3 * 3600, 5 * 3600)  # 01:00-03:00
DWELL_S = 600
GAP_S = 3600


def street_times(sites: int, seed: int) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Travel seconds between a depot and ``sites`` random nodes of the Nha Trang graph."""
    import networkx as nx
    import pyproj
    from scipy import sparse
    from scipy.sparse import csgraph

    from geodata.area import load_area

    area = load_area(EXTRACT, mode="motorbike")
    graph = area.graph
    core = max(nx.strongly_connected_components(graph), key=len)
    nodes = sorted(core)
    at = {n: i for i, n in enumerate(nodes)}
    best: dict[tuple[int, int], float] = {}
    for u, v, t in graph.subgraph(nodes).edges(data="travel_s"):
        key = (at[u], at[v])
        best[key] = min(best.get(key, np.inf), float(t))
    rows, cols = zip(*best, strict=True)
    matrix = sparse.csr_matrix((list(best.values()), (rows, cols)), shape=(len(nodes),) * 2)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(nodes), size=sites + 1, replace=False)
    times = csgraph.dijkstra(matrix, directed=True, indices=chosen)[:, chosen]
    to_lonlat = pyproj.Transformer.from_crs(area.crs, "EPSG:4326", always_xy=True)
    places = [
        tuple(to_lonlat.transform(graph.nodes[nodes[k]]["x"], graph.nodes[nodes[k]]["y"]))
        for k in chosen
    ]
    return np.rint(times).astype(np.int64), places  # type: ignore[return-value]


def night(sites: int, teams: int, seed: int) -> dict[str, Any]:
    """Return a ``patrol-problem/1`` night: node 0 the depot, three visits per site."""
    travel, places = street_times(sites, seed)
    rng = np.random.default_rng(seed + 1)
    weight = rng.integers(1, 11, size=sites)
    a, b = WINDOW
    spans = [(0, a - DWELL_S, 1), (a, b - DWELL_S, 3), (b, SHIFT_S - DWELL_S, 1)]
    return {
        "format": "patrol-problem/1",
        "name": f"Nha Trang {sites} sites {teams} teams seed {seed}",
        "nodes": [{"id": f"n{k}", "lat": lat, "lon": lon} for k, (lon, lat) in enumerate(places)],
        "travel_s": travel.tolist(),
        "teams": [
            {"id": f"T{t + 1}", "start": 0, "end": 0, "shift": [0, SHIFT_S]} for t in range(teams)
        ],
        "sites": [
            {
                "id": f"s{k + 1}",
                "node": k + 1,
                "service_s": DWELL_S,
                "min_gap_s": GAP_S,
                "visits": [
                    {"earliest": lo, "latest": hi, "value": int(weight[k]) * worth}
                    for lo, hi, worth in spans
                ],
            }
            for k in range(sites)
        ],
        "time_limit_s": 10,
        "seed": seed,
    }


def as_single_visits(problem: dict[str, Any]) -> dict[str, Any]:
    """Return the night with each visit a site of its own (PyVRP's form: no gap rule)."""
    sites = [
        {
            "id": f"{s['id']}#{k}",
            "node": s["node"],
            "service_s": s["service_s"],
            "visits": [v],
        }
        for s in problem["sites"]
        for k, v in enumerate(s["visits"])
    ]
    return {**problem, "sites": sites}


def run_pyvrp(problem: dict[str, Any], seconds: float, seed: int) -> dict[str, Any]:
    """Prize-collecting VRPTW in PyVRP: one location per street node, one client per visit.

    ``problem`` has one visit per site (``as_single_visits``); prizes dominate distance as
    values do in the contract.
    """
    import pyvrp
    from pyvrp.stop import MaxRuntime

    travel = problem["travel_s"]
    big = len(problem["teams"]) * SHIFT_S + 1
    model = pyvrp.Model()
    places = [model.add_location(0, 0) for _ in problem["nodes"]]
    depot = model.add_depot(places[0], tw_early=0, tw_late=SHIFT_S)
    for site in problem["sites"]:
        v = site["visits"][0]
        model.add_client(
            places[site["node"]],
            service_duration=site["service_s"],
            tw_early=v["earliest"],
            tw_late=v["latest"],
            prize=int(v["value"] * big),
            required=False,
        )
    model.add_vehicle_type(
        num_available=len(problem["teams"]), start_depot=depot, end_depot=depot,
        tw_early=0, tw_late=SHIFT_S,
    )  # fmt: skip
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            model.add_edge(a, b, distance=travel[i][j], duration=travel[i][j])
    result = model.solve(MaxRuntime(seconds), seed=seed, display=False, collect_stats=False)
    orders = [[a.idx for a in route if a.is_client()] for route in result.best.routes()]
    return _plan_from_orders(problem, orders, problem["name"])


def gaps_broken(plan: dict[str, Any]) -> int:
    """Count pairs of one site's visits in a single-visit plan that start under the gap apart.

    PyVRP solves the night without the gap rule; its plans that break it collect value the
    night's rules do not allow, so the ratio is read with this count beside it.
    """
    starts: dict[str, list[int]] = {}
    for route in plan["routes"]:
        for stop in route["stops"]:
            starts.setdefault(stop["site"].split("#")[0], []).append(stop["start"])
    return sum(
        1
        for times in starts.values()
        for i, a in enumerate(times)
        for b in times[i + 1 :]
        if abs(a - b) < GAP_S
    )


def run_engine(
    problem: dict[str, Any], seconds: float, seed: int, workers: int
) -> tuple[dict[str, Any], float, int]:
    """Solve with ``patrol solve``; return the plan, the wall time and the peak RSS in MB."""
    with tempfile.TemporaryDirectory() as tmp:
        rss = Path(tmp) / "rss"
        plan, wall = run_patrol(
            problem, seconds, seed, workers, wrap=("/usr/bin/time", "-f", "%M", "-o", str(rss))
        )
        return plan, wall, int(rss.read_text().split()[-1]) // 1024


def main(argv: list[str] | None = None) -> None:
    """Run the comparison and print one line per run, then the minimum ratio per size."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100:3,300:10,1000:30", help="sites:teams, comma-separated")
    ap.add_argument("--limits", default="10", help="time limits in seconds, comma-separated")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="engine worker processes")
    args = ap.parse_args(argv)
    sizes = [tuple(int(x) for x in pair.split(":")) for pair in args.sizes.split(",")]
    limits = [float(x) for x in args.limits.split(",")]
    print(
        f"{'sites':>5} {'teams':>5} {'limit':>5} {'seed':>4} {'engine':>9} {'pyvrp':>9} "
        f"{'ratio':>6} {'wall s':>7} {'stopped':>8} {'valid':>5} {'rss MB':>6} {'gaps':>5}"
    )
    print("(gaps: pairs of one site's visits PyVRP starts under the hour apart)")
    worst: dict[tuple[int, int, float], float] = {}
    for sites, teams in sizes:
        for seed in range(1, args.seeds + 1):
            problem = night(sites, teams, seed)
            loose = as_single_visits(problem)
            for limit in limits:
                plan, wall, peak = run_engine(problem, limit, seed, args.workers)
                theirs = run_pyvrp(loose, limit, seed)
                ratio = plan["value"] / theirs["value"] if theirs["value"] else float("nan")
                key = (sites, teams, limit)
                worst[key] = min(worst.get(key, np.inf), ratio)
                stopped = plan.get("search", {}).get("stopped_by", "")
                valid = "yes" if not check_plan(problem, plan) else "NO"
                print(
                    f"{sites:>5} {teams:>5} {limit:>5.0f} {seed:>4} {plan['value']:>9.0f} "
                    f"{theirs['value']:>9.0f} {ratio:>6.3f} {wall:>7.1f} {stopped:>8} "
                    f"{valid:>5} {peak:>6} {gaps_broken(theirs):>5}",
                    flush=True,
                )
    for (sites, teams, limit), ratio in worst.items():
        print(f"minimum engine / PyVRP, {sites} sites, {teams} teams, {limit:.0f} s: {ratio:.3f}")


if __name__ == "__main__":
    main()
