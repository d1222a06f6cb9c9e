"""``patrol plan``: the whole night in one command (load -> risk -> problem -> solve).

Writes ``problem.json``, ``plan.json`` and a readable ``summary.txt`` for any OSM extract (the
embedded default area without ``--area``); the depot is the area's ward police post unless
``--depot`` names one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from patrol.cli import app, cli_language, load_settings
from patrolbase.wording import say

if TYPE_CHECKING:
    from datetime import date

    from routing.roster import JointTeam

__all__ = ["plan_command"]


@app.command("plan")
def plan_command(
    date: Annotated[str, typer.Option("--date", help="Shift date, YYYY-MM-DD or dd/mm/yyyy.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for problem, plan, summary.")],
    shift: Annotated[
        str, typer.Option("--shift", help="Shift start-end, 24-hour.")
    ] = "22:00-05:00",
    high_risk: Annotated[
        str, typer.Option("--high-risk", help="High-risk window inside the shift.")
    ] = "01:00-03:00",
    teams: Annotated[int, typer.Option("--teams", help="Number of joint teams.")] = 3,
    area: Annotated[
        Path | None, typer.Option("--area", help="OSM extract; default: the embedded ward.")
    ] = None,
    facilities: Annotated[
        Path | None, typer.Option("--facilities", help="The ward's facility survey (CSV/XLSX).")
    ] = None,
    incidents: Annotated[
        Path | None,
        typer.Option("--incidents", help="Incident history (CSV/XLSX); default: demo data."),
    ] = None,
    depot: Annotated[
        list[str] | None, typer.Option("--depot", help="Facility id of a depot (repeatable).")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Solver seconds.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the search.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Summary language: vi or en.")] = "vi",
    nights: Annotated[
        int, typer.Option("--nights", help="Consecutive nights planned together (a rota).")
    ] = 1,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="Ca trực (CSV/XLSX: Họ và tên, Đơn vị, Số điện thoại, Tổ, "
            "Tổ trưởng); its teams replace --teams.",
        ),
    ] = None,
    from_store: Annotated[
        bool,
        typer.Option(
            "--from-store",
            help="The night's roster kept in the store (standing teams "
            "and the night's swaps; `patrol teams roster`).",
        ),
    ] = False,
    key_route: Annotated[
        list[str] | None,
        typer.Option(
            "--key-route",
            help="A key route (tuyến trọng điểm) a team drives end to end in the shift: a "
            "street name as on the map (repeatable).",
        ),
    ] = None,
    key_route_window: Annotated[
        str | None,
        typer.Option(
            "--key-route-window",
            help="Drive the key routes within this window of the shift, e.g. 01:00-03:00 "
            "(default: any time in the shift).",
        ),
    ] = None,
) -> None:
    """Plan a night shift end to end and write problem.json, plan.json and summary.txt.

    With ``--roster`` or ``--from-store`` the teams are the night's roster: plan.json names
    every member with unit, rank and phone (route extras ``members`` and ``people``).

    With ``--nights 7`` a week's rota: one folder per night and rota.txt / rota.json (which
    nights each target is checked, at what time, by which team; the guarantee and any
    shortfall); a roster's teams patrol every night of it.
    """
    from geodata.area import load_area
    from geodata.io import read_facility_survey, read_incidents
    from geodata.shift import Shift, parse_range
    from patrol.pipeline import load_inputs, plan_shift
    from patrol.plan_files import write_plan_outputs
    from patrol.rota import plan_week, write_rota_outputs

    settings = load_settings()

    def run() -> list[Path]:
        the_shift = Shift.parse(date, shift, high_risk)
        route_window = (
            parse_range(key_route_window, "key-route-window") if key_route_window else None
        )
        if route_window:
            the_shift.window_s(*route_window)  # a window outside the shift is refused at once
        # A roster file is checked before the area loads: its mistakes come at once.
        crews = _night_teams(roster, False, area="", day=the_shift.date) if roster else None
        lang = cli_language()
        the_area = load_area(area, settings=settings, progress=True, lang=lang)
        bbox = the_area.bbox
        survey = read_facility_survey(facilities, bbox=bbox) if facilities else None
        history = read_incidents(incidents, bbox=bbox) if incidents else None
        inputs = load_inputs(settings, area=the_area, survey=survey, incidents=history)
        if from_store:
            crews = _night_teams(roster, from_store, area=inputs.area.name, day=the_shift.date)
        planning = say("progress.planning", lang, shift=the_shift.label(), area=inputs.area.name)
        typer.echo(planning, err=True)
        if nights != 1:
            rota = plan_week(
                inputs,
                the_shift,
                nights=nights,
                n_teams=teams,
                roster=crews,
                depots=depot,
                time_limit_s=time_limit,
                seed=seed,
                settings=settings,
                key_routes=key_route or (),
                key_route_window=route_window,
            )
            return write_rota_outputs(rota, out, lang=lang)
        result = plan_shift(
            inputs,
            the_shift,
            n_teams=teams,
            roster=crews,
            depots=depot,
            time_limit_s=time_limit,
            seed=seed,
            settings=settings,
            key_routes=key_route or (),
            key_route_window=route_window,
        )
        return write_plan_outputs(result, out, lang=lang)

    from patrol.commands.teams import guarded

    for path in guarded(run):
        typer.echo(str(path))


def _night_teams(
    roster: Path | None, from_store: bool, *, area: str, day: date
) -> list[JointTeam] | None:
    """Return the night's joint teams of ``--roster FILE`` or the store (``None``: --teams)."""
    from patrol.night import check_night, roster_from_rows
    from patrol.personnel import read_personnel
    from patrolbase.errors import SettingsError

    if roster is not None and from_store:
        msg = "give --roster FILE or --from-store, not both"
        raise SettingsError(msg)
    if roster is not None:
        rows = read_personnel(roster, need_team=True, name=roster.name)
        return roster_from_rows(rows, source=roster.name, shift_date=day).joint_teams()
    if not from_store:
        return None
    from patrol.commands.teams import cli_commander
    from patrol.store import roster as stored
    from patrol.store.db import open_store

    store = open_store(load_settings())
    try:
        night = stored.night_roster(store, cli_commander(), area=area, shift_date=day)
    finally:
        store.close()
    check_night(night)
    return night.joint_teams()
