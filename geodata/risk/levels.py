"""Risk levels: the four words a commander reads (thấp, trung bình, cao, rất cao)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from patrolbase.schema import IncidentType
from patrolbase.settings import RiskSettings

if TYPE_CHECKING:
    pass


class RiskLevel(StrEnum):
    """Risk level of a site (mức độ nguy cơ)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def label_vi(self) -> str:
        """Vietnamese name: thấp, trung bình, cao, rất cao."""
        return _LEVEL_VI[self]

    @property
    def label_en(self) -> str:
        """English name."""
        return self.value.replace("_", " ")


_LEVEL_VI = {
    RiskLevel.LOW: "thấp",
    RiskLevel.MEDIUM: "trung bình",
    RiskLevel.HIGH: "cao",
    RiskLevel.VERY_HIGH: "rất cao",
}
_TYPES = frozenset(t.value for t in IncidentType)
_LEVELS = (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.VERY_HIGH)


def risk_level(score: float, *, settings: RiskSettings | None = None) -> RiskLevel:
    """Level of a score by ``settings.level_thresholds`` (45, 85, 130 by default).

    >>> risk_level(100.0).label_vi
    'cao'
    """
    settings = settings or RiskSettings()
    return _LEVELS[int(np.searchsorted(settings.level_thresholds, score, side="right"))]
