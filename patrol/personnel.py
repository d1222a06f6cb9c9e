"""The ward's people and teams as the commander writes them: units, phones, personnel files.

Joint patrols are made of the ward police (Công an phường) and the ward military command (Ban Chỉ
huy quân sự phường) with its militia (dân quân); the other grassroots forces (dân phòng, bảo vệ
dân phố, lực lượng bảo vệ an ninh, trật tự ở cơ sở) may join. This module knows their units, the
form of a Vietnamese phone number, team names (``Tổ 1`` is team ``T1`` of the plans), reads a
personnel list (CSV or XLSX with the headers a ward writes) checking the whole file at once, and
checks the night's roster: every team has a leader, nobody is on two teams, a joint team has a
police officer and a military member when both are on duty. It knows nothing of the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from patrol.errors import InputFileError, Problem, RosterError

if TYPE_CHECKING:
    from routing.roster import JointTeam

__all__ = [
    "UNITS",
    "Member",
    "NightRoster",
    "NightTeam",
    "PersonRow",
    "check_night",
    "format_phone",
    "normalise_phone",
    "read_personnel",
    "roster_from_rows",
    "team_code",
    "team_label",
    "unit_code",
    "unit_label",
]

Side = Literal["police", "military", "militia", "security"]


@dataclass(frozen=True)
class _Unit:
    vi: str
    en: str
    role: Side
    words: tuple[str, ...]


UNITS: dict[str, _Unit] = {
    "police": _Unit("Công an phường", "Ward police", "police",
                    ("cong an phuong", "cong an xa", "cong an", "ca phuong", "ca", "police")),
    "military": _Unit("Ban Chỉ huy quân sự", "Ward military command", "military",
                      ("ban chi huy quan su phuong", "ban chi huy quan su", "bchqs", "quan su",
                       "bo doi", "quan doi", "military", "army")),
    "militia": _Unit("Dân quân", "Militia", "militia",
                     ("dan quan", "dan quan tu ve", "dqtv", "militia")),
    "civil_defense": _Unit("Dân phòng", "Civil defence team", "security",
                           ("dan phong", "doi dan phong", "civil defence", "civil defense")),
    "residential_guard": _Unit("Bảo vệ dân phố", "Neighbourhood guard", "security",
                               ("bao ve dan pho", "bvdp", "neighbourhood guard")),
    "grassroots": _Unit("Lực lượng bảo vệ ANTT cơ sở", "Grassroots security and order force",
                        "security",
                        ("luc luong bao ve antt co so", "luc luong bao ve an ninh trat tu o co so",
                         "luc luong bao ve an ninh trat tu co so", "bao ve antt co so",
                         "llbvantt", "ll bv antt cs", "grassroots")),
}  # fmt: skip
"""Units of the people who patrol: code -> Vietnamese and English name, side, accepted words."""

_UNIT_LIST_VI = "; ".join(u.vi for u in UNITS.values())
_UNIT_LIST_EN = "; ".join(f"{u.vi} ({u.en})" for u in UNITS.values())


def _fold(text: str) -> str:
    from geodata.facilities import fold_text

    return fold_text(text)


def unit_code(text: str) -> str | None:
    """Return the unit code of ``text`` (``Công an phường``, ``dân quân``, ``militia``...).

    >>> unit_code("Ban Chỉ huy quân sự"), unit_code("Dân quân tự vệ"), unit_code("xe")
    ('military', 'militia', None)
    """
    folded = _fold(text)
    if folded in UNITS:
        return folded
    for code, unit in UNITS.items():
        if folded == _fold(unit.vi) or folded in unit.words:
            return code
    return None


def unit_label(code: str, lang: str = "vi") -> str:
    """Name of a unit in ``lang`` (the code itself when unknown)."""
    unit = UNITS.get(code)
    if unit is None:
        return code
    return unit.vi if lang == "vi" else unit.en


_PHONE_JUNK = re.compile(r"[\s.\-()/]")


def normalise_phone(text: str) -> str | None:
    """Return a Vietnamese phone number as 10 or 11 digits from 0, ``None`` when not one.

    Mobile numbers have 10 digits (``09x``, ``03x``, ``05x``, ``07x``, ``08x``), landlines 11
    (``02x``); ``+84``/``84`` stands for the leading 0; spaces, dots, dashes and brackets are
    ignored. An empty cell gives ``""``.

    >>> normalise_phone("+84 912.345.678"), normalise_phone("024 3823 4567"), normalise_phone("12")
    ('0912345678', '02438234567', None)
    """
    raw = _PHONE_JUNK.sub("", str(text).strip())
    if not raw:
        return ""
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) in (11, 12):
        raw = "0" + raw[2:]
    if not raw.isdigit() or not raw.startswith("0"):
        return None
    if len(raw) == 10 and raw[1] in "35789":
        return raw
    if len(raw) == 11 and raw[1] == "2":
        return raw
    return None


def format_phone(phone: str) -> str:
    """Write a stored phone for reading aloud: ``0912 345 678``, ``024 3823 4567``."""
    if len(phone) == 10:
        return f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    if len(phone) == 11:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return phone


_TEAM_NUMBER = re.compile(r"^(?:to|t|team|to tuan tra)?\s*(\d{1,3})$")


def team_code(text: str) -> str:
    """Return the plans' id of a team: ``Tổ 1``, ``tổ 01``, ``T1``, ``1`` are all ``T1``.

    Other names (``Tổ cơ động``) are kept as written, without spaces at the ends.

    >>> team_code("Tổ 2"), team_code("t02"), team_code("Tổ cơ động")
    ('T2', 'T2', 'Tổ cơ động')
    """
    found = _TEAM_NUMBER.match(_fold(text))
    if found:
        return f"T{int(found.group(1))}"
    return " ".join(str(text).split())


def team_label(code: str, lang: str = "vi") -> str:
    """Return a team as people say it: ``T1`` is ``Tổ 1`` (``Team 1``); other names as they are."""
    found = re.fullmatch(r"T(\d+)", code)
    if found:
        return f"{'Tổ' if lang == 'vi' else 'Team'} {found.group(1)}"
    return code


# --------------------------------------------------------------------------- personnel files

_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("ho va ten", "ho ten", "ten", "ten can bo", "name", "full name"),
    "unit": ("don vi", "luc luong", "unit", "force"),
    "rank": ("cap bac", "chuc vu", "cap bac chuc vu", "chuc danh", "rank", "role"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "dt", "phone"),
    "team": ("to", "to tuan tra", "team"),
    "leader": ("to truong", "leader"),
}
_HEADER_VI = {
    "name": "Họ và tên",
    "unit": "Đơn vị",
    "rank": "Cấp bậc, chức vụ",
    "phone": "Số điện thoại",
    "team": "Tổ",
    "leader": "Tổ trưởng",
}
_YES = {"x", "co", "yes", "1", "true", "v", "to truong", "tt"}
_NO = {"", "khong", "no", "0", "false"}


@dataclass(frozen=True)
class PersonRow:
    """One person of a personnel list or a roster file, as read (``row``: spreadsheet row)."""

    row: int
    name: str
    unit: str
    rank: str = ""
    phone: str = ""
    team: str = ""
    leader: bool = False


def _problem(
    file: str, row: int | None, column: str | None, value: str | None, en: str, vi: str
) -> Problem:
    return Problem(file, row, column, value, en, vi)


def read_personnel(
    path: str | Path,
    *,
    existing: Iterable[tuple[str, str]] = (),
    need_team: bool = False,
    name: str | None = None,
) -> list[PersonRow]:
    """Read a personnel list or a roster (CSV or XLSX, Vietnamese headers), checked whole.

    Columns: ``Họ và tên`` and ``Đơn vị`` (required); ``Cấp bậc, chức vụ``, ``Số điện thoại``;
    ``Tổ`` and ``Tổ trưởng`` (``x`` for the leader; required with ``need_team``). ``STT`` and
    other columns are ignored.

    Parameters
    ----------
    path
        The file (``.csv``, ``.xlsx``).
    existing
        ``(name, phone)`` of people already kept: the same person again is a duplicate.
    need_team
        The file is a night's roster: every row names its team.
    name
        The file name used in messages (an upload's own name); default ``path``.

    Returns
    -------
    list[PersonRow]
        Every person, in file order.

    Raises
    ------
    InputFileError
        With every problem, by row and column: a missing name, an unknown unit, a duplicate
        person, a phone in the wrong form, a missing team.

    """
    from geodata.io import read_table

    shown = name or str(path)
    try:
        table = read_table(path)
    except InputFileError as exc:
        raise InputFileError(shown, [_renamed(p, shown) for p in exc.problems]) from None
    headers: dict[str, str] = {}
    for column in table.columns:
        folded = _fold(str(column))
        for key, words in _HEADERS.items():
            if key not in headers and folded in words:
                headers[key] = str(column)
    needed = ["name", "unit", *(["team"] if need_team else [])]
    missing = [k for k in needed if k not in headers]
    if missing:
        names_vi = ", ".join(_HEADER_VI[k] for k in missing)
        raise InputFileError(
            shown,
            [
                _problem(
                    shown, 1, None, ", ".join(map(str, table.columns)),
                    f"missing column(s) {names_vi}: the header row must name "
                    f"{', '.join(_HEADER_VI[k] for k in needed)}",
                    f"Thiếu cột {names_vi}: dòng tiêu đề phải có các cột "
                    f"{', '.join(_HEADER_VI[k] for k in needed)}.",
                )
            ],
        )  # fmt: skip
    known: dict[tuple[str, str], str] = {(_fold(n), p): n for n, p in existing}
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    phones: dict[str, tuple[int, str]] = {}
    problems: list[Problem] = []
    rows: list[PersonRow] = []

    def cell(row: object, key: str) -> str:
        return str(table.at[row, headers[key]]).strip() if key in headers else ""

    for r in table.index:
        row = int(r)
        person = cell(r, "name")
        unit_text, phone_text = cell(r, "unit"), cell(r, "phone")
        col = {k: headers.get(k, _HEADER_VI[k]) for k in _HEADER_VI}
        if not person:
            problems.append(_problem(
                shown, row, col["name"], "", "the name is missing: write the person's full name",
                "Thiếu họ và tên: ghi đủ họ và tên của người này.",
            ))  # fmt: skip
        unit = unit_code(unit_text)
        if unit is None:
            problems.append(_problem(
                shown, row, col["unit"], unit_text,
                f"unknown unit {unit_text!r}: write one of {_UNIT_LIST_EN}",
                f"Đơn vị {unit_text!r} không có trong danh mục: ghi một trong {_UNIT_LIST_VI}.",
            ))  # fmt: skip
        phone = normalise_phone(phone_text)
        if phone is None:
            problems.append(_problem(
                shown, row, col["phone"], phone_text,
                "phone in the wrong form: write 10 digits from 0 for a mobile (0912 345 678) or "
                "11 for a landline (024 3823 4567); if Excel dropped the leading 0, format the "
                "column as Text",
                "Số điện thoại sai dạng: di động ghi 10 chữ số bắt đầu bằng 0 (0912 345 678), "
                "máy bàn 11 chữ số (024 3823 4567); nếu Excel làm mất số 0 ở đầu, đặt định dạng "
                "cột là Văn bản (Text).",
            ))  # fmt: skip
        team = team_code(cell(r, "team")) if "team" in headers else ""
        if need_team and not team:
            problems.append(_problem(
                shown, row, col["team"], "", "the team is missing: write the team (Tổ 1, Tổ 2...)",
                "Thiếu tổ: ghi tổ của người này (Tổ 1, Tổ 2...).",
            ))  # fmt: skip
        leader_text = _fold(cell(r, "leader"))
        if leader_text not in _YES | _NO:
            problems.append(_problem(
                shown, row, col["leader"], cell(r, "leader"),
                "write x for the team leader and leave the others blank",
                "Cột Tổ trưởng: ghi x cho tổ trưởng, để trống với người khác.",
            ))  # fmt: skip
        if person:
            who = (_fold(person), phone or "")
            if who in known:
                problems.append(_problem(
                    shown, row, col["name"], person,
                    f"{person} ({format_phone(phone or '') or 'no phone'}) is kept already: "
                    "remove the row",
                    f"{person} ({format_phone(phone or '') or 'không có số điện thoại'}) đã có "
                    "trong danh sách lực lượng: bỏ dòng này.",
                ))  # fmt: skip
            elif who in seen and seen[who][1] == team:
                # On two teams of a roster is said by ``roster_from_rows``, with the teams.
                first = seen[who][0]
                problems.append(_problem(
                    shown, row, col["name"], person,
                    f"{person} is listed twice (rows {first} and {row}): keep one row",
                    f"{person} bị trùng (dòng {first} và dòng {row}): chỉ giữ một dòng.",
                ))  # fmt: skip
            seen.setdefault(who, (row, team))
            if phone:
                other = phones.get(phone)
                if other is not None and _fold(other[1]) != _fold(person):
                    problems.append(_problem(
                        shown, row, col["phone"], phone_text,
                        f"{format_phone(phone)} is also the phone of {other[1]} (row {other[0]}): "
                        "each person has their own number",
                        f"Số {format_phone(phone)} trùng với số của {other[1]} (dòng {other[0]}): "
                        "mỗi người một số riêng.",
                    ))  # fmt: skip
                phones.setdefault(phone, (row, person))
        rows.append(
            PersonRow(
                row,
                person,
                unit or "",
                cell(r, "rank"),
                phone or "",
                team,
                leader_text in _YES and leader_text != "",
            )
        )
    if not rows:
        problems.append(_problem(
            shown, None, None, None, "the list has no person: add a row per person",
            "Danh sách không có ai: thêm mỗi người một dòng.",
        ))  # fmt: skip
    if problems:
        raise InputFileError(shown, problems)
    return rows


def _renamed(problem: Problem, name: str) -> Problem:
    return Problem(name, problem.row, problem.column, problem.value, problem.message,
                   problem.message_vi)  # fmt: skip


# --------------------------------------------------------------------------- the night's roster


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
        by_person.setdefault((_fold(row.name), row.phone), []).append(row)
    for found in by_person.values():
        codes = {r.team for r in found}
        if len(codes) > 1:
            labels = " và ".join(team_label(r.team) for r in found)
            lines = ", ".join(str(r.row) for r in found)
            problems.append(_problem(
                source, found[-1].row, _HEADER_VI["team"], found[-1].team,
                f"{found[0].name} is on two teams ({', '.join(sorted(codes))}; rows {lines}): "
                "keep them on one",
                f"{found[0].name} có tên ở hai tổ ({labels}; dòng {lines}): chỉ để ở một tổ.",
            ))  # fmt: skip
    for code, members in teams.items():
        leaders = [r for r in members if r.leader]
        who = ", ".join(r.name for r in members)
        if not leaders:
            problems.append(_problem(
                source, members[0].row, _HEADER_VI["leader"], "",
                f"team {code} ({who}) has no leader: write x in the leader column of one of them",
                f"{team_label(code)} ({who}) chưa có tổ trưởng: ghi x ở cột Tổ trưởng của một "
                "người trong tổ.",
            ))  # fmt: skip
        elif len(leaders) > 1:
            names = ", ".join(r.name for r in leaders)
            problems.append(_problem(
                source, leaders[1].row, _HEADER_VI["leader"], "x",
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
