"""Incident pressure: recent incidents near a site, weighted by type, distance and age."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from geodata.risk.projection import _xy, measuring_crs
from patrolbase.schema import IncidentType
from patrolbase.settings import Settings

if TYPE_CHECKING:
    pass


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
        proj = measuring_crs(facilities, crs=crs, settings=settings)
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
