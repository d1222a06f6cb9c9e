"""``patrol campaign --week-of DD/MM/YYYY -o DIR``: a week of loudspeaker runs on every street.

Plans the week's runs at ``[campaign] run_times`` (06:30 and 19:00) over the residential
streets (``geodata.campaign``) and writes per run a GPX track and a GeoJSON loop, and the week's
table (CSV): runs, streets, time, length, coverage per residential area and the streets left.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from patrol.cli import app, cli_language, load_settings, run_guarded

__all__ = ["campaign_command"]


class _Vehicle(StrEnum):
    motorbike = "motorbike"
    car = "car"


@app.command("campaign")
def campaign_command(
    week_of: Annotated[str, typer.Option("--week-of", help="First day of the week, DD/MM/YYYY.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for the files.")],
    vehicles: Annotated[
        int | None, typer.Option("--vehicles", help="Vehicles on each run (default: settings).")
    ] = None,
    vehicle: Annotated[
        _Vehicle | None, typer.Option("--vehicle", help="motorbike or car (default: settings).")
    ] = None,
    area_file: Annotated[
        Path | None, typer.Option("--area", help="OSM export; default: the embedded ward.")
    ] = None,
) -> None:
    """Plan a week of loudspeaker campaign runs covering every residential street."""
    from geodata.area import load_area
    from geodata.campaign import plan_campaign
    from geodata.shift import parse_date
    from patrol.export.campaign import write_campaign
    from patrolbase.errors import SettingsError
    from patrolbase.wording import fmt_decimal, say

    lang = cli_language()
    settings = load_settings()
    changes: dict[str, object] = {}
    if vehicles is not None:
        changes["vehicles"] = vehicles
    if vehicle is not None:
        changes["vehicle"] = vehicle.value
    if changes:
        settings = run_guarded(lambda: settings.replace(campaign=changes))

    def start_day() -> object:
        try:
            return parse_date(week_of, field="--week-of")
        except SettingsError as exc:
            exc.message_vi = (
                f"--week-of = '{week_of}': hãy viết ngày đầu tuần đủ ngày, tháng, năm "
                "(dd/mm/yyyy), ví dụ 07/12/2026"
            )
            raise

    first = run_guarded(start_day)
    mode = settings.campaign.vehicle
    area = run_guarded(lambda: load_area(area_file, mode=mode, settings=settings))  # type: ignore[arg-type]
    week = run_guarded(lambda: plan_campaign(area, week_of=first, settings=settings))  # type: ignore[arg-type]
    files = write_campaign(week, out, lang=lang)
    passes = week.passes
    total_s = sum(r.duration_s for r in week.runs)
    typer.echo(
        say(
            "campaign.summary",
            lang,
            runs=len(week.runs),
            covered=int((passes > 0).sum()),
            total=len(passes),
            minutes=fmt_decimal(total_s / 60, lang),
            km=fmt_decimal(sum(r.length_m for r in week.runs) / 1000, lang, decimals=1),
        )
    )
    if week.left:
        typer.echo(say("campaign.left", lang, count=len(week.left), runs=week.more_runs))
        for street in week.left:
            typer.echo(f"  - {week.streets.at[street, 'name']}")
    for path in files:
        typer.echo(str(path))
