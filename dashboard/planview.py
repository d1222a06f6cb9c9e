"""Tables and figures of a plan for the pages: metrics, per-team timelines, unserved high-risk
visits. Pure: no Streamlit; takes a ``ShiftPlan`` (``patrol.pipeline.plan_shift``) or its
parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

if TYPE_CHECKING:
    from geodata.shift import Shift
    from routing.model import PatrolPlan, PatrolProblem

__all__ = [
    "PlanSummary",
    "high_risk_unserved",
    "metrics_rows",
    "site_info",
    "summarise",
    "timeline",
]


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


def _overlaps(earliest: int, latest: int, window: tuple[int, int]) -> bool:
    return earliest <= window[1] and latest >= window[0]


def summarise(problem: PatrolProblem, plan: PatrolPlan, shift: Shift) -> PlanSummary:
    """Totals of ``plan``: value, visits served and not, travel time, teams on the road, visits
    served in the high-risk window.
    """
    window = shift.high_risk_s
    served = [s for r in plan.routes for s in r.stops]
    return PlanSummary(
        value=float(plan.value),
        total_value=problem.total_value,
        served=len(served),
        unserved=len(plan.unserved),
        travel_s=int(plan.travel_s),
        teams_out=sum(1 for r in plan.routes if r.stops),
        high_risk_served=sum(1 for s in served if window[0] <= s.start <= window[1]),
    )


def metrics_rows(summary: PlanSummary, lang: Lang) -> list[tuple[str, str]]:
    """(label, value) pairs of the plan metrics in ``lang``."""
    share = summary.value / summary.total_value if summary.total_value else 0.0
    return [
        (t("plan.metric.value", lang), f"{fmt_number(100 * share, lang, decimals=1)}%"),
        (t("plan.metric.served", lang), fmt_number(summary.served, lang)),
        (t("plan.metric.unserved", lang), fmt_number(summary.unserved, lang)),
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


def high_risk_unserved(
    problem: PatrolProblem, plan: PatrolPlan, shift: Shift, *, lang: Lang = "vi"
) -> list[tuple[str, int]]:
    """Unserved visits whose window meets the high-risk window: ``(site name, visit index)``,
    most valuable first.
    """
    window = shift.high_risk_s
    by_id = {s.id: s for s in problem.sites}
    info = site_info(problem)
    found: list[tuple[float, str, int]] = []
    for u in plan.unserved:
        site = by_id.get(u.site)
        if site is None or not 0 <= u.visit < len(site.visits):
            continue
        visit = site.visits[u.visit]
        if visit.value > 0 and _overlaps(visit.earliest, visit.latest, window):
            extra = info.get(u.site, {})
            name = str(extra.get("name") or kind_label(str(extra.get("kind", u.site)), lang))
            found.append((visit.value, name, u.visit))
    found.sort(key=lambda item: -item[0])
    return [(name, visit) for _, name, visit in found]


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
                    t("routes.col.site", lang): str(info.get("name") or stop.site),
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
