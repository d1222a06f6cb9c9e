"""The map component's frame, built once per content and sent again as it is.

``st_folium`` renders the whole folium map to HTML three times on every run and then runs a
few regular expressions over the result: with the base map, the sites' popups and the incident
cells (about 400 kB of script) that is 100 to 200 ms of each run of the map page on a loaded
two-core machine, before the browser receives anything. Yet most runs show the same map: the
user comes back from another page, or clicks on the map.

``MapFrame`` is what ``st_folium`` sends to its frontend for a map (script, header, links,
defaults, the component's key), made once by ``frame_of``; ``cached_frame`` keeps it for all
sessions under a key that names everything the map shows, and ``show`` sends it. The frontend
is streamlit-folium's own, fed exactly the arguments ``st_folium`` would give it
(``tests/dashboard/test_mapframe.py`` compares them), so the map, its clicks and the browser
tests are unchanged.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

__all__ = ["MapFrame", "cached_frame", "frame_key", "frame_of", "show"]

_DEFAULTS: dict[str, Any] = {
    "last_clicked": None,
    "last_object_clicked": None,
    "last_object_clicked_count": None,
    "last_object_clicked_tooltip": None,
    "last_object_clicked_popup": None,
    "all_drawings": None,
    "last_active_drawing": None,
    "bounds": None,
    "zoom": None,
    "last_circle_radius": None,
    "last_circle_polygon": None,
    "selected_layers": None,
    "selected_tags": None,
    "last_geocoder_result": None,
}


@dataclass(frozen=True)
class MapFrame:
    """The arguments of streamlit-folium's frontend for one map, and what the page kept of it.

    ``extras`` holds what the page read back from the layers while building the map (the legend's
    risk levels, say), so that a page served from the cache needs not build the map again.
    """

    script: str
    header: str
    html: str
    map_id: str
    js_links: tuple[str, ...]
    css_links: tuple[str, ...]
    bounds: Mapping[str, Any]
    zoom: Any
    extras: Mapping[str, Any] = field(default_factory=dict)

    def hash_key(self, key: str) -> str:
        """Return the component's key as ``st_folium`` derives it from the script and ``key``."""
        return _hash_key(self.script, key)


@functools.lru_cache(maxsize=32)
def _hash_key(script: str, key: str) -> str:
    # A few regular expressions over the whole script: once per frame (a string keeps its hash).
    # As many entries as frames cached: each keeps its script alive.
    from streamlit_folium import generate_js_hash

    return str(generate_js_hash(script, key, False))


def _links(fmap: Any) -> tuple[list[str], list[str]]:
    """Every script and style sheet the map's elements ask for, in order, once each."""
    import folium.elements

    css: list[str] = []
    js: list[str] = []

    def walk(element: Any) -> Any:
        if isinstance(element, folium.elements.JSCSSMixin):
            yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    for element in walk(fmap):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))


def frame_of(fmap: Any, *, extras: Mapping[str, Any] | None = None) -> MapFrame:
    """Render ``fmap`` (a ``folium.Map``) once into what ``st_folium`` would send for it.

    The map is changed by the rendering (its elements are renamed): do not draw it again.
    """
    from streamlit_folium import _get_header, _get_html, _get_map_string, get_full_id

    fmap.get_root().render()
    fmap.render()
    html = _get_html(fmap)
    header = _get_header(fmap)
    script = _get_map_string(fmap)
    (south, west), (north, east) = fmap.get_bounds()
    css, js = _links(fmap)
    return MapFrame(
        script=script,
        header=header,
        html=html,
        map_id=get_full_id(fmap),
        js_links=tuple(js),
        css_links=tuple(css),
        bounds={
            "_southWest": {"lat": south, "lng": west},
            "_northEast": {"lat": north, "lng": east},
        },
        zoom=fmap.options.get("zoom"),
        extras=dict(extras or {}),
    )


def frame_key(*parts: object) -> str:
    """Return a short key naming a map's content from the values it is drawn from."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached(key: str, _build: Callable[[], MapFrame]) -> MapFrame:
    return _build()


def cached_frame(key: str, build: Callable[[], MapFrame]) -> MapFrame:
    """Return the frame of ``key``, made by ``build`` the first time (for every session).

    ``key`` must name everything the map shows (``frame_key`` of the page, the inputs'
    signature, the hour, the layers, the language...): two maps with one key are one map.
    """
    return _cached(key, build)


def show(
    frame: MapFrame,
    *,
    key: str,
    height: int,
    returned: Sequence[str],
) -> dict[str, Any] | None:
    """Send ``frame`` to streamlit-folium's frontend as ``st_folium(..., key=key)`` would.

    The map takes its container's width; only the ``returned`` fields come back.
    """
    from streamlit_folium import _component_func

    hash_key = frame.hash_key(key)
    defaults = {
        name: (frame.bounds if name == "bounds" else frame.zoom if name == "zoom" else value)
        for name, value in _DEFAULTS.items()
        if name in returned
    }

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return _component_func(  # type: ignore[no-any-return]
        script=frame.script,
        header=frame.header,
        html=frame.html,
        id=frame.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned),
        default=defaults,
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(frame.css_links),
        js_links=list(frame.js_links),
        on_change=on_change,
        wrap_longitude=False,
    )
