"""Province mode: every ward's night planned as an independent job on a Dask cluster.

Since the 2025 merger a province has about a hundred wards and communes, and each ward's night
depends only on its own area, targets, incidents and teams. The nights are planned as
independent jobs on Dask distributed: a ``LocalCluster`` of this machine's cores by default,
the cluster at a scheduler's address otherwise, with the same code. Each job plans its night
with one search process (the cluster's workers are the parallelism; a cluster's worker process
may not start children) and returns its files' texts, which the caller writes, so the cluster
needs no shared folder. Nothing leaves the machines the commander names: Dask's own dashboard
is off.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from patrolbase.settings import Settings

__all__ = ["WardNight", "WardPlan", "plan_province", "plan_ward"]


@dataclass(frozen=True)
class WardNight:
    """One ward's night to plan: its OSM extract (``None``: the embedded ward) and its shift."""

    area: str | None
    day: str
    """Shift date, ``YYYY-MM-DD`` or ``dd/mm/yyyy``."""
    shift: str = "22:00-05:00"
    high_risk: str = "01:00-03:00"
    teams: int = 3
    facilities: str | None = None
    """The ward's facility survey (CSV/XLSX), merged into the extract's facilities; where the
    extract has no police post, the survey names the one the teams leave from."""


@dataclass(frozen=True)
class WardPlan:
    """A ward's planned night: its name, the folder name and the files' texts by name.

    A ward whose input is refused has no files and the reason in ``error`` (in the language
    asked): the other wards are planned all the same.
    """

    ward: str
    folder: str
    files: dict[str, str]
    error: str | None = None


def plan_ward(night: WardNight, settings_json: str, lang: str = "vi") -> WardPlan:
    """Plan one ward's night (the job each cluster worker runs).

    ``settings_json`` is the province's settings as JSON (plain text travels to any worker);
    the search runs in one process.
    """
    from geodata.area import load_area
    from geodata.io import read_facility_survey
    from geodata.shift import Shift
    from patrol.export._common import slug
    from patrol.pipeline import load_inputs, plan_shift
    from patrol.plan_files import plan_texts
    from patrolbase.errors import PatrolError
    from patrolbase.settings import Settings

    settings = Settings.model_validate_json(settings_json)
    routing = settings.routing.model_copy(update={"workers": 1})
    settings = settings.model_copy(update={"routing": routing})
    name = Path(night.area).name if night.area else "default"
    try:
        shift = Shift.parse(night.day, night.shift, night.high_risk)
        area = load_area(night.area, settings=settings)
        name = str(area.name)
        survey = (
            read_facility_survey(night.facilities, bbox=area.bbox) if night.facilities else None
        )
        inputs = load_inputs(settings, area=area, survey=survey)
        result = plan_shift(inputs, shift, n_teams=night.teams, settings=settings)
    except PatrolError as exc:
        reason = exc.message_vi if lang == "vi" and exc.message_vi else str(exc)
        return WardPlan(name, slug(name), {}, reason)
    return WardPlan(name, slug(name), plan_texts(result, lang=lang))


def plan_province(
    nights: Sequence[WardNight],
    *,
    settings: Settings,
    scheduler: str | None = None,
    workers: int = 2,
    lang: str = "vi",
) -> list[WardPlan]:
    """Plan every ward's night as one job each; results in the order of ``nights``.

    Parameters
    ----------
    nights
        The wards' nights.
    settings
        Settings every ward is planned with (risk weights, speeds, solver limits).
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``); ``None`` starts a local
        cluster of ``workers`` processes for this call and stops it after.
    workers
        Worker processes of the local cluster (one thread each).
    lang
        Language of the summaries.

    """
    from dask.distributed import Client, LocalCluster

    # Dask logs its cluster's comings and goings in English at INFO; the command says what
    # matters itself (its warnings and errors still show).
    logging.getLogger("distributed").setLevel(logging.WARNING)
    text = settings.model_dump_json()
    if scheduler is not None:
        with Client(scheduler) as client:
            return _gather(client, nights, text, lang)
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        return _gather(client, nights, text, lang)


def _gather(client: object, nights: Sequence[WardNight], text: str, lang: str) -> list[WardPlan]:
    futures = client.map(plan_ward, list(nights), settings_json=text, lang=lang, pure=False)  # type: ignore[attr-defined]
    return list(client.gather(futures))  # type: ignore[attr-defined]


def write_province(plans: Sequence[WardPlan], out: Path) -> list[Path]:
    """Write each planned ward's files into ``out/<ward>/`` (two of one name: ``-2``, ``-3``)."""
    from patrol.plan_files import write_texts

    written: list[Path] = []
    seen: dict[str, int] = {}
    for plan in plans:
        if plan.error is not None:
            continue
        seen[plan.folder] = seen.get(plan.folder, 0) + 1
        folder = plan.folder if seen[plan.folder] == 1 else f"{plan.folder}-{seen[plan.folder]}"
        written += write_texts(out / folder, plan.files)
    return written
