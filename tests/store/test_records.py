"""Patrol records in the store: matched to the night's approved plan, audited, refused whole.

Runs on SQLite and, when available, PostgreSQL. Tracks are made from the stored plan's own
street path with times (``tests/data/tracksynth.py``).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from geodata.tracks import read_track
from patrol.store import auth, plans, records
from patrol.store.audit import list_audit
from patrol.store.auth import Principal, Role
from patrol.store.db import Store
from patrol.store.models import PatrolRecord
from patrol.store.wards import ensure_area
from patrolbase.errors import AccessDeniedError, InputFileError

pytestmark = pytest.mark.slow  # a store, tracks matched: seconds per test

AREA = "Văn Miếu - Quốc Tử Giám / Cát Linh (Hà Nội)"
BBOX = (105.82683, 21.02329, 105.83901, 21.03035)  # geodata.area.load_area().bbox
NIGHT = date(2026, 11, 23)
PASSWORD = "một đêm dài ở Cát Linh"


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


@pytest.fixture
def commander(store: Store) -> Principal:
    return auth.create_user(
        store, "chihuy", PASSWORD, role=Role.COMMANDER, display_name="Nguyễn Văn An",
        with_totp=False,
    ).principal  # fmt: skip


def _approve(store: Store, commander: Principal, doc: dict) -> int:
    ref = plans.save_plan(store, commander, doc, area=AREA, shift_date=NIGHT)
    plans.approve_plan(store, commander, ref.plan_id, expected_version=ref.version)
    return ref.plan_id


def _track(tracksynth, doc: dict, team: str = "T1", name: str = "t1.gpx", **kw):
    return read_track(tracksynth.gpx_10(tracksynth.track_points(doc, team, **kw)).encode(), name)


def _count(store: Store) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(PatrolRecord)) or 0)


def test_record_is_matched_to_the_approved_plan_stored_and_audited(
    store: Store, commander: Principal, sample_plan_doc: dict, tracksynth
) -> None:
    plan_id = _approve(store, commander, sample_plan_doc)
    skip = frozenset({("osm-node-724829388", 0)})
    stored = records.add_record(
        store, commander, _track(tracksynth, sample_plan_doc, skip=skip), area=AREA, bbox=BBOX,
        team="T1", source="cli",
    )  # fmt: skip
    assert stored.plan_id == plan_id and stored.plan_version == 1
    assert stored.shift_date == NIGHT
    assert stored.match.stops_made == 7 and stored.match.stops_planned == 8
    again = records.list_records(store, commander, area=AREA, shift_date=NIGHT)
    assert [r.record_id for r in again] == [stored.record_id]
    assert again[0].match == stored.match
    assert len(again[0].track) == len(stored.track) > 1000
    audit = list_audit(store, action="record_upload")
    assert [(e.username, e.outcome, e.source) for e in audit] == [("chihuy", "ok", "cli")]
    assert "stops 7/8" in audit[0].detail and f"plan:{plan_id}" in audit[0].detail


def test_a_bad_track_changes_nothing(
    store: Store, commander: Principal, sample_plan_doc: dict, tracksynth
) -> None:
    _approve(store, commander, sample_plan_doc)
    from datetime import timedelta

    points = tracksynth.track_points(sample_plan_doc, "T1")
    other_area = [(x + 0.3, y, t) for x, y, t in points]
    track = read_track(tracksynth.gpx_10(other_area).encode(), "elsewhere.gpx")
    with pytest.raises(InputFileError, match=r"elsewhere\.gpx"):
        records.add_record(store, commander, track, area=AREA, bbox=BBOX, team="T1")
    # a track of the next night, given as the plan's night, is refused
    later = [(x, y, t + timedelta(days=1)) for x, y, t in points]
    track = read_track(tracksynth.gpx_10(later).encode(), "next.gpx")
    with pytest.raises(InputFileError, match="outside the shift"):
        records.add_record(
            store, commander, track, area=AREA, bbox=BBOX, team="T1", shift_date=NIGHT
        )
    assert _count(store) == 0 and list_audit(store, action="record_upload") == []


def test_a_night_without_approved_plan_keeps_the_track(
    store: Store, commander: Principal, sample_plan_doc: dict, tracksynth
) -> None:
    ensure_area(store, AREA)
    stored = records.add_record(
        store, commander, _track(tracksynth, sample_plan_doc), area=AREA, bbox=BBOX, team="T1"
    )
    assert stored.plan_id is None and stored.match.stops == ()
    assert stored.shift_date == NIGHT and stored.match.distance_m > 2000
    assert _count(store) == 1


def test_patrol_leader_uploads_only_for_the_own_team(
    store: Store, commander: Principal, sample_plan_doc: dict, tracksynth
) -> None:
    from patrol.store import roster

    _approve(store, commander, sample_plan_doc)
    team_id = roster.add_team(store, commander, area=AREA, name="T1")
    leader = auth.create_user(
        store, "totruong", PASSWORD, role=Role.PATROL_LEADER, team_id=team_id, with_totp=False
    ).principal
    stored = records.add_record(
        store, leader, _track(tracksynth, sample_plan_doc), area=AREA, bbox=BBOX, team="T1"
    )
    assert stored.team == "T1"
    with pytest.raises(AccessDeniedError):
        records.add_record(
            store, leader, _track(tracksynth, sample_plan_doc, "T2"), area=AREA, bbox=BBOX,
            team="T2",
        )  # fmt: skip
    assert [r.team for r in records.list_records(store, leader, area=AREA)] == ["T1"]
    assert _count(store) == 1


def test_the_review_takes_the_latest_record_of_a_team_night(
    store: Store, commander: Principal, sample_plan_doc: dict, tracksynth
) -> None:
    _approve(store, commander, sample_plan_doc)
    for skip in (frozenset({("osm-node-724829388", 0)}), frozenset()):
        records.add_record(
            store, commander, _track(tracksynth, sample_plan_doc, skip=skip), area=AREA,
            bbox=BBOX, team="T1",
        )  # fmt: skip
    records.add_record(
        store, commander, _track(tracksynth, sample_plan_doc, "T2"), area=AREA, bbox=BBOX,
        team="T2",
    )  # fmt: skip
    found = records.records_for_review(
        store, area=AREA, start=date(2026, 11, 1), end=date(2026, 12, 1)
    )
    assert [(r.team, r.match.stops_made) for r in found] == [("T1", 8), ("T2", 9)]
    assert _count(store) == 3
    assert json.loads(json.dumps(found[0].match.to_dict()))["team"] == "T1"
