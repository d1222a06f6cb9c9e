"""An alarm during the night: the nearest team goes, and the rest of the night is planned again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from patrol.changes import infeasible
from patrol.pipeline import Inputs, ShiftPlan, plan_metrics
from patrol.plan_geometry import loop_path, with_geometry

if TYPE_CHECKING:
    from routing.replan import Dispatch, Replan


@dataclass(frozen=True, eq=False)
class AlarmPlan:
    """An alarm answered: who goes, how long it takes, and the rest of the night re-planned."""

    dispatch: Dispatch
    origin_node: int
    """Where the sent team is free at the alarm time (the node of its last stop or its depot)."""
    origin_free_s: int
    """When it is free there (seconds from the shift start); it drives to the alarm from then."""
    travel_s: int
    """Driving time from its origin to the alarm site."""
    path: list[list[float]]
    """Street path ``[[lon, lat], ...]`` of that drive."""
    rest: ShiftPlan
    """The rest of the night for every team (starting where each team will be)."""
    replan: Replan


def alarm_replan(
    result: ShiftPlan,
    inputs: Inputs,
    *,
    site: str,
    at_s: int,
    alarm_service_s: int = 900,
    seed: int | None = None,
    time_limit_s: float | None = None,
) -> AlarmPlan:
    """Answer an alarm at ``site`` at ``at_s``: the nearest team by its planned position goes.

    The team that can be there first (``routing.replan``) is sent and stays
    ``alarm_service_s``; the rest of the night is planned again for every team from where it
    will be, with street paths and metrics as ``plan_shift`` makes them.

    Raises
    ------
    InfeasiblePlanError
        ``site`` is not a site of the plan, or ``at_s`` is outside the shift.

    """
    from routing.replan import positions_at, replan

    duration = result.shift.duration_s
    if not 0 <= at_s <= duration:
        msg = f"alarm time {at_s} s is outside the shift (0-{duration} s from its start)"
        raise infeasible(msg, "Thời điểm báo động nằm ngoài ca trực.")
    if site not in {s.id for s in result.problem.sites}:
        msg = f"site {site!r} is not a site of tonight's plan: choose one of the plan's sites"
        raise infeasible(msg, "Mục tiêu báo động không thuộc kế hoạch đêm nay.")
    before = positions_at(result.problem, result.plan, at_s)
    answer = replan(
        result.problem,
        result.plan,
        now_s=at_s,
        alarm_site=site,
        alarm_service_s=alarm_service_s,
        time_limit_s=time_limit_s,
        seed=seed,
    )
    dispatch = answer.dispatch
    assert dispatch is not None  # alarm_site was given
    origin = before[dispatch.team]
    path = [
        [round(x, 6), round(y, 6)]
        for x, y in loop_path(result.travel, [origin.node, dispatch.node], result.legs)
    ]
    depot_ids = list(result.plan.extra.get("depots", []))
    plan = with_geometry(
        answer.plan, answer.problem, result.travel, inputs, depot_ids, legs=result.legs
    )
    plan = replace(
        plan,
        extra={
            **plan.extra,
            "alarm": {"site": site, "team": dispatch.team, "at_s": at_s},
        },
    )
    rest = ShiftPlan(
        result.shift,
        answer.problem,
        plan,
        result.assessment,
        result.travel,
        plan_metrics(answer.problem, plan, result.shift),
        result.legs,
    )
    travel = int(result.problem.travel_s[origin.node, dispatch.node])
    return AlarmPlan(dispatch, origin.node, origin.time_s, travel, path, rest, answer)
