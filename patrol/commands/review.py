"""``patrol review --month 2026-10 -o report.pdf``: the monthly report to send by the 15th.

Reads the area (an OSM export, default the embedded ward), the incident log, the approved plans
of the period from the store's approval records (plan files of a folder count only when the
store approved their content, and a plan only once) and the teams' patrol records, computes
``geodata.review.monthly_review`` and writes the report in the form of the ward's documents as
PDF, and on request as an editable Word file, an HTML page and the tables (CSV and XLSX). Without
``--incidents`` the review runs on generated demonstration incidents, marked as such on every
page. Registered in ``patrol.cli`` by importing this module; geodata loads only when the command
runs.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from patrol.cli import app, load_settings, run_guarded
from patrolbase.wording import say

__all__ = ["read_plans", "review_command"]


class _Lang(StrEnum):
    vi = "vi"
    en = "en"


def read_plans(folder: Path | None) -> list[tuple[str, dict[str, Any]]]:
    """Every ``*.json`` plan of ``folder`` (sorted by name) as (file name, document).

    A malformed one raises its error. The files' own ``status`` is not trusted: the review asks
    the store (``patrol.store.plans.plans_for_review``).
    """
    from patrolbase.errors import PlanFileError
    from routing.model import PatrolPlan

    if folder is None:
        return []
    if not folder.is_dir():
        msg = f"{folder}: --plans must be a folder of patrol-plan/1 JSON files"
        raise PlanFileError(msg)
    return [
        (path.name, PatrolPlan.from_file(path).to_dict()) for path in sorted(folder.glob("*.json"))
    ]


@app.command("review")
def review_command(
    month: Annotated[str, typer.Option("--month", "-m", help="Month to review: 2026-10.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="PDF report to write.")],
    incidents: Annotated[
        Path | None,
        typer.Option("--incidents", help="Incident log (CSV/XLSX); default: demonstration data."),
    ] = None,
    plans: Annotated[
        Path | None,
        typer.Option(
            "--plans", help="Folder of plan JSON files; counted only when the store approved them."
        ),
    ] = None,
    area: Annotated[
        Path | None, typer.Option("--area", help="OSM export of the area; default: embedded ward.")
    ] = None,
    docx: Annotated[
        Path | None, typer.Option("--docx", help="Also write the report as a Word file.")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the report as one HTML file.")
    ] = None,
    tables: Annotated[
        Path | None, typer.Option("--tables", help="Also write the tables (CSV, XLSX) here.")
    ] = None,
    lang: Annotated[_Lang, typer.Option("--lang", help="Language of the report.")] = _Lang.vi,
    seed: Annotated[int, typer.Option("--seed", help="Seed of demonstration incidents.")] = 7,
) -> None:
    """Write the monthly report (PDF; optionally Word, HTML and tables) for one period."""
    settings = load_settings()

    def run() -> list[Path]:
        import calendar
        from datetime import date

        from geodata.area import load_area
        from geodata.basemap import street_background
        from geodata.review import check_month, monthly_review
        from patrol.report import render_figures, write_docx, write_html, write_pdf, write_tables
        from patrol.reviewing import review_inputs
        from patrol.store.audit import audit_head
        from patrol.store.db import open_store

        # A month that has not begun is refused before anything is loaded.
        the_month = check_month(month)
        the_area = load_area(area, settings=settings)
        if incidents is not None:
            from geodata.io import read_incidents

            frame = read_incidents(incidents)
        else:
            from geodata.incidents import generate_demo_incidents

            last_day = calendar.monthrange(the_month.year, the_month.month)[1]
            frame = generate_demo_incidents(
                the_area.facilities,
                the_area.bbox,
                start=date(the_month.year - 1, 1, 1),
                end=the_month.replace(day=last_day),
                seed=seed,
            )
        # Approved plans come from the store's approval records (files count only when the
        # store approved their content, and each plan once), with the teams' patrol records.
        store = open_store(settings)
        try:
            found = review_inputs(
                store, month=the_month, area=the_area.name, uploads=read_plans(plans),
                settings=settings,
            )  # fmt: skip
            head = audit_head(store)  # printed in the report: the log anchored on paper
        finally:
            store.close()
        for name in found.counted.unconfirmed:
            typer.echo(
                f"cảnh báo: tệp {name} ghi 'đã phê duyệt' nhưng kho dữ liệu không có bản phê duyệt "
                f"này: không được tính / warning: {name} says 'approved' but the store has no such "
                "approval: not counted",
                err=True,
            )
        review = monthly_review(
            frame,
            month=the_month,
            bbox=the_area.bbox,
            boundary=the_area.boundary,
            facilities=the_area.facilities,
            plans=found.plans,
            records=found.records,
            background=street_background(the_area),
            campaign=found.campaign,
            area_name=the_area.name,
            crs=the_area.crs,
            settings=settings,
        )
        figures = render_figures(review, lang=lang.value)
        written = [write_pdf(review, output, lang=lang.value, figures=figures, audit_head=head)]
        if docx is not None:
            written.append(
                write_docx(review, docx, lang=lang.value, figures=figures, audit_head=head)
            )
        if html is not None:
            written.append(
                write_html(review, html, lang=lang.value, figures=figures, audit_head=head)
            )
        if tables is not None:
            written.extend(write_tables(review, tables, lang=lang.value))
        for notice in review.notices:
            severity = say(f"review.severity.{notice.severity}", lang.value)
            typer.echo(f"{severity}: {notice.text(lang.value)}", err=True)
        return written

    for path in run_guarded(run):
        typer.echo(str(path))
