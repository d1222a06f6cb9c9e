"""Tables and figures of a plan for the pages: metrics, timelines, the rota's table.

Pure: no Streamlit; takes a ``ShiftPlan`` (``patrol.pipeline.plan_shift``) or its parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard.i18n import (
    Lang,
    fmt_clock,
    fmt_duration,
    fmt_number,
    kind_label,
    risk_level_label,
    t,
)
from patrolbase.clock import WARD_TZ

if TYPE_CHECKING:
    import folium

    from geodata.shift import Shift
    from routing.model import PatrolPlan, PatrolProblem

__all__ = [
    "PlanSummary",
    "add_dispatch",
    "clicked_stop",
    "members_line",
    "metrics_rows",
    "plan_legend",
    "rota_table",
    "row_highlight",
    "selected_stop",
    "site_info",
    "stop_rows",
    "summarise",
    "timeline",
    "ward_time",
]

"""Vietnam's time (UTC+7 all year): the ward's clock."""


@dataclass(frozen=True)
class PlanSummary:
    """Plan figures the pages show."""

    value: float
    total_value: float
    served: int
    unserved: int
    travel_s: int
    teams_out: int
    high_risk_served: int
    risk_covered: float
    risk_total: float
    targets: int
    targets_visited: int


def _overlaps(earliest: int, latest: int, window: tuple[int, int]) -> bool:
    return earliest <= window[1] and latest >= window[0]


def summarise(problem: PatrolProblem, plan: PatrolPlan, shift: Shift) -> PlanSummary:
    """Totals of ``plan``: value, visits served and not, travel, teams out, high-risk visits.

    High-risk visits are those served in the high-risk window.
    """
    from geodata.coverage import target_coverage

    window = shift.high_risk_s
    served = [s for r in plan.routes for s in r.stops]
    coverage = target_coverage(problem, plan, high_risk_s=window)
    return PlanSummary(
        value=float(plan.value),
        total_value=problem.total_value,
        served=len(served),
        unserved=len(plan.unserved),
        travel_s=int(plan.travel_s),
        teams_out=sum(1 for r in plan.routes if r.stops),
        high_risk_served=sum(1 for s in served if window[0] <= s.start <= window[1]),
        risk_covered=float(coverage["risk_covered"]),
        risk_total=float(coverage["risk_total"]),
        targets=int(coverage["targets"]),
        targets_visited=int(coverage["visited"]),
    )


def metrics_rows(summary: PlanSummary, lang: Lang) -> list[tuple[str, str]]:
    """(label, value) pairs of the plan metrics in ``lang``."""
    share = summary.risk_covered / summary.risk_total if summary.risk_total else 0.0
    return [
        (t("plan.metric.value", lang), f"{fmt_number(100 * share, lang, decimals=1)} %"),
        (t("plan.metric.served", lang), fmt_number(summary.served, lang)),
        (
            t("plan.metric.unserved", lang),
            fmt_number(summary.targets - summary.targets_visited, lang),
        ),
        (t("plan.metric.high_risk", lang), fmt_number(summary.high_risk_served, lang)),
        (t("plan.metric.travel", lang), fmt_duration(summary.travel_s, lang)),
        (t("plan.metric.teams", lang), fmt_number(summary.teams_out, lang)),
    ]


def site_info(problem: PatrolProblem) -> dict[str, dict[str, Any]]:
    """``{site_id: extras}`` of the problem's sites, with ``lat``/``lon`` from its node."""
    info: dict[str, dict[str, Any]] = {}
    for site in problem.sites:
        node = problem.nodes[site.node]
        info[site.id] = {"lat": node.lat, "lon": node.lon, **dict(node.extra), **dict(site.extra)}
    return info


def timeline(
    plan: PatrolPlan,
    shift: Shift,
    *,
    lang: Lang,
    sites: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, pd.DataFrame]:
    """One table per team: stop number, site, kind, arrival, check start and end, risk level."""
    tables: dict[str, pd.DataFrame] = {}
    for route in plan.routes:
        rows = []
        for k, stop in enumerate(route.stops, start=1):
            info = {**dict((sites or {}).get(stop.site, {})), **dict(stop.extra)}
            rows.append(
                {
                    t("routes.col.no", lang): k,
                    # never the site's id: its name, else its kind
                    t("routes.col.site", lang): str(
                        info.get("name") or kind_label(str(info.get("kind", "")), lang)
                    ),
                    t("routes.col.kind", lang): kind_label(str(info.get("kind", "")), lang),
                    t("routes.col.arrive", lang): fmt_clock(shift.at(stop.arrive)),
                    t("routes.col.start", lang): fmt_clock(shift.at(stop.start)),
                    t("routes.col.depart", lang): fmt_clock(shift.at(stop.depart)),
                    t("routes.col.risk", lang): risk_level_label(info.get("risk_level"), lang),
                }
            )
        tables[route.team] = pd.DataFrame(
            rows,
            columns=[
                t(f"routes.col.{c}", lang)
                for c in ("no", "site", "kind", "arrive", "start", "depart", "risk")
            ],
        )
    return tables


def plan_legend(levels: Sequence[str], teams: Sequence[str], order: Sequence[str]) -> Any:
    """Return the legend of the plan's map: site levels, depots and the teams drawn."""
    from geodata.mapstyle import legend_entries

    return legend_entries(levels=levels, depots=True, teams=list(teams), team_order=order)


def selected_stop(value: Any, teams: Sequence[str]) -> tuple[str, str] | None:
    """Return the highlighted ``(team, site)`` kept, if it is of this plan's teams."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] in teams:
        return (str(value[0]), str(value[1]))
    return None


def clicked_stop(
    plan: PatrolPlan, sites: Mapping[str, Mapping[str, Any]], clicked: Mapping[str, Any] | None
) -> tuple[str, str] | None:
    """Return the ``(team, site)`` of the stop badge at a map click (``last_object_clicked``)."""
    from geodata.mapstyle import stop_badges

    if not clicked or clicked.get("lat") is None:
        return None
    lat, lon = float(clicked["lat"]), float(clicked["lng"])
    for badge in stop_badges(plan, sites=sites):
        if abs(badge.lat - lat) < 1e-6 and abs(badge.lon - lon) < 1e-6:
            return (badge.team, badge.site)
    return None


def row_highlight(rows: set[int]) -> Callable[[pd.Series], list[str]]:
    """Return a ``Styler.apply`` function that shades the given rows of a timeline."""

    def shade(row: pd.Series) -> list[str]:
        return ["background-color: #fff3b0" if row.name in rows else ""] * len(row)

    return shade


def stop_rows(route: Any, selected: tuple[str, str] | None) -> set[int]:
    """Return the rows of a team's timeline that are visits of the selected stop's site."""
    if selected is None or selected[0] != route.team:
        return set()
    return {k for k, stop in enumerate(route.stops) if stop.site == selected[1]}


def members_line(members: Any, lang: Lang) -> str:
    """``Tổ trưởng: A · Công an: A, B · Quân sự: C`` from a route's ``members`` extra.

    A route's ``people`` extra (a list, from the night's roster) gives each person with their
    phone: ``Tổ trưởng: A (0912 345 678) · B (0987 654 321)``.
    """
    if isinstance(members, Sequence) and not isinstance(members, str):
        people = []
        for person in members:
            if not isinstance(person, Mapping) or not person.get("name"):
                continue
            text = str(person["name"]) + (f" ({person['phone']})" if person.get("phone") else "")
            lead = f"{t('ops.col.leader', lang)}: " if person.get("leader") is True else ""
            people.append(lead + text)
        return " · ".join(people)
    if not isinstance(members, Mapping):
        return ""
    parts = []
    if members.get("leader"):
        parts.append(f"{t('ops.col.leader', lang)}: {members['leader']}")
    for role in ("police", "military", "militia"):
        names = members.get(role)
        if isinstance(names, Sequence) and not isinstance(names, str) and names:
            parts.append(f"{t(f'ops.role.{role}', lang)}: {', '.join(map(str, names))}")
    return " · ".join(parts)


def ward_time(moment: datetime | None) -> str:
    """Write ``moment`` as ``23:41 23/11/2026`` in the ward's time (naive means UTC)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(WARD_TZ):%H:%M %d/%m/%Y}"


def add_dispatch(
    fmap: folium.Map,
    path: Sequence[Sequence[float]],
    *,
    lat: float,
    lon: float,
    tip: str,
    lang: Lang,
) -> None:
    """Draw the drive of the team sent to an alarm (thick red dashes) and the alarm site."""
    from dashboard.mapview import VectorLayer

    features: list[dict[str, Any]] = []
    if len(path) >= 2:
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "tip": tip,
                    "style": {
                        "color": "#d50000",
                        "weight": 8,
                        "opacity": 0.95,
                        "dashArray": "10 8",
                        "className": "dispatch",
                    },
                },
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[float(x), float(y)] for x, y in path],
                },
            }
        )
    icon = (
        "<div class='alarm' style='width:26px;height:26px;border-radius:13px;background:#d50000;"
        "border:3px solid white;box-shadow:0 0 6px #d50000;color:white;font:bold 15px "
        "sans-serif;text-align:center;line-height:26px'>!</div>"
    )
    features.append(
        {
            "type": "Feature",
            "properties": {"tip": tip, "popup": tip, "icon": icon, "icon_size": 30},
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        }
    )
    layer = VectorLayer(
        {"type": "FeatureCollection", "features": features}, name=t("alarm.layer", lang)
    )
    layer.add_to(fmap)


def rota_table(rota: Any, lang: Lang) -> pd.DataFrame:
    """One row per high- and top-level target: its visits night by night (``patrol.rota``)."""
    rows = []
    for entry in sorted(
        rota.targets.values(), key=lambda e: (e["level"] != "very_high", e["name"])
    ):
        row = {
            t("rota.col.target", lang): entry["name"],
            t("rota.col.level", lang): risk_level_label(entry["level"], lang),
            t("rota.col.window", lang): entry["window_nights"],
        }
        for night, times in zip(rota.nights, entry["arrivals"], strict=True):
            row[f"{night.shift.date:%d/%m}"] = ", ".join(times) or "–"
        rows.append(row)
    return pd.DataFrame(rows)
