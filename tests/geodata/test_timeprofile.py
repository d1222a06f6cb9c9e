"""Hour and date factors: the 01:00-03:00 window, Tết and holidays, learning from incidents."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from geodata.shift import Shift
from geodata.timeprofile import (
    date_factors,
    default_hour_profile,
    learn_hour_profile,
    night_date,
    shift_slots,
    slot_hour_factors,
    tet_period,
)
from patrolbase.errors import SettingsError
from patrolbase.settings import RiskSettings, Settings


def test_offices_and_treasury_peak_in_the_high_risk_window() -> None:
    table = default_hour_profile().table
    for kind in ("treasury", "government_office", "town_hall"):
        row = table.loc[kind]
        assert row.idxmax() in (1, 2)
        assert row[1] > 2 * row[14]
    # Banks: opening and closing (cash transport) stand out of the working day.
    bank = table.loc["bank"]
    assert bank[7] > bank[11] and bank[16] > bank[11]
    # Gold shops: late closing.
    assert table.loc["gold_shop", 21] > table.loc["gold_shop", 15]
    assert (table.loc["police"] == 1).all()


def test_tet_period_comes_from_the_holidays_package() -> None:
    assert tet_period(2026) == (date(2026, 2, 10), date(2026, 2, 24))
    assert tet_period(2027)[0] == date(2027, 1, 30)  # Tết 2027 falls on 6 February
    narrow = RiskSettings(tet_days_before=0, tet_days_after=3)
    assert tet_period(2026, settings=narrow) == (date(2026, 2, 17), date(2026, 2, 20))


def test_date_factors_tet_holiday_weekend_event() -> None:
    risk = RiskSettings()
    days = [date(2026, 2, 17), date(2026, 9, 2), date(2026, 11, 28), date(2026, 11, 25)]
    table = date_factors(days, events=["25/11/2026"])
    assert list(table["calendar"]) == ["tet", "holiday", "", ""]
    assert table.loc[date(2026, 2, 17), "calendar_factor"] == risk.tet_factor
    assert table.loc[date(2026, 9, 2), "holiday_vi"] == "Quốc khánh"
    assert table.loc[date(2026, 9, 2), "date_factor"] == risk.holiday_factor
    assert table.loc[date(2026, 11, 28), "date_factor"] == risk.weekend_factor  # a Saturday
    assert table.loc[date(2026, 11, 25), "date_factor"] == risk.event_factor
    # A holiday inside the Tết period takes the larger factor, not both.
    assert table.loc[date(2026, 2, 17), "date_factor"] == max(risk.tet_factor, risk.holiday_factor)


def test_an_event_date_without_a_year_is_refused() -> None:
    with pytest.raises(SettingsError, match="year included"):
        date_factors([date(2026, 11, 23)], events=["25/11"])


def test_a_night_belongs_to_its_evening() -> None:
    assert night_date(datetime(2026, 11, 24, 2, 0)) == date(2026, 11, 23)
    assert night_date(datetime(2026, 11, 23, 22, 0)) == date(2026, 11, 23)
    assert night_date(datetime(2026, 11, 24, 7, 0)) == date(2026, 11, 24)


def test_slots_cover_the_shift() -> None:
    shift = Shift.parse("2026-11-23", "22:00-05:00")
    hourly = shift_slots(shift)
    assert hourly[0] == pd.Timestamp("2026-11-23 22:00") and len(hourly) == 7
    quarter = shift_slots(shift, slot_min=15)
    assert len(quarter) == 28 and quarter[-1] == pd.Timestamp("2026-11-24 04:45")
    kinds = pd.Series(["government_office", "bank"], index=["a", "b"])
    factors = slot_hour_factors(kinds, quarter, profile=default_hour_profile())
    assert factors.shape == (2, 28)
    assert factors.loc["a", pd.Timestamp("2026-11-24 01:15")] == 2.0


def _office_incidents(count: int, hour: int, rng: np.random.Generator) -> pd.DataFrame:
    times = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 300, count), unit="D")
    times = (
        times + pd.to_timedelta(hour, unit="h") + pd.to_timedelta(rng.integers(0, 60, count), "m")
    )
    return pd.DataFrame(
        {
            "time": times,
            "type": "burglary",
            "facility_id": rng.choice(["o1", "o2"], count),
        },
        index=[f"i{k}" for k in range(count)],
    )


def test_the_hour_profile_is_learnt_only_from_enough_incidents() -> None:
    rng = np.random.default_rng(5)
    sites = pd.DataFrame(
        {"kind": ["government_office", "town_hall", "bank"]}, index=["o1", "o2", "b"]
    )
    default = default_hour_profile().table
    few = learn_hour_profile(_office_incidents(60, 14, rng), sites)
    assert (few.source == "default").all()
    pd.testing.assert_frame_equal(few.table, default)

    many = learn_hour_profile(_office_incidents(400, 14, rng), sites)
    assert many.source["government_office"] == "learnt"
    assert many.incidents["town_hall"] == 400
    assert many.source["bank"] == "default"  # no bank incidents: its default stays
    learnt = many.table.loc["treasury"]  # same profile as the offices
    assert learnt[14] > 5 * default.loc["treasury", 14]
    assert learnt[14] == Settings().risk.learn_factor_range[1]  # kept within the range
    # Only the shape is learnt: without the range, the mean (the kind's level) is the default's.
    wide = Settings.from_dict({"risk": {"learn_factor_range": [0.01, 5.0]}}).risk
    spread = _office_incidents(400, 0, rng)
    spread["time"] += pd.to_timedelta(rng.integers(0, 24, 400), unit="h")
    free = learn_hour_profile(spread, sites, settings=wide)
    assert free.table.loc["treasury"].mean() == pytest.approx(default.loc["treasury"].mean())
    assert learnt.min() >= Settings().risk.learn_factor_range[0]
    # Fraud does not teach the burglary profile.
    fraud = _office_incidents(400, 14, rng).assign(type="fraud")
    assert (learn_hour_profile(fraud, sites).source == "default").all()


def test_learning_threshold_is_a_setting() -> None:
    rng = np.random.default_rng(6)
    sites = pd.DataFrame({"kind": ["government_office"]}, index=["o1"])
    events = _office_incidents(60, 3, rng).assign(facility_id="o1")
    low = Settings.from_dict({"risk": {"learn_min_incidents": 50}}).risk
    assert learn_hour_profile(events, sites, settings=low).source["government_office"] == "learnt"
