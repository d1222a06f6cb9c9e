"""GeoJSON (RFC 7946): lon/lat order, same content as the other exports."""

from __future__ import annotations

import json

from patrol.export import PlanExport, export_files, to_geojson


def test_rfc7946_structure_and_lon_lat_order(plan: PlanExport) -> None:
    doc = to_geojson(plan)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    west, south, east, north = doc["bbox"]
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geom = feature["geometry"]
        points = geom["coordinates"] if geom["type"] == "LineString" else [geom["coordinates"]]
        for lon, lat in points:
            # Hà Nội: longitude ~105.8, latitude ~21.0; swapped axes would fail here.
            assert 105 < lon < 107 and 20 < lat < 22
            assert west <= lon <= east and south <= lat <= north
    assert doc["attribution"] == plan.attribution
    assert doc["plan"]["version"] == 3 and doc["plan"]["draft"] is False


def test_same_stops_and_order_per_team(plan: PlanExport) -> None:
    doc = json.loads(export_files(plan, team="T2", formats="geojson").popitem()[1])
    route = plan.route("T2")
    lines = [f for f in doc["features"] if f["properties"]["role"] == "route"]
    assert len(lines) == 1 and lines[0]["geometry"]["coordinates"] == [
        [round(lon, 7), round(lat, 7)] for lon, lat in route.path
    ]
    stops = [f for f in doc["features"] if f["properties"]["role"] == "stop"]
    assert [f["properties"]["order"] for f in stops] == [s.order for s in route.stops]
    assert [f["properties"]["name"] for f in stops] == [s.name for s in route.stops]
    assert stops[0]["properties"]["start"] == f"{route.stops[0].start:%H:%M}"
    assert all(f["properties"]["team"] == "T2" for f in doc["features"])


def test_draft_flag(draft_plan: PlanExport) -> None:
    doc = to_geojson(draft_plan, team="T1")
    assert doc["plan"]["draft"] is True and doc["plan"]["label"].startswith("BẢN NHÁP")
    assert all(f["properties"]["draft"] for f in doc["features"])
