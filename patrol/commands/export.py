"""``patrol export`` and ``patrol serve-exports``: exports of a plan file, and their server.

``export`` writes GPX/KML/GeoJSON/HTML/PDF from the plan file (the phone map and the PDF
briefing on the streets of ``--area``, or of the embedded ward for its plans); ``serve-exports`` is
the ward-network server of signed download links.

Registered in ``patrol.cli`` by importing this module; heavy libraries load only when a command
runs.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from patrol.cli import app, cli_language, load_settings, run_guarded

__all__ = ["export_command", "serve_exports_command"]


class _Format(StrEnum):
    gpx = "gpx"
    kml = "kml"
    geojson = "geojson"
    html = "html"
    pdf = "pdf"
    all = "all"


class _Lang(StrEnum):
    vi = "vi"
    en = "en"


@app.command("export")
def export_command(
    plan: Annotated[Path, typer.Argument(help="patrol-plan/1 file, as 'patrol plan' writes it.")],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="File, folder, or a .zip for everything."),
    ],
    fmt: Annotated[_Format, typer.Option("--format", "-f", help="Export format.")] = _Format.all,
    team: Annotated[str | None, typer.Option("--team", "-t", help="One team; default all.")] = None,
    lang: Annotated[_Lang, typer.Option("--lang", help="Language of the exports.")] = _Lang.vi,
    hotline: Annotated[
        str | None, typer.Option("--hotline", help="Ward hotline printed on the PDF briefing.")
    ] = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="Check the plan against this OSM extract ('default': the "
            "embedded ward) before exporting.",
        ),
    ] = None,
    publish_root: Annotated[
        Path | None,
        typer.Option("--publish", help="Also publish into this private folder for serve-exports."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Ward-network address of serve-exports.")
    ] = None,
    secret_file: Annotated[
        Path | None, typer.Option("--secret-file", help="Link secret (created when missing).")
    ] = None,
) -> None:
    """Write a plan's exports; with --publish and --base-url also print each team's signed link."""

    def run() -> None:
        from dataclasses import replace

        from patrol.export import link_for, load_secret, publish, read_plan, write_exports
        from patrol.export._common import Lang

        language: Lang = "en" if lang is _Lang.en else "vi"
        checked = read_plan(plan)
        if load_settings().area.online:  # the ward allows web links on the phone page
            checked = replace(checked, web_links=True)
        from geodata.area import DEFAULT_AREA_NAME, load_area

        loaded = None
        if area is not None:
            from patrol.export import check_against_area

            loaded = load_area(None if area == "default" else area, settings=load_settings())
            check_against_area(checked, sites=loaded.facilities.index, bbox=loaded.bbox)
        elif checked.area == DEFAULT_AREA_NAME:  # the embedded ward: its streets are at hand
            loaded = load_area(None, settings=load_settings())
        if loaded is not None:  # the phone map and the briefing drawn on the ward's streets
            from geodata.basemap import street_background

            checked = replace(checked, background=street_background(loaded))
        formats = "all" if fmt is _Format.all else fmt.value
        written = write_exports(
            checked, output, team=team, formats=formats, lang=language, hotline=hotline
        )
        for path in written:
            typer.echo(str(path))
        if publish_root is not None:
            secret = load_secret(secret_file or publish_root / ".link-secret") if base_url else None
            publish(checked, publish_root, lang=language, hotline=hotline, base_url=base_url,
                    secret=secret)  # fmt: skip
            if base_url and secret:
                for route in checked.select(team):
                    url = link_for(checked, route.team, base_url=base_url, secret=secret)
                    typer.echo(f"{route.team}\t{url}")

    run_guarded(run)


@app.command("serve-exports")
def serve_exports_command(
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Private exports folder (from --publish); default: the dashboard's, "
            "<data folder>/exports.",
        ),
    ] = None,
    secret_file: Annotated[
        Path | None, typer.Option("--secret-file", help="Link secret; default ROOT/.link-secret.")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Address on the ward network.")] = "0.0.0.0",
    port: Annotated[
        int | None, typer.Option("--port", help="TCP port; default [export] port (8765).")
    ] = None,
) -> None:
    """Serve published exports to signed links only (403 and a log line for anything else)."""

    def run() -> None:
        from patrol.export import load_secret, make_server
        from patrol.export.address import export_base_url
        from patrol.store.db import default_data_dir

        settings = load_settings()
        folder = root or default_data_dir(settings) / "exports"
        secret = load_secret(secret_file or folder / ".link-secret")
        chosen = settings.export.port if port is None else port
        server = make_server(folder, secret, host=host, port=chosen)
        bound = server.server_address[1]
        phones = export_base_url(settings.replace(export={"port": bound}))
        typer.echo(f"Máy chủ tải lộ trình: điện thoại trong mạng nội bộ mở {phones}")
        if cli_language() == "vi":
            typer.echo(f"(thư mục {folder}, nghe tại http://{host}:{bound})")
        else:
            typer.echo(f"serving signed exports from {folder} on http://{host}:{bound}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

    run_guarded(run)
