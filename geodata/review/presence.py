"""Presence of the patrols in a period: approved plans, and what the tracks show where recorded.

Each approved plan of the period counts once (the caller collects them from the store's
approvals: ``patrol.store.plans.plans_for_review``), each team-night once (the latest patrol
record of a team and night: ``patrol.store.records.records_for_review``). Where a team-night
has a record, the minutes on site are those the track shows (a missed stop gives none); where
it has none, the planned minutes (``depart - start`` of each stop) count, and the row says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geodata.coverage import LEVEL_RANK
from geodata.review.model import Notice, PatrolResults
from geodata.review.period import Period
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.trackmatch import TrackMatch
    from routing.model import PatrolPlan, Route

__all__ = ["STOP_COLUMNS", "patrol_results", "plan_presence"]

STOP_COLUMNS = ["plan", "plan_id", "team", "site", "date", "minutes", "lon", "lat", "basis",
                "planned_min"]  # fmt: skip
"""Columns of the presence frame: one row per planned stop of an approved plan."""


def _shift_date(plan: PatrolPlan) -> date | None:
    shift = dict(plan.extra).get("shift") or {}
    try:
        return datetime.strptime(str(shift.get("date", "")), "%Y-%m-%d").date()
    except ValueError:
        return None


def _plan_key(plan: PatrolPlan, k: int) -> str:
    """Return the plan's identity: the store's id when it came from the store, else its name."""
    return str(plan.extra.get("id") or plan.problem or f"plan-{k + 1}")


def _approved_in(
    plans: Sequence[PatrolPlan], period: Period
) -> tuple[list[tuple[str, date, PatrolPlan]], int]:
    """Approved plans whose shift date falls in ``period`` (first of a plan identity), drafts."""
    kept: list[tuple[str, date, PatrolPlan]] = []
    seen: set[str] = set()
    drafts = 0
    for k, plan in enumerate(plans):
        day = _shift_date(plan)
        if day is None or not period.start <= day < period.end:
            continue
        if plan.extra.get("status") != "approved":
            drafts += 1
            continue
        key = _plan_key(plan, k)
        if key in seen:
            continue
        seen.add(key)
        kept.append((key, day, plan))
    return kept, drafts


def _by_night(records: Sequence[TrackMatch]) -> dict[tuple[date, str], TrackMatch]:
    return {(r.shift_date, r.team): r for r in records}


def plan_presence(
    plans: Sequence[PatrolPlan],
    period: Period | date,
    *,
    facilities: gpd.GeoDataFrame | None = None,
    records: Sequence[TrackMatch] = (),
) -> tuple[pd.DataFrame, list[Notice]]:
    """Presence at the stops of the period's approved plans: one row per planned stop.

    Columns ``STOP_COLUMNS`` (``plan``: its name; ``plan_id``: its identity). ``minutes`` is
    what the track shows where the team-night has a record (``basis`` ``actual``), else the
    planned minutes (``planned``); ``planned_min`` is always the plan's. A plan counts when its
    extra ``status`` is ``approved`` and its ``shift.date`` falls in ``period`` (a date: its
    calendar month); a plan identity counts once. A stop without ``lat``/``lon`` takes its
    facility's position when ``site`` is a facility id.
    """
    if not isinstance(period, Period):
        period = Period.of(period)
    approved, drafts = _approved_in(plans, period)
    recorded = _by_night(records)
    rows: list[dict[str, Any]] = []
    unplaced: list[str] = []
    for key, day, plan in approved:
        for route in plan.routes:
            record = recorded.get((day, route.team))
            actual = {}
            if record is not None and record.stops:
                actual = {(s.site, s.visit): s.on_site_s / 60.0 for s in record.stops}
            for stop in route.stops:
                lat, lon = stop.extra.get("lat"), stop.extra.get("lon")
                missing = lat is None or lon is None
                if missing and facilities is not None and stop.site in facilities.index:
                    lat = float(facilities.at[stop.site, "lat"])
                    lon = float(facilities.at[stop.site, "lon"])
                if lat is None or lon is None:
                    unplaced.append(stop.site)
                    continue
                planned = (stop.depart - stop.start) / 60.0
                shown = actual.get((stop.site, stop.visit))
                rows.append(
                    {
                        "plan": plan.problem or key,
                        "plan_id": key,
                        "team": route.team,
                        "site": stop.site,
                        "date": day,
                        "minutes": planned if not actual else float(shown or 0.0),
                        "lon": float(lon),
                        "lat": float(lat),
                        "basis": "actual" if actual else "planned",
                        "planned_min": planned,
                    }
                )
    notices: list[Notice] = []
    if drafts:
        notices.append(
            Notice(
                "draft_plans",
                "coverage",
                "info",
                f"{drafts} plan(s) of the period are not approved and were not counted.",
                f"{drafts} kế hoạch trong kỳ chưa được phê duyệt nên không được tính.",
            )
        )
    if unplaced:
        shown_sites = ", ".join(sorted(set(unplaced))[:5])
        notices.append(
            Notice(
                "unplaced_stops",
                "coverage",
                "warning",
                f"{len(unplaced)} planned stop(s) have no position and match no facility "
                f"({shown_sites}); they were not counted.",
                f"{len(unplaced)} điểm dừng không có tọa độ và không khớp cơ sở nào "
                f"({shown_sites}); không được tính.",
            )
        )
    planned_nights = {(day, r.team) for _, day, plan in approved for r in plan.routes}
    orphans = sorted(
        (r.shift_date, r.team)
        for r in records
        if period.start <= r.shift_date < period.end
        and (r.shift_date, r.team) not in planned_nights
    )
    if orphans:
        named = ", ".join(f"{team} {day:%d/%m}" for day, team in orphans[:5])
        notices.append(
            Notice(
                "track_without_plan",
                "coverage",
                "info",
                f"{len(orphans)} patrol track(s) have no approved plan of their night to compare "
                f"with ({named}); they are listed but give no presence at the sites.",
                f"{len(orphans)} lộ trình tuần tra không có kế hoạch đã phê duyệt của đêm đó để "
                f"đối chiếu ({named}); được liệt kê nhưng không tính hiện diện tại mục tiêu.",
            )
        )
    return pd.DataFrame(rows, columns=STOP_COLUMNS), notices


def _top_sites(route: Route, top_rank: int) -> set[str]:
    return {
        s.site
        for s in route.stops
        if LEVEL_RANK.get(str(s.extra.get("risk_level", "")), -1) >= top_rank
    }


def _planned_in_window(route: Route, sites: set[str], window: tuple[int, int]) -> int:
    a, b = window
    return len({s.site for s in route.stops if s.site in sites and s.start < b and s.depart > a})


def patrol_results(
    plans: Sequence[PatrolPlan],
    period: Period,
    *,
    records: Sequence[TrackMatch] = (),
    settings: Settings | None = None,
) -> PatrolResults:
    """Nights, team-hours, visits and top-level targets of the period, one row a team-night."""
    from geodata.trackmatch import plan_shift

    settings = settings or Settings()
    top_rank = LEVEL_RANK[settings.cover.top_level]
    approved, _ = _approved_in(plans, period)
    recorded = _by_night(records)
    rows: list[dict[str, Any]] = []
    alarms = 0
    for _, day, plan in approved:
        alarms += bool(plan.extra.get("alarm"))
        try:
            window = plan_shift(plan).high_risk_s
        except ValueError:
            window = (0, 0)
        for route in plan.routes:
            if not route.stops:
                continue
            top = _top_sites(route, top_rank)
            record = recorded.get((day, route.team))
            if record is not None and record.stops:
                rows.append(
                    {
                        "date": day, "team": route.team, "basis": "actual",
                        "planned": len(route.stops), "made": record.stops_made,
                        "late": record.stops_late, "hours": record.duration_s / 3600,
                        "km": record.distance_m / 1000, "top_planned": len(top),
                        "top_covered": len(record.top_level_covered),
                    }
                )  # fmt: skip
            else:
                rows.append(
                    {
                        "date": day, "team": route.team, "basis": "planned",
                        "planned": len(route.stops), "made": np.nan, "late": np.nan,
                        "hours": (route.return_ - route.depart) / 3600, "km": np.nan,
                        "top_planned": len(top),
                        "top_covered": _planned_in_window(route, top, window),
                    }
                )  # fmt: skip
    planned_nights = {(r["date"], r["team"]) for r in rows}
    for record in records:
        key = (record.shift_date, record.team)
        if period.start <= record.shift_date < period.end and key not in planned_nights:
            rows.append(
                {
                    "date": record.shift_date, "team": record.team, "basis": "track_only",
                    "planned": 0, "made": np.nan, "late": np.nan,
                    "hours": record.duration_s / 3600, "km": record.distance_m / 1000,
                    "top_planned": 0, "top_covered": 0,
                }
            )  # fmt: skip
    columns = ["date", "team", "basis", "planned", "made", "late", "hours", "km", "top_planned",
               "top_covered"]  # fmt: skip
    nights = pd.DataFrame(rows, columns=columns).sort_values(["date", "team"], ignore_index=True)
    return PatrolResults(nights, alarm_responses=alarms)
