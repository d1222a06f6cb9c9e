"""GeoJSON export (RFC 7946): the loop as a LineString and the depot and stops as Points.

Coordinates are ``[lon, lat]`` in WGS84 with 7 decimals (about 1 cm), as RFC 7946 requires; no
``crs`` member. The plan identity and the OSM attribution travel as foreign members of the
FeatureCollection and in every feature's properties, so a single feature copied elsewhere still
says where it came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from patrol.export._common import Lang, PlanExport, TeamRoute, dumps_json, text, write_atomic
from patrol.export.kml import team_colour

__all__ = ["to_geojson", "write_geojson"]


def _pt(lon: float, lat: float) -> list[float]:
    return [round(lon, 7), round(lat, 7)]


def to_geojson(plan: PlanExport, *, team: str | None = None, lang: Lang = "vi") -> dict[str, Any]:
    """Return the plan as a GeoJSON FeatureCollection.

    Parameters
    ----------
    plan
        A plan read by ``read_plan``.
    team
        One team; ``None`` writes every team.
    lang
        Language of labels.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "bbox", "plan", "attribution", "features"}``; per team
        one ``LineString`` feature (``role: "route"``), one depot ``Point`` (``order`` 0) and one
        ``Point`` per stop with ``order``, ``name``, ``kind``, planned ``arrive``/``start``/
        ``depart`` (``HH:MM``), ``window``, ``risk_level``, ``notes``.

    Raises
    ------
    PlanFileError
        ``team`` is not in the plan.

    """
    routes = plan.select(team)
    identity = {
        "plan_id": plan.plan_id,
        "version": plan.version,
        "status": plan.status,
        "draft": plan.is_draft,
        "demo": plan.demo,
        "demo_note": text("demo_note", lang) if plan.demo else None,
        "date": f"{plan.shift.date:%Y-%m-%d}",
        "shift": f"{plan.shift.start:%H:%M}-{plan.shift.end:%H:%M}",
        "area": plan.area,
        "approved_by": plan.approved_by,
        "approved_at": plan.approved_at,
        "label": plan.identity(team, lang),
        "night": plan.night_line(lang) or None,
    }
    features: list[dict[str, Any]] = []
    for route in routes:
        features.extend(_team_features(route, plan, lang))
    lons = [f[0] for r in routes for f in r.path] + [s.lon for r in routes for s in r.stops]
    lats = [f[1] for r in routes for f in r.path] + [s.lat for r in routes for s in r.stops]
    return {
        "type": "FeatureCollection",
        "bbox": [
            round(min(lons), 7),
            round(min(lats), 7),
            round(max(lons), 7),
            round(max(lats), 7),
        ],
        "plan": identity,
        "attribution": plan.attribution,
        "features": features,
    }


def _team_features(route: TeamRoute, plan: PlanExport, lang: Lang) -> list[dict[str, Any]]:
    colour = team_colour(plan, route.team)
    common = {
        "team": route.team,
        "plan_id": plan.plan_id,
        "version": plan.version,
        "draft": plan.is_draft,
        "demo": plan.demo,
        "attribution": plan.attribution,
    }
    draft = plan.marks(lang)
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "id": f"route-{route.team}",
            "geometry": {"type": "LineString", "coordinates": [_pt(*p) for p in route.path]},
            "properties": {
                **common,
                "role": "route",
                "name": f"{draft}{text('team', lang)} {route.team}",
                "leave": f"{route.leave:%H:%M}",
                "back": f"{route.back:%H:%M}",
                "travel_s": route.travel_s,
                "members": {k: list(v) for k, v in route.members.items()},
                "stroke": colour,
                "stroke-width": 4,
            },
        },
        {
            "type": "Feature",
            "id": f"depot-{route.team}",
            "geometry": {"type": "Point", "coordinates": _pt(route.depot.lon, route.depot.lat)},
            "properties": {
                **common,
                "role": "depot",
                "order": 0,
                "site": route.depot.id,
                "name": route.depot.name,
                "kind": "depot",
            },
        },
    ]
    for stop in route.stops:
        features.append(
            {
                "type": "Feature",
                "id": f"stop-{route.team}-{stop.order}",
                "geometry": {"type": "Point", "coordinates": _pt(stop.lon, stop.lat)},
                "properties": {
                    **common,
                    "role": "stop",
                    "order": stop.order,
                    "site": stop.site,
                    "visit": stop.visit,
                    "name": stop.name,
                    "title": f"{draft}{stop.title(lang)}",
                    "kind": stop.kind,
                    "kind_label": stop.kind_label(lang),
                    "arrive": f"{stop.arrive:%H:%M}",
                    "start": f"{stop.start:%H:%M}",
                    "depart": f"{stop.depart:%H:%M}",
                    "dwell_s": stop.dwell_s,
                    "window": stop.window_label(),
                    "risk_level": stop.risk_level,
                    "risk_reason": stop.reason_label(lang),
                    "address": stop.address,
                    "contact": stop.contact,
                    "guard": stop.guard,
                    "notes": stop.notes,
                    "marker-color": colour,
                },
            }
        )
    return features


def write_geojson(
    plan: PlanExport, path: str | Path, *, team: str | None = None, lang: Lang = "vi"
) -> Path:
    """Write ``to_geojson`` atomically to ``path`` (UTF-8 JSON); return the path."""
    return write_atomic(path, dumps_json(to_geojson(plan, team=team, lang=lang)))
