"""The commander's changes to a plan: stops moved in time or locked to a team, solved again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from patrol.pipeline import Inputs, ShiftPlan, measured
from patrol.plan_geometry import with_geometry
from patrolbase.errors import InfeasiblePlanError
from patrolbase.settings import Settings

if TYPE_CHECKING:
    from routing.model import PatrolPlan, PatrolProblem


@dataclass(frozen=True)
class Move:
    """A commander's change to one visit: put it on ``team``, optionally in a time range.

    ``earliest_s``/``latest_s`` (seconds from the shift start) give the range in which the check
    must start; ``None`` keeps the visit's own window.
    """

    site: str
    visit: int
    team: str
    earliest_s: int | None = None
    latest_s: int | None = None


def infeasible(msg: str, msg_vi: str) -> InfeasiblePlanError:
    error = InfeasiblePlanError(msg)
    error.message_vi = msg_vi
    return error


def lock_order(
    problem: PatrolProblem,
    plan: PatrolPlan,
    *,
    keep: Iterable[tuple[str, int]] = (),
    moves: Sequence[Move] = (),
) -> tuple[dict[str, list[tuple[str, int]]], dict[tuple[str, int], tuple[int, int]]]:
    """Turn stops to keep and stops to move into ``(locked, windows)`` for ``replan_with_locks``.

    Parameters
    ----------
    problem, plan
        The current plan and its problem.
    keep
        ``(site, visit)`` stops of ``plan`` to lock on the team that serves them now.
    moves
        Visits (served or not) to lock on another team and/or into another time range; a move
        wins over a ``keep`` of the same visit.

    Returns
    -------
    tuple
        ``locked``: team id -> ``(site, visit)`` in the order the team must make them (by their
        current start, or the middle of a moved visit's new range); ``windows``: ``(site,
        visit)`` -> the new ``(earliest, latest)`` of the moved visits that change time.

    Raises
    ------
    InfeasiblePlanError
        A stop to keep that the plan does not make, an unknown team, site or visit, or a range
        that is empty or outside the shift; the message says which.

    """
    current = {(s.site, s.visit): (r.team, s.start) for r in plan.routes for s in r.stops}
    sites = {s.id: s for s in problem.sites}
    teams = {t.id: t for t in problem.teams}
    order: dict[str, list[tuple[float, str, int]]] = {}
    windows: dict[tuple[str, int], tuple[int, int]] = {}
    moved = {(m.site, m.visit) for m in moves}
    for site_id, visit in keep:
        if (site_id, visit) in moved:
            continue
        if (site_id, visit) not in current:
            msg = f"stop {site_id} (visit {visit}) is not in the plan: it cannot be kept"
            raise infeasible(msg, f"Điểm {site_id} (lượt {visit + 1}) không có trong lộ trình.")
        team, start = current[(site_id, visit)]
        order.setdefault(team, []).append((start, site_id, visit))
    for move in moves:
        site = sites.get(move.site)
        if site is None or not 0 <= move.visit < len(site.visits):
            msg = f"site {move.site} has no visit {move.visit} in this plan's problem"
            raise infeasible(msg, f"Mục tiêu {move.site} không có lượt {move.visit + 1}.")
        if move.team not in teams:
            msg = f"team {move.team!r} is not in the plan; teams: {', '.join(teams)}"
            raise infeasible(msg, f"Không có tổ {move.team} trong kế hoạch.")
        window = site.visits[move.visit]
        key: float = current.get((move.site, move.visit), ("", window.earliest))[1]
        if move.earliest_s is not None or move.latest_s is not None:
            a = window.earliest if move.earliest_s is None else int(move.earliest_s)
            b = window.latest if move.latest_s is None else int(move.latest_s)
            end = teams[move.team].shift[1] - site.service_s
            if not 0 <= a <= b <= end:
                msg = (
                    f"time range {a}-{b} s for {move.site} is empty or outside the shift "
                    f"(0-{end} s from its start): choose a range inside the shift"
                )
                raise infeasible(
                    msg, "Khoảng thời gian đã chọn trống hoặc nằm ngoài ca trực: chọn lại."
                )
            windows[(move.site, move.visit)] = (a, b)
            key = (a + b) / 2
        order.setdefault(move.team, []).append((key, move.site, move.visit))
    locked = {
        team: [(site_id, visit) for _, site_id, visit in sorted(items)]
        for team, items in order.items()
    }
    return locked, windows


def adjust_problem(
    problem: PatrolProblem, windows: Mapping[tuple[str, int], tuple[int, int]]
) -> PatrolProblem:
    """Return ``problem`` with the given visits' windows set to the commander's ranges.

    A visit keeps its value; a site whose window changed is marked ``adjusted`` in its extras.
    """
    from routing.model import Visit

    if not windows:
        return problem
    known = {(s.id, k) for s in problem.sites for k in range(len(s.visits))}
    unknown = [f"{site} visit {k}" for site, k in windows if (site, k) not in known]
    if unknown:
        msg = f"no such visits in the problem: {', '.join(unknown)}"
        raise infeasible(msg, "Lượt kiểm tra không có trong kế hoạch: " + ", ".join(unknown))
    sites = []
    for site in problem.sites:
        changed = [k for k in range(len(site.visits)) if (site.id, k) in windows]
        if not changed:
            sites.append(site)
            continue
        visits = tuple(
            Visit(*windows[(site.id, k)], v.value) if (site.id, k) in windows else v
            for k, v in enumerate(site.visits)
        )
        sites.append(replace(site, visits=visits, extra={**site.extra, "adjusted": True}))
    return replace(problem, sites=tuple(sites))


def replan_with_locks(
    result: ShiftPlan,
    inputs: Inputs,
    *,
    locked: Mapping[str, Sequence[tuple[str, int]]],
    windows: Mapping[tuple[str, int], tuple[int, int]] | None = None,
    seed: int | None = None,
    time_limit_s: float | None = None,
    settings: Settings | None = None,
) -> ShiftPlan:
    """Solve the shift again around locked stops, after the commander's changes.

    Parameters
    ----------
    result
        The current plan (``plan_shift``).
    inputs
        The inputs it was planned from (names of the sites for the map and exports).
    locked
        Team id -> ``(site, visit)`` the team must make, in that order (``lock_order``).
    windows
        New ``(earliest, latest)`` of moved visits, seconds from the shift start.
    seed, time_limit_s
        Solver seed and limit; ``None`` uses the problem's.
    settings
        The ward's settings (``routing.variety``); ``None`` uses the defaults.

    Returns
    -------
    ShiftPlan
        The new problem (moved windows), its plan with street paths, stop names and metrics,
        computed exactly as ``plan_shift`` does.

    Raises
    ------
    InfeasiblePlanError
        When the locked stops cannot all be made (the engine names the team and the site).

    """
    from routing.solve import solve

    problem = adjust_problem(result.problem, windows or {})
    locks = {team: list(stops) for team, stops in locked.items() if stops}
    variety = (settings or Settings()).routing.variety
    plan = solve(
        problem, time_limit_s=time_limit_s, seed=seed, locked=locks or None, variety=variety
    )
    depot_ids = list(result.plan.extra.get("depots", []))
    plan = with_geometry(plan, problem, result.travel, inputs, depot_ids, legs=result.legs)
    plan, metrics = measured(plan, problem, result.shift)
    return ShiftPlan(
        result.shift, problem, plan, result.assessment, result.travel, metrics, result.legs
    )
