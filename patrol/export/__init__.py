"""Exports of a patrol plan: GPX, KML, GeoJSON, offline HTML, A4 PDF, signed links and QR codes.

Everything starts from ``read_plan`` (a plan file, a decoded ``patrol-plan/1`` document or a
``PatrolPlan``), which checks once what exports need; each writer then takes the checked plan.
``export_files`` makes the files in memory (the dashboard's download buttons), ``write_exports``
writes them atomically to a file, a folder or a zip (``patrol export``), ``publish`` puts them in
the private folder the signed-link server reads. See ``docs/exports.md``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from patrol.export._common import (
    Lang,
    PlanExport,
    TeamRoute,
    dumps_json,
    write_atomic,
)
from patrol.export._read import check_against_area, read_plan
from patrol.export.geojson import to_geojson, write_geojson
from patrol.export.gpx import to_gpx, write_gpx
from patrol.export.html import to_html, write_html
from patrol.export.kml import to_kml, write_kml
from patrol.export.links import (
    LinkClaims,
    MapLinks,
    link_for,
    load_secret,
    map_app_links,
    qr_png,
    qr_svg,
    sign,
    verify,
)
from patrol.export.pdf import to_pdf, write_pdf
from patrol.export.server import ExportServer, make_server, publish
from patrolbase.errors import PlanFileError

__all__ = [
    "FORMATS",
    "ExportServer",
    "LinkClaims",
    "MapLinks",
    "PlanExport",
    "TeamRoute",
    "check_against_area",
    "export_files",
    "export_zip",
    "link_for",
    "load_secret",
    "make_server",
    "map_app_links",
    "publish",
    "qr_png",
    "qr_svg",
    "read_plan",
    "sign",
    "to_geojson",
    "to_gpx",
    "to_html",
    "to_kml",
    "to_pdf",
    "verify",
    "write_exports",
    "write_geojson",
    "write_gpx",
    "write_html",
    "write_kml",
    "write_pdf",
]

FORMATS = ("gpx", "kml", "geojson", "html", "pdf")
"""Every export format; ``html`` and ``pdf`` are per team, the others also for all teams."""
_COMBINABLE = ("gpx", "kml", "geojson")


def _one(
    plan: PlanExport,
    fmt: str,
    team: str | None,
    lang: Lang,
    hotline: str | None,
    link: str | None = None,
) -> bytes:
    if fmt == "gpx":
        return to_gpx(plan, team=team, lang=lang)
    if fmt == "kml":
        return to_kml(plan, team=team, lang=lang)
    if fmt == "geojson":
        return dumps_json(to_geojson(plan, team=team, lang=lang)).encode("utf-8")
    assert team is not None  # html and pdf are one team's
    if fmt == "html":
        return to_html(plan, team=team, lang=lang).encode("utf-8")
    return to_pdf(plan, team=team, lang=lang, hotline=hotline, link=link)


def _formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    chosen = (
        FORMATS if formats == "all" else (formats,) if isinstance(formats, str) else tuple(formats)
    )
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        msg = f"export format {unknown or chosen!r}: choose from {', '.join(FORMATS)} or all"
        raise PlanFileError(msg)
    return tuple(dict.fromkeys(chosen))


def export_files(
    plan: PlanExport,
    *,
    team: str | None = None,
    formats: Iterable[str] | str = "all",
    lang: Lang = "vi",
    hotline: str | None = None,
    combined: bool = True,
    links: Mapping[str, str] | None = None,
) -> dict[str, bytes]:
    """Make exports in memory, named as they are written.

    Parameters
    ----------
    plan
        A plan read by ``read_plan``.
    team
        One team; ``None`` makes every team's files.
    formats
        Some of ``FORMATS``, or ``"all"``.
    lang, hotline
        Language of the exports; the hotline printed on the PDF briefing.
    combined
        With ``team=None``, also one GPX/KML/GeoJSON file holding every team.
    links
        Team id -> its signed download link, printed as a QR code on its PDF briefing.

    Returns
    -------
    dict
        File name (``2026-11-23-van-mieu-v3-t1.gpx``) -> content.

    """
    chosen = _formats(formats)
    files: dict[str, bytes] = {}
    for route in plan.select(team):
        for fmt in chosen:
            link = (links or {}).get(route.team)
            files[f"{plan.base_name(route.team)}.{fmt}"] = _one(
                plan, fmt, route.team, lang, hotline, link
            )
    if team is None and combined:
        for fmt in chosen:
            if fmt in _COMBINABLE:
                files[f"{plan.base_name(None)}-all.{fmt}"] = _one(plan, fmt, None, lang, hotline)
    return files


def export_zip(
    plan: PlanExport,
    *,
    formats: Iterable[str] | str = "all",
    lang: Lang = "vi",
    hotline: str | None = None,
) -> bytes:
    """Every team's exports (and the all-teams GPX/KML/GeoJSON) in one zip, for the dashboard."""
    files = export_files(plan, formats=formats, lang=lang, hotline=hotline)
    return _zip(files, plan)


def write_exports(
    plan: PlanExport,
    out: str | Path,
    *,
    team: str | None = None,
    formats: Iterable[str] | str = "all",
    lang: Lang = "vi",
    hotline: str | None = None,
) -> list[Path]:
    """Write exports atomically to ``out``.

    ``out`` ending in ``.zip`` gets one zip; a single export to a path with a file suffix (not
    an existing folder) is written as that file; anything else is a folder that receives the
    files under their names.

    Returns
    -------
    list of Path
        The written files.

    """
    out = Path(out)
    if out.suffix.lower() == ".zip":
        if team is not None:
            files = export_files(plan, team=team, formats=formats, lang=lang, hotline=hotline)
            data = _zip(files, plan)
        else:
            data = export_zip(plan, formats=formats, lang=lang, hotline=hotline)
        return [write_atomic(out, data)]
    files = export_files(plan, team=team, formats=formats, lang=lang, hotline=hotline)
    if len(files) == 1 and out.suffix and not out.is_dir():
        return [write_atomic(out, next(iter(files.values())))]
    return [write_atomic(out / name, data) for name, data in files.items()]


def _zip(files: dict[str, bytes], plan: PlanExport) -> bytes:
    buffer = io.BytesIO()
    stamp = plan.shift.start_dt.timetuple()[:6]  # fixed stamp: the same plan gives the same zip
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
