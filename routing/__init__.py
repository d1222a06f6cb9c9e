"""Routing engine: ``patrol-problem/1`` in, ``patrol-plan/1`` out. Knows nothing of maps."""

from routing.model import (
    PLAN_FORMAT,
    PROBLEM_FORMAT,
    Node,
    PatrolPlan,
    PatrolProblem,
    Route,
    Site,
    Stop,
    Team,
    Unserved,
    Visit,
)
from routing.params import SearchParams
from routing.solve import solve

__all__ = [
    "PLAN_FORMAT",
    "PROBLEM_FORMAT",
    "Node",
    "PatrolPlan",
    "PatrolProblem",
    "Route",
    "SearchParams",
    "Site",
    "Stop",
    "Team",
    "Unserved",
    "Visit",
    "solve",
]
