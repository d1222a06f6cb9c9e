"""The monthly review reads the store: approved plans and patrol records, each counted once.

A month of approved plans (the sample plan on four nights of November, one night on each side of
the month) and two patrol records; the presence per cell is computed here by hand from the plans'
stops and the tracks' results and compared with the review's. Runs on SQLite and, when
available, PostgreSQL.
"""

from __future__ import annotations

import copy
from datetime import date

import numpy as np
import pytest

from geodata.area import DEFAULT_AREA_NAME, load_area
from geodata.hotspots import project_lonlat
from geodata.incidents import generate_demo_incidents
from geodata.review import monthly_review
from geodata.tracks import read_track
from patrol.reviewing import review_inputs
from patrol.store import auth, plans, records
from patrol.store.auth import Role
from patrol.store.db import Store
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # a store, tracks matched: seconds per test

NIGHTS = [date(2026, 10, 31), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16),
          date(2026, 11, 23), date(2026, 12, 1)]  # fmt: skip
SKIP = frozenset({("osm-node-724829388", 0), ("osm-node-1000087526", 1)})
TODAY = date(2026, 12, 3)
FAST = {"hotspots": {"permutations": 99, "min_incidents": 10}}


@pytest.fixture(scope="module")
def area():
    return load_area()


@pytest.fixture(scope="module")
def incidents(area):
    return generate_demo_incidents(
        area.facilities, area.bbox, start="2026-01-01", end="2026-11-30", seed=3, per_month=30
    )


def _night(doc: dict, night: date) -> dict:
    out = copy.deepcopy(doc)
    out["shift"]["date"] = night.isoformat()
    out["problem"] = f"Ca đêm {night:%d/%m/%Y}"
    return out


@pytest.fixture
def ward(any_store: Store, sample_plan_doc: dict, tracksynth, area):
    """Give a store with the sample plan approved for every night of ``NIGHTS``.

    Tracks: 09/11 (T1, two visits skipped), 16/11 (T2, complete), 10/11 (no plan that night).
    """
    store = any_store
    boss = auth.create_user(store, "chihuy", "một đêm dài ở Cát Linh", role=Role.COMMANDER,
                            with_totp=False).principal  # fmt: skip
    docs = {}
    for night in NIGHTS:
        docs[night] = _night(sample_plan_doc, night)
        ref = plans.save_plan(store, boss, docs[night], area=DEFAULT_AREA_NAME, shift_date=night)
        plans.approve_plan(store, boss, ref.plan_id, expected_version=ref.version)
    made = {}
    for night, team, skip in ((date(2026, 11, 9), "T1", SKIP), (date(2026, 11, 16), "T2", ())):
        gpx = tracksynth.gpx_10(tracksynth.track_points(docs[night], team, skip=frozenset(skip)))
        made[(night, team)] = records.add_record(
            store, boss, read_track(gpx.encode(), f"{team}.gpx"), area=DEFAULT_AREA_NAME,
            bbox=area.bbox, team=team,
        ).match  # fmt: skip
    lone = tracksynth.gpx_10(tracksynth.track_points(_night(sample_plan_doc, date(2026, 11, 10)),
                                                     "T1"))  # fmt: skip
    records.add_record(store, boss, read_track(lone.encode(), "lone.gpx"), area=DEFAULT_AREA_NAME,
                       bbox=area.bbox, team="T1")  # fmt: skip
    return store, docs, made


def _by_hand(docs: dict, made: dict, nights: list[date]) -> list[tuple[float, float, float]]:
    """(lon, lat, minutes) of every planned stop: the track's minutes where recorded."""
    out = []
    for night in nights:
        for route in docs[night]["routes"]:
            result = made.get((night, route["team"]))
            on_site = {(s.site, s.visit): s.on_site_s / 60 for s in result.stops} if result else {}
            for stop in route["stops"]:
                planned = (stop["depart"] - stop["start"]) / 60
                minutes = on_site.get((stop["site"], stop["visit"]), 0.0) if result else planned
                out.append((stop["lon"], stop["lat"], minutes))
    return out


def test_review_of_a_month_counts_plans_and_records_once(ward, area, incidents) -> None:
    store, docs, made = ward
    settings = Settings().replace(**FAST)
    upload = docs[date(2026, 11, 2)]
    found = review_inputs(
        store, month=date(2026, 11, 1), area=DEFAULT_AREA_NAME,
        uploads=[("a.json", upload), ("b.json", copy.deepcopy(upload))], settings=settings,
    )  # fmt: skip
    assert found.counted.approved == 4 and found.counted.duplicates == 2
    assert sorted((r.shift_date.day, r.team) for r in found.records) == [
        (9, "T1"), (10, "T1"), (16, "T2"),
    ]  # fmt: skip
    review = monthly_review(
        incidents, month="2026-11", bbox=area.bbox, facilities=area.facilities,
        plans=found.plans, records=found.records, crs=area.crs, settings=settings, today=TODAY,
    )  # fmt: skip
    assert review.plans_used == 4
    # presence per cell, by hand
    nights = [n for n in NIGHTS if n.month == 11]
    stops = np.array(_by_hand(docs, made, nights))
    xy = project_lonlat(stops[:, 0], stops[:, 1], crs=area.crs)
    cell = review.grid.locate(xy, lonlat=stops[:, :2])
    expected = np.bincount(cell, weights=stops[:, 2], minlength=review.grid.n)
    np.testing.assert_allclose(review.cells["presence_min"].to_numpy(), expected, atol=1e-6)
    # the recorded team-nights: the actual minutes; one missed stop gives none
    assert review.cells["actual_min"].sum() == pytest.approx(
        sum(s.on_site_s for m in made.values() for s in m.stops) / 60
    )
    # patrol results: 4 planned nights and one with a track only
    patrol = review.patrol
    assert patrol.nights_patrolled == 5
    assert patrol.count("actual") == 2 and patrol.count("planned") == 6
    assert patrol.count("track_only") == 1
    assert patrol.visits_planned == 4 * 17 and patrol.visits_checked == 8 + 9
    assert patrol.visits_made == 6 + 9
    assert any(n.code == "track_without_plan" and "T1 10/11" in n.message for n in review.notices)


def test_the_15_to_14_period_takes_its_own_nights(ward, area, incidents) -> None:
    store, docs, made = ward
    settings = Settings().replace(report={"period": "15-14"}, **FAST)
    found = review_inputs(store, month=date(2026, 11, 1), area=DEFAULT_AREA_NAME,
                          settings=settings)  # fmt: skip
    # 15/10-14/11: the nights of 31/10, 2/11 and 9/11
    assert found.counted.approved == 3
    review = monthly_review(
        incidents, month="2026-11", bbox=area.bbox, plans=found.plans, records=found.records,
        crs=area.crs, settings=settings, today=TODAY,
    )  # fmt: skip
    assert review.period.start == date(2026, 10, 15) and review.report_date == date(2026, 11, 15)
    stops = np.array(_by_hand(docs, made, [date(2026, 10, 31), date(2026, 11, 2),
                                           date(2026, 11, 9)]))  # fmt: skip
    assert review.cells["presence_min"].sum() == pytest.approx(stops[:, 2].sum())
    t = incidents["time"]
    assert review.by_type.loc["total", "month"] == int(((t >= "2026-10-15") & (t < "2026-11-15"))
                                                       .sum())  # fmt: skip
