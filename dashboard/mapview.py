"""Folium maps of the dashboard, drawn offline.

The base map is the product's one street background (``geodata.basemap``: streets by class,
buildings, water, street names at street zoom) with residential land use and the boundary, as
vector layers, so it is readable with no tile server; an online tile layer is an option, off by
default. Leaflet comes from ``/app/static/vendor`` (``dashboard.assets``); the few scripts of
our own (street names, stop badges, legend) are inline (``dashboard.mapscripts``). Nothing here
links to an outside host.

Colours, stop badges, arrows and the legend's content come from ``geodata.mapstyle``: sites
keep the risk colours, team loops use a palette that cannot be mistaken for them.

Incidents are never drawn one marker each (PITFALLS: 37 s for 50,000): they are counted in 50 m
grid cells (the default, flat in cost with the number of points), or drawn as a heat layer, or
as client-side clusters.

Pure: no Streamlit. Functions take frames and return or fill a ``folium.Map``.

One file past 500 lines: the map's layers share the ``VectorLayer`` and the legend's wording;
the scripts live apart.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import folium
import numpy as np
import pandas as pd
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
from dashboard.mapscripts import FitTo, MapLegend, MapSetup, StopBadgePlacer, StreetNames
from geodata.mapstyle import (
    CELL_RAMP,
    GROUP_COLOURS,
    NO_RISK_COLOUR,
    RISK_COLOURS,
    TEAM_COLOURS,
    Legend,
    TeamStyle,
    legend_entries,
    route_arrows,
    stop_badges,
    team_style,
)
from geodata.targets import facility_label
from patrol.personnel import team_label
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
    "add_groups",
    "add_incidents",
    "add_legend",
    "add_routes",
    "add_routes_legend",
    "base_layers",
    "build_map",
    "incident_cells",
]

ATTRIBUTION = "© OpenStreetMap contributors, ODbL"
"""Shown on every map: the base map and the sites are OpenStreetMap data."""

IncidentView = Literal["cells", "heat", "cluster", "none"]

# Streets in greys by class (no hue: the hues belong to risk levels and teams).
_STREET_STYLE = {
    "major": {"color": "#a9a9a9", "weight": 7, "opacity": 0.95, "lineCap": "round"},
    "medium": {"color": "#bdbdbd", "weight": 4.5, "opacity": 0.95, "lineCap": "round"},
    "minor": {"color": "#cdcdcd", "weight": 2.5, "opacity": 0.95},
    "path": {"color": "#cfcfcf", "weight": 1.5, "opacity": 0.95, "dashArray": "4 3"},
}
_STREET_ORDER = {"path": 0, "minor": 1, "medium": 2, "major": 3}  # drawn first to last
_LAYER_NAMES = ("streets", "buildings", "residential", "boundary", "water", "labels")
# The base map's layers from bottom to top, and their VectorLayer options. Merged shapes
# (``BaseLayers.drawn``) fill with the nonzero rule: holes stay holes, overlaps are filled once.
_BASE_LAYERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("residential", {"interactive": False, "styles": {"": {
        "color": "#e4e0da", "weight": 0, "fillColor": "#ecE9e4", "fillOpacity": 0.8,
        "fillRule": "nonzero"}}}),
    ("water", {"interactive": False, "styles": {"": {
        "color": "#a9cce8", "weight": 0.8, "fillColor": "#cfe5f5", "fillOpacity": 1.0,
        "fillRule": "nonzero"}}}),
    ("buildings", {"interactive": False, "styles": {"": {
        "color": "#d6d3ce", "weight": 0.5, "fillColor": "#e2dfda", "fillOpacity": 0.9,
        "fillRule": "nonzero"}}}),
    ("streets", {"styles": _STREET_STYLE}),
    ("boundary", {"interactive": False, "styles": {"": {
        "color": "#37474f", "weight": 3, "dashArray": "8 6", "fill": False}}}),
)  # fmt: skip


def _to_json(data: dict[str, Any]) -> str:
    # HTML-safe like Jinja's tojson: the JSON goes inside a <script>.
    return str(htmlsafe_json_dumps(data, separators=(",", ":")))


@dataclass(frozen=True)
class BaseLayers:
    """GeoJSON of the base map, built once per area (cached by ``dashboard.cache``).

    Streets (by class), buildings, water and street names come from the product's one street
    background (``geodata.basemap``); residential land and the boundary from the area.
    """

    streets: dict[str, Any]
    buildings: dict[str, Any]
    residential: dict[str, Any]
    boundary: dict[str, Any]
    bbox: tuple[float, float, float, float]
    """``(west, south, east, north)`` in degrees."""
    water: dict[str, Any] = field(default_factory=lambda: _collection([]))
    labels: dict[str, Any] = field(default_factory=lambda: _collection([]))
    """Street-name anchors (``name``, ``angle_deg``, ``rank``, ``cls``)."""

    @cached_property
    def drawn(self) -> dict[str, dict[str, Any]]:
        """Each layer as the map draws it: one multi-part feature per style (``_merged``)."""
        merged = {name: _merged(getattr(self, name)) for name in _LAYER_NAMES if name != "labels"}
        return {**merged, "labels": self.labels}

    @cached_property
    def json(self) -> dict[str, str]:
        """Each drawn layer serialised once (the layers are cached across sessions, so is this)."""
        return {name: _to_json(self.drawn[name]) for name in _LAYER_NAMES}

    @property
    def street_count(self) -> int:
        """Number of street lines drawn."""
        return len(self.streets["features"])


def _merged(collection: dict[str, Any]) -> dict[str, Any]:
    """Merge the features of ``collection`` into one multi-part feature per ``cls``.

    The browser then makes a handful of layers for the base map instead of about a thousand
    (each a Leaflet object with its own projection, clipping and bounds): the look is the same,
    as every feature of a class has the same style and the base map has no tooltips. Streets
    keep their order by width (``_STREET_ORDER``: wide streets over narrow ones, as on paper).
    Polygons are oriented (outer rings counter-clockwise, holes clockwise) so that the
    ``nonzero`` fill rule of the merged shapes keeps holes and fills overlaps once.
    """
    from shapely.geometry import mapping, shape
    from shapely.geometry.polygon import orient

    polygons: dict[str, list[Any]] = {}
    lines: dict[str, list[Any]] = {}
    for feature in collection["features"]:
        cls = str(feature["properties"].get("cls") or "")
        geometry = feature["geometry"]
        kind = geometry["type"]
        if kind in ("Polygon", "MultiPolygon"):
            parts = getattr(shape(geometry), "geoms", [shape(geometry)])
            polygons.setdefault(cls, []).extend(
                mapping(orient(part, sign=1.0))["coordinates"] for part in parts
            )
        elif kind == "LineString":
            lines.setdefault(cls, []).append(geometry["coordinates"])
        elif kind == "MultiLineString":
            lines.setdefault(cls, []).extend(geometry["coordinates"])
    classes = sorted({*polygons, *lines}, key=lambda c: (_STREET_ORDER.get(c, -1), c))
    features = []
    for cls in classes:
        properties = {"cls": cls} if cls else {}
        for kind, parts in (("MultiPolygon", polygons.get(cls)),
                            ("MultiLineString", lines.get(cls))):  # fmt: skip
            if parts:
                features.append({"type": "Feature", "properties": properties,
                                 "geometry": {"type": kind, "coordinates": parts}})  # fmt: skip
    return _collection(features)


def _geojson(frame: gpd.GeoDataFrame | None, columns: Sequence[str] = ()) -> dict[str, Any]:
    if frame is None or frame.empty:
        return _collection([])
    from shapely import set_precision

    shown = frame[[*columns, "geometry"]].copy()
    shown["geometry"] = set_precision(shown.geometry.to_numpy(), 1e-6)
    shown = shown[~(shown.geometry.is_empty | shown.geometry.isna())].reset_index(drop=True)
    return dict(json.loads(shown.to_json(drop_id=True)))


def base_layers(area: Any) -> BaseLayers:
    """GeoJSON layers of the base map from an ``Area`` (``geodata.area.load_area``)."""
    from geodata.basemap import background_geojson, street_background

    background = background_geojson(street_background(area))
    for feature in background["streets"]["features"]:
        # Names go into tooltips as HTML: escape them here, once.
        feature["properties"]["name"] = html.escape(str(feature["properties"]["name"] or ""))
    return BaseLayers(
        streets=background["streets"],
        buildings=background["buildings"],
        residential=_geojson(getattr(area, "residential", None)),
        boundary=_geojson(getattr(area, "boundary", None)),
        bbox=tuple(float(v) for v in area.bbox),  # type: ignore[arg-type]
        water=background["water"],
        labels=background["labels"],
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

    With ``canvas`` the lines and areas are painted on one canvas shared by every such layer of
    the map instead of one SVG element each: the base map's thousand streets and buildings add
    no thousand elements to the page to lay out and paint. Tooltips and clicks still work; a
    ``className`` does not exist there, so a layer that tests or scripts find by class (sites,
    cells, loops) stays SVG.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data_json }}, {
            interactive: {{ this.interactive|tojson }},
            {% if this.canvas %}
            renderer: (function (map) {
                return map.patrolCanvas || (map.patrolCanvas = L.canvas({padding: 0.5}));
            })({{ this._parent.get_name() }}),
            {% endif %}
            style: function (f) {
                var styles = {{ this.styles|tojson }};
                return f.properties.style || styles[f.properties.cls] || styles[""] || {};
            },
            pointToLayer: function (f, latlng) {
                if (f.properties.icon) {
                    var size = f.properties.icon_size != null ? f.properties.icon_size : 22;
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
        canvas: bool = False,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "VectorLayer"
        self.data = data
        # Serialised once (HTML-safe, as Jinja's tojson): the map is rendered three times per
        # page run (folium, then streamlit-folium twice), and the data is most of it.
        self.data_json = data_json if data_json is not None else _to_json(data)
        self.styles = dict(styles or {})
        self.interactive = interactive
        self.canvas = canvas
        # What the legend and the team filter read back from a layer drawn here.
        self.levels: list[str] = []
        self.team: str | None = None
        self.style: TeamStyle | None = None

    @property
    def feature_count(self) -> int:
        """Number of features drawn."""
        return len(self.data["features"])


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
    fill_screen: bool = False,
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
    fill_screen
        On a wide window, take the window's height instead (the page's main map).

    """
    assets.configure_folium()
    west, south, east, north = base.bbox
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=16,
        tiles=None,
        control_scale=False,  # a metric-only scale comes with MapSetup
        height=height,
    )
    # Without tiles folium passes no zoom range to Leaflet, and marker clustering then fails
    # ("Map has no maxZoom specified") and draws nothing.
    fmap.options["maxZoom"] = 19
    fmap.options["minZoom"] = 12
    fmap.options["zoomSnap"] = 0.25  # fit the area closely, not to the next whole zoom
    fmap.options["zoomDelta"] = 0.5
    MapSetup(
        image_path=assets.STATIC_URL + "/leaflet/images/",
        attribution=ATTRIBUTION,
        fill_screen=fill_screen,
    ).add_to(fmap)
    # The area's extent first: the layers are then drawn once, at the zoom they are seen at.
    FitTo([[south, west], [north, east]]).add_to(fmap)
    if online_tiles:
        folium.TileLayer(
            "OpenStreetMap", name=t("layer.online", lang), attr=ATTRIBUTION, max_zoom=19
        ).add_to(fmap)
    for layer, options in _BASE_LAYERS:  # one canvas for all of them
        VectorLayer(base.drawn[layer], data_json=base.json[layer], name=t(f"layer.{layer}", lang),
                    canvas=True, **options).add_to(fmap)  # fmt: skip
    StreetNames(base.json["labels"]).add_to(fmap)
    return fmap


def _popup_html(rows: Iterable[tuple[str, str]], title: str) -> str:
    # Every value comes from OSM or an uploaded file: escape it.
    # Styled by the map's own CSS (``MapSetup``): not repeated in every row of every popup.
    cells = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v).replace(chr(10), '<br>')}</td></tr>"
        for k, v in rows
        if v
    )
    return f"<b>{html.escape(title)}</b><table class='site-popup'>{cells}</table>"


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
        name = _site_name(row, lang)
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
                 "fillColor": RISK_COLOURS.get(level or "", NO_RISK_COLOUR),
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
    layer.levels = [f["properties"]["style"]["className"].split("risk-")[1] for f in features]
    layer.add_to(fmap)
    return layer


def _site_name(row: Any, lang: Lang) -> str:
    """Name a site as people say it, never by its id (``geodata.targets.facility_label``)."""
    if lang == "vi":
        return facility_label(row)
    name = str(row.get("name") or "").strip()
    return name or f"{kind_label(str(row['kind']), lang)} {t('popup.unnamed', lang)}"


def add_groups(
    fmap: folium.Map, groups: gpd.GeoDataFrame, *, name: str, fill_opacity: float = 0.25
) -> VectorLayer:
    """Draw the residential groups (``geodata.streets.residential_groups``), named on hover."""
    line, fill = GROUP_COLOURS
    style = {"color": line, "weight": 1, "fillColor": fill, "fillOpacity": fill_opacity}
    shown = groups.to_crs("EPSG:4326")
    features = [
        {"type": "Feature", "geometry": geometry.__geo_interface__,
         "properties": {"tip": html.escape(str(label)), "style": style}}
        for label, geometry in zip(shown["name"], shown.geometry, strict=True)
    ]  # fmt: skip
    layer = VectorLayer({"type": "FeatureCollection", "features": features}, name=name)
    layer.add_to(fmap)
    return layer


def add_depots(fmap: folium.Map, depots: pd.DataFrame, *, lang: Lang = "vi") -> VectorLayer:
    """Draw the depots (police post, military command) as white squares with a dark star."""
    icon = (
        "<div class='depot' style='width:18px;height:18px;background:#fff;border:2px solid "
        "#212121;box-shadow:0 0 3px #000;color:#212121;font:bold 12px sans-serif;"
        "text-align:center;line-height:18px'>&#9733;</div>"
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
    ramp = CELL_RAMP
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
        # One style per colour of the ramp, named by the cells (``cls``): not one per cell.
        styles = {colour: {"color": colour, "weight": 0.5, "fillColor": colour,
                           "fillOpacity": 0.65, "className": "incident-cell"}
                  for colour in CELL_RAMP}  # fmt: skip
        for feature in cells["features"]:
            n = feature["properties"]["n"]
            feature["properties"]["cls"] = _cell_colour(n, top)
            feature["properties"]["tip"] = html.escape(t("popup.cell", lang, n=n))
        layer = VectorLayer(cells, name=name, styles=styles)
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


def _badge_icon(badge: Any, colour: str, *, selected: bool) -> str:
    label = html.escape(badge.label)
    return (
        f"<div class='stop-badge team-{badge.team_index}{' selected' if selected else ''}' "
        f"data-prio='{badge.team_index * 10000 + badge.visits[0]}' "
        f"data-team='{html.escape(badge.team)}' data-visits='{html.escape(badge.label)}' "
        f"data-colour='{colour}'><span class='pin' style='background:{colour}'></span>"
        f"<span class='stop-number' style='background:{colour}'>{label}</span></div>"
    )


def _arrow_icon(angle_deg: float, colour: str) -> str:
    return (
        f"<svg class='route-arrow' width='14' height='14' viewBox='-7 -7 14 14' "
        f"style='transform:rotate({angle_deg}deg);display:block'><path d='M-4,-5 L5,0 L-4,5 Z' "
        f"fill='{colour}' stroke='white' stroke-width='1.5'/></svg>"
    )


def add_routes(
    fmap: folium.Map,
    plan: PatrolPlan,
    *,
    shift: Shift,
    lang: Lang = "vi",
    sites: Mapping[str, Mapping[str, Any]] | None = None,
    team_order: Sequence[str] | None = None,
    teams: Iterable[str] | None = None,
    selected: tuple[str, str] | None = None,
) -> list[VectorLayer]:
    """Draw each team's loop in its colour with arrows, and one numbered badge per site.

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
    teams
        Only these teams (the team filter); ``None`` draws every team.
    selected
        ``(team, site)`` of a stop to highlight (chosen in the timeline table).

    Returns
    -------
    list of VectorLayer
        One layer per team drawn, each with ``team`` and ``style`` set (for the legend).

    """
    order = list(team_order or [r.team for r in plan.routes])
    shown = None if teams is None else set(teams)
    badges = stop_badges(plan, sites=sites, team_order=order)
    layers = []
    for i, route in enumerate(plan.routes):
        if shown is not None and route.team not in shown:
            continue
        index = order.index(route.team) if route.team in order else i
        style = team_style(index)
        team = html.escape(team_label(route.team, lang))
        features: list[dict[str, Any]] = []
        path = route.extra.get("path") or []
        if len(path) >= 2:
            coords = [[round(float(x), 6), round(float(y), 6)] for x, y in path]
            line = {"color": style.colour, "weight": 5, "opacity": 0.9,
                    "className": f"route route-{index}"}  # fmt: skip
            if style.dash:
                line["dashArray"] = style.dash
            casing = {"color": "#ffffff", "weight": 8, "opacity": 0.8, "className": "route-casing"}
            for props in ({"style": casing}, {"tip": team, "style": line}):
                features.append(
                    {"type": "Feature", "properties": props,
                     "geometry": {"type": "LineString", "coordinates": coords}}
                )  # fmt: skip
            features.extend(
                _point(a.lat, a.lon, icon=_arrow_icon(a.angle_deg, style.colour), icon_size=14)
                for a in route_arrows(path)
            )
        for badge in (b for b in badges if b.team == route.team):
            name = html.escape(badge.name or kind_label(badge.kind, lang))
            lines = [
                t("popup.stop_time", lang, arrive=fmt_clock(shift.at(a)),
                  start=fmt_clock(shift.at(s)), depart=fmt_clock(shift.at(d)))
                for a, s, d in badge.stops
            ]  # fmt: skip
            tip = "<br>".join(
                [f"<b>{team}</b>", t("popup.stop", lang, k=badge.label, name=name)]
                + [f"{k}: {line}" for k, line in zip(badge.visits, lines, strict=True)]
            )
            features.append(
                _point(
                    badge.lat,
                    badge.lon,
                    icon=_badge_icon(badge, style.colour, selected=selected
                                     == (badge.team, badge.site)),
                    icon_size=0,
                    tip=tip,
                    popup=tip,
                )
            )  # fmt: skip
        layer = VectorLayer(_collection(features), name=t("layer.routes", lang, team=team))
        layer.team = route.team
        layer.style = style
        layer.add_to(fmap)
        layers.append(layer)
    if layers:
        StopBadgePlacer().add_to(fmap)
        points = [
            (float(y), float(x))
            for r in plan.routes
            if shown is None or r.team in shown
            for x, y in r.extra.get("path") or []
        ] + [(b.lat, b.lon) for b in badges if shown is None or b.team in shown]
        if points:
            lats, lons = zip(*points, strict=True)
            FitTo([[min(lats), min(lons)], [max(lats), max(lons)]]).add_to(fmap)
    return layers


def _swatch_line(colour: str, dash: str | None) -> str:
    dash_attr = f" stroke-dasharray='{dash}'" if dash else ""
    return (
        f"<svg width='34' height='12'><line x1='1' y1='6' x2='33' y2='6' stroke='{colour}' "
        f"stroke-width='4'{dash_attr}/><path d='M17,2 L24,6 L17,10 Z' fill='{colour}' "
        f"stroke='white' stroke-width='1'/></svg>"
    )


def add_legend(
    fmap: folium.Map,
    legend: Legend,
    *,
    lang: Lang = "vi",
    facilities: Layer | None = None,
    incidents: Layer | None = None,
    depots: Layer | None = None,
    routes: Sequence[Layer] = (),
    hotspots: Layer | None = None,
    hotspot_labels: Mapping[str, str] | None = None,
) -> MapLegend:
    """Add the legend of ``legend`` (``geodata.mapstyle.legend_entries``) in ``lang``.

    Each section follows its layer: hidden with the layer in the layer control.
    ``hotspot_labels`` words the Gi* classes (the review's own texts).
    """
    sections: list[tuple[str, Layer | None]] = []
    if legend.risk_levels:
        rows = "".join(
            f"<div class='row'><span class='dot' style='background:{colour}'></span>"
            f"{html.escape(risk_level_label(level, lang))}</div>"
            for level, colour in legend.risk_levels
        )
        sections.append((f"<b>{html.escape(t('legend.risk', lang))}</b>{rows}", facilities))
    if legend.cells:
        ramp = f"linear-gradient(to right, {', '.join(legend.cells)})"
        sections.append(
            (
                f"<b>{html.escape(t('layer.incidents', lang))}</b><div class='row'>"
                f"<span class='ramp' style='background:{ramp}'></span></div><div class='row'>"
                f"{html.escape(t('legend.cells', lang))}</div>",
                incidents,
            )
        )
    if legend.depots:
        sections.append(
            (
                f"<div class='row'><span class='depot-key'>&#9733;</span>"
                f"{html.escape(t('layer.depots', lang))}</div>",
                depots,
            )
        )
    for name, colour in legend.hotspots:
        label = (hotspot_labels or {}).get(name, name)
        sections.append(
            (
                f"<div class='row'><span class='dot' style='background:{colour};"
                f"border-radius:2px'></span>{html.escape(label)}</div>",
                hotspots,
            )
        )
    by_team = {getattr(layer, "team", None): layer for layer in routes}
    if legend.teams:
        sections.append((f"<b>{html.escape(t('legend.teams', lang))}</b>", None))
        for team, style in legend.teams:
            sections.append(
                (
                    f"<div class='row legend-team' data-team='{html.escape(team)}'>"
                    f"{_swatch_line(style.colour, style.dash)}"
                    f"{html.escape(team_label(team, lang))}</div>",
                    by_team.get(team),
                )
            )
        sections.append(
            (
                "<div class='row'><span class='dot' style='background:#9e9e9e;width:18px;"
                f"border-radius:9px'></span>{html.escape(t('legend.stops', lang))}</div>",
                None,
            )
        )
    element = MapLegend(sections, title=t("legend.title", lang))
    element.add_to(fmap)
    return element


def add_routes_legend(
    fmap: folium.Map,
    routes: Sequence[Layer],
    *,
    team_order: Sequence[str],
    depots: Layer | None = None,
    lang: Lang = "vi",
) -> MapLegend:
    """Add the legend of a map of loops (``add_routes``' layers) and, optionally, depots."""
    teams = [str(getattr(layer, "team", "")) for layer in routes]
    legend = legend_entries(depots=depots is not None, teams=teams, team_order=team_order)
    return add_legend(fmap, legend, lang=lang, depots=depots, routes=routes)
