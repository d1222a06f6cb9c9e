"""Maps drawn offline from the area's own OSM data; incidents never one marker each."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import shape
from streamlit_folium import _get_header, _get_map_string

from dashboard import assets, mapview
from geodata.mapstyle import NO_RISK_COLOUR
from geodata.shift import Shift
from patrolbase.schema import DEPOT_KINDS
from routing.model import PatrolPlan, Route, Stop

_URL = re.compile(r"https?://[^\s\"'<>]+")


def _script(fmap: folium.Map) -> str:
    # What streamlit-folium sends to the browser: the map's script and header.
    fmap.render()
    return _get_map_string(fmap) + _get_header(fmap)


def test_base_layers_come_from_the_area(inputs: Any, base: mapview.BaseLayers) -> None:
    area = inputs.area
    classes = [f["properties"]["cls"] for f in base.streets["features"]]
    assert base.street_count > 300
    assert {"major", "medium", "minor"} <= set(classes)
    # Each street is drawn once although the graph has both directions of two-way streets.
    assert base.street_count < area.graph.number_of_edges()
    assert len(base.buildings["features"]) == len(area.buildings)
    assert len(base.residential["features"]) == len(area.residential)
    assert len(base.boundary["features"]) == len(area.boundary)
    west, south, east, north = base.bbox
    lon, lat = np.array(base.streets["features"][0]["geometry"]["coordinates"]).T
    assert (west - 0.01 <= lon).all() and (lon <= east + 0.01).all()
    assert (south - 0.01 <= lat).all() and (lat <= north + 0.01).all()


def test_map_is_offline_with_zoom_range_and_attribution(base: mapview.BaseLayers) -> None:
    fmap = mapview.build_map(base)
    text = _script(fmap)
    assert '"maxZoom": 19' in text
    assert "OpenStreetMap contributors, ODbL" in text
    assert 'L.Icon.Default.imagePath = "/app/static/vendor/leaflet/images/"' in text
    assert not any("tile" in name for name in fmap._children)
    links = [src for _, src in fmap.default_js] + [href for _, href in fmap.default_css]
    assert links and all(link.startswith(assets.STATIC_URL) for link in links)
    # The only outside address anywhere is the attribution link text, never a resource.
    assert [u for u in _URL.findall(text) if "leafletjs.com" not in u] == []


def test_online_tiles_only_when_asked(base: mapview.BaseLayers) -> None:
    fmap = mapview.build_map(base, online_tiles=True)
    tiles = [c for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 1
    assert "OpenStreetMap" in str(tiles[0].options.get("attribution", "")) + str(tiles[0].tiles)


def test_facilities_coloured_by_risk_with_escaped_popups(inputs: Any, base: Any) -> None:
    facilities = inputs.facilities.copy()
    first = facilities.index[~facilities["kind"].isin([k.value for k in DEPOT_KINDS])][0]
    facilities.loc[first, "name"] = '<script>alert("x")</script> Ngân hàng'
    sites = facilities[~facilities["kind"].isin([k.value for k in DEPOT_KINDS])]
    risk = pd.DataFrame(
        {"level": "very_high", "explanation": "Cây ATM 01:00: 95.0 (rất cao)\n  +40.0  Loại hình"},
        index=sites.index,
    )
    fmap = mapview.build_map(base)
    layer = mapview.add_facilities(fmap, facilities, risk=risk, lang="vi")
    assert layer.feature_count == len(sites)  # depots are not sites
    feature = next(f for f in layer.data["features"] if f["properties"]["id"] == first)
    popup = feature["properties"]["popup"]
    assert "<script>" not in popup and "&lt;script&gt;" in popup
    assert "Rất cao" in popup and "<br>" in popup  # explanation lines kept
    assert feature["properties"]["style"]["fillColor"] == mapview.RISK_COLOURS["very_high"]
    grey = mapview.add_facilities(mapview.build_map(base), facilities, risk=None)
    colours = {f["properties"]["style"]["fillColor"] for f in grey.data["features"]}
    assert colours == {NO_RISK_COLOUR}


def test_incident_cells_count_every_incident(inputs: Any) -> None:
    incidents = inputs.incidents
    cells, top = mapview.incident_cells(incidents)
    counts = [f["properties"]["n"] for f in cells["features"]]
    assert sum(counts) == len(incidents) and top == max(counts)
    polygons = gpd.GeoSeries([shape(f["geometry"]) for f in cells["features"]], crs=4326)
    # Each cell is about 50 m square.
    sides = np.sqrt(polygons.to_crs(inputs.area.crs).area)
    assert np.allclose(sides, 50, atol=1.5)
    points = gpd.GeoSeries(gpd.points_from_xy(incidents["lon"], incidents["lat"]), crs=4326)
    hits = gpd.sjoin(gpd.GeoDataFrame(geometry=points), gpd.GeoDataFrame(geometry=polygons))
    assert hits.index.nunique() == len(incidents)


def _many_incidents(n: int, bbox: tuple[float, float, float, float]) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    west, south, east, north = bbox
    return pd.DataFrame(
        {"lat": rng.uniform(south, north, n), "lon": rng.uniform(west, east, n),
         "time": [datetime(2026, 1, 1) + timedelta(hours=int(h)) for h in rng.integers(0, 8000, n)]}
    )  # fmt: skip


@pytest.mark.slow
def test_fifty_thousand_incidents_stay_small(base: mapview.BaseLayers) -> None:
    incidents = _many_incidents(50_000, base.bbox)
    fmap = mapview.build_map(base)
    layer = mapview.add_incidents(fmap, incidents, view="cells")
    assert isinstance(layer, mapview.VectorLayer)
    # A bounded number of cells, not one element per incident.
    assert layer.feature_count < 5_000
    assert sum(f["properties"]["n"] for f in layer.data["features"]) == 50_000
    views: tuple[tuple[mapview.IncidentView, str], ...] = (
        ("heat", "HeatMap"), ("cluster", "FastMarkerCluster"),
    )  # fmt: skip
    for view, kind in views:
        other = mapview.add_incidents(mapview.build_map(base), incidents, view=view)
        assert type(other).__name__ == kind
    assert mapview.add_incidents(fmap, incidents, view="none") is None


def test_routes_follow_their_path_with_arrows_and_one_badge_per_site(
    base: mapview.BaseLayers,
) -> None:
    shift = Shift.parse("2026-11-23", "22:00-05:00")
    path = [[105.8300, 21.0280], [105.8320, 21.0285], [105.8330, 21.0290], [105.8300, 21.0280]]
    kim = {"name": "Tiệm vàng <Kim>", "lat": 21.0285, "lon": 105.8320}
    stops = (
        Stop("a", 0, 1, 10800, 10800, 11400, kim),
        Stop("b", 0, 2, 11500, 11500, 12100, {"name": "ATM", "lat": 21.0290, "lon": 105.8330}),
        Stop("a", 1, 1, 12200, 12300, 12600, kim),  # the gold shop again: same badge
    )
    plan = PatrolPlan("p", 10.0, 300, (Route("T2", 0, 13000, 300, stops, {"path": path}),), ())
    fmap = mapview.build_map(base)
    (layer,) = mapview.add_routes(fmap, plan, shift=shift, team_order=["T1", "T2"])
    features = layer.data["features"]
    lines = [f for f in features if f["geometry"]["type"] == "LineString"]
    assert all(f["geometry"]["coordinates"] == path for f in lines)
    line = next(f for f in lines if "route-1" in f["properties"]["style"]["className"])
    assert line["properties"]["style"]["color"] == mapview.TEAM_COLOURS[1]  # T2's colour
    icons = [f["properties"]["icon"] for f in features if "icon" in f["properties"]]
    arrows = [i for i in icons if "route-arrow" in i]
    badges = [f for f in features if "stop-badge" in f["properties"].get("icon", "")]
    assert len(arrows) >= 2  # the loop is about 800 m: an arrow every 180 m
    assert len(badges) == 2
    first = badges[0]["properties"]
    assert ">1 · 3</span>" in first["icon"]
    assert "01:00" in first["tip"] and "01:10" in first["tip"] and "01:25" in first["tip"]
    assert "&lt;Kim&gt;" in first["tip"] and "<Kim>" not in first["tip"]
    text = _script(fmap)
    assert "Tổ 2" in text or json.dumps("Tổ 2")[1:-1] in text
