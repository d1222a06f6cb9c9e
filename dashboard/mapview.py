"""Folium maps of the dashboard, drawn offline.

The base map is the area's own OpenStreetMap data (streets by class, buildings, residential land
use, the boundary) as vector layers, so it is readable with no tile server; an online tile layer
is an option, off by default. Leaflet and its plugins come from ``/app/static/vendor``
(``dashboard.assets``); nothing here links to an outside host.

Incidents are never drawn one marker each (PITFALLS: 37 s for 50,000): they are counted in 50 m
grid cells (the default, flat in cost with the number of points), or drawn as a heat layer, or
as client-side clusters.

Pure: no Streamlit. Functions take frames and return or fill a ``folium.Map``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.map import Layer
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

from dashboard import assets
from dashboard.i18n import (
    Lang,
    fmt_clock,
    kind_label,
    risk_level_label,
    t,
)
from patrolbase.schema import DEPOT_KINDS

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.shift import Shift
    from routing.model import PatrolPlan

__all__ = [
    "ATTRIBUTION",
    "RISK_COLOURS",
    "TEAM_COLOURS",
    "BaseLayers",
    "IncidentView",
    "VectorLayer",
    "add_depots",
    "add_facilities",
    "add_incidents",
    "add_routes",
    "base_layers",
    "build_map",
    "incident_cells",
    "streets_frame",
]

ATTRIBUTION = "© OpenStreetMap contributors, ODbL"
"""Shown on every map: the base map and the sites are OpenStreetMap data."""

IncidentView = Literal["cells", "heat", "cluster", "none"]

RISK_COLOURS: dict[str, str] = {
    "low": "#2e7d32",
    "medium": "#f9a825",
    "high": "#e65100",
    "very_high": "#b71c1c",
}
_NO_RISK = "#607d8b"
TEAM_COLOURS: tuple[str, ...] = (
    "#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e",
)  # fmt: skip

# Street classes drawn from wide to narrow; anything else counts as minor.
_MAJOR = {"motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link",
          "primary_link", "secondary_link"}  # fmt: skip
_MEDIUM = {"tertiary", "tertiary_link", "unclassified", "residential", "road"}
_STREET_STYLE = {
    "major": {"color": "#f4b860", "weight": 6, "opacity": 0.95},
    "medium": {"color": "#9e9e9e", "weight": 3.5, "opacity": 0.9},
    "minor": {"color": "#bdbdbd", "weight": 2, "opacity": 0.9},
}
_COORD_DECIMALS = 6  # ~0.1 m: smaller GeoJSON, no visible change


def _to_json(data: dict[str, Any]) -> str:
    # HTML-safe like Jinja's tojson: the JSON goes inside a <script>.
    return str(htmlsafe_json_dumps(data, separators=(",", ":")))


@dataclass(frozen=True)
class BaseLayers:
    """GeoJSON of the base map, built once per area (cached by ``dashboard.cache``)."""

    streets: dict[str, Any]
    buildings: dict[str, Any]
    residential: dict[str, Any]
    boundary: dict[str, Any]
    bbox: tuple[float, float, float, float]
    """``(west, south, east, north)`` in degrees."""

    @cached_property
    def json(self) -> dict[str, str]:
        """Each layer serialised once (the layers are cached across sessions, so is this)."""
        return {
            name: _to_json(getattr(self, name))
            for name in ("streets", "buildings", "residential", "boundary")
        }

    @property
    def street_count(self) -> int:
        """Number of street segments drawn."""
        return len(self.streets["features"])


def _street_class(value: object) -> str:
    # osmnx may merge ways into one edge with a list of classes: the widest wins.
    values = value if isinstance(value, list) else [value]
    names = {str(v) for v in values}
    if names & _MAJOR:
        return "major"
    if names & _MEDIUM:
        return "medium"
    return "minor"


def streets_frame(graph: Any) -> gpd.GeoDataFrame:
    """Return one row per street (a two-way street once), EPSG:4326, with ``cls`` and ``name``.

    ``cls`` is ``major``/``medium``/``minor``; ``name`` is HTML-escaped, for tooltips.

    Parameters
    ----------
    graph
        The area's networkx MultiDiGraph as ``geodata.network`` builds it: projected, CRS in
        ``graph.graph["crs"]``, nodes with ``x``/``y``, edges with ``highway``, ``name`` and
        ``geometry`` (straight segments where it is missing).

    """
    import geopandas as gpd
    from shapely.geometry import LineString

    seen: set[tuple[Any, Any]] = set()
    geometries, classes, names = [], [], []
    for u, v, data in graph.edges(data=True):
        pair = (u, v) if str(u) <= str(v) else (v, u)
        if pair in seen:  # the other direction of a two-way street, or a parallel edge
            continue
        seen.add(pair)
        geometry = data.get("geometry")
        if geometry is None:
            a, b = graph.nodes[u], graph.nodes[v]
            geometry = LineString([(a["x"], a["y"]), (b["x"], b["y"])])
        geometries.append(geometry)
        classes.append(_street_class(data.get("highway", "")))
        name = data.get("name", "")
        name = name[0] if isinstance(name, list) and name else name
        # Names go into tooltips as HTML: escape them here, once.
        names.append(html.escape(name) if isinstance(name, str) else "")
    frame = gpd.GeoDataFrame(
        {"cls": classes, "name": names}, geometry=geometries, crs=graph.graph.get("crs")
    )
    return frame.to_crs(4326)


def _geojson(frame: gpd.GeoDataFrame | None, columns: Sequence[str] = ()) -> dict[str, Any]:
    if frame is None or frame.empty:
        return {"type": "FeatureCollection", "features": []}
    shown = frame[[*columns, "geometry"]].copy()
    shown = shown[~shown.geometry.is_empty & shown.geometry.notna()]
    from shapely import set_precision

    shown["geometry"] = set_precision(shown.geometry.to_numpy(), 10**-_COORD_DECIMALS)
    shown = shown.reset_index(drop=True)
    return json.loads(shown.to_json(drop_id=True))


def base_layers(area: Any) -> BaseLayers:
    """GeoJSON layers of the base map from an ``Area`` (``geodata.area.load_area``)."""
    streets = streets_frame(area.graph)
    return BaseLayers(
        streets=_geojson(streets, ["cls", "name"]),
        buildings=_geojson(getattr(area, "buildings", None)),
        residential=_geojson(getattr(area, "residential", None)),
        boundary=_geojson(getattr(area, "boundary", None)),
        bbox=tuple(float(v) for v in area.bbox),  # type: ignore[arg-type]
    )


class VectorLayer(Layer):
    """GeoJSON drawn by one small script, styled from each feature's properties.

    Styles, tooltips and popups come from the properties, so the page renders in milliseconds
    whatever the number of features (folium's own popups compile a template per marker: about
    15 ms each).

    Feature properties read by the script: ``style`` (Leaflet path options), ``tip`` and
    ``popup`` (HTML, already escaped), ``icon`` (HTML of a div icon for a point; without it a
    point is a circle marker in ``style``). ``cls`` picks a style from ``styles`` when a feature
    has no ``style`` of its own; ``styles[""]`` is the style of every other feature.
    ``data_json`` is ``data`` already serialised (``BaseLayers.json``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data_json }}, {
            interactive: {{ this.interactive|tojson }},
            style: function (f) {
                var styles = {{ this.styles|tojson }};
                return f.properties.style || styles[f.properties.cls] || styles[""] || {};
            },
            pointToLayer: function (f, latlng) {
                if (f.properties.icon) {
                    var size = f.properties.icon_size || 22;
                    return L.marker(latlng, {icon: L.divIcon({html: f.properties.icon,
                        className: "", iconSize: [size, size], iconAnchor: [size / 2, size / 2]}),
                        keyboard: false});
                }
                return L.circleMarker(latlng, f.properties.style || {});
            },
            onEachFeature: function (f, layer) {
                if (f.properties.tip) { layer.bindTooltip(f.properties.tip, {sticky: true}); }
                if (f.properties.popup) {
                    layer.bindPopup(f.properties.popup, {maxWidth: 360, maxHeight: 320});
                }
            }
        });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any],
        *,
        name: str,
        styles: Mapping[str, Mapping[str, Any]] | None = None,
        interactive: bool = True,
        show: bool = True,
        data_json: str | None = None,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "VectorLayer"
        self.data = data
        # Serialised once (HTML-safe, as Jinja's tojson): the map is rendered three times per
        # page run (folium, then streamlit-folium twice), and the data is most of it.
        self.data_json = data_json if data_json is not None else _to_json(data)
        self.styles = dict(styles or {})
        self.interactive = interactive

    @property
    def feature_count(self) -> int:
        """Number of features drawn."""
        return len(self.data["features"])


class _MapSetup(MacroElement):
    """Local marker images and the OpenStreetMap attribution, run right after the map exists."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.Icon.Default.imagePath = {{ this.image_path|tojson }};
        {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        {{ this._parent.get_name() }}.attributionControl.addAttribution(
            {{ this.attribution|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapSetup"
        self.image_path = assets.STATIC_URL + "/leaflet/images/"
        self.attribution = ATTRIBUTION


def _point(lat: float, lon: float, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
    }


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def build_map(
    base: BaseLayers,
    *,
    lang: Lang = "vi",
    online_tiles: bool = False,
    height: int = 600,
) -> folium.Map:
    """Return a map of the area with its offline base layers, fitted to the area.

    Parameters
    ----------
    base
        The area's base layers (``base_layers``).
    lang
        Language of the layer names.
    online_tiles
        Add an OpenStreetMap tile layer (needs internet; off by default).
    height
        Height of the map in pixels.

    """
    assets.configure_folium()
    west, south, east, north = base.bbox
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=16,
        tiles=None,
        control_scale=True,
        height=height,
    )
    # Without tiles folium passes no zoom range to Leaflet, and marker clustering then fails
    # ("Map has no maxZoom specified") and draws nothing.
    fmap.options["maxZoom"] = 19
    fmap.options["minZoom"] = 12
    _MapSetup().add_to(fmap)
    if online_tiles:
        folium.TileLayer(
            "OpenStreetMap", name=t("layer.online", lang), attr=ATTRIBUTION, max_zoom=19
        ).add_to(fmap)
    VectorLayer(
        base.residential, data_json=base.json["residential"], name=t("layer.residential", lang),
        interactive=False,
        styles={"": {"color": "#d7ccc8", "weight": 0, "fillColor": "#efebe9", "fillOpacity": 0.8}},
    ).add_to(fmap)  # fmt: skip
    VectorLayer(
        base.buildings, data_json=base.json["buildings"], name=t("layer.buildings", lang),
        interactive=False,
        styles={"": {"color": "#bcaaa4", "weight": 0.5, "fillColor": "#d7ccc8",
                     "fillOpacity": 0.9}},
    ).add_to(fmap)  # fmt: skip
    VectorLayer(
        base.streets, data_json=base.json["streets"], name=t("layer.streets", lang),
        styles=_STREET_STYLE,
    ).add_to(fmap)  # fmt: skip
    VectorLayer(
        base.boundary, data_json=base.json["boundary"], name=t("layer.boundary", lang),
        interactive=False,
        styles={"": {"color": "#37474f", "weight": 3, "dashArray": "8 6", "fill": False}},
    ).add_to(fmap)  # fmt: skip
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def _popup_html(rows: Iterable[tuple[str, str]], title: str) -> str:
    # Every value comes from OSM or an uploaded file: escape it.
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:6px;vertical-align:top'>"
        f"{html.escape(k)}</th><td>{html.escape(v).replace(chr(10), '<br>')}</td></tr>"
        for k, v in rows
        if v
    )
    return f"<b>{html.escape(title)}</b><table style='font-size:12px'>{cells}</table>"


def add_facilities(
    fmap: folium.Map,
    facilities: pd.DataFrame,
    *,
    risk: pd.DataFrame | None = None,
    lang: Lang = "vi",
) -> VectorLayer:
    """Draw every site as a circle in its risk colour with a popup explaining the risk.

    Parameters
    ----------
    fmap
        The map.
    facilities
        Facilities frame (``FACILITY_COLUMNS``), index ``facility_id``. Depots are left out
        (``add_depots`` draws them).
    risk
        Optional frame on the same index with ``level`` (``low``/``medium``/``high``/
        ``very_high``) and optionally ``explanation`` (text; empty: shown below the map on a
        click); without ``risk`` the circles are grey.
    lang
        Language of the popups.

    """
    sites = facilities[~facilities["kind"].isin([k.value for k in DEPOT_KINDS])]
    features = []
    for fid, row in sites.iterrows():
        level, why = None, None
        if risk is not None and fid in risk.index:
            level = str(risk.at[fid, "level"]) if "level" in risk else None
            why = str(risk.at[fid, "explanation"]) if "explanation" in risk else None
        name = str(row.get("name") or "") or t("popup.unnamed", lang)
        kind = kind_label(str(row["kind"]), lang)
        popup = _popup_html(
            [
                (t("popup.kind", lang), kind),
                (t("popup.address", lang), str(row.get("address") or "")),
                (t("popup.hours", lang), str(row.get("opening_hours") or "")),
                (t("popup.risk", lang), risk_level_label(level, lang)),
                # An empty explanation is shown below the map when the site is clicked.
                (t("popup.why", lang), "" if why is None else why or t("popup.why_below", lang)),
            ],
            name,
        )
        style = {"radius": 8, "color": "#263238", "weight": 1.5, "fillOpacity": 0.9,
                 "fillColor": RISK_COLOURS.get(level or "", _NO_RISK),
                 "className": f"facility risk-{level or 'unknown'}"}  # fmt: skip
        features.append(
            _point(
                float(row["lat"]),
                float(row["lon"]),
                style=style,
                popup=popup,
                tip=html.escape(f"{name} - {kind}"),
                id=str(fid),
            )
        )
    layer = VectorLayer(_collection(features), name=t("layer.facilities", lang))
    layer.add_to(fmap)
    return layer


def add_depots(fmap: folium.Map, depots: pd.DataFrame, *, lang: Lang = "vi") -> VectorLayer:
    """Draw the depots (police post, military command) as labelled squares."""
    icon = (
        "<div class='depot' style='width:18px;height:18px;background:#0d47a1;border:2px solid "
        "white;box-shadow:0 0 3px #000;color:white;font:bold 11px sans-serif;text-align:center;"
        "line-height:18px'>&#9733;</div>"
    )
    features = []
    for fid, row in depots.iterrows():
        kind = kind_label(str(row["kind"]), lang)
        name = str(row.get("name") or "") or kind
        features.append(
            _point(
                float(row["lat"]),
                float(row["lon"]),
                icon=icon,
                id=str(fid),
                tip=html.escape(f"{name} - {kind}"),
            )
        )
    layer = VectorLayer(_collection(features), name=t("layer.depots", lang))
    layer.add_to(fmap)
    return layer


def incident_cells(incidents: pd.DataFrame, *, cell_m: float = 50.0) -> tuple[dict[str, Any], int]:
    """Count incidents in square grid cells of about ``cell_m`` metres.

    Returns
    -------
    tuple
        A GeoJSON FeatureCollection of the non-empty cells (property ``n``: incidents in the
        cell) and the largest count.

    """
    if incidents.empty:
        return _collection([]), 0
    lat = incidents["lat"].to_numpy(dtype=float)
    lon = incidents["lon"].to_numpy(dtype=float)
    lat0 = float(np.nanmean(lat))
    dlat = cell_m / 111_320.0
    dlon = cell_m / (111_320.0 * np.cos(np.radians(lat0)))
    iy = np.floor(lat / dlat).astype(np.int64)
    ix = np.floor(lon / dlon).astype(np.int64)
    cells, counts = np.unique(np.stack([iy, ix], axis=1), axis=0, return_counts=True)
    features = []
    for (cy, cx), n in zip(cells.tolist(), counts.tolist(), strict=True):
        s, w = round(cy * dlat, 6), round(cx * dlon, 6)
        n_, e = round(s + dlat, 6), round(w + dlon, 6)
        features.append(
            {
                "type": "Feature",
                "properties": {"n": n},
                "geometry": {"type": "Polygon",
                             "coordinates": [[[w, s], [e, s], [e, n_], [w, n_], [w, s]]]},
            }
        )  # fmt: skip
    return _collection(features), int(counts.max())


def _cell_colour(n: int, top: int) -> str:
    # Yellow to dark red on a square-root scale: a few busy cells must not wash out the rest.
    ramp = ("#fff3b0", "#ffd166", "#f4a259", "#e76f51", "#c1121f", "#780000")
    share = (n / top) ** 0.5 if top else 0.0
    return ramp[min(len(ramp) - 1, int(share * (len(ramp) - 1) + 0.5))]


def add_incidents(
    fmap: folium.Map,
    incidents: pd.DataFrame,
    *,
    view: IncidentView = "cells",
    lang: Lang = "vi",
) -> folium.map.Layer | None:
    """Draw incidents as 50 m grid cells, a heat layer or clusters; never one marker each."""
    from folium import plugins

    if view == "none" or incidents.empty:
        return None
    name = t("layer.incidents", lang)
    layer: folium.map.Layer
    if view == "cells":
        cells, top = incident_cells(incidents)
        for feature in cells["features"]:
            n = feature["properties"]["n"]
            colour = _cell_colour(n, top)
            feature["properties"]["style"] = {"color": colour, "weight": 0.5,
                                              "fillColor": colour, "fillOpacity": 0.65,
                                              "className": "incident-cell"}  # fmt: skip
            feature["properties"]["tip"] = html.escape(t("popup.cell", lang, n=n))
        layer = VectorLayer(cells, name=name)
    elif view == "heat":
        points = incidents[["lat", "lon"]].to_numpy(dtype=float).round(6).tolist()
        layer = plugins.HeatMap(points, name=name, radius=14, blur=18, min_opacity=0.3)
    else:
        points = incidents[["lat", "lon"]].to_numpy(dtype=float).round(6).tolist()
        callback = (
            "function (row) { return L.circleMarker(new L.LatLng(row[0], row[1]), "
            "{radius: 4, color: '#c1121f', weight: 1, fillOpacity: 0.7}); }"
        )
        layer = plugins.FastMarkerCluster(points, name=name, callback=callback)
    layer.add_to(fmap)
    return layer


def _stop_icon(k: int, colour: str) -> str:
    return (
        f"<div class='stop-number' style='width:20px;height:20px;border-radius:10px;"
        f"background:{colour};color:white;border:2px solid white;font:bold 11px sans-serif;"
        f"text-align:center;line-height:20px;box-shadow:0 0 2px #000'>{k}</div>"
    )


def add_routes(
    fmap: folium.Map,
    plan: PatrolPlan,
    *,
    shift: Shift,
    lang: Lang = "vi",
    sites: Mapping[str, Mapping[str, Any]] | None = None,
    team_order: Sequence[str] | None = None,
) -> list[VectorLayer]:
    """Draw each team's loop along the streets in its colour, with numbered stops and times.

    Parameters
    ----------
    fmap
        The map.
    plan
        The plan; each route's ``extra["path"]`` is ``[[lon, lat], ...]`` and each stop's
        ``extra`` has ``name``, ``kind``, ``lat``, ``lon``.
    shift
        The shift, to turn seconds into clock times.
    lang
        Language of the labels.
    sites
        Fallback ``{site_id: {"name", "kind", "lat", "lon"}}`` for stops without those extras.
    team_order
        All teams of the plan, so that a team keeps its colour when drawn alone.

    """
    layers = []
    for i, route in enumerate(plan.routes):
        order = list(team_order or [])
        colour = TEAM_COLOURS[(order.index(route.team) if route.team in order else i)
                              % len(TEAM_COLOURS)]  # fmt: skip
        team = html.escape(t("routes.team", lang, team=route.team))
        features = []
        path = route.extra.get("path") or []
        if len(path) >= 2:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"tip": team, "style": {"color": colour, "weight": 5,
                                   "opacity": 0.85, "className": f"route route-{i}"}},
                    "geometry": {"type": "LineString",
                                 "coordinates": [[round(float(x), 6), round(float(y), 6)]
                                                 for x, y in path]},
                }
            )  # fmt: skip
        for k, stop in enumerate(route.stops, start=1):
            info = {**dict((sites or {}).get(stop.site, {})), **dict(stop.extra)}
            if info.get("lat") is None or info.get("lon") is None:
                continue
            name = html.escape(str(info.get("name") or stop.site))
            times = t("popup.stop_time", lang, arrive=fmt_clock(shift.at(stop.arrive)),
                      start=fmt_clock(shift.at(stop.start)),
                      depart=fmt_clock(shift.at(stop.depart)))  # fmt: skip
            tip = f"{team}<br>{t('popup.stop', lang, k=k, name=name)}<br>{times}"
            features.append(
                _point(
                    float(info["lat"]),
                    float(info["lon"]),
                    icon=_stop_icon(k, colour),
                    icon_size=24,
                    tip=tip,
                    popup=tip,
                )
            )
        layer = VectorLayer(_collection(features), name=t("layer.routes", lang, team=route.team))
        layer.add_to(fmap)
        layers.append(layer)
    return layers
