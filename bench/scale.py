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
under the hour apart (value the night's rules do not allow); then the minimum ratio per size
and per limit.

Two ratios, both printed: ``ratio`` against PyVRP's raw value (its looser night, the most its
routes are worth) and ``ratio ok`` against the same plan made valid under the gap rule
(``within_gap``: at each site the most valuable visits an hour apart are kept, the others
dropped with their value; the repaired plan passes the checker, so its value is the one the
night's rules allow PyVRP's routes at least). The engine's target is the second; the first
says how much of the difference is the looser rule.

``--baseline REV`` also runs ``patrol solve`` of an earlier revision (a temporary git worktree)
on every night, right after this tree's, against the same PyVRP plan: before and after in one
run, on a machine whose load changes from run to run.

Run::

    .venv/bin/python bench/scale.py                              # N 100, 300, 1000; 10 s; 1 seed
    .venv/bin/python bench/scale.py --seeds 3 --limits 10,60      # the full comparison
    .venv/bin/python bench/scale.py --sizes 1000:30 --workers 1
    .venv/bin/python bench/scale.py --limits 60 --workers 1 --baseline main   # before/after

The machine is shared: compare figures of one run, not across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import subprocess
import sys
import tempfile
from collections.abc import Iterator
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


def within_gap(problem: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    """PyVRP's single-visit ``plan`` as the night's rules allow it, a plan of ``problem``.

    At each site, of the visits the plan serves, the most valuable set whose starts are all at
    least the site's gap apart is kept (every subset is tried, at most three visits; on equal
    value the earlier starts); the others are dropped and lose their value. The kept stops keep
    their start times: a team waits where a dropped stop was (the direct leg, a shortest path,
    is no longer than the detour and the dropped stop's 10 minutes). So the plan passes
    ``check_plan`` with the gap rule (if PyVRP's own plan kept every window and the shift's end)
    and its value is the checker's. Starting a visit later to
    make room might keep a little more: this value is what PyVRP's routes keep at least, the raw
    value the most.
    """
    sites = {s["id"]: s for s in problem["sites"]}
    served: dict[str, list[tuple[int, int]]] = {}
    for route in plan["routes"]:
        for stop in route["stops"]:
            site, _, visit = stop["site"].partition("#")
            served.setdefault(site, []).append((stop["start"], int(visit)))
    kept: set[tuple[str, int]] = set()
    for site, visits in served.items():
        gap = sites[site].get("min_gap_s") or 0
        values = sites[site]["visits"]
        allowed = (
            combo
            for n in range(len(visits), 0, -1)
            for combo in itertools.combinations(sorted(visits), n)
            if all(b[0] - a[0] >= gap for a, b in itertools.pairwise(combo))
        )
        best = max(allowed, key=lambda combo: sum(values[k]["value"] for _, k in combo))
        kept.update((site, k) for _, k in best)
    travel = problem["travel_s"]
    teams = {t["id"]: t for t in problem["teams"]}
    routes, value, total = [], 0.0, 0
    for route in plan["routes"]:
        team = teams[route["team"]]
        here, clock, driven, stops = team["start"], route["depart"], 0, []
        for stop in route["stops"]:
            site, _, visit = stop["site"].partition("#")
            if (site, int(visit)) not in kept:
                continue
            leg = travel[here][stop["node"]]
            begin = max(clock + leg, stop["start"])
            stops.append(
                {
                    "site": site,
                    "visit": int(visit),
                    "node": stop["node"],
                    "arrive": clock + leg,
                    "start": begin,
                    "depart": begin + sites[site]["service_s"],
                }
            )
            value += sites[site]["visits"][int(visit)]["value"]
            driven += leg
            here, clock = stop["node"], begin + sites[site]["service_s"]
        if not stops:
            continue
        leg = travel[here][team["end"]]
        driven += leg
        total += driven
        routes.append(
            {
                "team": team["id"],
                "depart": route["depart"],
                "return": clock + leg,
                "travel_s": driven,
                "stops": stops,
            }
        )
    unserved = [
        {"site": s["id"], "visit": k}
        for s in problem["sites"]
        for k in range(len(s["visits"]))
        if (s["id"], k) not in kept
    ]
    return {
        "format": "patrol-plan/1",
        "problem": problem["name"],
        "value": value,
        "travel_s": total,
        "routes": routes,
        "unserved": unserved,
    }


def run_engine(
    problem: dict[str, Any], seconds: float, seed: int, workers: int, root: Path = ROOT
) -> tuple[dict[str, Any], float, int]:
    """Solve with ``patrol solve`` of the tree ``root``; return plan, wall time, peak RSS in MB."""
    with tempfile.TemporaryDirectory() as tmp:
        rss = Path(tmp) / "rss"
        plan, wall = run_patrol(
            problem,
            seconds,
            seed,
            workers,
            wrap=("/usr/bin/time", "-f", "%M", "-o", str(rss)),
            root=root,
        )
        return plan, wall, int(rss.read_text().split()[-1]) // 1024


@contextlib.contextmanager
def checkout(revision: str | None) -> Iterator[Path | None]:
    """Check ``revision`` out into a temporary git worktree, kernels compiled (``None``: none)."""
    if revision is None:
        yield None
        return
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(tree), revision],
            cwd=ROOT, check=True,
        )  # fmt: skip
        try:
            # Compiled once here, so the baseline's first solve does not compile on its clock.
            warm = "from routing._kernel import warm_up; warm_up()"
            subprocess.run([sys.executable, "-c", warm], cwd=tree, check=True)
            yield tree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)


def _ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("nan")


def main(argv: list[str] | None = None) -> None:
    """Run the comparison and print one line per run, then the minimum ratios per size and limit."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100:3,300:10,1000:30", help="sites:teams, comma-separated")
    ap.add_argument("--limits", default="10", help="time limits in seconds, comma-separated")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="engine worker processes")
    ap.add_argument("--baseline", help="git revision whose engine also runs (before/after)")
    args = ap.parse_args(argv)
    sizes = [tuple(int(x) for x in pair.split(":")) for pair in args.sizes.split(",")]
    limits = [float(x) for x in args.limits.split(",")]
    engines = ["engine"] + (["baseline"] if args.baseline else [])
    with checkout(args.baseline) as old:
        trees = {"engine": ROOT, "baseline": old}
        print(
            f"{'sites':>5} {'teams':>5} {'limit':>5} {'seed':>4} {'pyvrp':>9} {'pyvrp ok':>9} "
            f"{'valid':>5} {'gaps':>5}  {'engine':>9} {'ratio':>6} {'ratio ok':>8} {'wall s':>7} "
            f"{'stopped':>8} {'valid':>5} {'rss MB':>6}"
        )
        print(
            "(gaps: pairs of one site's visits PyVRP starts under the hour apart; pyvrp ok: its "
            "plan made valid under the gap rule, checked (valid, NO when PyVRP's own plan missed "
            "a window or the shift's end); ratio ok: engine / pyvrp ok)"
        )
        if args.baseline:
            print(f"(second line of each run: the engine of {args.baseline})")
        worst: dict[tuple[str, int, int, float], tuple[float, float]] = {}
        for sites, teams in sizes:
            for seed in range(1, args.seeds + 1):
                problem = night(sites, teams, seed)
                loose = as_single_visits(problem)
                for limit in limits:
                    runs = {
                        name: run_engine(problem, limit, seed, args.workers, trees[name])
                        for name in engines
                    }
                    theirs = run_pyvrp(loose, limit, seed)
                    fair = within_gap(problem, theirs)
                    checked = "yes" if not check_plan(problem, fair) else "NO"
                    head = (
                        f"{sites:>5} {teams:>5} {limit:>5.0f} {seed:>4} {theirs['value']:>9.0f} "
                        f"{fair['value']:>9.0f} {checked:>5} {gaps_broken(theirs):>5}"
                    )
                    for name, (plan, wall, peak) in runs.items():
                        raw = _ratio(plan["value"], theirs["value"])
                        ok = _ratio(plan["value"], fair["value"])
                        key = (name, sites, teams, limit)
                        low = worst.get(key, (np.inf, np.inf))
                        worst[key] = (min(low[0], raw), min(low[1], ok))
                        stopped = plan.get("search", {}).get("stopped_by", "")
                        valid = "yes" if not check_plan(problem, plan) else "NO"
                        print(
                            f"{head}  {plan['value']:>9.0f} {raw:>6.3f} {ok:>8.3f} {wall:>7.1f} "
                            f"{stopped:>8} {valid:>5} {peak:>6}",
                            flush=True,
                        )
                        head = " " * len(head)
    for name in engines:
        label = "engine" if name == "engine" else f"engine of {args.baseline}"
        for (who, sites, teams, limit), (raw, ok) in worst.items():
            if who == name:
                print(
                    f"minimum {label} / PyVRP, {sites} sites, {teams} teams, {limit:.0f} s: "
                    f"{raw:.3f} (raw), {ok:.3f} (PyVRP valid value)"
                )
        for limit in limits:
            raw = min(r for (who, *_, at), (r, _) in worst.items() if who == name and at == limit)
            ok = min(o for (who, *_, at), (_, o) in worst.items() if who == name and at == limit)
            print(
                f"minimum {label} / PyVRP at {limit:.0f} s, every night: {raw:.3f} (raw), "
                f"{ok:.3f} (PyVRP valid value)"
            )


if __name__ == "__main__":
    main()
