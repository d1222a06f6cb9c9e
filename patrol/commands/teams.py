"""``patrol people ...`` and ``patrol teams ...``: the ward's forces and standing teams.

Commanders keep the list of people (name, unit, rank or duty, phone), the standing teams (Tổ 1,
Tổ 2... with a leader and members) and the night's roster (the standing teams with the night's
swaps). Like ``patrol users``, whoever runs these commands has the store's file in hand and acts
as the ward's commander; each change is audited as ``cli:<login name>``. Messages are Vietnamese
first; a refused file lists every problem by row and column.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from patrol.cli import app, load_settings
from patrolbase.errors import InputFileError, PatrolError

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from patrol.night import NightRoster
    from patrol.store.auth import Principal
    from patrol.store.db import Store
    from patrol.store.roster import PersonInfo

__all__ = ["people_app", "teams_app"]

T = TypeVar("T")

people_app = typer.Typer(
    help="Lực lượng: thêm, xem, nhập danh sách (CSV/XLSX). The ward's people.",
    no_args_is_help=True,
)
teams_app = typer.Typer(
    help="Tổ tuần tra: lập tổ, xem, đổi thành phần, ca trực đêm và đổi ca. Standing teams.",
    no_args_is_help=True,
)
app.add_typer(people_app, name="people")
app.add_typer(teams_app, name="teams")

AreaOption = Annotated[
    str | None,
    typer.Option("--area", help="Tên địa bàn (mặc định: địa bàn có sẵn). Area name."),
]


def guarded(func: Callable[[], T]) -> T:
    """Run ``func``; print a ``PatrolError`` in the user's language (``cli_language``), exit 2.

    A refused file lists every problem by row and column.
    """
    from patrol.cli import cli_language

    try:
        return func()
    except PatrolError as exc:
        if cli_language() == "en" or not exc.message_vi:
            typer.echo(f"error: {exc}", err=True)
        elif isinstance(exc, InputFileError):
            typer.echo(f"lỗi: {exc.file}: {len(exc.problems)} lỗi, chưa nạp gì.", err=True)
            for p in exc.problems:
                row = f"dòng {p.row}" if p.row else ""
                where = ", ".join(x for x in (row, f"cột {p.column}" if p.column else "") if x)
                typer.echo(f"  - {where}: {p.message_vi}", err=True)
        else:
            typer.echo(f"lỗi: {exc.message_vi}", err=True)
        raise typer.Exit(2) from None


def area_name(area: str | None) -> str:
    """Return the area records are kept under: ``--area``, else the embedded default area's name."""
    if area:
        return area
    from geodata.area import DEFAULT_AREA_NAME

    return DEFAULT_AREA_NAME


def cli_commander() -> Principal:
    """Return the person at the machine as the ward's commander (audited ``cli:<login>``)."""
    from patrol.store.auth import Principal, Role

    return Principal(0, f"cli:{getpass.getuser()}", getpass.getuser(), Role.COMMANDER, None)


def _store() -> Store:
    from patrol.store.db import open_store

    return guarded(lambda: open_store(load_settings()))


def _person(people: list[PersonInfo], text: str) -> int:
    """Return the id of the person named ``text`` (full name, or the id ``people list`` shows)."""
    from geodata.facilities import fold_text

    if text.strip().lstrip("#").isdigit():
        wanted = int(text.strip().lstrip("#"))
        if any(p.id == wanted for p in people):
            return wanted
    found = [p for p in people if fold_text(p.name) == fold_text(text)]
    if len(found) == 1:
        return found[0].id
    if found:
        ids = ", ".join(f"{p.id} ({p.label()}, {p.phone or '-'})" for p in found)
        msg = f"{len(found)} people are called {text}: give the id ({ids})"
        err = PatrolError(msg)
        err.message_vi = f"Có {len(found)} người tên {text}: ghi mã số ({ids})."
        raise err
    msg = f"nobody called {text!r} on the list; see `patrol people list`"
    err = PatrolError(msg)
    err.message_vi = f"Không có {text} trong danh sách lực lượng (xem: patrol people list)."
    raise err


def _print_night(night: NightRoster) -> None:
    from patrol.personnel import format_phone, team_label, unit_label

    day = f"{night.shift_date:%d/%m/%Y}" if night.shift_date else ""
    typer.echo(f"Ca trực đêm {day}:")
    for team in night.teams:
        if not team.members:
            typer.echo(f"{team_label(team.code)}: không có ai trực")
            continue
        typer.echo(f"{team_label(team.code)}:")
        for m in team.ordered():
            lead = " (tổ trưởng)" if m.id == team.leader_id else ""
            extra = ", ".join(x for x in (m.rank, unit_label(m.unit)) if x)
            typer.echo(f"  {m.name}{lead} - {extra} - {format_phone(m.phone) or '-'}")


# --------------------------------------------------------------------------- people


@people_app.command("add")
def people_add(
    name: Annotated[str, typer.Argument(help="Họ và tên. Full name.")],
    unit: Annotated[
        str,
        typer.Option(
            "--unit",
            help="Đơn vị: Công an phường, Ban Chỉ huy quân sự, Dân quân, "
            "Dân phòng, Bảo vệ dân phố, Lực lượng bảo vệ ANTT cơ sở.",
        ),
    ],
    rank: Annotated[str, typer.Option("--rank", help="Cấp bậc, chức vụ. Rank or duty.")] = "",
    phone: Annotated[str, typer.Option("--phone", help="Số điện thoại. Phone.")] = "",
    area: AreaOption = None,
) -> None:
    """Thêm một người vào danh sách lực lượng. Add a person."""
    from patrol.store import roster

    store = _store()
    person = guarded(
        lambda: roster.add_person(
            store,
            cli_commander(),
            area=area_name(area),
            name=name,
            unit=unit,
            rank=rank,
            phone=phone,
            source="cli",
        )
    )
    typer.echo(f"Đã thêm {name} (mã số {person}).")
    store.close()


@people_app.command("list")
def people_list(area: AreaOption = None) -> None:
    """Danh sách lực lượng: mã số, họ tên, đơn vị, cấp bậc, điện thoại, tổ. List people."""
    from patrol.personnel import format_phone, team_label, unit_label
    from patrol.store import roster

    store = _store()
    people = guarded(lambda: roster.list_people(store, cli_commander(), area=area_name(area)))
    if not people:
        typer.echo("Chưa có ai trong danh sách lực lượng (patrol people import TỆP).")
    for p in people:
        team = team_label(p.team) if p.team else "-"
        typer.echo(
            f"{p.id}\t{p.name}\t{unit_label(p.unit)}\t{p.rank or '-'}\t"
            f"{format_phone(p.phone) or '-'}\t{team}"
        )
    store.close()


@people_app.command("import")
def people_import(
    file: Annotated[Path, typer.Argument(help="Danh sách CSV hoặc XLSX. Personnel list.")],
    area: AreaOption = None,
) -> None:
    """Nhập danh sách lực lượng (Họ và tên, Đơn vị, Cấp bậc, Số điện thoại; Tổ, Tổ trưởng).

    Tệp có lỗi bị từ chối cả tệp, liệt kê mọi lỗi theo dòng và cột. A file with mistakes is
    refused whole, every problem listed by row and column.
    """
    from patrol.store import roster

    store = _store()
    ids = guarded(
        lambda: roster.import_people(
            store, cli_commander(), file, area=area_name(area), source="cli"
        )
    )
    teams = guarded(lambda: roster.list_teams(store, cli_commander(), area=area_name(area)))
    typer.echo(
        f"Đã nhập {len(ids)} người từ {file.name}; các tổ: "
        f"{', '.join(t.label for t in teams) or 'chưa có'}."
    )
    store.close()


# --------------------------------------------------------------------------- teams


@teams_app.command("add")
def teams_add(
    name: Annotated[str, typer.Argument(help="Tên tổ: Tổ 1, Tổ 2... Team name.")],
    leader: Annotated[str, typer.Option("--leader", help="Tổ trưởng (họ tên hoặc mã số).")],
    member: Annotated[
        list[str] | None, typer.Option("--member", help="Thành viên (lặp lại). Member.")
    ] = None,
    vehicle: Annotated[str, typer.Option("--vehicle", help="motorbike, car, foot.")] = "motorbike",
    area: AreaOption = None,
) -> None:
    """Lập một tổ tuần tra với tổ trưởng và thành viên. Create a standing team."""
    from patrol.personnel import team_code, team_label
    from patrol.store import roster

    store = _store()
    where = area_name(area)

    def run() -> str:
        people = roster.list_people(store, cli_commander(), area=where)
        lead = _person(people, leader)
        members = [_person(people, m) for m in member or []]
        roster.add_team(
            store,
            cli_commander(),
            area=where,
            name=name,
            leader=lead,
            members=members,
            vehicle=vehicle,
            source="cli",
        )
        return team_label(team_code(name))

    typer.echo(f"Đã lập {guarded(run)}.")
    store.close()


@teams_app.command("set")
def teams_set(
    name: Annotated[str, typer.Argument(help="Tổ: Tổ 1, T1...")],
    leader: Annotated[str, typer.Option("--leader", help="Tổ trưởng (họ tên hoặc mã số).")],
    member: Annotated[list[str] | None, typer.Option("--member", help="Thành viên.")] = None,
    area: AreaOption = None,
) -> None:
    """Đổi tổ trưởng và thành viên của một tổ. Replace a team's leader and members."""
    from patrol.store import roster

    store = _store()
    where = area_name(area)

    def run() -> None:
        people = roster.list_people(store, cli_commander(), area=where)
        lead = _person(people, leader)
        members = [_person(people, m) for m in member or []]
        roster.set_team(
            store,
            cli_commander(),
            area=where,
            team=name,
            leader=lead,
            members=members,
            source="cli",
        )

    guarded(run)
    typer.echo("Đã cập nhật tổ.")
    store.close()


@teams_app.command("list")
def teams_list(area: AreaOption = None) -> None:
    """Các tổ tuần tra và thành phần. List the standing teams."""
    from patrol.personnel import format_phone
    from patrol.store import roster

    store = _store()
    teams = guarded(lambda: roster.list_teams(store, cli_commander(), area=area_name(area)))
    if not teams:
        typer.echo("Chưa lập tổ nào (patrol teams add 'Tổ 1' --leader ... --member ...).")
    for team in teams:
        lead = team.leader.name if team.leader else "chưa có tổ trưởng"
        typer.echo(f"{team.label} ({team.code}) - tổ trưởng: {lead}")
        for m in team.members:
            typer.echo(f"  {m.label()} - {format_phone(m.phone) or '-'}")
    store.close()


def _day(text: str) -> date:
    from geodata.shift import parse_date

    return guarded(lambda: parse_date(text))


@teams_app.command("roster")
def teams_roster(
    date_text: Annotated[str, typer.Option("--date", help="Ngày trực, dd/mm/yyyy.")],
    area: AreaOption = None,
) -> None:
    """Ca trực đêm: các tổ, tổ trưởng, thành viên, điện thoại. The night's roster."""
    from patrol.store import roster

    store = _store()
    night = guarded(
        lambda: roster.night_roster(
            store, cli_commander(), area=area_name(area), shift_date=_day(date_text)
        )
    )
    _print_night(night)
    store.close()


@teams_app.command("swap")
def teams_swap(
    date_text: Annotated[str, typer.Option("--date", help="Ngày trực, dd/mm/yyyy.")],
    out: Annotated[str, typer.Option("--out", help="Người nghỉ đêm đó (họ tên hoặc mã số).")],
    into: Annotated[
        str | None,
        typer.Option("--in", help="Người thay (họ tên hoặc mã số); bỏ trống: nghỉ, không ai thay."),
    ] = None,
    area: AreaOption = None,
) -> None:
    """Đổi người trực một đêm (nếu cả hai đều trực thì đổi chỗ cho nhau). Swap for a night."""
    from patrol.store import roster

    store = _store()
    where = area_name(area)

    def run() -> NightRoster:
        people = roster.list_people(store, cli_commander(), area=where)
        return roster.swap(
            store,
            cli_commander(),
            area=where,
            shift_date=_day(date_text),
            out_person=_person(people, out),
            in_person=_person(people, into) if into else None,
            source="cli",
        )

    _print_night(guarded(run))
    store.close()
