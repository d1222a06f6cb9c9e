"""Static exposure: what a site is, holds and has for protection, and how alone it stands."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from geodata.risk.projection import _xy, measuring_crs
from patrolbase.errors import InputFileError, Problem
from patrolbase.schema import CashLevel, FacilityKind
from patrolbase.settings import Settings

if TYPE_CHECKING:
    pass


HOUSING_TAGS = frozenset(
    {
        "yes", "house", "residential", "apartments", "detached", "terrace", "semidetached_house",
        "dormitory", "bungalow", "hut", "farm",
    }
)  # fmt: skip
"""``building=*`` values that count as housing (most Vietnamese tube houses are ``yes``)."""

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
        Projected CRS to measure in (``Area.crs``); see ``measuring_crs``.
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
    proj = measuring_crs(facilities, crs=crs, settings=settings)
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
