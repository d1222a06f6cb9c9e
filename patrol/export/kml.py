"""KML 2.2 export (OGC namespace): a styled line per team and a placemark per stop.

Written with lxml in the schema's element order, because simplekml's raw output is not valid
OGC KML 2.2 (ids starting with a digit, a Style before the name, a Point's coordinates before
``altitudeMode``). Only OGC elements are used: no Google ``gx:`` extensions.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from geodata.mapstyle import team_style
from patrol.export._common import (
    OSM_COPYRIGHT_URL,
    Lang,
    PlanExport,
    TeamRoute,
    slug,
    text,
    write_atomic,
)

__all__ = ["KML_NS", "team_colour", "to_kml", "write_kml"]


def team_colour(plan: PlanExport, team: str) -> str:
    """Return the team's loop colour, as on the dashboard's map (never a risk colour)."""
    return team_style(plan.teams.index(team)).colour


KML_NS = "http://www.opengis.net/kml/2.2"
_ATOM = "http://www.w3.org/2005/Atom"
"""Line colour per team, in plan order (``#rrggbb``), shared by every map export."""


def _kml_colour(rgb: str, alpha: str = "ff") -> str:
    # KML writes colours as aabbggrr.
    return f"{alpha}{rgb[5:7]}{rgb[3:5]}{rgb[1:3]}"


def _el(parent: etree._Element, tag: str, value: str | None = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{KML_NS}}}{tag}", attrs)
    if value is not None:
        node.text = value
    return node


def _data(parent: etree._Element, fields: dict[str, str]) -> None:
    extended = _el(parent, "ExtendedData")
    for name, value in fields.items():
        data = _el(extended, "Data", name=name)
        _el(data, "value", value)


def to_kml(plan: PlanExport, *, team: str | None = None, lang: Lang = "vi") -> bytes:
    """Return the plan as an OGC KML 2.2 document.

    Parameters
    ----------
    plan
        A plan read by ``read_plan``.
    team
        One team; ``None`` puts every team in its own folder of one document.
    lang
        Language of names and descriptions.

    Returns
    -------
    bytes
        UTF-8 XML: a ``Document`` named with the plan identity (draft mark included), the OSM
        attribution as ``atom:link`` and in the description, a line style per team, and per team
        a ``Folder`` with the loop ``LineString`` and the depot and stops as ``Point`` placemarks
        in route order, each with ``ExtendedData`` (order, site, kind, times).

    Raises
    ------
    PlanFileError
        ``team`` is not in the plan.

    """
    routes = plan.select(team)
    draft = plan.marks(lang)
    root = etree.Element(f"{{{KML_NS}}}kml", nsmap={None: KML_NS, "atom": _ATOM})
    doc = _el(root, "Document", id=f"plan-{slug(plan.plan_id)}-v{plan.version}")
    _el(doc, "name", f"{draft}{plan.title(lang)} - {plan.identity(team, lang)}")
    _el(doc, "open", "1")
    etree.SubElement(doc, f"{{{_ATOM}}}link", href=OSM_COPYRIGHT_URL)
    _el(
        doc,
        "description",
        f"{plan.identity(team, lang)}. {plan.night_line(lang)} "
        f"{plan.approval(lang)}. {plan.attribution}".replace(".  ", ". "),
    )
    for route in routes:
        colour = team_colour(plan, route.team)
        style = _el(doc, "Style", id=_style_id(route, "line"))
        line = _el(style, "LineStyle")
        _el(line, "color", _kml_colour(colour))
        _el(line, "width", "4")
        style = _el(doc, "Style", id=_style_id(route, "stop"))
        icon = _el(style, "IconStyle")
        _el(icon, "color", _kml_colour(colour))
        _el(icon, "scale", "1.1")
        label = _el(style, "LabelStyle")
        _el(label, "scale", "0.9")
    _data(
        doc,
        {
            "plan_id": plan.plan_id,
            "version": str(plan.version),
            "status": plan.status,
            "date": f"{plan.shift.date:%Y-%m-%d}",
            "shift": f"{plan.shift.start:%H:%M}-{plan.shift.end:%H:%M}",
            "approved_by": plan.approved_by,
            "attribution": plan.attribution,
        },
    )
    for route in routes:
        _team_folder(doc, route, plan, draft, lang)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _style_id(route: TeamRoute, what: str) -> str:
    # xsd:ID must not start with a digit: prefix every id.
    return f"{what}-{slug(route.team)}"


def _team_folder(
    doc: etree._Element, route: TeamRoute, plan: PlanExport, draft: str, lang: Lang
) -> None:
    folder = _el(doc, "Folder", id=f"team-{slug(route.team)}")
    _el(folder, "name", f"{draft}{text('team', lang)} {route.team}")
    _el(folder, "open", "1")
    members = "; ".join(route.member_lines(lang))
    _el(folder, "description", f"{plan.identity(route.team, lang)}. {members}")

    loop = _el(folder, "Placemark", id=f"loop-{slug(route.team)}")
    _el(loop, "name", f"{draft}{text('route', lang)} {route.team}")
    _el(
        loop,
        "description",
        f"{text('leave', lang)} {route.leave:%H:%M}, {text('back', lang).lower()} "
        f"{route.back:%H:%M}; {plan.attribution}",
    )
    _el(loop, "styleUrl", f"#{_style_id(route, 'line')}")
    line = _el(loop, "LineString")
    _el(line, "tessellate", "1")
    _el(line, "coordinates", " ".join(f"{lon:.7f},{lat:.7f}" for lon, lat in route.path))

    depot = _el(folder, "Placemark", id=f"depot-{slug(route.team)}")
    _el(depot, "name", f"{draft}{route.depot.name}")
    _el(depot, "description", f"{text('depot', lang)}: {route.depot.name}")
    _el(depot, "styleUrl", f"#{_style_id(route, 'stop')}")
    _data(depot, {"team": route.team, "order": "0", "site": route.depot.id, "kind": "depot"})
    point = _el(depot, "Point")
    _el(point, "coordinates", f"{route.depot.lon:.7f},{route.depot.lat:.7f}")

    for stop in route.stops:
        mark = _el(folder, "Placemark", id=f"stop-{slug(route.team)}-{stop.order}")
        _el(mark, "name", f"{draft}{stop.title(lang)}")
        _el(mark, "description", stop.summary(lang))
        _el(mark, "styleUrl", f"#{_style_id(route, 'stop')}")
        _data(
            mark,
            {
                "team": route.team,
                "order": str(stop.order),
                "site": stop.site,
                "name": stop.name,
                "kind": stop.kind,
                "arrive": f"{stop.arrive:%H:%M}",
                "start": f"{stop.start:%H:%M}",
                "depart": f"{stop.depart:%H:%M}",
                "window": stop.window_label(),
                "risk_level": stop.risk_level,
                "risk_reason": stop.reason_label(lang),
                "address": stop.address,
                "contact": stop.contact,
                "guard": stop.guard,
                "notes": stop.notes,
            },
        )
        point = _el(mark, "Point")
        _el(point, "coordinates", f"{stop.lon:.7f},{stop.lat:.7f}")


def write_kml(
    plan: PlanExport, path: str | Path, *, team: str | None = None, lang: Lang = "vi"
) -> Path:
    """Write ``to_kml`` atomically to ``path``; return the path."""
    return write_atomic(path, to_kml(plan, team=team, lang=lang))
