"""TOPTW benchmark: ``patrol solve`` against the best known scores, PyVRP and VROOM side by side.

Every instance pair (instance, number of teams m) is converted to ``patrol-problem/1``
(``bench/_toptw_io.py``), solved by the ``patrol solve`` command in a subprocess, by PyVRP
(prize-collecting VRPTW) and by VROOM (job priorities) on the same integer matrix, and every
plan is checked by ``bench/_checker.py``, which shares no code with the solver. The table prints
each score as a ratio to the best known one.

Run (defaults: 10 representative pairs, 10 s each)::

    .venv/bin/python bench/toptw.py            # 10 pairs at 10 s
    .venv/bin/python bench/toptw.py --long     # 30 s
    .venv/bin/python bench/toptw.py --all      # all 156 pairs
    .venv/bin/python bench/toptw.py --pairs c101:1,pr05:3 --no-vroom

PyVRP and VROOM are benchmark-only dependencies (``pip install .[bench]``); the routing package
never imports them. The solvers run one after another, never at the same time; the machine may
be shared with other work, which slows every solver alike but makes absolute times noisy.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _checker import check_plan
from _toptw_io import best_known, to_problem

ROOT = Path(__file__).parents[1]
DEFAULT_PAIRS = [
    ("c105", 2), ("c108", 4), ("r103", 1), ("r106", 3), ("r112", 2),
    ("rc103", 1), ("rc107", 4), ("pr03", 2), ("pr08", 3), ("pr10", 1),
]  # fmt: skip


def _plan_from_orders(
    problem: dict[str, Any], orders: list[list[int]], name: str
) -> dict[str, Any]:
    """Build a plan document from site indices per team, starting each stop as early as possible."""
    travel = problem["travel_s"]
    routes = []
    served: set[int] = set()
    value = 0.0
    total = 0
    for team, order in zip(problem["teams"], orders, strict=False):
        if not order:
            continue
        here, clock, driven, stops = team["start"], team["shift"][0], 0, []
        for s in order:
            site = problem["sites"][s]
            leg = travel[here][site["node"]]
            arrive = clock + leg
            begin = max(arrive, site["visits"][0]["earliest"])
            stops.append(
                {
                    "site": site["id"],
                    "visit": 0,
                    "node": site["node"],
                    "arrive": arrive,
                    "start": begin,
                    "depart": begin + site["service_s"],
                }
            )
            driven += leg
            here, clock = site["node"], begin + site["service_s"]
            served.add(s)
            value += site["visits"][0]["value"]
        leg = travel[here][team["end"]]
        driven += leg
        total += driven
        routes.append(
            {
                "team": team["id"],
                "depart": team["shift"][0],
                "return": clock + leg,
                "travel_s": driven,
                "stops": stops,
            }
        )
    unserved = [
        {"site": s["id"], "visit": 0} for i, s in enumerate(problem["sites"]) if i not in served
    ]
    return {
        "format": "patrol-plan/1",
        "problem": name,
        "value": value,
        "travel_s": total,
        "routes": routes,
        "unserved": unserved,
    }


def run_patrol(
    problem: dict[str, Any],
    seconds: float,
    seed: int,
    workers: int = 2,
    *,
    wrap: Sequence[str] = (),
    root: Path = ROOT,
) -> tuple[dict[str, Any], float]:
    """Solve with the ``patrol solve`` command; return the plan and the wall time.

    ``wrap``: a command the solver runs under (``/usr/bin/time -f %M -o FILE`` for its memory).
    ``root``: the source tree whose ``patrol`` runs (another revision's checkout to compare).
    """
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "problem.json", Path(tmp) / "plan.json"
        src.write_text(json.dumps(problem))
        began = time.monotonic()
        done = subprocess.run(
            [
                *wrap,
                sys.executable,
                "-m",
                "patrol",
                "solve",
                str(src),
                "--time-limit",
                str(seconds),
                "--seed",
                str(seed),
                "--workers",
                str(workers),
                "-o",
                str(out),
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.monotonic() - began
        if done.returncode != 0:
            msg = f"patrol solve failed ({done.returncode}): {done.stderr.strip()}"
            raise RuntimeError(msg)
        return json.loads(out.read_text()), wall


def run_pyvrp(problem: dict[str, Any], seconds: float, seed: int) -> tuple[dict[str, Any], float]:
    """Prize-collecting VRPTW in PyVRP; prizes dominate distance as in the contract."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    travel = problem["travel_s"]
    close = problem["teams"][0]["shift"][1]
    big = len(problem["teams"]) * close + 1
    model = pyvrp.Model()
    places = [model.add_location(0, 0)]
    depot = model.add_depot(places[0], tw_early=0, tw_late=close)
    for site in problem["sites"]:
        v = site["visits"][0]
        places.append(model.add_location(0, 0))
        model.add_client(
            places[-1],
            service_duration=site["service_s"],
            tw_early=v["earliest"],
            tw_late=v["latest"],
            prize=int(v["value"] * big),
            required=False,
        )
    model.add_vehicle_type(
        num_available=len(problem["teams"]),
        start_depot=depot,
        end_depot=depot,
        tw_early=0,
        tw_late=close,
    )
    nodes = [0, *(s["node"] for s in problem["sites"])]
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            d = travel[nodes[i]][nodes[j]]
            model.add_edge(a, b, distance=d, duration=d)
    began = time.monotonic()
    result = model.solve(MaxRuntime(seconds), seed=seed, display=False, collect_stats=False)
    wall = time.monotonic() - began
    # A client activity carries its index among the clients.
    orders = [[a.idx for a in route if a.is_client()] for route in result.best.routes()]
    return _plan_from_orders(problem, orders, problem["name"]), wall


def run_vroom(problem: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """VROOM with job priorities (value; at most 100, which TOPTW scores respect)."""
    import numpy as np
    import vroom

    travel = np.asarray(problem["travel_s"], dtype=np.uint32)
    vrp = vroom.Input()
    vrp.set_durations_matrix(profile="car", matrix_input=travel)
    for t, team in enumerate(problem["teams"]):
        vrp.add_vehicle(
            vroom.Vehicle(
                t + 1,
                start=team["start"],
                end=team["end"],
                time_window=vroom.TimeWindow(*team["shift"]),
            )
        )
    for s, site in enumerate(problem["sites"]):
        v = site["visits"][0]
        vrp.add_job(
            vroom.Job(
                s + 1,
                location=site["node"],
                default_service=site["service_s"],
                priority=int(v["value"]),
                time_windows=[vroom.TimeWindow(v["earliest"], v["latest"])],
            )
        )
    began = time.monotonic()
    sol = vrp.solve(exploration_level=5, nb_threads=1)
    wall = time.monotonic() - began
    frame = sol.routes
    orders: list[list[int]] = [[] for _ in problem["teams"]]
    for row in frame.itertuples():
        if row.type == "job":
            orders[int(row.vehicle_id) - 1].append(int(row.id) - 1)
    return _plan_from_orders(problem, orders, problem["name"]), wall


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table and the summary."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--long", action="store_true", help="30 s per solve instead of 10 s")
    ap.add_argument("--seconds", type=float, default=None, help="time limit per solve")
    ap.add_argument("--all", action="store_true", help="every pair of best_known.csv")
    ap.add_argument("--pairs", default=None, help="e.g. c101:1,pr05:3")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-pyvrp", action="store_true")
    ap.add_argument("--no-vroom", action="store_true")
    ap.add_argument(
        "--workers", type=int, default=2, help="patrol's searches side by side (1: one process)"
    )
    args = ap.parse_args(argv)
    seconds = args.seconds or (30.0 if args.long else 10.0)
    best = best_known()
    if args.all:
        pairs = sorted(best)
    elif args.pairs:
        pairs = [(p.split(":")[0], int(p.split(":")[1])) for p in args.pairs.split(",")]
    else:
        pairs = DEFAULT_PAIRS

    head = (
        f"{'pair':<10}{'best':>7}  {'patrol':>14} {'t_s':>5} {'stop':>5}  {'pyvrp':>14}  "
        f"{'vroom':>14}  check"
    )
    print(
        f"TOPTW, {seconds:g} s per solve, seed {args.seed}, patrol with {args.workers} "
        f"worker(s)\n{head}\n{'-' * len(head)}"
    )
    ratios: dict[str, list[float]] = {"patrol": [], "pyvrp": [], "vroom": []}
    at_least_pyvrp = 0
    for name, m in pairs:
        problem = to_problem(name, m)
        ref = best[(name, m)]
        cells, notes = {}, []
        runs = {"patrol": lambda p=problem: run_patrol(p, seconds, args.seed, args.workers)}
        if not args.no_pyvrp:
            runs["pyvrp"] = lambda p=problem: run_pyvrp(p, seconds, args.seed)
        if not args.no_vroom:
            runs["vroom"] = lambda p=problem: run_vroom(p)
        wall, stop = 0.0, "-"
        for solver, run in runs.items():
            plan, took = run()
            errors = check_plan(problem, plan)
            if solver == "patrol":
                # How the search ended: work or patience (reproducible), or the wall clock.
                wall, stop = took, plan.get("search", {}).get("stopped_by", "-")
            if errors:
                notes.append(f"{solver}: {len(errors)} error(s), e.g. {errors[0]}")
                cells[solver] = (0.0, 0.0)
                ratios[solver].append(0.0)
                continue
            cells[solver] = (plan["value"], plan["value"] / ref)
            ratios[solver].append(plan["value"] / ref)
        if "pyvrp" in cells and cells["patrol"][0] >= cells["pyvrp"][0]:
            at_least_pyvrp += 1

        def cell(key: str, cells: dict[str, tuple[float, float]] = cells) -> str:
            if key not in cells:
                return f"{'-':>14}"
            v, r = cells[key]
            return f"{v:>7g} ({r:.3f})"

        print(
            f"{name + ':' + str(m):<10}{ref:>7g}  {cell('patrol')} {wall:>5.1f} {stop[:5]:>5}  "
            f"{cell('pyvrp')}  {cell('vroom')}  {'; '.join(notes) or 'ok'}",
            flush=True,
        )
    print("-" * len(head))
    for solver, values in ratios.items():
        if values:
            print(
                f"{solver:<7} mean {sum(values) / len(values):.4f}  min {min(values):.3f}  "
                f"over {len(values)} pairs"
            )
    if ratios["pyvrp"]:
        print(f"patrol >= pyvrp on {at_least_pyvrp} of {len(pairs)} pairs")
    print(
        f"(targets: mean >= 0.99, none below 0.97, >= PyVRP on 9 of 10 pairs; patrol uses "
        f"{args.workers} process(es), PyVRP and VROOM one thread; the machine is shared)"
    )


if __name__ == "__main__":
    main()
