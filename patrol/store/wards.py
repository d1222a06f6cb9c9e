"""Records belong to their ward: one store of many wards, and users who see only their own.

A ward is an area of the store (``models.Area``); every record carries its ward. A user of a
ward (``User.area_id``) works on the store scoped to it (``Store.for_ward``), held in three
places:

- ``patrol.store.auth.require`` (given ``area=``) refuses a request for another ward's records
  before any query: audited, and answered with both wards named rather than an empty page;
- every ORM statement of a scoped store's sessions reads and writes that ward's rows only
  (``with_loader_criteria``), on SQLite and PostgreSQL alike;
- on PostgreSQL each transaction of a scoped store sets ``patrol.ward_id``, which the forced
  row-level security policies of migration 0007 check: even hand-written SQL sees no other ward.

A user with no ward (``None``: a provincial analyst, the operator at the machine) sees every ward.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from patrol.store.models import (
    Area,
    CampaignRunRow,
    CampaignWeekRow,
    Facility,
    Incident,
    PatrolRecord,
    Person,
    Plan,
    ResidentialGroup,
    Team,
    Upload,
)

if TYPE_CHECKING:
    from patrol.store.db import Store

__all__ = [
    "WARD_RECORDS",
    "ensure_area",
    "get_or_create_area",
    "scope_sessions",
    "ward_id_of",
    "ward_name",
]

WARD_RECORDS: tuple[type[Any], ...] = (
    Upload,
    Facility,
    Incident,
    Team,
    Person,
    Plan,
    PatrolRecord,
    ResidentialGroup,
    CampaignWeekRow,
    CampaignRunRow,
)
"""Tables whose rows carry their ward (``area_id``); their children follow their parent."""


def scope_sessions(factory: sessionmaker[Session], ward_id: int, *, postgres: bool) -> None:
    """Make every session of ``factory`` see and write ward ``ward_id``'s records only."""
    options = [
        with_loader_criteria(Area, Area.id == ward_id, include_aliases=True),
        *(
            with_loader_criteria(table, table.area_id == ward_id, include_aliases=True)
            for table in WARD_RECORDS
        ),
    ]

    def only_the_ward(state: ORMExecuteState) -> None:
        if (state.is_select or state.is_update or state.is_delete) and not (
            state.is_column_load or state.is_relationship_load
        ):
            state.statement = state.statement.options(*options)

    event.listen(factory, "do_orm_execute", only_the_ward)
    if postgres:

        def set_ward(_session: Session, _transaction: Any, connection: Any) -> None:
            connection.execute(
                text("SELECT set_config('patrol.ward_id', :ward, true)"), {"ward": str(ward_id)}
            )

        event.listen(factory, "after_begin", set_ward)


def get_or_create_area(session: Session, store: Store, name: str, *, source: str = "") -> int:
    """Return the id of ward (area) ``name`` inside ``session``, creating the ward when new."""
    found = ward_id_of(session, name)
    if found is not None:
        return found
    area = Area(name=name, source=source, created_at=store.now())
    session.add(area)
    session.flush()
    return area.id


def ensure_area(store: Store, name: str, *, source: str = "") -> int:
    """Return the id of the ward (area) called ``name``, created when new."""
    with store.transaction() as session:
        return get_or_create_area(session, store, name, source=source)


def ward_id_of(session: Session, name: str) -> int | None:
    """Return the id of the ward (area) called ``name``; ``None`` when the store has none."""
    return session.scalars(select(Area.id).where(Area.name == name)).first()


def ward_name(session: Session, ward_id: int | None) -> str | None:
    """Return the name of ward ``ward_id``; ``None`` for no ward (every ward)."""
    if ward_id is None:
        return None
    area = session.get(Area, ward_id)
    return None if area is None else area.name
