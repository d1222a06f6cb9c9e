"""Re-planning mid-shift: keep the stops already made, answer an alarm, plan the rest of the night.

At time ``now_s`` every team is somewhere: by default at the last stop it has started (free
when it leaves it) or at its depot; a position reported from the field overrides that. An
alarm at a site sends the team that can get there first (its free time plus the drive); that
team stays ``alarm_service_s`` at the site, and the rest of the night is planned again for
every team from where it will be, as a new ``patrol-problem/1``: teams start at their position
and free time, visits already made are left out, and a visit of a site already visited keeps
the site's minimum gap by starting no earlier than the gap allows. The result is that problem,
its plan (checkable like any plan), the stops kept and the dispatch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from patrolbase.errors import InfeasiblePlanError
from routing.model import PatrolPlan, PatrolProblem, Stop
from routing.solve import solve

__all__ = ["Dispatch", "Position", "Replan", "positions_at", "replan"]


@dataclass(frozen=True)
class Position:
    """Where a team is free again: at ``node`` from ``time_s`` on."""

    node: int
    time_s: int


@dataclass(frozen=True)
class Dispatch:
    """The team sent to an alarm, when it gets there and when it is free again."""

    team: str
    site: str
    node: int
    arrive_s: int
    free_s: int


@dataclass(frozen=True)
class Replan:
    """The rest of the night: its problem and plan, the stops kept, and the dispatch if any."""

    problem: PatrolProblem
    plan: PatrolPlan
    kept: Mapping[str, tuple[Stop, ...]] = field(default_factory=dict)
    dispatch: Dispatch | None = None


def positions_at(problem: PatrolProblem, plan: PatrolPlan, now_s: int) -> dict[str, Position]:
    """Where each team is free at ``now_s`` according to ``plan``.

    A team that has started a stop is at that stop's node, free at its departure (or ``now_s``
    if later); a team that has not started any stop is at its start node.
    """
    routes = {r.team: r for r in plan.routes}
    out = {}
    for team in problem.teams:
        route = routes.get(team.id)
        made = [s for s in route.stops if s.start <= now_s] if route else []
        if made:
            out[team.id] = Position(made[-1].node, max(now_s, made[-1].depart))
        else:
            out[team.id] = Position(team.start, max(now_s, team.shift[0]))
    return out


def replan(
    problem: PatrolProblem,
    plan: PatrolPlan,
    *,
    now_s: int,
    positions: Mapping[str, Position] | None = None,
    alarm_site: str | None = None,
    alarm_service_s: int = 900,
    time_limit_s: float | None = None,
    seed: int | None = None,
    locked: Mapping[str, Sequence[tuple[str, int]]] | None = None,
) -> Replan:
    """Plan the rest of the night from ``now_s``.

    Parameters
    ----------
    problem
        Tonight's problem.
    plan
        The plan being driven.
    now_s
        Now, in seconds from the shift start; stops started before or at it are kept.
    positions
        Reported positions by team id, overriding the plan's (``positions_at``).
    alarm_site
        Id of a site with an alarm: the team that can be there first is sent.
    alarm_service_s
        How long the sent team stays at the alarm.
    time_limit_s, seed
        Passed to ``routing.solve``.
    locked
        Stops the rest of the night must keep, as for ``routing.solve``: team id -> ordered
        ``(site id, visit index)`` pairs, visit indices of ``problem``; stops already made
        are left out of the locks.

    Returns
    -------
    Replan
        The new problem (teams start where they are), its plan, kept stops and the dispatch.

    Raises
    ------
    InfeasiblePlanError
        When ``alarm_site`` is not a site of the problem, or a locked stop cannot be made
        any more (see ``routing.solve``).

    """
    where = positions_at(problem, plan, now_s) | dict(positions or {})
    kept = {r.team: tuple(s for s in r.stops if s.start <= now_s) for r in plan.routes}
    travel = problem.travel_s
    dispatch = None
    if alarm_site is not None:
        site = next((s for s in problem.sites if s.id == alarm_site), None)
        if site is None:
            msg = f"alarm_site = {alarm_site!r}: no such site in problem {problem.name!r}"
            raise InfeasiblePlanError(msg)

        node = site.node

        def arrival(team_id: str) -> int:
            p = where[team_id]
            return p.time_s + int(travel[p.node, node])

        # Nearest by time from where each team is now; ties go to the first team listed.
        chosen = min((t.id for t in problem.teams), key=arrival)
        arrive = arrival(chosen)
        dispatch = Dispatch(chosen, site.id, site.node, arrive, arrive + alarm_service_s)
        where[chosen] = Position(site.node, dispatch.free_s)

    made: dict[str, list[int]] = {}
    for stops in kept.values():
        for s in stops:
            made.setdefault(s.site, []).append(s.start)
    sites = []
    for site in problem.sites:
        visits, indices = [], []
        done = {s.visit for stops in kept.values() for s in stops if s.site == site.id}
        # A one_of visit whose partner was made is gone with it.
        gone = done | {k for g in site.one_of if done & set(g) for k in g}
        for k, v in enumerate(site.visits):
            if k in gone:
                continue
            earliest = v.earliest
            if site.min_gap_s and site.id in made:
                # Keep the gap to the visits already made: start no earlier than it allows.
                earliest = max(earliest, max(made[site.id]) + site.min_gap_s)
            if earliest > v.latest:
                continue
            visits.append({"earliest": earliest, "latest": v.latest, "value": v.value})
            indices.append(k)
        if visits:
            one_of = [
                [indices.index(k) for k in g if k in indices]
                for g in site.one_of
                if sum(k in indices for k in g) > 1
            ]
            extra = {k: v for k, v in site.extra.items() if k != "one_of"}
            sites.append(
                {
                    "id": site.id,
                    "node": site.node,
                    "service_s": site.service_s,
                    "min_gap_s": site.min_gap_s,
                    "visits": visits,
                    **extra,
                    **({"one_of": one_of} if one_of else {}),
                    "visit_index": indices,
                }
            )
    teams = []
    for team in problem.teams:
        p = where[team.id]
        # A team sent to an alarm may come home late: the alarm justifies it.
        end = max(team.shift[1], p.time_s + int(travel[p.node, team.end]))
        teams.append(
            {
                "id": team.id,
                "start": p.node,
                "end": team.end,
                "shift": [p.time_s, end],
                "members": dict(team.members),
                **dict(team.extra),
            }
        )
    doc: dict[str, Any] = problem.to_dict() | {
        "name": f"{problem.name} (re-planned at {now_s} s)",
        "teams": teams,
        "sites": sites,
    }
    rest = PatrolProblem.from_dict(doc, source=doc["name"])
    new_locked = _relock(rest, kept, locked) if locked else None
    new_plan = solve(rest, time_limit_s=time_limit_s, seed=seed, locked=new_locked)
    return Replan(rest, new_plan, kept, dispatch)


def _relock(
    rest: PatrolProblem,
    kept: Mapping[str, tuple[Stop, ...]],
    locked: Mapping[str, Sequence[tuple[str, int]]],
) -> dict[str, list[tuple[str, int]]]:
    """Locks in the visit indices of the re-planned problem; stops already made drop out."""
    made = {(s.site, s.visit) for stops in kept.values() for s in stops}
    index = {site.id: list(site.extra.get("visit_index", [])) for site in rest.sites}
    out: dict[str, list[tuple[str, int]]] = {}
    for team, pairs in locked.items():
        out[team] = []
        for site_id, visit in pairs:
            if (site_id, visit) in made:
                continue
            if visit not in index.get(site_id, []):
                msg = (
                    f"team {team} cannot serve its locked stop at site {site_id!r} (visit "
                    f"{visit}) any more: its window has passed or the site's gap rule forbids "
                    "it; unlock the stop"
                )
                error = InfeasiblePlanError(msg)
                error.message_vi = (
                    f"Tổ {team} không còn kịp đến điểm dừng cố định {site_id!r} (lượt {visit}):"
                    " đã qua khung giờ hoặc quá gần lượt kiểm tra trước; hãy bỏ cố định"
                )
                raise error
            out[team].append((site_id, index[site_id].index(visit)))
    return out
