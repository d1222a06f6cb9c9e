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

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from scipy.spatial import cKDTree

from geodata.schema import CashLevel, FacilityKind, IncidentType
from geodata.targets import facility_label
from geodata.timeprofile import (
    HourProfile,
    date_factors,
    default_hour_profile,
    learn_hour_profile,
    night_date,
    shift_slots,
    slot_hour_factors,
)
from patrol.config import RiskSettings, Settings
from patrol.errors import CRSError, InputFileError, Problem

if TYPE_CHECKING:
    from geodata.shift import Shift

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
    "projected_crs",
    "risk_level",
    "risk_table",
    "static_exposure",
]

HOUSING_TAGS = frozenset(
    {
        "yes", "house", "residential", "apartments", "detached", "terrace", "semidetached_house",
        "dormitory", "bungalow", "hut", "farm",
    }
)  # fmt: skip
"""``building=*`` values that count as housing (most Vietnamese tube houses are ``yes``)."""
_WGS84 = pyproj.CRS.from_epsg(4326)


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


# --- projection -------------------------------------------------------------------------------


def projected_crs(
    frame: gpd.GeoDataFrame, *, crs: Any = None, settings: Settings | None = None
) -> pyproj.CRS:
    """Pick the projected CRS to measure ``frame`` in; ``CRSError`` if there is none.

    ``crs`` wins, then ``settings.area.crs``, then the UTM zone of the frame's extent.
    """
    settings = settings or Settings()
    if frame.crs is None:
        msg = (
            "facilities frame has no CRS: frames travel in EPSG:4326 "
            "(set it with frame.set_crs('EPSG:4326'))"
        )
        raise CRSError(msg)
    chosen = crs if crs is not None else settings.area.crs
    if chosen is None:
        chosen = _utm_epsg(frame)
    result = _crs(chosen)
    if not result.is_projected:
        msg = (
            f"CRS {result.to_string()} is geographic (degrees): distances need a projected CRS "
            "in metres, such as EPSG:32648 (UTM 48N: Hà Nội, Hồ Chí Minh City) or EPSG:32649 "
            "(UTM 49N: Nha Trang); set area.crs"
        )
        raise CRSError(msg)
    return result


def _utm_epsg(frame: gpd.GeoDataFrame) -> int:
    """EPSG code of the WGS 84 UTM zone of the frame's centre.

    ``estimate_utm_crs`` finds the same zone but queries the PROJ database (~0.1 s a call).
    """
    wgs84 = frame if frame.crs.equals(_WGS84) else frame.to_crs(_WGS84)
    west, south, east, north = wgs84.total_bounds
    lon, lat = (west + east) / 2, (south + north) / 2
    zone = int((lon + 180) // 6) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


@lru_cache(maxsize=32)
def _crs(value: Any) -> pyproj.CRS:
    return pyproj.CRS.from_user_input(value)


def _xy(frame: gpd.GeoDataFrame, crs: pyproj.CRS) -> np.ndarray:
    """Projected coordinates of point geometries (pyproj directly: no geometry copies)."""
    geometry = frame.geometry
    if not geometry.crs.equals(_WGS84):
        geometry = geometry.to_crs(_WGS84)
    x, y = _to_projected(crs).transform(geometry.x.to_numpy(), geometry.y.to_numpy())
    return np.column_stack([x, y])


@lru_cache(maxsize=32)
def _to_projected(crs: pyproj.CRS) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(_WGS84, crs, always_xy=True)


# --- static exposure --------------------------------------------------------------------------


def isolation(
    facilities: gpd.GeoDataFrame,
    residential: gpd.GeoDataFrame | None,
    buildings: gpd.GeoDataFrame | None,
    *,
    crs: Any = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """How far each facility lies from housing and how sparse the buildings around it are.

    Parameters
    ----------
    facilities : geopandas.GeoDataFrame
        Facilities (points, EPSG:4326).
    residential : geopandas.GeoDataFrame or None
        Residential land-use polygons (``landuse=residential``).
    buildings : geopandas.GeoDataFrame or None
        Building footprints; those whose ``building`` tag is in ``HOUSING_TAGS`` (or all when
        the frame has no ``building`` column) count as housing.
    crs : optional
        Projected CRS to measure in (``Area.crs``); see ``projected_crs``.
    settings : Settings, optional
        ``risk.isolation_*``, ``risk.density_radius_m``, ``risk.dense_buildings``.

    Returns
    -------
    pandas.DataFrame
        On the facilities' index: ``housing_m`` (distance to the nearest housing, NaN without
        housing data), ``buildings_near`` (buildings within ``density_radius_m``),
        ``isolation`` (0 = in a dense block next to housing, 1 = fully isolated) and
        ``isolation_factor``; the factor is 1 when there is no land-use or building data.

    """
    settings = settings or Settings()
    risk = settings.risk
    out = pd.DataFrame(index=facilities.index)
    out["housing_m"] = np.nan
    out["buildings_near"] = 0
    out["isolation"] = np.nan
    out["isolation_factor"] = 1.0
    if len(facilities) == 0:
        return out
    proj = projected_crs(facilities, crs=crs, settings=settings)
    xy = _xy(facilities, proj)
    points = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=proj)
    parts = []
    if residential is not None and len(residential):
        parts.append(residential.geometry.to_crs(proj))
    building_xy = np.empty((0, 2))
    if buildings is not None and len(buildings):
        projected = buildings.geometry.to_crs(proj)
        centroids = projected.centroid
        building_xy = np.column_stack([centroids.x.to_numpy(), centroids.y.to_numpy()])
        if "building" in buildings.columns:
            projected = projected[buildings["building"].astype(str).isin(HOUSING_TAGS).to_numpy()]
        parts.append(projected)
    if not parts:
        return out
    housing = gpd.GeoSeries(pd.concat(parts, ignore_index=True), crs=proj)
    has_housing = len(housing) > 0
    if has_housing:
        (which, _), distance = housing.sindex.nearest(
            points, return_distance=True, return_all=False
        )
        nearest = np.full(len(points), np.nan)
        nearest[which] = distance
        out["housing_m"] = nearest
    if len(building_xy):
        tree = cKDTree(building_xy)
        out["buildings_near"] = tree.query_ball_point(
            xy, r=risk.density_radius_m, return_length=True
        )
    far = np.clip(out["housing_m"].fillna(risk.isolation_far_m) / risk.isolation_far_m, 0, 1)
    sparse = 1 - np.clip(out["buildings_near"] / risk.dense_buildings, 0, 1)
    # Without housing only sparseness speaks; without buildings only the distance does.
    share = risk.isolation_distance_share if has_housing else 0.0
    share = share if len(building_xy) else 1.0
    out["isolation"] = share * far + (1 - share) * sparse
    span = risk.isolation_max_factor - risk.isolation_min_factor
    out["isolation_factor"] = risk.isolation_min_factor + span * out["isolation"]
    return out


STATIC_FACTORS = (
    "cash_factor",
    "isolation_factor",
    "guard_factor",
    "camera_factor",
    "alarm_factor",
    "hours_factor",
)
"""Static factors in the order ``explain`` applies them."""


def _tri_state(values: pd.Series) -> pd.Series:
    as_bool = values.astype("boolean")
    return as_bool.map({True: "yes", False: "no"}).astype(object).where(as_bool.notna(), "unknown")


def _hours_class(text: str) -> str:
    """``open_24h``, ``closed_at_night`` or ``unknown`` from an ``opening_hours`` text."""
    text = str(text or "").strip().lower()
    if not text:
        return "unknown"
    if any(mark in text for mark in ("24/7", "24/24", "00:00-24:00")):
        return "open_24h"
    ranges = [
        (int(a) * 60 + int(b or 0), int(c) * 60 + int(d or 0))
        for a, b, c, d in _RANGE.findall(text)
    ]
    if not ranges:
        return "unknown"
    # Closed at night when every range closes by 22:00 on the day it opened.
    if all(end > start and end <= 22 * 60 for start, end in ranges):
        return "closed_at_night"
    return "unknown"


# 07:30-17:00 (OSM), 7h30-17h or 7h-17h (as Vietnamese surveys write it).
_RANGE = re.compile(r"(\d{1,2})\s*[:h]\s*(\d{2})?\s*[-–]\s*(\d{1,2})\s*[:h]\s*(\d{2})?")


def _check_kinds(facilities: pd.DataFrame) -> None:
    known = {k.value for k in FacilityKind}
    kinds = facilities["kind"].astype(str)
    bad = kinds[~kinds.isin(known)]
    if len(bad):
        problems = [
            Problem(
                "facilities",
                None,
                "kind",
                str(value),
                f"facility {fid!r}: unknown kind; use one of {', '.join(sorted(known))}",
                f"cơ sở {fid!r}: loại hình không hợp lệ; dùng một trong {', '.join(sorted(known))}",
            )
            for fid, value in bad.items()
        ]
        source = "facilities"
        raise InputFileError(source, problems)


def static_exposure(
    facilities: gpd.GeoDataFrame,
    *,
    isolation_table: pd.DataFrame | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Compute the static exposure of each facility: kind base times its static factors.

    Parameters
    ----------
    facilities : geopandas.GeoDataFrame
        Facilities frame (``kind``, ``cash_level``, ``guard``, ``camera``, ``alarm``,
        ``opening_hours``).
    isolation_table : pandas.DataFrame, optional
        Output of ``isolation``; without it the isolation factor is 1.
    settings : Settings, optional
        ``risk.kind_base``, ``risk.cash_factors``, ``risk.protection_factors``, hours factors.

    Returns
    -------
    pandas.DataFrame
        On the facilities' index: ``base``, the ``STATIC_FACTORS`` columns, the states they were
        read from (``cash``, ``guard``, ``camera``, ``alarm``, ``hours``) and ``static``.

    """
    settings = settings or Settings()
    risk = settings.risk
    _check_kinds(facilities)
    kinds = facilities["kind"].astype(str)
    out = pd.DataFrame(index=facilities.index)
    out["kind"] = kinds
    out["base"] = kinds.map(risk.kind_base).astype(float)
    cash = facilities["cash_level"].astype(object).where(facilities["cash_level"].notna(), "")
    cash = cash.astype(str).where(cash.astype(str).isin([c.value for c in CashLevel]), "unknown")
    out["cash"] = cash
    out["cash_factor"] = cash.map(risk.cash_factors).astype(float)
    if isolation_table is not None:
        out["isolation_factor"] = isolation_table["isolation_factor"].reindex(out.index).fillna(1.0)
    else:
        out["isolation_factor"] = 1.0
    for what in ("guard", "camera", "alarm"):
        state = _tri_state(facilities[what])
        out[what] = state
        out[f"{what}_factor"] = state.map(risk.protection_factors[what]).astype(float)
    hours = facilities["opening_hours"].fillna("").map(_hours_class)
    # An ATM "open 24/7" is unattended: being open does not put people at it.
    hours = hours.where(~((hours == "open_24h") & (kinds == FacilityKind.ATM.value)), "unknown")
    out["hours"] = hours
    out["hours_factor"] = hours.map(
        {"open_24h": risk.open_24h_factor, "closed_at_night": risk.closed_at_night_factor}
    ).fillna(1.0)
    out["static"] = out["base"] * out[list(STATIC_FACTORS)].prod(axis=1)
    return out


# --- incident pressure ------------------------------------------------------------------------


def incident_contributions(
    facilities: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None,
    *,
    at: pd.Timestamp | Any,
    crs: Any = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Every (facility, incident) pair that adds pressure, with its share after the cap.

    An incident of type *k* at distance *d* and age *a* (days before ``at``) adds
    ``weight(k) x 0.5^(d / distance_half_m) x 0.5^(a / half_life_days)``, times
    ``1 + near_repeat_boost`` for near-repeat types within ``near_repeat_m`` and
    ``near_repeat_days``; nothing beyond ``incident_radius_m`` or ``incident_max_age_days`` or
    after ``at``. A facility's raw total *P* saturates smoothly at ``pressure_cap`` *C*: it
    becomes ``C x (1 - exp(-P / C))`` (about *P* while small, never above *C*, still rising with
    every incident), and each pair is scaled alike so the pairs add up to it.

    Returns
    -------
    pandas.DataFrame
        Columns ``facility_id`` and ``incident_id`` (categoricals of the frames' ids), ``type``,
        ``time``, ``distance_m``, ``age_days``, ``near_repeat``, ``pressure``. A k-d tree finds
        the pairs, so the work grows with the pairs, not with facilities x incidents.

    """
    pairs = IncidentPairs.find(facilities, incidents, at=at, crs=crs, settings=settings)
    return pairs.frame()


@dataclass(frozen=True)
class IncidentPairs:
    """Facility-incident pairs as plain arrays (one entry per pair), built once per shift.

    ``facility`` and ``incident`` are positions in ``facility_ids`` and ``incident_ids``;
    ``pressure`` is each pair's share after the cap; ``totals`` the pressure per facility.
    ``frame()`` gives them as a table; ``of(position)`` the pairs of one facility.
    """

    facility_ids: pd.Index
    incident_ids: pd.Index
    type_names: tuple[str, ...]
    facility: np.ndarray
    incident: np.ndarray
    type_code: np.ndarray
    time: np.ndarray
    distance_m: np.ndarray
    age_days: np.ndarray
    near_repeat: np.ndarray
    pressure: np.ndarray
    totals: pd.Series

    @classmethod
    def find(
        cls,
        facilities: gpd.GeoDataFrame,
        incidents: gpd.GeoDataFrame | None,
        *,
        at: pd.Timestamp | Any,
        crs: Any = None,
        settings: Settings | None = None,
    ) -> IncidentPairs:
        """Find and weigh the pairs (see ``incident_contributions``)."""
        settings = settings or Settings()
        risk = settings.risk
        type_names = tuple(sorted(set(risk.incident_weights) | {t.value for t in IncidentType}))
        totals = pd.Series(0.0, index=facilities.index, name="incident_pressure")
        none = np.zeros(0, dtype=np.int64)
        empty = cls(
            facilities.index, pd.Index([]), type_names, none, none, none,
            np.zeros(0, dtype="datetime64[ns]"), np.zeros(0), np.zeros(0),
            np.zeros(0, dtype=bool), np.zeros(0), totals,
        )  # fmt: skip
        if incidents is None or len(incidents) == 0 or len(facilities) == 0:
            return empty
        times = pd.to_datetime(incidents["time"]).to_numpy(dtype="datetime64[ns]")
        age_days = (pd.Timestamp(at).to_datetime64() - times) / np.timedelta64(86400, "s")
        keep = np.isfinite(age_days) & (age_days >= 0) & (age_days <= risk.incident_max_age_days)
        if not keep.any():
            return empty
        recent = incidents[keep]
        age_days, times = age_days[keep], times[keep]
        # Per incident first (cheap), then per pair by integer indexing (no strings per pair).
        codes = pd.Categorical(recent["type"].astype(str), categories=type_names).codes
        weight_of = np.array([risk.incident_weights.get(t, 0.0) for t in type_names] + [0.0])
        repeat_of = np.array([t in risk.near_repeat_types for t in type_names] + [False])
        weight, repeats = weight_of[codes], repeat_of[codes]  # code -1 (unknown) reads the pad
        proj = projected_crs(facilities, crs=crs, settings=settings)
        fac_tree = cKDTree(_xy(facilities, proj))
        inc_tree = cKDTree(_xy(recent, proj))
        found = fac_tree.sparse_distance_matrix(
            inc_tree, risk.incident_radius_m, output_type="ndarray"
        )
        fi, ii = np.ascontiguousarray(found["i"]), np.ascontiguousarray(found["j"])
        dist = np.ascontiguousarray(found["v"])
        ages = age_days[ii]
        value = weight[ii] * np.exp2(
            -dist / risk.incident_distance_half_m - ages / risk.incident_half_life_days
        )
        near = repeats[ii] & (dist <= risk.near_repeat_m) & (ages <= risk.near_repeat_days)
        value[near] *= 1.0 + risk.near_repeat_boost
        raw = np.bincount(fi, weights=value, minlength=len(facilities)).astype(float)
        cap = risk.pressure_cap
        saturated = cap * -np.expm1(-raw / cap)
        scale = np.divide(saturated, raw, out=np.ones(len(raw)), where=raw > 0)
        value *= scale[fi]
        on = value > 0
        if not on.all():
            fi, ii, dist, ages, near, value = (x[on] for x in (fi, ii, dist, ages, near, value))
        totals[:] = saturated
        return cls(
            facilities.index, recent.index, type_names, fi, ii, codes[ii], times[ii], dist,
            ages, near, value, totals,
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.facility)

    def frame(self, rows: np.ndarray | slice = slice(None)) -> pd.DataFrame:
        """Return the pairs (or the ``rows`` of them) as a table (``incident_contributions``)."""
        return pd.DataFrame(
            {
                "facility_id": pd.Categorical.from_codes(
                    self.facility[rows], categories=self.facility_ids
                ),
                "incident_id": pd.Categorical.from_codes(
                    self.incident[rows], categories=self.incident_ids
                ),
                "type": pd.Categorical.from_codes(self.type_code[rows], categories=self.type_names),
                "time": self.time[rows],
                "distance_m": self.distance_m[rows],
                "age_days": self.age_days[rows],
                "near_repeat": self.near_repeat[rows],
                "pressure": self.pressure[rows],
            }
        )

    def of(self, position: int) -> pd.DataFrame:
        """Pairs of the facility at ``position``, the largest pressure first."""
        rows = np.flatnonzero(self.facility == position)
        return self.frame(rows).sort_values("pressure", ascending=False, kind="stable")


def incident_pressure(
    facilities: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None,
    *,
    at: pd.Timestamp | Any,
    crs: Any = None,
    settings: Settings | None = None,
) -> pd.Series:
    """Incident pressure per facility (0 = no recent incident near it), saturating at the cap.

    See ``incident_contributions`` for the decay. Returns a Series ``incident_pressure`` on the
    facilities' index.
    """
    return IncidentPairs.find(facilities, incidents, at=at, crs=crs, settings=settings).totals


# --- the assessment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """Why a facility scores what it scores in one slot.

    ``parts`` has one row per part, in order: ``part`` (code), ``label_vi``, ``label_en``,
    ``factor`` (the multiplier, NaN for the base and single incidents), ``points`` (what the part
    adds to the score, negative when it lowers it) and ``incident_id`` (for incident parts).
    ``parts["points"]`` sums to ``score``.
    """

    facility_id: str
    name: str
    slot: pd.Timestamp
    score: float
    level: RiskLevel
    parts: pd.DataFrame

    def text(self, *, lang: str = "vi") -> str:
        """Write the explanation as lines a commander reads (``lang`` ``"vi"`` or ``"en"``)."""
        label = "label_vi" if lang == "vi" else "label_en"
        level = self.level.label_vi if lang == "vi" else self.level.label_en
        who = self.name or self.facility_id
        lines = [f"{who} {self.slot:%d/%m/%Y %H:%M}: {self.score:.1f} ({level})"]
        for row in self.parts.itertuples():
            lines.append(f"  {row.points:+.1f}  {getattr(row, label)}")
        return "\n".join(lines)


@dataclass(frozen=True)
class RiskAssessment:
    """Risk of every facility in every slot of one shift, with what it is made of.

    Build it with ``assess_risk``. ``scores`` is the facility x slot table; ``levels`` the level
    of each facility's peak over the shift; ``explain`` breaks any score into parts.
    """

    shift: Shift
    facilities: gpd.GeoDataFrame
    static: pd.DataFrame
    isolation: pd.DataFrame
    pairs: IncidentPairs
    pressure: pd.Series
    profile: HourProfile
    hour_factors: pd.DataFrame
    dates: pd.DataFrame
    scores: pd.DataFrame
    settings: RiskSettings

    @property
    def slots(self) -> pd.DatetimeIndex:
        """Start instants of the slots."""
        return pd.DatetimeIndex(self.scores.columns)

    @property
    def contributions(self) -> pd.DataFrame:
        """Every facility-incident pair that adds pressure (``incident_contributions``)."""
        return self.pairs.frame()

    @property
    def peak(self) -> pd.Series:
        """Highest score of each facility over the shift."""
        return self.scores.max(axis=1).rename("peak")

    @property
    def levels(self) -> pd.Series:
        """Risk level (``RiskLevel`` value) of each facility's peak."""
        cuts = np.searchsorted(self.settings.level_thresholds, self.peak.to_numpy(), side="right")
        return pd.Series([_LEVELS[c].value for c in cuts], index=self.scores.index, name="level")

    def explain(self, facility_id: str, *, slot: Any = None, top: int = 10) -> Explanation:
        """Parts of ``facility_id``'s score in ``slot`` (default: its peak slot).

        The ``top`` incidents that add most are listed one by one, the rest as one part.
        """
        return explain(self, facility_id, slot=slot, top=top)


def assess_risk(
    facilities: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None = None,
    *,
    shift: Shift,
    residential: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    crs: Any = None,
    events: Iterable[date | str] = (),
    learn_profile: bool = True,
    isolation_table: pd.DataFrame | None = None,
    settings: Settings | None = None,
) -> RiskAssessment:
    """Score every facility in every slot of ``shift``.

    Parameters
    ----------
    facilities : geopandas.GeoDataFrame
        Facilities frame (EPSG:4326, index ``facility_id``).
    incidents : geopandas.GeoDataFrame, optional
        Incidents frame; those before the shift start add pressure, and they teach the hour
        profile when ``learn_profile`` and there are enough of them.
    shift : Shift
        The shift; slots of ``settings.risk.slot_min`` minutes cover it.
    residential, buildings : geopandas.GeoDataFrame, optional
        Land use and buildings of the area (``Area.residential``, ``Area.buildings``) for the
        isolation factor.
    crs : optional
        Projected CRS (``Area.crs``).
    events : iterable of date or str
        Days the commander marks as events (full dates, year included).
    learn_profile : bool
        Learn the hour profile from ``incidents`` where there are enough (else defaults).
    isolation_table : pandas.DataFrame, optional
        ``isolation(...)`` computed beforehand: it depends on the area only, not on the shift,
        so a caller planning many shifts of one area computes it once.
    settings : Settings, optional
        All weights in ``settings.risk``.

    Returns
    -------
    RiskAssessment
        ``.scores`` is the facility x slot table (``risk_table``).

    """
    settings = settings or Settings()
    risk = settings.risk
    crs = projected_crs(facilities, crs=crs, settings=settings) if len(facilities) else crs
    iso = (
        isolation(facilities, residential, buildings, crs=crs, settings=settings)
        if isolation_table is None
        else isolation_table.reindex(facilities.index)
    )
    static = static_exposure(facilities, isolation_table=iso, settings=settings)
    at = pd.Timestamp(shift.start_dt)
    pairs = IncidentPairs.find(facilities, incidents, at=at, crs=crs, settings=settings)
    pressure = pairs.totals
    if learn_profile and incidents is not None and len(incidents):
        profile = learn_hour_profile(incidents, facilities, settings=risk)
    else:
        profile = default_hour_profile(settings=risk)
    slots = shift_slots(shift, slot_min=risk.slot_min)
    hours = slot_hour_factors(static["kind"], slots, profile=profile)
    nights = [night_date(s, settings=risk) for s in slots]
    by_date = date_factors(sorted(set(nights)), events=events, settings=risk)
    dates = by_date.loc[nights].set_axis(slots)
    values = (
        (static["static"] * (1.0 + pressure)).to_numpy()[:, None]
        * hours.to_numpy()
        * dates["date_factor"].to_numpy()[None, :]
    )
    scores = pd.DataFrame(values, index=facilities.index, columns=slots)
    return RiskAssessment(
        shift, facilities, static, iso, pairs, pressure, profile, hours, dates, scores, risk
    )


def risk_table(
    facilities: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None = None,
    *,
    shift: Shift,
    residential: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    crs: Any = None,
    events: Iterable[date | str] = (),
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Facility x slot risk scores across ``shift`` (see ``assess_risk`` for the arguments).

    The index is the facilities' index; the columns are the slots' start instants.
    """
    return assess_risk(
        facilities,
        incidents,
        shift=shift,
        residential=residential,
        buildings=buildings,
        crs=crs,
        events=events,
        settings=settings,
    ).scores


_STATE_VI = {"yes": "có", "no": "không có", "unknown": "chưa rõ"}
_STATE_EN = {"yes": "present", "no": "none", "unknown": "unknown"}
_WHAT_VI = {"guard": "Bảo vệ", "camera": "Camera", "alarm": "Chuông báo động"}
_WHAT_EN = {"guard": "Guard", "camera": "Camera", "alarm": "Alarm"}
_CASH_VI = {
    "none": "không",
    "low": "ít",
    "medium": "trung bình",
    "high": "nhiều",
    "unknown": "chưa rõ",
}
_HOURS_VI = {
    "open_24h": "mở cửa 24/24",
    "closed_at_night": "đóng cửa ban đêm (không người)",
    "unknown": "chưa rõ",
}
_HOURS_EN = {
    "open_24h": "open 24/7",
    "closed_at_night": "closed and empty at night",
    "unknown": "unknown",
}


def explain(
    assessment: RiskAssessment, facility_id: str, *, slot: Any = None, top: int = 10
) -> Explanation:
    """Break ``facility_id``'s score in ``slot`` into parts that add up to it.

    Parameters
    ----------
    assessment : RiskAssessment
        From ``assess_risk``.
    facility_id : str
        A facility of the assessment.
    slot : datetime-like, optional
        A slot start (or any instant inside the shift); default the facility's peak slot.
    top : int
        Incidents listed one by one; the others form one part.

    Returns
    -------
    Explanation
        The parts are applied in order (base, static factors, incidents, hour, date); each
        factor adds ``running total x (factor - 1)`` points. The last part absorbs the
        floating-point rounding (below 1e-9 points), so ``parts.points.sum() == score``.

    """
    if facility_id not in assessment.scores.index:
        msg = f"facility {facility_id!r} is not in the assessment; pick one of its facility ids"
        raise KeyError(msg)
    slots = assessment.slots
    if slot is None:
        position = int(np.argmax(assessment.scores.loc[facility_id].to_numpy()))
    else:
        when = pd.Timestamp(slot)
        position = int(slots.searchsorted(when, side="right")) - 1
        if position < 0 or when >= pd.Timestamp(assessment.shift.end_dt):
            msg = f"slot {when} lies outside the shift {assessment.shift.label()}"
            raise KeyError(msg)
    at = slots[position]
    score = float(assessment.scores.iat[assessment.scores.index.get_loc(facility_id), position])
    st = assessment.static.loc[facility_id]
    kind = FacilityKind(st["kind"])
    rows: list[dict[str, Any]] = [
        _part("base", f"Loại hình: {kind.label_vi}", f"Kind: {kind.label_en}", math.nan, st["base"])
    ]
    running = float(st["base"])

    def factor(code: str, vi: str, en: str, value: float) -> None:
        nonlocal running
        added = running * (value - 1.0)
        rows.append(_part(code, vi, en, value, added))
        running += added

    cash = st["cash"]
    factor(
        "cash",
        f"Lượng tiền mặt: {_CASH_VI[cash]}",
        f"Cash held: {cash}",
        st["cash_factor"],
    )
    iso = assessment.isolation.loc[facility_id]
    if np.isfinite(iso["isolation"]):
        far = "?" if not np.isfinite(iso["housing_m"]) else f"{iso['housing_m']:.0f} m"
        vi = (
            f"Mức hẻo lánh {iso['isolation']:.2f} (cách khu dân cư {far}, "
            f"{int(iso['buildings_near'])} công trình xung quanh)"
        )
        en = (
            f"Isolation {iso['isolation']:.2f} ({far} to housing, "
            f"{int(iso['buildings_near'])} buildings around)"
        )
    else:
        vi, en = "Mức hẻo lánh: chưa có dữ liệu", "Isolation: no land-use data"
    factor("isolation", vi, en, st["isolation_factor"])
    for what in ("guard", "camera", "alarm"):
        state = st[what]
        factor(
            what,
            f"{_WHAT_VI[what]}: {_STATE_VI[state]}",
            f"{_WHAT_EN[what]}: {_STATE_EN[state]}",
            st[f"{what}_factor"],
        )
    factor(
        "opening_hours",
        f"Giờ hoạt động: {_HOURS_VI[st['hours']]}",
        f"Opening hours: {_HOURS_EN[st['hours']]}",
        st["hours_factor"],
    )
    static_points = running
    row_at = int(assessment.scores.index.get_loc(facility_id))
    later = float(assessment.hour_factors.iat[row_at, position])
    day = assessment.dates.iloc[position]
    mine = assessment.pairs.of(row_at)
    for i, row in enumerate(mine.itertuples()):
        if i == top:
            rest = mine.iloc[top:]
            n = len(rest)
            rows.append(
                _part(
                    "incidents_other",
                    f"{n} vụ việc khác gần đây",
                    f"{n} other recent incidents",
                    math.nan,
                    static_points * float(rest["pressure"].sum()),
                )
            )
            break
        itype = IncidentType(row.type) if row.type in _TYPES else IncidentType.OTHER
        boost_vi = ", lặp lại gần" if row.near_repeat else ""
        boost_en = ", near-repeat" if row.near_repeat else ""
        rows.append(
            _part(
                "incident",
                f"Vụ việc {itype.label_vi} cách {row.distance_m:.0f} m, "
                f"{row.age_days:.0f} ngày trước{boost_vi}",
                f"{itype.label_en} {row.distance_m:.0f} m away, {row.age_days:.0f} days ago"
                f"{boost_en}",
                math.nan,
                static_points * float(row.pressure),
                incident_id=str(row.incident_id),
            )
        )
    running = static_points * (1.0 + float(assessment.pressure.loc[facility_id]))
    learnt = assessment.profile.source.get(kind.value, "default") == "learnt"
    factor(
        "hour",
        f"Khung giờ {at:%H:%M} ({'học từ vụ việc của địa bàn' if learnt else 'mặc định'})",
        f"Hour {at:%H:%M} ({'learnt from the area' if learnt else 'default profile'})",
        later,
    )
    if day["calendar"] == "tet":
        factor("tet", "Dịp Tết Nguyên đán", "Tết (Lunar New Year) period", day["calendar_factor"])
    elif day["calendar"] == "holiday":
        factor(
            "holiday",
            f"Ngày lễ: {day['holiday_vi']}",
            f"Public holiday: {day['holiday_en']}",
            day["calendar_factor"],
        )
    if day["weekend_factor"] != 1.0:
        factor("weekend", "Cuối tuần", "Weekend", day["weekend_factor"])
    if day["event_factor"] != 1.0:
        factor(
            "event", "Ngày có sự kiện (chỉ huy đánh dấu)", "Event day (marked)", day["event_factor"]
        )
    parts = pd.DataFrame(rows)
    # The product and the running sum differ by rounding only; let the last part absorb it.
    parts.loc[parts.index[-1], "points"] += score - math.fsum(parts["points"])
    # Named as people say it (name, else operator or address), never by its id.
    facilities = assessment.facilities
    name = facility_label(facilities.loc[facility_id]) if "kind" in facilities else ""
    level = risk_level(score, settings=assessment.settings)
    return Explanation(facility_id, str(name or ""), at, score, level, parts)


def _part(
    code: str, vi: str, en: str, factor: float, points: float, *, incident_id: str = ""
) -> dict[str, Any]:
    return {
        "part": code,
        "label_vi": vi,
        "label_en": en,
        "factor": float(factor),
        "points": float(points),
        "incident_id": incident_id,
    }
