"""A planned shift as plain text a commander reads (Vietnamese by default, English on request)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from patrol.advice import Lang, coverage_lines, key_route_lines, left_out_lines
from patrol.personnel import team_label
from patrolbase.schema import stop_kind_label
from patrolbase.wording import words

if TYPE_CHECKING:
    from patrol.pipeline import ShiftPlan

__all__ = ["plan_summary"]


def plan_summary(result: ShiftPlan, *, lang: str = "vi") -> str:
    """Return the shift's plan as text: header, totals, each team's timed stops, unserved."""
    language: Lang = "vi" if lang == "vi" else "en"
    t = words("summary", language)  # the catalog's summary.* texts
    shift, plan, problem = result.shift, result.plan, result.problem
    clock = lambda s: f"{shift.at(s):%H:%M}"  # noqa: E731 - local formatter
    hr = f"{shift.high_risk_start:%H:%M}-{shift.high_risk_end:%H:%M}"
    lines = [
        t["title"] + f" — {plan.extra.get('area', '')}",
        f"{t['shift']}: {shift.label()}; {t['high_risk']} {hr}",
    ]
    if plan.extra.get("status") == "approved":
        lines.append(
            t["status_approved"].format(by=plan.extra["approved_by"], at=plan.extra["approved_at"])
        )
    else:
        lines.append(t["status_draft"])
    if plan.extra.get("demo_incidents"):
        lines.append(t["demo"])
    night = (plan.extra.get("night") or {}).get("line", {}).get(language, "")
    if night:
        lines.append(night)
    metrics = result.metrics
    advice = coverage_lines(metrics, window=hr, lang=language)
    if advice:
        lines.extend(advice)
        lines.extend(f"{t['warning']}: {line}" for line in left_out_lines(metrics, lang=language))
    else:
        total = problem.total_value
        share = plan.value / total if total else 0
        lines.append(t["value"].format(got=plan.value, total=total, share=share))
    lines.extend(key_route_lines(metrics, lang=language))
    lines.append("")
    if not plan.routes:
        lines.append(t["no_routes"])
    for route in plan.routes:
        counts = route.extra.get("member_counts", {})
        members = ", ".join(f"{n} {t['roles'].get(r, r)}" for r, n in counts.items())
        depot = route.extra.get("depot", {}).get("name", "")
        lines.append(
            t["team"].format(
                team=team_label(route.team, lang),
                members=members,
                depot=depot,
                depart=clock(route.depart),
                back=clock(route.return_),
            )
        )
        for n, stop in enumerate(route.stops, start=1):
            kind = stop.extra.get("kind", "")
            kind_label = stop_kind_label(kind, lang)
            level = stop.extra.get("risk_level", "")
            lines.append(
                t["stop" if level else "stop_route"].format(
                    n=n,
                    start=clock(stop.start),
                    end=clock(stop.depart),
                    name=stop.extra.get("name", stop.site),
                    kind=kind_label,
                    level=t["levels"].get(level, level),
                )
            )
        lines.append("")
    # The other offer of a first visit made is not a check left out.
    left = [u for u in plan.unserved if u.reason != "alternative_served"]
    if left:
        reasons: dict[str, int] = {}
        for u in left:
            label = t["reasons"].get(u.reason or "", u.reason or "?")
            reasons[label] = reasons.get(label, 0) + 1
        detail = ", ".join(f"{label}: {n}" for label, n in sorted(reasons.items()))
        lines.append(t["unserved"].format(count=len(left)) + f" ({detail})")
    lines.append(str(plan.extra.get("attribution", "")))
    return "\n".join(lines) + "\n"
