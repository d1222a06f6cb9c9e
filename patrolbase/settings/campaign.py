"""Loudspeaker campaign runs along the residential streets: the ``[campaign]`` section.

The Tiên Trang plan sends the commune police's cars and motorbikes out every day at 06:30 and
19:00 to broadcast warnings along the streets where people live (``docs/streets.md``).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator

from patrolbase.settings._base import FROZEN

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# Classes a loudspeaker run drives along when they lie in a residential group: streets where
# people live and that a vehicle may use; footways only where the mode's network keeps them
# (Hà Nội's alleys are often drawn as footways and ridden by motorbike).
_STREET_CLASSES = (
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "road",
    "alley",
    "footway",
    "pedestrian",
    "path",
)


class CampaignSettings(BaseModel):
    """A week of loudspeaker runs: when, how long, how fast, with what."""

    model_config = FROZEN

    run_times: tuple[str, ...] = ("06:30", "19:00")
    """Start of each day's runs, 24-hour ``HH:MM`` (the Tiên Trang plan: 6h30 and 19h)."""
    days: int = Field(default=7, ge=1, le=31)
    """Days of the plan (a week)."""
    run_min: int = Field(default=75, ge=10, le=240)
    """Length of one run, from leaving the police post to coming back (minutes)."""
    speed_kmh: float = Field(default=12.0, gt=2, le=40)
    """Speed while broadcasting along a street (a loudspeaker is heard at 10-15 km/h)."""
    vehicles: int = Field(default=1, ge=1, le=20)
    """Vehicles out on each run."""
    vehicle: str = Field(default="motorbike", pattern="^(motorbike|car)$")
    """``motorbike`` or ``car``: the street graph of that mode (one-way streets as it says)."""
    street_buffer_m: float = Field(default=15.0, ge=0, le=200)
    """A street belongs to a residential group when most of its length lies inside the group's
    polygon widened by this much (streets drawn along the edge of a block count)."""
    street_classes: tuple[str, ...] = _STREET_CLASSES
    """OSM highway classes that count as residential streets inside a group."""
    min_landuse_share: float = Field(default=0.3, ge=0, le=1)
    """OSM ``landuse=residential`` polygons are the groups only when the streets they hold make
    at least this share of the area's street length; otherwise (the default area's land use is
    a few house lots) the groups are the blocks between ``block_classes`` streets."""
    block_classes: tuple[str, ...] = (
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "primary_link",
        "secondary_link",
        "tertiary_link",
        "unclassified",
        "residential",
    )
    """Street classes that bound the blocks used as groups when the map has no usable ones."""
    min_block_ha: float = Field(default=0.5, ge=0, le=100)
    """Blocks smaller than this (traffic islands, corners) are not groups of their own: their
    edge streets join the neighbouring blocks."""
    repeat_max: int = Field(default=3, ge=0, le=20)
    """Most extra passes the week gives the streets of the most populous group once every
    street is covered (fewer for smaller groups, in proportion to their buildings)."""
    solutions: int = Field(default=100, ge=1, le=1_000_000)
    """Solutions the search accepts in each pass before it stops: the count, not the clock,
    ends the search, so the same settings give the same week (measured on the default area:
    100 take about 3 s for the covering pass; 150 take 22 s for 1 % shorter loops)."""
    time_limit_s: float = Field(default=60.0, gt=0, le=3600)
    """Wall time the whole week's search may use at most, a safeguard on a slow machine (the
    week then depends on the machine's speed)."""
    seed: int = Field(default=7, ge=0, le=2**31 - 1)
    """Random seed of the search."""

    @field_validator("run_times")
    @classmethod
    def _clock_times(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if not _CLOCK.match(v)]
        if bad or not value:
            msg = f"run times must be HH:MM, 24-hour (e.g. 06:30, 19:00); got {list(value)}"
            raise ValueError(msg)
        return tuple(sorted(set(value)))


class VillageSettings(BaseModel):
    """A people's patrol team's walking loop inside its own residential group."""

    model_config = FROZEN

    loop_min: int = Field(default=90, ge=10, le=480)
    """Length of the night's loop, leaving from and coming back to the group's meeting point
    (minutes, at the walking speeds of ``[network] speeds_kmh.foot``)."""
    site_dwell_s: int = Field(default=60, ge=0, le=1800)
    """Time the team stops at each site of concern of its group (bank, ATM, gold shop, office),
    seconds."""
    site_reach_m: float = Field(default=60.0, gt=0, le=500)
    """A site of concern is passed at the group's street corner nearest to it; a site farther
    than this from every corner the loop may use is listed as not reached (metres)."""
