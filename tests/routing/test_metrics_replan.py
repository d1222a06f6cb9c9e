"""Plan figures, night-to-night overlap, and re-planning after an alarm."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from patrolbase.errors import InfeasiblePlanError, SettingsError
from routing import PatrolPlan, PatrolProblem, solve
from routing.metrics import overlap, summarize
from routing.replan import positions_at, replan

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

PROBLEM = {
    "format": "patrol-problem/1",
    "name": "two banks",
    "nodes": [{"id": "hq"}, {"id": "a"}, {"id": "b"}],
    "travel_s": [[0, 100, 200], [100, 0, 150], [200, 150, 0]],
    "teams": [
        {"id": "T1", "start": 0, "end": 0, "shift": [0, 25200]},
        {"id": "T2", "start": 0, "end": 0, "shift": [0, 25200]},
    ],
    "sites": [
        {
            "id": "a",
            "node": 1,
            "service_s": 600,
            "visits": [
                {"earliest": 10800, "latest": 18000, "value": 60},
                {"earliest": 0, "latest": 25200, "value": 10},
            ],
        },
        {
            "id": "b",
            "node": 2,
            "service_s": 300,
            "visits": [{"earliest": 12000, "latest": 14000, "value": 30}],
        },
    ],
}
PLAN = {
    "format": "patrol-plan/1",
    "problem": "two banks",
    "value": 90,
    "travel_s": 450,
    "routes": [
        {
            "team": "T1",
            "depart": 10000,
            "return": 12500,
            "travel_s": 450,
            "stops": [
                {
                    "site": "a",
                    "visit": 0,
                    "node": 1,
                    "arrive": 10100,
                    "start": 10800,
                    "depart": 11400,
                },
                {
                    "site": "b",
                    "visit": 0,
                    "node": 2,
                    "arrive": 11550,
                    "start": 12000,
                    "depart": 12300,
                },
            ],
        }
    ],
    "unserved": [{"site": "a", "visit": 1, "reason": "no_time"}],
}


def test_summary_figures_are_recomputed_from_the_stops(check):
    assert check(PROBLEM, PLAN) == []  # the hand-made plan is itself valid
    m = summarize(PatrolProblem.from_dict(PROBLEM), PatrolPlan.from_dict(PLAN))
    assert (m.value, m.total_value) == (90, 100)
    assert m.value_share == pytest.approx(0.9)
    assert (m.high_risk_served, m.high_risk_available) == (2, 2)
    (t1,) = m.teams
    assert (t1.team, t1.stops, t1.travel_s, t1.duration_s) == ("T1", 2, 450, 2500)
    assert (t1.idle_s, t1.service_s) == (700 + 450, 900)
    assert m.unserved == {"no_time": 1}
    # A later high-risk window: visit a#0 is no longer inside it.
    late = summarize(
        PatrolProblem.from_dict(PROBLEM), PatrolPlan.from_dict(PLAN), high_risk_s=(11_000, 18_000)
    )
    assert (late.high_risk_served, late.high_risk_available) == (1, 1)
    assert json.loads(json.dumps(m.to_dict()))["teams"][0]["idle_s"] == 1150


def test_overlap_counts_same_site_in_same_slot():
    plan = PatrolPlan.from_dict(PLAN)
    assert overlap(plan, plan) == 1.0
    moved = json.loads(json.dumps(PLAN))
    moved["routes"][0]["stops"][1]["start"] = 14000  # b in another half hour
    assert overlap(plan, PatrolPlan.from_dict(moved)) == 0.5
    assert overlap(plan, PatrolPlan.from_dict(moved), slot_s=7200) == 1.0
    with pytest.raises(SettingsError):
        overlap(plan, plan, slot_s=0)


def test_two_seeds_make_nights_that_overlap_less(random_problem):
    doc = random_problem(5, sites=16, visits=2, teams=2, gap_s=3600)
    problem = PatrolProblem.from_dict(doc)
    a = solve(problem, time_limit_s=20, seed=1)
    b = solve(problem, time_limit_s=20, seed=2)
    assert b.value >= 0.97 * a.value and a.value >= 0.97 * b.value
    assert overlap(a, b) < 1.0
    assert overlap(a, a) == 1.0


def _originals(doc: dict[str, Any], plan: dict[str, Any]) -> list[tuple[str, int, int]]:
    sites = {s["id"]: s for s in doc["sites"]}
    return [
        (s["site"], sites[s["site"]]["visit_index"][s["visit"]], s["start"])
        for r in plan["routes"]
        for s in r["stops"]
    ]


def test_replan_after_an_alarm_sends_the_nearest_team_and_keeps_the_night_valid(
    random_problem, check
):
    doc = random_problem(8, sites=12, visits=2, teams=3, depots=2, gap_s=3600)
    problem = PatrolProblem.from_dict(doc)
    plan = solve(problem, time_limit_s=10, seed=1)
    now = 9000
    alarm = doc["sites"][5]
    result = replan(
        problem,
        plan,
        now_s=now,
        alarm_site=alarm["id"],
        alarm_service_s=900,
        time_limit_s=10,
        seed=2,
    )

    # Kept: exactly the stops started by now.
    for route in plan.routes:
        assert result.kept[route.team] == tuple(s for s in route.stops if s.start <= now)
    # Dispatch: the team that gets there first from where it is free, recomputed here.
    where = positions_at(problem, plan, now)
    arrivals = {t: p.time_s + doc["travel_s"][p.node][alarm["node"]] for t, p in where.items()}
    assert result.dispatch is not None
    assert arrivals[result.dispatch.team] == min(arrivals.values())
    assert result.dispatch.free_s == result.dispatch.arrive_s + 900

    # The rest of the night is a valid plan of the new problem; sent team starts at the alarm.
    rest_doc = json.loads(json.dumps(result.problem.to_dict()))
    rest_plan = json.loads(json.dumps(result.plan.to_dict()))
    assert check(rest_doc, rest_plan) == []
    sent = next(t for t in rest_doc["teams"] if t["id"] == result.dispatch.team)
    assert sent["start"] == alarm["node"] and sent["shift"][0] == result.dispatch.free_s
    # No visit is made twice, and the gap holds across kept and new stops.
    made = [(s.site, s.visit, s.start) for stops in result.kept.values() for s in stops]
    later = _originals(rest_doc, rest_plan)
    assert len({(s, v) for s, v, _ in made + later}) == len(made) + len(later)
    for site in doc["sites"]:
        starts = sorted(t for s, _, t in made + later if s == site["id"])
        assert all(b - a >= site["min_gap_s"] for a, b in itertools.pairwise(starts))


def test_replan_without_alarm_and_unknown_alarm_site(random_problem, check):
    doc = random_problem(9, sites=8, visits=1, teams=2)
    problem = PatrolProblem.from_dict(doc)
    plan = solve(problem, time_limit_s=5, seed=1)
    result = replan(problem, plan, now_s=0, time_limit_s=5, seed=1)
    assert result.dispatch is None
    assert (
        check(
            json.loads(json.dumps(result.problem.to_dict())),
            json.loads(json.dumps(result.plan.to_dict())),
        )
        == []
    )
    with pytest.raises(InfeasiblePlanError, match="no-such-bank"):
        replan(problem, plan, now_s=0, alarm_site="no-such-bank")
