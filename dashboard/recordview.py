"""A patrol record on the map: the actual track beside the planned loop, stops by result.

The page draws the planned loop with ``mapview.add_routes`` and, on a second map beside it, the
track the team rode with each planned stop coloured by what the track shows (visited, late,
missed). Everything is vector data on the offline base map.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from dashboard.i18n import Lang, t
from dashboard.mapview import VectorLayer
from patrol.records import STATUS_LABEL

if TYPE_CHECKING:
    import folium

    from geodata.trackmatch import TrackMatch

__all__ = ["STATUS_COLOURS", "add_record"]

STATUS_COLOURS = {"visited": "#1a9850", "late": "#fdae61", "missed": "#d73027"}
"""Colour of a planned stop by its result."""

_TRACK_POINTS_MAX = 4000
"""Points drawn of one track (every n-th kept): the line looks the same, the page stays light."""


def _stop_feature(k: int, stop: Any, lang: Lang) -> dict[str, Any]:
    label = STATUS_LABEL[stop.status][0 if lang == "vi" else 1]
    when = f"{stop.planned_arrival} → {stop.arrival or '-'}"
    tip = f"{k}. {html.escape(stop.name)}<br>{label} ({when})"
    colour = STATUS_COLOURS[stop.status]
    icon = (
        f"<div class='record-stop record-{stop.status}' style='width:18px;height:18px;"
        f"border-radius:9px;background:{colour};color:white;border:2px solid white;"
        f"font:bold 10px sans-serif;text-align:center;line-height:18px;"
        f"box-shadow:0 0 2px #000'>{k}</div>"
    )
    return {
        "type": "Feature",
        "properties": {"tip": tip, "popup": tip, "icon": icon, "icon_size": 22},
        "geometry": {"type": "Point", "coordinates": [round(stop.lon, 6), round(stop.lat, 6)]},
    }


def add_record(
    fmap: folium.Map,
    match: TrackMatch,
    track: list[list[float]],
    *,
    colour: str = "#3f007d",
    lang: Lang = "vi",
) -> VectorLayer:
    """Draw ``track`` (``[[lon, lat, t], ...]``) and the planned stops coloured by result."""
    step = max(1, len(track) // _TRACK_POINTS_MAX)
    line = [[round(p[0], 6), round(p[1], 6)] for p in track[::step]]
    team = html.escape(t("routes.team", lang, team=match.team))
    features: list[dict[str, Any]] = []
    if len(line) >= 2:
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "tip": t("rec.track", lang, team=team),
                    "style": {"color": colour, "weight": 4, "opacity": 0.8, "dashArray": "6 4",
                              "className": "record-track"},
                },
                "geometry": {"type": "LineString", "coordinates": line},
            }
        )  # fmt: skip
    features.extend(_stop_feature(k, s, lang) for k, s in enumerate(match.stops, start=1))
    layer = VectorLayer(
        {"type": "FeatureCollection", "features": features},
        name=t("rec.track", lang, team=team),
    )
    layer.add_to(fmap)
    return layer
