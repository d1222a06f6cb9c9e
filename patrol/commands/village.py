"""``patrol village-loops``: each residential group's walking loop for its people's patrol team.

Without a roster it writes every group's loop (``geodata.village``) as GPX and GeoJSON with a
CSV list. With ``--teams`` (the roster of people's patrol teams, ``patrol.village_teams``,
checked whole before anything is planned) each team also gets its night: a text sheet, the A4
briefing (PDF), the offline phone page and a GPX with the group's sites of concern
(``patrol.export.village``), leaving at ``--start`` on ``--date``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from patrol.cli import app, cli_language, load_settings, run_guarded
from patrol.commands.campaign import replace_settings, residential_groups_of

if TYPE_CHECKING:
    from geodata.shift import Shift
    from patrolbase.settings import Settings

__all__ = ["village_loops_command"]


def _night_shift(day_text: str | None, settings: Settings) -> Shift:
    """Return the ward's night shift of ``day_text`` (default: today), refusing a bad date."""
    from geodata.shift import Shift, parse_date
    from patrolbase.clock import ward_today
    from patrolbase.errors import SettingsError

    the_day: date = ward_today()
    if day_text is not None:
        try:
            the_day = parse_date(day_text, field="--date")
        except SettingsError as exc:
            exc.message_vi = (
                f"--date = '{day_text}': hãy viết ngày tuần tra đủ ngày, tháng, năm "
                "(dd/mm/yyyy), ví dụ 07/12/2026"
            )
            raise
    shift = settings.shift
    return Shift.parse(
        the_day, f"{shift.start}-{shift.end}", f"{shift.high_risk_start}-{shift.high_risk_end}"
    )


def _leave(shift: Shift, start_text: str | None, budget_s: int) -> datetime:
    """Return when the teams leave: ``start_text`` (default: the shift's start) inside the shift."""
    from geodata.shift import parse_clock
    from patrolbase.errors import SettingsError

    if start_text is None:
        return shift.start_dt
    try:
        clock = parse_clock(start_text, field="--start")
    except SettingsError as exc:
        exc.message_vi = (
            f"--start = '{start_text}': hãy viết giờ theo 24 giờ, ví dụ 22:00 hoặc 22h00"
        )
        raise
    offset = (datetime.combine(shift.date, clock) - shift.start_dt).total_seconds() % 86_400
    if offset + budget_s > shift.duration_s:
        window = f"{shift.start:%H:%M}-{shift.end:%H:%M}"
        err = SettingsError(
            f"--start = {start_text}: the {budget_s // 60}-minute loop must lie inside the "
            f"night shift {window}"
        )
        err.message_vi = (
            f"--start = {start_text}: lộ trình {budget_s // 60} phút phải nằm trong ca đêm "
            f"{window}; chọn giờ xuất phát khác"
        )
        raise err
    return shift.start_dt + timedelta(seconds=offset)


@app.command("village-loops")
def village_loops_command(
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for the files.")],
    minutes: Annotated[
        int | None, typer.Option("--minutes", help="Length of a loop (default: settings).")
    ] = None,
    area_file: Annotated[
        Path | None, typer.Option("--area", help="OSM export; default: the embedded ward.")
    ] = None,
    groups_file: Annotated[
        Path | None, typer.Option("--groups", help="GeoJSON of the residential groups.")
    ] = None,
    teams_file: Annotated[
        Path | None,
        typer.Option("--teams", help="Roster of the people's patrol teams (CSV or XLSX)."),
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help="Night of the patrol, DD/MM/YYYY (default: today).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="Leaving time HH:MM (default: shift start).")
    ] = None,
) -> None:
    """Plan each residential group's walking loop; with --teams, each team's sheets and maps."""
    from geodata.area import load_area
    from geodata.streets import residential_groups
    from geodata.village import village_loops
    from patrol.export.campaign import write_village_loops
    from patrolbase.wording import fmt_decimal, say

    lang = cli_language()
    settings = load_settings()
    if minutes is not None:
        settings = run_guarded(
            lambda: replace_settings(
                settings,
                "village",
                {"loop_min": minutes},
                "thời gian một lộ trình (--minutes) phải từ 10 đến 480 phút",
            )
        )
    budget_s = settings.village.loop_min * 60
    shift = run_guarded(lambda: _night_shift(day, settings))
    leave = run_guarded(lambda: _leave(shift, start, budget_s))
    area = run_guarded(lambda: load_area(area_file, mode="foot", settings=settings))
    groups = run_guarded(lambda: residential_groups_of(area, groups_file, settings))
    teams = []
    if teams_file is not None:
        from patrol.village_teams import read_village_teams

        if groups is None:
            groups = residential_groups(area, settings=settings)
        names = {str(i): str(n) for i, n in zip(groups.index, groups["name"], strict=True)}
        teams = run_guarded(lambda: read_village_teams(teams_file, groups=names))
    loops = run_guarded(lambda: village_loops(area, settings=settings, groups=groups))
    files = write_village_loops(loops, out, area=area.name, lang=lang)
    whole = sum(1 for loop in loops if not loop.left)
    typer.echo(
        say(
            "village.summary",
            lang,
            loops=len(loops),
            whole=whole,
            minutes=settings.village.loop_min,
        )
    )
    if teams:
        from geodata.basemap import street_background
        from patrol.export.village import TeamNight, write_team_files

        by_group = {loop.group_id: loop for loop in loops}
        nights = []
        for team in teams:
            loop = by_group.get(team.group_id)
            if loop is None:
                typer.echo(say("village.no_loop", lang, group=team.group))
                continue
            street = loop.meeting_street or say("village.meeting_plain", lang)
            nights.append(
                TeamNight(
                    team=team,
                    loop=loop,
                    shift=shift,
                    leave=leave,
                    area=area.name,
                    meeting=say("village.meeting", lang, street=street),
                )
            )
        files += write_team_files(nights, out, lang=lang, background=street_background(area))
        longest = max((n.loop.duration_s for n in nights), default=0)
        typer.echo(
            say(
                "village.teams_summary",
                lang,
                teams=len(nights),
                sites=sum(len(n.loop.sites) for n in nights),
                minutes=fmt_decimal(longest / 60, lang),
            )
        )
        for night in nights:
            back = night.leave + timedelta(seconds=night.loop.duration_s)
            line = say(
                "village.team_line",
                lang,
                group=night.team.group,
                leader=night.team.leader.name,
                leave=f"{night.leave:%H:%M}",
                back=f"{back:%H:%M}",
                sites=len(night.loop.sites),
                meeting=night.meeting,
            )
            typer.echo(f"  {line}")
    for path in files:
        typer.echo(str(path))
