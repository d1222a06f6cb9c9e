"""The ward's own residential groups in the store: an accepted file replaces them whole.

A file of groups (GeoJSON, KML, or a table of street names per group: see
``geodata.io.groups.read_group_file``) is checked whole before anything is written; a file with
any problem is refused, the refusal audited, and the stored groups stay as they were. An
accepted file replaces the area's groups in one transaction carrying its upload row and its
audit row, as the other uploads do (``patrol.store.repo``, whose role-check, size-check and
audit helpers this module shares). ``load_groups`` gives them back as the frame
``geodata.streets.residential_groups(given=...)`` takes; the commands use them when no
``--groups`` file is given (``stored_groups``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from patrol.store.audit import Action, record
from patrol.store.auth import Permission, Principal, require
from patrol.store.db import Store
from patrol.store.models import Area, ResidentialGroup, Upload, User
from patrol.store.repo import (
    UploadResult,
    _audit_refused_upload,
    _check_upload_size,
    get_or_create_area,
)
from patrolbase.errors import InputFileError

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area as MapArea
    from patrolbase.settings import Settings

__all__ = ["StoredGroups", "import_groups", "load_groups", "stored_groups", "upload_group_file"]


@dataclass(frozen=True)
class StoredGroups:
    """The area's stored groups and the upload they came from."""

    frame: gpd.GeoDataFrame
    """EPSG:4326, columns ``name``, ``geometry`` and, from a table, ``streets``."""
    filename: str
    by: str
    """Who uploaded them: the account's full name (its login when it has none)."""
    at: datetime


def upload_group_file(
    store: Store,
    principal: Principal,
    path: str | Path,
    *,
    area: MapArea,
    source: str = "",
) -> UploadResult:
    """Read a file of residential groups, checked whole, and store it in place of the old groups.

    Parameters
    ----------
    store, principal
        The store and who uploads (needs ``FACILITY_EDIT``).
    path
        The file; its name (kept in messages and the audit log) says its kind.
    area
        The area's map: its extent for polygons, its street names for a table.
    source
        Where the request came from (audit log).

    Returns
    -------
    UploadResult
        ``rows`` and ``added``: the groups stored; ``changed``: the groups they replaced.

    Raises
    ------
    InputFileError
        Every problem of the file; nothing stored changed. The refusal is audited.

    """
    from geodata.io.groups import read_group_file

    path = Path(path)
    require(
        store,
        principal,
        Permission.FACILITY_EDIT,
        target=f"file:{path.name}",
        source=source,
        area=area.name,
    )
    try:
        _check_upload_size(store, path)
        frame = read_group_file(path, area=area)
    except InputFileError as exc:
        _audit_refused_upload(store, principal, path.name, exc, source)
        raise
    return import_groups(store, principal, frame, area=area.name, filename=path.name, source=source)


def import_groups(
    store: Store,
    principal: Principal,
    frame: gpd.GeoDataFrame,
    *,
    area: str,
    filename: str = "groups",
    source: str = "",
) -> UploadResult:
    """Replace the area's groups by ``frame`` (``read_group_file``'s) in one transaction."""
    import shapely

    require(
        store,
        principal,
        Permission.FACILITY_EDIT,
        target=f"file:{filename}",
        source=source,
        area=area,
    )
    lists = frame["streets"] if "streets" in frame.columns else [()] * len(frame)
    with store.transaction() as session:
        area_id = get_or_create_area(session, store, area)
        replaced = session.scalar(
            select(func.count(ResidentialGroup.id)).where(ResidentialGroup.area_id == area_id)
        )
        session.execute(delete(ResidentialGroup).where(ResidentialGroup.area_id == area_id))
        upload = Upload(
            area_id=area_id,
            kind="groups",
            filename=filename,
            rows=len(frame),
            username=principal.username,
            at=store.now(),
        )
        session.add(upload)
        session.flush()
        for position, (name, geometry, streets) in enumerate(
            zip(frame["name"], frame.geometry, lists, strict=True)
        ):
            session.add(
                ResidentialGroup(
                    area_id=area_id,
                    upload_id=upload.id,
                    position=position,
                    name=str(name),
                    geometry=shapely.to_geojson(geometry),
                    streets=json.dumps(list(streets), ensure_ascii=False),
                )
            )
        record(
            session,
            store,
            username=principal.username,
            action=Action.UPLOAD,
            target=f"file:{filename}",
            source=source,
            detail=f"groups area={area} rows={len(frame)} replaced={replaced} upload={upload.id}",
        )
        return UploadResult(upload.id, len(frame), len(frame), int(replaced or 0))


def load_groups(store: Store, principal: Principal, *, area: str) -> StoredGroups | None:
    """Return the area's stored groups in the file's order; ``None`` when none are stored."""
    import geopandas as gpd
    import shapely

    require(store, principal, Permission.MAP_VIEW, target=f"area:{area}", area=area)
    with store.read() as session:
        rows = session.execute(
            select(ResidentialGroup, Upload)
            .join(Area, ResidentialGroup.area_id == Area.id)
            .join(Upload, ResidentialGroup.upload_id == Upload.id)
            .where(Area.name == area)
            .order_by(ResidentialGroup.position)
        ).all()
        if not rows:
            return None
        upload = rows[0][1]
        by = session.scalar(select(User.display_name).where(User.username == upload.username))
    streets = [tuple(json.loads(group.streets)) for group, _ in rows]
    data: dict[str, list[object]] = {"name": [group.name for group, _ in rows]}
    if any(streets):
        data["streets"] = list(streets)
    frame = gpd.GeoDataFrame(
        data,
        geometry=[shapely.from_geojson(group.geometry) for group, _ in rows],
        crs=4326,
    )
    return StoredGroups(frame, upload.filename, by or upload.username, upload.at)


def stored_groups(
    settings: Settings, principal: Principal, *, area: str
) -> gpd.GeoDataFrame | None:
    """Return the groups kept in the ward's store, or ``None`` when there is no store or none.

    For the commands: a store that does not exist yet is not created.
    """
    from patrol.store.db import DB_FILENAME, default_data_dir, open_store

    if not settings.store.database_url and not (default_data_dir(settings) / DB_FILENAME).exists():
        return None
    store = open_store(settings)
    try:
        kept = load_groups(store, principal, area=area)
    finally:
        store.close()
    return None if kept is None else kept.frame
