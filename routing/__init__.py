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

__all__ = [
    "PLAN_FORMAT",
    "PROBLEM_FORMAT",
    "Node",
    "PatrolPlan",
    "PatrolProblem",
    "Route",
    "Site",
    "Stop",
    "Team",
    "Unserved",
    "Visit",
]
