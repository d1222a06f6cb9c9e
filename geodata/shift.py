"""A patrol shift on the clock: its date, start and end, and its high-risk window.

Routing counts whole seconds from the shift's start (the reference instant), so a 22:00-05:00
shift never has a window that crosses midnight: 22:00 is 0 and 01:00-03:00 is 10800-18000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from patrolbase.errors import SettingsError

__all__ = ["Shift", "parse_clock", "parse_date", "parse_range"]

_CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:hH]\s*(\d{2})?\s*$")


def parse_clock(text: str, *, field: str = "time") -> time:
    """Read a 24-hour clock time: ``22:00``, ``22h00``, ``22h`` or ``1:30``.

    >>> parse_clock("22h30")
    datetime.time(22, 30)
    """
    match = _CLOCK.match(str(text))
    if not match:
        msg = f"{field} = {text!r}: write a 24-hour time such as 22:00 or 22h00"
        raise SettingsError(msg)
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        msg = f"{field} = {text!r}: hours run 00-23 and minutes 00-59"
        raise SettingsError(msg)
    return time(hour, minute)


def parse_date(text: str, *, field: str = "date") -> date:
    """Read a date written ``YYYY-MM-DD`` or ``dd/mm/yyyy``; a date without a year is refused.

    >>> parse_date("23/11/2026")
    datetime.date(2026, 11, 23)
    """
    text = str(text).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    msg = f"{field} = {text!r}: write the full date as YYYY-MM-DD or dd/mm/yyyy, year included"
    raise SettingsError(msg)


def _span(start: time, end: time) -> int:
    """Seconds from ``start`` to ``end``, the next day when ``end`` is not after ``start``."""
    seconds = (end.hour * 3600 + end.minute * 60) - (start.hour * 3600 + start.minute * 60)
    return seconds if seconds > 0 else seconds + 86400


_Day = date  # the class's field ``date`` hides the type inside its body


@dataclass(frozen=True)
class Shift:
    """One shift: starts on ``date`` at ``start`` and ends at ``end`` (next day if earlier).

    The high-risk window must lie inside the shift.
    """

    date: date
    start: time
    end: time
    high_risk_start: time
    high_risk_end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            msg = f"shift {self.start:%H:%M}-{self.end:%H:%M}: a shift must end after it starts"
            raise SettingsError(msg)
        a, b = self.high_risk_s
        if not (0 <= a < b <= self.duration_s):
            msg = (
                f"high-risk window {self.high_risk_start:%H:%M}-{self.high_risk_end:%H:%M} lies "
                f"outside the shift {self.start:%H:%M}-{self.end:%H:%M}; choose a window inside it"
            )
            raise SettingsError(msg)

    @classmethod
    def parse(cls, day: str | _Day, shift: str, high_risk: str = "01:00-03:00") -> Shift:
        """Build a shift from text: ``Shift.parse("2026-11-23", "22:00-05:00", "01:00-03:00")``."""
        the_date = day if isinstance(day, _Day) else parse_date(day)
        start, end = parse_range(shift, "shift")
        hr_start, hr_end = parse_range(high_risk, "high-risk window")
        return cls(the_date, start, end, hr_start, hr_end)

    @property
    def start_dt(self) -> datetime:
        """The reference instant: second 0 of the routing problem."""
        return datetime.combine(self.date, self.start)

    @property
    def duration_s(self) -> int:
        """Length of the shift in seconds."""
        return _span(self.start, self.end)

    @property
    def end_dt(self) -> datetime:
        """When the shift ends."""
        return self.start_dt + timedelta(seconds=self.duration_s)

    @property
    def high_risk_s(self) -> tuple[int, int]:
        """The high-risk window in seconds from the shift start."""
        return self._offsets(self.high_risk_start, self.high_risk_end)

    def _offsets(self, start: time, end: time) -> tuple[int, int]:
        """Seconds from the shift start to a window's ``start`` and ``end`` (not checked)."""
        a = _span(self.start, start) % 86400
        return a, a + _span(start, end)

    def window_s(self, start: time, end: time) -> tuple[int, int]:
        """Return a window of the night (``01:00``-``03:00``) in seconds from the shift start.

        Raises
        ------
        SettingsError
            When the window does not lie inside the shift (in English and Vietnamese).

        """
        a, b = self._offsets(start, end)
        if not (0 <= a < b <= self.duration_s):
            label = f"{start:%H:%M}-{end:%H:%M}"
            msg = f"window {label} lies outside the shift {self.label()}; choose one inside it"
            error = SettingsError(msg)
            error.message_vi = (
                f"khung giờ {label} nằm ngoài ca trực {self.label()}; hãy chọn trong ca"
            )
            raise error
        return a, b

    def seconds_at(self, when: datetime) -> int:
        """Seconds from the shift start to ``when``."""
        return int((when - self.start_dt).total_seconds())

    def at(self, seconds: float) -> datetime:
        """Return the clock instant ``seconds`` after the shift start."""
        return self.start_dt + timedelta(seconds=float(seconds))

    def label(self) -> str:
        """``23/11/2026 22:00-05:00`` as the interface shows it."""
        return f"{self.date:%d/%m/%Y} {self.start:%H:%M}-{self.end:%H:%M}"


def parse_range(text: str, field: str) -> tuple[time, time]:
    """Read ``22:00-05:00`` as two clock times; ``field`` names it in the error."""
    parts = re.split(r"\s*[-–]\s*", str(text).strip())
    if len(parts) != 2:
        msg = f"{field} = {text!r}: write it as start-end, for example 22:00-05:00"
        raise SettingsError(msg)
    return parse_clock(parts[0], field=field), parse_clock(parts[1], field=field)
