"""GPX 1.1 export: per team a track along the streets, a waypoint per stop and a route of stops.

A ``trk`` is fixed geometry (the street path the plan was timed on), a ``rte`` is the points a
phone app routes between itself, and each ``wpt`` is one stop. OsmAnd can attach the track to
roads; Organic Maps shows it but cannot navigate along it, which is why the route is there too.
Times in GPX are UTC; the ward keeps UTC+7, converted here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from patrol.export._common import (
    ODBL_URL,
    OSM_COPYRIGHT_URL,
    Lang,
    PlanExport,
    TeamRoute,
    text,
    write_atomic,
)
from patrolbase.clock import WARD_TZ

__all__ = ["GPX_NS", "to_gpx", "write_gpx"]

GPX_NS = "http://www.topografix.com/GPX/1/1"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA_LOCATION = f"{GPX_NS} http://www.topografix.com/GPX/1/1/gpx.xsd"


def _el(parent: etree._Element, tag: str, value: str | None = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{GPX_NS}}}{tag}", attrs)
    if value is not None:
        node.text = value
    return node


def _utc(when: datetime) -> str:
    return when.replace(tzinfo=WARD_TZ).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lon(value: float) -> str:
    # GPX longitudes lie in [-180, 180): the antimeridian is written as -180, as printed.
    text = f"{value:.7f}"
    return "-180.0000000" if float(text) >= 180 else text


def _ll(lon: float, lat: float) -> dict[str, str]:
    return {"lat": f"{lat:.7f}", "lon": _lon(lon)}


def to_gpx(plan: PlanExport, *, team: str | None = None, lang: Lang = "vi") -> bytes:
    """Return the plan as a GPX 1.1 document, valid against the official schema.

    Parameters
    ----------
    plan
        A plan read by ``read_plan``.
    team
        One team's loop; ``None`` writes every team into one file.
    lang
        Language of names and descriptions.

    Returns
    -------
    bytes
        UTF-8 XML: ``metadata`` with the plan identity, approval and OSM attribution, then for
        each team its depot and stop waypoints, a ``rte`` depot -> stops -> depot and a ``trk``
        along the streets (``TeamRoute.street_path``: the path less the kerb-to-door steps).
        Drafts carry ``BẢN NHÁP`` in every name.

    Raises
    ------
    PlanFileError
        ``team`` is not in the plan.

    """
    routes = plan.select(team)
    draft = plan.marks(lang)
    root = etree.Element(
        f"{{{GPX_NS}}}gpx",
        {
            "version": "1.1",
            "creator": "patrol-planner",
            f"{{{_XSI}}}schemaLocation": _SCHEMA_LOCATION,
        },
        nsmap={None: GPX_NS, "xsi": _XSI},
    )
    meta = _el(root, "metadata")
    _el(meta, "name", f"{draft}{plan.title(lang)} - {plan.identity(team, lang)}")
    _el(
        meta,
        "desc",
        f"{plan.identity(team, lang)}. {plan.night_line(lang)} "
        f"{plan.approval(lang)}. {plan.attribution}".replace(".  ", ". "),
    )
    author = _el(meta, "author")
    _el(author, "name", plan.area or plan.problem or "patrol-planner")
    copyright_ = _el(meta, "copyright", author="OpenStreetMap contributors")
    _el(copyright_, "license", ODBL_URL)
    link = _el(meta, "link", href=OSM_COPYRIGHT_URL)
    _el(link, "text", plan.attribution)
    _el(meta, "time", _utc(plan.shift.start_dt))
    keywords = ["patrol", f"version {plan.version}", plan.status]
    _el(meta, "keywords", ", ".join(keywords))
    lons = [lon for r in routes for lon, _ in r.path] + [s.lon for r in routes for s in r.stops]
    lats = [lat for r in routes for _, lat in r.path] + [s.lat for r in routes for s in r.stops]
    _el(
        meta,
        "bounds",
        minlat=f"{min(lats):.7f}",
        minlon=_lon(min(lons)),
        maxlat=f"{max(lats):.7f}",
        maxlon=_lon(max(lons)),
    )

    # Schema order: every wpt, then every rte, then every trk.
    for route in routes:
        _depot_wpt(root, "wpt", route, plan, draft, lang)
        for stop in route.stops:
            point = _el(root, "wpt", **_ll(stop.lon, stop.lat))
            _el(point, "time", _utc(stop.start))
            _el(
                point,
                "name",
                f"{draft}{route.team} {stop.title(lang)} ({stop.start:%H:%M}-{stop.depart:%H:%M})",
            )
            _el(point, "cmt", stop.summary(lang))
            _el(point, "desc", f"{stop.summary(lang)}; {plan.identity(route.team, lang)}")
            _el(
                point,
                "sym",
                "Flag, Red" if stop.risk_level in ("high", "very_high") else "Flag, Blue",
            )
            _el(point, "type", stop.kind or "stop")
    for route in routes:
        rte = _el(root, "rte")
        _el(
            rte, "name", f"{draft}{text('team', lang)} {route.team} - {text('route', lang).lower()}"
        )
        _el(rte, "desc", plan.identity(route.team, lang))
        _el(rte, "number", str(plan.teams.index(route.team) + 1))
        _el(rte, "type", "patrol-stops")
        _depot_wpt(rte, "rtept", route, plan, draft, lang)
        for stop in route.stops:
            point = _el(rte, "rtept", **_ll(stop.lon, stop.lat))
            _el(point, "time", _utc(stop.start))
            _el(point, "name", f"{draft}{route.team} {stop.title(lang)}")
            _el(point, "type", stop.kind or "stop")
        _depot_wpt(rte, "rtept", route, plan, draft, lang, back=True)
    for route in routes:
        trk = _el(root, "trk")
        _el(trk, "name", f"{draft}{text('team', lang)} {route.team} - {plan.identity(None, lang)}")
        _el(trk, "desc", f"{plan.identity(route.team, lang)}. {plan.attribution}")
        _el(trk, "src", plan.attribution)
        _el(trk, "number", str(plan.teams.index(route.team) + 1))
        _el(trk, "type", "patrol-loop")
        seg = _el(trk, "trkseg")
        for lon, lat in route.street_path:
            _el(seg, "trkpt", **_ll(lon, lat))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _depot_wpt(
    parent: etree._Element,
    tag: str,
    route: TeamRoute,
    plan: PlanExport,
    draft: str,
    lang: Lang,
    *,
    back: bool = False,
) -> None:
    depot = route.depot
    point = _el(parent, tag, **_ll(depot.lon, depot.lat))
    when = route.back if back else route.leave
    _el(point, "time", _utc(when))
    label = text("back" if back else "leave", lang)
    _el(point, "name", f"{draft}{route.team} {label} {when:%H:%M}: {depot.name}")
    if tag == "wpt":
        _el(
            point, "desc", f"{text('depot', lang)}: {depot.name}; {plan.identity(route.team, lang)}"
        )
        _el(point, "sym", "Police Station")
    _el(point, "type", "depot")


def write_gpx(
    plan: PlanExport, path: str | Path, *, team: str | None = None, lang: Lang = "vi"
) -> Path:
    """Write ``to_gpx`` atomically to ``path``; return the path."""
    return write_atomic(path, to_gpx(plan, team=team, lang=lang))
