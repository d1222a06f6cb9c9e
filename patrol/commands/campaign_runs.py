"""``patrol campaign --save``, ``campaign-done`` and ``campaign-runs``: the campaign in the store.

``patrol campaign ... --save`` stores the planned week (``patrol.store.campaigns.save_week``: the
week's runs still planned are replaced, runs already marked are kept). ``campaign-done`` marks a
saved run made, or not made with a reason, or back to planned; ``campaign-runs`` lists a week's
saved runs and their result. They act as the ward's commander, audited as ``cli:<login name>``.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from patrol.cli import app, cli_language, load_settings, run_guarded
from patrolbase.settings import Settings

if TYPE_CHECKING:
    from geodata.campaign import CampaignWeek
    from patrol.store.campaigns import StoredRun

__all__ = ["campaign_done_command", "campaign_runs_command", "save_week_line"]


class _Kind(StrEnum):
    motorbike = "motorbike"
    car = "car"


def save_week_line(week: CampaignWeek, settings: Settings, lang: str) -> str:
    """Save ``week`` in the store as the ward's commander (audited ``cli:<login>``)."""
    from patrol.commands.teams import cli_commander
    from patrol.store.campaigns import save_week
    from patrol.store.db import open_store
    from patrolbase.wording import say

    store = open_store(settings)
    try:
        saved = save_week(store, cli_commander(), week, source="cli")
    finally:
        store.close()
    return say(
        "campaign.saved",
        lang,
        week=f"{week.week_of:%d/%m/%Y}",
        vehicle=say(f"settings.mode.{week.vehicle}", lang),
        planned=saved.planned,
        kept=saved.kept,
    )


def _area_name(area_file: Path | None, settings: Settings) -> str:
    """Return the name the store keeps the area's runs under: the embedded ward's, or the file's."""
    from geodata.area import DEFAULT_AREA_NAME, load_area

    if area_file is None:
        return DEFAULT_AREA_NAME
    return load_area(area_file, settings=settings).name


def _day(text: str, option: str) -> date:
    from geodata.shift import parse_date
    from patrolbase.errors import SettingsError

    try:
        return parse_date(text, field=option)
    except SettingsError as exc:
        exc.message_vi = f"{option} = '{text}': hãy viết đủ ngày, tháng, năm (dd/mm/yyyy)"
        raise


def _run_line(run: StoredRun, lang: str) -> str:
    """``Ngày 07/12/2026, 06:30, xe 1 (Xe máy): đã thực hiện``, with the reason when not made."""
    from patrolbase.wording import say

    label = say("campaign.run", lang, day=f"{run.day:%d/%m/%Y}", start=run.start,
                vehicle=run.vehicle_no)  # fmt: skip
    status = say(f"campaign.status.{run.status}", lang) + (f" ({run.reason})" if run.reason else "")
    vehicle = say(f"settings.mode.{run.vehicle}", lang)
    return say("campaign.marked", lang, run=label, vehicle=vehicle, status=status)


class _Status(StrEnum):
    made = "made"
    not_made = "not-made"
    planned = "planned"


@app.command("campaign-done")
def campaign_done_command(
    day: Annotated[str, typer.Option("--date", help="Day of the run, DD/MM/YYYY.")],
    slot: Annotated[str, typer.Option("--slot", help="Start time of the run: 06:30 or 19:00.")],
    vehicle_no: Annotated[int, typer.Option("--vehicle", help="Vehicle number (1, 2...).")] = 1,
    status: Annotated[
        _Status, typer.Option("--status", help="made, not-made (give --reason) or planned.")
    ] = _Status.made,
    reason: Annotated[str, typer.Option("--reason", help="Why the run was not made.")] = "",
    kind: Annotated[
        _Kind | None,
        typer.Option("--kind", help="motorbike or car, when both have a run in the slot."),
    ] = None,
    area_file: Annotated[
        Path | None, typer.Option("--area", help="OSM export; default: the embedded ward.")
    ] = None,
) -> None:
    """Mark a saved campaign run made, or not made with a reason (commanders)."""
    from patrol.commands.teams import cli_commander
    from patrol.store.campaigns import mark_run
    from patrol.store.db import open_store

    lang = cli_language()
    settings = load_settings()
    the_day = run_guarded(lambda: _day(day, "--date"))
    name = run_guarded(lambda: _area_name(area_file, settings))

    def mark() -> StoredRun:
        store = open_store(settings)
        try:
            return mark_run(
                store, cli_commander(), area=name, day=the_day, start=slot.strip(),
                vehicle_no=vehicle_no, status=status.value.replace("-", "_"), reason=reason,
                vehicle=kind.value if kind is not None else None, source="cli",
            )  # fmt: skip
        finally:
            store.close()

    typer.echo(_run_line(run_guarded(mark), lang))


@app.command("campaign-runs")
def campaign_runs_command(
    week_of: Annotated[str, typer.Option("--week-of", help="First day of the week, DD/MM/YYYY.")],
    days: Annotated[int, typer.Option("--days", help="Days to show.")] = 7,
    area_file: Annotated[
        Path | None, typer.Option("--area", help="OSM export; default: the embedded ward.")
    ] = None,
) -> None:
    """List the saved campaign runs of a week and whether each was made."""
    from patrol.commands.teams import cli_commander
    from patrol.store.campaigns import list_runs
    from patrol.store.db import open_store
    from patrolbase.wording import say

    lang = cli_language()
    settings = load_settings()
    first = run_guarded(lambda: _day(week_of, "--week-of"))
    end = first + timedelta(days=days)
    name = run_guarded(lambda: _area_name(area_file, settings))

    def runs() -> list[StoredRun]:
        store = open_store(settings)
        try:
            return list_runs(store, cli_commander(), area=name, start=first, end=end)
        finally:
            store.close()

    found = run_guarded(runs)
    if not found:
        last = end - timedelta(days=1)
        typer.echo(say("campaign.no_runs", lang, start=f"{first:%d/%m/%Y}", end=f"{last:%d/%m/%Y}"))
    for run in found:
        typer.echo(_run_line(run, lang))
