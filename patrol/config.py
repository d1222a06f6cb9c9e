"""The one settings object.

``Settings`` is frozen and validated on creation: a value out of range raises ``SettingsError``
naming the setting and its allowed range. Defaults live here, each documented; a TOML file
overrides any of them (``Settings.from_file``), for example::

    [routing]
    time_limit_s = 20

    [network.speeds_kmh.motorbike]
    residential = 18

Core code takes a ``Settings`` argument and never reads environment variables or UI state.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from patrol.errors import SettingsError

__all__ = [
    "AreaSettings",
    "HotspotSettings",
    "NetworkSettings",
    "RiskSettings",
    "RoutingSettings",
    "Settings",
    "ShiftSettings",
    "StoreSettings",
    "TravelMode",
]

TravelMode = Literal["motorbike", "car", "foot"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

# Night-time speeds (km/h) per OSM highway class: night traffic is light, but patrols ride slowly
# enough to look around; alleys (service, living_street) are ridden at walking-plus pace.
_MOTORBIKE_KMH = {
    "trunk": 35.0, "trunk_link": 30.0, "primary": 30.0, "primary_link": 25.0,
    "secondary": 28.0, "secondary_link": 22.0, "tertiary": 25.0, "tertiary_link": 20.0,
    "unclassified": 20.0, "residential": 18.0, "living_street": 12.0, "service": 12.0,
    "road": 18.0, "track": 10.0, "pedestrian": 8.0, "footway": 8.0, "path": 8.0, "alley": 10.0,
}
_CAR_KMH = {
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
)  # fmt: skip


class AreaSettings(BaseModel):
    """Where areas come from and how they are projected."""

    model_config = _FROZEN

    crs: str | None = None
    """Projected CRS for distances (e.g. ``"EPSG:32648"``); ``None`` picks the area's UTM zone."""
    online: bool = False
    """Allow osmnx downloads (``graph_from_place``). Off: the product never needs the internet."""
    cache_dir: Path | None = None
    """Cache for online downloads; ``None`` uses the user's data folder."""


class NetworkSettings(BaseModel):
    """Street graph and travel times."""

    model_config = _FROZEN

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


class ShiftSettings(BaseModel):
    """Default night shift, as clock times ``HH:MM`` (24-hour)."""

    model_config = _FROZEN

    start: str = "22:00"
    """Shift start."""
    end: str = "05:00"
    """Shift end (the next morning when earlier than the start)."""
    high_risk_start: str = "01:00"
    """Start of the high-risk window (office and treasury burglaries cluster 01:00-03:00)."""
    high_risk_end: str = "03:00"
    """End of the high-risk window."""


class RiskSettings(BaseModel):
    """Risk model weights; see ``docs/risk.md`` for why each default is what it is."""

    model_config = _FROZEN


class RoutingSettings(BaseModel):
    """Routing engine defaults."""

    model_config = _FROZEN

    time_limit_s: float = Field(default=10.0, gt=0, le=3600)
    """Wall time the solver may use."""
    seed: int = Field(default=7, ge=0, le=2**31 - 1)
    """Random seed: the same problem and seed give the same plan."""


class HotspotSettings(BaseModel):
    """Hotspot review defaults; see ``docs/review.md`` for why each default is what it is."""

    model_config = _FROZEN

    grid: Literal["square", "h3"] = "square"
    """Cells for counts and Gi*: square cells of ``cell_m`` in the projected CRS, or H3 hexagons
    of ``h3_resolution``."""
    cell_m: float = Field(default=100.0, ge=20, le=5000)
    """Side of a square cell in metres (about one block of a Vietnamese ward)."""
    h3_resolution: int = Field(default=10, ge=6, le=12)
    """H3 resolution when ``grid = "h3"`` (10: hexagons of about 66 m edge)."""
    max_cells: int = Field(default=20000, ge=100, le=500000)
    """Cap on the number of grid cells: a larger extent doubles ``cell_m`` until it fits, so
    permutation inference stays within seconds."""
    bandwidth_rule: Literal["scott", "silverman"] = "scott"
    """Kernel density bandwidth rule on projected coordinates (see ``docs/review.md``)."""
    bandwidth_m: float | None = Field(default=None, gt=0, le=20000)
    """Fixed kernel bandwidth in metres; ``None`` uses ``bandwidth_rule``."""
    bandwidth_scale: float = Field(default=1.0, gt=0, le=10)
    """Multiplies the rule's bandwidth (below 1: sharper surface, above 1: smoother)."""
    kde_resolution_m: float = Field(default=25.0, ge=5, le=1000)
    """Pixel size of the density surface in metres (coarsened like ``cell_m`` on large extents)."""
    significance: float = Field(default=0.05, gt=0, lt=0.5)
    """Significance level of Gi* hot and cold spots."""
    fdr: bool = True
    """Control the false discovery rate over all cells (Benjamini-Hochberg via ``esda.fdr``)."""
    permutations: int = Field(default=999, ge=99, le=99999)
    """Conditional permutations for the Gi* pseudo p-values."""
    seed: int = Field(default=7, ge=0, le=2**31 - 1)
    """Random seed of the permutations: the same data and seed give the same classes."""
    min_incidents: int = Field(default=20, ge=3, le=10000)
    """Fewer incidents in the month than this: Gi* and the density surface are not computed."""
    radius_m: float = Field(default=150.0, gt=0, le=5000)
    """Incidents within this distance of a facility count for it; a planned stop within it counts
    as presence at the facility."""
    months: int = Field(default=12, ge=6, le=24)
    """Months of history for the emerging-hotspot classification (6-12 asked; up to 24)."""
    new_months: int = Field(default=2, ge=1, le=3)
    """A cell hot only in its last ``new_months`` months (never before) is ``new``."""
    persistent_share: float = Field(default=0.9, gt=0.5, le=1)
    """Share of months a cell must be hot to be persistent, intensifying or diminishing."""
    target_reduction: float = Field(default=0.05, ge=0, lt=1)
    """Yearly reduction in criminal offences the province asks for (5%)."""
    gap_presence_min: float = Field(default=60.0, ge=0, le=100000)
    """A hotspot with less planned presence than this in the month (minutes) is a coverage gap."""


class StoreSettings(BaseModel):
    """Where the ward's records are kept."""

    model_config = _FROZEN

    database_url: str | None = None
    """SQLAlchemy URL; ``None`` uses a SQLite file in the user's data folder."""
    data_dir: Path | None = None
    """The user's data folder; ``None`` uses the platform default."""
    sqlite_journal: Literal["auto", "wal", "delete"] = "auto"
    """SQLite journal: ``wal`` (readers never block the writer), ``delete`` (rollback journal) or
    ``auto``: WAL when the SQLite library carries the fix of the WAL-reset corruption bug
    (3.51.3+, 3.50.7+, 3.44.6+), the rollback journal otherwise. Both use ``synchronous=FULL``."""
    busy_timeout_s: float = Field(default=30.0, gt=0, le=600)
    """How long a writer waits for another writer's lock before giving up."""
    session_idle_min: int = Field(default=30, ge=1, le=120)
    """A login session ends after this many minutes without activity."""
    session_max_h: float = Field(default=12.0, gt=0, le=24)
    """A login session ends this many hours after login, active or not."""
    lockout_failures: int = Field(default=5, ge=3, le=20)
    """Failed logins within ``lockout_window_min`` that lock the account until an admin unlocks."""
    lockout_window_min: int = Field(default=15, ge=1, le=1440)
    """Window in which failed logins are counted."""
    inactive_days: int = Field(default=90, ge=7, le=365)
    """Accounts not used for this many days are disabled (an administrator re-enables them)."""
    argon2_memory_kib: int = Field(default=19456, ge=19456, le=4 * 1024 * 1024)
    """Argon2id memory per password hash, KiB (at least 19 MiB, OWASP's minimum for 2 passes)."""
    argon2_passes: int = Field(default=2, ge=2, le=20)
    """Argon2id passes (time cost)."""


class Settings(BaseModel):
    """All settings of the product, frozen."""

    model_config = _FROZEN

    area: AreaSettings = AreaSettings()
    network: NetworkSettings = NetworkSettings()
    shift: ShiftSettings = ShiftSettings()
    risk: RiskSettings = RiskSettings()
    routing: RoutingSettings = RoutingSettings()
    hotspots: HotspotSettings = HotspotSettings()
    store: StoreSettings = StoreSettings()

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "settings") -> Settings:
        """Validate ``data``; raise ``SettingsError`` naming every bad setting."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SettingsError(_describe(exc, source)) from None

    @classmethod
    def from_file(cls, path: str | Path) -> Settings:
        """Read a TOML file of overrides; missing keys keep their defaults."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            msg = f"{path}: settings file not found"
            raise SettingsError(msg) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            msg = f"{path}: not a valid UTF-8 TOML file ({exc}); fix the syntax at that line"
            raise SettingsError(msg) from None
        return cls.from_dict(data, source=str(path))

    def replace(self, **sections: Any) -> Settings:
        """Return a copy with whole sections or fields replaced, validated again."""
        data = self.model_dump()
        for key, value in sections.items():
            if isinstance(value, BaseModel):
                value = value.model_dump()
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return Settings.from_dict(data)


def _describe(exc: ValidationError, source: str) -> str:
    lines = [f"{source}: {exc.error_count()} invalid setting(s)"]
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"])
        given = err.get("input")
        lines.append(f"  - {where} = {given!r}: {err['msg']}")
    return "\n".join(lines)
