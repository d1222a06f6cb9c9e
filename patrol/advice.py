"""What a night covers, in the commander's words: targets by level, capacity, what is left out.

One source for the plan summary, the briefing PDF and the plan page, so that they say the same
thing. Input: a plan's metrics (``patrol.pipeline.plan_shift``: ``coverage`` from
``geodata.coverage``, ``capacity`` from ``geodata.capacity``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from patrolbase.lang import Lang

__all__ = ["coverage_lines", "left_out_lines"]


_LEVEL = {
    "vi": {"very_high": "rất cao", "high": "cao", "medium": "trung bình", "low": "thấp"},
    "en": {"very_high": "very high", "high": "high", "medium": "medium", "low": "low"},
}
_TEXT: dict[str, dict[str, Any]] = {
    "vi": {
        "level": (
            "Mục tiêu mức {level}: {covered}/{targets} được kiểm tra trong ca, {in_window}/"
            "{targets} trong khung giờ nguy cơ cao {window}"
        ),
        "bound": " (các tổ làm được tối đa: {fit_night} trong ca, {fit_window} trong khung giờ)",
        "targets": (
            "Mục tiêu được kiểm tra: {visited}/{targets}; lượt kiểm tra lặp lại: {repeats}; "
            "mức bao phủ nguy cơ: {share} %"
        ),
        "enough": "Đủ lực lượng: {teams} tổ kiểm tra được mọi mục tiêu mức rất cao.",
        "need": (
            "Cần {needed} tổ (hiện có {teams}) để kiểm tra mọi mục tiêu mức rất cao, trong khung "
            "giờ nguy cơ cao ở những nơi đến kịp."
        ),
        "short": (
            "Ngay cả {tried} tổ cũng chưa kiểm tra hết các mục tiêu mức rất cao trong khung giờ "
            "nguy cơ cao (hiện có {teams} tổ)."
        ),
        "left_covered": "Chưa kiểm tra trong khung giờ nguy cơ cao (có kiểm tra lúc khác): {name}",
        "left_missed": "KHÔNG được kiểm tra trong ca: {name}",
        "why": {
            "no_time": "các tổ không đủ thời gian",
            "window_unreachable": "không tổ nào đến kịp trong khung giờ",
            "too_far": "quá xa: không tổ nào đến được và về kịp trong ca",
        },
    },
    "en": {
        "level": (
            "{level} targets: {covered}/{targets} checked during the shift, {in_window}/"
            "{targets} inside the high-risk window {window}"
        ),
        "bound": (
            " (the most the teams can do: {fit_night} in the shift, {fit_window} in the window)"
        ),
        "targets": (
            "Targets checked: {visited}/{targets}; repeat checks: {repeats}; risk covered: "
            "{share} %"
        ),
        "enough": "Enough teams: {teams} team(s) check every very-high target.",
        "need": (
            "{needed} teams (now {teams}) would check every very-high target, inside the "
            "high-risk window wherever a team can reach it."
        ),
        "short": (
            "Even {tried} teams do not check every very-high target inside the high-risk window "
            "(now {teams})."
        ),
        "left_covered": "Not checked inside the high-risk window (checked at another time): {name}",
        "left_missed": "NOT checked during the shift: {name}",
        "why": {
            "no_time": "the teams have no time left",
            "window_unreachable": "no team can be there inside the window",
            "too_far": "too far: no team can get there and back within the shift",
        },
    },
}


def coverage_lines(metrics: Mapping[str, Any], *, window: str, lang: Lang = "vi") -> list[str]:
    """Lines on the targets covered by level, the totals and the capacity advice.

    ``window`` is the high-risk window as people read it ("01:00-03:00"). Empty when the
    metrics carry no coverage (a plan made before targets were counted).
    """
    coverage = metrics.get("coverage")
    if not coverage:
        return []
    t = _TEXT[lang]
    capacity = metrics.get("capacity") or {}
    lines = []
    for level in ("very_high", "high"):
        count = coverage["levels"].get(level)
        if not count:
            continue
        line = t["level"].format(
            level=_LEVEL[lang][level],
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
            lines.append(t["need"].format(**capacity))
        else:
            lines.append(t["short"].format(**capacity))
    return lines


def left_out_lines(metrics: Mapping[str, Any], *, lang: Lang = "vi") -> list[str]:
    """One warning per top-level target not checked inside the window, with why."""
    coverage = metrics.get("coverage") or {}
    t = _TEXT[lang]
    lines = []
    for item in coverage.get("top_left", []):
        key = "left_covered" if item["covered"] else "left_missed"
        why = t["why"].get(item["reason"], item["reason"])
        lines.append(t[key].format(name=item["name"]) + f" — {why}")
    return lines
