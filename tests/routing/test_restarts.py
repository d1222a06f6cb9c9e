"""Restarts of a stalled search: from the best routes (worker 0) or afresh (worker 1)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from routing import PatrolProblem
from routing._compile import compile_problem
from routing._heuristic import improve, schedule


@pytest.mark.slow
def test_fresh_restarts_leave_the_region_a_stalled_search_sits_in(toptw):
    # rc103 with one team: every restart from the best routes ends at 263 (11 stops, a round
    # removes at most 4 of them); fresh constructions find loops worth 265 or more.
    c = compile_problem(PatrolProblem.from_dict(toptw("rc103", 1)), variety=0.15, seed=1)
    kw = {"seed": 1, "iterations": 100_000, "time_limit_s": 120.0, "patience": 500}
    stuck = improve(c, restart="best", work=1000.0, **kw)
    fresh = improve(c, restart="scratch", work=1000.0, **kw)
    assert stuck.stopped_by == fresh.stopped_by == "work"
    assert stuck.restarts >= 5 and fresh.restarts >= 5
    assert stuck.units == 263
    assert fresh.units >= 265
    for t, route in enumerate(fresh.routes):
        assert schedule(c, t, route) is not None


@pytest.mark.slow
def test_fresh_restarts_keep_locked_stops_in_order(random_problem):
    doc = random_problem(41, sites=12, visits=2, teams=2, depots=1)
    c = compile_problem(PatrolProblem.from_dict(doc))
    first = improve(c, seed=5, iterations=300, time_limit_s=60.0)
    locks = tuple(tuple(r[:2]) for r in first.routes)
    assert all(len(seq) == 2 for seq in locks)
    locked = dataclasses.replace(c, locked=locks)
    # A short patience forces many restarts; each fresh construction starts from the locks.
    got = improve(
        locked, seed=5, iterations=2000, time_limit_s=60.0, patience=20, restart="scratch"
    )
    assert got.restarts >= 10
    for t, route in enumerate(got.routes):
        assert [k for k in route if k in locks[t]] == list(locks[t])
        assert schedule(locked, t, route) is not None
    assert got.units >= int(np.sum(c.units[[k for seq in locks for k in seq]]))


@pytest.mark.slow
def test_a_search_that_finds_nothing_better_stops_early(random_problem):
    # Twelve sites and two teams: the best is found quickly, then restarts in a row find
    # nothing better and the search stops long before its budget of rounds.
    c = compile_problem(PatrolProblem.from_dict(random_problem(7, sites=12, teams=2)))
    got = improve(c, seed=1, iterations=1_000_000, time_limit_s=60.0, patience=50)
    assert got.stopped_by == "patience"
    assert got.iterations < 100_000
