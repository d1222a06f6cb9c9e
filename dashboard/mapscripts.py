"""Small Leaflet scripts of the dashboard's maps: setup, street names, stop badges, legend.

Each is a folium ``MacroElement`` whose script runs inside the map's page (no plugin file to
fetch, nothing from outside). The placement of street names and stop badges runs in the
browser because only the browser knows the size of a text on screen:

- ``StopBadgePlacer``: after every zoom or pan, the badges (``.stop-badge``) are placed in
  priority order (team by team, first visit first); a badge that would cover one already placed
  moves to the nearest free spot around its site on rings of growing radius, with a thin leader
  line back to the site.
- ``StreetNames``: the street names of ``geodata.basemap`` from street zoom on, rotated along
  their street, most important first; a name that would touch another name, a badge or the
  map's edge is hidden.
- ``MapLegend``: a legend control whose sections follow the layers shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from branca.element import MacroElement
from jinja2 import Template

__all__ = [
    "STREET_NAME_MIN_ZOOM",
    "FitTo",
    "MapLegend",
    "MapSetup",
    "StopBadgePlacer",
    "StreetNames",
]

STREET_NAME_MIN_ZOOM = 16
"""Street names show from this zoom on (street level)."""


class MapSetup(MacroElement):
    """Local marker images, the attribution, a metric-only scale, the map's height, popup CSS.

    With ``fill_screen`` the map fills its frame, which ``dashboard.shell.show_map`` makes as
    tall as a wide window: the map is the page's main view on a commander's screen.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .site-popup { font-size: 12px; }
        .site-popup th { text-align: left; padding-right: 6px; vertical-align: top; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            L.Icon.Default.imagePath = {{ this.image_path|tojson }};
            map.attributionControl.setPrefix("Leaflet");
            map.attributionControl.addAttribution({{ this.attribution|tojson }});
            L.control.scale({metric: true, imperial: false, maxWidth: 160}).addTo(map);
            map.getContainer().style.background = "#f4f3ef";
            // Streamlit sizes the frame after the map is drawn: follow the container's size
            // and keep the chosen extent in view until the user pans or zooms.
            var touched = false;
            ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (name) {
                map.getContainer().addEventListener(name, function () { touched = true; });
            });
            map.refit = function () {
                map.invalidateSize({pan: false, animate: false});
                if (!touched && map.patrolBounds) {
                    map.fitBounds(map.patrolBounds, {padding: [12, 12], animate: false});
                }
            };
            if (window.ResizeObserver) {
                new ResizeObserver(map.refit).observe(map.getContainer());
            }
            {% if this.fill_screen %}
            // The page makes this frame as tall as the window (shell.show_map): fill it.
            map.getContainer().style.height = window.innerHeight + "px";
            map.invalidateSize({pan: false});
            window.addEventListener("resize", function () {
                map.getContainer().style.height = window.innerHeight + "px";
                map.refit();
            });
            {% endif %}
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, image_path: str, attribution: str, fill_screen: bool) -> None:
        super().__init__()
        self._name = "MapSetup"
        self.image_path = image_path
        self.attribution = attribution
        self.fill_screen = fill_screen


class FitTo(MacroElement):
    """Show ``bounds`` (``[[south, west], [north, east]]``), again when the map is resized.

    The last one added wins: a plan's map fits its loops rather than the whole area.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            map.patrolBounds = L.latLngBounds({{ this.bounds|tojson }});
            map.fitBounds(map.patrolBounds, {padding: [12, 12], animate: false});
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]]) -> None:
        super().__init__()
        self._name = "FitTo"
        self.bounds = [[float(v) for v in corner] for corner in bounds]


_PLACE_JS = """
function (map) {
    // Leader lines in a pane under the markers: a line never crosses a badge's number.
    map.createPane("stopLeaders").style.zIndex = 590;
    var leaderRenderer = L.svg({pane: "stopLeaders"});
    var leaders = L.layerGroup().addTo(map);
    var OFFSETS = [[0, 0]];
    [22, 32, 44, 58, 74, 92, 112, 134].forEach(function (r) {
        for (var k = 0; k < 24; k++) {
            var a = k * Math.PI / 12;
            OFFSETS.push([Math.round(r * Math.cos(a)), Math.round(r * Math.sin(a))]);
        }
    });
    function overlap(a, b) {
        var w = Math.min(a.r, b.r) - Math.max(a.l, b.l) + 2;
        var h = Math.min(a.b, b.b) - Math.max(a.t, b.t) + 2;
        return (w > 0 && h > 0) ? w * h : 0;
    }
    function rect(el) {
        var r = el.getBoundingClientRect();
        return {l: r.left, r: r.right, t: r.top, b: r.bottom};
    }
    function crosses(seg, box) {  // a leader line through a label, sampled
        for (var k = 1; k < 12; k++) {
            var x = seg[0] + (seg[2] - seg[0]) * k / 12, y = seg[1] + (seg[3] - seg[1]) * k / 12;
            if (x > box.l && x < box.r && y > box.t && y < box.b) { return true; }
        }
        return false;
    }
    function place() {
        var root = map.getContainer();
        var badges = Array.prototype.slice.call(root.querySelectorAll(".stop-badge"));
        badges.sort(function (a, b) {
            var sa = a.classList.contains("selected") ? -1 : +a.dataset.prio;
            var sb = b.classList.contains("selected") ? -1 : +b.dataset.prio;
            return sa - sb;
        });
        // the legend, zoom buttons, scale and credit are kept clear too, and every site's pin
        var placed = Array.prototype.map.call(root.querySelectorAll(".leaflet-control"), rect);
        var pins = badges.map(function (el) { return rect(el.querySelector(".pin")); });
        var lines = [];
        var origin = root.getBoundingClientRect();
        leaders.clearLayers();
        badges.forEach(function (el, n) {
            var label = el.querySelector(".stop-number");
            el.classList.remove("folded");
            label.style.transform = "translate(-50%, -50%)";
            var r0 = label.getBoundingClientRect();
            var cx = r0.left + r0.width / 2, cy = r0.top + r0.height / 2;
            var best = null, bestCost = Infinity;
            for (var i = 0; i < OFFSETS.length; i++) {
                var o = OFFSETS[i];
                var box = {l: cx + o[0] - r0.width / 2, r: cx + o[0] + r0.width / 2,
                           t: cy + o[1] - r0.height / 2, b: cy + o[1] + r0.height / 2};
                var seg = [cx, cy, cx + o[0], cy + o[1]];
                var cost = i;  // nearer spots first
                for (var j = 0; j < placed.length; j++) {
                    cost += 100 * overlap(box, placed[j]);
                    if (o[0] || o[1]) { cost += crosses(seg, placed[j]) ? 2000 : 0; }
                }
                for (j = 0; j < pins.length; j++) {
                    if (j !== n) { cost += 100 * overlap(box, pins[j]); }
                }
                for (j = 0; j < lines.length; j++) { cost += crosses(lines[j], box) ? 2000 : 0; }
                if (cost < bestCost) { best = [o, box, seg]; bestCost = cost; }
                if (cost === i) { break; }
            }
            var o = best[0];
            // No free spot near its site: the badge folds into its pin (its numbers stay in
            // the tooltip) until a closer zoom makes room. The first team is placed first.
            var folded = bestCost >= 100;
            el.classList.toggle("folded", folded);
            if (folded) { return; }
            label.style.transform = "translate(calc(-50% + " + o[0] + "px), calc(-50% + "
                + o[1] + "px))";
            el.classList.toggle("moved", o[0] !== 0 || o[1] !== 0);
            placed.push(best[1]);
            if (o[0] || o[1]) {
                lines.push(best[2]);
                var a = L.point(cx - origin.left, cy - origin.top);
                var b = L.point(a.x + o[0], a.y + o[1]);
                leaders.addLayer(L.polyline(
                    [map.containerPointToLatLng(a), map.containerPointToLatLng(b)],
                    {renderer: leaderRenderer, color: el.dataset.colour, weight: 2,
                     opacity: 0.9, interactive: false}));
            }
        });
        root.dispatchEvent(new CustomEvent("badgesplaced"));
    }
    var pending = null;
    function later() {
        if (pending) { clearTimeout(pending); }
        pending = setTimeout(function () { pending = null; place(); }, 30);
    }
    map.on("zoomend moveend overlayadd overlayremove resize", later);
    map.whenReady(later);
    setTimeout(later, 300);
}
"""


class StopBadgePlacer(MacroElement):
    """Place the stop badges so that none covers another (see the module's docstring)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .stop-badge { position: absolute; left: 0; top: 0; }
        .stop-badge .pin { position: absolute; left: -5px; top: -5px; width: 10px;
            height: 10px; border-radius: 5px; border: 2px solid white; box-sizing: border-box; }
        .stop-badge .stop-number { position: absolute; left: 0; top: 0; white-space: nowrap;
            transform: translate(-50%, -50%); color: white; font: bold 11px/16px sans-serif;
            padding: 0 5px; border-radius: 9px; border: 2px solid white;
            box-shadow: 0 0 2px rgba(0, 0, 0, .7); cursor: pointer; }
        .stop-badge.folded .stop-number { display: none; }
        .stop-badge.folded .pin { left: -6px; top: -6px; width: 12px; height: 12px;
            border-radius: 6px; }
        .stop-badge.selected .stop-number { outline: 3px solid #ffd600;
            box-shadow: 0 0 8px #ffd600; }
        .leaflet-marker-icon:has(.stop-badge) { z-index: 1000 !important; }
        .leaflet-marker-icon:has(.stop-badge.selected) { z-index: 1001 !important; }
        .leaflet-marker-icon:has(.route-arrow) { z-index: 0 !important; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        ({{ this.js }})({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "StopBadgePlacer"
        self.js = _PLACE_JS


class StreetNames(MacroElement):
    """Street names along their streets from ``STREET_NAME_MIN_ZOOM`` on, never overlapping.

    ``labels`` is the ``labels`` layer of ``geodata.basemap.background_geojson`` (points with
    ``name``, ``angle_deg`` counter-clockwise from east, ``rank``).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .street-name { position: absolute; left: 0; top: 0; white-space: nowrap;
            font: 11px/1 sans-serif; color: #4a4a4a; pointer-events: none;
            text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff,
                         0 0 3px #fff; }
        .street-name.major { font-weight: bold; color: #3a3a3a; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map, data) {
            var pane = map.createPane("streetNames");
            pane.style.zIndex = 450;
            pane.style.pointerEvents = "none";
            var group = L.layerGroup();
            var items = null;
            // The names are made the first time they show (street zoom), not with the map.
            function make() {
                return data.features.slice().sort(function (a, b) {
                    return a.properties.rank - b.properties.rank;
                }).map(function (f) {
                    var p = f.properties;
                    var span = document.createElement("span");
                    span.className = "street-name " + (p.cls || "");
                    span.textContent = p.name;
                    span.style.transform = "translate(-50%, -50%) rotate(" + (-p.angle_deg)
                        + "deg)";
                    var icon = L.divIcon({html: span, className: "", iconSize: [0, 0]});
                    var c = f.geometry.coordinates;
                    var marker = L.marker([c[1], c[0]], {icon: icon, interactive: false,
                                                         keyboard: false, pane: "streetNames"});
                    group.addLayer(marker);
                    return {span: span, name: p.name};
                });
            }
            function hits(a, b) {
                return a.left < b.right && b.left < a.right && a.top < b.bottom
                    && b.top < a.bottom;
            }
            function place() {
                var show = map.getZoom() >= {{ this.min_zoom }};
                if (!show) { if (map.hasLayer(group)) { map.removeLayer(group); } return; }
                items = items || make();
                if (!map.hasLayer(group)) { group.addTo(map); }
                var root = map.getContainer();
                var frame = root.getBoundingClientRect();
                var taken = Array.prototype.map.call(
                    root.querySelectorAll(".stop-number, .map-legend, .leaflet-control"),
                    function (el) { return el.getBoundingClientRect(); });
                var seen = {};
                // Every box is read before any name is shown or hidden (visibility moves
                // nothing): one layout for all the names, not one per name.
                var boxes = items.map(function (item) {
                    return item.span.getBoundingClientRect();
                });
                items.forEach(function (item, k) {
                    var r = boxes[k];
                    var cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
                    var gap = 3 * Math.max(r.width, r.height);
                    var ok = r.left >= frame.left && r.right <= frame.right
                        && r.top >= frame.top && r.bottom <= frame.bottom
                        && !taken.some(function (t) { return hits(r, t); })
                        && !(seen[item.name] || []).some(function (p) {
                            return Math.hypot(p[0] - cx, p[1] - cy) < gap; });
                    item.span.style.visibility = ok ? "visible" : "hidden";
                    item.span.classList.toggle("shown", ok);
                    if (ok) {
                        taken.push(r);
                        (seen[item.name] = seen[item.name] || []).push([cx, cy]);
                    }
                });
            }
            var pending = null;
            function later() {
                if (pending) { clearTimeout(pending); }
                pending = setTimeout(function () { pending = null; place(); }, 60);
            }
            map.on("zoomend moveend resize", later);
            map.getContainer().addEventListener("badgesplaced", later);
            map.whenReady(later);
        })({{ this._parent.get_name() }}, {{ this.data_json }});
        {% endmacro %}
        """
    )

    def __init__(self, data_json: str, *, min_zoom: int = STREET_NAME_MIN_ZOOM) -> None:
        super().__init__()
        self._name = "StreetNames"
        self.data_json = data_json
        self.min_zoom = int(min_zoom)


class MapLegend(MacroElement):
    """A legend in the map's corner; each section shows while its layer is on the map.

    ``sections`` are ``(html, layer)`` pairs: ``layer`` is a folium layer (its section follows
    it) or ``None`` (always shown). The HTML is built by the caller, already escaped.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .map-legend { background: rgba(255, 255, 255, .93); padding: 6px 9px;
            border-radius: 6px; box-shadow: 0 1px 4px rgba(0, 0, 0, .35);
            font: 12px/1.35 sans-serif; color: #222; max-width: 230px; }
        .map-legend b { display: block; margin: 3px 0 2px; }
        .map-legend .row { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
        .map-legend .dot { width: 12px; height: 12px; border-radius: 6px;
            border: 1px solid #263238; flex: none; }
        .map-legend .ramp { height: 10px; width: 110px; border: 1px solid #999; flex: none; }
        .map-legend .depot-key { width: 14px; height: 14px; background: #fff;
            border: 2px solid #212121; color: #212121; font: bold 10px/14px sans-serif;
            text-align: center; flex: none; }
        .map-legend svg { flex: none; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            var legend = L.control({position: "bottomright"});
            var sections = [
            {% for html, layer in this.sections %}
                {html: {{ html|tojson }}, layer: {{ layer.get_name() if layer else "null" }}},
            {% endfor %}
            ];
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "map-legend");
                div.setAttribute("role", "region");
                div.setAttribute("aria-label", {{ this.title|tojson }});
                sections.forEach(function (s) {
                    var part = L.DomUtil.create("div", "legend-section", div);
                    part.innerHTML = s.html;
                    s.el = part;
                });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
            function sync() {
                sections.forEach(function (s) {
                    s.el.style.display = (!s.layer || map.hasLayer(s.layer)) ? "" : "none";
                });
            }
            map.on("overlayadd overlayremove layeradd layerremove", sync);
            sync();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, sections: Sequence[tuple[str, Any]], *, title: str) -> None:
        super().__init__()
        self._name = "MapLegend"
        self.sections = list(sections)
        self.title = title


def style_attr(style: Mapping[str, str]) -> str:
    """Write a CSS declaration list from a mapping (values already safe)."""
    return ";".join(f"{k}:{v}" for k, v in style.items())
