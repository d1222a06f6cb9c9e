"""When risk is high: hour-of-day multipliers per kind and date multipliers per night.

A site's score at a moment is its static exposure and incident pressure times two factors from
this module: the **hour factor** of its kind (offices and the treasury peak 01:00-03:00, banks and
gold shops also around opening, closing and cash transport) and the **date factor** of the night
(the Tết period and other public holidays from the ``holidays`` package, weekends and days the
commander marks as events). Both are 1 for "an ordinary hour of an ordinary night".

A night belongs to its evening: instants before ``risk.night_date_cutoff_h`` (06:00) count to the
previous date, so the whole 22:00-05:00 shift that starts on the eve of a holiday is one night.

The hour profile can be learnt from the area's own incidents once a profile has at least
``risk.learn_min_incidents`` (100) incidents at its sites; the learnt shape is blended with the
default one, weighted as ``risk.learn_prior_weight`` incidents, and keeps the default's mean so
only the shape changes, never the level of a kind; learnt factors stay within
``risk.learn_factor_range`` (0.25-3.0).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from geodata.shift import Shift, parse_date
from patrolbase.schema import FacilityKind
from patrolbase.settings import RiskSettings

__all__ = [
    "HourProfile",
    "date_factors",
    "default_hour_profile",
    "learn_hour_profile",
    "night_date",
    "shift_slots",
    "slot_hour_factors",
    "tet_period",
]

HOURS = list(range(24))


@dataclass(frozen=True)
class HourProfile:
    """Hour factors per facility kind.

    Attributes
    ----------
    table : pandas.DataFrame
        Index: kind values (every ``FacilityKind``); columns: hours 0-23; values: factors.
    source : pandas.Series
        Per kind: ``"default"`` or ``"learnt"``.
    incidents : pandas.Series
        Per kind: incidents of its profile the shape was learnt from (0 for defaults).

    """

    table: pd.DataFrame
    source: pd.Series
    incidents: pd.Series

    def factor(self, kind: str, hour: int) -> float:
        """Hour factor of ``kind`` at ``hour`` (0-23)."""
        return float(self.table.at[kind, hour])


def default_hour_profile(*, settings: RiskSettings | None = None) -> HourProfile:
    """Spread the hour factors of ``settings.hour_profiles`` over the kinds.

    >>> default_hour_profile().factor("government_office", 2) > 1.5
    True
    """
    settings = settings or RiskSettings()
    kinds = [k.value for k in FacilityKind]
    rows = [settings.hour_profiles[settings.kind_profile[k]] for k in kinds]
    table = pd.DataFrame(rows, index=pd.Index(kinds, name="kind"), columns=HOURS, dtype=float)
    return HourProfile(
        table,
        pd.Series("default", index=table.index, name="source"),
        pd.Series(0, index=table.index, name="incidents"),
    )


def learn_hour_profile(
    incidents: pd.DataFrame,
    facilities: pd.DataFrame,
    *,
    settings: RiskSettings | None = None,
) -> HourProfile:
    """Learn each profile's hour shape from incidents at its sites, where there are enough.

    Incidents count for a profile when their ``facility_id`` names a facility whose kind follows
    that profile and their ``type`` is one of ``settings.learn_types``. A profile with fewer than
    ``settings.learn_min_incidents`` such incidents keeps its default shape.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents frame (``time``, ``type``, ``facility_id``).
    facilities : pandas.DataFrame
        Facilities frame, index ``facility_id``, column ``kind``.
    settings : RiskSettings, optional
        Weights; defaults when ``None``.

    Returns
    -------
    HourProfile
        Learnt where possible, default elsewhere.

    """
    settings = settings or RiskSettings()
    profile = default_hour_profile(settings=settings)
    if incidents is None or len(incidents) == 0 or len(facilities) == 0:
        return profile
    use = incidents[
        incidents["type"].astype(str).isin(settings.learn_types) & incidents["time"].notna()
    ]
    kind_of = facilities["kind"].astype(str)
    kinds = use["facility_id"].astype(str).map(kind_of)
    family = kinds.map(settings.kind_profile)
    hours = pd.to_datetime(use["time"]).dt.hour
    table = profile.table.copy()
    source = profile.source.copy()
    counts = profile.incidents.copy()
    for name, default in settings.hour_profiles.items():
        mask = (family == name).to_numpy()
        n = int(mask.sum())
        if n < settings.learn_min_incidents:
            continue
        observed = np.bincount(hours[mask].to_numpy(), minlength=24).astype(float)
        prior = np.asarray(default, dtype=float)
        k = settings.learn_prior_weight
        # Shares blended as if the default were k incidents; scaled back to the default's mean.
        share = (observed + k * prior / prior.sum()) / (n + k)
        low, high = settings.learn_factor_range
        learnt = np.clip(share * prior.sum(), low, high)
        members = [kind for kind, fam in settings.kind_profile.items() if fam == name]
        table.loc[members, :] = learnt
        source[members] = "learnt"
        counts[members] = n
    return HourProfile(table, source, counts)


def night_date(when: datetime | pd.Timestamp, *, settings: RiskSettings | None = None) -> date:
    """Return the night ``when`` belongs to (before 06:00: the previous evening's date)."""
    settings = settings or RiskSettings()
    shifted: date = (pd.Timestamp(when) - timedelta(hours=settings.night_date_cutoff_h)).date()
    return shifted


@lru_cache(maxsize=64)
def _vn_holidays(year: int, language: str) -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=year, language=language).items())


def _lunar_new_year(year: int) -> date:
    found = [d for d, n in _vn_holidays(year, "en_US").items() if n == "Lunar New Year"]
    return found[0]


def tet_period(year: int, *, settings: RiskSettings | None = None) -> tuple[date, date]:
    """First and last day of the Tết period of ``year`` (around the first day of Tết).

    >>> tet_period(2026)
    (datetime.date(2026, 2, 10), datetime.date(2026, 2, 24))
    """
    settings = settings or RiskSettings()
    first = _lunar_new_year(year)
    return (
        first - timedelta(days=settings.tet_days_before),
        first + timedelta(days=settings.tet_days_after),
    )


def _as_date(value: date | str, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(value, field=field)


def date_factors(
    dates: Iterable[date | str],
    *,
    events: Iterable[date | str] = (),
    settings: RiskSettings | None = None,
) -> pd.DataFrame:
    """Date factors of each night: Tết or public holiday, weekend, commander's event.

    Parameters
    ----------
    dates : iterable of date or str
        Night dates (see ``night_date``); text as ``YYYY-MM-DD`` or ``dd/mm/yyyy``.
    events : iterable of date or str
        Days the commander marks (festivals, visits, large gatherings). A date without a year
        is refused with ``SettingsError``.
    settings : RiskSettings, optional
        Factors; defaults when ``None``.

    Returns
    -------
    pandas.DataFrame
        Index: the dates; columns ``calendar`` (``"tet"``, ``"holiday"`` or ``""``),
        ``holiday_vi`` / ``holiday_en`` (names), ``calendar_factor``, ``weekend_factor``,
        ``event_factor`` and their product ``date_factor``.

    Examples
    --------
    >>> from datetime import date
    >>> float(date_factors([date(2026, 2, 17)]).loc[date(2026, 2, 17), "date_factor"]) > 1.4
    True

    """
    settings = settings or RiskSettings()
    days = [_as_date(d, "date") for d in dates]
    marked = {_as_date(d, "events") for d in events}
    rows = []
    for day in days:
        tet_a, tet_b = tet_period(day.year, settings=settings)
        name_vi = _vn_holidays(day.year, "vi").get(day, "")
        name_en = _vn_holidays(day.year, "en_US").get(day, "")
        in_tet = tet_a <= day <= tet_b
        calendar, factor = "", 1.0
        if in_tet or name_en:
            # Tết and a holiday are the same cause (offices closed, people away): take the larger.
            tet_f = settings.tet_factor if in_tet else 1.0
            hol_f = settings.holiday_factor if name_en else 1.0
            calendar, factor = ("tet", tet_f) if tet_f >= hol_f else ("holiday", hol_f)
        rows.append(
            {
                "calendar": calendar,
                "holiday_vi": name_vi,
                "holiday_en": name_en,
                "calendar_factor": factor,
                "weekend_factor": settings.weekend_factor if day.weekday() >= 5 else 1.0,
                "event_factor": settings.event_factor if day in marked else 1.0,
            }
        )
    frame = pd.DataFrame(
        rows,
        index=pd.Index(days, name="date"),
        columns=[
            "calendar",
            "holiday_vi",
            "holiday_en",
            "calendar_factor",
            "weekend_factor",
            "event_factor",
        ],
    )
    frame["date_factor"] = (
        frame["calendar_factor"] * frame["weekend_factor"] * frame["event_factor"]
    )
    return frame


def shift_slots(shift: Shift, *, slot_min: int = 60) -> pd.DatetimeIndex:
    """Start instants of the shift's slots (the last one may be shorter).

    >>> len(shift_slots(Shift.parse("2026-11-23", "22:00-05:00")))
    7
    """
    count = -(-shift.duration_s // (slot_min * 60))
    return pd.date_range(shift.start_dt, periods=count, freq=f"{slot_min}min", name="slot")


def slot_hour_factors(
    kinds: pd.Series, slots: pd.DatetimeIndex, *, profile: HourProfile
) -> pd.DataFrame:
    """Hour factor of every facility (``kinds``, on the facilities' index) in every slot."""
    rows = profile.table.reindex(kinds.astype(str).to_numpy()).to_numpy()
    values = rows[:, slots.hour.to_numpy()]
    return pd.DataFrame(values, index=kinds.index, columns=slots)
