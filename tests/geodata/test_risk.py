"""Risk model on the real default area (Hà Nội, Văn Miếu - Cát Linh) with hand-built sites."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from geodata.area import Area, load_area
from geodata.risk import (
    RiskLevel,
    assess_risk,
    explain,
    incident_contributions,
    incident_pressure,
    isolation,
    measuring_crs,
    risk_level,
    risk_table,
    static_exposure,
)
from geodata.shift import Shift
from patrolbase.errors import CRSError, InputFileError, SettingsError
from patrolbase.schema import FACILITY_COLUMNS, INCIDENT_COLUMNS
from patrolbase.settings import Settings

# Found on the default extract: a spot ~180 m from any housing with no building within 150 m
# (south of Văn Miếu), and a spot inside the dense block of tube houses east of it.
pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

ISOLATED = (21.0237, 105.8360)
DENSE = (21.0270, 105.83686)
NIGHT = Shift.parse("2026-11-23", "22:00-05:00", "01:00-03:00")


def facilities(rows: Iterable[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Build a facilities frame with every schema column; unspecified fields are unknown/empty."""
    frame = pd.DataFrame(list(rows)).set_index("facility_id")
    defaults = {"name": "", "source": "survey", "osm_id": "", "address": "", "opening_hours": ""}
    defaults |= {"operator": "", "cash_level": "", "contact": "", "notes": ""}
    for column, value in defaults.items():
        if column not in frame:
            frame[column] = value
        frame[column] = frame[column].fillna(value)
    for column in ("guard", "camera", "alarm"):
        values = frame[column] if column in frame else [pd.NA] * len(frame)
        frame[column] = pd.array(values, dtype="boolean")
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    columns = [c for c in FACILITY_COLUMNS if c != "geometry"]
    return gpd.GeoDataFrame(frame[columns], geometry=geometry, crs="EPSG:4326")


def incidents(rows: Iterable[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Build an incidents frame from (incident_id, time, type, lat, lon) rows."""
    frame = pd.DataFrame(list(rows)).set_index("incident_id")
    frame["time"] = pd.to_datetime(frame["time"])
    for column, value in {"facility_id": "", "description": "", "demo": False}.items():
        if column not in frame:
            frame[column] = value
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    columns = [c for c in INCIDENT_COLUMNS if c != "geometry"]
    return gpd.GeoDataFrame(frame[columns], geometry=geometry, crs="EPSG:4326")


def offset(
    lat: float, lon: float, *, north_m: float = 0.0, east_m: float = 0.0
) -> dict[str, float]:
    """Return the point ``north_m``/``east_m`` metres from (lat, lon)."""
    return {
        "lat": lat + north_m / 111_320.0,
        "lon": lon + east_m / (111_320.0 * math.cos(math.radians(lat))),
    }


@pytest.fixture(scope="module")
def area() -> Area:
    """Load the embedded default area."""
    return load_area()


@pytest.fixture(scope="module")
def landuse(area: Area) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Residential land use and buildings of the default area."""
    assert len(area.residential) > 10 and len(area.buildings) > 300
    return area.residential, area.buildings


@pytest.fixture(scope="module")
def osm_sites(area: Area) -> gpd.GeoDataFrame:
    """Banks, ATMs, gold shops, offices, schools and police posts mapped in the default area."""
    return area.facilities


def test_isolated_unguarded_bank_ranks_above_the_same_bank_in_a_dense_block(
    landuse: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
) -> None:
    residential, buildings = landuse
    sites = facilities(
        [
            {"facility_id": "isolated", "kind": "bank", "lat": ISOLATED[0], "lon": ISOLATED[1],
             "guard": False, "cash_level": "high"},
            {"facility_id": "dense", "kind": "bank", "lat": DENSE[0], "lon": DENSE[1],
             "guard": False, "cash_level": "high"},
        ]
    )  # fmt: skip
    iso = isolation(sites, residential, buildings)
    assert iso.loc["isolated", "housing_m"] > 150
    assert iso.loc["isolated", "buildings_near"] < 5
    assert iso.loc["dense", "housing_m"] < 10
    assert iso.loc["dense", "buildings_near"] >= 20
    assert iso.loc["isolated", "isolation"] > 0.7 > 0.1 > iso.loc["dense", "isolation"]

    table = risk_table(sites, shift=NIGHT, residential=residential, buildings=buildings)
    assert (table.loc["isolated"] > table.loc["dense"]).all()
    # The difference is exactly the isolation factor: everything else is identical.
    ratio = table.loc["isolated"] / table.loc["dense"]
    expected = iso.loc["isolated", "isolation_factor"] / iso.loc["dense", "isolation_factor"]
    np.testing.assert_allclose(ratio, expected)


def test_guard_camera_alarm_and_cash_move_the_score_the_documented_way() -> None:
    base = {"kind": "gold_shop", "lat": DENSE[0], "lon": DENSE[1]}
    sites = facilities(
        [
            {"facility_id": "open", **base, "guard": False, "camera": False, "alarm": False,
             "cash_level": "high"},
            {"facility_id": "guarded", **base, "guard": True, "camera": True, "alarm": True,
             "cash_level": "high"},
            {"facility_id": "empty_till", **base, "guard": False, "camera": False,
             "alarm": False, "cash_level": "none"},
            {"facility_id": "unknown", **base},
        ]
    )  # fmt: skip
    static = static_exposure(sites)["static"]
    assert static["open"] > static["unknown"] > static["guarded"]
    assert static["open"] > static["empty_till"]
    risk = Settings().risk
    assert static["unknown"] == pytest.approx(risk.kind_base["gold_shop"])
    g, c, a = (risk.protection_factors[w] for w in ("guard", "camera", "alarm"))
    assert static["open"] / static["guarded"] == pytest.approx(
        (g["no"] * c["no"] * a["no"]) / (g["yes"] * c["yes"] * a["yes"])
    )


def test_opening_hours_staffed_all_night_lowers_closed_office_raises_atm_unchanged() -> None:
    rows = [
        {"facility_id": "shop24", "kind": "gold_shop", "opening_hours": "24/7"},
        {"facility_id": "shop", "kind": "gold_shop", "opening_hours": ""},
        {"facility_id": "office", "kind": "government_office",
         "opening_hours": "Mo-Fr 07:30-11:30,13:30-17:00"},
        {"facility_id": "atm24", "kind": "atm", "opening_hours": "24/7"},
        {"facility_id": "survey", "kind": "gold_shop", "opening_hours": "7h30 - 21h"},
        {"facility_id": "late", "kind": "gold_shop", "opening_hours": "8h-23h"},
        {"facility_id": "vn24", "kind": "pawn_shop", "opening_hours": "Mở cửa 24/24"},
    ]  # fmt: skip
    sites = facilities([{**r, "lat": DENSE[0], "lon": DENSE[1]} for r in rows])
    static = static_exposure(sites)
    assert list(static["hours"]) == [
        "open_24h", "unknown", "closed_at_night", "unknown", "closed_at_night", "unknown",
        "open_24h",
    ]  # fmt: skip
    assert static.loc["shop24", "static"] < static.loc["shop", "static"]
    assert static.loc["office", "hours_factor"] > 1
    assert static.loc["atm24", "hours_factor"] == 1


def test_office_risk_at_two_in_the_night_exceeds_its_risk_at_two_in_the_afternoon() -> None:
    office = facilities(
        [{"facility_id": "ubnd", "kind": "town_hall", "lat": DENSE[0], "lon": DENSE[1]}]
    )
    whole_day = Shift.parse("2026-11-23", "12:00-11:00", "01:00-03:00")
    table = risk_table(office, shift=whole_day)
    night = table.loc["ubnd", pd.Timestamp("2026-11-24 02:00")]
    afternoon = table.loc["ubnd", pd.Timestamp("2026-11-23 14:00")]
    assert night > 3 * afternoon
    # The peak of the whole day lies in the high-risk window.
    assert table.loc["ubnd"].idxmax().hour in (1, 2)


def test_tet_night_exceeds_an_ordinary_night() -> None:
    bank = facilities([{"facility_id": "b", "kind": "bank", "lat": DENSE[0], "lon": DENSE[1]}])
    tet = Shift.parse("2026-02-16", "22:00-05:00")  # Giao thừa, a Monday
    ordinary = Shift.parse("2026-03-10", "22:00-05:00")  # a Tuesday
    a = assess_risk(bank, shift=tet)
    b = assess_risk(bank, shift=ordinary)
    ratio = a.scores.to_numpy() / b.scores.to_numpy()
    np.testing.assert_allclose(ratio, Settings().risk.tet_factor)
    parts = a.explain("b").parts
    assert "tet" in set(parts["part"])
    assert parts.loc[parts["part"] == "tet", "label_vi"].item() == "Dịp Tết Nguyên đán"


def test_burglary_next_door_last_week_raises_risk_more_than_far_or_old_ones() -> None:
    bank = facilities([{"facility_id": "b", "kind": "bank", "lat": DENSE[0], "lon": DENSE[1]}])
    at = NIGHT.start_dt
    week = at - pd.Timedelta(days=7)
    half_year = at - pd.Timedelta(days=182)
    cases = {
        "next_door_last_week": {"time": week, **offset(*DENSE, east_m=25)},
        "2km_last_week": {"time": week, **offset(*DENSE, north_m=2000)},
        "next_door_6_months": {"time": half_year, **offset(*DENSE, east_m=25)},
        "next_door_tomorrow": {"time": at + pd.Timedelta(days=1), **offset(*DENSE, east_m=25)},
    }
    pressure = {}
    peak = {}
    for label, row in cases.items():
        one = incidents([{"incident_id": label, "type": "burglary", **row}])
        pressure[label] = incident_pressure(bank, one, at=at).loc["b"]
        peak[label] = risk_table(bank, one, shift=NIGHT).loc["b"].max()
    quiet = risk_table(bank, shift=NIGHT).loc["b"].max()
    assert pressure["2km_last_week"] == 0 and peak["2km_last_week"] == quiet
    assert pressure["next_door_tomorrow"] == 0  # the future does not count
    assert pressure["next_door_last_week"] > 20 * pressure["next_door_6_months"] > 0
    assert peak["next_door_last_week"] > peak["next_door_6_months"] > quiet
    # Within the near-repeat period and distance the burglary counts double.
    pairs = incident_contributions(
        bank,
        incidents([{"incident_id": "x", "type": "burglary", **cases["next_door_last_week"]}]),
        at=at,
    )
    assert bool(pairs["near_repeat"].item())
    assert pairs["distance_m"].item() == pytest.approx(25, abs=1)


def test_incident_pairs_match_a_brute_force_count() -> None:
    rng = np.random.default_rng(3)
    lat0, lon0 = DENSE
    sites = facilities(
        {"facility_id": f"f{i}", "kind": "bank",
         **offset(lat0, lon0, north_m=rng.uniform(-800, 800), east_m=rng.uniform(-800, 800))}
        for i in range(40)
    )  # fmt: skip
    types = ["burglary", "robbery", "theft", "snatch_theft", "fraud"]
    crime = incidents(
        {"incident_id": f"i{k}", "type": types[k % 5],
         "time": NIGHT.start_dt - pd.Timedelta(days=float(rng.uniform(0, 400))),
         **offset(lat0, lon0, north_m=rng.uniform(-900, 900), east_m=rng.uniform(-900, 900))}
        for k in range(400)
    )  # fmt: skip
    settings = Settings.from_dict({"risk": {"pressure_cap": 5.0}})
    risk = settings.risk
    got = incident_pressure(sites, crime, at=NIGHT.start_dt, settings=settings)
    crs = measuring_crs(sites)
    assert crs.to_epsg() == 32648
    fs, cs = sites.to_crs(crs), crime.to_crs(crs)
    expected = {}
    for fid, point in fs.geometry.items():
        total = 0.0
        for iid, other in cs.geometry.items():
            d = point.distance(other)
            age = (NIGHT.start_dt - cs.at[iid, "time"]).total_seconds() / 86400
            if d > risk.incident_radius_m or age > risk.incident_max_age_days:
                continue
            value = risk.incident_weights[cs.at[iid, "type"]]
            value *= 0.5 ** (d / risk.incident_distance_half_m)
            value *= 0.5 ** (age / risk.incident_half_life_days)
            if cs.at[iid, "type"] == "burglary" and d <= 400 and age <= 28:
                value *= 2
            total += value
        expected[fid] = risk.pressure_cap * (1 - math.exp(-total / risk.pressure_cap))
    np.testing.assert_allclose(got.to_numpy(), pd.Series(expected).to_numpy(), rtol=1e-9)
    assert (got > 0).sum() > 30


def test_pressure_saturates_at_the_cap_and_is_shared_among_incidents() -> None:
    bank = facilities([{"facility_id": "b", "kind": "bank", "lat": DENSE[0], "lon": DENSE[1]}])
    many = incidents(
        {"incident_id": f"r{k}", "type": "robbery", "time": NIGHT.start_dt - pd.Timedelta(days=1),
         **offset(*DENSE, east_m=float(k))}
        for k in range(30)
    )  # fmt: skip
    cap = Settings().risk.pressure_cap
    pairs = incident_contributions(bank, many, at=NIGHT.start_dt)
    assert cap * 0.99 < pairs["pressure"].sum() < cap
    fewer = incident_contributions(bank, many.iloc[:10], at=NIGHT.start_dt)
    assert fewer["pressure"].sum() < pairs["pressure"].sum()  # still rising, never above cap
    by_distance = pairs.sort_values("distance_m")["pressure"]
    assert by_distance.is_monotonic_decreasing  # nearer counts more, also after the cap


def test_every_explanation_sums_to_its_score(
    osm_sites: gpd.GeoDataFrame, landuse: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]
) -> None:
    residential, buildings = landuse
    assert len(osm_sites) > 40
    rng = np.random.default_rng(11)
    w, s, e, n = osm_sites.total_bounds
    types = ["burglary", "robbery", "theft", "snatch_theft", "injury", "fraud", "other"]
    crime = incidents(
        {"incident_id": f"i{k}", "type": types[k % 7],
         "time": NIGHT.start_dt - pd.Timedelta(hours=float(rng.uniform(1, 24 * 200))),
         "lat": rng.uniform(s, n), "lon": rng.uniform(w, e)}
        for k in range(600)
    )  # fmt: skip
    shift = Shift.parse("2026-11-28", "22:00-05:00")  # a Saturday night
    settings = Settings.from_dict({"risk": {"slot_min": 30}})
    assessment = assess_risk(
        osm_sites,
        crime,
        shift=shift,
        residential=residential,
        buildings=buildings,
        events=["28/11/2026"],
        settings=settings,
    )
    assert len(assessment.slots) == 14
    incident_parts = 0
    for fid in assessment.scores.index:
        for slot in assessment.slots[::3]:
            why = explain(assessment, fid, slot=slot)
            assert math.fsum(why.parts["points"]) == pytest.approx(why.score, rel=1e-12, abs=1e-12)
            assert why.score == assessment.scores.at[fid, slot]
            assert why.parts["label_vi"].str.len().gt(0).all()
            assert why.parts["label_en"].str.len().gt(0).all()
            assert {"base", "hour", "weekend", "event"} <= set(why.parts["part"])
            incident_parts += int(why.parts["part"].str.startswith("incident").sum())
    assert incident_parts > 0
    # The default slot is the peak; the text names the level in Vietnamese.
    fid = assessment.peak.idxmax()
    why = assessment.explain(fid)
    assert why.score == assessment.peak.max()
    assert why.level.label_vi in why.text()
    assert why.level.label_en in why.text(lang="en")


def test_explanation_lists_the_incidents_that_contributed() -> None:
    bank = facilities([{"facility_id": "b", "kind": "bank", "lat": DENSE[0], "lon": DENSE[1]}])
    crime = incidents(
        {"incident_id": f"k{k}", "type": "burglary",
         "time": NIGHT.start_dt - pd.Timedelta(days=3 + k), **offset(*DENSE, east_m=20.0 * k)}
        for k in range(15)
    )  # fmt: skip
    assessment = assess_risk(bank, crime, shift=NIGHT)
    parts = assessment.explain("b", top=5).parts
    listed = parts[parts["part"] == "incident"]
    assert list(listed["incident_id"]) == ["k0", "k1", "k2", "k3", "k4"]
    other = parts[parts["part"] == "incidents_other"]
    assert other["label_en"].item().startswith("10 other")
    static = assessment.static.loc["b", "static"]
    total = listed["points"].sum() + other["points"].item()
    assert total == pytest.approx(static * assessment.pressure.loc["b"])


def test_levels_follow_the_thresholds() -> None:
    assert risk_level(10.0) is RiskLevel.LOW
    assert risk_level(45.0) is RiskLevel.MEDIUM
    assert risk_level(100.0) is RiskLevel.HIGH
    assert risk_level(500.0).label_vi == "rất cao"
    assert [lv.label_vi for lv in RiskLevel] == ["thấp", "trung bình", "cao", "rất cao"]


def test_frames_without_crs_or_a_geographic_target_crs_are_refused() -> None:
    sites = facilities([{"facility_id": "b", "kind": "bank", "lat": DENSE[0], "lon": DENSE[1]}])
    with pytest.raises(CRSError, match="EPSG:4326"):
        measuring_crs(sites.set_crs(None, allow_override=True))
    with pytest.raises(CRSError, match="EPSG:32648"):
        measuring_crs(sites, crs="EPSG:4326")
    nha_trang = gpd.GeoDataFrame(geometry=[Point(109.19, 12.24)], crs="EPSG:4326")
    assert measuring_crs(nha_trang).to_epsg() == 32649


def test_unknown_kinds_in_the_frame_are_all_named() -> None:
    sites = facilities(
        [
            {"facility_id": "x1", "kind": "casino", "lat": DENSE[0], "lon": DENSE[1]},
            {"facility_id": "x2", "kind": "bank", "lat": DENSE[0], "lon": DENSE[1]},
            {"facility_id": "x3", "kind": "bunker", "lat": DENSE[0], "lon": DENSE[1]},
        ]
    )
    with pytest.raises(InputFileError) as info:
        static_exposure(sites)
    assert len(info.value.problems) == 2
    assert "'x1'" in str(info.value) and "'x3'" in str(info.value) and "casino" in str(info.value)
    assert info.value.message_vi and "loại hình" in info.value.message_vi


@pytest.mark.parametrize(
    ("risk", "fragment"),
    [
        ({"kind_base": {"bank": 150}}, "risk.kind_base.bank = 150.0: must be in [0, 100]"),
        ({"kind_base": {"casino": 50}}, "risk.kind_base.casino: unknown kind"),
        ({"cash_factors": {"high": 0}}, "risk.cash_factors.high"),
        ({"protection_factors": {"dog": {"yes": 0.5}}}, "risk.protection_factors.dog"),
        ({"incident_weights": {"arson": 1}}, "risk.incident_weights.arson: unknown incident"),
        ({"near_repeat_types": ["arson"]}, "risk.near_repeat_types"),
        ({"kind_profile": {"bank": "casino"}}, "risk.kind_profile.bank"),
        ({"hour_profiles": {"office": [1.0] * 23}}, "give 24 values"),
        ({"level_thresholds": [90, 60, 30]}, "three rising scores"),
        ({"incident_half_life_days": 0}, "incident_half_life_days"),
        ({"isolation_min_factor": 1.2}, "isolation_min_factor"),
        ({"slot_min": 20}, "slot_min"),
    ],
)
def test_bad_risk_settings_name_the_setting_and_range(risk: dict[str, Any], fragment: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_dict({"risk": risk})
    assert fragment in str(info.value)


def test_a_settings_file_may_override_one_kind(tmp_path: Path) -> None:
    path = tmp_path / "risk.toml"
    path.write_text("[risk.kind_base]\natm = 55\n", encoding="utf-8")
    risk = Settings.from_file(path).risk
    assert risk.kind_base["atm"] == 55 and risk.kind_base["bank"] == 55
    assert risk.kind_base["treasury"] == Settings().risk.kind_base["treasury"]


def test_isolation_uses_what_land_use_data_there_is(
    landuse: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
) -> None:
    residential, buildings = landuse
    sites = facilities(
        [
            {"facility_id": "isolated", "kind": "bank", "lat": ISOLATED[0], "lon": ISOLATED[1]},
            {"facility_id": "dense", "kind": "bank", "lat": DENSE[0], "lon": DENSE[1]},
        ]
    )
    both = isolation(sites, residential, buildings)
    land_only = isolation(sites, residential, None)
    assert (land_only["buildings_near"] == 0).all()
    # Without buildings the distance to residential land use alone decides.
    np.testing.assert_allclose(
        land_only["isolation"], np.clip(land_only["housing_m"] / 300.0, 0, 1)
    )
    assert land_only.loc["isolated", "housing_m"] >= both.loc["isolated", "housing_m"]
    nothing = isolation(sites, None, None)
    assert (nothing["isolation_factor"] == 1).all() and nothing["isolation"].isna().all()
    assert static_exposure(sites, isolation_table=nothing)["isolation_factor"].eq(1).all()
