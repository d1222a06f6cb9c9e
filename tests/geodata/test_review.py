"""The monthly review on generated incident histories over the default area's extent.

Backgrounds come from the project's demonstration generator (uniform when given no facilities);
clusters are planted at a real bank or gold shop of the Văn Miếu - Cát Linh extract.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from geodata.hotspots import project_lonlat
from geodata.incidents import generate_demo_incidents
from geodata.review import (
    EmergingCategory,
    emerging_categories,
    monthly_review,
    parse_month,
    report_date,
)
from patrolbase.errors import ReviewError
from routing.model import PatrolPlan

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

BBOX = (105.8268, 21.0233, 105.8390, 21.0304)
TODAY = date(2026, 11, 23)
MONTHS = [str(p) for p in pd.period_range("2025-11", "2026-10", freq="M")]


@pytest.fixture(scope="module")
def facilities():
    from geodata.area import load_area

    return load_area().facilities


@pytest.fixture(scope="module")
def site(facilities):
    """Pick a real bank or gold shop well inside the extent: where the cluster is planted."""
    kinds = facilities["kind"].isin(["bank", "gold_shop", "transaction_office"])
    inner = facilities["lon"].between(BBOX[0] + 0.002, BBOX[2] - 0.002) & facilities["lat"].between(
        BBOX[1] + 0.0015, BBOX[3] - 0.0015
    )
    return facilities[kinds & inner].iloc[0]


def _history(seed: int, *, start: str = "2025-11-01", per_month: float = 60.0) -> pd.DataFrame:
    return generate_demo_incidents(
        None, BBOX, start=start, end="2026-10-31", seed=seed, per_month=per_month,
        near_repeat=0.0,
    )  # fmt: skip


def _plant(frame, site, months: list[str], n: int, *, seed: int, sigma_deg: float = 0.0005):
    """Add ``n`` incidents per month around ``site`` in each of ``months`` (about 55 m spread)."""
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    rows = []
    for month in months:
        start = pd.Timestamp(month)
        seconds = rng.uniform(0, start.days_in_month * 86400, n)
        for k in range(n):
            rows.append(
                {
                    "time": start + pd.Timedelta(seconds=float(seconds[k])),
                    "type": "burglary",
                    "lat": float(site["lat"] + rng.normal(0, sigma_deg)),
                    "lon": float(site["lon"] + rng.normal(0, sigma_deg)),
                    "facility_id": "",
                    "description": "planted",
                    "demo": True,
                }
            )
    planted = pd.DataFrame(rows)
    planted.index = pd.Index([f"planted-{i}" for i in range(len(planted))], name="incident_id")
    planted = gpd.GeoDataFrame(
        planted, geometry=gpd.points_from_xy(planted["lon"], planted["lat"]), crs="EPSG:4326"
    )
    return pd.concat([frame, planted])


def _centre_cell(review, site) -> str:
    xy = project_lonlat(np.array([site["lon"]]), np.array([site["lat"]]), crs=review.crs)
    return str(review.grid.cells.index[review.grid.locate(xy)[0]])


def _distance_m(review, cells: pd.Index, site) -> np.ndarray:
    xy = project_lonlat(np.array([site["lon"]]), np.array([site["lat"]]), crs=review.crs)[0]
    centres = review.grid.cells.loc[cells, ["x", "y"]].to_numpy()
    return np.hypot(*(centres - xy).T)


def _plan(day: str, stops: list[tuple[str, float, float, int]], *, status: str = "approved"):
    """Build a one-team plan whose stops are (site, lat, lon, minutes on site)."""
    clock, route_stops = 3600, []
    for k, (site_id, lat, lon, minutes) in enumerate(stops):
        route_stops.append(
            {"site": site_id, "visit": 0, "node": k + 1, "arrive": clock, "start": clock,
             "depart": clock + minutes * 60, "lat": lat, "lon": lon, "name": site_id}
        )  # fmt: skip
        clock += minutes * 60 + 300
    return PatrolPlan.from_dict(
        {
            "format": "patrol-plan/1", "problem": f"night {day}", "value": 1, "travel_s": 0,
            "routes": [{"team": "T1", "depart": 0, "return": clock, "travel_s": 0,
                        "stops": route_stops}],
            "unserved": [],
            "shift": {"date": day, "start": "22:00", "end": "05:00", "high_risk": "01:00-03:00"},
            "status": status,
        }
    )  # fmt: skip


@pytest.fixture(scope="module")
def new_cluster(site, facilities):
    frame = _plant(_history(1), site, MONTHS[-2:], 45, seed=1)
    return frame, monthly_review(
        frame, month="2026-10", bbox=BBOX, facilities=facilities, today=TODAY
    )


def test_cluster_of_the_last_two_months_is_new(new_cluster, site) -> None:
    _, review = new_cluster
    centre = _centre_cell(review, site)
    cells = review.cells
    assert cells.at[centre, "category"] == "new"
    assert cells.at[centre, "gi_class"] == "hot"
    new = cells.index[cells["category"] == "new"]
    assert (_distance_m(review, new, site) < 300).all()
    assert review.history_months == 12


def test_cluster_packed_into_one_site_needs_normal_inference(site) -> None:
    # About 33 m of spread: two cells hold it all. Conditional permutation holds each cell's own
    # count fixed, so neither is significant after FDR; esda's analytical p-values flag them.
    from patrolbase.settings import Settings

    frame = _plant(_history(1), site, MONTHS[-2:], 45, seed=1, sigma_deg=0.0003)
    permutation = monthly_review(frame, month="2026-10", bbox=BBOX, today=TODAY)
    centre = _centre_cell(permutation, site)
    normal = monthly_review(
        frame, month="2026-10", bbox=BBOX, today=TODAY,
        settings=Settings().replace(hotspots={"inference": "normal"}),
    )  # fmt: skip
    assert normal.cells.at[centre, "gi_class"] == "hot"
    assert normal.gi.inference == "normal"
    # Either way the site is a new hotspot and, without presence, a coverage gap.
    for review in (permutation, normal):
        assert review.cells.at[centre, "category"] == "new"
        assert centre in review.gaps.index


def test_persistent_cluster_is_persistent(site) -> None:
    frame = _plant(_history(2), site, MONTHS, 40, seed=2)
    review = monthly_review(frame, month="2026-10", bbox=BBOX, today=TODAY)
    assert review.cells.at[_centre_cell(review, site), "category"] == "persistent"
    assert not review.cells["category"].eq("new").any()


def test_emerging_rules_on_known_series() -> None:
    months = 12
    rising = np.linspace(2, 8, months)
    falling = rising[::-1]
    flat = np.full(months, 4.0) + np.tile([0.1, -0.1], 6)
    hot = np.zeros((months, 6), dtype=bool)
    z = np.zeros((months, 6))
    hot[:, 0], z[:, 0] = True, rising  # intensifying
    hot[:, 1], z[:, 1] = True, falling  # diminishing
    hot[:, 2], z[:, 2] = True, flat  # persistent
    hot[[1, 5, 11], 3] = True  # sporadic: on and off, hot now
    hot[[2, 3], 4] = True  # historical: hot long ago only
    hot[[10, 11], 5] = True  # new: the last two months only
    z[hot[:, 3], 3] = z[hot[:, 4], 4] = 3
    z[10:, 5] = 3
    categories, tau, trend_p = emerging_categories(hot, z)
    assert [c.value for c in categories] == [
        "intensifying", "diminishing", "persistent", "sporadic", "historical", "new",
    ]  # fmt: skip
    assert tau[0] == pytest.approx(1.0) and tau[1] == pytest.approx(-1.0)
    # The trend is scipy's Kendall tau, vectorised: the same as one call per cell.
    from scipy.stats import kendalltau

    for c in range(3):
        direct = kendalltau(np.arange(months), z[:, c])
        assert tau[c] == pytest.approx(direct.statistic)
        assert trend_p[c] == pytest.approx(direct.pvalue)
    # Three months at the end is no longer new with new_months=2, hot in every month is not new.
    hot3 = np.zeros((months, 1), dtype=bool)
    hot3[9:, 0] = True
    assert emerging_categories(hot3, hot3 * 3.0)[0] == [EmergingCategory.SPORADIC]
    assert emerging_categories(hot3, hot3 * 3.0, new_months=3)[0] == [EmergingCategory.NEW]
    assert EmergingCategory.NEW.label_vi == "Điểm nóng mới"


def test_coverage_gap_where_the_hotspot_had_no_planned_presence(new_cluster, site) -> None:
    frame, _ = new_cluster
    far = (BBOX[3] - 0.0005, BBOX[0] + 0.0005)  # the north-west corner, no cluster there
    plans = [_plan(f"2026-10-{d:02d}", [("far-away", *far, 20)]) for d in range(1, 31)]
    review = monthly_review(frame, month="2026-10", bbox=BBOX, plans=plans, today=TODAY)
    centre = _centre_cell(review, site)
    coverage = review.coverage
    assert review.plans_used == 30
    assert coverage.at[centre, "gap"] and coverage.at[centre, "presence_min"] == 0
    # Gaps are listed first, the biggest first; the far corner's presence is counted (600 min).
    assert coverage["gap"].iloc[: len(review.gaps)].all()
    assert list(review.gaps["count"]) == sorted(review.gaps["count"], reverse=True)
    assert review.cells["presence_min"].sum() == pytest.approx(30 * 20)
    assert any(r.cell_id == review.gaps.index[0] for r in review.recommendations)


def test_presence_at_the_hotspot_closes_the_gap_and_drafts_do_not(new_cluster, site) -> None:
    frame, _ = new_cluster
    here = (float(site["lat"]), float(site["lon"]))
    approved = [_plan(f"2026-10-{d:02d}", [(site.name, *here, 15)]) for d in range(1, 11)]
    drafts = [_plan(f"2026-10-{d:02d}", [(site.name, *here, 60)], status="draft") for d in (20, 21)]
    other_month = [_plan("2026-09-15", [(site.name, *here, 600)])]
    review = monthly_review(
        frame, month="2026-10", bbox=BBOX, plans=approved + drafts + other_month, today=TODAY
    )
    centre = _centre_cell(review, site)
    assert review.cells.at[centre, "presence_min"] == pytest.approx(150)
    assert not review.coverage.at[centre, "gap"]
    assert review.plans_used == 10
    assert [n.code for n in review.notices_for("coverage")] == ["draft_plans"]


def test_facility_presence_and_recommendation_name_the_site(new_cluster, site, facilities) -> None:
    _, review = new_cluster
    table = review.facilities
    assert table.index[0] == site.name or table.at[site.name, "incidents"] >= 40
    assert (table["presence_min"] == 0).all()
    named = [r for r in review.recommendations if site.name in r.facility_ids]
    assert named and named[0].kind == "add_sites"
    assert "Bổ sung" in named[0].text_vi and "lộ trình tuần tra đêm" in named[0].text_vi


def test_changes_by_type_hours_and_target_match_direct_counts() -> None:
    frame = _history(5, start="2024-10-01", per_month=40)
    review = monthly_review(frame, month="2026-10", bbox=BBOX, today=TODAY)
    t = frame["time"]
    october = frame[(t >= "2026-10-01") & (t < "2026-11-01")]
    september = frame[(t >= "2026-09-01") & (t < "2026-10-01")]
    last_october = frame[(t >= "2025-10-01") & (t < "2025-11-01")]
    bt = review.by_type
    assert bt.at["total", "month"] == len(october)
    assert bt.at["total", "previous"] == len(september)
    assert bt.at["total", "last_year"] == len(last_october)
    for kind, n in october["type"].value_counts().items():
        assert bt.at[kind, "month"] == n
    assert bt.at["total", "change_prev"] == pytest.approx(len(october) / len(september) - 1)
    assert review.hour_weekday.shape == (24, 7)
    assert review.hour_weekday.to_numpy().sum() == len(october)
    first = october.iloc[0]["time"]
    assert review.hour_weekday.at[first.hour, first.day_of_week] >= 1
    criminal = frame[frame["type"] != "other"]["time"]
    this_year = int(((criminal >= "2026-01-01") & (criminal < "2026-11-01")).sum())
    last_year = int(((criminal >= "2025-01-01") & (criminal < "2025-11-01")).sum())
    target = review.target
    assert (target.this_year, target.last_year) == (this_year, last_year)
    assert target.allowed == pytest.approx(0.95 * last_year)
    assert target.on_track == (this_year <= 0.95 * last_year)
    assert list(review.monthly.index)[-1] == "2026-10" and len(review.monthly) == 12
    assert not review.notices_for("target")


def test_month_without_incidents_gets_a_notice_not_a_crash() -> None:
    frame = _history(6)
    quiet = frame[~((frame["time"] >= "2026-10-01") & (frame["time"] < "2026-11-01"))]
    review = monthly_review(quiet, month="2026-10", bbox=BBOX, today=TODAY)
    notice = review.notices_for("statistics")[0]
    assert notice.code == "no_incidents" and notice.severity == "error"
    assert "Không có vụ việc nào" in notice.message_vi
    assert review.gi is None and review.kde is None and review.coverage is None
    assert review.by_type.at["total", "month"] == 0


def test_too_few_incidents_skip_gi_but_keep_counts() -> None:
    frame = _history(7)
    october = frame[(frame["time"] >= "2026-10-01") & (frame["time"] < "2026-11-01")]
    few = pd.concat([frame[frame["time"] < "2026-10-01"], october.iloc[:8]])
    review = monthly_review(few, month="2026-10", bbox=BBOX, today=TODAY)
    assert [n.code for n in review.notices_for("statistics")] == ["too_few"]
    assert "cần ít nhất 20 vụ" in review.notices_for("statistics")[0].message_vi
    assert review.gi is None and review.kde is None
    assert review.cells["count"].sum() == 8
    assert review.coverage is not None and set(review.coverage["basis"]) <= {"count"}


def test_incidents_outside_the_area_are_left_out_and_named() -> None:
    frame = _history(8)
    october = (frame["time"] >= "2026-10-01") & (frame["time"] < "2026-11-01")
    swapped = frame.copy()
    moved = swapped.index[october][:3]
    swapped.loc[moved, "lat"], swapped.loc[moved, "lon"] = (
        swapped.loc[moved, "lon"].to_numpy(),
        swapped.loc[moved, "lat"].to_numpy(),
    )
    review = monthly_review(swapped, month="2026-10", bbox=BBOX, today=TODAY)
    notice = next(n for n in review.notices if n.code == "outside_area")
    assert review.outside_area == 3 and moved[0] in notice.message
    assert "nằm ngoài địa bàn" in notice.message_vi
    assert len(review.incidents) == int(october.sum()) - 3


def test_future_and_malformed_months_are_refused() -> None:
    frame = _history(9)
    with pytest.raises(ReviewError, match="has not begun") as caught:
        monthly_review(frame, month="2026-12", bbox=BBOX, today=TODAY)
    assert caught.value.message_vi and "chưa đến" in caught.value.message_vi
    with pytest.raises(ReviewError, match="YYYY-MM"):
        monthly_review(frame, month="Oct 2026", bbox=BBOX, today=TODAY)
    with pytest.raises(ReviewError, match="time"):
        monthly_review(frame.drop(columns="time"), month="2026-10", bbox=BBOX, today=TODAY)
    current = monthly_review(frame, month="2026-11", bbox=BBOX, today=TODAY)
    assert current.notices[0].code == "month_not_over"


def test_months_and_report_dates() -> None:
    assert parse_month("10/2026") == parse_month("2026-10") == date(2026, 10, 1)
    assert report_date("2026-10") == date(2026, 11, 15)
    assert report_date("2026-12") == date(2027, 1, 15)
