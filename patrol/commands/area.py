"""``patrol area [FILE] [--mode motorbike|car|foot]``: what the product made of an OSM file.

Prints a JSON summary (bounding box, street graph nodes and edges kept and dropped, facilities
per kind) of the given export, or of the embedded default area without FILE. Registered in
``patrol.cli`` by importing this module; geodata loads only when the command runs.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from patrol.cli import app, cli_language, load_settings, run_guarded
from patrolbase.settings import TravelMode

__all__ = ["area_command"]


class _Mode(StrEnum):
    motorbike = "motorbike"
    car = "car"
    foot = "foot"


@app.command("area")
def area_command(
    file: Annotated[
        Path | None,
        typer.Argument(help="OSM export (.osm, .osm.bz2, .osm.gz); default: the embedded ward."),
    ] = None,
    mode: Annotated[
        _Mode | None, typer.Option("--mode", help="Travel mode; default from the settings.")
    ] = None,
) -> None:
    """Print a JSON summary of an area: bbox, street graph kept/dropped, facilities per kind."""
    import json

    from geodata.area import area_summary, load_area

    settings = load_settings()
    chosen: TravelMode | None = mode.value if mode is not None else None
    lang = cli_language()
    area = run_guarded(
        lambda: load_area(file, mode=chosen, settings=settings, progress=True, lang=lang)
    )
    typer.echo(json.dumps(area_summary(area), ensure_ascii=False, indent=2))
