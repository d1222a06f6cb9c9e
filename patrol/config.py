"""The one settings object.

``Settings`` is frozen and validated on creation: a value out of range raises ``SettingsError``
naming the setting and its allowed range. Defaults live here, each documented; a TOML file
overrides any of them (``Settings.from_file``), for example::

    [routing]
    time_limit_s = 20

    [network.speeds_kmh.motorbike]
    residential = 18

Core code takes a ``Settings`` argument and never reads environment variables or UI state.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from patrol.errors import SettingsError

__all__ = [
    "AreaSettings",
    "CoverSettings",
    "ExportSettings",
    "HotspotSettings",
    "NetworkSettings",
    "RecordSettings",
    "ReportSettings",
    "RiskSettings",
    "RoutingSettings",
    "Settings",
    "ShiftSettings",
    "StoreSettings",
    "TravelMode",
]

TravelMode = Literal["motorbike", "car", "foot"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

# Night-time speeds (km/h) per OSM highway class: night traffic is light, but patrols ride slowly
# enough to look around; alleys (service, living_street) are ridden at walking-plus pace.
# fmt: off
_MOTORBIKE_KMH = {
    "trunk": 35.0, "trunk_link": 30.0, "primary": 30.0, "primary_link": 25.0,
    "secondary": 28.0, "secondary_link": 22.0, "tertiary": 25.0, "tertiary_link": 20.0,
    "unclassified": 20.0, "residential": 18.0, "living_street": 12.0, "service": 12.0,
    "road": 18.0, "track": 10.0, "pedestrian": 8.0, "footway": 8.0, "path": 8.0, "alley": 10.0,
}
_CAR_KMH = {
    "motorway": 60.0, "motorway_link": 35.0,  # cars may use expressways; motorbikes may not
    "trunk": 40.0, "trunk_link": 30.0, "primary": 35.0, "primary_link": 25.0,
    "secondary": 30.0, "secondary_link": 22.0, "tertiary": 25.0, "tertiary_link": 20.0,
    "unclassified": 20.0, "residential": 15.0, "living_street": 10.0, "service": 10.0,
    "road": 15.0, "track": 8.0,
}
_FOOT_KMH = dict.fromkeys(
    [
        "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
        "tertiary", "tertiary_link", "unclassified", "residential", "living_street", "service",
        "road", "track", "pedestrian", "footway", "path", "steps", "alley", "cycleway",
    ],
    4.5,
)
# fmt: on


class AreaSettings(BaseModel):
    """Where areas come from and how they are projected."""

    model_config = _FROZEN

    crs: str | None = None
    """Projected CRS for distances (e.g. ``"EPSG:32648"``); ``None`` picks the area's UTM zone."""
    online: bool = False
    """Allow osmnx downloads (``graph_from_place``). Off: the product never needs the internet."""
    cache_dir: Path | None = None
    """Cache for online downloads; ``None`` uses the user's data folder."""


class NetworkSettings(BaseModel):
    """Street graph and travel times."""

    model_config = _FROZEN

    default_mode: TravelMode = "motorbike"
    """Travel mode of patrols: motorbike (the usual joint patrol vehicle), car or foot."""
    speeds_kmh: dict[str, dict[str, float]] = Field(
        default_factory=lambda: {
            "motorbike": dict(_MOTORBIKE_KMH),
            "car": dict(_CAR_KMH),
            "foot": dict(_FOOT_KMH),
        }
    )
    """Night-time speed per mode and OSM ``highway`` class; a class missing for a mode is not
    used by that mode (so ``footway`` is ridable by motorbike but not driven by car)."""
    snap_speed_kmh: float = Field(default=4.5, gt=0, le=60)
    """Speed over the gap between a site and its nearest street node (walking pace, as the patrol
    leaves the vehicle at the kerb)."""
    max_snap_m: float = Field(default=500.0, gt=0, le=5000)
    """A site farther than this from any street is reported as outside the area."""

    @field_validator("speeds_kmh")
    @classmethod
    def _speeds_positive(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for mode, table in value.items():
            if mode not in ("motorbike", "car", "foot"):
                msg = f"network.speeds_kmh.{mode}: unknown mode; use motorbike, car or foot"
                raise ValueError(msg)
            for road, kmh in table.items():
                if not 0 < kmh <= 130:
                    msg = f"network.speeds_kmh.{mode}.{road} = {kmh}: must be in (0, 130] km/h"
                    raise ValueError(msg)
        return value


class ShiftSettings(BaseModel):
    """Default night shift, as clock times ``HH:MM`` (24-hour)."""

    model_config = _FROZEN

    start: str = "22:00"
    """Shift start."""
    end: str = "05:00"
    """Shift end (the next morning when earlier than the start)."""
    high_risk_start: str = "01:00"
    """Start of the high-risk window (office and treasury burglaries cluster 01:00-03:00)."""
    high_risk_end: str = "03:00"
    """End of the high-risk window."""


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


def _merged(value: Any, defaults: dict[str, Any]) -> Any:
    """Defaults overlaid with the given table, so a settings file may set one key of it."""
    return {**defaults, **value} if isinstance(value, dict) else value


def _out_of_range(
    where: str,
    table: dict[Any, Any],
    low: float,
    high: float,
    shown: str,
    *,
    open_low: bool = False,
) -> list[str]:
    return [
        f"{where}.{key} = {value}: must be in {shown}"
        for key, value in table.items()
        if not (low < value <= high if open_low else low <= value <= high)
    ]


class RiskSettings(BaseModel):
    """Risk model weights; see ``docs/risk.md`` for why each default is what it is.

    A score is ``base(kind) x static factors x (1 + incident pressure) x hour factor x date
    factor``; a factor of 1 changes nothing. Tables keyed by kind, cash level or incident type
    may be given in part (a TOML file can set one kind); missing keys keep their defaults.
    """

    model_config = _FROZEN

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
        return _merged(value, _KIND_BASE if info.field_name == "kind_base" else _KIND_PROFILE)

    @field_validator("cash_factors", mode="before")
    @classmethod
    def _fill_cash(cls, value: Any) -> Any:
        return _merged(value, _CASH_FACTORS)

    @field_validator("incident_weights", mode="before")
    @classmethod
    def _fill_weights(cls, value: Any) -> Any:
        return _merged(value, _INCIDENT_WEIGHTS)

    @field_validator("dwell_s", mode="before")
    @classmethod
    def _fill_dwell(cls, value: Any) -> Any:
        return _merged(value, _DWELL_S)

    @field_validator("protection_factors", mode="before")
    @classmethod
    def _fill_protection(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {k: _merged(value.get(k, {}), v) for k, v in _PROTECTION_FACTORS.items()} | {
            k: v for k, v in value.items() if k not in _PROTECTION_FACTORS
        }

    @field_validator("hour_profiles", mode="before")
    @classmethod
    def _fill_profiles(cls, value: Any) -> Any:
        return _merged(value, _HOUR_PROFILES)

    @model_validator(mode="after")
    def _check(self) -> RiskSettings:
        from geodata.schema import FacilityKind, IncidentType  # here: geodata imports patrol

        kinds = sorted(k.value for k in FacilityKind)
        types = sorted(t.value for t in IncidentType)
        bad: list[str] = []
        for name in ("kind_base", "kind_profile"):
            bad += [
                f"risk.{name}.{k}: unknown kind; use one of {', '.join(kinds)}"
                for k in getattr(self, name)
                if k not in kinds
            ]
        bad += _out_of_range("risk.kind_base", self.kind_base, 0, 100, "[0, 100] points")
        bad += [
            f"risk.cash_factors.{k}: unknown cash level; use none, low, medium, high or unknown"
            for k in self.cash_factors
            if k not in _CASH_FACTORS
        ]
        bad += _out_of_range("risk.cash_factors", self.cash_factors, 0, 5, "(0, 5]", open_low=True)
        for what, table in self.protection_factors.items():
            if what not in _PROTECTION_FACTORS:
                bad.append(f"risk.protection_factors.{what}: unknown; use guard, camera or alarm")
                continue
            bad += [
                f"risk.protection_factors.{what}.{k}: unknown state; use yes, no or unknown"
                for k in table
                if k not in ("yes", "no", "unknown")
            ]
            bad += _out_of_range(
                f"risk.protection_factors.{what}", table, 0, 5, "(0, 5]", open_low=True
            )
        for name in ("incident_weights",):
            bad += [
                f"risk.{name}.{k}: unknown incident type; use one of {', '.join(types)}"
                for k in getattr(self, name)
                if k not in types
            ]
        bad += _out_of_range("risk.incident_weights", self.incident_weights, 0, 5, "[0, 5]")
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
            bad += _out_of_range(
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
        bad += _out_of_range("risk.dwell_s", self.dwell_s, 0, 3600, "[0, 3600] seconds")
        if bad:
            raise ValueError("; ".join(bad))
        return self


class RoutingSettings(BaseModel):
    """Routing engine defaults."""

    model_config = _FROZEN

    time_limit_s: float = Field(default=4.0, gt=0, le=3600)
    """Wall time the solver may use at most (a night of the default area plans in under 5 s;
    the search also stops earlier once it stops improving)."""
    seed: int = Field(default=7, ge=0, le=2**31 - 1)
    """Random seed: the same problem and seed give the same plan."""
    variety: float = Field(default=0.15, ge=0, le=1)
    """Seeded random surcharge (share of travel time, per street leg) on route costs, so that
    another night's seed gives other loops of equal value: patrols are hard to predict. 0 keeps
    the strictly shortest loops."""
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

    model_config = _FROZEN

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


class HotspotSettings(BaseModel):
    """Hotspot review defaults; see ``docs/review.md`` for why each default is what it is."""

    model_config = _FROZEN

    grid: Literal["square", "h3"] = "square"
    """Cells for counts and Gi*: square cells of ``cell_m`` in the projected CRS, or H3 hexagons
    of ``h3_resolution``."""
    cell_m: float = Field(default=100.0, ge=20, le=5000)
    """Side of a square cell in metres (about one block of a Vietnamese ward)."""
    h3_resolution: int = Field(default=10, ge=6, le=12)
    """H3 resolution when ``grid = "h3"`` (10: hexagons of about 66 m edge)."""
    max_cells: int = Field(default=10000, ge=100, le=500000)
    """Cap on the number of grid cells: a larger extent doubles ``cell_m`` until it fits, so
    permutation inference stays within seconds."""
    bandwidth_rule: Literal["scott", "silverman"] = "scott"
    """Kernel density bandwidth rule on projected coordinates (see ``docs/review.md``)."""
    bandwidth_m: float | None = Field(default=None, gt=0, le=20000)
    """Fixed kernel bandwidth in metres; ``None`` uses ``bandwidth_rule``."""
    bandwidth_scale: float = Field(default=1.0, gt=0, le=10)
    """Multiplies the rule's bandwidth (below 1: sharper surface, above 1: smoother)."""
    kde_resolution_m: float = Field(default=25.0, ge=5, le=1000)
    """Pixel size of the density surface in metres (coarsened like ``cell_m`` on large extents)."""
    significance: float = Field(default=0.05, gt=0, lt=0.5)
    """Significance level of Gi* hot and cold spots."""
    fdr: bool = True
    """Control the false discovery rate over all cells (Benjamini-Hochberg via ``esda.fdr``)."""
    permutations: int = Field(default=999, ge=99, le=99999)
    """Conditional permutations for the Gi* pseudo p-values."""
    inference: Literal["permutation", "normal"] = "permutation"
    """Gi* p-values: ``permutation`` (esda's conditional permutation ``p_sim``) or ``normal``
    (esda's analytical ``p_norm``, as ArcGIS does); see ``docs/review.md`` for when to switch."""
    seed: int = Field(default=7, ge=0, le=2**31 - 1)
    """Random seed of the permutations: the same data and seed give the same classes."""
    min_incidents: int = Field(default=20, ge=3, le=10000)
    """Fewer incidents in the month than this: Gi* and the density surface are not computed."""
    radius_m: float = Field(default=150.0, gt=0, le=5000)
    """Incidents within this distance of a facility count for it; a planned stop within it counts
    as presence at the facility."""
    months: int = Field(default=12, ge=6, le=24)
    """Months of history for the emerging-hotspot classification (6-12 asked; up to 24)."""
    new_months: int = Field(default=2, ge=1, le=3)
    """A cell hot only in its last ``new_months`` months (never before) is ``new``."""
    persistent_share: float = Field(default=0.9, gt=0.5, le=1)
    """Share of months a cell must be hot to be persistent, intensifying or diminishing."""
    target_reduction: float = Field(default=0.05, ge=0, lt=1)
    """Yearly reduction in criminal offences the province asks for (5%)."""
    gap_presence_min: float = Field(default=60.0, ge=0, le=100000)
    """A hotspot with less planned presence than this in the month (minutes) is a coverage gap."""


class StoreSettings(BaseModel):
    """Where the ward's records are kept."""

    model_config = _FROZEN

    database_url: str | None = None
    """SQLAlchemy URL; ``None`` uses a SQLite file in the user's data folder."""
    data_dir: Path | None = None
    """The user's data folder; ``None`` uses the platform default."""
    sqlite_journal: Literal["auto", "wal", "delete"] = "auto"
    """SQLite journal: ``wal`` (readers never block the writer), ``delete`` (rollback journal) or
    ``auto``: WAL when the SQLite library carries the fix of the WAL-reset corruption bug
    (3.51.3+, 3.50.7+, 3.44.6+), the rollback journal otherwise. Both use ``synchronous=FULL``."""
    busy_timeout_s: float = Field(default=30.0, gt=0, le=600)
    """How long a writer waits for another writer's lock before giving up."""
    session_idle_min: int = Field(default=30, ge=1, le=120)
    """A login session ends after this many minutes without activity."""
    session_max_h: float = Field(default=12.0, gt=0, le=24)
    """A login session ends this many hours after login, active or not."""
    lockout_failures: int = Field(default=5, ge=3, le=20)
    """Failed logins within ``lockout_window_min`` that lock the account until an admin unlocks."""
    lockout_window_min: int = Field(default=15, ge=1, le=1440)
    """Window in which failed logins are counted."""
    throttle_failures: int = Field(default=20, ge=5, le=1000)
    """Failed logins from one address, or for one user name (known or not), within
    ``throttle_window_min`` after which further attempts are refused at once, without checking
    the password or writing an audit row each (one row records the throttling)."""
    throttle_window_min: int = Field(default=10, ge=1, le=1440)
    """Window of ``throttle_failures``."""
    inactive_days: int = Field(default=90, ge=7, le=365)
    """Accounts not used for this many days are disabled (an administrator re-enables them)."""
    argon2_memory_kib: int = Field(default=19456, ge=19456, le=4 * 1024 * 1024)
    """Argon2id memory per password hash, KiB (at least 19 MiB, OWASP's minimum for 2 passes)."""
    argon2_passes: int = Field(default=2, ge=2, le=20)
    """Argon2id passes (time cost)."""
    max_upload_mb: float = Field(default=50.0, gt=0, le=2048)
    """Largest upload accepted, as sent and (for XLSX, a zip) once unpacked: stops zip bombs."""
    isolate_upload_mb: float = Field(default=1.0, ge=0, le=2048)
    """Uploads larger than this are read in a child process with a memory cap (0: all)."""
    upload_memory_mb: int = Field(default=2048, ge=768, le=65536)
    """Address space of that child process, MB (the readers' libraries alone take ~550 MB)."""
    key_dir: Path | None = None
    """Folder of the store's key file (audit chain, second-factor secrets); ``None`` uses
    ``keys/`` inside the data folder. Put it on another disk to keep it apart from the database."""


class ExportSettings(BaseModel):
    """Where phones on the ward's network fetch the routes (``patrol serve-exports``)."""

    model_config = _FROZEN

    address: str | None = None
    """This computer's address on the ward network, put into the QR codes' links (``192.168.1.20``
    or a host name); ``None``: found when the app starts (the first private IPv4 address of a
    network interface), else ``127.0.0.1``."""
    port: int = Field(default=8765, ge=1, le=65535)
    """TCP port of the download server."""


class RecordSettings(BaseModel):
    """How an uploaded GPS track is matched to the night's approved plan (geodata.trackmatch)."""

    model_config = _FROZEN

    match_m: float = Field(default=60.0, ge=5, le=500)
    """A stop counts as visited when the track stays within this distance of it (GPS on a
    phone strays 10-30 m between buildings)."""
    min_on_site_s: int = Field(default=120, ge=0, le=3600)
    """...for at least this long without a break; driving past does not count."""
    late_s: int = Field(default=900, ge=0, le=7200)
    """An arrival later than the planned time by more than this is late."""
    min_points: int = Field(default=10, ge=2, le=10000)
    """A track with fewer timed points is refused (a logger stopped at once)."""
    min_inside_share: float = Field(default=0.5, gt=0, le=1)
    """At least this share of the track's points lies in the area (plus ``match_m``)."""
    max_track_mb: float = Field(default=20.0, gt=0, le=500)
    """Largest track file read; a night's track at one point a second is a few megabytes."""


class ReportSettings(BaseModel):
    """Who issues the monthly report, to whom, and over which period (``patrol.report``)."""

    model_config = _FROZEN

    issuing_parent: str = "CÔNG AN TỈNH"
    """Body above the issuing unit, first line of the top-left block."""
    issuing_unit: str = "CÔNG AN PHƯỜNG"
    """The unit that issues the report, second line of the top-left block."""
    unit_name: str = "Công an phường"
    """The unit as the text names it (``Công an phường Văn Miếu``)."""
    unit_code: str = "CAP"
    """Short code of the unit in the document number: ``Số: …/BC-CAP``."""
    place: str = "Hà Nội"
    """Place written before the date: ``Hà Nội, ngày 15 tháng 12 năm 2026``."""
    signer_title: str = "TRƯỞNG CÔNG AN PHƯỜNG"
    """Title above the signature."""
    signer_name: str = ""
    """Name under the signature; empty leaves the line for the ward to fill in."""
    recipients: list[str] = Field(
        default_factory=lambda: [
            "Công an tỉnh (để báo cáo)",
            "Đảng ủy, UBND phường (để báo cáo)",
            "Lưu: VT",
        ]
    )
    """The ``Nơi nhận`` list, one addressee a line."""
    period: Literal["month", "15-14"] = "month"
    """``month``: the calendar month; ``15-14``: from the 15th of the month before to the 14th
    (the period of periodic reports of state bodies), so the report due on the 15th is complete."""
    type_targets: dict[str, float] = Field(default_factory=dict)
    """Reduction targets per incident type for the year (``{"theft": 0.1}``), beside the
    overall one (``hotspots.target_reduction``)."""

    @field_validator("type_targets")
    @classmethod
    def _known_types(cls, value: dict[str, float]) -> dict[str, float]:
        known = set(_INCIDENT_WEIGHTS)  # every incident type has a weight
        bad = [k for k in value if k not in known]
        if bad:
            msg = f"unknown incident type(s) {bad}; use {sorted(known)}"
            raise ValueError(msg)
        if any(not 0 <= v < 1 for v in value.values()):
            msg = "a reduction target is a fraction from 0 to below 1 (0.05 is 5 %)"
            raise ValueError(msg)
        return value


class Settings(BaseModel):
    """All settings of the product, frozen."""

    model_config = _FROZEN

    area: AreaSettings = AreaSettings()
    network: NetworkSettings = NetworkSettings()
    shift: ShiftSettings = ShiftSettings()
    risk: RiskSettings = RiskSettings()
    routing: RoutingSettings = RoutingSettings()
    cover: CoverSettings = CoverSettings()
    hotspots: HotspotSettings = HotspotSettings()
    store: StoreSettings = StoreSettings()
    export: ExportSettings = ExportSettings()
    records: RecordSettings = RecordSettings()
    report: ReportSettings = ReportSettings()

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "settings") -> Settings:
        """Validate ``data``; raise ``SettingsError`` naming every bad setting."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SettingsError(_describe(exc, source)) from None

    @classmethod
    def from_file(cls, path: str | Path) -> Settings:
        """Read a TOML file of overrides; missing keys keep their defaults."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            msg = f"{path}: settings file not found"
            raise SettingsError(msg) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            msg = f"{path}: not a valid UTF-8 TOML file ({exc}); fix the syntax at that line"
            raise SettingsError(msg) from None
        return cls.from_dict(data, source=str(path))

    def replace(self, **sections: Any) -> Settings:
        """Return a copy with whole sections or fields replaced, validated again."""
        data = self.model_dump()
        for key, value in sections.items():
            if isinstance(value, BaseModel):
                value = value.model_dump()
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return Settings.from_dict(data)


def _describe(exc: ValidationError, source: str) -> str:
    lines = [f"{source}: {exc.error_count()} invalid setting(s)"]
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"])
        given = err.get("input")
        lines.append(f"  - {where} = {given!r}: {err['msg']}")
    return "\n".join(lines)
