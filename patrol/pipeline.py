"""The one pipeline: load area -> score risk -> build problem -> solve -> plan with geometry.

``patrol plan`` and the dashboard both go through here, so a plan made on the command line and
one made on the map are the same plan for the same inputs and seed.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from patrol.config import Settings
from patrol.errors import InfeasiblePlanError, SettingsError

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area
    from geodata.problem import TeamSpec
    from geodata.risk import RiskAssessment
    from geodata.shift import Shift
    from geodata.travel import TravelTimes
    from routing.model import PatrolPlan, PatrolProblem
    from routing.replan import Dispatch, Replan
    from routing.roster import JointTeam

__all__ = [
    "DEFAULT_MEMBERS",
    "SITE_KINDS",
    "AlarmPlan",
    "Inputs",
    "Move",
    "ShiftPlan",
    "adjust_problem",
    "alarm_replan",
    "choose_depots",
    "display_name",
    "load_inputs",
    "lock_order",
    "plan_shift",
    "replan_with_locks",
    "write_plan_outputs",
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
        last = demo_until or date.today()
        incidents = generate_demo_incidents(
            facilities,
            area.bbox,
            start=last - timedelta(days=395),
            end=last,
            seed=demo_seed,
            per_month=demo_per_month,
        )
    return Inputs(area, facilities, incidents, demo)


def choose_depots(facilities: gpd.GeoDataFrame, *, given: Sequence[str] | None = None) -> list[str]:
    """Return the depots teams leave from: ``given`` ids, else the area's police posts.

    Police posts named as a ward police (Công an phường / xã) come first; the ward military
    command follows as a second depot when the area has one.

    Raises
    ------
    InfeasiblePlanError
        When the area has no police post and none was given: name one.

    """
    if given:
        unknown = [d for d in given if d not in facilities.index]
        if unknown:
            msg = f"depots: {', '.join(unknown)} are not facilities of the area; pick a police post"
            raise SettingsError(msg)
        return list(given)
    kinds = facilities["kind"].astype(str)
    police = facilities[kinds == "police"]
    ward = police["name"].str.lower().str.contains("phường|xã|phuong|ward", regex=True, na=False)
    ordered = [*police.index[ward], *police.index[~ward]]
    military = list(facilities.index[kinds == "military"])
    depots = ordered[:1] + military[:1]
    if not depots:
        msg = (
            "the area has no police post (amenity=police) or military command: choose the "
            "depot teams leave from (add it to the facility survey as 'Công an phường')"
        )
        error = InfeasiblePlanError(msg)
        error.message_vi = (
            "Địa bàn chưa có trụ sở Công an phường hoặc Ban Chỉ huy quân sự: hãy chọn nơi xuất "
            "phát của các tổ (thêm vào danh sách cơ sở với loại hình 'Công an phường')"
        )
        raise error
    return depots


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

    Returns
    -------
    ShiftPlan
        Problem (one site per target: a bank with its ATMs is one), plan (with street paths and
        stop names for the map and exports), risk, travel, metrics with the targets covered.

    """
    from geodata.briefing import with_briefing, with_streets
    from geodata.capacity import night_capacity
    from geodata.problem import build_problem
    from geodata.risk import assess_risk
    from geodata.targets import group_targets, members_of
    from geodata.travel import travel_times
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
    travel = travel_times(
        inputs.area,
        chosen.loc[node_ids, ["lon", "lat"]].to_numpy(),
        labels=node_ids,
        settings=settings,
    )
    teams = _team_specs(roster, n_teams, depot_ids)
    problem = build_problem(
        assessment,
        travel_s=travel.travel_s,
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
    capacity = night_capacity(
        problem,
        high_risk_s=shift.high_risk_s,
        extra_teams=settings.cover.capacity_extra_teams,
        time_limit_s=time_limit_s or settings.routing.time_limit_s,
        seed=problem.seed if seed is None else seed,
    )
    # The search starts from the reduced plan: with the top level's dominant values it keeps
    # at least the coverage the reduced problem proved possible.
    warm = (
        {r.team: [(s.site, s.visit) for s in r.stops] for r in capacity.plan.routes}
        if settings.cover.top_first and not include
        else None
    )
    plan = solve(problem, time_limit_s=time_limit_s, seed=seed, warm=warm)
    plan = _with_geometry(plan, problem, travel, inputs, depot_ids)
    plan = replace(plan, extra={**plan.extra, "capacity": capacity.to_dict()})
    plan, metrics = _measured(plan, problem, shift)
    return ShiftPlan(shift, problem, plan, assessment, travel, metrics)


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


_STOP_BRIEFING = ("street", "address", "contact", "guard", "risk_reason")
"""Site extras a stop carries into the plan for the briefings (``geodata.briefing``)."""


def _with_geometry(
    plan: PatrolPlan,
    problem: PatrolProblem,
    travel: TravelTimes,
    inputs: Inputs,
    depot_ids: Sequence[str],
) -> PatrolPlan:
    """Add what the map and the exports need beside the contract's fields."""
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
        path = [[round(x, 6), round(y, 6)] for x, y in travel.route_path(sequence)]
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


def display_name(facilities: gpd.GeoDataFrame, facility_id: str) -> str:
    """Return the name a facility is shown by (its operator and kind when it has no name)."""
    return _display_name(facilities.loc[facility_id])


def _display_name(row: Any) -> str:
    """Return a facility's name, else its kind with operator or address (never an id)."""
    from geodata.targets import facility_label

    return facility_label(row)


def _measured(
    plan: PatrolPlan, problem: PatrolProblem, shift: Shift
) -> tuple[PatrolPlan, dict[str, Any]]:
    """Put the target coverage in the plan's extras (plan.json, exports); return it and metrics."""
    metrics = _metrics(problem, plan, shift)
    return replace(plan, extra={**plan.extra, "coverage": metrics["coverage"]}), metrics


def _metrics(problem: PatrolProblem, plan: PatrolPlan, shift: Shift) -> dict[str, Any]:
    from geodata.coverage import target_coverage
    from routing.metrics import plan_metrics

    metrics = {
        **plan_metrics(problem, plan, high_risk=shift.high_risk_s),
        "coverage": target_coverage(problem, plan, high_risk_s=shift.high_risk_s),
    }
    if "capacity" in plan.extra:
        metrics["capacity"] = plan.extra["capacity"]
    return metrics


def write_plan_outputs(result: ShiftPlan, out_dir: str | Path, *, lang: str = "vi") -> list[Path]:
    """Write ``problem.json``, ``plan.json`` and ``summary.txt`` into ``out_dir``, atomically."""
    from patrol.summary import plan_summary

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "problem.json": json.dumps(
            result.problem.to_dict(), ensure_ascii=False, indent=1, default=_json_default
        ),
        "plan.json": json.dumps(
            result.plan.to_dict(), ensure_ascii=False, indent=1, default=_json_default
        ),
        "summary.txt": plan_summary(result, lang=lang),
    }
    written = []
    for name, text in files.items():
        target = out / name
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
        written.append(target)
    return written


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer | np.floating):
        return value.item()
    raise TypeError(type(value).__name__)


@dataclass(frozen=True)
class Move:
    """A commander's change to one visit: put it on ``team``, optionally in a time range.

    ``earliest_s``/``latest_s`` (seconds from the shift start) give the range in which the check
    must start; ``None`` keeps the visit's own window.
    """

    site: str
    visit: int
    team: str
    earliest_s: int | None = None
    latest_s: int | None = None


def _adjust_error(msg: str, msg_vi: str) -> InfeasiblePlanError:
    error = InfeasiblePlanError(msg)
    error.message_vi = msg_vi
    return error


def lock_order(
    problem: PatrolProblem,
    plan: PatrolPlan,
    *,
    keep: Iterable[tuple[str, int]] = (),
    moves: Sequence[Move] = (),
) -> tuple[dict[str, list[tuple[str, int]]], dict[tuple[str, int], tuple[int, int]]]:
    """Turn stops to keep and stops to move into ``(locked, windows)`` for ``replan_with_locks``.

    Parameters
    ----------
    problem, plan
        The current plan and its problem.
    keep
        ``(site, visit)`` stops of ``plan`` to lock on the team that serves them now.
    moves
        Visits (served or not) to lock on another team and/or into another time range; a move
        wins over a ``keep`` of the same visit.

    Returns
    -------
    tuple
        ``locked``: team id -> ``(site, visit)`` in the order the team must make them (by their
        current start, or the middle of a moved visit's new range); ``windows``: ``(site,
        visit)`` -> the new ``(earliest, latest)`` of the moved visits that change time.

    Raises
    ------
    InfeasiblePlanError
        A stop to keep that the plan does not make, an unknown team, site or visit, or a range
        that is empty or outside the shift; the message says which.

    """
    current = {(s.site, s.visit): (r.team, s.start) for r in plan.routes for s in r.stops}
    sites = {s.id: s for s in problem.sites}
    teams = {t.id: t for t in problem.teams}
    order: dict[str, list[tuple[float, str, int]]] = {}
    windows: dict[tuple[str, int], tuple[int, int]] = {}
    moved = {(m.site, m.visit) for m in moves}
    for site_id, visit in keep:
        if (site_id, visit) in moved:
            continue
        if (site_id, visit) not in current:
            msg = f"stop {site_id} (visit {visit}) is not in the plan: it cannot be kept"
            raise _adjust_error(msg, f"Điểm {site_id} (lượt {visit + 1}) không có trong lộ trình.")
        team, start = current[(site_id, visit)]
        order.setdefault(team, []).append((start, site_id, visit))
    for move in moves:
        site = sites.get(move.site)
        if site is None or not 0 <= move.visit < len(site.visits):
            msg = f"site {move.site} has no visit {move.visit} in this plan's problem"
            raise _adjust_error(msg, f"Mục tiêu {move.site} không có lượt {move.visit + 1}.")
        if move.team not in teams:
            msg = f"team {move.team!r} is not in the plan; teams: {', '.join(teams)}"
            raise _adjust_error(msg, f"Không có tổ {move.team} trong kế hoạch.")
        window = site.visits[move.visit]
        key: float = current.get((move.site, move.visit), ("", window.earliest))[1]
        if move.earliest_s is not None or move.latest_s is not None:
            a = window.earliest if move.earliest_s is None else int(move.earliest_s)
            b = window.latest if move.latest_s is None else int(move.latest_s)
            end = teams[move.team].shift[1] - site.service_s
            if not 0 <= a <= b <= end:
                msg = (
                    f"time range {a}-{b} s for {move.site} is empty or outside the shift "
                    f"(0-{end} s from its start): choose a range inside the shift"
                )
                raise _adjust_error(
                    msg, "Khoảng thời gian đã chọn trống hoặc nằm ngoài ca trực: chọn lại."
                )
            windows[(move.site, move.visit)] = (a, b)
            key = (a + b) / 2
        order.setdefault(move.team, []).append((key, move.site, move.visit))
    locked = {
        team: [(site_id, visit) for _, site_id, visit in sorted(items)]
        for team, items in order.items()
    }
    return locked, windows


def adjust_problem(
    problem: PatrolProblem, windows: Mapping[tuple[str, int], tuple[int, int]]
) -> PatrolProblem:
    """Return ``problem`` with the given visits' windows set to the commander's ranges.

    A visit keeps its value; a site whose window changed is marked ``adjusted`` in its extras.
    """
    from routing.model import Visit

    if not windows:
        return problem
    known = {(s.id, k) for s in problem.sites for k in range(len(s.visits))}
    unknown = [f"{site} visit {k}" for site, k in windows if (site, k) not in known]
    if unknown:
        msg = f"no such visits in the problem: {', '.join(unknown)}"
        raise _adjust_error(msg, "Lượt kiểm tra không có trong kế hoạch: " + ", ".join(unknown))
    sites = []
    for site in problem.sites:
        changed = [k for k in range(len(site.visits)) if (site.id, k) in windows]
        if not changed:
            sites.append(site)
            continue
        visits = tuple(
            Visit(*windows[(site.id, k)], v.value) if (site.id, k) in windows else v
            for k, v in enumerate(site.visits)
        )
        sites.append(replace(site, visits=visits, extra={**site.extra, "adjusted": True}))
    return replace(problem, sites=tuple(sites))


def replan_with_locks(
    result: ShiftPlan,
    inputs: Inputs,
    *,
    locked: Mapping[str, Sequence[tuple[str, int]]],
    windows: Mapping[tuple[str, int], tuple[int, int]] | None = None,
    seed: int | None = None,
    time_limit_s: float | None = None,
) -> ShiftPlan:
    """Solve the shift again around locked stops, after the commander's changes.

    Parameters
    ----------
    result
        The current plan (``plan_shift``).
    inputs
        The inputs it was planned from (names of the sites for the map and exports).
    locked
        Team id -> ``(site, visit)`` the team must make, in that order (``lock_order``).
    windows
        New ``(earliest, latest)`` of moved visits, seconds from the shift start.
    seed, time_limit_s
        Solver seed and limit; ``None`` uses the problem's.

    Returns
    -------
    ShiftPlan
        The new problem (moved windows), its plan with street paths, stop names and metrics,
        computed exactly as ``plan_shift`` does.

    Raises
    ------
    InfeasiblePlanError
        When the locked stops cannot all be made (the engine names the team and the site).

    """
    from routing.solve import solve

    problem = adjust_problem(result.problem, windows or {})
    locks = {team: list(stops) for team, stops in locked.items() if stops}
    plan = solve(problem, time_limit_s=time_limit_s, seed=seed, locked=locks or None)
    depot_ids = list(result.plan.extra.get("depots", []))
    plan = _with_geometry(plan, problem, result.travel, inputs, depot_ids)
    plan, metrics = _measured(plan, problem, result.shift)
    return ShiftPlan(result.shift, problem, plan, result.assessment, result.travel, metrics)


@dataclass(frozen=True, eq=False)
class AlarmPlan:
    """An alarm answered: who goes, how long it takes, and the rest of the night re-planned."""

    dispatch: Dispatch
    origin_node: int
    """Where the sent team is free at the alarm time (the node of its last stop or its depot)."""
    origin_free_s: int
    """When it is free there (seconds from the shift start); it drives to the alarm from then."""
    travel_s: int
    """Driving time from its origin to the alarm site."""
    path: list[list[float]]
    """Street path ``[[lon, lat], ...]`` of that drive."""
    rest: ShiftPlan
    """The rest of the night for every team (starting where each team will be)."""
    replan: Replan


def alarm_replan(
    result: ShiftPlan,
    inputs: Inputs,
    *,
    site: str,
    at_s: int,
    alarm_service_s: int = 900,
    seed: int | None = None,
    time_limit_s: float | None = None,
) -> AlarmPlan:
    """Answer an alarm at ``site`` at ``at_s``: the nearest team by its planned position goes.

    The team that can be there first (``routing.replan``) is sent and stays
    ``alarm_service_s``; the rest of the night is planned again for every team from where it
    will be, with street paths and metrics as ``plan_shift`` makes them.

    Raises
    ------
    InfeasiblePlanError
        ``site`` is not a site of the plan, or ``at_s`` is outside the shift.

    """
    from routing.replan import positions_at, replan

    duration = result.shift.duration_s
    if not 0 <= at_s <= duration:
        msg = f"alarm time {at_s} s is outside the shift (0-{duration} s from its start)"
        raise _adjust_error(msg, "Thời điểm báo động nằm ngoài ca trực.")
    if site not in {s.id for s in result.problem.sites}:
        msg = f"site {site!r} is not a site of tonight's plan: choose one of the plan's sites"
        raise _adjust_error(msg, "Mục tiêu báo động không thuộc kế hoạch đêm nay.")
    before = positions_at(result.problem, result.plan, at_s)
    answer = replan(
        result.problem,
        result.plan,
        now_s=at_s,
        alarm_site=site,
        alarm_service_s=alarm_service_s,
        time_limit_s=time_limit_s,
        seed=seed,
    )
    dispatch = answer.dispatch
    assert dispatch is not None  # alarm_site was given
    origin = before[dispatch.team]
    path = [
        [round(x, 6), round(y, 6)]
        for x, y in result.travel.route_path([origin.node, dispatch.node])
    ]
    depot_ids = list(result.plan.extra.get("depots", []))
    plan = _with_geometry(answer.plan, answer.problem, result.travel, inputs, depot_ids)
    plan = replace(
        plan,
        extra={
            **plan.extra,
            "alarm": {"site": site, "team": dispatch.team, "at_s": at_s},
        },
    )
    rest = ShiftPlan(
        result.shift,
        answer.problem,
        plan,
        result.assessment,
        result.travel,
        _metrics(answer.problem, plan, result.shift),
    )
    travel = int(result.problem.travel_s[origin.node, dispatch.node])
    return AlarmPlan(dispatch, origin.node, origin.time_s, travel, path, rest, answer)
