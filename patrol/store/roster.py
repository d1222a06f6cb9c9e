"""Teams, people and rosters of an area (commanders manage them).

A team's ``name`` is the team id used in plans (``T1``); a patrol leader's account names their
team, which decides the route they may see. A person is on at most one team per shift date.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from patrol.errors import PatrolError
from patrol.store.audit import Action, record
from patrol.store.auth import Permission, Principal, require
from patrol.store.db import Store
from patrol.store.models import Area, Person, RosterEntry, Team
from patrol.store.repo import get_or_create_area

__all__ = ["add_person", "add_team", "assign_roster", "find_team", "roster"]


def add_team(store: Store, principal: Principal, *, area: str, name: str) -> int:
    """Create a patrol team of an area; its name is the team id in plans."""
    require(store, principal, Permission.ROSTER_MANAGE, target=f"team:{name}")
    with store.transaction() as session:
        team = Team(area_id=get_or_create_area(session, store, area), name=name)
        session.add(team)
        session.flush()
        record(
            session,
            store,
            username=principal.username,
            action=Action.EDIT,
            target=f"team:{name}",
            detail=f"area={area}",
        )
        return team.id


def find_team(store: Store, *, area: str, name: str) -> int:
    """Return the id of team ``name`` of ``area``; ``PatrolError`` naming the teams if none."""
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
        person = Person(
            area_id=get_or_create_area(session, store, area), name=name, unit=unit, phone=phone
        )
        session.add(person)
        session.flush()
        record(
            session,
            store,
            username=principal.username,
            action=Action.EDIT,
            target=f"person:{person.id}",
        )
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
            session.add(
                RosterEntry(team_id=team_id, person_id=person_id, shift_date=shift_date, role=role)
            )
            session.flush()
            record(
                session,
                store,
                username=principal.username,
                action=Action.EDIT,
                target=f"roster:{shift_date.isoformat()}",
                detail=f"team={team_id} person={person_id}",
            )
    except IntegrityError:
        msg = (
            f"person {person_id} is already on a team on {shift_date.isoformat()}, or the team "
            "or person does not exist"
        )
        raise PatrolError(msg) from None


def roster(
    store: Store, principal: Principal, *, area: str, shift_date: date
) -> dict[str, list[tuple[str, str, str]]]:
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
        )
        teams: dict[str, list[tuple[str, str, str]]] = {}
        for team, person, unit, role in session.execute(query):
            teams.setdefault(team, []).append((person, unit, role))
        return teams
