"""A bare two-page Streamlit app drawing one folium map of the default area with 50 markers.

The yardstick of ``bench/bench_dashboard.py``: navigation from its first page to the map, until
the 50 circle markers are drawn, against the same navigation to the dashboard's map page. Same
Streamlit, same streamlit-folium and the same offline Leaflet (``dashboard/static`` served
beside this script by a link the benchmark makes), nothing else.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from dashboard import assets


@st.cache_resource
def _places() -> tuple[tuple[float, float], list[tuple[float, float]]]:
    from geodata.area import load_area

    area = load_area()
    west, south, east, north = area.bbox
    points = area.facilities.to_crs("EPSG:4326").geometry.head(50)
    return ((south + north) / 2, (west + east) / 2), [(p.y, p.x) for p in points]


def _home() -> None:
    st.title("Trang đầu")


def _map() -> None:
    st.title("Bản đồ")
    centre, points = _places()
    assets.configure_folium()
    fmap = folium.Map(location=centre, zoom_start=16, tiles=None)
    for lat, lon in points:
        folium.CircleMarker([lat, lon], radius=5).add_to(fmap)
    st_folium(fmap, height=600, returned_objects=[], key="bare")


st.navigation([st.Page(_home, title="Trang đầu"), st.Page(_map, title="Bản đồ")]).run()
