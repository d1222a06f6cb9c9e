"""What a plan achieves: value and its share, high-risk visits, time per team, idle time, overlap.

All figures are recomputed from the problem and the plan's stops, so they hold for any plan that
satisfies the contract (also one written by another program).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from patrolbase.errors import SettingsError
from routing.model import PatrolPlan, PatrolProblem

__all__ = ["PlanMetrics", "TeamMetrics", "overlap", "plan_metrics", "summarize"]

HIGH_RISK_S = (10_800, 18_000)
"""01:00-03:00 in seconds from a 22:00 shift start (the default high-risk window)."""


@dataclass(frozen=True)
class TeamMetrics:
    """One team's night: stops, driving, time out and waiting."""

    team: str
    stops: int
    travel_s: int
    duration_s: int
    idle_s: int
    service_s: int


@dataclass(frozen=True)
class PlanMetrics:
    """Figures of a plan; ``high_risk_*`` count visits whose window lies in the high-risk window."""

    value: float
    total_value: float
    value_share: float
    high_risk_served: int
    high_risk_available: int
    travel_s: int
    idle_s: int
    teams: tuple[TeamMetrics, ...]
    unserved: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (for ``PatrolPlan.extra["metrics"]`` and exports)."""
        return asdict(self) | {"teams": [asdict(t) for t in self.teams]}


def summarize(
    problem: PatrolProblem,
    plan: PatrolPlan,
    *,
    high_risk_s: tuple[int, int] = HIGH_RISK_S,
) -> PlanMetrics:
    """Figures of ``plan`` for ``problem``.

    Parameters
    ----------
    problem
        The problem the plan answers.
    plan
        The plan.
    high_risk_s
        The high-risk window ``(start, end)`` in seconds from the shift start; a visit is
        high-risk when its whole window lies inside it (``Shift.high_risk_s`` gives it).

    Returns
    -------
    PlanMetrics
        Value and its share of all available value, high-risk visits served out of available,
        travel, time out, service and idle (waiting) time per team, unserved counts by reason.

    """
    sites = {s.id: s for s in problem.sites}
    lo, hi = high_risk_s

    def high(site_id: str, visit: int) -> bool:
        v = sites[site_id].visits[visit]
        return lo <= v.earliest and v.latest <= hi

    available = sum(high(s.id, k) for s in problem.sites for k in range(len(s.visits)))
    served_high = 0
    value = 0.0
    teams = []
    for route in plan.routes:
        idle = service = 0
        for stop in route.stops:
            value += sites[stop.site].visits[stop.visit].value
            served_high += high(stop.site, stop.visit) and lo <= stop.start <= hi
            idle += stop.start - stop.arrive
            service += stop.depart - stop.start
        teams.append(
            TeamMetrics(
                route.team,
                len(route.stops),
                route.travel_s,
                route.return_ - route.depart,
                idle,
                service,
            )
        )
    total = problem.total_value
    reasons = Counter(u.reason or "unknown" for u in plan.unserved)
    return PlanMetrics(
        value=value,
        total_value=total,
        value_share=value / total if total else 0.0,
        high_risk_served=int(served_high),
        high_risk_available=int(available),
        travel_s=sum(t.travel_s for t in teams),
        idle_s=sum(t.idle_s for t in teams),
        teams=tuple(teams),
        unserved=dict(sorted(reasons.items())),
    )


def plan_metrics(
    problem: PatrolProblem,
    plan: PatrolPlan,
    *,
    high_risk: tuple[int, int] = HIGH_RISK_S,
) -> dict[str, Any]:
    """Return ``summarize(...)`` as a plain dict, for ``patrol plan`` and the dashboard."""
    return summarize(problem, plan, high_risk_s=high_risk).to_dict()


def overlap(plan_a: PatrolPlan, plan_b: PatrolPlan, *, slot_s: int = 1800) -> float:
    """Share of stops at the same site in the same time slot in both plans.

    A stop is the pair (site, ``start // slot_s``); the share is the number of pairs both plans
    have over the number in the larger plan: 1 for two identical nights, 0 for nights an
    observer of one learns nothing from about the other. Two empty plans overlap fully.

    >>> from routing.model import PatrolPlan
    >>> empty = PatrolPlan("p", 0, 0, (), ())
    >>> overlap(empty, empty)
    1.0
    """
    if slot_s <= 0:
        msg = f"slot_s = {slot_s}: the slot must be a positive number of seconds, e.g. 1800"
        raise SettingsError(msg)

    def slots(plan: PatrolPlan) -> set[tuple[str, int]]:
        return {(s.site, s.start // slot_s) for r in plan.routes for s in r.stops}

    a, b = slots(plan_a), slots(plan_b)
    if not a and not b:
        return 1.0
    return len(a & b) / max(len(a), len(b))
