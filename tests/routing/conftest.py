"""Fixtures of the routing tests: the independent plan checker and problem factories."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

BENCH = Path(__file__).parents[2] / "bench"

Checker = Callable[[dict[str, Any], dict[str, Any]], list[str]]


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def check() -> Checker:
    """``check(problem_dict, plan_dict) -> [errors]``: shares no code with the solver."""
    return _load("_checker").check_plan  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def toptw() -> Callable[[str, int], dict[str, Any]]:
    """``toptw(name, teams)``: a real TOPTW benchmark instance as a problem document."""
    return _load("_toptw_io").to_problem  # type: ignore[no-any-return]


def make_problem(
    seed: int,
    *,
    sites: int = 12,
    visits: int = 2,
    teams: int = 2,
    depots: int = 1,
    shift_s: int = 25_200,
    gap_s: int = 0,
    service_s: int = 300,
    spread_s: int = 900,
) -> dict[str, Any]:
    """Make a random patrol-like problem: points on a plane, asymmetric travel, windows, values."""
    rng = np.random.default_rng(seed)
    n = depots + sites
    xy = rng.random((n, 2)) * spread_s
    base = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    travel = np.floor(base * rng.uniform(1.0, 1.3, size=(n, n))).astype(int)
    np.fill_diagonal(travel, 0)
    doc_sites = []
    for s in range(sites):
        vs = []
        for _ in range(visits):
            a = int(rng.integers(0, shift_s - 3600))
            b = min(shift_s - 600, a + int(rng.integers(1200, 7200)))
            vs.append({"earliest": a, "latest": b, "value": int(rng.integers(1, 100))})
        doc_sites.append(
            {
                "id": f"s{s}",
                "node": depots + s,
                "service_s": service_s,
                "min_gap_s": gap_s,
                "visits": vs,
            }
        )
    return {
        "format": "patrol-problem/1",
        "name": f"random {seed}",
        "nodes": [{"id": f"n{i}"} for i in range(n)],
        "travel_s": travel.tolist(),
        "teams": [
            {
                "id": f"T{t + 1}",
                "start": t % depots,
                "end": t % depots,
                "shift": [0, shift_s],
                "members": {"police": 2, "military": 1},
            }
            for t in range(teams)
        ],
        "sites": doc_sites,
    }


@pytest.fixture(scope="session")
def random_problem() -> Callable[..., dict[str, Any]]:
    """Return the factory of random patrol-like problem documents (see ``make_problem``)."""
    return make_problem
