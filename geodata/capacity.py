"""How much of the top level the night's teams can cover, and how many teams would cover it all.

The bound is found by solving, not guessed: the *reduced problem* holds only the top-level
targets of a night, each with its first visit (inside the high-risk window, or anywhere in the
shift), worth one more target covered before one more inside the window. Its plan says how many
top-level targets the teams can visit during the night and inside the window. The same
problem with more teams (copies of the given ones, depot by depot) says how many teams would
cover every top-level target, inside the window wherever a team can reach it.

Its plan is also where the full night's search starts (``routing.solve(..., warm=...)``): with
the top level's dominant values (``geodata.problem``), the full plan keeps at least its
coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from routing.model import PatrolPlan, PatrolProblem, Site, Team, Visit

__all__ = ["Capacity", "night_capacity", "top_problem"]


@dataclass(frozen=True)
class Capacity:
    """What the night's teams can do for the top level, found by solving the reduced problem."""

    top: int
    """Top-level targets of the night."""
    fit_night: int
    """Of them, how many the teams can visit during the shift."""
    fit_window: int
    """How many they can visit inside the high-risk window."""
    reachable_window: int
    """How many any team can reach inside the window at all (the rest only at other times)."""
    teams: int
    """Teams of the night."""
    teams_needed: int | None
    """Fewest teams that cover every top-level target during the shift and every reachable one
    inside the window; ``None`` when even ``teams + extra`` do not."""
    tried_up_to: int
    """Most teams tried."""
    plan: PatrolPlan
    """The reduced problem's plan with the night's teams (the full search starts from it)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain figures for the plan's extras (without the reduced plan)."""
        return {
            "top": self.top,
            "fit_night": self.fit_night,
            "fit_window": self.fit_window,
            "reachable_window": self.reachable_window,
            "teams": self.teams,
            "teams_needed": self.teams_needed,
            "tried_up_to": self.tried_up_to,
        }


def top_problem(problem: PatrolProblem) -> PatrolProblem:
    """Reduce ``problem`` to its ``top`` sites and their first visits.

    A first visit anywhere is worth ``n + 1`` and inside the window ``n + 2`` (``n`` top-level
    targets), so one more target covered beats every placement inside the window.
    """
    top = [s for s in problem.sites if s.extra.get("top")]
    n = len(top)
    sites = tuple(
        Site(
            s.id,
            s.node,
            s.service_s,
            (
                Visit(s.visits[0].earliest, s.visits[0].latest, float(n + 2)),
                Visit(s.visits[1].earliest, s.visits[1].latest, float(n + 1)),
            ),
            0,
            {"name": s.extra.get("name", s.id), "top": True, "one_of": [[0, 1]]},
        )
        for s in top
    )
    return replace(problem, name=f"{problem.name} (top level)", sites=sites, extra={})


def _with_teams(problem: PatrolProblem, count: int) -> PatrolProblem:
    """``problem`` with ``count`` teams: the given ones, then copies of them in turn."""
    teams = list(problem.teams)
    for k in range(len(teams), count):
        like = problem.teams[k % len(problem.teams)]
        teams.append(Team(f"+{k + 1}", like.start, like.end, like.shift, dict(like.members)))
    return replace(problem, teams=tuple(teams))


def _counts(plan: PatrolPlan, high_risk_s: tuple[int, int]) -> tuple[int, int, int]:
    """Top-level targets visited, visited inside the window, and window visits unreachable."""
    lo, hi = high_risk_s
    stops = [s for r in plan.routes for s in r.stops]
    unreachable = sum(1 for u in plan.unserved if u.visit == 0 and u.reason == "window_unreachable")
    return len(stops), sum(lo <= s.start <= hi for s in stops), unreachable


def night_capacity(
    problem: PatrolProblem,
    *,
    high_risk_s: tuple[int, int],
    extra_teams: int = 4,
    time_limit_s: float = 2.0,
    seed: int = 0,
) -> Capacity:
    """Solve the reduced problem with the night's teams, then with more until all fit.

    Parameters
    ----------
    problem
        A night's problem from ``geodata.problem.build_problem`` (sites with the ``top`` extra).
    high_risk_s
        The high-risk window, seconds from the shift start.
    extra_teams
        Most teams added when the night's teams fall short.
    time_limit_s
        Wall-time cap of each reduced solve (they end much sooner by their counted work).
    seed
        Seed of the reduced solves.

    Returns
    -------
    Capacity
        The bound, the teams needed, and the reduced plan with the night's teams.

    """
    from routing.solve import solve

    reduced = top_problem(problem)
    n_teams = len(problem.teams)
    work_s = min(time_limit_s, 0.5)
    plan = solve(reduced, time_limit_s=time_limit_s, seed=seed, work_s=work_s)
    night, window, unreachable = _counts(plan, high_risk_s)
    top = len(reduced.sites)
    reachable = top - unreachable

    def enough(n: int, w: int) -> bool:
        return n == top and w >= reachable

    needed: int | None = n_teams if enough(night, window) else None
    tried = n_teams
    for count in range(n_teams + 1, n_teams + extra_teams + 1):
        if needed is not None or not top:
            break
        tried = count
        more = _with_teams(reduced, count)
        found = solve(more, time_limit_s=time_limit_s, seed=seed, work_s=work_s)
        if enough(*_counts(found, high_risk_s)[:2]):
            needed = count
    return Capacity(top, night, window, reachable, n_teams, needed, tried, plan)
