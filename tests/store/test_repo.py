"""Repository and plans.

Uploads whole or not at all, history of facilities, plans with versions and
approval, and what each role may read or export.
"""

from __future__ import annotations

import copy
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from geodata.incidents import generate_demo_incidents
from geodata.io import write_facilities, write_incidents
from patrol.store import auth, plans, repo, roster
from patrol.store.audit import list_audit, verify_chain
from patrol.store.auth import Principal, Role
from patrol.store.db import Store
from patrolbase.errors import AccessDeniedError, ConflictError, InputFileError, PlanFileError

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

AREA = "Văn Miếu - Quốc Tử Giám"
BBOX = (105.826, 21.020, 105.842, 21.034)
PASSWORD = "một đêm dài ở Cát Linh"
SAMPLE_PLAN = Path(__file__).parents[1] / "export" / "data" / "sample-plan.json"
DATA_TABLES = (
    "areas",
    "uploads",
    "facilities",
    "facility_changes",
    "incidents",
    "plans",
    "plan_versions",
    "exports",
    "teams",
    "people",
    "roster_entries",
)


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test of this module runs on SQLite and, when available, PostgreSQL."""
    return any_store


def snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every data table (the audit log grows on refusals, by design)."""
    with store.transaction() as session:
        return {
            t: [tuple(r) for r in session.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
            for t in DATA_TABLES
        }


def user(store: Store, name: str, role: Role, team_id: int | None = None) -> Principal:
    return auth.create_user(
        store, name, PASSWORD, role=role, team_id=team_id, with_totp=False
    ).principal


@pytest.fixture
def analyst(store: Store) -> Principal:
    return user(store, "phantich", Role.ANALYST)


@pytest.fixture
def commander(store: Store) -> Principal:
    return user(store, "chihuy", Role.COMMANDER)


@pytest.fixture
def incidents() -> pd.DataFrame:
    return generate_demo_incidents(None, BBOX, start="2026-01-01", end="2026-06-30", seed=3)


def test_incident_upload_round_trip_and_monthly_counts(
    store: Store, analyst: Principal, incidents: pd.DataFrame, tmp_path: Path
) -> None:
    path = write_incidents(incidents, tmp_path / "vu-viec.xlsx")
    result = repo.upload_incident_file(store, analyst, path, area=AREA, source="10.0.0.2")
    assert result.rows == result.added == len(incidents) > 100
    back = repo.load_incidents(store, analyst, area=AREA)
    assert list(back.columns) == list(incidents.columns)
    pd.testing.assert_index_equal(back.index, incidents.index, check_names=False)
    assert (back["time"].to_numpy() == incidents["time"].to_numpy()).all()
    assert back["type"].tolist() == incidents["type"].tolist()
    assert back["description"].tolist() == incidents["description"].tolist()
    assert (back["lat"] - incidents["lat"]).abs().max() < 1e-6
    expected = incidents["time"].dt.strftime("%Y-%m").value_counts().sort_index().to_dict()
    assert repo.incident_counts_by_month(store, analyst, area=AREA) == expected
    assert repo.incident_counts_by_month(store, analyst, area=AREA, year=2025) == {}
    march = repo.load_incidents(
        store, analyst, area=AREA, start=datetime(2026, 3, 1), end=datetime(2026, 4, 1)
    )
    assert len(march) == expected["2026-03"]
    assert verify_chain(store).ok
    assert list_audit(store, action="upload")[0].detail.endswith(f"rows={len(incidents)} upload=1")


def test_failing_upload_leaves_store_unchanged(
    store: Store, analyst: Principal, incidents: pd.DataFrame, tmp_path: Path
) -> None:
    repo.import_incidents(store, analyst, incidents.iloc[:50], area=AREA, filename="first.csv")
    before = snapshot(store)
    # a good file whose very last row is bad: nothing of it may be stored
    bad = incidents.iloc[50:].copy()
    bad.iloc[-1, bad.columns.get_loc("lat")] = 95.0
    with pytest.raises(InputFileError) as err:
        repo.import_incidents(store, analyst, bad, area=AREA, filename="second.csv")
    assert [(p.row, p.column) for p in err.value.problems] == [(len(bad) + 1, "lat")]
    assert snapshot(store) == before
    # ids already stored are refused whole too, each named
    again = incidents.iloc[40:60]
    with pytest.raises(InputFileError, match="already stored") as err:
        repo.import_incidents(store, analyst, again, area=AREA, filename="third.csv")
    assert len(err.value.problems) == 10 and err.value.problems[0].row == 2
    assert snapshot(store) == before
    # a file that is not a table at all
    fake = tmp_path / "vu-viec.xlsx"
    fake.write_bytes(b"%PDF-1.4 not a workbook")
    with pytest.raises(InputFileError):
        repo.upload_incident_file(store, analyst, fake, area=AREA)
    assert snapshot(store) == before
    fails = [e for e in list_audit(store, action="upload") if e.outcome == "fail"]
    assert [e.target for e in fails] == ["file:vu-viec.xlsx", "file:third.csv", "file:second.csv"]


def test_zip_bomb_refused_before_reading(store: Store, analyst: Principal, tmp_path: Path) -> None:
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(InputFileError, match="limit is 50 MB"):
        repo.upload_incident_file(store, analyst, bomb, area=AREA)


def test_hostile_text_is_stored_as_text(store: Store, commander: Principal, tmp_path: Path) -> None:
    hostile = [
        '=HYPERLINK("http://evil","x")',
        "<script>alert('x')</script>",
        "'; DROP TABLE facilities; --",
        "@SUM(A1)",
        "Tiệm vàng Kim Thành",
    ]
    frame = pd.DataFrame(
        {
            "name": hostile,
            "kind": ["gold_shop"] * 5,
            "lat": [21.03] * 5,
            "lon": [105.83 + i / 1000 for i in range(5)],
            "source": ["survey"] * 5,
            "osm_id": [""] * 5,
            "address": ["+84 24 1234"] * 5,
            "opening_hours": [""] * 5,
            "operator": [""] * 5,
            "cash_level": ["high", "", "low", "none", "medium"],
            "guard": pd.array([True, False, None, True, None], dtype="boolean"),
            "camera": pd.array([None] * 5, dtype="boolean"),
            "alarm": pd.array([True] * 5, dtype="boolean"),
            "contact": [""] * 5,
            "notes": ["-1"] * 5,
        },
        index=pd.Index([f"survey-{i}" for i in range(1, 6)], name="facility_id"),
    )
    import geopandas as gpd

    frame = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame.lon, frame.lat), crs="EPSG:4326"
    )
    path = write_facilities(frame, tmp_path / "khao-sat.csv")
    result = repo.upload_facility_file(store, commander, path, area=AREA)
    assert (result.added, result.changed) == (5, 0)
    back = repo.load_facilities(store, commander, area=AREA)
    assert back["name"].tolist() == hostile
    assert back["guard"].tolist()[:2] == [True, False] and back["guard"].isna().sum() == 2
    assert snapshot(store)["facilities"]  # the table is still there


def test_facility_changes_are_kept(store: Store, commander: Principal, clock) -> None:
    import geopandas as gpd

    base = pd.DataFrame(
        {
            "name": ["Phòng giao dịch Cát Linh"],
            "kind": ["transaction_office"],
            "lat": [21.028],
            "lon": [105.829],
            "source": ["survey"],
            "osm_id": [""],
            "address": ["Cát Linh"],
            "opening_hours": ["Mo-Fr 08:00-17:00"],
            "operator": ["BIDV"],
            "cash_level": ["medium"],
            "guard": pd.array([False], dtype="boolean"),
            "camera": pd.array([True], dtype="boolean"),
            "alarm": pd.array([None], dtype="boolean"),
            "contact": [""],
            "notes": [""],
        },
        index=pd.Index(["survey-1"], name="facility_id"),
    )
    frame = gpd.GeoDataFrame(base, geometry=gpd.points_from_xy(base.lon, base.lat), crs=4326)
    repo.import_facilities(store, commander, frame, area=AREA)
    clock.advance(days=30)
    changed = frame.copy()
    changed.loc["survey-1", "cash_level"] = "high"
    changed["guard"] = pd.array([True], dtype="boolean")
    result = repo.import_facilities(store, commander, changed, area=AREA, filename="t2.csv")
    assert (result.added, result.changed) == (0, 1)
    assert repo.edit_facility(
        store, commander, area=AREA, facility_id="survey-1", changes={"notes": "Có bảo vệ 24/7"}
    )
    assert not repo.edit_facility(
        store, commander, area=AREA, facility_id="survey-1", changes={"notes": "Có bảo vệ 24/7"}
    )
    history = repo.facility_history(store, area=AREA, facility_id="survey-1")
    assert [(h.field, h.old, h.new) for h in history] == [
        ("cash_level", "medium", "high"),
        ("guard", "False", "True"),
        ("notes", "", "Có bảo vệ 24/7"),
    ]
    assert history[0].at == clock.now and history[0].by == "chihuy"
    with pytest.raises(InputFileError, match="kind"):
        repo.edit_facility(
            store, commander, area=AREA, facility_id="survey-1", changes={"kind": "casino"}
        )


@pytest.fixture
def plan_doc() -> dict:
    return json.loads(SAMPLE_PLAN.read_text(encoding="utf-8"))


def test_plan_versions_conflict_and_approval(
    store: Store, commander: Principal, plan_doc: dict, clock
) -> None:
    other = user(store, "chihuy2", Role.COMMANDER)
    ref = plans.save_plan(store, commander, plan_doc, area=AREA, shift_date=date(2026, 11, 23))
    assert ref.version == 1
    # both open version 1; the second save is refused and names who saved first
    edited = copy.deepcopy(plan_doc)
    edited["routes"] = edited["routes"][:1]
    clock.advance(minutes=5)
    ref2 = plans.save_plan(
        store,
        other,
        edited,
        area=AREA,
        shift_date=date(2026, 11, 23),
        plan_id=ref.plan_id,
        expected_version=1,
    )
    assert ref2.version == 2
    before = snapshot(store)
    with pytest.raises(ConflictError, match="saved by chihuy2") as err:
        plans.save_plan(
            store,
            commander,
            plan_doc,
            area=AREA,
            shift_date=date(2026, 11, 23),
            plan_id=ref.plan_id,
            expected_version=1,
        )
    assert "chihuy2" in (err.value.message_vi or "")
    with pytest.raises(ConflictError):
        plans.approve_plan(store, commander, ref.plan_id, expected_version=1)
    assert snapshot(store) == before
    plans.approve_plan(store, commander, ref.plan_id, expected_version=2)
    stored = plans.get_plan(store, commander, ref.plan_id)
    assert stored.status == "approved" and stored.approved_by == "chihuy"
    assert stored.document == edited
    versions = plans.plan_versions(store, commander, ref.plan_id)
    assert [(v[0], v[1], v[2]) for v in versions] == [
        (1, "draft", "chihuy"),
        (2, "approved", "chihuy2"),
    ]
    with pytest.raises(PlanFileError):
        plans.save_plan(
            store, commander, {"format": "patrol-plan/1"}, area=AREA, shift_date=date(2026, 11, 23)
        )


def test_patrol_leader_sees_only_own_team_of_approved_plans(
    store: Store, commander: Principal, plan_doc: dict
) -> None:
    t1 = roster.add_team(store, commander, area=AREA, name="T1")
    t2 = roster.add_team(store, commander, area=AREA, name="T2")
    leader1 = user(store, "totruong1", Role.PATROL_LEADER, team_id=t1)
    leader2 = user(store, "totruong2", Role.PATROL_LEADER, team_id=t2)
    analyst = user(store, "phantich", Role.ANALYST)
    ref = plans.save_plan(store, commander, plan_doc, area=AREA, shift_date=date(2026, 11, 23))
    with pytest.raises(AccessDeniedError):  # a draft is not shown to leaders
        plans.get_plan(store, leader1, ref.plan_id, source="10.0.0.7")
    plans.approve_plan(store, commander, ref.plan_id, expected_version=ref.version)
    seen = plans.get_plan(store, leader1, ref.plan_id)
    assert [r["team"] for r in seen.document["routes"]] == ["T1"]
    assert seen.document["unserved"] == []
    assert [r["team"] for r in plans.get_plan(store, leader2, ref.plan_id).document["routes"]] == [
        "T2"
    ]
    assert [p.plan_id for p in plans.list_plans(store, leader1)] == [ref.plan_id]
    plans.record_export(
        store,
        leader1,
        plan_id=ref.plan_id,
        kind="gpx",
        filename="T1.gpx",
        team="T1",
        source="10.0.0.7",
    )
    with pytest.raises(AccessDeniedError):  # another team's route by id/link
        plans.record_export(
            store,
            leader1,
            plan_id=ref.plan_id,
            kind="gpx",
            filename="T2.gpx",
            team="T2",
            source="10.0.0.7",
        )
    with pytest.raises(AccessDeniedError):  # an id that does not exist says the same
        plans.get_plan(store, leader1, 999, source="10.0.0.7")
    with pytest.raises(AccessDeniedError):
        plans.get_plan(store, analyst, ref.plan_id)
    with pytest.raises(AccessDeniedError):
        repo.load_incidents(store, leader1, area=AREA)
    refused = [
        (e.username, e.target, e.outcome) for e in list_audit(store) if e.outcome == "denied"
    ]
    assert refused == [
        ("totruong1", "area:Văn Miếu - Quốc Tử Giám", "denied"),
        ("phantich", f"plan:{ref.plan_id}", "denied"),
        ("totruong1", "plan:999", "denied"),
        ("totruong1", f"plan:{ref.plan_id} team:T2", "denied"),
        ("totruong1", f"plan:{ref.plan_id}", "denied"),
    ]
    exports = [e for e in list_audit(store, action="export") if e.outcome == "ok"]
    assert [e.target for e in exports] == [f"plan:{ref.plan_id} team:T1"]


def test_roster(store: Store, commander: Principal) -> None:
    from patrolbase.errors import PatrolError

    team = roster.add_team(store, commander, area=AREA, name="T1")
    police = roster.add_person(store, commander, area=AREA, name="Trần Văn Bình", unit="police")
    militia = roster.add_person(store, commander, area=AREA, name="Lê Thị Hoa", unit="militia")
    day = date(2026, 11, 23)
    roster.assign_roster(
        store, commander, team_id=team, person_id=police, shift_date=day, role="tổ trưởng"
    )
    roster.assign_roster(store, commander, team_id=team, person_id=militia, shift_date=day)
    with pytest.raises(PatrolError, match="already on a team"):
        roster.assign_roster(store, commander, team_id=team, person_id=militia, shift_date=day)
    assert roster.roster(store, commander, area=AREA, shift_date=day) == {
        "T1": [("Lê Thị Hoa", "militia", ""), ("Trần Văn Bình", "police", "tổ trưởng")]
    }
