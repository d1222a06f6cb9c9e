"""Repository functions for the ward's records: areas, uploads, facilities, incidents.

Every function takes the ``Store`` first and, for anything a person does, the ``Principal`` from
``patrol.store.auth.authenticate``: the role is checked here, on the server, and each refusal is
audited. An upload is one transaction carrying its own audit row: all of a file's rows are
stored or none (``InputFileError`` lists every problem, and the stored content is exactly what it
was). Frames go in and come out with the columns of ``patrolbase.schema``. Plans are in
``patrol.store.plans``, teams and rosters in ``patrol.store.roster``.

One file past 500 lines: every upload path shares the same transaction-with-audit and
role-check helpers; split, those helpers would become a public API of their own.
"""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patrol.store._checks import (
    BOOL_FACILITY,
    TEXT_FACILITY,
    IncidentRows,
    facility_rows,
    incident_rows,
)
from patrol.store.audit import Action, log_event, record
from patrol.store.auth import Permission, Principal, require
from patrol.store.db import Store
from patrol.store.isolate import read_capped
from patrol.store.models import Area, Facility, FacilityChange, Incident, Upload
from patrol.store.wards import get_or_create_area
from patrolbase.errors import InputFileError, PatrolError, Problem
from patrolbase.schema import FACILITY_COLUMNS, INCIDENT_COLUMNS

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FacilityChangeInfo",
    "UploadResult",
    "edit_facility",
    "facility_history",
    "import_facilities",
    "import_incidents",
    "incident_counts_by_month",
    "load_facilities",
    "load_incidents",
    "upload_facility_file",
    "upload_incident_file",
]

_CHUNK = 500  # ids per IN (...) query, under every database's parameter limit


@dataclass(frozen=True)
class UploadResult:
    """What an upload stored."""

    upload_id: int
    rows: int
    added: int
    changed: int


@dataclass(frozen=True)
class FacilityChangeInfo:
    """One change of a facility's field."""

    at: datetime
    by: str
    field: str
    old: str | None
    new: str | None


# --- uploads ----------------------------------------------------------------------------------


def _check_upload_size(store: Store, path: Path) -> None:
    """Refuse a file too big as sent or, for XLSX (a zip), once unpacked."""
    limit = int(store.settings.store.max_upload_mb * 1024 * 1024)
    size = path.stat().st_size
    unpacked = 0
    if size <= limit and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            unpacked = 0  # the reader reports a broken workbook itself
    if max(size, unpacked) > limit:
        mb = max(size, unpacked) / 1024 / 1024
        raise InputFileError(
            path.name,
            [
                Problem(
                    path.name,
                    None,
                    None,
                    None,
                    f"the file is {mb:.0f} MB (unpacked); the limit is "
                    f"{store.settings.store.max_upload_mb:g} MB: split it into smaller files",
                    f"Tệp quá lớn ({mb:.0f} MB); giới hạn "
                    f"{store.settings.store.max_upload_mb:g} MB: hãy chia thành các tệp nhỏ hơn",
                )
            ],
        )


def upload_incident_file(
    store: Store,
    principal: Principal,
    path: str | Path,
    *,
    area: str,
    bbox: tuple[float, float, float, float] | None = None,
    source: str = "",
) -> UploadResult:
    """Read an incident log with ``geodata.io.read_incidents`` and store it whole, or nothing.

    Raises
    ------
    InputFileError
        Every problem of the file (and rows already stored); nothing was stored. The refusal is
        audited.

    """
    from geodata.io import read_incidents

    path = Path(path)
    frame = _read_upload(
        store, principal, path, Permission.INCIDENT_UPLOAD, read_incidents, bbox, source, area
    )
    return import_incidents(store, principal, frame, area=area, filename=path.name, source=source)


def upload_facility_file(
    store: Store,
    principal: Principal,
    path: str | Path,
    *,
    area: str,
    bbox: tuple[float, float, float, float] | None = None,
    source: str = "",
) -> UploadResult:
    """Read a facility survey with ``geodata.io.read_facility_survey`` and store it, or nothing."""
    from geodata.io import read_facility_survey

    path = Path(path)
    frame = _read_upload(
        store, principal, path, Permission.FACILITY_EDIT, read_facility_survey, bbox, source, area
    )
    return import_facilities(store, principal, frame, area=area, filename=path.name, source=source)


def _read_upload(
    store: Store,
    principal: Principal,
    path: Path,
    permission: Permission,
    reader: Any,
    bbox: tuple[float, float, float, float] | None,
    source: str,
    area: str,
) -> Any:
    """Check the role, the ward and the size, then read the whole file; a refusal is audited."""
    require(store, principal, permission, target=f"file:{path.name}", source=source, area=area)
    cfg = store.settings.store
    try:
        _check_upload_size(store, path)
        if path.stat().st_size > cfg.isolate_upload_mb * 2**20:
            # a large file is read in a child process with a memory cap (patrol.store.isolate)
            return read_capped(reader, path, bbox=bbox, memory_mb=cfg.upload_memory_mb)
        return reader(path, bbox=bbox)
    except InputFileError as exc:
        _audit_refused_upload(store, principal, path.name, exc, source)
        raise


def _audit_refused_upload(
    store: Store, principal: Principal, filename: str, exc: InputFileError, source: str
) -> None:
    log_event(
        store,
        username=principal.username,
        action=Action.UPLOAD,
        target=f"file:{filename}",
        source=source,
        outcome="fail",
        detail=f"{len(exc.problems)} problem(s)",
    )


def import_incidents(
    store: Store,
    principal: Principal,
    frame: gpd.GeoDataFrame,
    *,
    area: str,
    filename: str = "incidents",
    source: str = "",
) -> UploadResult:
    """Store an incidents frame (``INCIDENT_COLUMNS``, index ``incident_id``) in one transaction.

    Parameters
    ----------
    store, principal
        The store and who uploads (needs ``INCIDENT_UPLOAD``).
    frame
        Incidents as ``geodata.io.read_incidents`` returns them.
    area
        The area they belong to (created when new).
    filename, source
        Shown in problems and the audit log.

    Returns
    -------
    UploadResult
        The upload's id and counts.

    Raises
    ------
    InputFileError
        Bad values (row numbers count the header as row 1) or incident ids already stored for
        the area; nothing was stored.

    """
    require(
        store,
        principal,
        Permission.INCIDENT_UPLOAD,
        target=f"file:{filename}",
        source=source,
        area=area,
    )
    rows, problems = incident_rows(frame, filename)
    if rows is not None:
        try:
            return _insert_incidents(store, principal, rows, area, filename, source)
        except IntegrityError:
            problems = _stored_duplicates(store, area, filename, rows.ids)
            if not problems:  # pragma: no cover - another constraint than the id
                raise
    exc = InputFileError(filename, problems)
    _audit_refused_upload(store, principal, filename, exc, source)
    raise exc


_INSERT_SQLITE = (
    "INSERT INTO incidents (area_id, upload_id, incident_id, time, type, lat, lon, facility_id, "
    "description, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert_incidents(
    store: Store,
    principal: Principal,
    rows: IncidentRows,
    area: str,
    filename: str,
    source: str,
) -> UploadResult:
    count = len(rows.ids)
    with store.transaction() as session:
        area_id = get_or_create_area(session, store, area)
        upload = Upload(
            area_id=area_id,
            kind="incidents",
            filename=filename,
            rows=count,
            username=principal.username,
            at=store.now(),
        )
        session.add(upload)
        session.flush()
        values = (
            rows.types,
            rows.lat,
            rows.lon,
            rows.facility_ids,
            rows.descriptions,
            rows.demo,
        )
        connection = session.connection()
        if store.is_sqlite:
            # The driver's executemany with text times in SQLAlchemy's SQLite format: ~10x the
            # ORM's bulk insert, which matters for 100,000-row logs. Rows are built in C (zip);
            # the driver stores True/False as 1/0.
            params = list(
                zip(
                    itertools.repeat(area_id),
                    itertools.repeat(upload.id),
                    rows.ids,
                    rows.time_texts(),
                    *values,
                )
            )
            connection.exec_driver_sql(_INSERT_SQLITE, params)  # type: ignore[arg-type]
        else:
            keys = (
                "incident_id",
                "time",
                "type",
                "lat",
                "lon",
                "facility_id",
                "description",
                "demo",
            )
            columns = (rows.ids, rows.times, *values)
            for start in range(0, count, 20_000):
                chunk = [
                    {
                        "area_id": area_id,
                        "upload_id": upload.id,
                        **dict(zip(keys, values, strict=True)),
                    }
                    for values in zip(*(c[start : start + 20_000] for c in columns), strict=True)
                ]
                connection.execute(insert(Incident), chunk)
        record(
            session,
            store,
            username=principal.username,
            action=Action.UPLOAD,
            target=f"file:{filename}",
            source=source,
            detail=f"incidents area={area} rows={count} upload={upload.id}",
        )
        return UploadResult(upload.id, count, count, 0)


def _stored_duplicates(store: Store, area: str, filename: str, ids: list[str]) -> list[Problem]:
    found: set[str] = set()
    with store.transaction() as session:
        area_id = session.scalars(select(Area.id).where(Area.name == area)).first()
        if area_id is None:
            return []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            found.update(
                session.scalars(
                    select(Incident.incident_id).where(
                        Incident.area_id == area_id, Incident.incident_id.in_(chunk)
                    )
                )
            )
    return [
        Problem(
            filename,
            position + 2,
            "incident_id",
            incident_id,
            f"incident {incident_id!r} is already stored for {area}; remove the row or give "
            "it a new id",
            f"vụ việc {incident_id} đã có trong dữ liệu của địa bàn",
        )
        for position, incident_id in enumerate(ids)
        if incident_id in found
    ]


def import_facilities(
    store: Store,
    principal: Principal,
    frame: gpd.GeoDataFrame,
    *,
    area: str,
    filename: str = "facilities",
    source: str = "",
) -> UploadResult:
    """Store a facilities frame in one transaction: new sites added, changed fields recorded.

    A facility already stored (same ``facility_id`` in the area) is updated field by field and
    every change is kept in its history; sites missing from the file are left as they are.

    Raises
    ------
    InputFileError
        Every bad value; nothing was stored.

    """
    require(
        store,
        principal,
        Permission.FACILITY_EDIT,
        target=f"file:{filename}",
        source=source,
        area=area,
    )
    rows, problems = facility_rows(frame, filename)
    if problems:
        exc = InputFileError(filename, problems)
        _audit_refused_upload(store, principal, filename, exc, source)
        raise exc
    now = store.now()
    added = changed = 0
    with store.transaction() as session:
        area_id = get_or_create_area(session, store, area)
        upload = Upload(
            area_id=area_id,
            kind="facilities",
            filename=filename,
            rows=len(rows),
            username=principal.username,
            at=now,
        )
        session.add(upload)
        session.flush()
        stored = {
            f.facility_id: f
            for f in session.scalars(select(Facility).where(Facility.area_id == area_id))
        }
        for row in rows:
            existing = stored.get(row["facility_id"])
            if existing is None:
                session.add(
                    Facility(area_id=area_id, updated_at=now, updated_by=principal.username, **row)
                )
                added += 1
            elif _apply_changes(session, existing, row, principal.username, now, upload.id):
                changed += 1
        record(
            session,
            store,
            username=principal.username,
            action=Action.UPLOAD,
            target=f"file:{filename}",
            source=source,
            detail=f"facilities area={area} rows={len(rows)} added={added} changed={changed}",
        )
        return UploadResult(upload.id, len(rows), added, changed)


def _apply_changes(
    session: Session,
    facility: Facility,
    values: Mapping[str, Any],
    username: str,
    now: datetime,
    upload_id: int | None,
) -> bool:
    changed = False
    for name, new in values.items():
        if name == "facility_id":
            continue
        old = getattr(facility, name)
        if old == new:
            continue
        session.add(
            FacilityChange(
                facility_pk=facility.id,
                upload_id=upload_id,
                changed_at=now,
                changed_by=username,
                field=name,
                old_value=None if old is None else str(old),
                new_value=None if new is None else str(new),
            )
        )
        setattr(facility, name, new)
        changed = True
    if changed:
        facility.updated_at, facility.updated_by = now, username
    return changed


def edit_facility(
    store: Store,
    principal: Principal,
    *,
    area: str,
    facility_id: str,
    changes: Mapping[str, Any],
    source: str = "",
) -> bool:
    """Change some fields of one facility (history kept); return whether anything changed."""
    require(
        store,
        principal,
        Permission.FACILITY_EDIT,
        target=f"facility:{facility_id}",
        source=source,
        area=area,
    )
    allowed = set(TEXT_FACILITY) | set(BOOL_FACILITY) | {"kind", "cash_level", "lat", "lon"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        msg = f"facility {facility_id}: cannot change {', '.join(unknown)}"
        raise PatrolError(msg)
    with store.transaction() as session:
        facility = session.scalars(
            select(Facility)
            .join(Area)
            .where(Area.name == area, Facility.facility_id == facility_id)
        ).one_or_none()
        if facility is None:
            msg = f"no facility {facility_id!r} in area {area!r}"
            raise PatrolError(msg)
        current = {name: getattr(facility, name) for name in allowed}
        frame_like = _single_row_frame({**current, **changes}, facility_id)
        rows, problems = facility_rows(frame_like, f"facility {facility_id}")
        if problems:
            raise InputFileError(facility_id, problems)
        changed = _apply_changes(session, facility, rows[0], principal.username, store.now(), None)
        if changed:
            record(
                session,
                store,
                username=principal.username,
                action=Action.EDIT,
                target=f"facility:{facility_id}",
                source=source,
                detail=", ".join(sorted(changes)),
            )
        return changed


def _single_row_frame(values: Mapping[str, Any], index: str) -> Any:
    import pandas as pd

    data = {name: [values.get(name, "")] for name in FACILITY_COLUMNS if name != "geometry"}
    return pd.DataFrame(data, index=pd.Index([index], name="facility_id"))


def facility_history(store: Store, *, area: str, facility_id: str) -> list[FacilityChangeInfo]:
    """Every recorded change of a facility, oldest first."""
    with store.read() as session:
        query = (
            select(FacilityChange)
            .join(Facility)
            .join(Area)
            .where(Area.name == area, Facility.facility_id == facility_id)
            .order_by(FacilityChange.id)
        )
        return [
            FacilityChangeInfo(c.changed_at, c.changed_by, c.field, c.old_value, c.new_value)
            for c in session.scalars(query)
        ]


# --- reading frames back ----------------------------------------------------------------------


def load_facilities(store: Store, principal: Principal, *, area: str) -> gpd.GeoDataFrame:
    """Return the stored facilities of an area as the facilities frame (``FACILITY_COLUMNS``)."""
    import geopandas as gpd
    import pandas as pd

    require(store, principal, Permission.MAP_VIEW, target=f"area:{area}", area=area)
    with store.read() as session:
        items = session.scalars(
            select(Facility).join(Area).where(Area.name == area).order_by(Facility.id)
        ).all()
    data: dict[str, list[Any]] = {name: [] for name in FACILITY_COLUMNS if name != "geometry"}
    for item in items:
        for name in data:
            data[name].append(getattr(item, name))
    frame = pd.DataFrame(data, index=pd.Index([i.facility_id for i in items], name="facility_id"))
    for name in BOOL_FACILITY:
        frame[name] = frame[name].astype("boolean")
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def load_incidents(
    store: Store,
    principal: Principal,
    *,
    area: str,
    start: datetime | None = None,
    end: datetime | None = None,
) -> gpd.GeoDataFrame:
    """Return the stored incidents of an area, optionally ``start <= time < end`` (local)."""
    import geopandas as gpd
    import pandas as pd

    require(store, principal, Permission.INCIDENT_VIEW, target=f"area:{area}", area=area)
    columns = [
        Incident.incident_id,
        Incident.time,
        Incident.type,
        Incident.lat,
        Incident.lon,
        Incident.facility_id,
        Incident.description,
        Incident.demo,
    ]
    query = select(*columns).join(Area).where(Area.name == area).order_by(Incident.time)
    if start is not None:
        query = query.where(Incident.time >= start)
    if end is not None:
        query = query.where(Incident.time < end)
    with store.read() as session:
        rows = session.execute(query).all()
    names = ["incident_id", *[c for c in INCIDENT_COLUMNS if c != "geometry"]]
    frame = pd.DataFrame(rows, columns=names).set_index("incident_id")
    frame["time"] = pd.to_datetime(frame["time"])
    frame["demo"] = frame["demo"].astype(bool)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def incident_counts_by_month(
    store: Store, principal: Principal, *, area: str, year: int | None = None
) -> dict[str, int]:
    """Incidents per month ``YYYY-MM`` of an area (for reports and the hotspot review)."""
    require(store, principal, Permission.INCIDENT_VIEW, target=f"area:{area}", area=area)
    with store.read() as session:
        area_id = session.scalars(select(Area.id).where(Area.name == area)).first()
        if area_id is None:
            return {}
        if store.is_sqlite:
            month = func.strftime("%Y-%m", Incident.time)
        else:
            month = func.to_char(Incident.time, "YYYY-MM")
        query = select(month, func.count()).where(Incident.area_id == area_id)
        if year is not None:
            query = query.where(
                Incident.time >= datetime(year, 1, 1), Incident.time < datetime(year + 1, 1, 1)
            )
        query = query.group_by(month).order_by(month)
        return {str(m): int(n) for m, n in session.execute(query)}
