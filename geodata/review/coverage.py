"""Coverage: incidents and presence per facility, the hotspot cells and their gaps, places named.

A place is named for people by the nearest named street of the ward's street background and the
sites near it, never by a cell code or coordinates alone.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from geodata.hotspots import facility_counts, project_lonlat
from geodata.review.model import EmergingCategory

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.basemap import StreetBackground
    from geodata.review.model import MonthlyReview

__all__ = ["coverage_table", "facility_table", "street_names"]

_STREET_REACH_M = 150.0
"""A place further than this from every named street is named by its sites only."""


def street_names(
    lon: np.ndarray, lat: np.ndarray, background: StreetBackground | None, *, crs: str
) -> list[str]:
    """Name of the nearest named street of each point ("" when none within 150 m)."""
    if background is None or len(lon) == 0:
        return [""] * len(lon)
    import shapely

    named = background.streets[background.streets["name"].astype(bool)]
    if named.empty:
        return [""] * len(lon)
    lines = named.to_crs(crs)
    xy = project_lonlat(np.asarray(lon, float), np.asarray(lat, float), crs=crs)
    points = shapely.points(xy)
    tree = shapely.STRtree(lines.geometry.to_numpy())
    found, dist = tree.query_nearest(points, max_distance=_STREET_REACH_M, return_distance=True)
    out = [""] * len(lon)
    best = [math.inf] * len(lon)
    names = lines["name"].to_numpy()
    for (point, line), d in zip(found.T, dist, strict=True):
        if d < best[point]:
            best[point], out[point] = float(d), str(names[line])
    return out


def facility_table(
    facilities: gpd.GeoDataFrame,
    incident_xy: np.ndarray,
    stop_xy: np.ndarray,
    stops: pd.DataFrame,
    *,
    crs: str,
    radius_m: float,
) -> pd.DataFrame:
    """Per facility: name, kind, incidents within ``radius_m`` and minutes of presence."""
    from scipy.spatial import cKDTree

    incidents = facility_counts(facilities, incident_xy, crs=crs, radius_m=radius_m)
    fxy = project_lonlat(facilities["lon"].to_numpy(), facilities["lat"].to_numpy(), crs=crs)
    presence = np.zeros(len(facilities))
    if len(stops):
        near = cKDTree(stop_xy).query_ball_point(fxy, r=radius_m)
        minutes = stops["minutes"].to_numpy(float)
        presence = np.array([minutes[idx].sum() if idx else 0.0 for idx in near])
    table = pd.DataFrame(
        {
            "name": facilities["name"].astype(str),
            "kind": facilities["kind"].astype(str),
            "lon": facilities["lon"].astype(float),
            "lat": facilities["lat"].astype(float),
            "incidents": incidents.to_numpy(),
            "presence_min": presence,
        },
        index=facilities.index,
    )
    return table.sort_values(["incidents", "presence_min"], ascending=[False, True])


def coverage_table(review: MonthlyReview, *, basis: Literal["gi", "count"]) -> pd.DataFrame:
    """Hotspot cells with incidents, presence, nearest facilities and street; gaps first."""
    assert review.cells is not None and review.grid is not None
    cells = review.cells
    hs = review.settings.hotspots
    if basis == "gi":
        hot = cells["gi_class"].eq("hot") | cells["category"].isin(
            [
                EmergingCategory.NEW.value,
                EmergingCategory.INTENSIFYING.value,
                EmergingCategory.PERSISTENT.value,
            ]
        )
    else:  # too few for Gi*: the cells that hold more than one incident
        hot = cells["count"] >= 2
    table = cells.loc[hot].copy()
    # A hot cell without incidents of its own is part of the hotspot, but not a gap.
    table["gap"] = (table["count"] > 0) & (table["presence_min"] < hs.gap_presence_min)
    table["basis"] = basis
    table["facilities"] = [[] for _ in range(len(table))]
    if review.facilities is not None and len(table):
        from scipy.spatial import cKDTree

        fac = review.facilities
        fxy = project_lonlat(fac["lon"].to_numpy(), fac["lat"].to_numpy(), crs=review.crs)
        reach = review.grid.cell_m / math.sqrt(2) + hs.radius_m
        near = cKDTree(fxy).query_ball_point(table[["x", "y"]].to_numpy(), r=reach)
        ids = fac.index.to_numpy()
        table["facilities"] = [list(ids[sorted(idx)]) for idx in near]
    table["street"] = street_names(
        table["lon"].to_numpy(float), table["lat"].to_numpy(float), review.background,
        crs=review.crs,
    )  # fmt: skip
    table = table.sort_values(["gap", "count", "presence_min"], ascending=[False, False, True])
    table.index.name = "cell_id"
    return table
