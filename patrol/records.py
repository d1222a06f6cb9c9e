"""A patrol record as people read it: the stops table and the team's line, Vietnamese first.

The command (``patrol records``), the plan page and the review draw from these; the figures
come from ``geodata.trackmatch.TrackMatch``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from patrol.personnel import team_label
from patrolbase.lang import Lang

if TYPE_CHECKING:
    from geodata.trackmatch import TrackMatch

__all__ = ["STATUS_LABEL", "record_summary", "stops_table"]


STATUS_LABEL: dict[str, tuple[str, str]] = {
    "visited": ("Đã đến đúng giờ", "Visited on time"),
    "late": ("Đến muộn", "Late"),
    "missed": ("Không đến", "Missed"),
}
"""Status of a planned stop: (Vietnamese, English)."""

_COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("Mục tiêu", "Site"),
    "planned_arrival": ("Giờ đến theo kế hoạch", "Planned arrival"),
    "arrival": ("Giờ đến thực tế", "Actual arrival"),
    "delay": ("Chênh lệch (phút)", "Difference (min)"),
    "on_site": ("Thời gian có mặt (phút)", "Time on site (min)"),
    "status": ("Kết quả", "Result"),
}


def _number(value: float, lang: Lang, digits: int = 0) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "vi" else text


def _minutes(seconds: int) -> str:
    """Signed whole minutes; 0 without a sign."""
    minutes = round(seconds / 60)
    return f"{minutes:+d}" if minutes else "0"


def stops_table(match: TrackMatch, *, lang: Lang = "vi") -> pd.DataFrame:
    """One row per planned stop: site, planned and actual arrival, difference, time on site."""
    k = 0 if lang == "vi" else 1
    rows = [
        {
            "name": s.name,
            "planned_arrival": s.planned_arrival,
            "arrival": s.arrival or "-",
            "delay": "-" if s.delay_s is None else _minutes(s.delay_s),
            "on_site": _number(s.on_site_s / 60, lang) if s.made else "-",
            "status": STATUS_LABEL[s.status][k],
        }
        for s in match.stops
    ]
    frame = pd.DataFrame(rows, columns=list(_COLUMNS))
    return frame.rename(columns={c: v[k] for c, v in _COLUMNS.items()})


def record_summary(match: TrackMatch, *, lang: Lang = "vi") -> str:
    """Return the team's night in one line: stops made, late, top-level targets, distance."""
    km = _number(match.distance_m / 1000, lang, 1)
    hours = _number(match.duration_s / 3600, lang, 1)
    team = team_label(match.team, lang)
    when = f"{match.start}-{match.end[-5:]}"
    if not match.stops:
        if lang == "vi":
            return (
                f"{team}, đêm {match.shift_date:%d/%m/%Y}: lộ trình {when}, {km} km, {hours} giờ; "
                "đêm này không có kế hoạch đã phê duyệt để đối chiếu."
            )
        return (
            f"{team}, night of {match.shift_date:%d/%m/%Y}: track {when}, {km} km, {hours} h; "
            "no approved plan of that night to compare with."
        )
    top = (
        f"{len(match.top_level_covered)}/{len(match.top_level_sites)}"
        if match.top_level_sites
        else "-"
    )
    if lang == "vi":
        return (
            f"{team}, đêm {match.shift_date:%d/%m/%Y}: đến {match.stops_made}/"
            f"{match.stops_planned} lượt theo kế hoạch ({match.stops_late} lượt muộn); mục tiêu "
            f"trọng điểm được tuần tra trong khung giờ cao điểm: {top}; quãng đường {km} km, "
            f"{hours} giờ ({when})."
        )
    return (
        f"{team}, night of {match.shift_date:%d/%m/%Y}: {match.stops_made}/"
        f"{match.stops_planned} planned visits made ({match.stops_late} late); top-level "
        f"targets covered in the high-risk window: {top}; {km} km, {hours} h ({when})."
    )
