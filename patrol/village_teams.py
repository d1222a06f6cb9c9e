"""People's patrol teams of the residential groups (tổ tuần tra nhân dân), read from a roster file.

Each village or residential group forms one team of 3 to 5 people (the Tiên Trang plan: "thành
lập 01 tổ từ 3 đến 5 người"), one of them its leader, drawn from the grassroots forces: dân
phòng, bảo vệ dân phố, lực lượng bảo vệ an ninh, trật tự ở cơ sở, the commune police and the
militia. The roster is a CSV or XLSX file with the headers a ward writes (``Tổ/khu dân cư``,
``Họ và tên``, ``Vai trò``, ``Tổ trưởng``, ``Điện thoại``; the form is
``geodata/data/templates/mau-to-tuan-tra-nhan-dan.xlsx``). It is checked whole against the
area's residential groups: every problem is named by row and column, in Vietnamese and English,
and nothing is kept when anything is wrong.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from patrol.personnel import (
    LEADER_NO,
    LEADER_YES,
    fold,
    format_phone,
    normalise_phone,
    read_headed_table,
)
from patrolbase.errors import InputFileError, Problem
from patrolbase.wording import say

__all__ = [
    "HEADERS_VI",
    "ROLES",
    "TEAM_MAX",
    "TEAM_MIN",
    "VillageMember",
    "VillageTeam",
    "read_village_teams",
    "role_code",
]

TEAM_MIN, TEAM_MAX = 3, 5
"""People in one team."""

ROLES: dict[str, tuple[str, ...]] = {
    "civil_defense": ("dan phong", "doi dan phong", "civil defence", "civil defense"),
    "residential_guard": ("bao ve dan pho", "bvdp", "neighbourhood guard"),
    "grassroots": (
        "luc luong bao ve an ninh trat tu o co so",
        "luc luong bao ve an ninh trat tu co so",
        "luc luong bao ve antt co so",
        "bao ve antt co so",
        "llbvantt",
        "ll bv antt cs",
        "grassroots security",
        "grassroots",
    ),
    "police": (
        "cong an xa phuong",
        "cong an xa",
        "cong an phuong",
        "cong an vien",
        "cong an",
        "police",
    ),
    "militia": ("dan quan", "dan quan tu ve", "dqtv", "militia"),
}
"""Roles a people's patrol member may have: code -> accepted spellings (folded). The names
shown are the catalog's ``village.role.<code>``."""

_HEADERS: dict[str, tuple[str, ...]] = {
    "group": (
        "to khu dan cu",
        "to dan pho",
        "khu dan cu",
        "thon",
        "thon to dan pho",
        "to dan pho thon",
        "dia ban",
        "group",
        "residential group",
    ),
    "name": ("ho va ten", "ho ten", "ten", "name", "full name"),
    "role": ("vai tro", "luc luong", "don vi", "role"),
    "leader": ("to truong", "leader"),
    "phone": ("dien thoai", "so dien thoai", "sdt", "so dt", "dt", "phone"),
}
HEADERS_VI = {
    "group": "Tổ/khu dân cư",
    "name": "Họ và tên",
    "role": "Vai trò",
    "leader": "Tổ trưởng",
    "phone": "Điện thoại",
}


@dataclass(frozen=True)
class VillageMember:
    """One person of a people's patrol team (``row``: the spreadsheet row)."""

    row: int
    name: str
    role: str
    phone: str = ""
    leader: bool = False

    def role_label(self, lang: str = "vi") -> str:
        """Return the role in words (``Dân phòng``)."""
        return say(f"village.role.{self.role}", lang)

    def phone_label(self) -> str:
        """Return the phone as read aloud (``0912 345 678``), empty when none."""
        return format_phone(self.phone)


@dataclass(frozen=True)
class VillageTeam:
    """The people's patrol team of one residential group: leader first, then file order."""

    group_id: str
    group: str
    members: tuple[VillageMember, ...]

    @property
    def leader(self) -> VillageMember:
        """The team leader (tổ trưởng)."""
        return self.members[0]


def role_code(text: str) -> str | None:
    """Return the role code of ``text``, ``None`` when it is not a people's patrol role.

    >>> role_code("Dân phòng"), role_code("Công an viên"), role_code("Ban Chỉ huy quân sự")
    ('civil_defense', 'police', None)
    """
    folded = fold(text)
    if folded in ROLES:
        return folded
    for code, spellings in ROLES.items():
        if folded in spellings or folded == fold(say(f"village.role.{code}", "vi")):
            return code
    return None


def _group_keys(groups: dict[str, str]) -> dict[str, str]:
    """Folded ways to write each group -> group id: its whole name, its name before ``(``."""
    keys: dict[str, str] = {}
    short_seen: dict[str, int] = {}
    for name in groups.values():
        short = fold(name.split(" (")[0])
        short_seen[short] = short_seen.get(short, 0) + 1
    for group_id, name in groups.items():
        keys[fold(name)] = group_id
        keys.setdefault(fold(group_id), group_id)
        short = fold(name.split(" (")[0])
        if short_seen[short] == 1:
            keys.setdefault(short, group_id)
    return keys


def read_village_teams(
    path: str | Path, *, groups: dict[str, str], name: str | None = None
) -> list[VillageTeam]:
    """Read the roster of people's patrol teams, checked whole against the area's groups.

    Parameters
    ----------
    path
        ``.csv`` or ``.xlsx``; columns ``Tổ/khu dân cư``, ``Họ và tên``, ``Vai trò``,
        ``Tổ trưởng`` (``x`` for the leader), ``Điện thoại``; ``STT`` and others are ignored.
    groups
        The area's residential groups: id -> name (``Khu dân cư số 8 (Phố Quốc Tử Giám – Phố
        Văn Miếu)``). A row may name its group in whole or by the part before the bracket
        (``Khu dân cư số 8``).
    name
        The file name used in messages (an upload's own name); default ``path``.

    Returns
    -------
    list of VillageTeam
        One per group named, in the order of the groups given.

    Raises
    ------
    InputFileError
        With every problem by row and column: a missing column, an empty name, an unknown role
        or group (with the close names), a phone in the wrong form, a person on two teams, a
        team of fewer than 3 or more than 5, a team without a leader or with two, a leader
        without a phone.

    """
    shown = name or str(path)
    table, headers = read_headed_table(path, shown=shown, spellings=_HEADERS)
    needed = ["group", "name", "role", "leader"]
    missing = [k for k in needed if k not in headers]
    if missing:
        want = ", ".join(HEADERS_VI[k] for k in needed)
        lacking = ", ".join(HEADERS_VI[k] for k in missing)
        columns = ", ".join(map(str, table.columns))
        raise InputFileError(
            shown,
            [
                Problem(
                    shown,
                    1,
                    None,
                    columns,
                    f"missing column(s) {lacking}: the header row must name {want} (and "
                    f"{HEADERS_VI['phone']})",
                    f"Thiếu cột {lacking}: dòng tiêu đề phải có các cột {want} (và "
                    f"{HEADERS_VI['phone']}).",
                )
            ],
        )
    col = {k: headers.get(k, HEADERS_VI[k]) for k in HEADERS_VI}
    keys = _group_keys(groups)
    names = list(groups.values())
    problems: list[Problem] = []
    by_group: dict[str, list[VillageMember]] = {}
    unknown: dict[str, list[int]] = {}
    people: dict[str, list[tuple[int, str, str]]] = {}
    bad_phone: set[int] = set()

    def cell(r: object, key: str) -> str:
        return str(table.at[r, headers[key]]).strip() if key in headers else ""

    def add(row: int | None, key: str | None, value: str | None, en: str, vi: str) -> None:
        problems.append(Problem(shown, row, col[key] if key else None, value, en, vi))

    for r in table.index:
        row = int(r)
        person, group_text = cell(r, "name"), cell(r, "group")
        role_text, phone_text, leader_text = cell(r, "role"), cell(r, "phone"), cell(r, "leader")
        if not person:
            add(
                row,
                "name",
                "",
                "the name is missing: write the person's full name",
                "Thiếu họ và tên: ghi đủ họ và tên của người này.",
            )
        role = role_code(role_text)
        if role is None:
            known_vi = "; ".join(say(f"village.role.{c}", "vi") for c in ROLES)
            known_en = "; ".join(
                f"{say(f'village.role.{c}', 'vi')} ({say(f'village.role.{c}', 'en')})"
                for c in ROLES
            )
            add(
                row,
                "role",
                role_text,
                f"unknown role {role_text!r}: write one of {known_en}",
                f"Vai trò {role_text!r} không có trong danh mục: ghi một trong {known_vi}.",
            )
        phone = normalise_phone(phone_text)
        if phone is None:
            bad_phone.add(row)
            add(
                row,
                "phone",
                phone_text,
                "phone in the wrong form: write 10 digits from 0 for a mobile (0912 345 678) or "
                "11 for a landline (024 3823 4567); if Excel dropped the leading 0, format the "
                "column as Text",
                "Số điện thoại sai dạng: di động ghi 10 chữ số bắt đầu bằng 0 (0912 345 678), "
                "máy bàn 11 chữ số (024 3823 4567); nếu Excel làm mất số 0 ở đầu, đặt định dạng "
                "cột là Văn bản (Text).",
            )
        leader_folded = fold(leader_text)
        if leader_folded not in LEADER_YES | LEADER_NO:
            add(
                row,
                "leader",
                leader_text,
                "write x for the team leader and leave the others blank",
                "Cột Tổ trưởng: ghi x cho tổ trưởng, để trống với người khác.",
            )
        group_id = keys.get(fold(group_text))
        if not group_text:
            add(
                row,
                "group",
                "",
                "the residential group is missing: write the group this person patrols",
                "Thiếu tổ/khu dân cư: ghi tổ dân phố, thôn hay khu dân cư người này tuần tra.",
            )
        elif group_id is None:
            unknown.setdefault(group_text, []).append(row)
        member = VillageMember(
            row,
            person,
            role or "",
            phone or "",
            leader_folded in LEADER_YES and leader_folded != "",
        )
        if group_id is not None:
            by_group.setdefault(group_id, []).append(member)
        if person and group_id is not None:
            # The same name is the same person unless both rows give different phones.
            same = [
                (first, other)
                for first, other, known in people.get(fold(person), [])
                if not phone or not known or known == phone
            ]
            if same and same[0][1] != group_id:
                first, other = same[0]
                add(
                    row,
                    "name",
                    person,
                    f"{person} is on two teams ({groups[other]}, row {first}, and "
                    f"{groups[group_id]}, row {row}): a person patrols with one team; keep one row",
                    f"{person} có tên ở hai tổ ({groups[other]}, dòng {first}, và "
                    f"{groups[group_id]}, dòng {row}): mỗi người chỉ ở một tổ; giữ một dòng.",
                )
            elif same:
                first = same[0][0]
                add(
                    row,
                    "name",
                    person,
                    f"{person} is listed twice (rows {first} and {row}): keep one row",
                    f"{person} bị trùng (dòng {first} và dòng {row}): chỉ giữ một dòng.",
                )
            people.setdefault(fold(person), []).append((row, group_id, phone or ""))
    for text, rows in unknown.items():
        spelled = {fold(n): n for n in names}
        for n in names:
            spelled.setdefault(fold(n.split(" (")[0]), n)
        matches = difflib.get_close_matches(fold(text), list(spelled), n=3, cutoff=0.6)
        close = list(dict.fromkeys(spelled[m] for m in matches))
        hint_vi = f"; có phải {' hay '.join(close)}?" if close else ""
        hint_en = f"; did you mean {' or '.join(close)}?" if close else ""
        rows_text = ", ".join(map(str, rows))
        add(
            rows[0],
            "group",
            text,
            f"the area has no residential group {text!r} (rows {rows_text}){hint_en} Write the "
            "group's name as the map names it",
            f"Địa bàn không có tổ/khu dân cư {text!r} (dòng {rows_text}){hint_vi} Ghi tên như "
            "trên bản đồ của phường.",
        )
    teams: list[VillageTeam] = []
    for group_id in groups:
        members = by_group.get(group_id)
        if not members:
            continue
        label, rows_text = groups[group_id], ", ".join(str(m.row) for m in members)
        if not TEAM_MIN <= len(members) <= TEAM_MAX:
            add(
                members[0].row,
                "group",
                label,
                f"the team of {label} has {len(members)} people (rows {rows_text}): a people's "
                f"patrol team has {TEAM_MIN} to {TEAM_MAX}",
                f"Tổ tuần tra nhân dân của {label} có {len(members)} người (dòng {rows_text}): "
                f"mỗi tổ từ {TEAM_MIN} đến {TEAM_MAX} người.",
            )
        leaders = [m for m in members if m.leader]
        if not leaders:
            add(
                members[0].row,
                "leader",
                "",
                f"the team of {label} has no leader (rows {rows_text}): write x in "
                f"{col['leader']} for one of them",
                f"Tổ của {label} chưa có tổ trưởng (dòng {rows_text}): ghi x ở cột "
                f"{col['leader']} cho một người.",
            )
        elif len(leaders) > 1:
            both = ", ".join(f"{m.name} (dòng {m.row})" for m in leaders)
            both_en = ", ".join(f"{m.name} (row {m.row})" for m in leaders)
            add(
                leaders[1].row,
                "leader",
                "x",
                f"the team of {label} has {len(leaders)} leaders, {both_en}: keep x for one",
                f"Tổ của {label} có {len(leaders)} tổ trưởng, {both}: chỉ ghi x cho một người.",
            )
        elif not leaders[0].phone and leaders[0].row not in bad_phone:
            add(
                leaders[0].row,
                "phone",
                "",
                f"the leader of {label}, {leaders[0].name}, has no phone: write it, the police "
                "post calls the leader",
                f"Tổ trưởng của {label}, {leaders[0].name}, chưa có số điện thoại: ghi số, "
                "công an liên lạc với tổ qua tổ trưởng.",
            )
        ordered = tuple(leaders[:1] + [m for m in members if m not in leaders[:1]])
        teams.append(VillageTeam(group_id, label, ordered))
    if table.empty:
        add(
            None,
            None,
            None,
            "the roster has no person: add a row per person",
            "Danh sách không có ai: thêm mỗi người một dòng.",
        )
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise InputFileError(shown, problems)
    return teams
