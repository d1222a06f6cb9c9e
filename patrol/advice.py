"""What a night covers, in the commander's words: targets by level, capacity, what is left out.

One source for the plan summary, the briefing PDF and the plan page, so that they say the same
thing. Input: a plan's metrics (``patrol.pipeline.plan_shift``: ``coverage`` from
``geodata.coverage``, ``capacity`` from ``geodata.capacity``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from patrol.personnel import team_label
from patrolbase.lang import Lang
from patrolbase.wording import words

__all__ = ["coverage_lines", "key_route_lines", "left_out_lines"]


def coverage_lines(metrics: Mapping[str, Any], *, window: str, lang: Lang = "vi") -> list[str]:
    """Lines on the targets covered by level, the totals and the capacity advice.

    ``window`` is the high-risk window as people read it ("01:00-03:00"). Empty when the
    metrics carry no coverage (a plan made before targets were counted).
    """
    coverage = metrics.get("coverage")
    if not coverage:
        return []
    t = words("advice", lang)  # the catalog's advice.* texts
    capacity = metrics.get("capacity") or {}
    lines = []
    for level in ("very_high", "high"):
        count = coverage["levels"].get(level)
        if not count:
            continue
        line = t["level"].format(
            level=t["levels"][level],
            covered=count.get("covered", 0),
            in_window=count.get("in_window", 0),
            targets=count.get("targets", 0),
            window=window,
        )
        if level == "very_high" and capacity:
            line += t["bound"].format(**capacity)
        lines.append(line)
    share = f"{100 * float(coverage['risk_share']):.0f}"
    lines.append(
        t["targets"].format(
            visited=coverage["visited"],
            targets=coverage["targets"],
            repeats=coverage["repeat_visits"],
            share=share,
        )
    )
    if capacity.get("top"):
        needed = capacity.get("teams_needed")
        if needed is not None and needed <= capacity["teams"]:
            lines.append(t["enough"].format(**capacity))
        elif needed is not None:
            lines.append(t["need"].format(needed=needed, **capacity))
        else:
            lines.append(t["short"].format(**capacity))
    return lines


def left_out_lines(metrics: Mapping[str, Any], *, lang: Lang = "vi") -> list[str]:
    """One warning per top-level target not checked inside the window, with why."""
    coverage = metrics.get("coverage") or {}
    t = words("advice", lang)  # the catalog's advice.* texts
    lines = []
    for item in coverage.get("top_left", []):
        key = "left_covered" if item["covered"] else "left_missed"
        why = t["why"].get(item["reason"], item["reason"])
        lines.append(t[key].format(name=item["name"]) + f" — {why}")
    return lines


def key_route_lines(metrics: Mapping[str, Any], *, lang: Lang = "vi") -> list[str]:
    """One line per key route: the team that drives it end to end and when, or a warning."""
    coverage = metrics.get("coverage") or {}
    t = words("advice", lang)
    lines = []
    for route in coverage.get("key_routes", []):
        if route.get("team"):
            team = team_label(route["team"], lang)
            lines.append(t["key_route"].format(name=route["name"], team=team, at=route["at"]))
        else:
            lines.append(t["key_route_missed"].format(name=route["name"]))
    return lines
