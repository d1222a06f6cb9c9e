"""Locked stops: kept on their team, in their order, in a plan the independent checker accepts."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from patrolbase.errors import InfeasiblePlanError
from routing import PatrolProblem, solve
from routing._compile import compile_problem
from routing._ortools import SearchConfig, search
from routing.replan import replan

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop


def _solve(doc: dict[str, Any], **kw: Any) -> dict[str, Any]:
    plan = solve(PatrolProblem.from_dict(doc), **kw)
    return json.loads(json.dumps(plan.to_dict()))


def _stops(plan: dict[str, Any], team: str) -> list[tuple[str, int]]:
    route = next((r for r in plan["routes"] if r["team"] == team), None)
    return [(s["site"], s["visit"]) for s in route["stops"]] if route else []


def _in_order(stops: list[tuple[str, int]], locked: list[tuple[str, int]]) -> bool:
    it = iter(stops)
    return all(any(s == want for s in it) for want in locked)


@pytest.fixture(scope="module")
def night(random_problem) -> tuple[dict[str, Any], dict[str, Any]]:
    # One depot and equal shifts: any team can drive another team's route.
    doc = random_problem(31, sites=14, visits=2, teams=3, depots=1, gap_s=3600)
    return doc, _solve(doc, time_limit_s=4, seed=3)


def test_locked_stops_move_to_their_team_in_order(night, check):
    doc, free = night
    busiest = max(free["routes"], key=lambda r: len(r["stops"]))["team"]
    mine = _stops(free, busiest)
    assert len(mine) >= 4
    one, two = [t["id"] for t in doc["teams"] if t["id"] != busiest]
    # Another team must drive the busiest team's first three stops in that order, a third team
    # its last stop.
    locked = {one: mine[:3], two: mine[-1:]}
    plan = _solve(doc, time_limit_s=4, seed=3, locked=locked)
    assert check(doc, plan) == []
    assert _in_order(_stops(plan, one), locked[one])
    assert _in_order(_stops(plan, two), locked[two])
    assert not {*locked[one], *locked[two]} & set(_stops(plan, busiest))
    # The search still fills the night around the locks.
    assert plan["value"] >= 0.9 * free["value"]


def test_a_worthless_locked_visit_is_still_made(random_problem, check):
    doc = random_problem(32, sites=10, visits=1, teams=2)
    site = doc["sites"][4]
    site["visits"][0].update(earliest=0, latest=20_000, value=0)
    plan = _solve(doc, time_limit_s=3, seed=1, locked={"T2": [(site["id"], 0)]})
    assert check(doc, plan) == []
    assert (site["id"], 0) in _stops(plan, "T2")


def test_or_tools_alone_respects_locks(toptw):
    doc = toptw("c101", 2)
    problem = PatrolProblem.from_dict(doc)
    c = compile_problem(problem)
    # Three visits on the second vehicle, in window order; no warm start.
    first, second, third = sorted((20, 5, 40), key=lambda k: int(c.earliest[k]))
    c = dataclasses.replace(c, locked=((), (first, second, third)))
    found = search(c, config=SearchConfig(time_limit_s=3, round_solutions=200))
    assert found.stopped_by != "no_solution"
    route = found.routes[1]
    assert [k for k in route if k in (first, second, third)] == [first, second, third]
    assert not {first, second, third} & set(found.routes[0])


def test_a_lock_outside_its_window_is_refused_naming_team_and_site(random_problem):
    doc = random_problem(33, sites=8, visits=1, teams=2)
    a, b = doc["sites"][0], doc["sites"][1]
    a["visits"][0].update(earliest=20_000, latest=22_000)
    b["visits"][0].update(earliest=1_000, latest=3_000)
    # b after a: b's window has closed long before a is done.
    with pytest.raises(InfeasiblePlanError) as caught:
        solve(
            PatrolProblem.from_dict(doc),
            time_limit_s=2,
            locked={"T2": [(a["id"], 0), (b["id"], 0)]},
        )
    message = str(caught.value)
    assert "T2" in message and repr(b["id"]) in message
    assert caught.value.message_vi is not None
    assert "Tổ T2" in caught.value.message_vi and b["id"] in caught.value.message_vi
    # The other order is fine.
    plan = _solve(doc, time_limit_s=2, seed=1, locked={"T2": [(b["id"], 0), (a["id"], 0)]})
    assert _in_order(_stops(plan, "T2"), [(b["id"], 0), (a["id"], 0)])


def test_a_lock_past_the_shift_end_is_refused(random_problem):
    doc = random_problem(34, sites=8, visits=1, teams=2, shift_s=10_000)
    site = doc["sites"][2]
    site["visits"][0].update(earliest=9_990, latest=9_999)
    with pytest.raises(InfeasiblePlanError, match=r"team T1 .*'s2'.*end of its shift"):
        solve(PatrolProblem.from_dict(doc), time_limit_s=2, locked={"T1": [("s2", 0)]})


@pytest.mark.parametrize(
    ("locked", "words"),
    [
        ({"T9": [("s0", 0)]}, "no team 'T9'"),
        ({"T1": [("nowhere", 0)]}, "'nowhere' has no visit 0"),
        ({"T1": [("s0", 5)]}, "'s0' has no visit 5"),
        ({"T1": [("s0", 0)], "T2": [("s0", 0)]}, "locked twice"),
    ],
)
def test_bad_locks_name_what_is_wrong(random_problem, locked, words):
    doc = random_problem(35, sites=6, visits=1, teams=2)
    with pytest.raises(InfeasiblePlanError, match=words):
        solve(PatrolProblem.from_dict(doc), time_limit_s=1, locked=locked)


def test_replan_keeps_locks_of_the_rest_of_the_night(night, check):
    doc, free = night
    problem = PatrolProblem.from_dict(doc)
    plan = PatrolPlan_from(free)
    late = [(s["site"], s["visit"]) for s in free["routes"][0]["stops"] if s["start"] > 15_000]
    assert late
    other = next(t["id"] for t in doc["teams"] if t["id"] != free["routes"][0]["team"])
    result = replan(problem, plan, now_s=12_000, time_limit_s=3, seed=2, locked={other: late[-1:]})
    rest = json.loads(json.dumps(result.problem.to_dict()))
    new = json.loads(json.dumps(result.plan.to_dict()))
    assert check(rest, new) == []
    site, visit = late[-1]
    served = [
        (s["site"], rest_index(rest, s["site"], s["visit"]))
        for r in new["routes"]
        if r["team"] == other
        for s in r["stops"]
    ]
    assert (site, visit) in served


def PatrolPlan_from(doc: dict[str, Any]):
    from routing.model import PatrolPlan

    return PatrolPlan.from_dict(doc)


def rest_index(rest: dict[str, Any], site: str, visit: int) -> int:
    s = next(x for x in rest["sites"] if x["id"] == site)
    return int(s["visit_index"][visit])


def test_locks_against_a_gap_rule_are_refused(random_problem):
    doc = random_problem(36, sites=6, visits=2, teams=2, gap_s=3600)
    site = doc["sites"][0]
    # Two visits of one site at the same hour on two teams: the gap rule cannot hold.
    for v in site["visits"]:
        v.update(earliest=5_000, latest=5_600)
    with pytest.raises(InfeasiblePlanError, match=r"'s0'.*minimum gap") as caught:
        solve(
            PatrolProblem.from_dict(doc),
            time_limit_s=1,
            locked={"T1": [("s0", 0)], "T2": [("s0", 1)]},
        )
    assert "T1" in str(caught.value) and "T2" in str(caught.value)
