"""Offline HTML page per team: one self-contained file a phone opens from its storage.

The map is inline SVG drawn here (no tiles, no Leaflet, no font or script from anywhere): with
the area's street background (``PlanExport.background``), its buildings, water, streets and the
street names the basemap places for a phone's screen; the loop, the depot and the numbered stops
over them. A Content-Security-Policy of ``default-src 'none'`` forbids the browser any outside
request. A little inline script (``templates/phone.html``) zooms and pans the drawing, keeps the
street names at one size on screen, ticks stops off with their time (kept in the phone's local
storage, saved as a ``patrol-checkins/1`` file) and shows the phone's position when the browser
allows geolocation; the page reads fully without it.
"""

from __future__ import annotations

import json
import math
from html import escape
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from patrol.export._common import Lang, PlanExport, StopView, TeamRoute, text, write_atomic
from patrol.export.kml import team_colour
from patrol.export.links import MapLinks, map_app_links
from patrolbase.schema import KEY_ROUTE_KIND

__all__ = ["to_html", "write_html"]

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


class _Projection:
    """Local equirectangular metres around the loop: exact enough over a ward (a few km)."""

    def __init__(self, lons: list[float], lats: list[float]) -> None:
        self.lon0 = (min(lons) + max(lons)) / 2
        self.lat0 = (min(lats) + max(lats)) / 2
        self.kx = _M_PER_DEG_LON * math.cos(math.radians(self.lat0))
        xs = [self.x(lon) for lon in lons]
        ys = [self.y(lat) for lat in lats]
        pad = max(60.0, 0.08 * max(max(xs) - min(xs), max(ys) - min(ys)))
        self.box = (
            min(xs) - pad,
            min(ys) - pad,
            max(xs) - min(xs) + 2 * pad,
            max(ys) - min(ys) + 2 * pad,
        )

    def x(self, lon: float) -> float:
        return (lon - self.lon0) * self.kx

    def y(self, lat: float) -> float:
        return -(lat - self.lat0) * _M_PER_DEG_LAT

    def lon(self, x: float) -> float:
        return self.lon0 + x / self.kx

    def lat(self, y: float) -> float:
        return self.lat0 - y / _M_PER_DEG_LAT

    def points(self, coords: list[tuple[float, float]] | tuple[tuple[float, float], ...]) -> str:
        return " ".join(f"{self.x(lon):.1f},{self.y(lat):.1f}" for lon, lat in coords)


def to_html(
    plan: PlanExport,
    *,
    team: str,
    lang: Lang = "vi",
    streets: list[list[tuple[float, float]]] | None = None,
) -> str:
    """One team's loop as a self-contained offline HTML page.

    Parameters
    ----------
    plan
        A plan read by ``read_plan``.
    team
        The team whose page it is.
    lang
        Page language.
    streets
        Street lines ``[(lon, lat), ...]`` to draw in grey under the loop, for orientation;
        ``None`` draws the other teams' loops when the plan has no street background. The
        loop's own path is always drawn.

    Returns
    -------
    str
        The HTML document: identity and draft banner, SVG map, stop table with times, members,
        emergency numbers and OSM attribution. It makes no request beyond itself.

    Raises
    ------
    PlanFileError
        ``team`` is not in the plan.

    """
    route = plan.route(team)
    apps = map_app_links(route)
    colour = team_colour(plan, team)
    lons = [p[0] for p in route.path] + [s.lon for s in route.stops] + [route.depot.lon]
    lats = [p[1] for p in route.path] + [s.lat for s in route.stops] + [route.depot.lat]
    proj = _Projection(lons, lats)
    # Without street lines given, the other teams' loops show the streets around this one.
    context = (
        streets
        if streets is not None
        else []
        if plan.background is not None
        else [list(r.path) for r in plan.routes if r.team != team]
    )
    e = escape
    title = f"{plan.marks(lang)}{plan.team_title(team, lang)}"
    storage_key = f"patrol:{plan.plan_id}:v{plan.version}:{team}"
    config = {
        "lon0": proj.lon0,
        "lat0": proj.lat0,
        "kx": proj.kx,
        "ky": _M_PER_DEG_LAT,
        "box": proj.box,
        "key": storage_key,
        "noPosition": text("no_position", lang),
        "planId": plan.plan_id,
        "version": plan.version,
        "team": team,
        "sites": {str(s.order): s.site for s in route.stops},
        "checkinFile": f"{plan.base_name(team)}-diem-danh.json",
        "labelPx": _LABEL_PX,
        "detailZoom": _DETAIL_ZOOM,
    }
    rows = "\n".join(
        f'<tr id="row-{s.order}" data-order="{s.order}"><td>{s.order}</td>'
        f"<td>{s.start:%H:%M}–{s.depart:%H:%M}</td>"
        f"<td>{_stop_cell(s, lang)}{_nav(apps, s.order - 1, lang, web=plan.web_links)}</td>"
        f'<td><input type="checkbox" aria-label="{s.order}"><time class="at"></time></td></tr>'
        for s in route.stops
    )
    google = " ".join(
        f'<a href="{e(url)}" rel="noreferrer">{k}</a>' for k, url in enumerate(apps.google, 1)
    )
    back = _nav(apps, len(route.stops), lang, web=plan.web_links)
    nav = f'<p class="nav" id="nav">{e(text("back", lang))}:{back}' + (
        f"<br>Google Maps ({e(text('legs', lang))}): {google}</p>" if plan.web_links else "</p>"
    )
    members = "".join(f"<li>{e(line)}</li>" for line in route.member_lines(lang))
    draft_banner = (
        f'<div class="draft" id="draft">{e(text("draft_note", lang))}</div>'
        if plan.is_draft
        else ""
    ) + (f'<div class="draft" id="demo">{e(text("demo_note", lang))}</div>' if plan.demo else "")
    night = plan.night_line(lang)
    draft_banner += f'<div class="night" id="night">{e(night)}</div>' if night else ""
    return _PAGE.format(
        lang=lang,
        csp=_CSP,
        title=e(title),
        draft_banner=draft_banner,
        identity=e(plan.identity(team, lang)),
        approval=e(plan.approval(lang)),
        svg=_svg(route, proj, colour, context, _background_svg(plan.background, route, proj)),
        leave=e(
            f"{text('leave', lang)} {route.leave:%H:%M} · {text('back', lang)} "
            f"{route.back:%H:%M} · {route.depot.name}"
        ),
        along=_along(plan, route, lang),
        rows=rows,
        nav=nav,
        h_order=e(text("order", lang)),
        h_time=e(text("start", lang)),
        h_site=e(text("site", lang)),
        h_stops=e(text("stops", lang)),
        h_members=e(text("members", lang)),
        members=members,
        emergency=e(
            f"{text('emergency', lang)}: 113 {text('police', lang)} · 114 "
            f"{text('fire', lang)} · 115 {text('ambulance', lang)}"
        ),
        my_position=e(text("my_position", lang)),
        north="B" if lang == "vi" else "N",
        save=e(text("save_checkins", lang)),
        save_note=e(text("save_checkins_note", lang)),
        privacy=e(text("web_on" if plan.web_links else "web_off", lang)),
        north_label=e(text("north", lang)),
        attribution=e(plan.attribution),
        config=json.dumps(config).replace("</", "<\\/"),
    )


def _stop_cell(stop: StopView, lang: Lang) -> str:
    """Name and kind, address, guard and contact, window and dwell, risk and its reason."""
    e = escape
    minutes = round(stop.dwell_s / 60)
    doing = text("driving" if stop.kind == KEY_ROUTE_KIND else "present", lang)
    timing = [f"{doing} {minutes} {text('minutes', lang)}"]
    if stop.window_label():
        timing.insert(0, f"{text('window', lang)} {stop.window_label()}")
    lines = [f'<b class="name">{e(stop.name)}</b> <small>{e(stop.kind_label(lang))}</small>']
    lines += [
        f'<div class="{"addr" if k == 0 else "info"}">{e(line)}</div>'
        for k, line in enumerate(stop.details(lang))
    ]
    lines.append(f'<div class="info">{e(" · ".join(timing))}</div>')
    if stop.notes:
        lines.append(f"<i>{e(stop.notes)}</i>")
    return "".join(lines)


def _nav(apps: MapLinks, hop: int, lang: Lang, *, web: bool = False) -> str:
    """Links that open the hop's end on the phone: any map app (``geo:``), Organic Maps.

    Neither leaves the phone for a web site. With ``web`` (``[area] online``) OsmAnd's web link
    is added; it carries the two points to osmand.net.
    """
    geo, organic = escape(apps.geo[hop]), escape(apps.organic[hop])
    links = [
        f'<a href="{geo}">{escape(text("map_app", lang))}</a>',
        f'<a href="{organic}" rel="noreferrer">Organic Maps</a>',
    ]
    if web:
        links.append(f'<a href="{escape(apps.osmand[hop])}" rel="noreferrer">OsmAnd</a>')
    return f'<br><small class="nav">{escape(text("navigate", lang))}: {" · ".join(links)}</small>'


_LABEL_PX = 11.0
"""Street names on the phone, CSS pixels at any zoom."""
_DETAIL_ZOOM = 2.5
"""Zoomed in this much, the page shows the names that did not fit the whole loop's view."""
_PHONE_PX = (412.0, 686.0)
"""The map's room on a phone (412 px wide, three quarters of a 915 px high screen)."""
_STREET_PX = {"major": 7.0, "medium": 5.0, "minor": 3.0, "path": 1.5}


def _background_svg(bg: Any, route: TeamRoute, proj: _Projection) -> tuple[str, str]:
    """Return buildings, water and streets (under the loop) and street names (over it).

    Both are empty without ``bg``.
    """
    if bg is None:
        return "", ""
    from shapely import clip_by_rect

    from patrol.export.background import place_labels

    x0, y0, w, h = proj.box
    west, east = proj.lon(x0), proj.lon(x0 + w)
    south, north = proj.lat(y0 + h), proj.lat(y0)
    dx, dy = (east - west) * 0.5, (north - south) * 0.5  # some room to pan around the loop
    room = (west - dx, south - dy, east + dx, north + dy)
    parts = ['<g id="background">']
    for frame, css in ((bg.water, "water"), (bg.buildings, "building")):
        for geom in clip_by_rect(frame.geometry.to_numpy(), *room):
            path = _polygon_path(geom, proj)
            if path:
                parts.append(f'<path class="{css}" d="{path}"/>')
    streets = bg.streets
    for cls in ("path", "minor", "medium", "major"):
        chosen = streets[streets["cls"] == cls]
        for geom, name in zip(
            clip_by_rect(chosen.geometry.to_numpy(), *room), chosen["name"], strict=True
        ):
            for line in _line_parts(geom):
                title = f' data-name="{escape(str(name))}"' if name else ""
                parts.append(
                    f'<polyline class="st {cls}"{title} points="{proj.points(line)}" '
                    f'style="stroke-width:{_STREET_PX[cls]}px"/>'
                )
    parts.append("</g>")
    under = "\n".join(parts)
    parts = []
    # Names that fit the whole loop on a phone, then those that fit once zoomed in.
    view = (west, south, east, north)
    scale = min(_PHONE_PX[0] / w, _PHONE_PX[1] / h)  # CSS px per metre at the first view
    size_mm = (w * scale * 25.4 / 96, h * scale * 25.4 / 96)
    font_pt = _LABEL_PX * 72 / 96
    marks = [(s.lon, s.lat, 3.0) for s in route.stops] + [(route.depot.lon, route.depot.lat, 3.0)]
    first = place_labels(bg, view, width_mm=size_mm[0], height_mm=size_mm[1], font_pt=font_pt,
                         obstacles=marks)  # fmt: skip
    closer = place_labels(bg, view, width_mm=size_mm[0] * _DETAIL_ZOOM,
                          height_mm=size_mm[1] * _DETAIL_ZOOM, font_pt=font_pt,
                          obstacles=marks)  # fmt: skip
    shown = [(label, "z0") for label in first]
    for label in closer:
        near = any(
            other.name == label.name
            and math.hypot(proj.x(other.lon) - proj.x(label.lon),
                           proj.y(other.lat) - proj.y(label.lat)) < 40
            for other, _ in shown
        )  # fmt: skip
        if not near:
            shown.append((label, "z1"))
    font = _LABEL_PX / scale
    parts.append(f'<g id="labels" font-size="{font:.1f}">')
    for label, level in shown:
        x, y = proj.x(label.lon), proj.y(label.lat)
        turn = f"rotate({-label.angle_deg:.1f} {x:.1f} {y:.1f})"
        parts.append(
            f'<text class="sl {level}" x="{x:.1f}" y="{y:.1f}" transform="{turn}">'
            f"{escape(label.name)}</text>"
        )
    parts.append("</g>")
    return under, "\n".join(parts)


def _along(plan: PlanExport, route: TeamRoute, lang: Lang) -> str:
    """Return the streets the loop takes, in order (needs the area's streets)."""
    if plan.background is None:
        return ""
    from patrol.export.background import streets_along

    names = streets_along(plan.background, route.path)
    words = f"{text('along', lang)}: {', '.join(names)}"
    return f'<section id="along"><small>{escape(words)}</small></section>' if names else ""


def _line_parts(geom: Any) -> list[list[tuple[float, float]]]:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [list(geom.coords)]
    return [line for part in getattr(geom, "geoms", []) for line in _line_parts(part)]


def _polygon_path(geom: Any, proj: _Projection) -> str:
    """SVG path data of a (multi)polygon, holes included."""
    if geom is None or geom.is_empty:
        return ""
    polygons = getattr(geom, "geoms", [geom])
    rings = []
    for poly in polygons:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            rings.append("M" + " L".join(
                f"{proj.x(lon):.1f},{proj.y(lat):.1f}" for lon, lat, *_ in ring.coords
            ) + "Z")  # fmt: skip
    return "".join(rings)


def _svg(
    route: TeamRoute,
    proj: _Projection,
    colour: str,
    streets: list[list[tuple[float, float]]],
    background: tuple[str, str] = ("", ""),
) -> str:
    x0, y0, w, h = proj.box
    # Symbols are sized in map units so that, with the whole loop on a phone (~420 px wide),
    # a stop marker reads at about 18 px; zooming in enlarges them with the streets.
    u = max(w, h) / 420
    parts = [
        f'<svg id="map" viewBox="{x0:.1f} {y0:.1f} {w:.1f} {h:.1f}" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" style="aspect-ratio: {w:.0f} / {h:.0f}">',
    ]
    parts.append(background[0])
    for line in streets:
        parts.append(f'<polyline class="street" points="{proj.points(line)}"/>')
    parts.append(
        f'<polyline id="route" class="route" stroke="{colour}" points="{proj.points(route.path)}"/>'
    )
    parts.extend(_arrows(route, proj, colour, size=u))
    parts.append(background[1])  # names over the loop, under the stops
    dx, dy = proj.x(route.depot.lon), proj.y(route.depot.lat)
    parts.append(
        f'<rect id="depot" class="depot" x="{dx - 7 * u:.1f}" y="{dy - 7 * u:.1f}" '
        f'width="{14 * u:.1f}" height="{14 * u:.1f}" stroke-width="{2 * u:.1f}"/>'
    )
    # A site visited twice (once before 01:00, once in the high-risk window) gets one marker
    # labelled with both orders, so neither number hides the other.
    by_site: dict[tuple[float, float], list[int]] = {}
    for stop in route.stops:
        by_site.setdefault((stop.lon, stop.lat), []).append(stop.order)
    for (lon, lat), orders in by_site.items():
        x, y = proj.x(lon), proj.y(lat)
        label = ",".join(map(str, orders))
        # Two or three orders share one marker: a slightly larger disc, a smaller figure.
        radius = (9 if len(label) <= 2 else 12) * u
        font = min(10.0, 38 / len(label)) * u
        ids = " ".join(f"stop-{n}" for n in orders)
        parts.append(
            f'<g class="stop" id="stop-{orders[0]}" data-orders="{ids}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}" '
            f'stroke-width="{2 * u:.1f}"/>'
            f'<text x="{x:.1f}" y="{y + 0.35 * font:.1f}" font-size="{font:.1f}">{label}</text></g>'
        )
    parts.append(
        '<g id="me" style="display:none"><circle id="me-acc" r="30" class="acc"/>'
        f'<circle id="me-dot" r="{7 * u:.1f}" stroke-width="{2 * u:.1f}" class="me"/></g></svg>'
    )
    return "\n".join(parts)


def _arrows(route: TeamRoute, proj: _Projection, colour: str, *, size: float) -> list[str]:
    """Small direction arrows along the loop, one every 45 symbol units of path."""
    every_m = 45 * size
    arrows, run = [], every_m / 2
    xy = [(proj.x(lon), proj.y(lat)) for lon, lat in route.path]
    for (x1, y1), (x2, y2) in pairwise(xy):
        length = math.hypot(x2 - x1, y2 - y1)
        angle = math.degrees(math.atan2(y2 - y1, x2 - x1))
        while length > 0 and run <= length:
            t = run / length
            x, y = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
            arrows.append(
                f'<path class="arrow" d="M-5,-4 L5,0 L-5,4 z" fill="{colour}" '
                f'transform="translate({x:.1f},{y:.1f}) rotate({angle:.0f}) scale({size:.2f})"/>'
            )
            run += every_m
        run -= length
    return arrows


def write_html(plan: PlanExport, path: str | Path, *, team: str, lang: Lang = "vi") -> Path:
    """Write ``to_html`` atomically to ``path``; return the path."""
    return write_atomic(path, to_html(plan, team=team, lang=lang))


_PAGE = resources.files("patrol.export").joinpath("templates", "phone.html").read_text("utf-8")
"""The page around the map: a ``str.format`` template (literal braces doubled), kept as a file
so that its HTML, style and script read as such."""
