"""Search settings on TOPTW measured by counted work, so independent of the machine's load.

Each run solves with the work budget of a 10 s limit under a 60 s wall cap, so it ends by
counted work (or patience) and gives the same plan on a busy machine as on an idle one;
figures of two settings can be compared across runs. Settings are fields of
``routing.SearchParams`` (``routing/params.py``) replaced for this run only. Scores are compared
with the best known and with PyVRP's scores at 10 s from the ``bench/toptw.py`` run of 23 Nov 2026,
16:20 UTC (fixed here so that runs of different settings share one reference).

    .venv/bin/python bench/toptw_settings.py                       # 16 pairs, seeds 1-2
    .venv/bin/python bench/toptw_settings.py --pairs c108:4,pr08:3 --set max_removed=30
    .venv/bin/python bench/toptw_settings.py --set "searches=(('best', 0.005), ('scratch', 0.02))"
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _toptw_io import best_known, to_problem

from routing import PatrolProblem, SearchParams, solve

PYVRP_10S = {
    "c105:2": 640, "c108:4": 1130, "r103:1": 293, "r106:3": 722, "r112:2": 544,
    "rc103:1": 265, "rc107:4": 975, "pr03:2": 716, "pr08:3": 1130, "pr10:1": 569,
    "c104:1": 410, "r105:2": 453, "rc105:3": 682, "pr02:4": 1068, "r110:2": 525,
    "pr06:2": 1059,
}  # fmt: skip


def _params(settings: list[str]) -> SearchParams:
    """``SearchParams`` with each ``NAME=VALUE`` (a Python literal) replaced."""
    known = {f.name for f in dataclasses.fields(SearchParams)}
    changes = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        if name not in known:
            msg = f"--set {setting}: no search parameter {name!r}; use one of {sorted(known)}"
            raise SystemExit(msg)
        changes[name] = ast.literal_eval(value)
    return SearchParams(**changes)


def main() -> None:
    """Print each run's score and the mean ratio, worst ratio and runs at least PyVRP's."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", default=",".join(PYVRP_10S))
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args()
    params = _params(args.set)
    best = best_known()
    seeds = [int(s) for s in args.seeds.split(",")]
    ratios, wins = [], 0
    for pair in args.pairs.split(","):
        name, m = pair.split(":")
        problem = PatrolProblem.from_dict(to_problem(name, int(m)))
        cells = []
        for seed in seeds:
            began = time.monotonic()
            plan = solve(problem, time_limit_s=60, seed=seed, work_s=10, params=params)
            value = round(plan.value)
            ratios.append(value / best[(name, int(m))])
            wins += value >= PYVRP_10S[pair]
            cells.append(f"{value} ({time.monotonic() - began:.1f} s, "
                         f"{plan.extra['search']['stopped_by']})")  # fmt: skip
        print(f"{pair:<9} PyVRP {PYVRP_10S[pair]:>5}  " + "  ".join(cells), flush=True)
    print(
        f"mean {sum(ratios) / len(ratios):.4f}  worst {min(ratios):.3f}  "
        f">= PyVRP {wins} of {len(ratios)}  {' '.join(args.set)}"
    )


if __name__ == "__main__":
    main()
