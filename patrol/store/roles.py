"""Roles and what each may do: the one table the server checks every page and download against."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from patrol.store.models import Area, Team, User


class Role(StrEnum):
    """What a user is for."""

    COMMANDER = "commander"
    PATROL_LEADER = "patrol_leader"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"

    @property
    def label_vi(self) -> str:
        """Vietnamese name of the role."""
        return _ROLE_VI[self]


_ROLE_VI = {
    Role.COMMANDER: "Chỉ huy",
    Role.PATROL_LEADER: "Tổ trưởng tuần tra",
    Role.ANALYST: "Cán bộ phân tích",
    Role.ADMINISTRATOR: "Quản trị hệ thống",
}


class Permission(StrEnum):
    """What a page or download may need."""

    MAP_VIEW = "map_view"
    FACILITY_EDIT = "facility_edit"
    INCIDENT_VIEW = "incident_view"
    INCIDENT_UPLOAD = "incident_upload"
    HOTSPOT_REVIEW = "hotspot_review"
    PLAN_EDIT = "plan_edit"
    PLAN_APPROVE = "plan_approve"
    ROSTER_MANAGE = "roster_manage"
    ROUTE_VIEW_ALL = "route_view_all"
    ROUTE_VIEW_OWN = "route_view_own"
    ROUTE_EXPORT = "route_export"
    RECORD_UPLOAD = "record_upload"
    AUDIT_VIEW = "audit_view"
    USER_MANAGE = "user_manage"
    BACKUP = "backup"


_P = Permission
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.COMMANDER: frozenset(
        {
            _P.MAP_VIEW,
            _P.FACILITY_EDIT,
            _P.INCIDENT_VIEW,
            _P.INCIDENT_UPLOAD,
            _P.HOTSPOT_REVIEW,
            _P.PLAN_EDIT,
            _P.PLAN_APPROVE,
            _P.ROSTER_MANAGE,
            _P.ROUTE_VIEW_ALL,
            _P.ROUTE_EXPORT,
            _P.RECORD_UPLOAD,
            _P.AUDIT_VIEW,
        }
    ),
    Role.PATROL_LEADER: frozenset(
        {_P.MAP_VIEW, _P.ROUTE_VIEW_OWN, _P.ROUTE_EXPORT, _P.RECORD_UPLOAD}
    ),
    Role.ANALYST: frozenset({_P.MAP_VIEW, _P.INCIDENT_VIEW, _P.INCIDENT_UPLOAD, _P.HOTSPOT_REVIEW}),
    Role.ADMINISTRATOR: frozenset({_P.USER_MANAGE, _P.AUDIT_VIEW, _P.BACKUP}),
}
"""Each role's permissions; nothing else is allowed."""

TOTP_REQUIRED = frozenset({Role.COMMANDER, Role.ADMINISTRATOR})
"""Roles that must give an authenticator code at login."""


@dataclass(frozen=True)
class Principal:
    """The logged-in user a page acts for."""

    user_id: int
    username: str
    display_name: str
    role: Role
    team: str | None
    """Name of the user's team (patrol leaders), ``None`` otherwise."""
    team_id: int | None = None
    """The team's record: names repeat between areas ("T1" in every ward), ids do not."""
    team_area_id: int | None = None
    """The area (ward) the team belongs to; a leader sees plans of that area only."""
    ward_id: int | None = None
    """The ward (area) whose records alone the user may read and write; ``None``: every ward."""
    ward: str | None = None
    """That ward's name (``Area.name``), the ``area`` every store function is asked for."""

    def can(self, permission: Permission) -> bool:
        """Whether the role allows ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]


def team_name_of(session: Session, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    team = session.get(Team, team_id)
    return None if team is None else team.name


def principal_of(session: Session, user: User) -> Principal:
    team = None if user.team_id is None else session.get(Team, user.team_id)
    ward_id = user.area_id if team is None else team.area_id  # a leader works in the team's ward
    ward = None if ward_id is None else session.get(Area, ward_id)
    return Principal(
        user.id,
        user.username,
        user.display_name,
        Role(user.role),
        None if team is None else team.name,
        None if team is None else team.id,
        None if team is None else team.area_id,
        ward_id,
        None if ward is None else ward.name,
    )
