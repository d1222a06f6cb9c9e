"""Tables of the ward's store, as typed SQLAlchemy 2 models.

What the ward keeps: areas; facilities with the survey's attributes and every change to them;
incidents; the ward's own residential groups; people, teams and rosters; plans with every saved
version and the approval; exports made; patrol records (a team's GPS track of a night, matched
to the plan); the loudspeaker campaign's saved weeks and their runs (planned, made, not made);
users (each of a ward, or of the whole province), their login failures and sessions; the
append-only audit log. A store may hold many wards (areas); every record belongs to one. Times
of events are UTC (``UTCDateTime`` gives tz-aware values back on every database); an incident's
``time`` is the ward's local time, tz-naive, as in the incidents frame. Text columns are plain
text: whatever a file holds (formulas, HTML, SQL-like text) is stored as written and escaped
where it is shown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "Area",
    "AuditHead",
    "AuditRow",
    "Base",
    "CampaignRunRow",
    "CampaignWeekRow",
    "ExportRecord",
    "Facility",
    "FacilityChange",
    "Incident",
    "LoginFailure",
    "LoginSession",
    "PatrolRecord",
    "Person",
    "Plan",
    "PlanVersion",
    "ResidentialGroup",
    "RosterEntry",
    "Team",
    "TeamMember",
    "UTCDateTime",
    "Upload",
    "User",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC instant: stored without zone, always read back tz-aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive times (they would be ambiguous) and store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            msg = f"UTCDateTime needs a tz-aware datetime, got naive {value.isoformat()}"
            raise ValueError(msg)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to the stored value."""
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base of every table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, str: Text}


class Area(Base):
    """A ward's area (an OSM extract or a place name)."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(default="")
    created_at: Mapped[datetime]


class Upload(Base):
    """One file loaded into the store: all of its rows or none."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "facilities", "incidents" or "groups"
    filename: Mapped[str]
    rows: Mapped[int]
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class Facility(Base):
    """A surveyed or OSM site, with the columns of ``patrolbase.schema.FACILITY_COLUMNS``."""

    __tablename__ = "facilities"
    __table_args__ = (UniqueConstraint("area_id", "facility_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    facility_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str]
    kind: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    osm_id: Mapped[str]
    address: Mapped[str]
    opening_hours: Mapped[str]
    operator: Mapped[str]
    cash_level: Mapped[str] = mapped_column(String(10))
    guard: Mapped[bool | None] = mapped_column(Boolean)
    camera: Mapped[bool | None] = mapped_column(Boolean)
    alarm: Mapped[bool | None] = mapped_column(Boolean)
    contact: Mapped[str]
    notes: Mapped[str]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))


class FacilityChange(Base):
    """One changed field of a facility: who, when, from what to what."""

    __tablename__ = "facility_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_pk: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    changed_at: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None]
    new_value: Mapped[str | None]


class Incident(Base):
    """An incident of the ward's log (columns of ``patrolbase.schema.INCIDENT_COLUMNS``)."""

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("area_id", "incident_id"),
        Index("ix_incidents_area_time", "area_id", "time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    incident_id: Mapped[str] = mapped_column(String(100))
    time: Mapped[datetime] = mapped_column(DateTime)  # local ward time, tz-naive
    type: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    facility_id: Mapped[str]
    description: Mapped[str]
    demo: Mapped[bool] = mapped_column(Boolean)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"), index=True)


class Team(Base):
    """A standing patrol team (tổ tuần tra) of an area; its ``name`` is the team id in plans.

    ``T1`` is shown as ``Tổ 1``; ``leader_id`` is its leader (tổ trưởng), one of its members.
    """

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("area_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    name: Mapped[str] = mapped_column(String(100))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    vehicle: Mapped[str] = mapped_column(String(20), default="motorbike")
    depot: Mapped[str] = mapped_column(default="")
    """Facility id the team leaves from; empty: the area's ward police post."""


class Person(Base):
    """A member of the patrol forces (``unit``: a code of ``patrol.personnel.UNITS``)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    name: Mapped[str]
    unit: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(default="")
    rank: Mapped[str] = mapped_column(default="")
    """Rank or duty as the unit writes it (Thượng úy, Tiểu đội trưởng)."""


class TeamMember(Base):
    """A person's standing team (one team per person)."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))


class RosterEntry(Base):
    """A person on a team for one shift date."""

    __tablename__ = "roster_entries"
    __table_args__ = (UniqueConstraint("person_id", "shift_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    shift_date: Mapped[date] = mapped_column(Date)
    role: Mapped[str] = mapped_column(String(40), default="")


class Plan(Base):
    """A shift's plan; ``version`` grows by one at each save (the optimistic lock)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    shift_date: Mapped[date] = mapped_column(Date)
    name: Mapped[str]
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))  # "draft" or "approved"
    document: Mapped[str]  # patrol-plan/1 JSON
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None]

    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.version"
    )


class PlanVersion(Base):
    """Every saved version of a plan, kept."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    document: Mapped[str]
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime]

    plan: Mapped[Plan] = relationship(back_populates="versions")


class PatrolRecord(Base):
    """A team's GPS track of one night and how it matched the night's approved plan.

    ``plan_id`` is ``None`` when the night had no approved plan (the track is kept and shown).
    ``track`` is ``[[lon, lat, epoch_s], ...]``; ``result`` the ``geodata.trackmatch.TrackMatch``
    as JSON. A newer record of the same team and night replaces the older in the review; both
    are kept.
    """

    __tablename__ = "patrol_records"
    __table_args__ = (Index("ix_patrol_records_area_date", "area_id", "shift_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    shift_date: Mapped[date] = mapped_column(Date)
    team: Mapped[str] = mapped_column(String(100))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    plan_version: Mapped[int | None]
    filename: Mapped[str]
    format: Mapped[str] = mapped_column(String(10))
    points: Mapped[int]
    distance_m: Mapped[float] = mapped_column(Float)
    track: Mapped[str]
    result: Mapped[str]
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]


class ResidentialGroup(Base):
    """One of the ward's own residential groups (tổ dân phố, thôn, khu phố) from an upload.

    An accepted file replaces the area's groups whole. ``geometry`` is the group's polygon as
    GeoJSON (EPSG:4326); ``streets`` the map's names of its streets as a JSON list when the file
    was a table of street names (``[]`` for a drawn polygon); ``position`` its place in the file.
    """

    __tablename__ = "residential_groups"
    __table_args__ = (Index("ix_residential_groups_area", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    geometry: Mapped[str]
    streets: Mapped[str] = mapped_column(default="[]")


class CampaignWeekRow(Base):
    """A saved week of loudspeaker campaign runs of one vehicle kind (``geodata.campaign``).

    ``groups`` is ``[{"group_id", "name", "buildings"}, ...]`` and ``streets``
    ``[{"street_id", "key", "name", "group_id", "length_m"}, ...]`` as JSON: the residential
    groups and streets the week was planned on, so the review measures coverage against them.
    ``key`` names a street across weeks (its end nodes and length).
    """

    __tablename__ = "campaign_weeks"
    __table_args__ = (UniqueConstraint("area_id", "week_of", "vehicle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    week_of: Mapped[date] = mapped_column(Date)
    vehicle: Mapped[str] = mapped_column(String(20))
    vehicles: Mapped[int]
    depot: Mapped[str]
    groups: Mapped[str]
    streets: Mapped[str]
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime]


class CampaignRunRow(Base):
    """One run of a saved week: when, which vehicle, where it broadcasts, and whether it was made.

    ``status`` is ``planned``, ``made`` or ``not_made`` (with ``reason``); ``street_ids`` and
    ``group_ids`` are JSON lists (ids of the week's ``streets`` and ``groups``), ``streets`` the
    names in driving order, ``path`` ``[[lon, lat], ...]``.
    """

    __tablename__ = "campaign_runs"
    __table_args__ = (
        UniqueConstraint("week_id", "day", "start", "vehicle_no"),
        Index("ix_campaign_runs_area_day", "area_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("campaign_weeks.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    day: Mapped[date] = mapped_column(Date)
    start: Mapped[str] = mapped_column(String(5))
    vehicle: Mapped[str] = mapped_column(String(20))
    vehicle_no: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[float] = mapped_column(Float)
    length_m: Mapped[float] = mapped_column(Float)
    broadcast_m: Mapped[float] = mapped_column(Float)
    street_ids: Mapped[str]
    streets: Mapped[str]
    group_ids: Mapped[str]
    path: Mapped[str]
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(default="")
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime]
    marked_by: Mapped[str | None] = mapped_column(String(64))
    marked_at: Mapped[datetime | None]


class ExportRecord(Base):
    """An export made (GPX, KML, PDF, XLSX...): what, of which plan and team, by whom."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    plan_version: Mapped[int | None]
    team: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str]
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class User(Base):
    """A local account. Only the Argon2id hash of the password is stored."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str]
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str]
    totp_secret: Mapped[str | None]  # encrypted with the store's key (``fernet:...``)
    totp_last_step: Mapped[int | None]  # refuses a code used twice
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    """The ward the user works for (``patrol.store.wards``); ``None``: every ward of the store."""
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    locked_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None]


class LoginFailure(Base):
    """A failed login of a known account (counted for the lockout)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime]


class LoginSession(Base):
    """A login session; the token itself is never stored, only its SHA-256."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    source: Mapped[str] = mapped_column(default="")
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))


class AuditRow(Base):
    """One audit event; ``hash`` chains it to the row before (see ``patrol.store.audit``)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str]
    source: Mapped[str]
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row naming the last audit row: catches a deleted tail; serialises writers."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(32))  # fingerprint of the store's key
