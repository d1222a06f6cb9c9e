"""A solved plan made ready for the map and the exports: street paths, stop names and details.

``with_geometry`` adds what the contract's plan does not hold: each loop's street path (key
routes driven end to end, ``loop_path``), each stop's name, kind, place and the briefing's
details, the team's people and depot, and the plan's status and attribution.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.keyroutes import KeyRouteLeg
    from geodata.travel import TravelTimes
    from patrol.pipeline import Inputs
    from routing.model import PatrolPlan, PatrolProblem

__all__ = ["display_name", "loop_path", "with_geometry"]

_STOP_BRIEFING = ("street", "address", "contact", "guard", "risk_reason", "length_m")
"""Site extras a stop carries into the plan for the briefings (``geodata.briefing``)."""


def with_geometry(
    plan: PatrolPlan,
    problem: PatrolProblem,
    travel: TravelTimes,
    inputs: Inputs,
    depot_ids: Sequence[str],
    *,
    legs: Mapping[int, KeyRouteLeg] | None = None,
) -> PatrolPlan:
    """Add what the map and the exports need beside the contract's fields.

    ``legs``: the key routes' nodes (``geodata.keyroutes.with_key_routes``), whose path runs
    into the route's first end, along it, and on from its other end.
    """
    from geodata.area import ATTRIBUTION

    sites = {s.id: s for s in problem.sites}
    teams = {t.id: t for t in problem.teams}
    facilities = inputs.facilities
    routes = []
    for route in plan.routes:
        team = teams[route.team]
        sequence = [team.start, *(stop.node for stop in route.stops), team.end]
        depot = problem.nodes[team.start]
        stops = []
        for stop in route.stops:
            site = sites[stop.site]
            visit = site.visits[stop.visit]
            stops.append(
                replace(
                    stop,
                    extra={
                        **stop.extra,
                        "name": site.extra.get("name") or _display_name(facilities.loc[stop.site]),
                        "members": site.extra.get("members", [stop.site]),
                        "kind": site.extra.get("kind", ""),
                        "lat": site.extra.get("lat"),
                        "lon": site.extra.get("lon"),
                        "risk_level": site.extra.get("risk_level", ""),
                        **{k: site.extra[k] for k in _STOP_BRIEFING if k in site.extra},
                        "earliest": visit.earliest,
                        "latest": visit.latest,
                    },
                )
            )
        path = [[round(x, 6), round(y, 6)] for x, y in loop_path(travel, sequence, legs or {})]
        routes.append(
            replace(
                route,
                stops=tuple(stops),
                extra={
                    **route.extra,
                    "members": team.extra.get("member_names", dict(team.members)),
                    "member_counts": dict(team.members),
                    **({"people": team.extra["people"]} if "people" in team.extra else {}),
                    "depot": {
                        "id": depot.id,
                        "name": _display_name(facilities.loc[depot.id]),
                        "lat": depot.lat,
                        "lon": depot.lon,
                    },
                    "path": path,
                },
            )
        )
    extra = {
        **plan.extra,
        "shift": problem.extra.get("shift", {}),
        "area": inputs.area.name,
        "version": 1,
        "status": "draft",
        "approved_by": None,
        "approved_at": None,
        "attribution": ATTRIBUTION,
        "depots": list(depot_ids),
        "demo_incidents": inputs.demo_incidents,
        **({"night": problem.extra["night"]} if "night" in problem.extra else {}),
    }
    return replace(plan, routes=tuple(routes), extra=extra)


def loop_path(
    travel: TravelTimes, sequence: Sequence[int], legs: Mapping[int, KeyRouteLeg]
) -> list[tuple[float, float]]:
    """Street geometry through a plan's nodes in order, key routes driven end to end.

    ``legs``: ``ShiftPlan.legs``; without key routes this is ``travel.route_path``.
    """
    if not legs:
        return travel.route_path(sequence)
    coords: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(sequence):
        leave = legs[a].leave if a in legs else a
        enter = legs[b].enter if b in legs else b
        coords += travel.path(leave, enter)
        if b in legs:
            coords += legs[b].path
    return [p for k, p in enumerate(coords) if k == 0 or p != coords[k - 1]]


def display_name(facilities: gpd.GeoDataFrame, facility_id: str) -> str:
    """Return the name a facility is shown by (its operator and kind when it has no name)."""
    return _display_name(facilities.loc[facility_id])


def _display_name(row: Any) -> str:
    """Return a facility's name, else its kind with operator or address (never an id)."""
    from geodata.targets import facility_label

    return facility_label(row)
