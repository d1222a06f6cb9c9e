"""``patrol province-plan``: every ward's night of a province, planned as jobs on a Dask cluster.

One ``--area`` per ward (its OSM extract, and its survey after a comma where the extract has
no police post; ``--default-area`` adds the embedded ward); each ward's files go to
``OUT/<ward>/`` as ``patrol plan`` writes them. A ward whose input is refused is named with the
reason and the others are planned; the exit status is then 1. A local cluster of
``--workers`` processes by default; ``--scheduler tcp://host:8786`` runs the same jobs on a
running cluster (``patrol.province``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from patrol.cli import app, cli_language, load_settings, run_guarded

__all__ = ["province_plan_command", "province_review_command"]


@app.command("province-plan")
def province_plan_command(
    date: Annotated[str, typer.Option("--date", help="Shift date, YYYY-MM-DD or dd/mm/yyyy.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder with one folder per ward.")],
    area: Annotated[
        list[str] | None,
        typer.Option(
            "--area",
            help="A ward's OSM extract, with its facility survey after a comma when the "
            "extract has no police post (repeatable): tan-dinh.osm.bz2,khao-sat.csv",
        ),
    ] = None,
    default_area: Annotated[
        bool, typer.Option("--default-area", help="Plan the embedded ward too.")
    ] = False,
    shift: Annotated[str, typer.Option("--shift", help="Shift start-end, 24-hour.")] = (
        "22:00-05:00"
    ),
    high_risk: Annotated[
        str, typer.Option("--high-risk", help="High-risk window inside the shift.")
    ] = "01:00-03:00",
    teams: Annotated[int, typer.Option("--teams", min=1, help="Joint teams per ward.")] = 3,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Address of a running Dask scheduler (default: local)."),
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Processes of the local cluster.")
    ] = 2,
) -> None:
    """Plan each ward's night as an independent job; write each ward's plan and summary."""
    from geodata.shift import Shift
    from patrol.province import WardNight, plan_province, write_province
    from patrolbase.errors import SettingsError
    from patrolbase.wording import say

    settings = load_settings()
    lang = cli_language()

    def run() -> None:
        Shift.parse(date, shift, high_risk)  # a wrong date or time is refused before any job
        wards: list[tuple[str | None, str | None]] = [(None, None)] if default_area else []
        for given in area or []:
            extract, _, survey = given.partition(",")
            wards.append((extract, survey or None))
        if not wards:
            error = SettingsError(
                "province-plan: name the wards with --area (one per extract) or --default-area"
            )
            error.message_vi = (
                "province-plan: hãy nêu các phường, xã bằng --area (mỗi tệp bản đồ một lần) "
                "hoặc --default-area"
            )
            raise error
        nights = [WardNight(w, date, shift, high_risk, teams, survey) for w, survey in wards]
        typer.echo(say("province.planning", lang, wards=len(nights)), err=True)
        plans = plan_province(
            nights, settings=settings, scheduler=scheduler, workers=workers, lang=lang
        )
        write_province(plans, out)
        for plan in plans:
            if plan.error is None:
                typer.echo(say("province.ward", lang, ward=plan.ward,
                               folder=str(out / plan.folder)))  # fmt: skip
            else:
                typer.echo(say("province.refused", lang, ward=plan.ward, reason=plan.error),
                           err=True)  # fmt: skip
        if any(plan.error is not None for plan in plans):
            raise typer.Exit(1)

    run_guarded(run)


@app.command("province-review")
def province_review_command(
    month: Annotated[str, typer.Option("--month", "-m", help="Kỳ báo cáo / period: 2026-11.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Thư mục kết quả / output folder.")],
    area: Annotated[
        list[str] | None,
        typer.Option("--area", help="Tệp bản đồ OSM của một phường, xã (lặp lại được)."),
    ] = None,
    default_area: Annotated[
        bool, typer.Option("--default-area", help="Gồm cả khu vực có sẵn / the embedded ward.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of demonstration incidents.")] = 7,
) -> None:
    """Tổng hợp điểm nóng liên phường. The month's hotspots over every ward at once."""
    from geodata.review import check_month
    from patrol.commands.teams import cli_commander
    from patrol.province_review import review_province, write_review
    from patrol.store.db import open_store
    from patrolbase.errors import SettingsError
    from patrolbase.wording import say

    settings = load_settings()
    lang = cli_language()

    def run() -> None:
        the_month = check_month(month)  # a period not begun is refused before anything loads
        areas: list[str | None] = [None] if default_area else []
        areas += list(area or [])
        if not areas:
            error = SettingsError(
                "province-review: name the wards with --area (one per extract) or --default-area"
            )
            error.message_vi = (
                "province-review: hãy nêu các phường, xã bằng --area (mỗi tệp bản đồ một lần) "
                "hoặc --default-area"
            )
            raise error
        store = open_store(settings)
        try:
            review = review_province(
                store, cli_commander(), areas, month=the_month, settings=settings, seed=seed
            )
        finally:
            store.close()
        write_review(review, out, settings, lang)
        shared = int(review.hotspots.clusters["shared"].sum())
        typer.echo(say("province.review.written", lang, n=len(areas), shared=shared,
                       folder=str(out)))  # fmt: skip

    run_guarded(run)
