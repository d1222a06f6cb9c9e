"""A commander's changes on the default area: move and lock stops, re-solve, answer an alarm."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from geodata.shift import Shift
from patrol.alarm import alarm_replan
from patrol.changes import Move, adjust_problem, lock_order, replan_with_locks
from patrol.pipeline import Inputs, ShiftPlan, plan_shift
from patrolbase.errors import InfeasiblePlanError

SHIFT = Shift.parse("2026-11-23", "22:00-05:00", "01:00-03:00")


def _stops(result: ShiftPlan) -> dict[tuple[str, int], tuple[str, int]]:
    return {(s.site, s.visit): (r.team, s.start) for r in result.plan.routes for s in r.stops}


def test_lock_order_keeps_stops_on_their_team_in_time_order(night: ShiftPlan) -> None:
    t1, t2 = night.plan.routes[0], night.plan.routes[1]
    keep = [(t1.stops[-1].site, t1.stops[-1].visit), (t1.stops[0].site, t1.stops[0].visit)]
    moved = t2.stops[len(t2.stops) // 2]
    a, b = moved.start - 600, moved.start + 600
    locked, windows = lock_order(
        night.problem, night.plan, keep=keep, moves=[Move(moved.site, moved.visit, t1.team, a, b)]
    )
    assert set(locked) == {t1.team}
    assert locked[t1.team][0] == keep[1] and locked[t1.team][-1] == keep[0]
    assert (moved.site, moved.visit) in locked[t1.team]
    assert windows == {(moved.site, moved.visit): (a, b)}


def test_lock_order_refuses_what_cannot_be(night: ShiftPlan) -> None:
    unserved = night.plan.unserved[0] if night.plan.unserved else None
    if unserved is not None:
        with pytest.raises(InfeasiblePlanError, match="not in the plan"):
            lock_order(night.problem, night.plan, keep=[(unserved.site, unserved.visit)])
    stop = night.plan.routes[0].stops[0]
    with pytest.raises(InfeasiblePlanError, match="outside the shift") as info:
        lock_order(
            night.problem,
            night.plan,
            moves=[Move(stop.site, stop.visit, "T2", 100, SHIFT.duration_s + 60)],
        )
    assert "ca trực" in (info.value.message_vi or "")
    with pytest.raises(InfeasiblePlanError, match="team 'T9'"):
        lock_order(night.problem, night.plan, moves=[Move(stop.site, stop.visit, "T9")])


def test_adjust_problem_sets_only_the_moved_window(night: ShiftPlan) -> None:
    site = night.problem.sites[3]
    adjusted = adjust_problem(night.problem, {(site.id, 0): (3600, 4200)})
    new = next(s for s in adjusted.sites if s.id == site.id)
    assert (new.visits[0].earliest, new.visits[0].latest) == (3600, 4200)
    assert new.visits[0].value == site.visits[0].value
    assert new.visits[1:] == site.visits[1:]
    assert new.extra["adjusted"]
    others = [s for s in adjusted.sites if s.id != site.id]
    assert others == [s for s in night.problem.sites if s.id != site.id]
    with pytest.raises(InfeasiblePlanError, match="no such visits"):
        adjust_problem(night.problem, {("osm-node-0", 0): (0, 10)})


def test_moved_and_locked_stops_stay_where_the_commander_put_them(
    inputs: Inputs,
    night: ShiftPlan,
    contract_errors: Callable[[Any, Any], list[str]],
) -> None:
    t1, t2 = night.plan.routes[0], night.plan.routes[1]
    kept = (t1.stops[1].site, t1.stops[1].visit)
    moved = t2.stops[len(t2.stops) // 2]
    window = night.problem.sites[[s.id for s in night.problem.sites].index(moved.site)]
    visit = window.visits[moved.visit]
    a = visit.earliest
    b = min(visit.latest, a + 1800)
    locked, windows = lock_order(
        night.problem,
        night.plan,
        keep=[kept],
        moves=[Move(moved.site, moved.visit, t1.team, a, b)],
    )
    again = replan_with_locks(night, inputs, locked=locked, windows=windows, seed=7, time_limit_s=3)
    stops = _stops(again)
    team, start = stops[(moved.site, moved.visit)]
    assert team == t1.team and a <= start <= b
    assert stops[kept][0] == t1.team
    assert contract_errors(again.problem, again.plan) == []
    for route in again.plan.routes:  # street paths and names as plan_shift gives them
        assert len(route.extra["path"]) > 10
        assert all(s.extra["name"] for s in route.stops)
    assert again.metrics["value"] == pytest.approx(again.plan.value)


def test_alarm_sends_the_team_that_gets_there_first(
    inputs: Inputs,
    night: ShiftPlan,
    contract_errors: Callable[[Any, Any], list[str]],
) -> None:
    now = SHIFT.high_risk_s[0] + 1800  # 01:30
    target = night.problem.sites[5]
    travel = night.problem.travel_s
    # Where each team is free at 01:30, worked out here from the plan's stops.
    arrivals = {}
    routes = {r.team: r for r in night.plan.routes}
    for team in night.problem.teams:
        made = [s for s in routes[team.id].stops if s.start <= now] if team.id in routes else []
        node, free = (made[-1].node, max(now, made[-1].depart)) if made else (team.start, now)
        arrivals[team.id] = free + int(travel[node, target.node])
    answer = alarm_replan(night, inputs, site=target.id, at_s=now, time_limit_s=2, seed=7)
    best = min(arrivals.values())
    assert answer.dispatch.arrive_s == best
    assert arrivals[answer.dispatch.team] == best
    assert answer.origin_free_s + answer.travel_s == best
    assert len(answer.path) >= 2
    rest = answer.rest
    assert contract_errors(rest.problem, rest.plan) == []
    for route in rest.plan.routes:
        assert all(s.start >= now for s in route.stops)
        assert route.extra["path"]
    with pytest.raises(InfeasiblePlanError, match="not a site"):
        alarm_replan(night, inputs, site="osm-node-0", at_s=now)


def test_a_roster_plan_keeps_counts_in_the_problem_and_names_on_the_routes(
    inputs: Inputs,
    contract_errors: Callable[[Any, Any], list[str]],
) -> None:
    from routing.model import PatrolProblem
    from routing.roster import Person, form_teams

    people = [
        Person("c1", "Nguyễn Văn An", "police"),
        Person("m1", "Trần Văn Bình", "militia"),
        Person("c2", "Lê Thị Cúc", "police"),
        Person("m2", "Phạm Văn Dũng", "military"),
    ]
    roster = form_teams(people, teams=2)
    result = plan_shift(inputs, SHIFT, roster=roster.teams, time_limit_s=2, seed=3)
    again = PatrolProblem.from_dict(json.loads(json.dumps(result.problem.to_dict())))
    assert [dict(t.members) for t in again.teams] == [{"police": 1, "military": 1}] * 2
    routes = {r.team: r.extra["members"] for r in result.plan.routes}
    assert routes["T2"] == {
        "leader": "Lê Thị Cúc",
        "police": ["Lê Thị Cúc"],
        "military": ["Phạm Văn Dũng"],
        "militia": [],
    }
    # The rest of the night after an alarm is a valid problem too (it is built from the JSON).
    site = result.problem.sites[2].id
    answer = alarm_replan(result, inputs, site=site, at_s=SHIFT.high_risk_s[0], time_limit_s=1)
    assert contract_errors(answer.rest.problem, answer.rest.plan) == []
