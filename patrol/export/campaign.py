"""A campaign week on paper and on phones: per run a GPX, a GeoJSON and a phone page; a table.

The phone page is the joint teams' own (``patrol.export.html``): a run is a one-vehicle draft
``PlanExport`` whose heading is the campaign, with no stops; the streets it drives are listed in
order from the area's street background.

Files carry the OpenStreetMap attribution as text and no link to any outside site. Texts come
from the catalog (``campaign.*``), numbers with the Vietnamese decimal comma.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from geodata.area import ATTRIBUTION
from patrol.files import private_folder, write_private
from patrolbase.lang import Lang
from patrolbase.wording import fmt_decimal, say

if TYPE_CHECKING:
    from geodata.campaign import CampaignRun, CampaignWeek
    from geodata.village import VillageLoop
    from patrol.export._common import PlanExport

__all__ = [
    "run_label",
    "run_plan",
    "to_geojson",
    "to_gpx",
    "track_gpx",
    "week_summary",
    "week_table",
    "write_campaign",
    "write_village_loops",
]

_GPX_NS = "http://www.topografix.com/GPX/1/1"


def run_label(run: CampaignRun, lang: str = "vi") -> str:
    """``Ngày 07/12/2026, 06:30, xe 1``: how a run is named in every file."""
    return say(
        "campaign.run", lang, day=f"{run.day:%d/%m/%Y}", start=run.start, vehicle=run.vehicle_no
    )


def run_plan(
    week: CampaignWeek, run: CampaignRun, *, lang: Lang = "vi", background: Any = None
) -> PlanExport:
    """Return one run as a one-vehicle draft ``PlanExport`` for the phone page's writer."""
    from datetime import datetime, timedelta

    from geodata.shift import Shift
    from patrol.export._common import Depot, PlanExport, TeamRoute

    leave = datetime.combine(run.day, datetime.strptime(run.start, "%H:%M").time())
    end = leave + timedelta(seconds=run.budget_s)
    lon, lat = run.path[0]
    vehicle = say("campaign.vehicle_no", lang, n=run.vehicle_no)
    route = TeamRoute(
        team=vehicle,
        depot=Depot("police-post", week.depot, lat, lon),
        path=run.path,
        stops=(),
        leave=leave,
        back=leave + timedelta(seconds=run.duration_s),
        travel_s=run.duration_s,
        vehicle=week.vehicle,
    )
    return PlanExport.draft_loop(
        route,
        plan_id=f"{run.day:%Y-%m-%d}-{run.start.replace(':', '')}-tuyen-truyen",
        area=week.area,
        shift=Shift(run.day, leave.time(), end.time(), leave.time(), end.time()),
        source="campaign",
        heading=say("campaign.title", lang),
        background=background,
    )


def week_summary(week: CampaignWeek, lang: str = "vi") -> str:
    """Say in one line what the week's runs cover, for the command and the page.

    ``8 chuyến; đã đi qua 541/541 đoạn phố, ngõ; tổng 483 phút, 99,1 km``.
    """
    passes = week.passes
    return say(
        "campaign.summary",
        lang,
        runs=len(week.runs),
        covered=int((passes > 0).sum()),
        total=len(passes),
        minutes=fmt_decimal(sum(r.duration_s for r in week.runs) / 60, lang),
        km=fmt_decimal(sum(r.length_m for r in week.runs) / 1000, lang, decimals=1),
    )


def _minutes(seconds: int, lang: str) -> str:
    return fmt_decimal(seconds / 60, lang, decimals=0)


def track_gpx(title: str, name: str, desc: str, path: Sequence[tuple[float, float]]) -> bytes:
    """Return one loop as GPX 1.1: metadata with the attribution, one ``trk`` along the streets."""
    root = etree.Element(
        f"{{{_GPX_NS}}}gpx", {"version": "1.1", "creator": "patrol-planner"}, nsmap={None: _GPX_NS}
    )
    meta = etree.SubElement(root, "metadata")
    etree.SubElement(meta, "name").text = f"{title} - {name}"
    etree.SubElement(meta, "desc").text = ATTRIBUTION
    etree.SubElement(meta, "copyright", author="OpenStreetMap contributors")
    track = etree.SubElement(root, "trk")
    etree.SubElement(track, "name").text = name
    etree.SubElement(track, "desc").text = desc
    segment = etree.SubElement(track, "trkseg")
    for lon, lat in path:
        etree.SubElement(segment, "trkpt", lat=f"{lat:.7f}", lon=f"{lon:.7f}")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def to_gpx(week: CampaignWeek, run: CampaignRun, *, lang: str = "vi") -> bytes:
    """One run as GPX 1.1 (``track_gpx``), its streets in the track's description."""
    title = f"{say('campaign.title', lang)}, {week.area}"
    return track_gpx(title, run_label(run, lang), "; ".join(run.streets), run.path)


def to_geojson(week: CampaignWeek, run: CampaignRun, *, lang: str = "vi") -> dict[str, Any]:
    """One run as a GeoJSON FeatureCollection: the loop, with its streets, time and length."""
    return {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [list(p) for p in run.path]},
                "properties": {
                    "name": run_label(run, lang),
                    "area": week.area,
                    "depot": week.depot,
                    "streets": list(run.streets),
                    "duration_min": round(run.duration_s / 60, 1),
                    "length_km": round(run.length_m / 1000, 2),
                },
            }
        ],
    }


def week_table(week: CampaignWeek, *, lang: str = "vi") -> str:
    """Return the week as CSV (UTF-8 with BOM, for Excel): runs first, then coverage per group."""
    out = io.StringIO()
    out.write("\ufeff")
    rows = csv.writer(out)
    rows.writerow([say("campaign.title", lang), week.area, ATTRIBUTION])
    rows.writerow(
        [say(f"campaign.col.{c}", lang) for c in ("run", "purpose", "minutes", "km", "streets")]
    )
    for run in week.runs:
        rows.writerow(
            [
                run_label(run, lang),
                say(f"campaign.purpose.{run.purpose}", lang),
                _minutes(run.duration_s, lang),
                fmt_decimal(run.length_m / 1000, lang, decimals=1),
                "; ".join(run.streets),
            ]
        )
    rows.writerow([])
    rows.writerow(
        [
            say(f"campaign.col.{c}", lang)
            for c in ("group", "buildings", "count", "covered", "fewest")
        ]
    )
    for _, group in week.coverage().iterrows():
        rows.writerow(
            [group["name"], group["buildings"], group["streets"], group["covered"], group["fewest"]]
        )
    if week.left:
        rows.writerow([])
        rows.writerow([say("campaign.left", lang, count=len(week.left), runs=week.more_runs)])
        for street in week.left:
            rows.writerow([week.streets.at[street, "name"], week.streets.at[street, "group"]])
    return out.getvalue()


def write_campaign(
    week: CampaignWeek, folder: str | Path, *, lang: Lang = "vi", background: Any = None
) -> list[Path]:
    """Write every run's GPX, GeoJSON and phone page and the week table; return the files.

    ``background``: the area's street background (``geodata.basemap.street_background``) the
    phone page draws its map on and lists the run's streets from; ``None``: the loop alone.
    """
    from patrol.export.html import to_html

    folder = private_folder(folder)
    written = [write_private(folder / "tuan-tuyen-truyen.csv", week_table(week, lang=lang))]
    for run in week.runs:
        stem = f"{run.day:%Y-%m-%d}-{run.start.replace(':', '')}-xe{run.vehicle_no}"
        written.append(write_private(folder / f"{stem}.gpx", to_gpx(week, run, lang=lang)))
        geojson = json.dumps(to_geojson(week, run, lang=lang), ensure_ascii=False)
        written.append(write_private(folder / f"{stem}.geojson", geojson))
        plan = run_plan(week, run, lang=lang, background=background)
        page = to_html(plan, team=plan.routes[0].team, lang=lang)
        written.append(write_private(folder / f"{stem}.html", page))
    return written


def write_village_loops(
    loops: Sequence[VillageLoop], folder: str | Path, *, area: str, lang: str = "vi"
) -> list[Path]:
    """Write each group's walking loop as GPX and GeoJSON, and a CSV list of the loops."""
    folder = private_folder(folder)
    title = f"{say('village.title', lang)}, {area}"
    out = io.StringIO()
    out.write("\ufeff")
    rows = csv.writer(out)
    rows.writerow([title, ATTRIBUTION])
    rows.writerow(
        [say(f"village.col.{c}", lang) for c in ("group", "minutes", "km", "left", "streets")]
    )
    written = []
    for loop in loops:
        stem = f"tuan-tra-nhan-dan-{loop.group_id}"
        written.append(
            write_private(
                folder / f"{stem}.gpx",
                track_gpx(title, loop.group, "; ".join(loop.streets), loop.path),
            )
        )
        feature = {
            "type": "FeatureCollection",
            "attribution": ATTRIBUTION,
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": [list(p) for p in loop.path]},
                    "properties": {
                        "name": loop.group,
                        "streets": list(loop.streets),
                        "duration_min": round(loop.duration_s / 60, 1),
                        "length_km": round(loop.length_m / 1000, 2),
                    },
                }
            ],
        }
        written.append(
            write_private(folder / f"{stem}.geojson", json.dumps(feature, ensure_ascii=False))
        )
        rows.writerow(
            [
                loop.group,
                _minutes(loop.duration_s, lang),
                fmt_decimal(loop.length_m / 1000, lang, decimals=1),
                len(loop.left),
                "; ".join(loop.streets),
            ]
        )
    written.insert(0, write_private(folder / "tuan-tra-nhan-dan.csv", out.getvalue()))
    return written
