"""Repository functions: what the dashboard and the commands read and write.

Every function takes the ``Store`` first and, for anything a person does, the ``Principal`` from
``patrol.store.auth.authenticate``: the role and the record are checked here, on the server, and
each refusal is audited. Writes are single transactions that carry their own audit row:

- an upload stores all of a file's rows or none (``InputFileError`` lists every problem, and the
  stored content is exactly what it was);
- a plan is saved with the version it was read at; when someone saved in between,
  ``ConflictError`` says who and when, and nothing is overwritten;
- a patrol leader sees only approved plans, and in them only the route of their own team.

Frames go in and come out with the columns of ``geodata.schema``.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geodata.schema import FACILITY_COLUMNS, INCIDENT_COLUMNS, CashLevel, FacilityKind, IncidentType
from patrol.errors import ConflictError, InputFileError, PatrolError, PlanFileError, Problem
from patrol.store.audit import Action, log_event, record
from patrol.store.auth import Permission, Principal, Role, deny, require
from patrol.store.db import Store
from patrol.store.models import (
    Area,
    ExportRecord,
    Facility,
    FacilityChange,
    Incident,
    Person,
    Plan,
    PlanVersion,
    RosterEntry,
    Team,
    Upload,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FacilityChangeInfo",
    "PlanRef",
    "StoredPlan",
    "UploadResult",
    "add_person",
    "add_team",
    "approve_plan",
    "assign_roster",
    "edit_facility",
    "ensure_area",
    "facility_history",
    "find_team",
    "get_plan",
    "import_facilities",
    "import_incidents",
    "incident_counts_by_month",
    "list_plans",
    "load_facilities",
    "load_incidents",
    "plan_versions",
    "record_export",
    "roster",
    "save_plan",
    "upload_facility_file",
    "upload_incident_file",
]

_TEXT_FACILITY = ("name", "source", "osm_id", "address", "opening_hours", "operator", "contact",
                  "notes")  # fmt: skip
_BOOL_FACILITY = ("guard", "camera", "alarm")
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


# --- areas ------------------------------------------------------------------------------------


def _area_id(session: Session, store: Store, name: str, *, source: str = "") -> int:
    found = session.scalars(select(Area.id).where(Area.name == name)).first()
    if found is not None:
        return found
    area = Area(name=name, source=source, created_at=store.now())
    session.add(area)
    session.flush()
    return area.id


def ensure_area(store: Store, name: str, *, source: str = "") -> int:
    """The id of the area called ``name``, created when new."""
    with store.transaction() as session:
        return _area_id(session, store, name, source=source)


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
            [Problem(path.name, None, None, None,
                     f"the file is {mb:.0f} MB (unpacked); the limit is "
                     f"{store.settings.store.max_upload_mb:g} MB: split it into smaller files",
                     f"Tệp quá lớn ({mb:.0f} MB); giới hạn "
                     f"{store.settings.store.max_upload_mb:g} MB: hãy chia thành các tệp nhỏ hơn")],
        )  # fmt: skip


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
    require(store, principal, Permission.INCIDENT_UPLOAD, target=f"file:{path.name}",
            source=source)  # fmt: skip
    try:
        _check_upload_size(store, path)
        frame = read_incidents(path, bbox=bbox)
    except InputFileError as exc:
        _audit_refused_upload(store, principal, path.name, exc, source)
        raise
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
    require(store, principal, Permission.FACILITY_EDIT, target=f"file:{path.name}",
            source=source)  # fmt: skip
    try:
        _check_upload_size(store, path)
        frame = read_facility_survey(path, bbox=bbox)
    except InputFileError as exc:
        _audit_refused_upload(store, principal, path.name, exc, source)
        raise
    return import_facilities(store, principal, frame, area=area, filename=path.name, source=source)


def _audit_refused_upload(
    store: Store, principal: Principal, filename: str, exc: InputFileError, source: str
) -> None:
    log_event(store, username=principal.username, action=Action.UPLOAD, target=f"file:{filename}",
              source=source, outcome="fail", detail=f"{len(exc.problems)} problem(s)")  # fmt: skip


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


def _tristate(value: Any) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    import pandas as pd

    if value is pd.NA:
        return None
    return bool(value)


def _missing_columns(frame: Any, columns: Sequence[str], filename: str) -> list[Problem]:
    return [
        Problem(filename, None, name, None,
                f"column {name!r} is missing from the frame; load the file with geodata.io",
                f"thiếu cột {name!r}")  # fmt: skip
        for name in columns
        if name != "geometry" and name not in frame.columns
    ]


def _coordinate_problems(filename: str, row: int, lat: Any, lon: Any) -> list[Problem]:
    problems = []
    for name, value, bound in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not (math.isfinite(number) and -bound <= number <= bound):
            problems.append(
                Problem(filename, row, name, _text(value),
                        f"{name} must be a number within ±{bound:g} degrees (WGS84)",
                        f"{'vĩ độ' if name == 'lat' else 'kinh độ'} phải là số trong "
                        f"khoảng ±{bound:g} độ")  # fmt: skip
            )
    return problems


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
    require(store, principal, Permission.INCIDENT_UPLOAD, target=f"file:{filename}",
            source=source)  # fmt: skip
    rows, problems = _incident_rows(frame, filename)
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


@dataclass(frozen=True)
class _IncidentRows:
    """Checked incident columns, ready to insert (one entry per row)."""

    ids: list[str]
    times: list[datetime]
    types: list[str]
    lat: list[float]
    lon: list[float]
    facility_ids: list[str]
    descriptions: list[str]
    demo: list[bool]


def _incident_rows(frame: Any, filename: str) -> tuple[_IncidentRows | None, list[Problem]]:
    """Check the whole frame column by column (fast on 100,000s of rows); name every problem."""
    import numpy as np
    import pandas as pd

    problems = _missing_columns(frame, INCIDENT_COLUMNS, filename)
    if problems:
        return None, problems
    ids = pd.Series([_text(i).strip() for i in frame.index], dtype=object)
    times = frame["time"]
    if not (pd.api.types.is_datetime64_dtype(times) and getattr(times.dt, "tz", None) is None):
        times = pd.Series([v if isinstance(v, datetime | pd.Timestamp) and v.tzinfo is None
                           else pd.NaT for v in times], dtype="datetime64[ns]")  # fmt: skip
    times = pd.Series(times.to_numpy(), dtype="datetime64[ns]")
    types = pd.Series(frame["type"].to_numpy(), dtype=object).map(_text)
    coords = {name: pd.to_numeric(pd.Series(frame[name].to_numpy(), dtype=object),
                                  errors="coerce").astype(float)
              for name in ("lat", "lon")}  # fmt: skip
    bad_id = ids.map(lambda v: not v or len(v) > 100).to_numpy(bool)
    duplicate = ids.duplicated().to_numpy(bool) & ~bad_id
    bad_time = times.isna().to_numpy(bool)
    bad_type = ~types.isin([t.value for t in IncidentType]).to_numpy(bool)
    bad_coord = {name: ~(np.isfinite(values.to_numpy()) & (values.abs() <= bound).to_numpy())
                 for (name, values), bound in zip(coords.items(), (90.0, 180.0), strict=True)}  # fmt: skip
    bad = bad_id | duplicate | bad_time | bad_type | bad_coord["lat"] | bad_coord["lon"]
    if bad.any():
        first_row = {v: k + 2 for k, v in reversed(list(enumerate(ids)))}
        for k in np.flatnonzero(bad):
            row, raw = int(k) + 2, frame.iloc[int(k)]
            if bad_id[k]:
                problems.append(Problem(filename, row, "incident_id", ids[k],
                                        "each incident needs an id of 1-100 characters",
                                        "mỗi vụ việc cần mã từ 1 đến 100 ký tự"))  # fmt: skip
            if duplicate[k]:
                problems.append(Problem(filename, row, "incident_id", ids[k],
                                        f"the id is used again (first at row {first_row[ids[k]]})",
                                        f"mã vụ việc bị trùng (đã có ở dòng {first_row[ids[k]]})"))  # fmt: skip
            if bad_time[k]:
                problems.append(Problem(filename, row, "time", _text(raw["time"]),
                                        "time must be a local date and time (no time zone)",
                                        "thời gian phải là ngày giờ địa phương"))  # fmt: skip
            if bad_type[k]:
                problems.append(Problem(filename, row, "type", types[k],
                                        "type must be one of "
                                        + ", ".join(t.value for t in IncidentType),
                                        "loại vụ việc không hợp lệ"))  # fmt: skip
            if bad_coord["lat"][k] or bad_coord["lon"][k]:
                problems += _coordinate_problems(filename, row, raw["lat"], raw["lon"])
        return None, problems
    texts = {name: pd.Series(frame[name].to_numpy(), dtype=object).map(_text).tolist()
             for name in ("facility_id", "description")}  # fmt: skip
    demo = pd.Series(frame["demo"].to_numpy(), dtype=object).map(_tristate).map(bool).tolist()
    rows = _IncidentRows(ids.tolist(), list(times.dt.to_pydatetime()), types.tolist(),
                         coords["lat"].tolist(), coords["lon"].tolist(), texts["facility_id"],
                         texts["description"], demo)  # fmt: skip
    return rows, problems


_INSERT_SQLITE = (
    "INSERT INTO incidents (area_id, upload_id, incident_id, time, type, lat, lon, facility_id, "
    "description, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert_incidents(
    store: Store,
    principal: Principal,
    rows: _IncidentRows,
    area: str,
    filename: str,
    source: str,
) -> UploadResult:
    count = len(rows.ids)
    with store.transaction() as session:
        area_id = _area_id(session, store, area)
        upload = Upload(area_id=area_id, kind="incidents", filename=filename, rows=count,
                        username=principal.username, at=store.now())  # fmt: skip
        session.add(upload)
        session.flush()
        columns = (rows.ids, rows.times, rows.types, rows.lat, rows.lon, rows.facility_ids,
                   rows.descriptions, rows.demo)  # fmt: skip
        connection = session.connection()
        if store.is_sqlite:
            # The driver's executemany with text times in SQLAlchemy's SQLite format: ~10x the
            # ORM's bulk insert, which matters for 100,000-row logs.
            stamps = [t.strftime("%Y-%m-%d %H:%M:%S.%f") for t in rows.times]
            params = [(area_id, upload.id, i, t, ty, la, lo, f, d, int(de)) for
                      i, t, ty, la, lo, f, d, de in zip(rows.ids, stamps, *columns[2:],
                                                        strict=True)]  # fmt: skip
            connection.exec_driver_sql(_INSERT_SQLITE, params)  # type: ignore[arg-type]
        else:
            keys = ("incident_id", "time", "type", "lat", "lon", "facility_id", "description",
                    "demo")  # fmt: skip
            for start in range(0, count, 20_000):
                chunk = [{"area_id": area_id, "upload_id": upload.id, **dict(zip(keys, values,
                          strict=True))} for values in zip(*(c[start : start + 20_000]
                          for c in columns), strict=True)]  # fmt: skip
                connection.execute(Incident.__table__.insert(), chunk)
        record(session, store, username=principal.username, action=Action.UPLOAD,
               target=f"file:{filename}", source=source,
               detail=f"incidents area={area} rows={count} upload={upload.id}")  # fmt: skip
        return UploadResult(upload.id, count, count, 0)


def _stored_duplicates(store: Store, area: str, filename: str, ids: list[str]) -> list[Problem]:
    found: set[str] = set()
    with store.transaction() as session:
        area_id = session.scalars(select(Area.id).where(Area.name == area)).first()
        if area_id is None:
            return []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            found.update(session.scalars(select(Incident.incident_id).where(
                Incident.area_id == area_id, Incident.incident_id.in_(chunk))))  # fmt: skip
    return [
        Problem(filename, position + 2, "incident_id", incident_id,
                f"incident {incident_id!r} is already stored for {area}; remove the row or give "
                "it a new id", f"vụ việc {incident_id} đã có trong dữ liệu của địa bàn")  # fmt: skip
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
    require(store, principal, Permission.FACILITY_EDIT, target=f"file:{filename}", source=source)
    rows, problems = _facility_rows(frame, filename)
    if problems:
        exc = InputFileError(filename, problems)
        _audit_refused_upload(store, principal, filename, exc, source)
        raise exc
    now = store.now()
    added = changed = 0
    with store.transaction() as session:
        area_id = _area_id(session, store, area)
        upload = Upload(area_id=area_id, kind="facilities", filename=filename, rows=len(rows),
                        username=principal.username, at=now)  # fmt: skip
        session.add(upload)
        session.flush()
        stored = {f.facility_id: f for f in session.scalars(
            select(Facility).where(Facility.area_id == area_id))}  # fmt: skip
        for row in rows:
            existing = stored.get(row["facility_id"])
            if existing is None:
                session.add(Facility(area_id=area_id, updated_at=now,
                                     updated_by=principal.username, **row))  # fmt: skip
                added += 1
            elif _apply_changes(session, existing, row, principal.username, now, upload.id):
                changed += 1
        record(session, store, username=principal.username, action=Action.UPLOAD,
               target=f"file:{filename}", source=source,
               detail=f"facilities area={area} rows={len(rows)} added={added} changed={changed}")  # fmt: skip
        return UploadResult(upload.id, len(rows), added, changed)


def _facility_rows(frame: Any, filename: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    problems = _missing_columns(frame, FACILITY_COLUMNS, filename)
    if problems:
        return [], problems
    kinds = {k.value for k in FacilityKind}
    cash = {c.value for c in CashLevel} | {""}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, (facility_id, record_) in enumerate(zip(frame.index, frame.to_dict("records"),
                                                           strict=True)):  # fmt: skip
        row = position + 2
        fid = _text(facility_id).strip()
        if not fid or len(fid) > 100 or fid in seen:
            problems.append(Problem(filename, row, "facility_id", fid,
                                    "each facility needs a unique id of 1-100 characters",
                                    "mỗi cơ sở cần một mã riêng từ 1 đến 100 ký tự"))  # fmt: skip
        seen.add(fid)
        if _text(record_["kind"]) not in kinds:
            problems.append(Problem(filename, row, "kind", _text(record_["kind"]),
                                    f"kind must be one of {', '.join(sorted(kinds))}",
                                    "loại hình cơ sở không hợp lệ"))  # fmt: skip
        if _text(record_["cash_level"]) not in cash:
            problems.append(Problem(filename, row, "cash_level", _text(record_["cash_level"]),
                                    "cash level must be none, low, medium, high or empty",
                                    "lượng tiền mặt không hợp lệ"))  # fmt: skip
        problems += _coordinate_problems(filename, row, record_["lat"], record_["lon"])
        if problems:
            continue
        values: dict[str, Any] = {"facility_id": fid, "kind": _text(record_["kind"]),
                                  "cash_level": _text(record_["cash_level"]),
                                  "lat": float(record_["lat"]), "lon": float(record_["lon"])}  # fmt: skip
        values |= {name: _text(record_[name]) for name in _TEXT_FACILITY}
        values |= {name: _tristate(record_[name]) for name in _BOOL_FACILITY}
        rows.append(values)
    return rows, problems


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
        session.add(FacilityChange(facility_pk=facility.id, upload_id=upload_id, changed_at=now,
                                   changed_by=username, field=name,
                                   old_value=None if old is None else str(old),
                                   new_value=None if new is None else str(new)))  # fmt: skip
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
    require(store, principal, Permission.FACILITY_EDIT, target=f"facility:{facility_id}",
            source=source)  # fmt: skip
    allowed = set(_TEXT_FACILITY) | set(_BOOL_FACILITY) | {"kind", "cash_level", "lat", "lon"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        msg = f"facility {facility_id}: cannot change {', '.join(unknown)}"
        raise PatrolError(msg)
    with store.transaction() as session:
        facility = session.scalars(select(Facility).join(Area).where(
            Area.name == area, Facility.facility_id == facility_id)).one_or_none()  # fmt: skip
        if facility is None:
            msg = f"no facility {facility_id!r} in area {area!r}"
            raise PatrolError(msg)
        current = {name: getattr(facility, name) for name in allowed}
        frame_like = _single_row_frame({**current, **changes}, facility_id)
        rows, problems = _facility_rows(frame_like, f"facility {facility_id}")
        if problems:
            raise InputFileError(f"facility {facility_id}", problems)
        changed = _apply_changes(session, facility, rows[0], principal.username, store.now(), None)
        if changed:
            record(session, store, username=principal.username, action=Action.EDIT,
                   target=f"facility:{facility_id}", source=source,
                   detail=", ".join(sorted(changes)))  # fmt: skip
        return changed


def _single_row_frame(values: Mapping[str, Any], index: str) -> Any:
    import pandas as pd

    data = {name: [values.get(name, "")] for name in FACILITY_COLUMNS if name != "geometry"}
    return pd.DataFrame(data, index=pd.Index([index], name="facility_id"))


def facility_history(store: Store, *, area: str, facility_id: str) -> list[FacilityChangeInfo]:
    """Every recorded change of a facility, oldest first."""
    with store.transaction() as session:
        query = (
            select(FacilityChange).join(Facility).join(Area)
            .where(Area.name == area, Facility.facility_id == facility_id)
            .order_by(FacilityChange.id)
        )  # fmt: skip
        return [FacilityChangeInfo(c.changed_at, c.changed_by, c.field, c.old_value, c.new_value)
                for c in session.scalars(query)]  # fmt: skip


# --- reading frames back ----------------------------------------------------------------------


def load_facilities(store: Store, principal: Principal, *, area: str) -> gpd.GeoDataFrame:
    """The stored facilities of an area as the facilities frame (``FACILITY_COLUMNS``)."""
    import geopandas as gpd
    import pandas as pd

    require(store, principal, Permission.MAP_VIEW, target=f"area:{area}")
    with store.transaction() as session:
        items = session.scalars(select(Facility).join(Area).where(Area.name == area)
                                .order_by(Facility.id)).all()  # fmt: skip
    data: dict[str, list[Any]] = {name: [] for name in FACILITY_COLUMNS if name != "geometry"}
    for item in items:
        for name in data:
            data[name].append(getattr(item, name))
    frame = pd.DataFrame(data, index=pd.Index([i.facility_id for i in items], name="facility_id"))
    for name in _BOOL_FACILITY:
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
    """Stored incidents of an area, optionally ``start <= time < end`` (local, naive)."""
    import geopandas as gpd
    import pandas as pd

    require(store, principal, Permission.INCIDENT_VIEW, target=f"area:{area}")
    columns = [Incident.incident_id, Incident.time, Incident.type, Incident.lat, Incident.lon,
               Incident.facility_id, Incident.description, Incident.demo]  # fmt: skip
    query = select(*columns).join(Area).where(Area.name == area).order_by(Incident.time)
    if start is not None:
        query = query.where(Incident.time >= start)
    if end is not None:
        query = query.where(Incident.time < end)
    with store.transaction() as session:
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
    require(store, principal, Permission.INCIDENT_VIEW, target=f"area:{area}")
    with store.transaction() as session:
        area_id = session.scalars(select(Area.id).where(Area.name == area)).first()
        if area_id is None:
            return {}
        if store.is_sqlite:
            month = func.strftime("%Y-%m", Incident.time)
        else:
            month = func.to_char(Incident.time, "YYYY-MM")
        query = select(month, func.count()).where(Incident.area_id == area_id)
        if year is not None:
            query = query.where(Incident.time >= datetime(year, 1, 1),
                                Incident.time < datetime(year + 1, 1, 1))  # fmt: skip
        query = query.group_by(month).order_by(month)
        return {str(m): int(n) for m, n in session.execute(query)}


# --- teams, people, rosters -------------------------------------------------------------------


def add_team(store: Store, principal: Principal, *, area: str, name: str) -> int:
    """Create a patrol team of an area; its name is the team id in plans."""
    require(store, principal, Permission.ROSTER_MANAGE, target=f"team:{name}")
    with store.transaction() as session:
        team = Team(area_id=_area_id(session, store, area), name=name)
        session.add(team)
        session.flush()
        record(session, store, username=principal.username, action=Action.EDIT,
               target=f"team:{name}", detail=f"area={area}")  # fmt: skip
        return team.id


def find_team(store: Store, *, area: str, name: str) -> int:
    """The id of team ``name`` of ``area``; ``PatrolError`` naming the teams there if none."""
    with store.transaction() as session:
        query = select(Team.id, Team.name).join(Area).where(Area.name == area)
        teams = {team_name: team_id for team_id, team_name in session.execute(query)}
    if name not in teams:
        known = ", ".join(sorted(teams)) or "none yet"
        msg = f"no team {name!r} in area {area!r} (teams: {known})"
        raise PatrolError(msg)
    return teams[name]


def add_person(
    store: Store, principal: Principal, *, area: str, name: str, unit: str, phone: str = ""
) -> int:
    """Add a member of the forces (``unit``: police, military, militia or grassroots)."""
    require(store, principal, Permission.ROSTER_MANAGE, target=f"person:{name}")
    if unit not in ("police", "military", "militia", "grassroots"):
        msg = f"person {name!r}: unit must be police, military, militia or grassroots"
        raise PatrolError(msg)
    with store.transaction() as session:
        person = Person(area_id=_area_id(session, store, area), name=name, unit=unit, phone=phone)
        session.add(person)
        session.flush()
        record(session, store, username=principal.username, action=Action.EDIT,
               target=f"person:{person.id}")  # fmt: skip
        return person.id


def assign_roster(
    store: Store,
    principal: Principal,
    *,
    team_id: int,
    person_id: int,
    shift_date: date,
    role: str = "",
) -> None:
    """Put a person on a team for a shift (one team per person and date)."""
    require(store, principal, Permission.ROSTER_MANAGE, target=f"team:{team_id}")
    try:
        with store.transaction() as session:
            session.add(RosterEntry(team_id=team_id, person_id=person_id, shift_date=shift_date,
                                    role=role))  # fmt: skip
            session.flush()
            record(session, store, username=principal.username, action=Action.EDIT,
                   target=f"roster:{shift_date.isoformat()}",
                   detail=f"team={team_id} person={person_id}")  # fmt: skip
    except IntegrityError:
        msg = (f"person {person_id} is already on a team on {shift_date.isoformat()}, or the team "
               "or person does not exist")  # fmt: skip
        raise PatrolError(msg) from None


def roster(store: Store, principal: Principal, *, area: str, shift_date: date
           ) -> dict[str, list[tuple[str, str, str]]]:  # fmt: skip
    """Teams of a shift: team name -> [(person, unit, role)]."""
    require(store, principal, Permission.MAP_VIEW, target=f"roster:{shift_date.isoformat()}")
    with store.transaction() as session:
        query = (
            select(Team.name, Person.name, Person.unit, RosterEntry.role)
            .join(RosterEntry, RosterEntry.team_id == Team.id)
            .join(Person, Person.id == RosterEntry.person_id)
            .join(Area, Area.id == Team.area_id)
            .where(Area.name == area, RosterEntry.shift_date == shift_date)
            .order_by(Team.name, Person.name)
        )  # fmt: skip
        teams: dict[str, list[tuple[str, str, str]]] = {}
        for team, person, unit, role in session.execute(query):
            teams.setdefault(team, []).append((person, unit, role))
        return teams


# --- plans ------------------------------------------------------------------------------------


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
    require(store, principal, Permission.PLAN_EDIT, target=f"plan:{plan_id}", source=source)
    document = _plan_document(plan)
    now = store.now()
    with store.transaction() as session:
        if plan_id is None:
            row = Plan(area_id=_area_id(session, store, area), shift_date=shift_date,
                       name=name or str(plan.get("problem", "")), version=1, status="draft",
                       document=document, created_by=principal.username, created_at=now,
                       updated_by=principal.username, updated_at=now)  # fmt: skip
            session.add(row)
            session.flush()
        else:
            row = _locked_plan(session, plan_id, expected_version)
            row.version += 1
            row.document, row.status = document, "draft"
            row.approved_by = row.approved_at = None
            row.updated_by, row.updated_at = principal.username, now
            if name:
                row.name = name
        session.add(PlanVersion(plan_id=row.id, version=row.version, status=row.status,
                                document=document, saved_by=principal.username, saved_at=now))  # fmt: skip
        record(session, store, username=principal.username, action=Action.PLAN_SAVE,
               target=f"plan:{row.id}", source=source, detail=f"version={row.version}")  # fmt: skip
        return PlanRef(row.id, row.version)


def _locked_plan(session: Session, plan_id: int, expected_version: int | None) -> Plan:
    row = session.scalars(select(Plan).where(Plan.id == plan_id).with_for_update()).one_or_none()
    if row is None:
        msg = f"no plan {plan_id}"
        raise PatrolError(msg)
    if expected_version is None or row.version != expected_version:
        msg = (f"plan {plan_id} was saved by {row.updated_by} at "
               f"{row.updated_at:%Y-%m-%d %H:%M} UTC (version {row.version}) after you opened "
               f"version {expected_version}; reload it and make your change again")  # fmt: skip
        err = ConflictError(msg)
        err.message_vi = (f"Kế hoạch đã được {row.updated_by} lưu lúc "
                          f"{row.updated_at:%H:%M %d/%m/%Y} (UTC) sau khi bạn mở; hãy tải lại "
                          "và sửa lại")  # fmt: skip
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
    """Approve the version of a plan the commander looked at (``ConflictError`` if it changed)."""
    require(store, principal, Permission.PLAN_APPROVE, target=f"plan:{plan_id}", source=source)
    now = store.now()
    with store.transaction() as session:
        row = _locked_plan(session, plan_id, expected_version)
        row.status, row.approved_by, row.approved_at = "approved", principal.username, now
        version = session.scalars(select(PlanVersion).where(
            PlanVersion.plan_id == plan_id, PlanVersion.version == row.version)).one()  # fmt: skip
        version.status = "approved"
        record(session, store, username=principal.username, action=Action.PLAN_APPROVE,
               target=f"plan:{plan_id}", source=source, detail=f"version={row.version}")  # fmt: skip
        return PlanRef(row.id, row.version)


def _visible(principal: Principal, row: Plan) -> dict[str, Any] | None:
    """The part of a plan ``principal`` may see, ``None`` for nothing."""
    document: dict[str, Any] = json.loads(row.document)
    if principal.can(Permission.ROUTE_VIEW_ALL):
        return document
    if principal.can(Permission.ROUTE_VIEW_OWN) and principal.team and row.status == "approved":
        routes = [r for r in document.get("routes", []) if r.get("team") == principal.team]
        if routes:
            # Other teams' routes and the unserved sites tell where nobody will be: left out.
            travel_s = sum(int(r.get("travel_s", 0)) for r in routes)
            return {**document, "routes": routes, "unserved": [], "travel_s": travel_s}
    return None


def get_plan(
    store: Store, principal: Principal, plan_id: int, *, source: str = ""
) -> StoredPlan:
    """A plan as ``principal`` may see it: commanders all of it, a patrol leader the route of
    their own team in an approved plan. Anything else is refused (and audited), also when the
    plan does not exist, so ids cannot be probed."""
    with store.transaction() as session:
        row = session.get(Plan, plan_id)
        document = None if row is None else _visible(principal, row)
        area = None if row is None else session.get(Area, row.area_id)
    if row is None or document is None or area is None:
        deny(store, principal, Permission.ROUTE_VIEW_OWN, target=f"plan:{plan_id}", source=source)
    assert row is not None and document is not None and area is not None
    return StoredPlan(row.id, area.name, row.shift_date, row.name, row.version, row.status,
                      document, row.updated_by, row.updated_at, row.approved_by, row.approved_at)  # fmt: skip


def list_plans(store: Store, principal: Principal, *, area: str | None = None) -> list[StoredPlan]:
    """The plans ``principal`` may see (newest first), each cut as ``get_plan`` cuts it."""
    if not (principal.can(Permission.ROUTE_VIEW_ALL) or principal.can(Permission.ROUTE_VIEW_OWN)):
        deny(store, principal, Permission.ROUTE_VIEW_OWN, target="plans")
    query = select(Plan, Area.name).join(Area).order_by(Plan.shift_date.desc(), Plan.id.desc())
    if area is not None:
        query = query.where(Area.name == area)
    out: list[StoredPlan] = []
    with store.transaction() as session:
        for row, area_name in session.execute(query):
            document = _visible(principal, row)
            if document is not None:
                out.append(StoredPlan(row.id, area_name, row.shift_date, row.name, row.version,
                                      row.status, document, row.updated_by, row.updated_at,
                                      row.approved_by, row.approved_at))  # fmt: skip
    return out


def plan_versions(store: Store, principal: Principal, plan_id: int) -> list[tuple[int, str, str, datetime]]:  # fmt: skip
    """``(version, status, saved_by, saved_at)`` of every saved version (commanders)."""
    require(store, principal, Permission.ROUTE_VIEW_ALL, target=f"plan:{plan_id}")
    with store.transaction() as session:
        query = select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(
            PlanVersion.version)  # fmt: skip
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
        deny(store, principal, Permission.ROUTE_EXPORT, target=f"plan:{plan_id} team:{team}",
             source=source)  # fmt: skip
    plan = get_plan(store, principal, plan_id, source=source)
    if team is not None and not any(r.get("team") == team for r in plan.document["routes"]):
        msg = f"plan {plan_id} has no route for team {team!r}"
        raise PlanFileError(msg)
    with store.transaction() as session:
        session.add(ExportRecord(plan_id=plan_id, plan_version=plan.version, team=team, kind=kind,
                                 filename=filename, username=principal.username, at=store.now()))  # fmt: skip
        record(session, store, username=principal.username, action=Action.EXPORT,
               target=f"plan:{plan_id}" + (f" team:{team}" if team else ""), source=source,
               detail=f"{kind} {filename} version={plan.version}")  # fmt: skip
    return plan
