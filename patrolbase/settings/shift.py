"""The night shift's defaults: its hours and the high-risk window."""

from __future__ import annotations

from pydantic import BaseModel

from patrolbase.settings._base import FROZEN


class ShiftSettings(BaseModel):
    """Default night shift, as clock times ``HH:MM`` (24-hour)."""

    model_config = FROZEN

    start: str = "22:00"
    """Shift start."""
    end: str = "05:00"
    """Shift end (the next morning when earlier than the start)."""
    high_risk_start: str = "01:00"
    """Start of the high-risk window (office and treasury burglaries cluster 01:00-03:00)."""
    high_risk_end: str = "03:00"
    """End of the high-risk window."""
