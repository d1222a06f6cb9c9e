"""``patrol campaign`` (loudspeaker runs on every street) and ``patrol key-routes``.

Plans the week's runs at ``[campaign] run_times`` (06:30 and 19:00) over the residential
streets (``geodata.campaign``) and writes per run a GPX track and a GeoJSON loop, and the week's
table (CSV): runs, streets, time, length, coverage per residential area and the streets left.
``key-routes`` writes one loop driving each key route end to end (``geodata.keyroutes``). The
people's patrol teams' loops are ``patrol.commands.village``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from patrol.cli import app, cli_language, load_settings, run_guarded
from patrolbase.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area

__all__ = ["campaign_command", "key_routes_command", "replace_settings", "residential_groups_of"]


def replace_settings(
    settings: Settings, section: str, changes: dict[str, object], vi: str
) -> Settings:
    """Return ``settings`` with the command's options; a bad value is refused in both languages."""
    from patrolbase.errors import SettingsError

    try:
        return settings.replace(**{section: changes})
    except SettingsError as exc:
        exc.message_vi = vi
        raise


_GROUPS_HELP = (
    "The residential groups: polygons (.geojson, .json, .kml) or a table of street names per "
    "group (.csv, .xlsx); default: those uploaded to the store, else the map's."
)


class _Vehicle(StrEnum):
    motorbike = "motorbike"
    car = "car"


def residential_groups_of(
    area: Area, file: Path | None, settings: Settings
) -> gpd.GeoDataFrame | None:
    """Return the ward's groups: from ``file`` (checked whole), else those kept in the store.

    ``None`` (groups from the map) when neither is given.
    """
    from geodata.streets import residential_groups

    if file is not None:
        from geodata.io.groups import read_group_file

        given = read_group_file(file, area=area)
    else:
        from patrol.commands.teams import cli_commander
        from patrol.store.groups import stored_groups

        given = stored_groups(settings, cli_commander(), area=area.name)
        if given is None:
            return None
    return residential_groups(area, settings=settings, given=given)


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
    groups_file: Annotated[Path | None, typer.Option("--groups", help=_GROUPS_HELP)] = None,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Also save the week in the store (replaces its runs not yet marked made).",
        ),
    ] = False,
) -> None:
    """Plan a week of loudspeaker campaign runs covering every residential street."""
    from geodata.area import load_area
    from geodata.campaign import plan_campaign
    from geodata.shift import parse_date
    from patrol.export.campaign import week_summary, write_campaign
    from patrolbase.errors import SettingsError
    from patrolbase.wording import say

    lang = cli_language()
    settings = load_settings()
    changes: dict[str, object] = {}
    if vehicles is not None:
        changes["vehicles"] = vehicles
    if vehicle is not None:
        changes["vehicle"] = vehicle.value
    if changes:
        settings = run_guarded(
            lambda: replace_settings(
                settings,
                "campaign",
                changes,
                "số xe mỗi chuyến (--vehicles) phải từ 1 đến 20",
            )
        )

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
    groups = run_guarded(lambda: residential_groups_of(area, groups_file, settings))
    week = run_guarded(
        lambda: plan_campaign(area, week_of=first, settings=settings, groups=groups)  # type: ignore[arg-type]
    )
    from geodata.basemap import street_background

    files = write_campaign(week, out, lang=lang, background=street_background(area))
    typer.echo(week_summary(week, lang))
    if week.left:
        typer.echo(say("campaign.left", lang, count=len(week.left), runs=week.more_runs))
        for street in week.left:
            typer.echo(f"  - {week.streets.at[street, 'name']}")
    for path in files:
        typer.echo(str(path))
    if save:
        from patrol.commands.campaign_runs import save_week_line

        typer.echo(run_guarded(lambda: save_week_line(week, settings, lang)))


@app.command("key-routes")
def key_routes_command(
    route: Annotated[
        list[str], typer.Option("--route", help="A key route: a street name as on the map.")
    ],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for the files.")],
    minutes: Annotated[int, typer.Option("--minutes", help="Longest loop (minutes).")] = 60,
    vehicle: Annotated[_Vehicle, typer.Option("--vehicle", help="motorbike or car.")] = (
        _Vehicle.motorbike
    ),
    area_file: Annotated[
        Path | None, typer.Option("--area", help="OSM export; default: the embedded ward.")
    ] = None,
) -> None:
    """Plan one closed loop from the police post driving each key route end to end."""
    from geodata.area import load_area
    from geodata.keyroutes import key_route_loop, key_routes
    from patrol.export.campaign import track_gpx
    from patrol.files import private_folder, write_private
    from patrolbase.wording import fmt_decimal, say

    lang = cli_language()
    settings = load_settings()
    area = run_guarded(lambda: load_area(area_file, mode=vehicle.value, settings=settings))
    routes = run_guarded(lambda: key_routes(area, route))
    loop = run_guarded(lambda: key_route_loop(area, routes, budget_s=minutes * 60))
    folder = private_folder(out)
    title = f"{say('keyroute.title', lang)}, {area.name}"
    names = "; ".join(r.name for r in routes)
    path = write_private(folder / "tuyen-trong-diem.gpx", track_gpx(title, names, names, loop.path))
    typer.echo(
        say(
            "keyroute.summary",
            lang,
            routes=len(routes),
            minutes=fmt_decimal(loop.duration_s / 60, lang),
            km=fmt_decimal(loop.length_m / 1000, lang, decimals=1),
        )
    )
    typer.echo(str(path))
