"""Plans with versions and approval, and the routes each user may see and export.

- A plan is saved with the version it was read at; when someone saved in between,
  ``ConflictError`` says who and when, and nothing is overwritten. Every version is kept.
- Approval names the version the commander looked at; any later save makes a draft again.
- A patrol leader sees only approved plans of their own team's area (ward), and in them only
  their own team's route: a team is known by its area and name ("T1" exists in every ward), never
  by its name alone. Any other plan id, existing or not, is refused the same way and the refusal
  is audited.
- A version already approved is not approved again: the second approval is refused naming who
  approved it and when.
- ``plans_for_review`` (``patrol.store.review_plans``): the plans a monthly review counts,
  from the store's approval records only; a plan counts once.
- ``record_export`` checks a download and records it before the file is sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from patrol.store.audit import Action, record
from patrol.store.auth import Permission, Principal, Role, deny, require, require_ward
from patrol.store.db import Store
from patrol.store.models import Area, ExportRecord, Plan, PlanVersion, User
from patrol.store.review_plans import ReviewPlans, plans_for_review
from patrol.store.wards import get_or_create_area
from patrolbase.clock import WARD_TZ
from patrolbase.errors import ConflictError, PatrolError, PlanFileError

__all__ = [
    "PlanRef",
    "ReviewPlans",
    "StoredPlan",
    "approve_plan",
    "get_plan",
    "list_plans",
    "plan_versions",
    "plans_for_review",
    "record_export",
    "save_plan",
]


@dataclass(frozen=True)
class PlanRef:
    """A plan id and the version just written; pass the version back on the next save."""

    plan_id: int
    version: int


@dataclass(frozen=True)
class StoredPlan:
    """A plan as a user may see it (a patrol leader: only their own team's route)."""

    plan_id: int
    area: str
    shift_date: date
    name: str
    version: int
    status: str
    document: dict[str, Any]
    updated_by: str
    updated_at: datetime
    approved_by: str | None
    approved_at: datetime | None


def _plan_document(plan: Mapping[str, Any]) -> str:
    from routing.model import PatrolPlan

    PatrolPlan.from_dict(dict(plan))  # refuses a malformed document (PlanFileError)
    return json.dumps(plan, ensure_ascii=False, sort_keys=True)


def save_plan(
    store: Store,
    principal: Principal,
    plan: Mapping[str, Any],
    *,
    area: str,
    shift_date: date,
    name: str = "",
    plan_id: int | None = None,
    expected_version: int | None = None,
    source: str = "",
) -> PlanRef:
    """Save a new plan, or a new version of ``plan_id`` read at ``expected_version``.

    A saved plan is a draft again (an approved plan that changes needs a new approval).

    Raises
    ------
    ConflictError
        Someone saved ``plan_id`` after ``expected_version`` was read: nothing was written; the
        message names who and when. Reload the plan and redo the change.
    PlanFileError
        ``plan`` is not a ``patrol-plan/1`` document.

    """
    require(
        store, principal, Permission.PLAN_EDIT, target=f"plan:{plan_id}", source=source, area=area
    )
    document = _plan_document(plan)
    now = store.now()
    with store.transaction() as session:
        if plan_id is None:
            row = Plan(
                area_id=get_or_create_area(session, store, area),
                shift_date=shift_date,
                name=name or str(plan.get("problem", "")),
                version=1,
                status="draft",
                document=document,
                created_by=principal.username,
                created_at=now,
                updated_by=principal.username,
                updated_at=now,
            )
            session.add(row)
            session.flush()
        else:
            row = _locked_plan(session, principal, plan_id, expected_version)
            row.version += 1
            row.document, row.status = document, "draft"
            row.approved_by = row.approved_at = None
            row.updated_by, row.updated_at = principal.username, now
            if name:
                row.name = name
        session.add(
            PlanVersion(
                plan_id=row.id,
                version=row.version,
                status=row.status,
                document=document,
                saved_by=principal.username,
                saved_at=now,
            )
        )
        record(
            session,
            store,
            username=principal.username,
            action=Action.PLAN_SAVE,
            target=f"plan:{row.id}",
            source=source,
            detail=f"version={row.version}",
        )
        return PlanRef(row.id, row.version)


def _locked_plan(
    session: Session, principal: Principal, plan_id: int, expected_version: int | None
) -> Plan:
    row = session.scalars(select(Plan).where(Plan.id == plan_id).with_for_update()).one_or_none()
    if row is None or (principal.ward_id is not None and row.area_id != principal.ward_id):
        msg = f"no plan {plan_id}"
        raise PatrolError(msg)
    if expected_version is None or row.version != expected_version:
        msg = (
            f"plan {plan_id} was saved by {row.updated_by} at "
            f"{row.updated_at:%Y-%m-%d %H:%M} UTC (version {row.version}) after you opened "
            f"version {expected_version}; reload it and make your change again"
        )
        err = ConflictError(msg)
        local = row.updated_at.replace(tzinfo=row.updated_at.tzinfo or UTC).astimezone(WARD_TZ)
        err.message_vi = (
            f"Kế hoạch đã được {row.updated_by} lưu lúc {local:%H:%M} ngày {local:%d/%m/%Y} "
            "(giờ Việt Nam) sau khi bạn mở; hãy tải lại và sửa lại"
        )
        raise err
    return row


def approve_plan(
    store: Store,
    principal: Principal,
    plan_id: int,
    *,
    expected_version: int,
    source: str = "",
) -> PlanRef:
    """Approve the version of a plan the commander looked at.

    Raises
    ------
    ConflictError
        The plan changed since ``expected_version`` was read, or that version is already
        approved (the message names who approved it and when; the attempt is logged).

    """
    require(store, principal, Permission.PLAN_APPROVE, target=f"plan:{plan_id}", source=source)
    now = store.now()
    with store.transaction() as session:
        row = _locked_plan(session, principal, plan_id, expected_version)
        refusal = _already_approved(session, row) if row.status == "approved" else None
        if refusal is not None:  # the version is approved once; the attempt is logged
            record(
                session,
                store,
                username=principal.username,
                action=Action.PLAN_APPROVE,
                target=f"plan:{plan_id}",
                source=source,
                outcome="fail",
                detail=f"version={row.version} already approved by {row.approved_by}",
            )
        else:
            row.status, row.approved_by, row.approved_at = "approved", principal.username, now
            version = session.scalars(
                select(PlanVersion).where(
                    PlanVersion.plan_id == plan_id, PlanVersion.version == row.version
                )
            ).one()
            version.status = "approved"
            record(
                session,
                store,
                username=principal.username,
                action=Action.PLAN_APPROVE,
                target=f"plan:{plan_id}",
                source=source,
                detail=f"version={row.version}",
            )
        ref = PlanRef(row.id, row.version)
    if refusal is not None:
        raise refusal
    return ref


def _already_approved(session: Session, row: Plan) -> ConflictError:
    """Return the refusal of a second approval: who approved the version and when (ward time)."""
    who = row.approved_by or "?"
    user = session.scalars(select(User).where(User.username == who)).one_or_none()
    name = user.display_name if user is not None and user.display_name else who
    at = row.approved_at.astimezone(WARD_TZ) if row.approved_at else None
    when_vi = f"{at:%H:%M} ngày {at:%d/%m/%Y}" if at else "?"
    msg = (
        f"plan {row.id} version {row.version} is already approved by {name} ({who}) at "
        f"{at:%Y-%m-%d %H:%M} (Vietnam time); it is not approved twice"
        if at
        else f"plan {row.id} version {row.version} is already approved by {name} ({who})"
    )
    err = ConflictError(msg)
    err.message_vi = (
        f"Kế hoạch {row.id} (phiên bản {row.version}) đã được {name} phê duyệt lúc {when_vi}; "
        "không phê duyệt lại"
    )
    return err


def _visible(principal: Principal, row: Plan) -> dict[str, Any] | None:
    """Return the part of a plan ``principal`` may see, ``None`` for nothing."""
    if principal.ward_id is not None and row.area_id != principal.ward_id:
        return None  # another ward's plan
    document: dict[str, Any] = json.loads(row.document)
    if principal.can(Permission.ROUTE_VIEW_ALL):
        return document
    own_area = principal.team_area_id is not None and row.area_id == principal.team_area_id
    if (
        principal.can(Permission.ROUTE_VIEW_OWN)
        and principal.team
        and own_area
        and row.status == "approved"
    ):
        routes = [r for r in document.get("routes", []) if r.get("team") == principal.team]
        if routes:
            # Other teams' routes and the unserved sites tell where nobody will be: left out.
            travel_s = sum(int(r.get("travel_s", 0)) for r in routes)
            return {**document, "routes": routes, "unserved": [], "travel_s": travel_s}
    return None


def get_plan(store: Store, principal: Principal, plan_id: int, *, source: str = "") -> StoredPlan:
    """Return a plan as ``principal`` may see it.

    Commanders see all of it, a patrol leader the route of their own team in an approved plan.
    Anything else is refused (and audited), also when the plan does not exist, so ids cannot be
    probed.
    """
    with store.read() as session:
        row = session.get(Plan, plan_id)
        document = None if row is None else _visible(principal, row)
        area = None if row is None else session.get(Area, row.area_id)
    if row is None or document is None or area is None:
        deny(store, principal, Permission.ROUTE_VIEW_OWN, target=f"plan:{plan_id}", source=source)
    assert row is not None and document is not None and area is not None
    return StoredPlan(
        row.id,
        area.name,
        row.shift_date,
        row.name,
        row.version,
        row.status,
        document,
        row.updated_by,
        row.updated_at,
        row.approved_by,
        row.approved_at,
    )


def list_plans(store: Store, principal: Principal, *, area: str | None = None) -> list[StoredPlan]:
    """List the plans ``principal`` may see (newest first), each cut as ``get_plan`` cuts it."""
    if not (principal.can(Permission.ROUTE_VIEW_ALL) or principal.can(Permission.ROUTE_VIEW_OWN)):
        deny(store, principal, Permission.ROUTE_VIEW_OWN, target="plans")
    if area is not None:
        require_ward(store, principal, area)
    query = select(Plan, Area.name).join(Area).order_by(Plan.shift_date.desc(), Plan.id.desc())
    if area is not None:
        query = query.where(Area.name == area)
    out: list[StoredPlan] = []
    with store.read() as session:
        for row, area_name in session.execute(query):
            document = _visible(principal, row)
            if document is not None:
                out.append(
                    StoredPlan(
                        row.id,
                        area_name,
                        row.shift_date,
                        row.name,
                        row.version,
                        row.status,
                        document,
                        row.updated_by,
                        row.updated_at,
                        row.approved_by,
                        row.approved_at,
                    )
                )
    return out


def plan_versions(
    store: Store, principal: Principal, plan_id: int
) -> list[tuple[int, str, str, datetime]]:
    """``(version, status, saved_by, saved_at)`` of every saved version (commanders)."""
    require(store, principal, Permission.ROUTE_VIEW_ALL, target=f"plan:{plan_id}")
    with store.read() as session:
        query = (
            select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.version)
        )
        return [(v.version, v.status, v.saved_by, v.saved_at) for v in session.scalars(query)]


def record_export(
    store: Store,
    principal: Principal,
    *,
    plan_id: int,
    kind: str,
    filename: str,
    team: str | None = None,
    source: str = "",
) -> StoredPlan:
    """Check that ``principal`` may export this plan (or this team's route) and record it.

    Call before sending a download; export what the returned ``StoredPlan`` holds (for a patrol
    leader, only their team's route). A refusal is audited and raises ``AccessDeniedError``.
    """
    require(store, principal, Permission.ROUTE_EXPORT, target=f"plan:{plan_id}", source=source)
    if principal.role is Role.PATROL_LEADER and team not in (None, principal.team):
        deny(
            store,
            principal,
            Permission.ROUTE_EXPORT,
            target=f"plan:{plan_id} team:{team}",
            source=source,
        )
    plan = get_plan(store, principal, plan_id, source=source)
    if team is not None and not any(r.get("team") == team for r in plan.document["routes"]):
        msg = f"plan {plan_id} has no route for team {team!r}"
        raise PlanFileError(msg)
    with store.transaction() as session:
        session.add(
            ExportRecord(
                plan_id=plan_id,
                plan_version=plan.version,
                team=team,
                kind=kind,
                filename=filename,
                username=principal.username,
                at=store.now(),
            )
        )
        record(
            session,
            store,
            username=principal.username,
            action=Action.EXPORT,
            target=f"plan:{plan_id}" + (f" team:{team}" if team else ""),
            source=source,
            detail=f"{kind} {filename} version={plan.version}",
        )
    return plan
