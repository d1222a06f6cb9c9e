"""What a plan's status and owner are is decided by the store alone.

An approval is given once (a second one is refused naming who and when); the monthly review
counts the store's approvals, never a file's word, and each plan once; a patrol leader's team is
known by its area and name, so the leader of "T1" in one ward never reads "T1" of another.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from geodata.review import plan_presence
from patrol.store import auth, plans, roster
from patrol.store.audit import list_audit
from patrol.store.auth import Principal, Role
from patrol.store.db import Store
from patrolbase.errors import AccessDeniedError, ConflictError
from routing.model import PatrolPlan

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

AREA_A = "Văn Miếu - Quốc Tử Giám"
AREA_B = "Cát Linh"
PASSWORD = "một đêm dài ở Cát Linh"
SAMPLE_PLAN = Path(__file__).parents[1] / "export" / "data" / "sample-plan.json"
NIGHT = date(2026, 11, 23)


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test of this module runs on SQLite and, when available, PostgreSQL."""
    return any_store


def _user(store: Store, name: str, role: Role, *, display: str = "", team_id: int | None = None):
    return auth.create_user(
        store, name, PASSWORD, role=role, display_name=display, team_id=team_id, with_totp=False
    ).principal


@pytest.fixture
def commander(store: Store) -> Principal:
    return _user(store, "chihuy", Role.COMMANDER, display="Nguyễn Văn An")


@pytest.fixture
def plan_doc() -> dict:
    return json.loads(SAMPLE_PLAN.read_text(encoding="utf-8"))


def test_second_approval_is_refused_naming_who_and_when(
    store: Store, commander: Principal, plan_doc: dict, clock
) -> None:
    other = _user(store, "chihuy2", Role.COMMANDER, display="Trần Thị Bình")
    ref = plans.save_plan(store, commander, plan_doc, area=AREA_A, shift_date=NIGHT)
    plans.approve_plan(store, commander, ref.plan_id, expected_version=ref.version)
    clock.advance(minutes=10)
    with pytest.raises(ConflictError, match="already approved by Nguyễn Văn An") as err:
        plans.approve_plan(store, other, ref.plan_id, expected_version=ref.version)
    # clock: 15:00 UTC = 22:00 in Vietnam
    assert err.value.message_vi == (
        f"Kế hoạch {ref.plan_id} (phiên bản 1) đã được Nguyễn Văn An phê duyệt lúc 22:00 ngày "
        "23/11/2026; không phê duyệt lại"
    )
    stored = plans.get_plan(store, commander, ref.plan_id)
    assert stored.approved_by == "chihuy" and stored.approved_at == clock.now.replace(minute=0)
    attempts = [(e.username, e.outcome) for e in list_audit(store, action="plan_approve")]
    assert attempts == [("chihuy2", "fail"), ("chihuy", "ok")]
    # a new version is a draft again and can be approved (once)
    edited = copy.deepcopy(plan_doc)
    edited["routes"] = edited["routes"][:1]
    ref2 = plans.save_plan(
        store, other, edited, area=AREA_A, shift_date=NIGHT, plan_id=ref.plan_id,
        expected_version=ref.version,
    )  # fmt: skip
    assert plans.approve_plan(store, other, ref.plan_id, expected_version=ref2.version)


def _counted_plans(documents: list[dict]) -> set[str]:
    frame, _ = plan_presence([PatrolPlan.from_dict(d) for d in documents], NIGHT)
    return set(frame["plan"]) if len(frame) else set()


def test_review_counts_only_the_stores_approvals_once(
    store: Store, commander: Principal, plan_doc: dict
) -> None:
    approved = plans.save_plan(store, commander, plan_doc, area=AREA_A, shift_date=NIGHT)
    plans.approve_plan(store, commander, approved.plan_id, expected_version=1)
    other = copy.deepcopy(plan_doc)
    other["problem"] = "a-draft"
    other["routes"] = other["routes"][:1]
    plans.save_plan(store, commander, other, area=AREA_A, shift_date=NIGHT)  # never approved
    forged = copy.deepcopy(other)
    forged.update(status="approved", approved_by="chihuy", approved_at="2026-11-23T20:00:00+07:00")
    exported = {**plan_doc, "id": f"plan-{approved.plan_id}", "version": 1, "status": "approved"}

    # without files: the store's one approved plan of the month
    only_store = plans.plans_for_review(store, month=NIGHT, area=AREA_A)
    assert only_store.approved == 1 and len(only_store.documents) == 1
    assert only_store.documents[0]["status"] == "approved"

    result = plans.plans_for_review(
        store,
        month=NIGHT,
        area=AREA_A,
        uploads=[("forged.json", forged), ("copy-1.json", exported), ("copy-2.json", plan_doc)],
    )
    assert result.approved == 1
    assert result.unconfirmed == ["forged.json"]
    assert result.duplicates == 2  # the approved plan, uploaded twice, still counts once
    statuses = {(d.get("problem"), d["status"]) for d in result.documents}
    assert statuses == {("a-draft", "draft"), (plan_doc["problem"], "approved")}
    # what the review then counts: the approved plan only
    assert _counted_plans(result.documents) == {plan_doc["problem"]}
    _, notices = plan_presence([PatrolPlan.from_dict(d) for d in result.documents], NIGHT)
    assert any(n.code == "draft_plans" for n in notices)
    # another month and another ward count nothing
    assert plans.plans_for_review(store, month=date(2026, 10, 1), area=AREA_A).approved == 0
    assert plans.plans_for_review(store, month=NIGHT, area=AREA_B).approved == 0


def test_leader_of_t1_in_area_b_cannot_read_t1_of_area_a(
    store: Store, commander: Principal, plan_doc: dict
) -> None:
    t1_a = roster.add_team(store, commander, area=AREA_A, name="T1")
    t1_b = roster.add_team(store, commander, area=AREA_B, name="T1")
    leader_a = _user(store, "totruong-a", Role.PATROL_LEADER, team_id=t1_a)
    leader_b = _user(store, "totruong-b", Role.PATROL_LEADER, team_id=t1_b)
    in_a = plans.save_plan(store, commander, plan_doc, area=AREA_A, shift_date=NIGHT)
    plans.approve_plan(store, commander, in_a.plan_id, expected_version=1)
    # the leader of T1 in area A reads their route
    seen = plans.get_plan(store, leader_a, in_a.plan_id)
    assert [r["team"] for r in seen.document["routes"]] == ["T1"]
    # the leader of T1 in area B: the same team name, another ward: nothing, and it is logged
    with pytest.raises(AccessDeniedError):
        plans.get_plan(store, leader_b, in_a.plan_id, source="10.0.0.8")
    assert plans.list_plans(store, leader_b) == []
    with pytest.raises(AccessDeniedError):
        plans.record_export(
            store, leader_b, plan_id=in_a.plan_id, kind="gpx", filename="T1.gpx", team="T1"
        )
    refused = [(e.username, e.outcome) for e in list_audit(store) if e.outcome == "denied"]
    assert refused.count(("totruong-b", "denied")) == 2
    # a leader signed in again gets the same answer (the area comes from the store)
    again = auth.login(store, "totruong-b", PASSWORD).principal
    assert again.team == "T1" and again.team_area_id == leader_b.team_area_id
    with pytest.raises(AccessDeniedError):
        plans.get_plan(store, again, in_a.plan_id)
