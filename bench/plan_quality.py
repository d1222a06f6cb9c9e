"""Plan quality as a commander reads it, before and after, side by side in one run.

For each area (the default ward, Chợ Quán, Tân Định with a ward survey, Krems) and team count,
the night is planned twice: by this tree (``patrol.pipeline.plan_shift``, in process) and by a
baseline revision (``patrol plan`` run from a temporary git worktree of it). Both are counted
the same way, by *target* (a bank with the ATMs at its door is one; the grouping of this tree
maps the baseline's stops to targets):

- ``top``: top-level targets (mức rất cao) of the night;
- ``bound N/W``: how many the teams can visit during the night / inside 01:00-03:00, found by
  solving the reduced problem (top-level targets only, one visit each; ``geodata.capacity``);
- ``night`` / ``window``: how many each plan visits during the night / inside the window;
- ``targets``: distinct targets visited (of all); ``stops``; ``repeats`` (stops less targets);
- ``value``: each plan's own value share (its collected value over all its problem offers):
  the two value models differ, so compare the counts, not this column across rows;
- ``s``, ``stop``: this tree's planning time (capacity solves included) and how its search
  ended; ``need``: teams that would cover every top-level target (``ok``: these do; ``-``: not
  even four more).

Run::

    .venv/bin/python bench/plan_quality.py                    # all areas, 1-5 teams
    .venv/bin/python bench/plan_quality.py --areas default --teams 3 --baseline bba1dff

The machine may be shared: the searches end by their counted work unless the load is high
(``stop`` says ``time`` then).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from geodata.io import read_facility_survey  # noqa: E402
from geodata.shift import Shift  # noqa: E402
from patrol.pipeline import load_inputs, plan_shift  # noqa: E402

OSM = ROOT / "tests" / "data" / "osm"
AREAS = {
    "default": (None, None),
    "cho-quan": (OSM / "hcmc-cho-quan.osm.bz2", None),
    "tan-dinh": (OSM / "hcmc-tan-dinh.osm.bz2", ROOT / "bench" / "data" / "survey-tan-dinh.csv"),
    "krems": (OSM / "krems-austria.osm.gz", None),
}
NIGHT = "2026-12-05"


def _count(
    stops: list[tuple[str, int]], targets: dict[str, str], top: set[str], window: tuple[int, int]
) -> dict[str, int]:
    """Count ``(site, start)`` stops by target; ``targets`` maps a facility to its target."""
    lo, hi = window
    seen = {targets.get(site, site) for site, _ in stops}
    inside = {targets.get(site, site) for site, start in stops if lo <= start <= hi}
    return {
        "night": len(seen & top),
        "window": len(inside & top),
        "targets": len(seen),
        "stops": len(stops),
        "repeats": len(stops) - len(seen),
    }


def _baseline(
    tree: Path, area: Path | None, survey: Path | None, teams: int, limit: float, out: Path
) -> dict[str, Any]:
    """Plan the night with the baseline's own ``patrol plan``; its plan and problem."""
    cmd = [sys.executable, "-m", "patrol", "plan", "--date", NIGHT, "--teams", str(teams),
           "--time-limit", str(limit), "--seed", "7", "-o", str(out)]  # fmt: skip
    if area is not None:
        cmd += ["--area", str(area)]
    if survey is not None:
        cmd += ["--facilities", str(survey)]
    # The baseline generates its demonstration incidents up to today, as this tree is told to.
    done = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    problem = json.loads((out / "problem.json").read_text(encoding="utf-8"))
    return {"plan": plan, "problem": problem}


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--areas", default=",".join(AREAS))
    ap.add_argument("--teams", default="1,2,3,4,5")
    ap.add_argument("--baseline", default="bba1dff", help="git revision to compare with")
    ap.add_argument("--time-limit", type=float, default=4.0)
    args = ap.parse_args()
    teams = [int(t) for t in args.teams.split(",")]
    today = date.today()
    print(
        f"night {NIGHT} 22:00-05:00, window 01:00-03:00, seed 7, {args.time_limit:g} s; "
        f"demonstration incidents up to {today} (both trees)"
    )
    header = (
        f"{'area':<9}{'teams':>5}{'top':>5}{'bound N/W':>11} | {'before: night':>13}{'window':>7}"
        f"{'targets':>8}{'stops':>6}{'rep':>5}{'value':>7} | {'after: night':>12}{'window':>7}"
        f"{'targets':>8}{'stops':>6}{'rep':>5}{'value':>7}{'s':>6}{'stop':>7}{'need':>5}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(tree), args.baseline],
            cwd=ROOT,
            check=True,
        )
        try:
            print(header)
            for name in args.areas.split(","):
                area, survey_path = AREAS[name]
                survey = None
                inputs = load_inputs(area_path=area, demo_until=today)
                if survey_path is not None:
                    survey = read_facility_survey(survey_path, bbox=inputs.area.bbox)
                    inputs = load_inputs(area=inputs.area, survey=survey, demo_until=today)
                shift = Shift.parse(NIGHT, "22:00-05:00", "01:00-03:00")
                for n in teams:
                    began = time.monotonic()
                    after = plan_shift(
                        inputs, shift, n_teams=n, time_limit_s=args.time_limit, seed=7
                    )
                    took = time.monotonic() - began
                    targets = {
                        m: s.id for s in after.problem.sites for m in s.extra.get("members", [s.id])
                    }
                    top = {s.id for s in after.problem.sites if s.extra.get("top")}
                    window = shift.high_risk_s
                    a = _count(
                        [(s.site, s.start) for r in after.plan.routes for s in r.stops],
                        targets,
                        top,
                        window,
                    )
                    a_value = after.metrics["coverage"]["risk_share"]
                    cap = after.metrics["capacity"]
                    old = _baseline(
                        tree, area, survey_path, n, args.time_limit, Path(tmp) / f"{name}{n}"
                    )
                    if "error" in old:
                        before = f"{'baseline failed: ' + old['error'][:60]:>48}"
                    else:
                        stops = [
                            (s["site"], s["start"])
                            for r in old["plan"]["routes"]
                            for s in r["stops"]
                        ]
                        b = _count(stops, targets, top, window)
                        offered = sum(
                            v["value"] for s in old["problem"]["sites"] for v in s["visits"]
                        )
                        b_value = old["plan"]["value"] / offered if offered else 0.0
                        before = (
                            f"{b['night']:>13}{b['window']:>7}{b['targets']:>8}{b['stops']:>6}"
                            f"{b['repeats']:>5}{b_value:>7.2f}"
                        )
                    # Teams that would cover every top-level target: "ok" when these do.
                    need = cap["teams_needed"]
                    need = "ok" if need == n else "-" if need is None else need
                    print(
                        f"{name:<9}{n:>5}{len(top):>5}"
                        f"{cap['fit_night']:>6}/{cap['fit_window']:<4} |"
                        f" {before} | {a['night']:>12}{a['window']:>7}{a['targets']:>8}"
                        f"{a['stops']:>6}{a['repeats']:>5}{a_value:>7.2f}{took:>6.1f}"
                        f"{after.plan.extra['search']['stopped_by']:>7}{need!s:>5}",
                        flush=True,
                    )
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
            )


if __name__ == "__main__":
    main()
