"""The ward's residential groups for a page: those uploaded on the Dữ liệu page, else the map's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboard import access

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area
    from patrolbase.settings import Settings

__all__ = ["ward_groups"]


def ward_groups(area: Area, settings: Settings) -> gpd.GeoDataFrame:
    """Return the area's residential groups: the ward's stored file first, else from the map."""
    from geodata.streets import residential_groups
    from patrol.store.groups import load_groups

    kept = load_groups(access.store(), access.principal(), area=area.name)
    return residential_groups(area, settings=settings, given=None if kept is None else kept.frame)
