"""The ward's people and teams as the commander writes them: units, phones, personnel files.

Joint patrols are made of the ward police (Công an phường) and the ward military command (Ban Chỉ
huy quân sự phường) with its militia (dân quân); the other grassroots forces (dân phòng, bảo vệ
dân phố, lực lượng bảo vệ an ninh, trật tự ở cơ sở) may join. This module knows their units, the
form of a Vietnamese phone number, team names (``Tổ 1`` is team ``T1`` of the plans), and reads
a personnel list (CSV or XLSX with the headers a ward writes) checking the whole file at once.
The night's roster and its checks are in ``patrol.night``. It knows nothing of the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from patrolbase.errors import InputFileError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "HEADERS_VI",
    "UNITS",
    "PersonRow",
    "Side",
    "format_phone",
    "normalise_phone",
    "read_personnel",
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


def fold(text: str) -> str:
    """Return ``text`` folded for matching: lower case, no accents (``geodata.facilities``)."""
    from geodata.facilities import fold_text

    return fold_text(text)


def unit_code(text: str) -> str | None:
    """Return the unit code of ``text`` (``Công an phường``, ``dân quân``, ``militia``...).

    >>> unit_code("Ban Chỉ huy quân sự"), unit_code("Dân quân tự vệ"), unit_code("xe")
    ('military', 'militia', None)
    """
    folded = fold(text)
    if folded in UNITS:
        return folded
    for code, unit in UNITS.items():
        if folded == fold(unit.vi) or folded in unit.words:
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
    found = _TEAM_NUMBER.match(fold(text))
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
HEADERS_VI = {
    "name": "Họ và tên",
    "unit": "Đơn vị",
    "rank": "Cấp bậc, chức vụ",
    "phone": "Số điện thoại",
    "team": "Tổ",
    "leader": "Tổ trưởng",
}
LEADER_YES = {"x", "co", "yes", "1", "true", "v", "to truong", "tt"}
"""A leader column's marks (folded) that say 'this person leads the team'."""
LEADER_NO = {"", "khong", "no", "0", "false"}
"""A leader column's marks (folded) that say 'not the leader'."""


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
    shown = name or str(path)
    table, headers = read_headed_table(path, shown=shown, spellings=_HEADERS)
    needed = ["name", "unit", *(["team"] if need_team else [])]
    missing = [k for k in needed if k not in headers]
    if missing:
        names_vi = ", ".join(HEADERS_VI[k] for k in missing)
        raise InputFileError(
            shown,
            [
                _problem(
                    shown, 1, None, ", ".join(map(str, table.columns)),
                    f"missing column(s) {names_vi}: the header row must name "
                    f"{', '.join(HEADERS_VI[k] for k in needed)}",
                    f"Thiếu cột {names_vi}: dòng tiêu đề phải có các cột "
                    f"{', '.join(HEADERS_VI[k] for k in needed)}.",
                )
            ],
        )  # fmt: skip
    known: dict[tuple[str, str], str] = {(fold(n), p): n for n, p in existing}
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
        col = {k: headers.get(k, HEADERS_VI[k]) for k in HEADERS_VI}
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
        leader_text = fold(cell(r, "leader"))
        if leader_text not in LEADER_YES | LEADER_NO:
            problems.append(_problem(
                shown, row, col["leader"], cell(r, "leader"),
                "write x for the team leader and leave the others blank",
                "Cột Tổ trưởng: ghi x cho tổ trưởng, để trống với người khác.",
            ))  # fmt: skip
        if person:
            who = (fold(person), phone or "")
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
                if other is not None and fold(other[1]) != fold(person):
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
                leader_text in LEADER_YES and leader_text != "",
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


def read_headed_table(
    path: str | Path, *, shown: str, spellings: Mapping[str, tuple[str, ...]]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read a CSV or XLSX list and find its columns by their header, however it is written.

    ``spellings`` maps each key to the folded headers that name it (``fold``); returns the
    table and key -> the file's own column name, for the keys found. A file that cannot be read
    is refused under the name ``shown``.
    """
    from geodata.io import read_table

    try:
        table = read_table(path)
    except InputFileError as exc:
        raise InputFileError(shown, [_renamed(p, shown) for p in exc.problems]) from None
    headers: dict[str, str] = {}
    for column in table.columns:
        folded = fold(str(column))
        for key, words in spellings.items():
            if key not in headers and folded in words:
                headers[key] = str(column)
    return table, headers


def _renamed(problem: Problem, name: str) -> Problem:
    return Problem(name, problem.row, problem.column, problem.value, problem.message,
                   problem.message_vi)  # fmt: skip
