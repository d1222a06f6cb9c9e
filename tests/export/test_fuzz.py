"""Any plan ``read_plan`` accepts exports to schema-valid GPX and KML that read back the same.

Hypothesis varies the parts people type or data sources fill: site and depot names (any text,
Vietnamese or not, markup characters, control characters), team ids, number of stops, path
lengths and coordinates across the whole WGS84 range.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import gpxpy
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from patrol.export import read_plan, to_geojson, to_gpx, to_kml
from patrol.export._common import slug

_PARSER = etree.XMLParser(no_network=True)
_DATA = Path(__file__).parents[1] / "data" / "schemas"
_GPX = etree.XMLSchema(etree.parse(str(_DATA / "gpx-1.1.xsd"), _PARSER))
_KML = etree.XMLSchema(etree.parse(str(_DATA / "kml-2.2" / "ogckml22.xsd"), _PARSER))
_BASE = json.loads((Path(__file__).parent / "data" / "sample-plan.json").read_text("utf-8"))

names = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=40
)  # any text but lone surrogates, which no UTF-8 file can hold
lon = st.floats(-180, 180, allow_nan=False)
lat = st.floats(-90, 90, allow_nan=False)
point = st.tuples(lon, lat)


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(_BASE)
    team_ids = st.from_regex(r"[A-Za-z0-9À-ỹ _-]{1,8}", fullmatch=True).filter(str.strip)
    # Teams whose ids give the same file name are refused by read_plan (tested elsewhere).
    teams = draw(st.lists(team_ids, min_size=1, max_size=3, unique_by=slug))
    routes = []
    for k, team in enumerate(teams):
        route = copy.deepcopy(_BASE["routes"][k % 2])
        route["team"] = team
        route["path"] = [list(p) for p in draw(st.lists(point, min_size=2, max_size=30))]
        route["depot"]["name"] = draw(names)
        n = draw(st.integers(0, len(route["stops"])))
        route["stops"] = route["stops"][:n]
        for stop in route["stops"]:
            stop["name"] = draw(names)
            stop["notes"] = draw(names)
            stop["lon"], stop["lat"] = draw(point)
        routes.append(route)
    doc["routes"] = routes
    doc["area"] = draw(names)
    doc["status"] = draw(st.sampled_from(["draft", "approved"]))
    return doc


# No shrinking: these documents are large and shrinking them takes minutes; the failing example
# is printed whole as drawn.
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(plans())
@pytest.mark.slow
def test_any_accepted_plan_gives_valid_gpx_kml_geojson(doc: dict[str, Any]) -> None:
    plan = read_plan(doc, source="fuzz.json")
    for team in (None, *plan.teams):
        gpx = to_gpx(plan, team=team)
        assert _GPX.validate(etree.fromstring(gpx, _PARSER)), _GPX.error_log
        kml = to_kml(plan, team=team)
        assert _KML.validate(etree.fromstring(kml, _PARSER)), _KML.error_log
        features = to_geojson(plan, team=team)["features"]
        assert len(features) == sum(2 + len(r.stops) for r in plan.select(team))
    for route in plan.routes:
        back = gpxpy.parse(to_gpx(plan, team=route.team).decode("utf-8"))
        stops = [w for w in back.waypoints if w.type != "depot"]
        assert [w.latitude for w in stops] == pytest.approx([s.lat for s in route.stops], abs=1e-7)
        # Longitudes match on the circle: 180 is written -180 (GPX keeps [-180, 180)).
        gaps = [
            (w.longitude - s.lon + 180) % 360 - 180 for w, s in zip(stops, route.stops, strict=True)
        ]
        assert gaps == pytest.approx([0.0] * len(gaps), abs=1e-6)
