"""``patrol village-loops``: each residential group's walking loop for its people's patrol team.

Without a roster it writes every group's loop (``geodata.village``) as GPX and GeoJSON with a
CSV list. With ``--teams`` (the roster of people's patrol teams, ``patrol.village_teams``,
checked whole before anything is planned) each team also gets its night: a text sheet, the A4
briefing (PDF), the offline phone page and a GPX with the group's sites of concern
(``patrol.export.village``), leaving at ``--start`` on ``--date``.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from patrol.cli import app, cli_language, load_settings, run_guarded
from patrol.commands.campaign import replace_settings, residential_groups_of

__all__ = ["village_loops_command"]


def _day(text: str | None) -> date:
    """Return the night's date from ``--date`` (default: today), refusing it in both languages."""
    from geodata.shift import parse_date
    from patrolbase.clock import ward_today
    from patrolbase.errors import SettingsError

    if text is None:
        return ward_today()
    try:
        return parse_date(text, field="--date")
    except SettingsError as exc:
        exc.message_vi = (
            f"--date = '{text}': hãy viết ngày tuần tra đủ ngày, tháng, năm (dd/mm/yyyy), "
            "ví dụ 07/12/2026"
        )
        raise


def _clock(text: str | None) -> time | None:
    """Return the leaving time from ``--start`` (``None``: the shift's start)."""
    from geodata.shift import parse_clock
    from patrolbase.errors import SettingsError

    if text is None:
        return None
    try:
        return parse_clock(text, field="--start")
    except SettingsError as exc:
        exc.message_vi = f"--start = '{text}': hãy viết giờ theo 24 giờ, ví dụ 22:00 hoặc 22h00"
        raise


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
    from patrol.village_night import (
        leaving_time,
        night_shift,
        plan_village_night,
        write_village_night,
    )
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
    the_day, clock = run_guarded(lambda: _day(day)), run_guarded(lambda: _clock(start))
    budget_s = settings.village.loop_min * 60
    run_guarded(lambda: leaving_time(night_shift(the_day, settings), clock, budget_s))
    area = run_guarded(lambda: load_area(area_file, mode="foot", settings=settings))
    groups = run_guarded(lambda: residential_groups_of(area, groups_file, settings))
    night = run_guarded(
        lambda: plan_village_night(
            area,
            day=the_day,
            start=clock,
            settings=settings,
            groups=groups,
            roster=teams_file,
            lang=lang,
        )
    )
    files = write_village_night(night, out, area=area, lang=lang)
    loops = night.loops
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
    for group in night.without_loop:
        typer.echo(say("village.no_loop", lang, group=group))
    if teams_file is not None:
        longest = max((n.loop.duration_s for n in night.teams), default=0)
        typer.echo(
            say(
                "village.teams_summary",
                lang,
                teams=len(night.teams),
                sites=sum(len(n.loop.sites) for n in night.teams),
                minutes=fmt_decimal(longest / 60, lang),
            )
        )
        for team in night.teams:
            back = team.leave + timedelta(seconds=team.loop.duration_s)
            line = say(
                "village.team_line",
                lang,
                group=team.team.group,
                leader=team.team.leader.name,
                leave=f"{team.leave:%H:%M}",
                back=f"{back:%H:%M}",
                sites=len(team.loop.sites),
                meeting=team.meeting,
            )
            typer.echo(f"  {line}")
    for path in files:
        typer.echo(str(path))
