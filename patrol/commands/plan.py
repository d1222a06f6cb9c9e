"""``patrol plan``: the whole night in one command (load -> risk -> problem -> solve).

Writes ``problem.json``, ``plan.json`` and a readable ``summary.txt`` for any OSM extract (the
embedded default area without ``--area``); the depot is the area's ward police post unless
``--depot`` names one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from patrol.cli import app, load_settings, run_guarded

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
) -> None:
    """Plan a night shift end to end and write problem.json, plan.json and summary.txt.

    With ``--nights 7`` a week's rota: one folder per night and rota.txt / rota.json (which
    nights each target is checked, at what time, by which team; the guarantee and any
    shortfall).
    """
    from geodata.area import load_area
    from geodata.io import read_facility_survey, read_incidents
    from geodata.shift import Shift
    from patrol.pipeline import load_inputs, plan_shift, write_plan_outputs
    from patrol.rota import plan_week, write_rota_outputs

    settings = load_settings()

    def run() -> list[Path]:
        the_shift = Shift.parse(date, shift, high_risk)
        the_area = load_area(area, settings=settings, progress=True)
        bbox = the_area.bbox
        survey = read_facility_survey(facilities, bbox=bbox) if facilities else None
        history = read_incidents(incidents, bbox=bbox) if incidents else None
        inputs = load_inputs(settings, area=the_area, survey=survey, incidents=history)
        typer.echo(f"planning {the_shift.label()} for {inputs.area.name} ...", err=True)
        if nights != 1:
            rota = plan_week(
                inputs,
                the_shift,
                nights=nights,
                n_teams=teams,
                depots=depot,
                time_limit_s=time_limit,
                seed=seed,
                settings=settings,
            )
            return write_rota_outputs(rota, out, lang=lang)
        result = plan_shift(
            inputs,
            the_shift,
            n_teams=teams,
            depots=depot,
            time_limit_s=time_limit,
            seed=seed,
            settings=settings,
        )
        return write_plan_outputs(result, out, lang=lang)

    for path in run_guarded(run):
        typer.echo(str(path))
