"""The night shift's routing problem for the real default area, checked against the contract."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.area import Area, load_area
from geodata.incidents import generate_demo_incidents
from geodata.problem import TeamSpec, build_problem, site_table, visit_windows
from geodata.risk import RiskAssessment, assess_risk
from geodata.shift import Shift
from geodata.travel import travel_times
from patrolbase.errors import ProblemFormatError, SettingsError
from patrolbase.settings import Settings
from routing.model import PatrolProblem, Team

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

NIGHT = Shift.parse("2026-11-23", "22:00-05:00", "01:00-03:00")

# patrol-problem/1 (docs/contract.md) as a JSON schema: what a program sharing no code with the
# builder would check. Index ranges and the square matrix are checked beside it.
_WHOLE = {"type": "integer", "minimum": 0}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "name", "nodes", "travel_s", "teams", "sites"],
    "properties": {
        "format": {"const": "patrol-problem/1"},
        "name": {"type": "string"},
        "nodes": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "lat": {"type": "number", "minimum": -90, "maximum": 90},
                    "lon": {"type": "number", "minimum": -180, "maximum": 180},
                },
                "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
            },
        },
        "travel_s": {"type": "array", "items": {"type": "array", "items": _WHOLE}},
        "teams": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "start", "end", "shift"],
                "properties": {
                    "id": {"type": "string"},
                    "start": _WHOLE,
                    "end": _WHOLE,
                    "shift": {"type": "array", "items": _WHOLE, "minItems": 2, "maxItems": 2},
                    "members": {"type": "object", "additionalProperties": _WHOLE},
                },
            },
        },
        "sites": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "node", "service_s", "visits"],
                "properties": {
                    "id": {"type": "string"},
                    "node": _WHOLE,
                    "service_s": _WHOLE,
                    "min_gap_s": _WHOLE,
                    "visits": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["earliest", "latest", "value"],
                            "properties": {
                                "earliest": _WHOLE,
                                "latest": _WHOLE,
                                "value": {"type": "number", "minimum": 0},
                            },
                        },
                    },
                },
            },
        },
        "time_limit_s": {"type": "number", "exclusiveMinimum": 0},
        "seed": _WHOLE,
    },
}


@pytest.fixture(scope="module")
def area() -> Area:
    """Load the embedded default area (Hà Nội, Văn Miếu - Cát Linh)."""
    return load_area()


@pytest.fixture(scope="module")
def assessment(area: Area) -> RiskAssessment:
    """Risk of the area's facilities for the night shift, with a year of demonstration incidents."""
    crime = generate_demo_incidents(
        area.facilities, area.bbox, start="2025-11-23", end="2026-11-22", seed=3
    )
    return assess_risk(
        area.facilities,
        crime,
        shift=NIGHT,
        residential=area.residential,
        buildings=area.buildings,
        crs=area.crs,
    )


@pytest.fixture(scope="module")
def problem(area: Area, assessment: RiskAssessment) -> PatrolProblem:
    """Build the problem of two joint teams leaving from two police posts."""
    facilities = area.facilities
    ids = list(facilities.index)
    matrix = travel_times(area, np.column_stack([facilities["lon"], facilities["lat"]])).travel_s
    posts = list(facilities.index[facilities["kind"] == "police"])
    teams = [
        TeamSpec("T1", posts[0], {"police": 2, "militia": 1}),
        TeamSpec("T2", posts[1], {"police": 1, "military": 2}),
    ]
    return build_problem(assessment, travel_s=matrix, node_ids=ids, teams=teams, area=area.name)


def test_the_problem_passes_the_contract_schema_and_reads_back(problem: PatrolProblem) -> None:
    document = json.loads(json.dumps(problem.to_dict(), ensure_ascii=False))
    jsonschema.validate(document, PROBLEM_SCHEMA)
    n = len(document["nodes"])
    assert all(len(row) == n for row in document["travel_s"]) and len(document["travel_s"]) == n
    assert all(0 <= s["node"] < n for s in document["sites"])
    again = PatrolProblem.from_dict(document)
    assert again.to_dict() == problem.to_dict()
    assert document["shift"] == {
        "date": "2026-11-23", "start": "22:00", "end": "05:00", "high_risk": "01:00-03:00"
    }  # fmt: skip


def test_nodes_carry_coordinates_and_sites_their_names_kinds_and_levels(
    problem: PatrolProblem, area: Area
) -> None:
    assert [n.id for n in problem.nodes] == list(area.facilities.index)
    assert all(n.lat is not None and n.lon is not None for n in problem.nodes)
    kinds = {s.extra["kind"] for s in problem.sites}
    assert "police" not in kinds and {"bank", "atm"} <= kinds
    assert len(problem.sites) == len(area.facilities) - int(
        (area.facilities["kind"] == "police").sum()
    )
    levels = {s.extra["risk_level"] for s in problem.sites}
    assert levels <= {"low", "medium", "high", "very_high"} and len(levels) >= 3
    depot = problem.nodes[problem.teams[0].start]
    assert depot.extra["kind"] == "police"
    assert problem.teams[0].shift == (0, NIGHT.duration_s)
    assert problem.teams[0].members == {"police": 2, "militia": 1}


def test_the_high_risk_visits_at_the_riskiest_sites_are_worth_most(
    problem: PatrolProblem,
) -> None:
    visits = site_table(problem)
    hr_a, hr_b = NIGHT.high_risk_s
    inside = (visits["earliest"] >= hr_a) & (visits["latest"] <= hr_b)
    # Every site's most valuable visit is its high-risk one.
    best = visits.loc[visits.groupby("site")["value"].idxmax()]
    assert ((best["earliest"] >= hr_a) & (best["latest"] <= hr_b)).all()
    # The most valuable visits of the whole problem are high-risk visits, and they follow risk.
    top = visits.sort_values("value", ascending=False).head(10)
    assert inside.loc[top.index].all()
    hr = visits[inside].drop_duplicates("site")
    assert hr["value"].corr(hr["risk_score"], method="spearman") > 0.9
    riskiest = visits.loc[visits["risk_score"].idxmax(), "site"]
    assert top.iloc[0]["site"] == riskiest


def test_visits_dwell_and_gaps_follow_the_risk(problem: PatrolProblem) -> None:
    risk = Settings().risk
    by_site = {s.id: s for s in problem.sites}
    table = site_table(problem)
    counts = table.groupby("site")["visit"].count()
    scores = table.groupby("site")["risk_score"].first()
    # More risk, never fewer visits; the riskiest sites get several. Every site's first visit
    # is offered twice (inside the high-risk window or anywhere), one of the two at most.
    order = scores.sort_values().index
    assert counts[order].is_monotonic_increasing
    assert counts.max() > 2 and counts.min() == 2
    hr_a, hr_b = NIGHT.high_risk_s
    for site in by_site.values():
        assert site.service_s == risk.dwell_s[site.extra["risk_level"]]
        if site.extra["risk_level"] in ("high", "very_high"):
            assert 600 <= site.service_s <= 900  # the 10-15 minute hot-spot dosage
        assert site.min_gap_s == risk.min_gap_s
        assert site.one_of == ((0, 1),)
        inside, anywhere, *repeats = site.visits
        assert hr_a <= inside.earliest <= inside.latest <= hr_b
        assert anywhere.earliest == 0 and anywhere.latest == NIGHT.duration_s - site.service_s
        for v in site.visits:
            assert 0 <= v.earliest <= v.latest <= NIGHT.duration_s
        starts = sorted(v.earliest for v in repeats)
        assert len(set(starts)) == len(starts)
        # A repeat is worth less than a first visit: cover first, then deepen.
        assert all(v.value < anywhere.value for v in repeats)


def test_the_travel_matrix_is_used_as_given(problem: PatrolProblem, area: Area) -> None:
    facilities = area.facilities
    matrix = travel_times(area, np.column_stack([facilities["lon"], facilities["lat"]])).travel_s
    assert np.array_equal(problem.travel_s, matrix)
    assert not problem.travel_s.flags.writeable


def test_bad_inputs_name_the_problem(assessment: RiskAssessment, area: Area) -> None:
    ids = list(area.facilities.index)
    matrix = np.zeros((len(ids), len(ids)), dtype=np.int64)
    post = ids[list(area.facilities["kind"]).index("police")]
    team = [TeamSpec("T1", post)]
    with pytest.raises(ProblemFormatError, match="does not match the"):
        build_problem(assessment, travel_s=matrix[:-1], node_ids=ids, teams=team)
    with pytest.raises(ProblemFormatError, match="not facilities of the assessment"):
        build_problem(assessment, travel_s=matrix, node_ids=[*ids[:-1], "nowhere"], teams=team)
    with pytest.raises(ProblemFormatError, match="depot 'hq' is not one of the node ids"):
        build_problem(assessment, travel_s=matrix, node_ids=ids, teams=[TeamSpec("T1", "hq")])
    negative = matrix.copy()
    negative[0, 1] = -5
    with pytest.raises(ProblemFormatError, match=r"travel_s\[0\]\[1\] = -5"):
        build_problem(assessment, travel_s=negative, node_ids=ids, teams=team)
    with pytest.raises(SettingsError, match="outside the shift"):
        late = TeamSpec("T1", post, start=pd.Timestamp("2026-11-24 09:00").time())
        build_problem(assessment, travel_s=matrix, node_ids=ids, teams=[late])
    with pytest.raises(ProblemFormatError, match="at least one team"):
        build_problem(assessment, travel_s=matrix, node_ids=ids, teams=[])


def test_teams_given_as_contract_teams_and_partial_shifts(
    assessment: RiskAssessment, area: Area
) -> None:
    ids = list(area.facilities.index)
    matrix = np.full((len(ids), len(ids)), 60)
    np.fill_diagonal(matrix, 0)
    post = list(area.facilities["kind"]).index("police")
    later = TeamSpec("T2", ids[post], start=pd.Timestamp("00:00").time())
    built = build_problem(
        assessment,
        travel_s=matrix,
        node_ids=ids,
        teams=[Team("T1", post, post, (0, 3600)), later],
    )
    assert built.teams[0].shift == (0, 3600)
    assert built.teams[1].shift == (7200, NIGHT.duration_s)
    assert all(s.node != post for s in built.sites)


@given(
    start=st.integers(0, 23),
    length=st.integers(2, 14),
    hr_offset=st.integers(0, 12),
    hr_length=st.integers(1, 4),
    count=st.integers(1, 6),
    service=st.sampled_from([0, 180, 600, 900]),
)
@settings(max_examples=150, deadline=None)
def test_visit_windows_stay_in_the_shift_and_put_the_first_in_the_high_risk_window(
    start: int, length: int, hr_offset: int, hr_length: int, count: int, service: int
) -> None:
    if hr_offset + hr_length > length:
        return
    shift = Shift.parse(
        "2026-11-23",
        f"{start:02d}:00-{(start + length) % 24:02d}:00",
        f"{(start + hr_offset) % 24:02d}:00-{(start + hr_offset + hr_length) % 24:02d}:00",
    )
    windows = visit_windows(shift, count, service_s=service)
    hr_a, hr_b = shift.high_risk_s
    assert len(windows) == count
    assert windows[0][2] and hr_a <= windows[0][0] <= windows[0][1] <= hr_b
    for earliest, latest, high in windows:
        assert 0 <= earliest <= latest <= shift.duration_s
        if not high:
            assert earliest >= hr_b or latest <= hr_a
    starts = [w[0] for w in windows]
    assert len(set(starts)) == len(starts)


def test_a_plan_started_from_the_reduced_plan_keeps_its_top_level_coverage(
    problem: PatrolProblem,
) -> None:
    from geodata.capacity import night_capacity
    from geodata.coverage import target_coverage
    from routing.solve import solve

    capacity = night_capacity(problem, high_risk_s=NIGHT.high_risk_s, extra_teams=0, seed=1)
    warm = {r.team: [(s.site, s.visit) for s in r.stops] for r in capacity.plan.routes}
    plan = solve(problem, time_limit_s=2, seed=1, warm=warm)
    top = target_coverage(problem, plan, high_risk_s=NIGHT.high_risk_s)["levels"]["very_high"]
    assert capacity.top == top["targets"] > 10
    # The dominant values keep at least what the reduced problem proved possible, and the
    # full night adds lower visits around it.
    assert top["covered"] >= capacity.fit_night == capacity.top
    assert top["in_window"] >= capacity.fit_window
    assert sum(len(r.stops) for r in plan.routes) > sum(len(r.stops) for r in capacity.plan.routes)
