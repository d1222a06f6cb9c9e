"""People, standing teams and the night's roster of an area (commanders manage them).

A team's ``name`` is the team id used in plans (``T1``, shown as ``Tổ 1``); a patrol leader's
account names their team, which decides the route they may see. A person belongs to at most one
standing team; the night's roster starts from the standing teams and keeps the night's swaps
(``roster_entries``: a person is on at most one team per shift date). Every change is written
to the audit log in its own transaction; every refusal names the people and teams concerned, in
English and Vietnamese.

One file past 500 lines: people, standing teams and the nights read the same rows through the
same private queries (``_people``, ``_teams``), and a split would make those public.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patrol.night import Member, NightRoster, NightTeam, check_night
from patrol.personnel import (
    format_phone,
    normalise_phone,
    read_personnel,
    team_code,
    team_label,
    unit_code,
    unit_label,
)
from patrol.store.audit import Action, log_event, record
from patrol.store.auth import Permission, Principal, Role, require
from patrol.store.db import Store
from patrol.store.models import Area, Person, RosterEntry, Team, TeamMember, User
from patrol.store.repo import _check_upload_size
from patrol.store.wards import get_or_create_area
from patrolbase.errors import InputFileError, PatrolError

if TYPE_CHECKING:
    from routing.roster import JointTeam

__all__ = [
    "PersonInfo",
    "TeamInfo",
    "add_person",
    "add_team",
    "assign_roster",
    "find_team",
    "import_people",
    "link_leader",
    "list_people",
    "list_teams",
    "night_roster",
    "night_teams",
    "roster",
    "save_night_roster",
    "set_team",
    "swap",
    "team_names",
]


def _error(en: str, vi: str) -> PatrolError:
    err = PatrolError(en)
    err.message_vi = vi
    return err


def _fail(en: str, vi: str) -> NoReturn:
    """Raise a ``PatrolError`` with its Vietnamese text."""
    raise _error(en, vi)


@dataclass(frozen=True)
class PersonInfo:
    """A person as the pages and commands list them."""

    id: int
    name: str
    unit: str
    rank: str
    phone: str
    team: str | None
    """Code of the person's standing team (``T1``), ``None`` when on none."""

    def label(self) -> str:
        """``Nguyễn Văn An (Thượng úy, Công an phường)``."""
        inner = ", ".join(x for x in (self.rank, unit_label(self.unit)) if x)
        return f"{self.name} ({inner})"


@dataclass(frozen=True)
class TeamInfo:
    """A standing team: code, leader, members (leader first), vehicle, depot."""

    id: int
    code: str
    leader: PersonInfo | None
    members: tuple[PersonInfo, ...]
    vehicle: str
    depot: str

    @property
    def label(self) -> str:
        """``Tổ 1``."""
        return team_label(self.code)


def _area_id(session: Session, area: str) -> int | None:
    return session.scalars(select(Area.id).where(Area.name == area)).first()


def _people(session: Session, area_id: int | None) -> dict[int, PersonInfo]:
    if area_id is None:
        return {}
    teams = dict(
        session.execute(
            select(TeamMember.person_id, Team.name).join(Team, Team.id == TeamMember.team_id)
        ).all()
    )
    rows = session.scalars(select(Person).where(Person.area_id == area_id).order_by(Person.id))
    return {p.id: PersonInfo(p.id, p.name, p.unit, p.rank, p.phone, teams.get(p.id)) for p in rows}


def _clean_person(name: str, unit: str, phone: str) -> tuple[str, str, str]:
    name = " ".join(name.split())
    if not name:
        _fail("the name is missing: write the person's full name",
                     "Thiếu họ và tên: ghi đủ họ và tên.")  # fmt: skip
    code = unit_code(unit)
    if code is None:
        _fail(
            f"{name}: unknown unit {unit!r}; use Công an phường, Ban Chỉ huy quân sự, Dân quân, "
            "Dân phòng, Bảo vệ dân phố or Lực lượng bảo vệ ANTT cơ sở",
            f"{name}: đơn vị {unit!r} không có trong danh mục (Công an phường, Ban Chỉ huy quân "
            "sự, Dân quân, Dân phòng, Bảo vệ dân phố, Lực lượng bảo vệ ANTT cơ sở).",
        )
    number = normalise_phone(phone)
    if number is None:
        _fail(
            f"{name}: phone {phone!r} in the wrong form; write 10 digits from 0 (0912 345 678)",
            f"{name}: số điện thoại {phone!r} sai dạng; ghi 10 chữ số bắt đầu bằng 0 "
            "(0912 345 678).",
        )
    return name, code, number


def add_person(
    store: Store,
    principal: Principal,
    *,
    area: str,
    name: str,
    unit: str,
    phone: str = "",
    rank: str = "",
    source: str = "",
) -> int:
    """Add a member of the forces to an area's list; return their id.

    ``unit`` is a unit code or its name (``Công an phường``, ``dân quân``...); ``phone`` a
    Vietnamese number in any usual writing. The same name with the same phone is refused.
    """
    require(
        store,
        principal,
        Permission.ROSTER_MANAGE,
        target=f"person:{name}",
        source=source,
        area=area,
    )
    name, code, number = _clean_person(name, unit, phone)
    with store.transaction() as session:
        area_id = get_or_create_area(session, store, area)
        for other in _people(session, area_id).values():
            if other.name.casefold() == name.casefold() and other.phone == number:
                _fail(
                    f"{name} ({format_phone(number) or 'no phone'}) is on the list already",
                    f"{name} ({format_phone(number) or 'không có số điện thoại'}) đã có trong "
                    "danh sách lực lượng.",
                )
        person = Person(area_id=area_id, name=name, unit=code, phone=number, rank=rank.strip())
        session.add(person)
        session.flush()
        record(session, store, username=principal.username, action=Action.EDIT,
               target=f"person:{person.id}", source=source,
               detail=f"add {name}; unit={code}")  # fmt: skip
        return person.id


def list_people(store: Store, principal: Principal, *, area: str) -> list[PersonInfo]:
    """Every person of the area's list, in the order they were added."""
    require(store, principal, Permission.ROSTER_MANAGE, target=f"people:{area}", area=area)
    with store.transaction() as session:
        return list(_people(session, _area_id(session, area)).values())


def import_people(
    store: Store,
    principal: Principal,
    path: str | Path,
    *,
    area: str,
    name: str | None = None,
    source: str = "",
) -> list[int]:
    """Add everyone of a personnel list (CSV/XLSX), all or none; return their ids.

    With ``Tổ`` (and ``Tổ trưởng``) columns the standing teams are made or completed too.

    Raises
    ------
    InputFileError
        Every problem of the file, by row and column (``patrol.personnel.read_personnel``),
        including people already on the list; nothing is stored.

    """
    shown = name or Path(path).name
    require(
        store, principal, Permission.ROSTER_MANAGE, target=f"file:{shown}", source=source, area=area
    )
    with store.transaction() as session:
        known = [(p.name, p.phone) for p in _people(session, _area_id(session, area)).values()]
    try:
        _check_upload_size(store, Path(path))  # the same limit as every upload (zip bombs)
        rows = read_personnel(path, existing=known, name=shown)
    except InputFileError as exc:
        log_event(store, username=principal.username, action=Action.UPLOAD,
                  target=f"people:{shown}", source=source, outcome="fail",
                  detail=f"{len(exc.problems)} problem(s)")  # fmt: skip
        raise
    ids: list[int] = []
    with store.transaction() as session:
        area_id = get_or_create_area(session, store, area)
        placed: dict[str, list[tuple[int, bool]]] = {}
        for row in rows:
            person = Person(area_id=area_id, name=" ".join(row.name.split()), unit=row.unit,
                            phone=row.phone, rank=row.rank)  # fmt: skip
            session.add(person)
            session.flush()
            ids.append(person.id)
            if row.team:
                placed.setdefault(row.team, []).append((person.id, row.leader))
        for code, members in placed.items():
            team = _team_row(session, area_id, code) or Team(area_id=area_id, name=code)
            session.add(team)
            session.flush()
            for person_id, leader in members:
                session.add(TeamMember(team_id=team.id, person_id=person_id))
                if leader:
                    team.leader_id = person_id
        record(session, store, username=principal.username, action=Action.UPLOAD,
               target=f"people:{shown}", source=source,
               detail=f"people={len(ids)} teams={','.join(placed) or '-'}")  # fmt: skip
    return ids


def _team_row(session: Session, area_id: int | None, code: str) -> Team | None:
    if area_id is None:
        return None
    return session.scalars(
        select(Team).where(Team.area_id == area_id, Team.name == code)
    ).one_or_none()


def _check_members(
    session: Session, area_id: int, team_id: int | None, code: str, leader: int | None,
    members: list[int],
) -> None:  # fmt: skip
    people = _people(session, area_id)
    unknown = [m for m in members if m not in people]
    if unknown:
        _fail(f"no person with id {unknown[0]} in this area",
                     f"Không có người mã {unknown[0]} trong danh sách lực lượng.")  # fmt: skip
    elsewhere = [
        people[m] for m in members if people[m].team is not None and people[m].team != code
    ]
    if elsewhere:
        en = ", ".join(f"{p.name} ({p.team})" for p in elsewhere)
        vi = ", ".join(f"{p.name} (đang ở {team_label(p.team or '')})" for p in elsewhere)
        _fail(
            f"already on another team: {en}; take them off that team first",
            f"Đã ở tổ khác: {vi}. Bỏ người đó khỏi tổ cũ trước.",
        )
    if leader is not None and leader not in members:
        _fail("the leader must be a member of the team",
                     "Tổ trưởng phải là người trong tổ.")  # fmt: skip


def add_team(
    store: Store,
    principal: Principal,
    *,
    area: str,
    name: str,
    leader: int | None = None,
    members: list[int] | tuple[int, ...] = (),
    vehicle: str = "motorbike",
    depot: str = "",
    source: str = "",
) -> int:
    """Create a standing team; ``name`` ``Tổ 1`` (or ``T1``, ``1``) is team ``T1`` of plans.

    ``leader`` (a person id) is added to ``members`` when missing. A person already on another
    team is refused, naming them and their team.
    """
    code = team_code(name)
    require(
        store, principal, Permission.ROSTER_MANAGE, target=f"team:{code}", source=source, area=area
    )
    if not code:
        _fail("the team needs a name (Tổ 1, Tổ 2...)", "Tổ cần có tên (Tổ 1, Tổ 2...).")
    chosen = list(dict.fromkeys([*([leader] if leader is not None else []), *members]))
    with store.transaction() as session:
        area_id = get_or_create_area(session, store, area)
        if _team_row(session, area_id, code) is not None:
            _fail(f"team {code} exists already in {area}",
                         f"{team_label(code)} đã có trong địa bàn này.")  # fmt: skip
        _check_members(session, area_id, None, code, leader, chosen)
        team = Team(area_id=area_id, name=code, leader_id=leader, vehicle=vehicle, depot=depot)
        session.add(team)
        session.flush()
        for person_id in chosen:
            session.add(TeamMember(team_id=team.id, person_id=person_id))
        record(session, store, username=principal.username, action=Action.EDIT,
               target=f"team:{code}", source=source,
               detail=f"area={area} leader={leader} members={chosen}")  # fmt: skip
        return team.id


def set_team(
    store: Store,
    principal: Principal,
    *,
    area: str,
    team: str,
    leader: int | None,
    members: list[int] | tuple[int, ...],
    vehicle: str | None = None,
    depot: str | None = None,
    source: str = "",
) -> None:
    """Give a standing team its leader and members (replacing the ones it had).

    ``vehicle`` and ``depot`` (a facility id; ``""``: as the plan spreads teams) change only
    when given.
    """
    code = team_code(team)
    require(
        store, principal, Permission.ROSTER_MANAGE, target=f"team:{code}", source=source, area=area
    )
    chosen = list(dict.fromkeys([*([leader] if leader is not None else []), *members]))
    with store.transaction() as session:
        area_id = _area_id(session, area)
        row = _team_row(session, area_id, code)
        if row is None or area_id is None:
            raise _unknown_team(session, area_id, code, area)
        _check_members(session, area_id, row.id, code, leader, chosen)
        session.execute(delete(TeamMember).where(TeamMember.team_id == row.id))
        session.flush()
        for person_id in chosen:
            session.add(TeamMember(team_id=row.id, person_id=person_id))
        row.leader_id = leader
        if vehicle:
            row.vehicle = vehicle
        if depot is not None:
            row.depot = depot
        record(session, store, username=principal.username, action=Action.EDIT,
               target=f"team:{code}", source=source,
               detail=f"leader={leader} members={chosen}")  # fmt: skip


def _teams(session: Session, area_id: int | None) -> list[TeamInfo]:
    if area_id is None:
        return []
    people = _people(session, area_id)
    out = []
    for team in session.scalars(select(Team).where(Team.area_id == area_id)):
        ids = session.scalars(
            select(TeamMember.person_id).where(TeamMember.team_id == team.id).order_by(
                TeamMember.id)
        ).all()  # fmt: skip
        members = [people[i] for i in ids if i in people]
        leader = people.get(team.leader_id) if team.leader_id is not None else None
        if leader is not None:
            members = [leader, *(m for m in members if m.id != leader.id)]
        out.append(TeamInfo(team.id, team.name, leader, tuple(members), team.vehicle, team.depot))
    return sorted(out, key=lambda t: _team_order(t.code))


def _team_order(code: str) -> tuple[int, str]:
    digits = code[1:] if code.startswith("T") else ""
    return (int(digits), "") if digits.isdigit() else (10**6, code)


def list_teams(store: Store, principal: Principal, *, area: str) -> list[TeamInfo]:
    """Return the area's standing teams in order (Tổ 1, Tổ 2...), members with leader first."""
    require(store, principal, Permission.ROSTER_MANAGE, target=f"teams:{area}", area=area)
    with store.transaction() as session:
        return _teams(session, _area_id(session, area))


def team_names(store: Store, *, area: str) -> list[str]:
    """Codes of the area's teams in order (for the administrator's choice of a leader's team)."""
    with store.transaction() as session:
        area_id = _area_id(session, area)
        if area_id is None:
            return []
        names = session.scalars(select(Team.name).where(Team.area_id == area_id)).all()
    return sorted(names, key=_team_order)


def _unknown_team(session: Session, area_id: int | None, code: str, area: str) -> PatrolError:
    known = (
        []
        if area_id is None
        else sorted(
            session.scalars(select(Team.name).where(Team.area_id == area_id)).all(), key=_team_order
        )
    )
    if known:
        en = f"no team {code!r} in area {area!r}; its teams: {', '.join(known)}"
        vi = (f"Địa bàn chưa có {team_label(code)}; các tổ đã lập: "
              f"{', '.join(team_label(k) for k in known)}.")  # fmt: skip
    else:
        en = (f"no team {code!r} in area {area!r}: the area has no team yet; a commander "
              "creates them with `patrol teams add` or on the Lực lượng page")  # fmt: skip
        vi = (f"Địa bàn chưa có {team_label(code)}: chưa lập tổ nào. Chỉ huy lập tổ ở trang "
              "Lực lượng và tổ tuần tra (hoặc lệnh patrol teams add).")  # fmt: skip
    return _error(en, vi)


def find_team(store: Store, *, area: str, name: str) -> int:
    """Return the id of team ``name`` (``Tổ 1``, ``T1``) of ``area``; else name the teams."""
    code = team_code(name)
    with store.transaction() as session:
        area_id = _area_id(session, area)
        row = _team_row(session, area_id, code)
        if row is None:
            raise _unknown_team(session, area_id, code, area)
        return row.id


def link_leader(
    store: Store, *, username: str, area: str, team: str, actor: str, source: str = ""
) -> None:
    """Make patrol leader ``username`` the leader account of ``team`` (audited as a user change).

    The caller is the administrator (the Users page checks ``USER_MANAGE``; the command line
    runs as the machine's administrator).
    """
    team_id = find_team(store, area=area, name=team)
    with store.transaction() as session:
        user = session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            _fail(f"no user {username!r}; see `patrol users list`",
                         f"Không có tài khoản {username}.")  # fmt: skip
        if user.role != Role.PATROL_LEADER.value:
            _fail(
                f"{username} is not a patrol leader: only patrol leaders have a team",
                f"{username} không phải tổ trưởng tuần tra: chỉ tài khoản tổ trưởng mới gắn "
                "với tổ.",
            )
        user.team_id = team_id
        user.area_id = session.get_one(Team, team_id).area_id  # a leader works in its team's ward
        record(session, store, username=actor, action=Action.USER_CHANGE,
               target=f"user:{username}", source=source,
               detail=f"team={team_code(team)}")  # fmt: skip


# --------------------------------------------------------------------------- the night's roster


def _member(p: PersonInfo) -> Member:
    return Member(str(p.id), p.name, p.unit, p.rank, p.phone)


def night_roster(store: Store, principal: Principal, *, area: str, shift_date: date) -> NightRoster:
    """Return the roster of ``shift_date``: as saved for that date, else the standing teams."""
    require(store, principal, Permission.ROSTER_MANAGE, target=f"roster:{shift_date}", area=area)
    with store.transaction() as session:
        area_id = _area_id(session, area)
        teams = _teams(session, area_id)
        people = _people(session, area_id)
        ids = [t.id for t in teams]
        saved = session.execute(
            select(RosterEntry.team_id, RosterEntry.person_id, RosterEntry.role)
            .where(RosterEntry.shift_date == shift_date, RosterEntry.team_id.in_(ids))
            .order_by(RosterEntry.id)
        ).all()
    if not saved:
        return NightRoster(shift_date, tuple(
            NightTeam(t.code, tuple(_member(m) for m in t.members),
                      str(t.leader.id) if t.leader else None, t.vehicle, t.depot)
            for t in teams
        ))  # fmt: skip
    night = []
    for t in teams:
        rows = [(pid, role) for tid, pid, role in saved if tid == t.id and pid in people]
        leader = next((str(pid) for pid, role in rows if role == "leader"), None)
        night.append(NightTeam(t.code, tuple(_member(people[pid]) for pid, _ in rows), leader,
                               t.vehicle, t.depot))  # fmt: skip
    return NightRoster(shift_date, tuple(night))


def night_teams(
    store: Store, principal: Principal, *, area: str, shift_date: date
) -> list[JointTeam]:
    """Return the joint teams of ``shift_date``'s roster for planning, checked (``check_night``).

    Empty when no standing team has anyone on it (the plan then uses head counts).
    """
    night = night_roster(store, principal, area=area, shift_date=shift_date)
    if not any(team.members for team in night.teams):
        return []
    check_night(night)
    return night.joint_teams()


def save_night_roster(
    store: Store, principal: Principal, night: NightRoster, *, area: str, source: str = ""
) -> None:
    """Check ``night`` (``check_night``) and keep it as the roster of its date."""
    if night.shift_date is None:
        msg = "the roster has no date"
        raise PatrolError(msg)
    day = night.shift_date
    require(
        store, principal, Permission.ROSTER_MANAGE, target=f"roster:{day}", source=source, area=area
    )
    check_night(night)
    with store.transaction() as session:
        area_id = _area_id(session, area)
        codes = {t.code: t.id for t in _teams(session, area_id)}
        missing = [t.code for t in night.teams if t.code not in codes]
        if missing:
            raise _unknown_team(session, area_id, missing[0], area)
        session.execute(
            delete(RosterEntry).where(
                RosterEntry.shift_date == day, RosterEntry.team_id.in_(list(codes.values()))
            )
        )
        session.flush()  # fmt: skip
        for team in night.teams:
            for m in team.members:
                session.add(RosterEntry(
                    team_id=codes[team.code], person_id=int(m.id), shift_date=day,
                    role="leader" if m.id == team.leader_id else ""))  # fmt: skip
        record(session, store, username=principal.username, action=Action.EDIT,
               target=f"roster:{day.isoformat()}", source=source,
               detail="; ".join(night.swaps) or "standing teams")  # fmt: skip


def swap(
    store: Store,
    principal: Principal,
    *,
    area: str,
    shift_date: date,
    out_person: int,
    in_person: int | None,
    source: str = "",
) -> NightRoster:
    """Put ``in_person`` in ``out_person``'s place for the night (both trade when both are on).

    The one who comes in takes the place as leader when the one going out led the team;
    ``in_person=None`` takes ``out_person`` off the night with nobody in their place (a leader
    cannot go so: the team would have none). The roster is checked (``check_night``) and kept;
    return it.
    """
    night = night_roster(store, principal, area=area, shift_date=shift_date)
    with store.transaction() as session:
        people = _people(session, _area_id(session, area))
    for pid in (out_person, in_person):
        if pid is not None and pid not in people:
            _fail(f"no person with id {pid} in this area",
                  f"Không có người mã {pid} trong danh sách lực lượng.")  # fmt: skip
    a = str(out_person)
    if not any(m.id == a for t in night.teams for m in t.members):
        who = people[out_person].name
        _fail(f"{who} is not on duty that night", f"{who} không có trong ca trực đêm đó.")
    ma = _member(people[out_person])
    mb = _member(people[in_person]) if in_person is not None else None
    b = mb.id if mb is not None else None

    def trade(team: NightTeam) -> NightTeam:
        members = tuple(
            m2
            for m in team.members
            if (m2 := (mb if m.id == a else ma if m.id == b else m)) is not None
        )
        lead = team.leader_id
        lead = b if lead == a else a if lead == b else lead
        return replace(team, members=members, leader_id=lead)

    said = f"{ma.name} -> {mb.name}" if mb is not None else f"{ma.name} nghỉ, không ai thay"
    night = replace(night, teams=tuple(trade(t) for t in night.teams),
                    swaps=(*night.swaps, said))  # fmt: skip
    save_night_roster(store, principal, night, area=area, source=source)
    return night


# --------------------------------------------------------------------------- one entry at a time


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
        vi = (
            f"Người mã {person_id} đã ở một tổ trong ca {shift_date:%d/%m/%Y}, hoặc không có "
            "tổ hay người đó."
        )
        raise _error(msg, vi) from None


def roster(
    store: Store, principal: Principal, *, area: str, shift_date: date
) -> dict[str, list[tuple[str, str, str]]]:
    """Teams of a shift: team name -> [(person, unit, role)]."""
    require(
        store, principal, Permission.MAP_VIEW, target=f"roster:{shift_date.isoformat()}", area=area
    )
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
