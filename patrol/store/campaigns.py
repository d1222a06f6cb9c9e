"""Loudspeaker campaign weeks in the store: the runs planned, then marked made or not made.

- ``save_week``: a commander saves the planned week (``geodata.campaign.CampaignWeek``) of one
  vehicle kind. Saving the same week and kind again replaces its runs still *planned*; a run
  already marked made or not made is kept as it is, and the new plan's run in that slot is not
  added (the slot has been accounted for). The week's residential groups and streets are kept
  with it, so the monthly review measures coverage against the streets the week was planned on.
- ``mark_run``: a commander marks a run made, or not made with a reason (a run marked by mistake
  can be set back to planned). Patrol leaders may do neither: campaign runs are the ward police's
  vehicles, not a patrol team's, so a leader's own-team rule cannot bound them; the commander
  marks them from the duty log.
- ``list_runs``: the runs of a period (commanders); ``campaign_for_review``: the period's runs
  and streets as ``geodata.review.campaign.CampaignLog``, for the monthly review.

Every save and every change of status is written to the audit log in its own transaction; a
refusal is audited too (``auth.deny``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from patrol.store.audit import Action, record
from patrol.store.auth import Permission, Principal, require
from patrol.store.db import Store
from patrol.store.models import Area, CampaignRunRow, CampaignWeekRow
from patrol.store.wards import get_or_create_area
from patrolbase.errors import PatrolError

if TYPE_CHECKING:
    from geodata.campaign import CampaignWeek
    from geodata.review.campaign import CampaignLog

__all__ = [
    "RUN_STATUSES",
    "SavedWeek",
    "StoredRun",
    "campaign_for_review",
    "list_runs",
    "mark_run",
    "save_week",
    "street_key",
]

RUN_STATUSES = ("planned", "made", "not_made")


@dataclass(frozen=True)
class SavedWeek:
    """What a save did: the week's id, runs written, runs kept (already marked)."""

    week_id: int
    planned: int
    kept: int
    replaced: int


@dataclass(frozen=True)
class StoredRun:
    """A stored run of a campaign week."""

    run_id: int
    week_of: date
    day: date
    start: str
    vehicle: str
    vehicle_no: int
    purpose: str
    minutes: float
    length_m: float
    broadcast_m: float
    street_ids: tuple[int, ...]
    streets: tuple[str, ...]
    group_ids: tuple[str, ...]
    path: tuple[tuple[float, float], ...]
    status: str
    reason: str
    saved_by: str
    saved_at: datetime
    marked_by: str | None
    marked_at: datetime | None


def street_key(orientations: Any, length_m: float) -> str:
    """Name a residential street across weeks: its two end nodes and its length (0,1 m)."""
    u, v = int(orientations[0][0]), int(orientations[0][1])
    return f"{min(u, v)}-{max(u, v)}-{round(float(length_m), 1)}"


def _snapshot(week: CampaignWeek) -> tuple[str, str]:
    groups = [
        {"group_id": str(g), "name": str(row["name"]), "buildings": int(row.get("buildings", 0))}
        for g, row in week.groups.iterrows()
    ]
    streets = [
        {
            "street_id": int(s),
            "key": street_key(row["orientations"], row["length_m"]),
            "name": str(row["name"]),
            "group_id": str(row["group_id"]),
            "length_m": round(float(row["length_m"]), 1),
        }
        for s, row in week.streets.iterrows()
    ]
    return json.dumps(groups, ensure_ascii=False), json.dumps(streets, ensure_ascii=False)


def save_week(
    store: Store, principal: Principal, week: CampaignWeek, *, source: str = ""
) -> SavedWeek:
    """Save ``week``'s runs as planned, replacing the runs of the same week still planned.

    Raises
    ------
    AccessDeniedError
        The user may not plan (commanders only); the refusal is audited.

    """
    target = f"campaign:{week.week_of.isoformat()} {week.vehicle}"
    require(store, principal, Permission.PLAN_EDIT, target=target, source=source, area=week.area)
    groups, streets = _snapshot(week)
    group_of = {int(s): str(g) for s, g in week.streets["group_id"].items()}
    now = store.now()
    with store.transaction() as session:
        area_id = get_or_create_area(session, store, week.area)
        row = session.scalars(
            select(CampaignWeekRow)
            .where(
                CampaignWeekRow.area_id == area_id,
                CampaignWeekRow.week_of == week.week_of,
                CampaignWeekRow.vehicle == week.vehicle,
            )
            .with_for_update()
        ).one_or_none()
        if row is None:
            row = CampaignWeekRow(area_id=area_id, week_of=week.week_of, vehicle=week.vehicle)
            session.add(row)
        row.vehicles, row.depot, row.groups, row.streets = (
            week.vehicles,
            week.depot,
            groups,
            streets,
        )
        row.saved_by, row.saved_at = principal.username, now
        session.flush()
        old = list(session.scalars(select(CampaignRunRow).where(CampaignRunRow.week_id == row.id)))
        replaced = [r for r in old if r.status == "planned"]
        kept = {(r.day, r.start, r.vehicle_no) for r in old if r.status != "planned"}
        for r in replaced:
            session.delete(r)
        session.flush()
        written = 0
        for run in week.runs:
            if (run.day, run.start, run.vehicle_no) in kept:
                continue
            session.add(
                CampaignRunRow(
                    week_id=row.id,
                    area_id=area_id,
                    day=run.day,
                    start=run.start,
                    vehicle=week.vehicle,
                    vehicle_no=run.vehicle_no,
                    purpose=run.purpose,
                    minutes=round(run.duration_s / 60, 1),
                    length_m=run.length_m,
                    broadcast_m=run.broadcast_m,
                    street_ids=json.dumps([int(s) for s in run.street_ids]),
                    streets=json.dumps(list(run.streets), ensure_ascii=False),
                    group_ids=json.dumps(
                        list(dict.fromkeys(group_of[int(s)] for s in run.street_ids))
                    ),
                    path=json.dumps([[round(x, 6), round(y, 6)] for x, y in run.path]),
                    status="planned",
                    reason="",
                    saved_by=principal.username,
                    saved_at=now,
                )
            )
            written += 1
        record(
            session,
            store,
            username=principal.username,
            action=Action.CAMPAIGN_SAVE,
            target=f"campaign-week:{row.id} {target}",
            source=source,
            detail=f"planned={written} replaced={len(replaced)} kept={len(kept)}",
        )
        return SavedWeek(row.id, written, len(kept), len(replaced))


def _stored(row: CampaignRunRow, week_of: date) -> StoredRun:
    return StoredRun(
        row.id, week_of, row.day, row.start, row.vehicle, row.vehicle_no, row.purpose,
        row.minutes, row.length_m, row.broadcast_m, tuple(json.loads(row.street_ids)),
        tuple(json.loads(row.streets)), tuple(json.loads(row.group_ids)),
        tuple((float(p[0]), float(p[1])) for p in json.loads(row.path)), row.status, row.reason,
        row.saved_by, row.saved_at, row.marked_by, row.marked_at,
    )  # fmt: skip


def _no_run(day: date, start: str, vehicle_no: int, vehicle: str | None) -> PatrolError:
    kind = f" {vehicle}" if vehicle else ""
    err = PatrolError(
        f"no saved campaign run on {day:%d/%m/%Y} at {start} for vehicle{kind} {vehicle_no}; "
        "save the week first (patrol campaign ... --save) or check the date, time and vehicle"
    )
    err.message_vi = (
        f"Không có chuyến tuyên truyền đã lưu ngày {day:%d/%m/%Y} lúc {start}, xe số {vehicle_no}; "
        "hãy lưu kế hoạch tuần trước hoặc kiểm tra lại ngày, giờ và số xe"
    )
    return err


def mark_run(
    store: Store,
    principal: Principal,
    *,
    area: str,
    day: date,
    start: str,
    vehicle_no: int,
    status: str,
    reason: str = "",
    vehicle: str | None = None,
    source: str = "",
) -> StoredRun:
    """Mark the run of ``day`` at ``start`` of vehicle ``vehicle_no`` made or not made.

    ``vehicle`` (``motorbike`` or ``car``) is needed only when both kinds have a run in that
    slot. ``status`` ``not_made`` needs a ``reason``; ``planned`` sets a run back.

    Raises
    ------
    AccessDeniedError
        The user may not plan (commanders only); the refusal is audited.
    PatrolError
        No such run, two runs match (name the vehicle kind), a bad status, no reason.

    """
    target = f"campaign-run:{day.isoformat()} {start} {vehicle or ''}#{vehicle_no}"
    require(store, principal, Permission.PLAN_EDIT, target=target, source=source, area=area)
    if status not in RUN_STATUSES:
        msg = f"status {status!r}: use one of {', '.join(RUN_STATUSES)}"
        raise PatrolError(msg)
    reason = reason.strip()
    if status == "not_made" and not reason:
        err = PatrolError("a run not made needs a reason: the page's reason box, or --reason")
        err.message_vi = (
            "Chuyến không thực hiện được cần ghi lý do (ví dụ: mưa to, loa hỏng): trên trang, "
            "ô «Lý do không thực hiện»; ở dòng lệnh, --reason"
        )
        raise err
    with store.transaction() as session:
        query = (
            select(CampaignRunRow, CampaignWeekRow.week_of)
            .join(CampaignWeekRow, CampaignRunRow.week_id == CampaignWeekRow.id)
            .join(Area, CampaignRunRow.area_id == Area.id)
            .where(
                Area.name == area,
                CampaignRunRow.day == day,
                CampaignRunRow.start == start,
                CampaignRunRow.vehicle_no == vehicle_no,
            )
            .with_for_update(of=CampaignRunRow)
        )
        if vehicle is not None:
            query = query.where(CampaignRunRow.vehicle == vehicle)
        found = session.execute(query).all()
        if not found:
            raise _no_run(day, start, vehicle_no, vehicle)
        if len(found) > 1:
            err = PatrolError(
                f"{len(found)} runs on {day:%d/%m/%Y} at {start} for vehicle {vehicle_no} "
                "(motorbike and car): name the kind (--kind)"
            )
            err.message_vi = (
                f"Có {len(found)} chuyến (xe mô tô và ô tô) ngày {day:%d/%m/%Y} lúc {start}, "
                f"xe số {vehicle_no}: hãy chọn loại xe"
            )
            raise err
        row, week_of = found[0]
        before = row.status
        row.status, row.reason = status, reason if status == "not_made" else ""
        row.marked_by, row.marked_at = principal.username, store.now()
        record(
            session,
            store,
            username=principal.username,
            action=Action.CAMPAIGN_MARK,
            target=f"campaign-run:{row.id} {day.isoformat()} {start} {row.vehicle}#{vehicle_no}",
            source=source,
            detail=f"{before} -> {status}" + (f": {reason}" if status == "not_made" else ""),
        )
        session.flush()
        return _stored(row, week_of)


def list_runs(
    store: Store, principal: Principal, *, area: str, start: date, end: date
) -> list[StoredRun]:
    """Return the runs of ``area`` with ``start <= day < end``, by day, time and vehicle."""
    require(store, principal, Permission.ROUTE_VIEW_ALL, target="campaign-runs", area=area)
    query = (
        select(CampaignRunRow, CampaignWeekRow.week_of)
        .join(CampaignWeekRow, CampaignRunRow.week_id == CampaignWeekRow.id)
        .join(Area, CampaignRunRow.area_id == Area.id)
        .where(Area.name == area, CampaignRunRow.day >= start, CampaignRunRow.day < end)
        .order_by(
            CampaignRunRow.day, CampaignRunRow.start, CampaignRunRow.vehicle,
            CampaignRunRow.vehicle_no,
        )
    )  # fmt: skip
    with store.read() as session:
        return [_stored(row, week_of) for row, week_of in session.execute(query)]


def campaign_for_review(store: Store, *, area: str, start: date, end: date) -> CampaignLog:
    """Return the runs with ``start <= day < end`` and their weeks' streets, for the review."""
    from geodata.review.campaign import CampaignLog, CampaignRunLog, CampaignStreet

    query = (
        select(CampaignRunRow)
        .join(Area, CampaignRunRow.area_id == Area.id)
        .where(Area.name == area, CampaignRunRow.day >= start, CampaignRunRow.day < end)
        .order_by(CampaignRunRow.day, CampaignRunRow.start, CampaignRunRow.vehicle_no)
    )
    with store.read() as session:
        rows = list(session.scalars(query))
        week_ids = sorted({r.week_id for r in rows})
        weeks = {
            w.id: w
            for w in session.scalars(
                select(CampaignWeekRow).where(CampaignWeekRow.id.in_(week_ids))
            )
        }
    streets: list[CampaignStreet] = []
    keys: dict[int, dict[int, str]] = {}
    for week_id in sorted(weeks, key=lambda i: (weeks[i].week_of, i)):
        week = weeks[week_id]
        names = {g["group_id"]: g["name"] for g in json.loads(week.groups)}
        keys[week_id] = {}
        for s in json.loads(week.streets):
            keys[week_id][int(s["street_id"])] = s["key"]
            streets.append(
                CampaignStreet(
                    s["key"], s["name"], s["group_id"], names.get(s["group_id"], s["group_id"]),
                    float(s["length_m"]),
                )
            )  # fmt: skip
    runs = tuple(
        CampaignRunLog(
            r.day,
            r.start,
            r.vehicle,
            r.vehicle_no,
            r.status,
            r.reason,
            tuple(keys[r.week_id][int(s)] for s in json.loads(r.street_ids)),
        )
        for r in rows
    )
    return CampaignLog(runs, tuple(streets))
