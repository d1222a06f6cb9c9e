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

from patrolbase.schema import is_key_route
from routing.model import PatrolPlan, PatrolProblem, Site, Stop, Team, Visit

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


def top_problem(problem: PatrolProblem, *, keep: tuple[int, ...] = (0, 1)) -> PatrolProblem:
    """Reduce ``problem`` to its ``top`` sites and their first visits ``keep``.

    ``keep=(0,)``: the visit inside the high-risk window only; ``(1,)``: anywhere in the shift
    only; both: either, a first visit anywhere worth ``n + 1`` and inside the window ``n + 2``
    (``n`` top-level targets), so one more target covered beats every placement in the window.
    The key routes (``geodata.keyroutes``) stay, worth more than all targets: the teams drive
    them whatever else they do, so their time is not the targets'.
    """
    top = [s for s in problem.sites if s.extra.get("top")]
    n = len(top)
    worth = {0: float(n + 2), 1: float(n + 1)}
    sites = tuple(
        Site(
            s.id,
            s.node,
            s.service_s,
            tuple(Visit(s.visits[k].earliest, s.visits[k].latest, worth[k]) for k in keep),
            0,
            {"name": s.extra.get("name", s.id), "top": True}
            | ({"one_of": [[0, 1]]} if len(keep) > 1 else {}),
        )
        for s in top
    )
    routes = tuple(
        Site(
            s.id,
            s.node,
            s.service_s,
            tuple(Visit(s.visits[0].earliest, s.visits[0].latest, n * 2.0 + 3) for _ in keep),
            0,
            {"name": s.extra.get("name", s.id)}
            | ({"one_of": [list(range(len(keep)))]} if len(keep) > 1 else {}),
        )
        for s in problem.sites
        if is_key_route(s.id)
    )
    return replace(problem, name=f"{problem.name} (top level)", sites=sites + routes, extra={})


def _with_teams(problem: PatrolProblem, count: int) -> PatrolProblem:
    """``problem`` with ``count`` teams: the given ones, then copies of them in turn."""
    teams = list(problem.teams)
    for k in range(len(teams), count):
        like = problem.teams[k % len(problem.teams)]
        teams.append(Team(f"+{k + 1}", like.start, like.end, like.shift, dict(like.members)))
    return replace(problem, teams=tuple(teams))


def _score(plan: PatrolPlan) -> tuple[float, int]:
    """Most value (targets covered, then inside the window), then least travel."""
    return plan.value, -plan.travel_s


def _top_stops(plan: PatrolPlan) -> list[Stop]:
    """Return a reduced plan's stops at top-level targets (not at its key routes)."""
    return [s for r in plan.routes for s in r.stops if not is_key_route(s.site)]


def _counts(plan: PatrolPlan, high_risk_s: tuple[int, int]) -> tuple[int, int]:
    """Top-level targets visited, and visited inside the window, by a reduced plan."""
    lo, hi = high_risk_s
    stops = _top_stops(plan)
    return len(stops), sum(lo <= s.start <= hi for s in stops)


def night_capacity(
    problem: PatrolProblem,
    *,
    high_risk_s: tuple[int, int],
    extra_teams: int = 4,
    time_limit_s: float = 2.0,
    seed: int = 0,
    workers: int = 2,
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
    workers
        Searches side by side in each reduced solve (``routing.solve``).

    Returns
    -------
    Capacity
        The bound, the teams needed, and the reduced plan with the night's teams.

    """
    from routing.solve import solve

    n_teams = len(problem.teams)
    work_s = min(time_limit_s, 0.5)

    def run(
        reduced: PatrolProblem, warm: PatrolPlan | None = None, *, visit: int = 0
    ) -> PatrolPlan:
        """Solve ``reduced``, from ``warm``'s loops whose stops are its visit ``visit``."""
        routes = None
        if warm is not None:
            routes = {r.team: [(x.site, visit) for x in r.stops] for r in warm.routes}
        return solve(
            reduced, time_limit_s=time_limit_s, seed=seed, work_s=work_s, warm=routes,
            workers=workers,
        )  # fmt: skip

    def attempt(teams: int, *, early: int | None = None) -> tuple[PatrolPlan, int, int, int]:
        """Top-level targets covered in the night and in the window, with ``teams`` teams.

        With ``early``, stop after the window's solve when it reaches fewer than that.
        """
        window_only = run(_with_teams(top_problem(problem, keep=(0,)), teams))
        in_window = len(_top_stops(window_only))
        unreachable = sum(
            u.reason == "window_unreachable" and not is_key_route(u.site)
            for u in window_only.unserved
        )
        if early is not None and in_window < early:
            return window_only, 0, in_window, unreachable
        night_only = run(_with_teams(top_problem(problem, keep=(1,)), teams))
        # Either visit, starting from each plan in turn, the better kept: the greedy insertion
        # would rather not wait for the window, so it is given the window's loops to build on,
        # and the night's loops hold the most targets.
        both = _with_teams(top_problem(problem), teams)
        from_window = run(both, warm=window_only, visit=0)
        best = max(from_window, run(both, warm=night_only, visit=1), key=_score)
        return best, len(_top_stops(night_only)), in_window, unreachable

    plan, night, window, unreachable = attempt(n_teams)
    top = sum(bool(site.extra.get("top")) for site in problem.sites)
    reachable = top - unreachable

    def enough(result: tuple[PatrolPlan, int, int, int]) -> bool:
        both = result[0]
        covered, in_window = _counts(both, high_risk_s)
        return covered == top and in_window >= reachable

    needed: int | None = n_teams if enough((plan, night, window, unreachable)) else None
    tried = n_teams
    for count in range(n_teams + 1, n_teams + extra_teams + 1):
        if needed is not None or not top:
            break
        tried = count
        if enough(attempt(count, early=reachable)):
            needed = count
    return Capacity(top, night, window, reachable, n_teams, needed, tried, plan)
