"""How a night is planned: the routing engine's defaults and what is covered first."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from patrolbase.settings._base import FROZEN


class RoutingSettings(BaseModel):
    """Routing engine defaults."""

    model_config = FROZEN

    time_limit_s: float = Field(default=4.0, gt=0, le=3600)
    """Wall time the solver may use at most (a night of the default area plans in under 5 s;
    the search also stops earlier once it stops improving)."""
    seed: int = Field(default=7, ge=0, le=2**31 - 1)
    """Random seed: the same problem and seed give the same plan."""
    workers: int = Field(default=2, ge=1, le=64)
    """Searches run side by side for a night, one process each (one per core). A province's
    wards are planned with 1: there the cluster's workers are the parallelism."""
    work_s: float | None = Field(default=None, gt=0, le=3600)
    """Work budget of the search, in seconds of the time limit it is sized for (``None``: the
    time limit). Below a generous time limit, a plan depends only on the problem, the seed and
    this budget, however busy the machine."""
    variety: float | None = Field(default=None, ge=0, le=1)
    """Seeded random surcharge (share of travel time, per street leg) on route costs, so that
    another night's seed gives other loops of equal value: patrols are hard to predict. 0 keeps
    the strictly shortest loops; ``None`` keeps the engine's own (``routing.SearchParams``)."""
    police_per_team: int = Field(default=1, ge=1, le=10)
    """Police officers per joint team (at least one: a police officer leads the team)."""
    military_per_team: int = Field(default=1, ge=0, le=10)
    """Military or militia members per joint team."""
    vehicle: str = Field(default="motorbike", min_length=1, max_length=40)
    """Vehicle of a joint team (the usual night patrol rides motorbikes)."""
    alarm_service_s: int = Field(default=900, ge=0, le=7200)
    """Time a team stays at an alarm before the rest of the night is re-planned."""


class CoverSettings(BaseModel):
    """What a night covers first: targets, first visits, the top level, the week's rota.

    See ``docs/risk.md`` ("Cover first, then deepen") for how these become visit values.
    """

    model_config = FROZEN

    target_radius_m: float = Field(default=50.0, ge=0, le=500)
    """An ATM this close to a bank, office or shop (or in the same building) is checked on the
    same stop: one target (mục tiêu). 0 keeps every facility a target of its own."""
    repeat_visit_share: float = Field(default=0.35, gt=0, le=1)
    """Value of a target's second visit as a share of its risk in that visit's window; the third
    is worth this share squared, and so on: the first visit of a night is worth most."""
    top_level: Literal["very_high", "high"] = "very_high"
    """Risk level whose targets are covered before anything else (mức rất cao)."""
    top_first: bool = True
    """Every target of ``top_level`` is visited during the shift, and inside the high-risk
    window where a team can reach it, before any other visit counts (dominant values). Off:
    values follow risk alone (measured in ``bench/plan_quality.py``)."""
    capacity_extra_teams: int = Field(default=4, ge=0, le=20)
    """When the teams cannot cover every top-level target, plans with up to this many more
    teams are solved to say how many would."""
    rota_window_nights: int = Field(default=5, ge=0, le=7)
    """A week's rota: nights each top-level target is visited inside the high-risk window."""
    rota_high_nights: int = Field(default=1, ge=0, le=7)
    """A week's rota: nights each high-level target is visited at least once."""
