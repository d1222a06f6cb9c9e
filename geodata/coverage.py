"""What a night covers, counted by target as a commander reads a plan.

``target_coverage`` counts, for each risk level, the targets visited during the shift and inside
the high-risk window, the repeat visits, and the risk covered (in the risk points of
``geodata.problem``, without the top level's priority bonuses). Every top-level target left out
of the night or of the window is listed with why:

- ``too_far``: no team can reach it and be back at its depot within the shift;
- ``window_unreachable``: no team can be there inside the high-risk window (it is visited, or
  offered, at another time of the night);
- ``no_time``: the teams' time went to other top-level targets.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from patrolbase.schema import is_key_route
from routing.model import PatrolPlan, PatrolProblem

__all__ = ["LEVELS", "LEVEL_RANK", "target_coverage"]

LEVELS = ("very_high", "high", "medium", "low")
"""Risk levels, highest first."""

LEVEL_RANK = {level: len(LEVELS) - 1 - i for i, level in enumerate(LEVELS)}
"""Rank of each level, low 0 to very high 3."""


def target_coverage(
    problem: PatrolProblem, plan: PatrolPlan, *, high_risk_s: tuple[int, int]
) -> dict[str, Any]:
    """Targets covered by ``plan``, by level, in the shift and in the high-risk window.

    Parameters
    ----------
    problem
        Built by ``geodata.problem.build_problem`` (sites carry ``risk_level``, ``top``,
        ``risk_values`` and ``name`` extras; other problems count every site as one target).
    plan
        A plan of ``problem``.
    high_risk_s
        The high-risk window, seconds from the shift start.

    Returns
    -------
    dict
        ``levels``: level -> ``{"targets", "covered", "in_window"}``; ``targets``, ``visited``
        (distinct targets), ``visits``, ``repeat_visits``, ``risk_covered``, ``risk_total``,
        ``risk_share``; ``top_left``: one entry per top-level target not visited inside the
        window, with ``site``, ``name``, ``covered`` (visited at another time) and ``reason``;
        ``key_routes``: one entry per key route (``geodata.keyroutes``; not a target), with
        ``site``, ``name``, ``team``, ``start`` and ``end`` (seconds) when driven, else ``None``.

    """
    lo, hi = high_risk_s
    starts: dict[str, list[int]] = {}
    served: set[tuple[str, int]] = set()
    driven: dict[str, tuple[str, int, int]] = {}
    for route in plan.routes:
        for stop in route.stops:
            if is_key_route(stop.site):
                driven[stop.site] = (route.team, stop.start, stop.depart)
                continue
            starts.setdefault(stop.site, []).append(stop.start)
            served.add((stop.site, stop.visit))
    reasons = {(u.site, u.visit): u.reason or "" for u in plan.unserved}
    levels = {level: Counter[str]() for level in LEVELS}
    top_left = []
    risk_covered = risk_total = 0.0
    targets = [site for site in problem.sites if not is_key_route(site.id)]
    for site in targets:
        level = str(site.extra.get("risk_level", "low"))
        times = starts.get(site.id, [])
        in_window = any(lo <= t <= hi for t in times)
        count = levels.setdefault(level, Counter())
        count["targets"] += 1
        count["covered"] += bool(times)
        count["in_window"] += in_window
        values = site.extra.get("risk_values") or [v.value for v in site.visits]
        if "visit_index" in site.extra:  # a re-planned rest of the night keeps some visits
            values = [values[i] for i in site.extra["visit_index"]]
        firsts = len(site.one_of[0]) if site.one_of else 1
        risk_total += max(values[:firsts]) + sum(values[firsts:])
        risk_covered += sum(values[k] for k in range(len(values)) if (site.id, k) in served)
        if site.extra.get("top") and not in_window:
            top_left.append(
                {
                    "site": site.id,
                    "name": str(site.extra.get("name", site.id)),
                    "covered": bool(times),
                    "reason": _why(reasons.get((site.id, 0), ""), reasons.get((site.id, 1), "")),
                }
            )
    visits = sum(len(t) for t in starts.values())
    return {
        "levels": {level: dict(count) for level, count in levels.items() if count},
        "targets": len(targets),
        "visited": len(starts),
        "visits": visits,
        "repeat_visits": visits - len(starts),
        "risk_covered": round(risk_covered),
        "risk_total": round(risk_total),
        "risk_share": risk_covered / risk_total if risk_total else 0.0,
        "top_left": top_left,
        "key_routes": [
            {
                "site": site.id,
                "name": str(site.extra.get("name", site.id)),
                **dict(zip(_DRIVEN, driven.get(site.id, (None, None, None)), strict=True)),
            }
            for site in problem.sites
            if is_key_route(site.id)
        ],
    }


_DRIVEN = ("team", "start", "end")


def _why(window_reason: str, anywhere_reason: str) -> str:
    """Why a top-level target is not visited inside the window, from its two first visits."""
    if anywhere_reason == "window_unreachable":
        return "too_far"
    if window_reason == "window_unreachable":
        return "window_unreachable"
    return "no_time"
