"""Where distances are measured: the projected CRS of the facilities and the transforms into it."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pyproj

from patrolbase.crs import utm_epsg
from patrolbase.errors import CRSError
from patrolbase.settings import Settings

if TYPE_CHECKING:
    pass


# --- projection -------------------------------------------------------------------------------


_WGS84 = pyproj.CRS.from_epsg(4326)


def measuring_crs(
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
        wgs84 = frame if frame.crs.equals(_WGS84) else frame.to_crs(_WGS84)
        west, south, east, north = wgs84.total_bounds
        chosen = utm_epsg((west + east) / 2, (south + north) / 2)
    result = _crs(chosen)
    if not result.is_projected:
        msg = (
            f"CRS {result.to_string()} is geographic (degrees): distances need a projected CRS "
            "in metres, such as EPSG:32648 (UTM 48N: Hà Nội, Hồ Chí Minh City) or EPSG:32649 "
            "(UTM 49N: Nha Trang); set area.crs"
        )
        raise CRSError(msg)
    return result


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
