"""The night's roster: who patrols on a date, team by team, and what makes it unusable.

A team on duty has a leader (tổ trưởng) among its members; nobody is on two teams; when both the
ward police and the military side (Ban Chỉ huy quân sự, dân quân) are on duty, every team is
joint, with at least one of each (the seeds' joint patrols). ``check_night`` refuses a roster
naming the people and teams; ``roster_from_rows`` makes a roster of a file's rows (``Tổ``,
``Tổ trưởng`` columns), naming the rows. ``NightRoster.joint_teams`` gives the routing problem its
teams with every member's unit, rank and phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from geodata.facilities import fold_text
from patrol.personnel import (
    HEADERS_VI,
    UNITS,
    PersonRow,
    Side,
    format_phone,
    team_label,
    unit_label,
)
from patrolbase.errors import InputFileError, Problem, RosterError

if TYPE_CHECKING:
    from routing.roster import JointTeam

__all__ = ["Member", "NightRoster", "NightTeam", "check_night", "roster_from_rows"]


@dataclass(frozen=True)
class Member:
    """A person as the night's roster and the plan show them."""

    id: str
    name: str
    unit: str
    rank: str = ""
    phone: str = ""

    @property
    def role(self) -> Side:
        """Side of the joint team: police, military, militia or security."""
        unit = UNITS.get(self.unit)
        return unit.role if unit else "security"


@dataclass(frozen=True)
class NightTeam:
    """A team on duty: its leader, the members (leader first), vehicle and depot."""

    code: str
    members: tuple[Member, ...]
    leader_id: str | None
    vehicle: str = "motorbike"
    depot: str = ""

    @property
    def leader(self) -> Member | None:
        """The leader, ``None`` when the team has none."""
        return next((m for m in self.members if m.id == self.leader_id), None)

    def ordered(self) -> tuple[Member, ...]:
        """Members with the leader first."""
        lead = self.leader
        rest = tuple(m for m in self.members if m is not lead)
        return rest if lead is None else (lead, *rest)


@dataclass(frozen=True)
class NightRoster:
    """Who patrols on ``shift_date``, team by team (checked by ``check_night``)."""

    shift_date: date | None
    teams: tuple[NightTeam, ...]
    swaps: tuple[str, ...] = field(default_factory=tuple)
    """What changed from the standing teams, in words (for the audit log and the page)."""

    def joint_teams(self) -> list[JointTeam]:
        """Return the teams for the routing problem (``patrol.pipeline.plan_shift(roster=...)``)."""
        from routing.roster import JointTeam, Person

        return [
            JointTeam(
                team.code,
                tuple(
                    Person(
                        m.id,
                        m.name,
                        m.role,
                        phone=format_phone(m.phone),
                        unit=unit_label(m.unit),
                        rank=m.rank,
                    )
                    for m in team.ordered()
                ),
                team.vehicle,
                team.depot,
            )
            for team in self.teams
            if team.members
        ]


def check_night(roster: NightRoster) -> None:
    """Refuse a roster that cannot go out, naming the people and teams.

    Raises
    ------
    RosterError
        A person on two teams; a team with members but no leader (or a leader who is not in it);
        a team without a police officer or without a military member while both are on duty;
        no team with anyone on it.

    """
    en: list[str] = []
    vi: list[str] = []
    where: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for team in roster.teams:
        for m in team.members:
            where.setdefault(m.id, []).append(team.code)
            names[m.id] = m.name
    for pid, codes in where.items():
        if len(codes) > 1:
            labels = " và ".join(team_label(c) for c in codes)
            en.append(f"{names[pid]} is on two teams ({', '.join(codes)}): keep them on one")
            vi.append(f"{names[pid]} có tên ở hai tổ ({labels}): chỉ để ở một tổ.")
    on_duty = [m for t in roster.teams for m in t.members]
    both = any(m.role == "police" for m in on_duty) and any(
        m.role in ("military", "militia") for m in on_duty
    )
    for team in roster.teams:
        if not team.members:
            continue
        label = team_label(team.code)
        if team.leader is None:
            who = ", ".join(m.name for m in team.members)
            en.append(f"team {team.code} ({who}) has no leader: choose one of them")
            vi.append(f"{label} ({who}) chưa có tổ trưởng: chọn một người trong tổ.")
        roles = {m.role for m in team.members}
        if both and "police" not in roles:
            en.append(f"team {team.code} has no police officer: a joint patrol needs one")
            vi.append(f"{label} không có cán bộ Công an phường: tổ tuần tra chung cần ít nhất "
                      "một người.")  # fmt: skip
        if both and not roles & {"military", "militia"}:
            en.append(f"team {team.code} has no member of the military command or militia")
            vi.append(f"{label} không có người của Ban Chỉ huy quân sự hoặc dân quân: tổ tuần "
                      "tra chung cần ít nhất một người.")  # fmt: skip
    if not on_duty:
        en.append("nobody is on duty: add people to the teams")
        vi.append("Chưa có ai trực: thêm người vào các tổ.")
    if en:
        day = f" of {roster.shift_date.isoformat()}" if roster.shift_date else ""
        raise RosterError(f"the roster{day} cannot be used: " + "; ".join(en),
                          message_vi="Không dùng được danh sách trực: " + " ".join(vi))  # fmt: skip


def roster_from_rows(
    rows: Sequence[PersonRow], *, source: str, shift_date: date | None = None
) -> NightRoster:
    """Return the night's roster of a roster file (``Tổ`` and ``Tổ trưởng`` columns), checked.

    Raises
    ------
    InputFileError
        A team without a leader or with two, a person on two teams (rows named), or a team that
        is not joint while both police and military are on duty.

    """
    teams: dict[str, list[PersonRow]] = {}
    for row in rows:
        teams.setdefault(row.team, []).append(row)
    problems: list[Problem] = []
    by_person: dict[tuple[str, str], list[PersonRow]] = {}
    for row in rows:
        by_person.setdefault((fold_text(row.name), row.phone), []).append(row)
    for found in by_person.values():
        codes = {r.team for r in found}
        if len(codes) > 1:
            labels = " và ".join(team_label(r.team) for r in found)
            lines = ", ".join(str(r.row) for r in found)
            problems.append(Problem(
                source, found[-1].row, HEADERS_VI["team"], found[-1].team,
                f"{found[0].name} is on two teams ({', '.join(sorted(codes))}; rows {lines}): "
                "keep them on one",
                f"{found[0].name} có tên ở hai tổ ({labels}; dòng {lines}): chỉ để ở một tổ.",
            ))  # fmt: skip
    for code, members in teams.items():
        leaders = [r for r in members if r.leader]
        who = ", ".join(r.name for r in members)
        if not leaders:
            problems.append(Problem(
                source, members[0].row, HEADERS_VI["leader"], "",
                f"team {code} ({who}) has no leader: write x in the leader column of one of them",
                f"{team_label(code)} ({who}) chưa có tổ trưởng: ghi x ở cột Tổ trưởng của một "
                "người trong tổ.",
            ))  # fmt: skip
        elif len(leaders) > 1:
            names = ", ".join(r.name for r in leaders)
            problems.append(Problem(
                source, leaders[1].row, HEADERS_VI["leader"], "x",
                f"team {code} has {len(leaders)} leaders ({names}): mark only one",
                f"{team_label(code)} có {len(leaders)} tổ trưởng ({names}): chỉ đánh dấu một "
                "người.",
            ))  # fmt: skip
    if problems:
        raise InputFileError(source, problems)
    night = NightRoster(
        shift_date,
        tuple(
            NightTeam(
                code,
                tuple(Member(f"row-{r.row}", r.name, r.unit, r.rank, r.phone) for r in members),
                next(f"row-{r.row}" for r in members if r.leader),
            )
            for code, members in teams.items()
        ),
    )
    check_night(night)
    return night
