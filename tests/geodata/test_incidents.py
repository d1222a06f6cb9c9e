"""Demonstration incidents: reproducible, marked, and with the patterns ward police report."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geodata.incidents import (
    DEMO_LABEL_VI,
    day_weights,
    generate_demo_incidents,
    parse_incident_type,
)
from geodata.io import read_facility_survey, read_incidents, write_incidents
from patrolbase.errors import SettingsError
from patrolbase.schema import INCIDENT_COLUMNS, IncidentType

TABLES = Path(__file__).parents[1] / "data" / "tables"
VAN_MIEU = (105.82683, 21.02329, 105.83901, 21.03035)
OFFICES = {"government_office", "treasury", "town_hall", "post_office", "transaction_office"}


@pytest.fixture(scope="module")
def facilities(default_osm: Path) -> gpd.GeoDataFrame:
    from geodata.osm import facilities_from_osm, read_osm

    return facilities_from_osm(read_osm(default_osm))


@pytest.fixture(scope="module")
def two_years(facilities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return generate_demo_incidents(
        facilities, VAN_MIEU, start="2024-01-01", end="2025-12-31", seed=11, per_month=60
    )


@pytest.mark.slow
def test_frame_shape_and_marking(two_years: gpd.GeoDataFrame) -> None:
    assert list(two_years.columns) == list(INCIDENT_COLUMNS)
    assert two_years.index.name == "incident_id"
    assert two_years.index.is_unique
    assert two_years.crs == "EPSG:4326"
    assert two_years["time"].dtype == "datetime64[ns]"
    assert two_years["time"].is_monotonic_increasing
    assert two_years["demo"].all()
    assert two_years["description"].str.startswith(DEMO_LABEL_VI).all()
    assert set(two_years["type"]) <= {t.value for t in IncidentType}
    west, south, east, north = VAN_MIEU
    assert two_years["lon"].between(west, east).all()
    assert two_years["lat"].between(south, north).all()
    assert two_years["time"].min() >= pd.Timestamp("2024-01-01")
    assert two_years["time"].max() < pd.Timestamp("2026-01-01")
    # About 60 a month plus holidays and near-repeats.
    assert 1400 < len(two_years) < 3000


def test_same_seed_same_incidents(facilities: gpd.GeoDataFrame) -> None:
    kwargs = {"start": date(2025, 1, 1), "end": date(2025, 3, 31), "per_month": 40}
    a = generate_demo_incidents(facilities, VAN_MIEU, seed=5, **kwargs)  # type: ignore[arg-type]
    b = generate_demo_incidents(facilities, VAN_MIEU, seed=5, **kwargs)  # type: ignore[arg-type]
    c = generate_demo_incidents(facilities, VAN_MIEU, seed=6, **kwargs)  # type: ignore[arg-type]
    assert_geodataframe_equal(a, b)
    assert not (len(a) == len(c) and (a["time"].values == c["time"].values).all())


def test_office_and_treasury_burglaries_peak_at_one_to_three(
    two_years: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame
) -> None:
    kinds = two_years["facility_id"].map(facilities["kind"])
    burglaries = two_years[(two_years["type"] == "burglary") & kinds.isin(OFFICES)]
    assert len(burglaries) > 200
    hours = burglaries["time"].dt.hour
    profile = hours.value_counts(normalize=True).reindex(range(24), fill_value=0.0)
    assert profile.idxmax() in (1, 2)
    assert profile[[1, 2]].sum() > 0.5  # 01:00-03:00 holds most of them
    assert min(profile[1], profile[2]) > 2 * profile.drop([1, 2]).max()  # a clear peak
    assert profile[7:20].sum() == 0.0  # nobody breaks into an office by day


def test_snatch_thefts_by_day_near_banks_and_gold_shops(
    two_years: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame
) -> None:
    snatch = two_years[two_years["type"] == "snatch_theft"]
    assert len(snatch) > 300
    hours = snatch["time"].dt.hour
    assert hours.between(7, 19).mean() > 0.9
    assert not hours.isin([1, 2]).any()
    near = snatch["facility_id"].map(facilities["kind"])
    assert near.isin({"bank", "transaction_office", "atm", "gold_shop"}).all()
    # Within a street or two of the site (200 m at most, near-repeats included).
    site = facilities.loc[snatch["facility_id"]]
    metres = np.hypot(
        (snatch["lat"].to_numpy() - site["lat"].to_numpy()) * 111_320,
        (snatch["lon"].to_numpy() - site["lon"].to_numpy()) * 111_320 * np.cos(np.radians(21.03)),
    )
    assert metres.max() < 400
    assert np.median(metres) < 160


def test_more_incidents_in_tet_weeks_than_an_ordinary_week(two_years: gpd.GeoDataFrame) -> None:
    days = two_years["time"].dt.normalize()
    tet_2025 = pd.Timestamp("2025-01-28")  # Lunar New Year's Eve
    tet = days.between(tet_2025 - pd.Timedelta(days=14), tet_2025 + pd.Timedelta(days=6)).sum()
    per_week_tet = tet / 3
    ordinary = days.between(pd.Timestamp("2025-03-03"), pd.Timestamp("2025-03-30")).sum() / 4
    assert per_week_tet > 1.6 * ordinary


def test_day_weights_follow_the_vietnamese_calendar() -> None:
    weights = day_weights([date(2026, 2, 3), date(2026, 2, 17), date(2026, 4, 30),
                           date(2026, 3, 14), date(2026, 3, 11)])  # fmt: skip
    tet_before, tet_day, liberation, saturday, wednesday = weights
    assert tet_before == tet_day > liberation > saturday > wednesday == 1.0


def test_near_repeats_cluster_in_space_and_time(facilities: gpd.GeoDataFrame) -> None:
    def close_pairs(near_repeat: float) -> float:
        frame = generate_demo_incidents(
            None, VAN_MIEU, start="2025-01-01", end="2025-12-31", seed=3, per_month=30,
            near_repeat=near_repeat,
        )  # fmt: skip
        t = frame["time"].to_numpy().astype("datetime64[s]").astype(np.int64) / 86400
        y = frame["lat"].to_numpy() * 111_320
        x = frame["lon"].to_numpy() * 111_320 * np.cos(np.radians(21.03))
        same = frame["type"].to_numpy()
        pairs = 0
        for i in range(len(frame)):
            j = slice(i + 1, None)
            pairs += int(np.sum((np.abs(t[j] - t[i]) <= 14) & (np.hypot(x[j] - x[i], y[j] - y[i])
                                <= 200) & (same[j] == same[i])))  # fmt: skip
        return pairs / len(frame)

    assert close_pairs(0.3) > 2 * close_pairs(0.0)


def test_without_facilities_incidents_fall_uniformly_in_the_bbox() -> None:
    frame = generate_demo_incidents(None, VAN_MIEU, start="2025-06-01", end="2025-06-30", seed=1)
    assert len(frame) > 10
    assert (frame["facility_id"] == "").all()
    west, south, east, north = VAN_MIEU
    assert frame["lon"].between(west, east).all() and frame["lat"].between(south, north).all()
    assert frame["description"].str.startswith(DEMO_LABEL_VI).all()


def test_from_a_survey_frame_and_back_through_the_incident_format(tmp_path: Path) -> None:
    survey = read_facility_survey(TABLES / "survey-van-mieu.csv")
    frame = generate_demo_incidents(
        survey, VAN_MIEU, start="2025-01-01", end="2025-02-28", seed=2, per_month=30
    )
    assert set(frame["facility_id"]) - {""} <= set(survey.index)
    assert "survey-9" not in set(frame["facility_id"])  # the police post is a depot, not a target
    path = write_incidents(frame, tmp_path / "demo.xlsx")
    back = read_incidents(path, bbox=VAN_MIEU)
    assert_geodataframe_equal(back, frame)


def test_bad_period_or_bbox_is_refused() -> None:
    with pytest.raises(SettingsError, match="before start"):
        generate_demo_incidents(None, VAN_MIEU, start="2025-02-01", end="2025-01-01", seed=1)
    with pytest.raises(SettingsError, match="west < east"):
        generate_demo_incidents(None, (1.0, 2.0, 0.0, 3.0), start="2025-01-01",
                                end="2025-01-02", seed=1)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Cướp giật tài sản", IncidentType.SNATCH_THEFT),
        ("cuop giat", IncidentType.SNATCH_THEFT),
        ("Trộm cắp tài sản", IncidentType.THEFT),
        ("Đột nhập", IncidentType.BURGLARY),
        ("Trộm cắp tài sản (đột nhập)", IncidentType.BURGLARY),
        ("Cướp tài sản", IncidentType.ROBBERY),
        ("Cố ý gây thương tích", IncidentType.INJURY),
        ("Lừa đảo chiếm đoạt tài sản", IncidentType.FRAUD),
        ("Snatch theft", IncidentType.SNATCH_THEFT),
        ("burglary", IncidentType.BURGLARY),
    ],
)
def test_incident_types_in_vietnamese_and_english(text: str, kind: IncidentType) -> None:
    assert parse_incident_type(text) is kind


def test_demo_descriptions_name_the_site(two_years: gpd.GeoDataFrame) -> None:
    at_bidv = two_years[two_years["facility_id"] == "osm-node-6689539636"]
    assert len(at_bidv) > 0
    assert at_bidv["description"].str.contains("gần BIDV").all()
    assert (two_years["time"].dt.date >= date(2024, 1, 1)).all()
    assert (two_years["time"].dt.date <= date(2025, 12, 31) + timedelta(days=0)).all()
