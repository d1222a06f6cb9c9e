"""Progress against the yearly reduction targets: all criminal offences, and per type if set."""

from __future__ import annotations

import math

import pandas as pd

from geodata.review.model import TargetProgress, TypeTarget
from geodata.review.period import Period
from patrolbase.schema import IncidentType

__all__ = ["change", "target_progress", "type_targets"]


def change(now: float, before: float) -> float:
    """Relative change ``now`` against ``before`` (``NaN`` when ``before`` is zero)."""
    return (now - before) / before if before else math.nan


def _year_to_date(times: pd.Series, period: Period) -> tuple[int, int]:
    """Count from the reporting year's start to the period's end: this year, and last year."""
    before = period.shifted(-12)
    this_year = int(
        ((times >= pd.Timestamp(period.year_start())) & (times < pd.Timestamp(period.end))).sum()
    )
    last_year = int(
        ((times >= pd.Timestamp(before.year_start())) & (times < pd.Timestamp(before.end))).sum()
    )
    return this_year, last_year


def _partial(frame: pd.DataFrame, period: Period) -> bool:
    """Tell whether the records begin after last year's first day (part of a year, not whole)."""
    start = pd.Timestamp(period.shifted(-12).year_start())
    return len(frame) == 0 or frame["time"].min() >= start + pd.Timedelta(days=1)


def target_progress(frame: pd.DataFrame, period: Period, target: float) -> TargetProgress:
    """Criminal offences (every type but ``other``) so far this year against last year's."""
    criminal = frame[frame["type"] != IncidentType.OTHER.value]
    this_year, last_year = _year_to_date(criminal["time"], period)
    allowed = (1 - target) * last_year
    months = period.month.month
    if last_year == 0 or _partial(frame, period):
        return TargetProgress(months, this_year, 0, target, 0.0, None, None)
    return TargetProgress(
        months, this_year, last_year, target, allowed, change(this_year, last_year),
        this_year <= allowed,
    )  # fmt: skip


def type_targets(
    frame: pd.DataFrame, period: Period, targets: dict[str, float]
) -> list[TypeTarget]:
    """Progress of each incident type that has its own target (``[report] type_targets``)."""
    out = []
    partial = _partial(frame, period)
    for kind, target in sorted(targets.items()):
        this_year, last_year = _year_to_date(frame.loc[frame["type"] == kind, "time"], period)
        known = last_year > 0 and not partial
        on_track = this_year <= (1 - target) * last_year if known else None
        out.append(TypeTarget(kind, this_year, last_year if known else 0, target, on_track))
    return out
