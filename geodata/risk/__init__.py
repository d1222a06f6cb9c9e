"""An explainable risk for every facility, slot by slot across a shift.

The score of facility *i* in slot *t* is a product of parts, each readable on its own::

    score = base(kind) x cash x isolation x guard x camera x alarm x opening hours   (static)
            x (1 + incident pressure)                                             (recent crime)
            x hour factor(kind, t) x date factor(night of t)                        (time profile)

A factor of 1 changes nothing. ``explain`` turns the product into points that add up to the
score: each factor contributes what it added to (or removed from) the running total, and the
incident pressure is shared among the incidents that caused it. ``docs/risk.md`` justifies every
default; all weights live in ``RiskSettings``.

Distances are computed in a projected CRS: ``crs`` when given (``Area.crs``), else
``settings.area.crs``, else the UTM zone of the facilities (EPSG:32648 for Hà Nội and Hồ Chí Minh
City, EPSG:32649 for Nha Trang).
"""

from __future__ import annotations

from geodata.risk.assessment import RiskAssessment, assess_risk, risk_table
from geodata.risk.explain import Explanation, explain
from geodata.risk.exposure import isolation, static_exposure
from geodata.risk.levels import RiskLevel, risk_level
from geodata.risk.pressure import IncidentPairs, incident_contributions, incident_pressure
from geodata.risk.projection import measuring_crs

__all__ = [
    "Explanation",
    "IncidentPairs",
    "RiskAssessment",
    "RiskLevel",
    "assess_risk",
    "explain",
    "incident_contributions",
    "incident_pressure",
    "isolation",
    "measuring_crs",
    "risk_level",
    "risk_table",
    "static_exposure",
]
