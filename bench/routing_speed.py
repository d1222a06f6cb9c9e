"""Speed of ``routing.solve`` on a night-shift-sized synthetic problem (target: under 5 s).

About the default area's night: ~60 sites (banks, treasury, offices, gold shops) with 2-3 visits
each (one inside 01:00-03:00), 3 joint teams from 2 depots, a 22:00-05:00 shift (25,200 s),
travel times of a few minutes by motorbike, a one-hour gap between visits of a site.

    .venv/bin/python bench/routing_speed.py [--sites 60] [--seeds 3] [--time-limit 4]
    .venv/bin/python bench/routing_speed.py --default-area   # the real default night

Prints wall time, stop reason, value share and high-risk visits served per seed, and whether
solving again with the same seed gave the same plan. ``--default-area`` plans the embedded
default area's night (all its banks, treasury, offices, gold shops; 3 joint teams; 22:00-05:00)
instead of the synthetic one. The machine is shared with other work: compare figures from one
run, not across runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))

from routing import PatrolProblem, solve
from routing.metrics import summarize


def night(sites: int, seed: int) -> dict[str, Any]:
    """Make a synthetic night: sites on a 3 km square, motorbike ~20 km/h, 2-3 visits a site."""
    rng = np.random.default_rng(seed)
    n = 2 + sites
    xy = rng.random((n, 2)) * 3000.0
    metres = np.abs(xy[:, None, :] - xy[None, :, :]).sum(axis=2)  # street grid distance
    travel = np.floor(metres / 5.5 * rng.uniform(1.0, 1.2, (n, n))).astype(int)
    np.fill_diagonal(travel, 0)
    doc_sites = []
    for s in range(sites):
        risk = float(rng.gamma(2.0, 20.0))
        visits = [{"earliest": 10_800, "latest": 18_000 - 900, "value": round(risk * 2, 1)}]
        for _ in range(int(rng.integers(1, 3))):
            a = int(rng.integers(0, 25_200 - 3600))
            visits.append({"earliest": a, "latest": a + 3600, "value": round(risk, 1)})
        doc_sites.append(
            {
                "id": f"site-{s}",
                "node": 2 + s,
                "service_s": 600,
                "min_gap_s": 3600,
                "visits": visits,
            }
        )
    return {
        "format": "patrol-problem/1",
        "name": f"synthetic night {seed}",
        "nodes": [{"id": f"n{i}"} for i in range(n)],
        "travel_s": travel.tolist(),
        "teams": [
            {
                "id": f"T{t + 1}",
                "start": t % 2,
                "end": t % 2,
                "shift": [0, 25_200],
                "members": {"police": 2, "military": 1},
            }
            for t in range(3)
        ],
        "sites": doc_sites,
    }


def _default_night() -> PatrolProblem:
    from datetime import date

    from geodata.shift import Shift
    from patrol.pipeline import load_inputs, plan_shift

    shift = Shift.parse("2026-11-23", "22:00-05:00", "01:00-03:00")
    inputs = load_inputs(demo_until=date(2026, 11, 22))
    return plan_shift(inputs, shift, n_teams=3, time_limit_s=1, seed=1).problem


def main() -> None:
    """Solve a few synthetic nights and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sites", type=int, default=60)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=4.0)
    ap.add_argument("--default-area", action="store_true", help="the default area's real night")
    args = ap.parse_args()
    default = _default_night() if args.default_area else None
    for seed in range(1, args.seeds + 1):
        problem = default or PatrolProblem.from_dict(night(args.sites, seed))
        began = time.monotonic()
        plan = solve(problem, time_limit_s=args.time_limit, seed=seed)
        wall = time.monotonic() - began
        again = solve(problem, time_limit_s=args.time_limit, seed=seed)
        same = "same plan again" if again.to_dict() == plan.to_dict() else "OTHER PLAN AGAIN"
        m = summarize(problem, plan)
        visits = sum(len(s.visits) for s in problem.sites)
        print(
            f"seed {seed}: {visits} visits, {wall:5.2f} s wall, stopped by "
            f"{plan.extra['search']['stopped_by']} after {plan.extra['search']['iterations']} "
            f"rounds; value {m.value_share:.3f} of all, high-risk {m.high_risk_served}/"
            f"{m.high_risk_available}; {same}",
            flush=True,
        )


if __name__ == "__main__":
    main()
