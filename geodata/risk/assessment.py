"""The assessment: every factor of every site, slot by slot across a shift, and the table of it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.risk.explain import Explanation, explain
from geodata.risk.exposure import isolation, static_exposure
from geodata.risk.levels import _LEVELS
from geodata.risk.pressure import IncidentPairs
from geodata.risk.projection import measuring_crs
from geodata.timeprofile import (
    HourProfile,
    date_factors,
    default_hour_profile,
    learn_hour_profile,
    night_date,
    shift_slots,
    slot_hour_factors,
)
from patrolbase.settings import RiskSettings, Settings

if TYPE_CHECKING:
    from geodata.shift import Shift


# --- the assessment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskAssessment:
    """Risk of every facility in every slot of one shift, with what it is made of.

    Build it with ``assess_risk``. ``scores`` is the facility x slot table; ``levels`` the level
    of each facility's peak over the shift; ``explain`` breaks any score into parts.
    """

    shift: Shift
    facilities: gpd.GeoDataFrame
    static: pd.DataFrame
    isolation: pd.DataFrame
    pairs: IncidentPairs
    pressure: pd.Series
    profile: HourProfile
    hour_factors: pd.DataFrame
    dates: pd.DataFrame
    scores: pd.DataFrame
    settings: RiskSettings

    @property
    def slots(self) -> pd.DatetimeIndex:
        """Start instants of the slots."""
        return pd.DatetimeIndex(self.scores.columns)

    @property
    def contributions(self) -> pd.DataFrame:
        """Every facility-incident pair that adds pressure (``incident_contributions``)."""
        return self.pairs.frame()

    @property
    def peak(self) -> pd.Series:
        """Highest score of each facility over the shift."""
        return self.scores.max(axis=1).rename("peak")

    @property
    def levels(self) -> pd.Series:
        """Risk level (``RiskLevel`` value) of each facility's peak."""
        cuts = np.searchsorted(self.settings.level_thresholds, self.peak.to_numpy(), side="right")
        return pd.Series([_LEVELS[c].value for c in cuts], index=self.scores.index, name="level")

    def explain(self, facility_id: str, *, slot: Any = None, top: int = 10) -> Explanation:
        """Parts of ``facility_id``'s score in ``slot`` (default: its peak slot).

        The ``top`` incidents that add most are listed one by one, the rest as one part.
        """
        return explain(self, facility_id, slot=slot, top=top)


def assess_risk(
    facilities: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None = None,
    *,
    shift: Shift,
    residential: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    crs: Any = None,
    events: Iterable[date | str] = (),
    learn_profile: bool = True,
    isolation_table: pd.DataFrame | None = None,
    settings: Settings | None = None,
) -> RiskAssessment:
    """Score every facility in every slot of ``shift``.

    Parameters
    ----------
    facilities : geopandas.GeoDataFrame
        Facilities frame (EPSG:4326, index ``facility_id``).
    incidents : geopandas.GeoDataFrame, optional
        Incidents frame; those before the shift start add pressure, and they teach the hour
        profile when ``learn_profile`` and there are enough of them.
    shift : Shift
        The shift; slots of ``settings.risk.slot_min`` minutes cover it.
    residential, buildings : geopandas.GeoDataFrame, optional
        Land use and buildings of the area (``Area.residential``, ``Area.buildings``) for the
        isolation factor.
    crs : optional
        Projected CRS (``Area.crs``).
    events : iterable of date or str
        Days the commander marks as events (full dates, year included).
    learn_profile : bool
        Learn the hour profile from ``incidents`` where there are enough (else defaults).
    isolation_table : pandas.DataFrame, optional
        ``isolation(...)`` computed beforehand: it depends on the area only, not on the shift,
        so a caller planning many shifts of one area computes it once.
    settings : Settings, optional
        All weights in ``settings.risk``.

    Returns
    -------
    RiskAssessment
        ``.scores`` is the facility x slot table (``risk_table``).

    """
    settings = settings or Settings()
    risk = settings.risk
    crs = measuring_crs(facilities, crs=crs, settings=settings) if len(facilities) else crs
    iso = (
        isolation(facilities, residential, buildings, crs=crs, settings=settings)
        if isolation_table is None
        else isolation_table.reindex(facilities.index)
    )
    static = static_exposure(facilities, isolation_table=iso, settings=settings)
    at = pd.Timestamp(shift.start_dt)
    pairs = IncidentPairs.find(facilities, incidents, at=at, crs=crs, settings=settings)
    pressure = pairs.totals
    if learn_profile and incidents is not None and len(incidents):
        profile = learn_hour_profile(incidents, facilities, settings=risk)
    else:
        profile = default_hour_profile(settings=risk)
    slots = shift_slots(shift, slot_min=risk.slot_min)
    hours = slot_hour_factors(static["kind"], slots, profile=profile)
    nights = [night_date(s, settings=risk) for s in slots]
    by_date = date_factors(sorted(set(nights)), events=events, settings=risk)
    dates = by_date.loc[nights].set_axis(slots)
    values = (
        (static["static"] * (1.0 + pressure)).to_numpy()[:, None]
        * hours.to_numpy()
        * dates["date_factor"].to_numpy()[None, :]
    )
    scores = pd.DataFrame(values, index=facilities.index, columns=slots)
    return RiskAssessment(
        shift, facilities, static, iso, pairs, pressure, profile, hours, dates, scores, risk
    )


def risk_table(
    facilities: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame | None = None,
    *,
    shift: Shift,
    residential: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    crs: Any = None,
    events: Iterable[date | str] = (),
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Facility x slot risk scores across ``shift`` (see ``assess_risk`` for the arguments).

    The index is the facilities' index; the columns are the slots' start instants.
    """
    return assess_risk(
        facilities,
        incidents,
        shift=shift,
        residential=residential,
        buildings=buildings,
        crs=crs,
        events=events,
        settings=settings,
    ).scores
