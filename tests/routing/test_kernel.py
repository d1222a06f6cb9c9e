"""The compiled kernels of the search agree with plain Python and keep every rule."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from routing import PatrolProblem, _kernel
from routing._compile import compile_problem
from routing._heuristic import _Arrays, _State, improve, schedule

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop


def test_compiled_schedule_matches_the_plain_one(random_problem):
    doc = random_problem(23, sites=14, visits=2, teams=3, depots=2, gap_s=1800)
    c = compile_problem(PatrolProblem.from_dict(doc))
    arrays = _Arrays(c)
    rng = np.random.default_rng(0)
    feasible = 0
    for _ in range(300):
        t = int(rng.integers(c.n_teams))
        route = rng.permutation(c.n_visits)[: int(rng.integers(0, 7))].tolist()
        routes = np.zeros((c.n_teams, c.n_visits + 1), dtype=np.int64)
        routes[t, : len(route)] = route
        lens = np.zeros(c.n_teams, dtype=np.int64)
        lens[t] = len(route)
        start = np.full(c.n_visits, -1, dtype=np.int64)
        travel, cost = np.zeros(c.n_teams, np.int64), np.zeros(c.n_teams, np.int64)
        counts = np.zeros(3, dtype=np.int64)
        ok = _kernel.time_route(t, arrays.problem, routes, lens, start, travel, cost, counts)
        plain = schedule(c, t, route)
        assert ok == (plain is not None)
        if plain is not None:
            feasible += 1
            assert start[route].tolist() == plain[0]
            assert int(travel[t]) == plain[2]
    # Both outcomes were exercised.
    assert 20 < feasible < 280


def test_insertion_keeps_windows_shifts_and_gaps(random_problem):
    # Two visits per site at least 30 minutes apart, three teams from two depots.
    doc = random_problem(17, sites=14, visits=2, teams=3, depots=2, gap_s=1800)
    c = compile_problem(PatrolProblem.from_dict(doc))
    got = improve(c, seed=3, iterations=500, time_limit_s=60.0, patience=20)
    assert got.units > 0
    starts: dict[int, int] = {}
    for t, route in enumerate(got.routes):
        timed = schedule(c, t, route)
        assert timed is not None
        starts.update(zip(route, timed[0], strict=True))
    assert len(starts) == sum(len(r) for r in got.routes)
    for a, b, gap in c.gap_pairs:
        if a in starts and b in starts:
            assert abs(starts[a] - starts[b]) >= gap
    # The state rebuilt from the routes scores what the search reported.
    state = _State(c, _Arrays(c), got.routes)
    assert state.units == got.units
    assert int(state.travel.sum()) == got.travel


def test_a_fresh_process_does_not_spend_its_time_limit_loading_the_kernels(
    tmp_path, random_problem
):
    # Loading the compiled kernels from their cache takes about 0.6 s: counted on the clock it
    # would end a search sized for 0.5 s of a 2 s limit by the clock (and the plan would not
    # be reproducible).
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(random_problem(3, sites=12, teams=2)), encoding="utf-8")
    code = (
        "import json, sys\n"
        "from routing import PatrolProblem, solve\n"
        "problem = PatrolProblem.from_dict(json.loads(open(sys.argv[1]).read()))\n"
        "print(json.dumps(solve(problem, time_limit_s=2.0, work_s=0.5, seed=1).extra['search']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    search = json.loads(done.stdout.strip().splitlines()[-1])
    assert search["stopped_by"] in ("patience", "work")


def test_the_construction_fills_every_team_when_a_sites_visits_must_be_apart(random_problem):
    """Three visits a site, each open all night, an hour apart: every team gets its loop.

    The best-rated cells put a site's next visit beside its first, with no travel; the gap rule
    refuses them all. The construction once gave up after eight such refusals in a row and left
    most teams at their depot (a 1,000-site night used 7 of its 30 teams).
    """
    doc = random_problem(31, sites=60, visits=3, teams=5, gap_s=3600, service_s=600)
    for site in doc["sites"]:
        for visit in site["visits"]:
            visit["earliest"], visit["latest"] = 0, 25_200 - 600
    c = compile_problem(PatrolProblem.from_dict(doc))
    built = improve(c, seed=1, iterations=0, time_limit_s=60)
    assert all(len(route) >= 10 for route in built.routes), [len(r) for r in built.routes]
    starts: dict[int, int] = {}
    for t, route in enumerate(built.routes):
        timed = schedule(c, t, route)
        assert timed is not None
        starts.update(zip(route, timed[0], strict=True))
    for a, b, gap in c.gap_pairs:
        if a in starts and b in starts:
            assert abs(starts[a] - starts[b]) >= gap
