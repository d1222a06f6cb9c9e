"""Emerging hot spots: each cell's category over the review's periods (see ``geodata.review``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geodata.hotspots import Grid, gi_star_z, project_lonlat
from geodata.review.model import EmergingCategory
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import pandas as pd

    from geodata.review.period import Period

__all__ = ["cell_categories", "emerging_categories"]


def emerging_categories(
    hot: np.ndarray,
    z: np.ndarray,
    *,
    new_months: int = 2,
    persistent_share: float = 0.9,
    significance: float = 0.05,
) -> tuple[list[EmergingCategory], np.ndarray, np.ndarray]:
    """Classify cells from their monthly hot flags and Gi* z-scores.

    Parameters
    ----------
    hot
        ``(months, cells)`` booleans, oldest month first.
    z
        ``(months, cells)`` Gi* z-scores, for the Mann-Kendall trend.
    new_months, persistent_share, significance
        See the module text.

    Returns
    -------
    categories, tau, trend_p
        One category per cell; Kendall's tau of z against time and its p-value for the cells hot
        in at least ``persistent_share`` of the months (0 and 1 elsewhere).

    """
    from scipy.stats import kendalltau

    hot = np.asarray(hot, dtype=bool)
    months, cells = hot.shape
    # Length of the run of hot months that ends with the last month.
    run = np.cumprod(hot[::-1], axis=0).sum(axis=0)
    hot_before_run = np.array([hot[: months - r, c].any() for c, r in enumerate(run)], dtype=bool)
    share = hot.mean(axis=0)
    new = (run > 0) & (run <= new_months) & ~hot_before_run
    steady = ~new & (share >= persistent_share)
    taus = np.zeros(cells)
    trend_p = np.ones(cells)
    # Mann-Kendall trend of the z-scores, only where it decides the category (one vector call).
    varying = steady & (np.ptp(z, axis=0) > 0)
    if varying.any():
        time_axis = np.broadcast_to(np.arange(months)[:, None], (months, int(varying.sum())))
        trend = kendalltau(time_axis, z[:, varying], axis=0)
        taus[varying] = np.nan_to_num(trend.statistic)
        trend_p[varying] = np.nan_to_num(trend.pvalue, nan=1.0)
    rising = steady & (trend_p <= significance) & (taus > 0)
    falling = steady & (trend_p <= significance) & (taus < 0)
    codes = np.select(
        [
            ~hot.any(axis=0),
            new,
            rising,
            falling,
            steady,
            hot[-1],
        ],
        [
            EmergingCategory.NONE.value,
            EmergingCategory.NEW.value,
            EmergingCategory.INTENSIFYING.value,
            EmergingCategory.DIMINISHING.value,
            EmergingCategory.PERSISTENT.value,
            EmergingCategory.SPORADIC.value,
        ],
        default=EmergingCategory.HISTORICAL.value,
    )
    categories = [EmergingCategory(c) for c in codes]
    return categories, taus, trend_p


def cell_categories(
    frame: pd.DataFrame, history: list[Period], grid: Grid, *, crs: str, settings: Settings
) -> list[str]:
    """Monthly Gi* (normal p-values, FDR per period) and the categories of every cell."""
    from esda import fdr as fdr_threshold

    hs = settings.hotspots
    xy = project_lonlat(frame["lon"].to_numpy(), frame["lat"].to_numpy(), crs=crs)
    where = grid.locate(xy, lonlat=frame[["lon", "lat"]].to_numpy(float))
    month_index = history[0].index_of(frame["time"]) - history[0].index
    keep = (where >= 0) & (month_index >= 0) & (month_index < len(history))
    matrix = np.zeros((len(history), grid.n))
    np.add.at(matrix, (month_index[keep], where[keep]), 1.0)
    z, p = gi_star_z(matrix, grid.weights)
    hot = np.zeros(matrix.shape, dtype=bool)
    for k in range(len(history)):
        if matrix[k].sum() < hs.min_incidents:
            continue  # too few to call anything hot that month
        cut = float(fdr_threshold(p[k], hs.significance)) if hs.fdr else hs.significance
        hot[k] = (p[k] <= cut) & (z[k] > 0)
    categories, _, _ = emerging_categories(
        hot,
        z,
        new_months=hs.new_months,
        persistent_share=hs.persistent_share,
        significance=hs.significance,
    )
    return [c.value for c in categories]
