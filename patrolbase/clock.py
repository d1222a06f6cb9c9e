"""The ward's clock: Vietnam time (UTC+07:00, no daylight saving), whatever the server's zone.

A server may run on UTC; "today" for a commander is the date in Vietnam. Between 17:00 and 24:00
UTC the two differ, and a plan made for the server's date would already be over.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

__all__ = ["WARD_TZ", "ward_now", "ward_today"]

WARD_TZ = timezone(timedelta(hours=7), "ICT")


def ward_now() -> datetime:
    """Return the current moment in the ward's time zone (timezone-aware)."""
    return datetime.now(UTC).astimezone(WARD_TZ)


def ward_today() -> date:
    """Return today's date in the ward."""
    return ward_now().date()
