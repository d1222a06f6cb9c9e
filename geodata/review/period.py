"""Reporting periods: the calendar month, or the 15th-to-14th period of state bodies' reports.

A period is named by its month. The calendar month ``10/2026`` runs 1-31 October and its report
is due on 15 November. The ``15-14`` period ``10/2026`` runs 15 September to 14 October, so the
report due on 15 October covers complete data (``[report] period``). Incidents are placed in a
period by their local date; a shift belongs to the date it starts on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import numpy as np
import pandas as pd

from patrolbase.clock import ward_today
from patrolbase.errors import ReviewError

__all__ = ["Period", "PeriodKind", "check_month", "parse_month", "report_date", "shift_month"]

PeriodKind = Literal["month", "15-14"]


def shift_month(month: date, months: int) -> date:
    """Return the first day of the month ``months`` after ``month`` (before when negative)."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str | date) -> date:
    """Read a month ``2026-10``, ``10/2026`` or ``2026-10-01`` as its first day.

    >>> parse_month("10/2026")
    datetime.date(2026, 10, 1)
    """
    if isinstance(text, date):
        return date(text.year, text.month, 1)
    raw = str(text).strip()
    for fmt in ("%Y-%m", "%m/%Y", "%Y-%m-%d", "%m-%Y"):
        try:
            parsed = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        return date(parsed.year, parsed.month, 1)
    msg = f"month = {raw!r}: write the month as YYYY-MM (e.g. 2026-10) or MM/YYYY"
    raise ReviewError(
        msg, message_vi=f"Tháng {raw!r} không hợp lệ: ghi theo dạng 2026-10 hoặc 10/2026"
    )


def check_month(month: str | date, *, today: date | None = None) -> date:
    """Parse ``month`` and refuse one that has not begun; return its first day.

    Raises
    ------
    ReviewError
        With an English and a Vietnamese message naming the month and today's date.

    """
    the_month = parse_month(month)
    today = today or ward_today()
    if the_month > date(today.year, today.month, 1):
        msg = (
            f"month {the_month:%Y-%m} has not begun (today is {today:%Y-%m-%d}); "
            "choose this month or an earlier one"
        )
        raise ReviewError(
            msg,
            message_vi=(
                f"Tháng {the_month:%m/%Y} chưa đến (hôm nay {today:%d/%m/%Y}); "
                "hãy chọn tháng này hoặc một tháng trước đó"
            ),
        )
    return the_month


@dataclass(frozen=True)
class Period:
    """A reporting period named by ``month`` (its first day); ``start`` <= day < ``end``."""

    month: date
    kind: PeriodKind = "month"

    @classmethod
    def of(cls, month: str | date, kind: PeriodKind = "month") -> Period:
        """Return the period named by ``month``.

        >>> p = Period.of("2026-10", "15-14")
        >>> p.start, p.end, p.due
        (datetime.date(2026, 9, 15), datetime.date(2026, 10, 15), datetime.date(2026, 10, 15))
        """
        return cls(parse_month(month), kind)

    @property
    def start(self) -> date:
        """First day of the period."""
        if self.kind == "15-14":
            return shift_month(self.month, -1).replace(day=15)
        return self.month

    @property
    def end(self) -> date:
        """First day after the period."""
        if self.kind == "15-14":
            return self.month.replace(day=15)
        return shift_month(self.month, 1)

    @property
    def last_day(self) -> date:
        """Last day of the period."""
        return self.end - timedelta(days=1)

    @property
    def due(self) -> date:
        """The 15th on which the report of this period is sent."""
        return self.end.replace(day=15)  # both kinds end on the 1st or the 15th

    def shifted(self, months: int) -> Period:
        """Return the period ``months`` later (earlier when negative)."""
        return Period(shift_month(self.month, months), self.kind)

    def contains(self, times: pd.Series) -> np.ndarray:
        """Which of ``times`` (local, tz-naive) fall in the period."""
        return np.asarray(
            (times >= pd.Timestamp(self.start)) & (times < pd.Timestamp(self.end)), dtype=bool
        )

    def index_of(self, times: pd.Series) -> np.ndarray:
        """Period number (months since year 0) of each time: this period's is ``self.index``."""
        index = times.dt.year.to_numpy() * 12 + times.dt.month.to_numpy() - 1
        if self.kind == "15-14":
            index = index + (times.dt.day.to_numpy() >= 15)
        return np.asarray(index, dtype=np.int64)

    @property
    def index(self) -> int:
        """Months since year 0 of the naming month."""
        return self.month.year * 12 + self.month.month - 1

    def label(self, lang: str = "vi") -> str:
        """``10/2026``, or ``15/09-14/10/2026`` for a 15-14 period."""
        if self.kind == "month":
            return f"{self.month:%m/%Y}"
        return f"{self.start:%d/%m}-{self.last_day:%d/%m/%Y}"

    def year_start(self) -> date:
        """First day of the reporting year the period belongs to (for the yearly target)."""
        return Period(date(self.month.year, 1, 1), self.kind).start


def report_date(month: date | str, kind: PeriodKind = "month") -> date:
    """Return the date the report of ``month`` is due.

    >>> report_date("2026-12")
    datetime.date(2027, 1, 15)
    """
    return Period.of(month, kind).due
