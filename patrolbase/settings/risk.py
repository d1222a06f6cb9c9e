"""How the risk of a site is scored: points per kind, factors, hour profiles, dwell."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from patrolbase.schema import FacilityKind, IncidentType
from patrolbase.settings._base import FROZEN, merged, out_of_range

# Risk defaults (see docs/risk.md for the reasons). Points: an average site of the kind at an
# average hour; the province's warnings single out offices/treasuries, transaction offices and
# gold shops, which carry cash or valuables overnight.
_KIND_BASE = {
    "treasury": 70.0, "bank": 55.0, "transaction_office": 60.0, "gold_shop": 60.0,
    "pawn_shop": 45.0, "atm": 40.0, "government_office": 35.0, "town_hall": 35.0,
    "post_office": 30.0, "market": 25.0, "school": 15.0, "police": 0.0, "military": 0.0,
}  # fmt: skip
_CASH_FACTORS = {"none": 0.6, "low": 0.85, "medium": 1.0, "high": 1.3, "unknown": 1.0}
_PROTECTION_FACTORS = {
    "guard": {"yes": 0.7, "no": 1.15, "unknown": 1.0},
    "camera": {"yes": 0.9, "no": 1.05, "unknown": 1.0},
    "alarm": {"yes": 0.85, "no": 1.1, "unknown": 1.0},
}
_INCIDENT_WEIGHTS = {
    "robbery": 0.6, "burglary": 0.5, "snatch_theft": 0.3, "theft": 0.25, "injury": 0.1,
    "fraud": 0.05, "other": 0.05,
}  # fmt: skip
_KIND_PROFILE = {
    "treasury": "office", "government_office": "office", "town_hall": "office",
    "post_office": "office", "school": "office", "bank": "bank", "transaction_office": "bank",
    "gold_shop": "gold", "pawn_shop": "gold", "atm": "atm", "market": "market",
    "police": "flat", "military": "flat",
}  # fmt: skip
# Hours 00..23. Offices: empty at night, burgled 01-03 (the province's warning), staffed by day.
# Banks: opening and closing with cash transport (07-08, 16-17), night burglary 01-03. Gold
# shops: opening (08) and late closing (21-22), night. ATMs and markets: night, markets also the
# early-morning arrival of vendors.
_HOUR_PROFILES = {
    "office": [1.5, 2.0, 2.0, 1.6, 1.3, 1.0, 0.7, 0.6, 0.4, 0.4, 0.4, 0.4,
               0.4, 0.4, 0.4, 0.4, 0.4, 0.5, 0.8, 0.8, 0.9, 1.0, 1.2, 1.3],
    "bank": [1.3, 1.7, 1.7, 1.4, 1.2, 0.9, 0.8, 1.3, 1.3, 1.0, 1.0, 0.9,
             0.9, 0.9, 1.0, 1.0, 1.4, 1.3, 0.9, 0.9, 1.0, 1.0, 1.1, 1.2],
    "gold": [1.3, 1.6, 1.6, 1.4, 1.1, 0.8, 0.9, 0.9, 1.3, 1.0, 1.0, 1.0,
             1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.5, 1.4, 1.2],
    "atm": [1.4, 1.6, 1.6, 1.4, 1.2, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8,
            0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.2, 1.3],
    "market": [1.2, 1.4, 1.4, 1.3, 1.3, 1.2, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8,
               0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 0.9, 1.0, 1.0, 1.0, 1.1, 1.2],
    "flat": [1.0] * 24,
}  # fmt: skip
_DWELL_S = {"low": 180, "medium": 300, "high": 600, "very_high": 900}


class RiskSettings(BaseModel):
    """Risk model weights; see ``docs/risk.md`` for why each default is what it is.

    A score is ``base(kind) x static factors x (1 + incident pressure) x hour factor x date
    factor``; a factor of 1 changes nothing. Tables keyed by kind, cash level or incident type
    may be given in part (a TOML file can set one kind); missing keys keep their defaults.
    """

    model_config = FROZEN

    # --- static exposure ---------------------------------------------------------------------
    kind_base: dict[str, float] = Field(default_factory=lambda: dict(_KIND_BASE))
    """Base exposure (points, 0-100) per facility kind before any factor: what an average site
    of the kind risks at an average hour. Depots (police, military) are 0."""
    cash_factors: dict[str, float] = Field(default_factory=lambda: dict(_CASH_FACTORS))
    """Factor per overnight cash level (``none``/``low``/``medium``/``high``/``unknown``), in
    (0, 5]."""
    protection_factors: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {k: dict(v) for k, v in _PROTECTION_FACTORS.items()}
    )
    """Factor per protection (``guard``, ``camera``, ``alarm``) and state (``yes``, ``no``,
    ``unknown``), in (0, 5]."""
    open_24h_factor: float = Field(default=0.85, gt=0, le=5)
    """Factor for a site open around the clock (``24/7``): staffed and lit all night."""
    closed_at_night_factor: float = Field(default=1.1, gt=0, le=5)
    """Factor for a site whose opening hours show it empty at night (closes before 22:00)."""
    isolation_far_m: float = Field(default=300.0, gt=0, le=5000)
    """Distance to the nearest housing (residential land use or a dwelling) at which a site
    counts as fully isolated (metres, projected CRS)."""
    density_radius_m: float = Field(default=150.0, gt=0, le=2000)
    """Radius within which buildings are counted for the building density (metres)."""
    dense_buildings: int = Field(default=30, ge=1, le=5000)
    """Buildings within ``density_radius_m`` that make a fully dense block (no isolation)."""
    isolation_distance_share: float = Field(default=0.5, ge=0, le=1)
    """Share of the isolation index given by the distance to housing; the rest by sparseness."""
    isolation_min_factor: float = Field(default=0.9, gt=0, le=1)
    """Factor of a site inside a dense block next to housing (isolation index 0)."""
    isolation_max_factor: float = Field(default=1.5, ge=1, le=5)
    """Factor of a fully isolated site (isolation index 1)."""

    # --- incident pressure -------------------------------------------------------------------
    incident_weights: dict[str, float] = Field(default_factory=lambda: dict(_INCIDENT_WEIGHTS))
    """Pressure (share of the static score, 0-5) one incident of each type adds when it happened
    at the site itself just now; it decays with distance and age."""
    incident_radius_m: float = Field(default=500.0, gt=0, le=5000)
    """Incidents farther than this from a site add nothing (metres)."""
    incident_distance_half_m: float = Field(default=100.0, gt=0, le=5000)
    """Distance at which an incident counts half (exponential decay, metres)."""
    incident_half_life_days: float = Field(default=30.0, gt=0, le=3650)
    """Age at which an incident counts half (exponential decay, days)."""
    incident_max_age_days: float = Field(default=365.0, gt=0, le=3650)
    """Incidents older than this add nothing (days)."""
    near_repeat_m: float = Field(default=400.0, ge=0, le=5000)
    """Near-repeat distance: incidents of ``near_repeat_types`` this close count more (metres)."""
    near_repeat_days: float = Field(default=28.0, ge=0, le=365)
    """Near-repeat period: incidents at most this old count more (days)."""
    near_repeat_boost: float = Field(default=1.0, ge=0, le=10)
    """Extra weight of a near-repeat incident (1.0 doubles its pressure)."""
    near_repeat_types: list[str] = Field(default_factory=lambda: ["burglary"])
    """Incident types the near-repeat boost applies to."""
    pressure_cap: float = Field(default=2.0, gt=0, le=20)
    """Most the incidents can add, as a share of the static score (2.0: at most triples it); the
    raw sum P becomes ``cap x (1 - exp(-P / cap))``, so it saturates smoothly."""

    # --- time profile ------------------------------------------------------------------------
    kind_profile: dict[str, str] = Field(default_factory=lambda: dict(_KIND_PROFILE))
    """Hour profile each kind follows (a key of ``hour_profiles``)."""
    hour_profiles: dict[str, list[float]] = Field(
        default_factory=lambda: {k: list(v) for k, v in _HOUR_PROFILES.items()}
    )
    """24 multipliers (hours 00-23 local time, each in (0, 5]) per profile."""
    learn_min_incidents: int = Field(default=100, ge=1, le=1_000_000)
    """Incidents of a profile's kinds needed before its hour profile is learnt from the area."""
    learn_prior_weight: float = Field(default=100.0, ge=0, le=1_000_000)
    """Weight of the default profile when blending with a learnt one (as that many incidents)."""
    learn_factor_range: tuple[float, float] = (0.25, 3.0)
    """Learnt hour factors are kept within this range, so that a log where one kind's incidents
    all fall in two hours does not let that kind dwarf every other (defaults span 0.4-2.0)."""
    learn_types: list[str] = Field(
        default_factory=lambda: ["robbery", "snatch_theft", "burglary", "theft"]
    )
    """Incident types the hour profile is learnt from."""
    slot_min: Literal[15, 30, 60] = 60
    """Length of a risk-table slot in minutes."""
    night_date_cutoff_h: int = Field(default=6, ge=0, le=12)
    """Hours before this count to the previous evening's date (a night belongs to its evening)."""
    tet_factor: float = Field(default=1.5, ge=1, le=5)
    """Factor for nights of the Tết period (Lunar New Year, from ``holidays``)."""
    tet_days_before: int = Field(default=7, ge=0, le=30)
    """Days before the first day of Tết that count as the Tết period."""
    tet_days_after: int = Field(default=7, ge=0, le=30)
    """Days after the first day of Tết that count as the Tết period."""
    holiday_factor: float = Field(default=1.3, ge=1, le=5)
    """Factor for nights of other public holidays (offices empty); Tết takes the larger one."""
    weekend_factor: float = Field(default=1.1, ge=1, le=5)
    """Factor for Saturday and Sunday nights."""
    event_factor: float = Field(default=1.3, ge=1, le=5)
    """Factor for nights the commander marks as event days."""

    # --- levels and the routing problem ------------------------------------------------------
    level_thresholds: tuple[float, float, float] = (45.0, 85.0, 130.0)
    """Scores from which a site is medium, high, very high (below the first: low)."""
    score_per_visit: float = Field(default=45.0, gt=0, le=10_000)
    """Peak score that earns one visit; a site gets ceil(peak / this) visits."""
    max_visits_per_site: int = Field(default=4, ge=1, le=24)
    """Most visits one site asks for in a shift."""
    high_risk_visit_weight: float = Field(default=1.5, ge=1, le=10)
    """Extra weight of the visit inside the high-risk window (01:00-03:00 by default)."""
    dwell_s: dict[str, int] = Field(default_factory=lambda: dict(_DWELL_S))
    """Dwell time (s) per risk level: 10-15 min at high-risk sites (hot-spot dosage)."""
    min_gap_s: int = Field(default=3600, ge=0, le=6 * 3600)
    """Least time between two visits of one site (seconds)."""

    @field_validator("kind_base", "kind_profile", mode="before")
    @classmethod
    def _fill_kinds(cls, value: Any, info: Any) -> Any:
        return merged(value, _KIND_BASE if info.field_name == "kind_base" else _KIND_PROFILE)

    @field_validator("cash_factors", mode="before")
    @classmethod
    def _fill_cash(cls, value: Any) -> Any:
        return merged(value, _CASH_FACTORS)

    @field_validator("incident_weights", mode="before")
    @classmethod
    def _fill_weights(cls, value: Any) -> Any:
        return merged(value, _INCIDENT_WEIGHTS)

    @field_validator("dwell_s", mode="before")
    @classmethod
    def _fill_dwell(cls, value: Any) -> Any:
        return merged(value, _DWELL_S)

    @field_validator("protection_factors", mode="before")
    @classmethod
    def _fill_protection(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {k: merged(value.get(k, {}), v) for k, v in _PROTECTION_FACTORS.items()} | {
            k: v for k, v in value.items() if k not in _PROTECTION_FACTORS
        }

    @field_validator("hour_profiles", mode="before")
    @classmethod
    def _fill_profiles(cls, value: Any) -> Any:
        return merged(value, _HOUR_PROFILES)

    @model_validator(mode="after")
    def _check(self) -> RiskSettings:
        kinds = sorted(k.value for k in FacilityKind)
        types = sorted(t.value for t in IncidentType)
        bad: list[str] = []
        for name in ("kind_base", "kind_profile"):
            bad += [
                f"risk.{name}.{k}: unknown kind; use one of {', '.join(kinds)}"
                for k in getattr(self, name)
                if k not in kinds
            ]
        bad += out_of_range("risk.kind_base", self.kind_base, 0, 100, "[0, 100] points")
        bad += [
            f"risk.cash_factors.{k}: unknown cash level; use none, low, medium, high or unknown"
            for k in self.cash_factors
            if k not in _CASH_FACTORS
        ]
        bad += out_of_range("risk.cash_factors", self.cash_factors, 0, 5, "(0, 5]", open_low=True)
        for what, table in self.protection_factors.items():
            if what not in _PROTECTION_FACTORS:
                bad.append(f"risk.protection_factors.{what}: unknown; use guard, camera or alarm")
                continue
            bad += [
                f"risk.protection_factors.{what}.{k}: unknown state; use yes, no or unknown"
                for k in table
                if k not in ("yes", "no", "unknown")
            ]
            bad += out_of_range(
                f"risk.protection_factors.{what}", table, 0, 5, "(0, 5]", open_low=True
            )
        for name in ("incident_weights",):
            bad += [
                f"risk.{name}.{k}: unknown incident type; use one of {', '.join(types)}"
                for k in getattr(self, name)
                if k not in types
            ]
        bad += out_of_range("risk.incident_weights", self.incident_weights, 0, 5, "[0, 5]")
        for name in ("near_repeat_types", "learn_types"):
            bad += [
                f"risk.{name}: {k!r} is not an incident type; use {', '.join(types)}"
                for k in getattr(self, name)
                if k not in types
            ]
        for kind, profile in self.kind_profile.items():
            if profile not in self.hour_profiles:
                bad.append(
                    f"risk.kind_profile.{kind} = {profile!r}: no such hour profile; use one of "
                    f"{', '.join(sorted(self.hour_profiles))}"
                )
        for name, values in self.hour_profiles.items():
            if len(values) != 24:
                bad.append(
                    f"risk.hour_profiles.{name}: give 24 values (hours 00-23), got {len(values)}"
                )
            bad += out_of_range(
                f"risk.hour_profiles.{name}", dict(enumerate(values)), 0, 5, "(0, 5]", open_low=True
            )
        if self.isolation_min_factor > self.isolation_max_factor:
            bad.append("risk.isolation_min_factor: must not exceed risk.isolation_max_factor")
        low, high = self.learn_factor_range
        if not 0 < low <= 1 <= high <= 5:
            bad.append(
                f"risk.learn_factor_range = {self.learn_factor_range}: give (low, high) with "
                "0 < low <= 1 <= high <= 5"
            )
        a, b, c = self.level_thresholds
        if not 0 < a < b < c <= 10_000:
            bad.append(
                f"risk.level_thresholds = {self.level_thresholds}: give three rising scores in "
                "(0, 10000] (medium, high, very high)"
            )
        bad += [
            f"risk.dwell_s.{k}: unknown risk level; use low, medium, high or very_high"
            for k in self.dwell_s
            if k not in _DWELL_S
        ]
        bad += out_of_range("risk.dwell_s", self.dwell_s, 0, 3600, "[0, 3600] seconds")
        if bad:
            raise ValueError("; ".join(bad))
        return self
