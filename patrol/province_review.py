"""The province's monthly hotspot review across ward boundaries, from the wards' own records.

Each ward is named by its OSM extract (``None``: the embedded ward). Its incidents are the
store's, kept under the ward's name; a ward with none stored gets demonstration incidents,
and every output then says so, naming those wards. ``geodata.review.province`` pools them and
finds the hotspots the wards share; ``review_texts`` writes the summary (Vietnamese first) and
``write_review`` the files: the summary and the clusters as CSV, both for the owner only.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from patrolbase.settings import Settings
from patrolbase.wording import say

if TYPE_CHECKING:
    from geodata.review.province import ProvinceHotspots
    from patrol.store.auth import Principal
    from patrol.store.db import Store

__all__ = ["ProvinceReview", "review_province", "review_texts", "write_review"]

SUMMARY_FILE = "tong-hop-diem-nong.txt"
CLUSTERS_FILE = "diem-nong-lien-phuong.csv"


@dataclass(frozen=True)
class ProvinceReview:
    """The pooled analysis and the wards whose incidents were generated for demonstration."""

    hotspots: ProvinceHotspots
    demo_wards: list[str]


def review_province(
    store: Store,
    principal: Principal,
    areas: Sequence[str | None],
    *,
    month: date,
    settings: Settings | None = None,
    seed: int = 7,
) -> ProvinceReview:
    """Review the period of ``month`` over every ward of ``areas`` at once.

    ``principal`` must read every ward's incidents (a provincial user; a ward's user is refused
    the others by name, ``patrol.store.auth.require_ward``).
    """
    from shapely import box

    from geodata.area import load_area
    from geodata.incidents import generate_demo_incidents
    from geodata.review.province import WardIncidents, province_hotspots
    from patrol.store import repo

    settings = settings or Settings()
    wards, demo_wards = [], []
    last_day = calendar.monthrange(month.year, month.month)[1]
    for extract in areas:
        area = load_area(extract, settings=settings)
        incidents = repo.load_incidents(store, principal, area=area.name)
        if not incidents.empty and incidents["demo"].any():
            demo_wards.append(area.name)  # a stored log of demonstration incidents
        elif incidents.empty:
            incidents = generate_demo_incidents(
                area.facilities, area.bbox, start=date(month.year - 1, 1, 1),
                end=month.replace(day=last_day), seed=seed,
            )  # fmt: skip
            demo_wards.append(area.name)
        wards.append(WardIncidents(area.name, box(*area.bbox), incidents))
    return ProvinceReview(province_hotspots(wards, month=month, settings=settings), demo_wards)


def review_texts(review: ProvinceReview, settings: Settings, lang: str = "vi") -> dict[str, str]:
    """Return the summary's text and the clusters' table (CSV text) by file name."""
    result = review.hotspots
    hs = settings.hotspots
    lines = [say("province.review.title", lang, period=result.period.label()), ""]
    if review.demo_wards:
        lines += [say("province.review.demo", lang, wards=", ".join(review.demo_wards)), ""]
    for n, names in enumerate(result.regions, start=1):
        region = say("province.review.region", lang, n=n, wards=", ".join(names))
        if ", ".join(names) in result.too_few:
            region += ": " + say("province.review.too_few", lang, n=hs.min_incidents)
        lines.append(region)
    lines.append("")
    shared = result.clusters[result.clusters["shared"]]
    if shared.empty:
        lines.append(say("province.review.no_shared", lang))
    else:
        lines.append(say("province.review.shared", lang))
        lines += [
            "  " + say("province.review.cluster", lang, **row) for row in shared.to_dict("records")
        ]
    lines += ["", say("province.review.by_ward", lang)]
    for ward, row in result.wards.iterrows():
        counts = {"incidents": row["incidents"], "hot": row["hot_cells"]}
        counts |= {"clusters": row["clusters"], "shared": row["shared"]}
        lines.append("  " + say("province.review.ward", lang, ward=ward, **counts))
    fdr = ("có" if hs.fdr else "không") if lang == "vi" else ("on" if hs.fdr else "off")
    lines += ["", say("province.review.method", lang, cell=f"{hs.cell_m:g}",
                      permutations=hs.permutations, fdr=fdr)]  # fmt: skip
    return {SUMMARY_FILE: "\n".join(lines) + "\n"}


def write_review(
    review: ProvinceReview, out: str | Path, settings: Settings, lang: str = "vi"
) -> list[Path]:
    """Write the summary and the clusters (CSV, cells neutralised for spreadsheets), 0600."""
    from patrol.files import private_folder, write_private
    from patrol.store.sanitize import write_csv

    folder = private_folder(out)
    written = [
        write_private(folder / name, text)
        for name, text in review_texts(review, settings, lang).items()
    ]
    header = say("province.review.columns", lang).split(",")
    note: list[str] = []
    if review.demo_wards:  # every row says it: a table travels without its summary
        header.append(say("province.review.note", lang))
        note = [say("province.review.demo", lang, wards=", ".join(review.demo_wards))]
    yes, no = say("province.review.yes", lang), say("province.review.no", lang)
    rows = (
        [r.cluster, r.region, r.wards, yes if r.shared else no, r.incidents, r.cells,
         round(r.lat, 6), round(r.lon, 6), *note]
        for r in review.hotspots.clusters.itertuples()
    )  # fmt: skip
    write_csv(folder / CLUSTERS_FILE, header, rows)
    written.append(folder / CLUSTERS_FILE)
    return written
