"""Joint teams from the people on duty: police officers lead, military or militia members join.

A joint patrol team (tổ tuần tra) has at least one police officer of the ward police, who leads
it (tổ trưởng), and the configured number of members of the ward military command or militia
(dân quân), with a vehicle. Teams are the vehicles of the routing problem; who is in which team
is reported beside the plan (``Route.extra["members"]``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from patrolbase.errors import InputFileError, Problem, RosterError

__all__ = ["JointTeam", "Person", "Role", "TeamRoster", "describe", "form_teams", "read_roster"]

Role = Literal["police", "military", "militia", "security"]
"""Police officer, soldier of the ward military command, militia member, or a member of the
other grassroots forces (dân phòng, bảo vệ dân phố, lực lượng bảo vệ ANTT ở cơ sở)."""

# Words a ward writes in the role column, in Vietnamese or English, without accents too.
_ROLE_WORDS: dict[str, Role] = {
    "police": "police", "công an": "police", "cong an": "police", "ca": "police",
    "military": "military", "quân sự": "military", "quan su": "military",
    "bộ đội": "military", "bo doi": "military", "army": "military",
    "militia": "militia", "dân quân": "militia", "dan quan": "militia",
    "dân quân tự vệ": "militia", "dan quan tu ve": "militia",
}  # fmt: skip
_HEADERS = {
    "id": ("id", "mã", "ma", "mã số", "ma so"),
    "name": ("name", "họ tên", "ho ten", "họ và tên", "ho va ten", "tên", "ten"),
    "role": ("role", "lực lượng", "luc luong", "đơn vị", "don vi"),
}


@dataclass(frozen=True)
class Person:
    """One person on duty; ``unit``, ``rank`` and ``phone`` are shown beside the plan."""

    id: str
    name: str
    role: Role
    phone: str = ""
    unit: str = ""
    """The unit in words (``Công an phường``), as the ward's personnel list writes it."""
    rank: str = ""
    """Rank or duty (``Thượng úy``, ``Tiểu đội trưởng``)."""

    @property
    def side(self) -> Literal["police", "military"]:
        """Police, or the military side (soldiers and militia alike)."""
        return "police" if self.role == "police" else "military"


@dataclass(frozen=True)
class JointTeam:
    """A joint team: its leader (a police officer) first in ``members``."""

    id: str
    members: tuple[Person, ...]
    vehicle: str
    depot: str = ""
    """Node id of the depot the team leaves from; empty: the plan spreads teams over depots."""

    @property
    def leader(self) -> Person:
        """The police officer who leads the team."""
        return self.members[0]

    def counts(self) -> dict[str, int]:
        """People per side, as ``Team.members`` of the routing problem carries them."""
        police = sum(p.side == "police" for p in self.members)
        return {"police": police, "military": len(self.members) - police}

    def names(self) -> dict[str, Any]:
        """Names by role for exports: leader, police, military and militia (and security)."""
        out: dict[str, Any] = {"leader": self.leader.name}
        for role in ("police", "military", "militia", "security"):
            names = [p.name for p in self.members if p.role == role]
            if names or role != "security":
                out[role] = names
        return out

    def people(self) -> list[dict[str, Any]]:
        """Every member with unit, rank, phone; the leader first, marked ``leader``."""
        return [
            {
                "name": p.name,
                "role": p.role,
                "unit": p.unit,
                "rank": p.rank,
                "phone": p.phone,
                "leader": k == 0,
            }
            for k, p in enumerate(self.members)
        ]


@dataclass(frozen=True)
class TeamRoster:
    """The teams formed and the people left in reserve."""

    teams: tuple[JointTeam, ...]
    reserve: tuple[Person, ...] = field(default_factory=tuple)

    def team_of(self, person_id: str) -> str | None:
        """Id of the team a person is in, ``None`` when in reserve."""
        for team in self.teams:
            if any(p.id == person_id for p in team.members):
                return team.id
        return None


def form_teams(
    people: Iterable[Person],
    *,
    teams: int,
    police_per_team: int = 1,
    military_per_team: int = 1,
    vehicle: str = "motorbike",
) -> TeamRoster:
    """Form ``teams`` joint teams, in roster order; everyone not needed stays in reserve.

    Parameters
    ----------
    people
        The people on duty, in the order the roster lists them (the first police officers lead).
    teams
        Number of teams to form.
    police_per_team
        Police officers per team, at least 1.
    military_per_team
        Military or militia members per team.
    vehicle
        Vehicle type of every team.

    Returns
    -------
    TeamRoster
        Teams ``T1``, ``T2``, ... with their members, and the reserve.

    Raises
    ------
    RosterError
        When there are too few police officers or military members, naming how many are missing.

    """
    people = list(people)
    if teams < 1 or police_per_team < 1 or military_per_team < 0:
        msg = (
            f"teams = {teams}, police_per_team = {police_per_team}, military_per_team = "
            f"{military_per_team}: ask for at least one team led by at least one police officer"
        )
        raise RosterError(msg, message_vi="Cần ít nhất một tổ, mỗi tổ ít nhất một cán bộ công an.")
    police = [p for p in people if p.side == "police"]
    military = [p for p in people if p.side == "military"]
    short = []
    need_police, need_military = teams * police_per_team, teams * military_per_team
    if len(police) < need_police:
        short.append(f"{need_police - len(police)} more police officer(s)")
    if len(military) < need_military:
        short.append(f"{need_military - len(military)} more military or militia member(s)")
    if short:
        msg = (
            f"{teams} joint team(s) of {police_per_team} police and {military_per_team} military "
            f"need {need_police} police officers and {need_military} military or militia "
            f"members; the roster has {len(police)} and {len(military)}. Add "
            f"{' and '.join(short)}, or form fewer teams."
        )
        msg_vi = (
            f"Không đủ người để lập {teams} tổ tuần tra: cần {need_police} cán bộ công an và "
            f"{need_military} quân sự/dân quân, danh sách có {len(police)} và {len(military)}."
        )
        raise RosterError(msg, message_vi=msg_vi)
    formed = []
    for t in range(teams):
        members = (
            police[t * police_per_team : (t + 1) * police_per_team]
            + military[t * military_per_team : (t + 1) * military_per_team]
        )
        formed.append(JointTeam(f"T{t + 1}", tuple(members), vehicle))
    used = {p.id for team in formed for p in team.members}
    return TeamRoster(tuple(formed), tuple(p for p in people if p.id not in used))


def read_roster(source: str | Path, *, text: str | None = None) -> list[Person]:
    """Read a roster CSV (columns id, name, role; Vietnamese headers and role words accepted).

    Parameters
    ----------
    source
        Path of the file (also the name used in messages when ``text`` is given).
    text
        The file's content, when it is already in memory (an upload).

    Returns
    -------
    list[Person]
        People in file order.

    Raises
    ------
    InputFileError
        With every problem of the file: missing columns, empty ids or names, duplicate ids,
        unknown roles.

    """
    name = str(source)
    if text is None:
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (FileNotFoundError, UnicodeDecodeError) as exc:
            raise InputFileError(name, f"cannot read the roster ({exc})") from None
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:  # a cell over 131,072 characters, a quote never closed
        raise InputFileError(
            name,
            f"row {reader.line_num}: a cell is too long or a quote is never closed ({exc}): "
            "save the roster again as CSV UTF-8",
            message_vi=f"Dòng {reader.line_num}: có ô quá dài hoặc dấu ngoặc kép không được "
            "đóng; lưu lại danh sách dạng CSV UTF-8.",
        ) from None
    if not rows:
        raise InputFileError(
            name,
            "the roster is empty: write a header id,name,role and a row per person",
            message_vi="Danh sách trống: cần dòng tiêu đề id,name,role.",
        )
    header = [h.strip().lower() for h in rows[0]]
    where: dict[str, int] = {}
    for key, words in _HEADERS.items():
        for i, h in enumerate(header):
            if h in words:
                where[key] = i
                break
    missing = [k for k in _HEADERS if k not in where]
    if missing:
        msg = f"missing column(s) {', '.join(missing)}: the header must name id, name and role"
        raise InputFileError(
            name,
            [Problem(name, 1, None, ",".join(rows[0]), msg, f"Thiếu cột {', '.join(missing)}.")],
        )
    problems: list[Problem] = []
    people: list[Person] = []
    seen: set[str] = set()
    for r, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {k: (row[i].strip() if i < len(row) else "") for k, i in where.items()}
        if not cell["id"]:
            problems.append(
                Problem(name, r, "id", "", "empty id: give each person an id", "Thiếu mã người.")
            )
        elif cell["id"] in seen:
            problems.append(
                Problem(
                    name, r, "id", cell["id"], "duplicate id: ids must be unique", "Mã bị trùng."
                )
            )
        if not cell["name"]:
            problems.append(Problem(name, r, "name", "", "empty name", "Thiếu họ tên."))
        role = _ROLE_WORDS.get(cell["role"].lower())
        if role is None:
            problems.append(
                Problem(
                    name,
                    r,
                    "role",
                    cell["role"],
                    "unknown role: write police (công an), military (quân sự), militia (dân quân)",
                    "Lực lượng không hợp lệ: ghi công an, quân sự hoặc dân quân.",
                )
            )
        seen.add(cell["id"])
        if role is not None and cell["id"] and cell["name"]:
            people.append(Person(cell["id"], cell["name"], role))
    if problems:
        raise InputFileError(name, problems)
    return people


def describe(roster: TeamRoster) -> Sequence[str]:
    """One line per team: id, vehicle, leader and members (for the command line and logs)."""
    lines = []
    for team in roster.teams:
        others = ", ".join(f"{p.name} ({p.role})" for p in team.members[1:])
        lines.append(f"{team.id} [{team.vehicle}]: leader {team.leader.name}; {others}")
    if roster.reserve:
        lines.append("reserve: " + ", ".join(f"{p.name} ({p.role})" for p in roster.reserve))
    return lines
