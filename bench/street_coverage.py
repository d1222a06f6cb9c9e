"""Benchmark: a week of loudspeaker campaign runs, coverage and driving against the lower bound.

For each area (the embedded default area; Chợ Quán, Hồ Chí Minh City, from ``tests/data/osm``)
and each vehicle, plans a week of 06:30 / 19:00 runs with the default ``[campaign]`` settings
(``geodata.campaign.plan_campaign``) and prints:

- streets: residential streets, their km (the rural postman's lower bound: no set of loops
  covers them with less driving), and the groups they fall into;
- coverage: the share of streets driven at least once in the week, and runs used;
- cover km: the driving of the runs that cover every street once, against the lower bound
  (the ratio is the deadheading from the police post and between streets);
- week km: all runs, the repeats in the most populous groups included;
- solve s: the whole plan (groups, streets, all passes of the search).

Run::

    .venv/bin/python bench/street_coverage.py
    .venv/bin/python bench/street_coverage.py --time-limit 60 --vehicle car
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.area import load_area  # noqa: E402
from geodata.campaign import plan_campaign  # noqa: E402
from patrolbase.settings import Settings  # noqa: E402

AREAS = {
    "default (Văn Miếu - Cát Linh)": None,
    "Chợ Quán (HCMC)": ROOT / "tests" / "data" / "osm" / "hcmc-cho-quan.osm.bz2",
}


def main() -> None:
    """Print one line per area and vehicle."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per week")
    parser.add_argument("--vehicle", choices=["motorbike", "car", "both"], default="both")
    args = parser.parse_args()
    vehicles = ["motorbike", "car"] if args.vehicle == "both" else [args.vehicle]
    header = (
        f"{'area':32} {'vehicle':9} {'streets':>7} {'km':>6} {'groups':>6} {'covered':>8} "
        f"{'runs':>4} {'cover km':>8} {'ratio':>5} {'week km':>7} {'left':>4} {'more':>4} "
        f"{'solve s':>7}"
    )
    print(header)
    for label, path in AREAS.items():
        for vehicle in vehicles:
            changes: dict[str, object] = {"vehicle": vehicle}
            if args.time_limit:
                changes["time_limit_s"] = args.time_limit
            settings = Settings().replace(campaign=changes)
            area = load_area(path, mode=vehicle, settings=settings)  # type: ignore[arg-type]
            started = time.perf_counter()
            week = plan_campaign(area, week_of=date(2026, 12, 7), settings=settings)
            solve_s = time.perf_counter() - started
            passes = week.passes
            cover_km = sum(r.length_m for r in week.runs if r.purpose == "cover") / 1000
            bound_km = week.lower_bound_m / 1000
            print(
                f"{label:32} {vehicle:9} {len(passes):7d} {bound_km:6.1f} "
                f"{week.streets['group_id'].nunique():6d} {float((passes > 0).mean()):8.1%} "
                f"{len(week.runs):4d} {cover_km:8.1f} {cover_km / bound_km:5.2f} "
                f"{sum(r.length_m for r in week.runs) / 1000:7.1f} {len(week.left):4d} "
                f"{week.more_runs:4d} {solve_s:7.1f}"
            )


if __name__ == "__main__":
    main()
