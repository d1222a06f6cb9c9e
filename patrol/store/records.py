"""Patrol records: what a team actually did on a night, from its GPS track, kept and audited.

- ``add_record``: the commander (any team) or a patrol leader (their own team, in their own
  ward) uploads a team's track of a night. It is matched to the night's approved plan (the
  latest approved version of the ward's plans for that date that has a route for the team;
  ``geodata.trackmatch``) and stored with the result, in one transaction with its audit row.
  A track of another night or area, or a broken file, is refused before anything is written.
  A night without an approved plan keeps the track and says so (``plan_id`` is ``None``).
- ``list_records``: the records a user may see; ``records_for_review``: the latest record of
  each team and night of a period, each counted once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from patrol.store.audit import Action, record
from patrol.store.auth import Permission, Principal, Role, deny, require, require_ward
from patrol.store.db import Store
from patrol.store.models import Area, PatrolRecord, Plan, PlanVersion
from patrol.store.wards import get_or_create_area
from patrolbase.settings import Settings

if TYPE_CHECKING:
    from geodata.trackmatch import TrackMatch
    from geodata.tracks import Track

__all__ = ["StoredRecord", "add_record", "approved_plan_of_night", "list_records",
           "records_for_review"]  # fmt: skip


@dataclass(frozen=True)
class StoredRecord:
    """A stored patrol record with its match (``TrackMatch``) and track points."""

    record_id: int
    area: str
    shift_date: date
    team: str
    plan_id: int | None
    plan_version: int | None
    filename: str
    match: TrackMatch
    track: list[list[float]]
    uploaded_by: str
    uploaded_at: datetime


def approved_plan_of_night(
    store: Store, *, area: str, shift_date: date, team: str | None = None
) -> tuple[int, int, dict[str, Any]] | None:
    """``(plan id, version, document)`` of the night's approved plan, ``None`` when none.

    Of the ward's plans for ``shift_date``, the latest approved version of each; the newest plan
    with a route for ``team`` (any plan when ``team`` is ``None``).
    """
    query = (
        select(PlanVersion, Plan)
        .join(Plan, PlanVersion.plan_id == Plan.id)
        .join(Area, Plan.area_id == Area.id)
        .where(Area.name == area, Plan.shift_date == shift_date, PlanVersion.status == "approved")
        .order_by(Plan.id.desc(), PlanVersion.version.desc())
    )
    seen: set[int] = set()
    with store.read() as session:
        for version, plan in session.execute(query):
            if plan.id in seen:
                continue
            seen.add(plan.id)
            document = json.loads(version.document)
            if team is None or any(r.get("team") == team for r in document.get("routes", [])):
                return plan.id, version.version, document
    return None


def _check_team(store: Store, principal: Principal, *, area: str, team: str, source: str) -> None:
    """Refuse (audited) a patrol leader's upload for another team or ward."""
    if principal.role is not Role.PATROL_LEADER:
        return
    with store.read() as session:
        area_id = session.scalars(select(Area.id).where(Area.name == area)).first()
    if principal.team != team or area_id is None or principal.team_area_id != area_id:
        deny(store, principal, Permission.RECORD_UPLOAD, target=f"team:{team}", source=source)


def add_record(
    store: Store,
    principal: Principal,
    track: Track,
    *,
    area: str,
    bbox: tuple[float, float, float, float],
    team: str,
    shift_date: date | None = None,
    settings: Settings | None = None,
    source: str = "",
) -> StoredRecord:
    """Match ``track`` to the night's approved plan and store it (audited).

    Parameters
    ----------
    store, principal
        The store and who uploads.
    track
        The team's GPS track (``geodata.tracks.read_track``).
    area
        The ward's area name.
    bbox
        The area's extent: a track mostly outside is refused.
    team
        The team id (``T1``).
    shift_date
        The night; default: the night the track was recorded (``geodata.trackmatch.night_of``).
    settings
        ``records`` and ``cover`` settings.
    source
        Where the upload came from (client address, ``cli``), for the audit log.

    Raises
    ------
    InputFileError
        The track is of another night or area, or the plan has no route for ``team``.
    AccessDeniedError
        The user may not upload records, or a patrol leader uploads another team's track.

    """
    from geodata.trackmatch import match_track, night_of
    from routing.model import PatrolPlan

    settings = settings or Settings()
    require(
        store, principal, Permission.RECORD_UPLOAD, target=f"team:{team}", source=source, area=area
    )
    _check_team(store, principal, area=area, team=team, source=source)
    night = shift_date or night_of(track, cutoff_h=settings.risk.night_date_cutoff_h)
    found = approved_plan_of_night(store, area=area, shift_date=night, team=team)
    plan = PatrolPlan.from_dict(found[2]) if found else None
    result = match_track(
        track,
        team=team,
        bbox=bbox,
        plan=plan,
        plan_id=found[0] if found else None,
        settings=settings,
    )
    now = store.now()
    with store.transaction() as session:
        area_id = get_or_create_area(session, store, area)
        row = PatrolRecord(
            area_id=area_id,
            shift_date=result.shift_date,
            team=team,
            plan_id=found[0] if found else None,
            plan_version=found[1] if found else None,
            filename=track.name,
            format=track.format,
            points=len(track),
            distance_m=result.distance_m,
            track=json.dumps(track.to_list()),
            result=json.dumps(result.to_dict(), ensure_ascii=False),
            uploaded_by=principal.username,
            uploaded_at=now,
        )
        session.add(row)
        session.flush()
        made = f"{result.stops_made}/{result.stops_planned}" if found else "no approved plan"
        record(
            session,
            store,
            username=principal.username,
            action=Action.RECORD_UPLOAD,
            target=f"record:{row.id} team:{team} night:{result.shift_date.isoformat()}",
            source=source,
            detail=f"{track.name} plan:{found[0] if found else '-'} stops {made}",
        )
        record_id = row.id
    return StoredRecord(
        record_id, area, result.shift_date, team, row.plan_id, row.plan_version, track.name,
        result, track.to_list(), principal.username, now,
    )  # fmt: skip


def _stored(row: PatrolRecord, area: str) -> StoredRecord:
    from geodata.trackmatch import TrackMatch

    return StoredRecord(
        row.id, area, row.shift_date, row.team, row.plan_id, row.plan_version, row.filename,
        TrackMatch.from_dict(json.loads(row.result)), json.loads(row.track), row.uploaded_by,
        row.uploaded_at,
    )  # fmt: skip


def list_records(
    store: Store,
    principal: Principal,
    *,
    area: str,
    shift_date: date | None = None,
) -> list[StoredRecord]:
    """Return the records of ``area`` (of one night when ``shift_date`` is given), newest first.

    Commanders see every team's; a patrol leader their own team's only.
    """
    if not (principal.can(Permission.ROUTE_VIEW_ALL) or principal.can(Permission.RECORD_UPLOAD)):
        deny(store, principal, Permission.ROUTE_VIEW_OWN, target="records")
    require_ward(store, principal, area)
    query = (
        select(PatrolRecord)
        .join(Area, PatrolRecord.area_id == Area.id)
        .where(Area.name == area)
        .order_by(PatrolRecord.shift_date.desc(), PatrolRecord.id.desc())
    )
    if shift_date is not None:
        query = query.where(PatrolRecord.shift_date == shift_date)
    if not principal.can(Permission.ROUTE_VIEW_ALL):
        query = query.where(
            PatrolRecord.team == (principal.team or ""),
            PatrolRecord.area_id == (principal.team_area_id or -1),
        )
    with store.read() as session:
        return [_stored(row, area) for row in session.scalars(query)]


def records_for_review(store: Store, *, area: str, start: date, end: date) -> list[StoredRecord]:
    """Return the latest record of each team and night ``start <= night < end``, oldest first."""
    query = (
        select(PatrolRecord)
        .join(Area, PatrolRecord.area_id == Area.id)
        .where(Area.name == area, PatrolRecord.shift_date >= start, PatrolRecord.shift_date < end)
        .order_by(PatrolRecord.id)
    )
    latest: dict[tuple[date, str], PatrolRecord] = {}
    with store.read() as session:
        for row in session.scalars(query):
            latest[(row.shift_date, row.team)] = row
        return [_stored(latest[key], area) for key in sorted(latest)]
