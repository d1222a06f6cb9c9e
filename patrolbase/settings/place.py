"""Where the ward is and how fast patrols move on its streets: the area and network sections."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from patrolbase.settings._base import FROZEN

TravelMode = Literal["motorbike", "car", "foot"]

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

    model_config = FROZEN

    crs: str | None = None
    """Projected CRS for distances (e.g. ``"EPSG:32648"``); ``None`` picks the area's UTM zone."""
    online: bool = False
    """Allow osmnx downloads (``graph_from_place``). Off: the product never needs the internet."""
    cache_dir: Path | None = None
    """Cache for online downloads; ``None`` uses the user's data folder."""


class NetworkSettings(BaseModel):
    """Street graph and travel times."""

    model_config = FROZEN

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
    matrix_method: Literal["auto", "dijkstra", "contraction_hierarchy"] = "auto"
    """How the travel-time matrix is computed: ``dijkstra`` (scipy, one search per place over
    the whole graph), ``contraction_hierarchy`` (RoutingKit's customizable contraction hierarchy
    through ``pyroutingkit``, built once per graph; times equal Dijkstra's within a few
    milliseconds, so a whole second may differ by one in rare pairs), or ``auto``: the hierarchy
    from 200 places on where ``pyroutingkit`` is installed, Dijkstra otherwise."""

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
