"""The one choice of projected CRS: distances, buffers and grids are measured in metres.

The configured ``area.crs`` wins when set (it must be projected); otherwise the WGS 84 UTM zone
of the area's centre, computed directly (``GeoSeries.estimate_utm_crs`` finds the same zone but
queries the PROJ database, about 0.1 s a call).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyproj

from patrolbase.errors import CRSError

__all__ = ["WGS84", "projected_crs", "utm_epsg"]

WGS84 = "EPSG:4326"


def utm_epsg(lon: float, lat: float) -> int:
    """Return the EPSG code of the WGS 84 UTM zone holding ``(lon, lat)``.

    >>> utm_epsg(105.83, 21.03)  # Hà Nội
    32648
    >>> utm_epsg(109.2, 12.25)  # Nha Trang
    32649
    """
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def projected_crs(bbox: Sequence[float], *, configured: str | None = None) -> str:
    """Name the projected CRS to measure an area in.

    Parameters
    ----------
    bbox
        ``(west, south, east, north)`` in degrees.
    configured
        The ``area.crs`` setting; wins when given. It must be a known, projected CRS.

    Returns
    -------
    str
        The configured CRS, or ``"EPSG:326zz"`` (north) / ``"EPSG:327zz"`` (south) for the UTM
        zone of the centre.

    Raises
    ------
    CRSError
        The configured CRS is unknown or geographic (degrees).

    >>> projected_crs((105.8268, 21.0233, 105.8390, 21.0304))
    'EPSG:32648'

    """
    if configured:
        try:
            crs = pyproj.CRS.from_user_input(configured)
        except pyproj.exceptions.CRSError:
            msg = f"area.crs = {configured!r} is not a known CRS; use e.g. 'EPSG:32648'"
            raise CRSError(msg) from None
        if not crs.is_projected:
            msg = (
                f"area.crs = {configured!r} is not projected: distances need metres; "
                "use the area's UTM zone, e.g. EPSG:32648 (Hà Nội) or EPSG:32649 (Nha Trang)"
            )
            raise CRSError(msg)
        return str(configured)
    west, south, east, north = bbox
    return f"EPSG:{utm_epsg((west + east) / 2, (south + north) / 2)}"
