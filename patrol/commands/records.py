"""``patrol records add|list``: the teams' GPS tracks of a night, matched to the approved plan.

``patrol records add TRACK.gpx --team T1`` reads a GPX (1.0/1.1) or KML track, matches it to the
night's approved plan in the store (the night the track was recorded, or ``--night``) and stores
it, audited as ``cli:<login name>`` acting as the ward's commander. A file that cannot be used is
refused with every problem named and nothing stored. ``patrol records list`` shows the records
of a night. Messages are Vietnamese first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from patrol.cli import app, load_settings
from patrol.commands.teams import cli_commander, guarded

__all__ = ["records_app"]

records_app = typer.Typer(
    help="Kết quả tuần tra: nạp lộ trình GPS của tổ, đối chiếu với kế hoạch. Patrol records.",
    no_args_is_help=True,
)
app.add_typer(records_app, name="records")

AreaPath = Annotated[
    Path | None,
    typer.Option("--area", help="Tệp OSM của địa bàn (mặc định: địa bàn có sẵn). OSM export."),
]


@records_app.command("add")
def add_command(
    tracks: Annotated[list[Path], typer.Argument(help="Tệp lộ trình GPX/KML. Track files.")],
    team: Annotated[str, typer.Option("--team", "-t", help="Tổ (T1 hoặc Tổ 1). Team.")],
    night: Annotated[
        str | None,
        typer.Option("--night", help="Đêm tuần tra 2026-11-23 (mặc định: theo lộ trình)."),
    ] = None,
    area: AreaPath = None,
) -> None:
    """Nạp lộ trình GPS của một tổ và đối chiếu với kế hoạch đã phê duyệt của đêm đó."""
    settings = load_settings()

    def run() -> list[str]:
        from geodata.area import load_area
        from geodata.shift import parse_date
        from geodata.tracks import read_track_file
        from patrol.personnel import team_code
        from patrol.records import record_summary
        from patrol.store.db import open_store
        from patrol.store.records import add_record

        rec = settings.records
        read = [
            read_track_file(p, min_points=rec.min_points, max_mb=rec.max_track_mb) for p in tracks
        ]
        the_area = load_area(area, settings=settings)
        store = open_store(settings)
        try:
            return [
                record_summary(
                    add_record(
                        store, cli_commander(), track, area=the_area.name, bbox=the_area.bbox,
                        team=team_code(team), settings=settings, source="cli",
                        shift_date=parse_date(night, field="--night") if night else None,
                    ).match
                )
                for track in read
            ]  # fmt: skip
        finally:
            store.close()

    for line in guarded(run):
        typer.echo(line)


@records_app.command("list")
def list_command(
    night: Annotated[str, typer.Option("--night", help="Đêm tuần tra 2026-11-23.")],
    area: AreaPath = None,
) -> None:
    """Xem kết quả tuần tra của một đêm, từng điểm dừng."""
    settings = load_settings()

    def run() -> list[str]:
        from geodata.area import load_area
        from geodata.shift import parse_date
        from patrol.records import record_summary, stops_table
        from patrol.store.db import open_store
        from patrol.store.records import list_records

        the_area = load_area(area, settings=settings)
        store = open_store(settings)
        try:
            found = list_records(
                store, cli_commander(), area=the_area.name,
                shift_date=parse_date(night, field="--night"),
            )  # fmt: skip
        finally:
            store.close()
        lines = []
        for rec in found:
            lines.append(record_summary(rec.match))
            if rec.match.stops:
                lines.append(stops_table(rec.match).to_string(index=False))
        return lines or [f"Đêm {night}: chưa có kết quả tuần tra nào."]

    for line in guarded(run):
        typer.echo(line)
