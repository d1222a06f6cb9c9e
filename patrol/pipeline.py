"""The one pipeline: load area -> score risk -> build problem -> solve -> plan with geometry.

``patrol plan`` and the dashboard both go through here, so a plan made on the command line and
one made on the map are the same plan for the same inputs and seed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geodata.depots import choose_depots
from patrolbase.clock import ward_today
from patrolbase.errors import SettingsError
from patrolbase.schema import is_key_route
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area
    from geodata.keyroutes import KeyRouteLeg
    from geodata.problem import TeamSpec
    from geodata.risk import RiskAssessment
    from geodata.shift import Shift
    from geodata.travel import TravelTimes
    from routing.model import PatrolPlan, PatrolProblem
    from routing.roster import JointTeam

__all__ = [
    "DEFAULT_MEMBERS",
    "SITE_KINDS",
    "Inputs",
    "ShiftPlan",
    "load_inputs",
    "measured",
    "plan_metrics",
    "plan_shift",
]

log = logging.getLogger(__name__)

DEFAULT_MEMBERS = {"police": 2, "military": 1}
"""A joint team as the ward usually sends it: two officers and one soldier or militia member."""

SITE_KINDS = (
    "bank",
    "transaction_office",
    "atm",
    "gold_shop",
    "pawn_shop",
    "treasury",
    "government_office",
    "town_hall",
    "post_office",
    "market",
)
"""Kinds the night loops visit by default (schools are surveyed but not patrol targets at
night)."""


@dataclass(frozen=True, eq=False)
class Inputs:
    """Everything a shift is planned from: the area, its facilities, the incident history."""

    area: Area
    facilities: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    demo_incidents: bool
    """True when the incidents are generated demonstration data (dữ liệu minh họa)."""


@dataclass(frozen=True, eq=False)
class ShiftPlan:
    """A planned shift: the problem given to the engine, its plan, and the risk behind it."""

    shift: Shift
    problem: PatrolProblem
    plan: PatrolPlan
    assessment: RiskAssessment
    travel: TravelTimes
    metrics: dict[str, Any] = field(default_factory=dict)
    legs: Mapping[int, KeyRouteLeg] = field(default_factory=dict)
    """The key routes' nodes of ``problem`` and how each is driven (``loop_path``)."""


def load_inputs(
    settings: Settings | None = None,
    *,
    area_path: str | Path | None = None,
    mode: str | None = None,
    survey: gpd.GeoDataFrame | None = None,
    incidents: gpd.GeoDataFrame | None = None,
    demo_until: date | None = None,
    demo_seed: int = 2026,
    demo_per_month: float = 12.0,
    area: Area | None = None,
) -> Inputs:
    """Load an area and its tables; generate demonstration incidents when none are given.

    Parameters
    ----------
    settings
        The settings; defaults when ``None``.
    area_path
        OSM extract; ``None`` loads the embedded default area.
    mode
        Travel mode; ``None`` uses ``settings.network.default_mode``.
    survey
        The ward's facility survey (``geodata.io.read_facility_survey``), merged into the OSM
        facilities (near-duplicates matched, not doubled).
    incidents
        The ward's incident history (``geodata.io.read_incidents``). ``None`` generates 13
        months of seeded demonstration incidents ending ``demo_until`` (default today), every
        record marked as demonstration data.
    demo_until, demo_seed, demo_per_month
        Last day, seed and monthly rate of the generated incidents (12 a month, about 18 with
        holidays and repeats: a busy central ward, without saturating every site's risk).
    area
        An already loaded area (the dashboard caches it); ``area_path`` and ``mode`` are then
        ignored.

    """
    from geodata.area import load_area
    from geodata.facilities import merge_facilities
    from geodata.incidents import generate_demo_incidents

    settings = settings or Settings()
    if area is None:
        area = load_area(area_path, mode=mode, settings=settings)  # type: ignore[arg-type]
    facilities = area.facilities
    if survey is not None and len(survey):
        facilities = merge_facilities(facilities, survey)
    demo = incidents is None
    if incidents is None:
        last = demo_until or ward_today()
        incidents = generate_demo_incidents(
            facilities,
            area.bbox,
            start=last - timedelta(days=395),
            end=last,
            seed=demo_seed,
            per_month=demo_per_month,
        )
    return Inputs(area, facilities, incidents, demo)


def plan_shift(
    inputs: Inputs,
    shift: Shift,
    *,
    n_teams: int = 3,
    roster: Sequence[JointTeam] | None = None,
    depots: Sequence[str] | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    kinds: Iterable[str] = SITE_KINDS,
    time_limit_s: float | None = None,
    seed: int | None = None,
    events: Iterable[date | str] = (),
    settings: Settings | None = None,
    window_weight: Mapping[str, float] | None = None,
    cover_weight: Mapping[str, float] | None = None,
    key_routes: Sequence[str] = (),
    key_route_window: tuple[time, time] | None = None,
) -> ShiftPlan:
    """Plan one shift end to end.

    Parameters
    ----------
    inputs
        From ``load_inputs``.
    shift
        Date, start, end and high-risk window.
    n_teams
        Number of joint teams (each ``DEFAULT_MEMBERS``) when no ``roster`` is given.
    roster
        Joint teams formed by ``routing.roster.form_teams``; overrides ``n_teams``.
    depots
        Facility ids of the depots; ``None`` picks the area's ward police post (and military
        command). Teams are spread over the depots in turn.
    include, exclude
        Facility ids to force into the loops or leave out.
    kinds
        Facility kinds that are candidate sites.
    time_limit_s, seed
        Solver limits; ``None`` uses the settings.
    events
        Days the commander marks as events (risk rises).
    settings
        Risk weights, speeds, solver defaults, what is covered first.
    window_weight, cover_weight
        A week's rota night: weights of targets still short of their nights
        (``geodata.problem.build_problem``).
    key_routes
        Streets (names as on the map) a team must drive end to end in the shift, besides the
        targets (``geodata.keyroutes.with_key_routes``).
    key_route_window
        Clock times within which each key route is driven, start to finish (``None``: the
        whole shift).

    Returns
    -------
    ShiftPlan
        Problem (one site per target: a bank with its ATMs is one), plan (with street paths and
        stop names for the map and exports), risk, travel, metrics with the targets covered.

    """
    from geodata.briefing import with_briefing, with_streets
    from geodata.capacity import night_capacity
    from geodata.keyroutes import key_routes as marked_routes
    from geodata.keyroutes import route_ends, with_key_routes
    from geodata.problem import build_problem
    from geodata.risk import assess_risk
    from geodata.targets import group_targets, members_of
    from geodata.travel import travel_times
    from patrol.plan_geometry import with_geometry
    from routing.solve import solve

    settings = settings or Settings()
    facilities = inputs.facilities
    depot_ids = choose_depots(facilities, given=depots)
    include, exclude = set(include), set(exclude)
    unknown = sorted((include | exclude) - set(facilities.index))
    if unknown:
        msg = f"sites {', '.join(unknown[:10])} are not facilities of the area"
        raise SettingsError(msg)
    kind = facilities["kind"].astype(str)
    wanted = (kind.isin(set(kinds)) | facilities.index.isin(include)) & ~facilities.index.isin(
        exclude
    )
    site_ids = [f for f in facilities.index[wanted] if f not in depot_ids]
    chosen = facilities.loc[[*depot_ids, *site_ids]]
    assessment = assess_risk(
        chosen,
        inputs.incidents,
        shift=shift,
        residential=inputs.area.residential,
        buildings=inputs.area.buildings,
        crs=inputs.area.crs,
        events=events,
        settings=settings,
    )
    targets = group_targets(
        facilities,
        site_ids,
        crs=inputs.area.crs,
        radius_m=settings.cover.target_radius_m,
        buildings=inputs.area.buildings,
    )
    node_ids = [*depot_ids, *targets]
    routes = marked_routes(inputs.area, key_routes) if key_routes else []
    route_window = shift.window_s(*key_route_window) if key_route_window else None
    # The key routes' ends are places of the travel matrix after the targets.
    ends = route_ends(inputs.area, routes)
    travel = travel_times(
        inputs.area,
        [*chosen.loc[node_ids, ["lon", "lat"]].to_numpy().tolist(), *ends],
        labels=[*node_ids, *(r.name for r in routes for _ in "se")],
        settings=settings,
    )
    teams = _team_specs(roster, n_teams, depot_ids)
    n_places = len(node_ids)
    problem = build_problem(
        assessment,
        travel_s=travel.travel_s[:n_places, :n_places],
        node_ids=node_ids,
        teams=teams,
        area=inputs.area.name,
        settings=settings,
        targets=targets,
        window_weight=window_weight,
        cover_weight=cover_weight,
    )
    problem = with_streets(problem, travel, inputs.area)
    problem = with_briefing(problem, assessment, facilities)
    if include:
        owner = members_of(targets)
        problem = _force(problem, {owner[f] for f in include if f in owner})
    legs: dict[int, KeyRouteLeg] = {}
    if routes:
        problem, legs = with_key_routes(
            problem, routes, area=inputs.area, travel=travel, window_s=route_window
        )
    capacity = night_capacity(
        problem,
        high_risk_s=shift.high_risk_s,
        extra_teams=settings.cover.capacity_extra_teams,
        time_limit_s=time_limit_s or settings.routing.time_limit_s,
        seed=problem.seed if seed is None else seed,
        workers=settings.routing.workers,
    )
    # The search starts from the reduced plan: with the top level's dominant values it keeps
    # at least the coverage the reduced problem proved possible.
    # A key route has one visit; the reduced problem offers it twice (``top_problem``).
    warm = (
        {
            r.team: [(s.site, 0 if is_key_route(s.site) else s.visit) for s in r.stops]
            for r in capacity.plan.routes
        }
        if settings.cover.top_first and not include
        else None
    )
    plan = solve(
        problem,
        time_limit_s=time_limit_s,
        seed=seed,
        warm=warm,
        variety=settings.routing.variety,
        workers=settings.routing.workers,
        work_s=settings.routing.work_s,
    )
    plan = with_geometry(plan, problem, travel, inputs, depot_ids, legs=legs)
    plan = replace(plan, extra={**plan.extra, "capacity": capacity.to_dict()})
    plan, metrics = measured(plan, problem, shift)
    return ShiftPlan(shift, problem, plan, assessment, travel, metrics, legs)


def _team_specs(
    roster: Sequence[JointTeam] | None, n_teams: int, depot_ids: Sequence[str]
) -> list[TeamSpec]:
    from geodata.problem import TeamSpec

    if roster:
        return [
            TeamSpec(
                team.id,
                team.depot if team.depot in depot_ids else depot_ids[k % len(depot_ids)],
                team.counts(),
                # Not "members": the contract's team field holds the counts by side, and an
                # extra of that name would replace them in the problem's JSON.
                extra={
                    "member_names": team.names(),
                    "people": team.people(),
                    "vehicle": team.vehicle,
                },
            )
            for k, team in enumerate(roster)
        ]
    if not 1 <= n_teams <= 50:
        msg = f"teams = {n_teams}: give between 1 and 50 teams"
        raise SettingsError(msg)
    return [
        TeamSpec(f"T{k + 1}", depot_ids[k % len(depot_ids)], dict(DEFAULT_MEMBERS))
        for k in range(n_teams)
    ]


def _force(problem: PatrolProblem, include: set[str]) -> PatrolProblem:
    """Make forced sites' first visits dominate every other value, the top level's included."""
    from routing.model import Visit

    above = math.ceil(problem.total_value) + 1
    sites = []
    for site in problem.sites:
        if site.id not in include:
            sites.append(site)
            continue
        # Its first visit (either offer of it) comes before anything else; repeats follow risk.
        first = set(site.one_of[0]) if site.one_of else set(range(len(site.visits)))
        visits = tuple(
            Visit(v.earliest, v.latest, v.value + (above if k in first else 0))
            for k, v in enumerate(site.visits)
        )
        sites.append(replace(site, visits=visits, extra={**site.extra, "forced": True}))
    return replace(problem, sites=tuple(sites))


def measured(
    plan: PatrolPlan, problem: PatrolProblem, shift: Shift
) -> tuple[PatrolPlan, dict[str, Any]]:
    """Put the target coverage in the plan's extras (plan.json, exports); return it and metrics."""
    metrics = plan_metrics(problem, plan, shift)
    return replace(plan, extra={**plan.extra, "coverage": metrics["coverage"]}), metrics


def plan_metrics(problem: PatrolProblem, plan: PatrolPlan, shift: Shift) -> dict[str, Any]:
    from geodata.coverage import target_coverage
    from routing.metrics import plan_metrics

    coverage = target_coverage(problem, plan, high_risk_s=shift.high_risk_s)
    for route in coverage["key_routes"]:  # when it is driven, as the teams read the clock
        if route["start"] is not None:
            route["at"] = f"{shift.at(route['start']):%H:%M}-{shift.at(route['end']):%H:%M}"
    metrics = {**plan_metrics(problem, plan, high_risk=shift.high_risk_s), "coverage": coverage}
    if "capacity" in plan.extra:
        metrics["capacity"] = plan.extra["capacity"]
    return metrics
