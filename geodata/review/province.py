"""The province's hotspots across ward boundaries: every ward's incidents in one analysis.

Each ward's monthly review lays its grid over its own area, so a cluster of incidents on the
street two wards share is cut in two, and each half may be too small to be significant. Here
the month's incidents of all wards are pooled: wards lying close together (``REGION_GAP_M``)
form a region, one grid covers each region, and Getis-Ord Gi* runs on it with the review's own
settings (``settings.hotspots``). Hot cells that touch (queen contiguity) form a cluster; a
cluster whose cells lie in more than one ward is *shared*, for the wards to patrol together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geodata.hotspots import count_in_cells, gi_star, make_grid, project_lonlat
from geodata.review.period import Period
from patrolbase.crs import projected_crs
from patrolbase.settings import Settings

if TYPE_CHECKING:
    from shapely import Geometry

__all__ = ["REGION_GAP_M", "ProvinceHotspots", "WardIncidents", "province_hotspots"]

REGION_GAP_M = 1000.0
"""Wards closer than this (between their extents) are analysed on one grid."""
_M_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class WardIncidents:
    """One ward: its name, its extent (lon/lat polygon) and its incident log.

    ``incidents`` has ``lon``, ``lat``, ``time`` (local, tz-naive) and, when known, ``demo``.
    """

    name: str
    extent: Geometry
    incidents: pd.DataFrame


@dataclass
class ProvinceHotspots:
    """The pooled analysis of one period.

    - ``wards``: per ward ``incidents`` of the period, ``hot_cells``, ``clusters`` and
      ``shared`` (clusters it shares with another ward);
    - ``cells``: the hot cells, with ``region``, ``lon``, ``lat``, ``count``, ``z``, ``p_sim``,
      ``ward`` (where the cell's centre lies) and ``cluster``;
    - ``clusters``: per cluster ``region``, ``cells``, ``incidents``, ``wards`` (names joined
      by ", "), ``shared``, ``lon`` / ``lat`` of its busiest cell; shared clusters first.
    """

    period: Period
    wards: pd.DataFrame
    cells: pd.DataFrame
    clusters: pd.DataFrame
    regions: list[list[str]]
    demo: bool
    """Whether any incident is demonstration data (every output says so)."""
    too_few: list[str] = field(default_factory=list)
    """Regions (their wards joined) with fewer incidents than ``hotspots.min_incidents``."""


def _regions(wards: Sequence[WardIncidents], gap_m: float) -> list[list[int]]:
    """Group the wards whose extents lie within ``gap_m`` of each other (transitively)."""
    gap = gap_m / _M_PER_DEGREE
    parent = list(range(len(wards)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(wards):
        for j in range(i + 1, len(wards)):
            if a.extent.distance(wards[j].extent) <= gap:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(wards)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _ward_of_points(
    wards: Sequence[WardIncidents], members: list[int], lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """Name the ward each point lies in (the first that holds it; "" for none)."""
    import shapely

    names = np.full(len(lon), "", dtype=object)
    for i in members:
        inside = shapely.contains_xy(wards[i].extent, lon, lat) & (names == "")
        names[inside] = wards[i].name
    return names


def _clusters(hot: np.ndarray, adjacency: object) -> np.ndarray:
    """Label the hot cells' connected groups (``-1`` for cells not hot)."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import connected_components

    matrix = csr_array(adjacency)
    index = np.flatnonzero(hot)
    labels = np.full(len(hot), -1)
    if len(index):
        _, found = connected_components(matrix[index][:, index], directed=False)
        labels[index] = found
    return labels


def province_hotspots(
    wards: Sequence[WardIncidents],
    *,
    month: date,
    settings: Settings | None = None,
    gap_m: float = REGION_GAP_M,
) -> ProvinceHotspots:
    """Find the period's hotspots over all ``wards`` at once; name the clusters they share.

    Parameters
    ----------
    wards
        The province's wards, each with its whole incident log (the period is cut here).
    month
        The reporting period's month (``settings.report.period`` says how it is cut).
    settings
        ``hotspots`` (cells, significance, permutations, FDR) and ``report.period``.
    gap_m
        Wards whose extents lie closer than this share a grid.

    """
    settings = settings or Settings()
    hs = settings.hotspots
    period = Period(month.replace(day=1), settings.report.period)
    rows, cell_frames, cluster_frames, too_few = [], [], [], []
    shared_of: Counter[str] = Counter()  # per ward, its clusters that another ward shares
    groups = _regions(wards, gap_m)
    demo = False
    for region, members in enumerate(groups, start=1):
        frames = []
        for i in members:
            frame = wards[i].incidents
            frame = frame[period.contains(pd.to_datetime(frame["time"]))]
            demo = demo or bool(frame.get("demo", pd.Series(False, index=frame.index)).any())
            frames.append(frame[["lon", "lat"]].assign(ward=wards[i].name))
        month_frame = pd.concat(frames, ignore_index=True)
        bounds = np.array([wards[i].extent.bounds for i in members])
        bbox = (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
        crs = projected_crs(bbox, configured=settings.area.crs)
        grid = make_grid(bbox, crs=crs, settings=hs)
        lon, lat = month_frame["lon"].to_numpy(float), month_frame["lat"].to_numpy(float)
        counts = count_in_cells(
            grid, project_lonlat(lon, lat, crs=crs), lonlat=np.column_stack([lon, lat])
        )
        names = [wards[i].name for i in members]
        if len(month_frame) < hs.min_incidents:
            too_few.append(", ".join(names))
            labels = np.full(grid.n, -1)
            table = pd.DataFrame({"z": np.nan, "p_sim": np.nan}, index=grid.cells.index)
        else:
            gi = gi_star(counts, grid.weights, significance=hs.significance, fdr=hs.fdr,
                         permutations=hs.permutations, seed=hs.seed,
                         inference=hs.inference)  # fmt: skip
            table = gi.table
            labels = _clusters((table["gi_class"] == "hot").to_numpy(), grid.weights.sparse)
        cells = grid.cells[["lon", "lat"]].copy()
        cells["count"] = counts.to_numpy()
        cells[["z", "p_sim"]] = table[["z", "p_sim"]].to_numpy()
        cells["ward"] = _ward_of_points(
            wards, members, cells["lon"].to_numpy(), cells["lat"].to_numpy()
        )
        cells["cluster"] = [f"{region}.{k + 1}" if k >= 0 else "" for k in labels]
        cells["region"] = region
        hot = cells[labels >= 0]
        cell_frames.append(hot)
        for cluster, part in hot.groupby("cluster", sort=False):
            touched = sorted({w for w in part["ward"] if w})
            top = part["count"].idxmax()
            if len(touched) > 1:
                shared_of.update(touched)
            cluster_frames.append(
                {
                    "cluster": cluster,
                    "region": region,
                    "cells": len(part),
                    "incidents": int(part["count"].sum()),
                    "wards": ", ".join(touched),
                    "shared": len(touched) > 1,
                    "lon": float(part.at[top, "lon"]),
                    "lat": float(part.at[top, "lat"]),
                }
            )
        for name, frame in zip(names, frames, strict=True):
            mine = hot[hot["ward"] == name]
            rows.append(
                {
                    "ward": name,
                    "region": region,
                    "incidents": len(frame),
                    "hot_cells": len(mine),
                    "clusters": mine["cluster"].nunique(),
                    "shared": shared_of[name],
                }
            )
    clusters = pd.DataFrame(
        cluster_frames,
        columns=["cluster", "region", "cells", "incidents", "wards", "shared", "lon", "lat"],
    )
    clusters = clusters.sort_values(["shared", "incidents"], ascending=[False, False])
    ward_table = pd.DataFrame(rows).set_index("ward")
    return ProvinceHotspots(
        period=period,
        wards=ward_table,
        cells=pd.concat(cell_frames) if cell_frames else pd.DataFrame(),
        clusters=clusters.reset_index(drop=True),
        regions=[[wards[i].name for i in members] for members in groups],
        demo=demo,
        too_few=too_few,
    )
