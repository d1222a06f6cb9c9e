"""GPX 1.1: valid against the official schema, read back by gpxpy, the track on real streets."""

from __future__ import annotations

from pathlib import Path

import gpxpy
import pytest
from lxml import etree

from patrol.export import PlanExport, to_gpx

NS = {"g": "http://www.topografix.com/GPX/1/1"}


@pytest.fixture(scope="module")
def gpx_schema(data_dir: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(data_dir / "schemas" / "gpx-1.1.xsd"), parser))


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(no_network=True))


@pytest.mark.parametrize("team", ["T1", "T2", None])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_valid_against_gpx_1_1_schema(
    plan: PlanExport, gpx_schema: etree.XMLSchema, team: str | None, lang: str
) -> None:
    doc = _parse(to_gpx(plan, team=team, lang=lang))  # type: ignore[arg-type]
    assert gpx_schema.validate(doc), gpx_schema.error_log


def test_schema_check_is_not_vacuous(plan: PlanExport, gpx_schema: etree.XMLSchema) -> None:
    doc = _parse(to_gpx(plan, team="T1"))
    # A track before the waypoints breaks the schema's element order: the check must see it.
    doc.insert(1, doc.find("g:trk", NS))
    assert not gpx_schema.validate(doc)


def test_draft_valid_and_marked(draft_plan: PlanExport, gpx_schema: etree.XMLSchema) -> None:
    data = to_gpx(draft_plan, team="T1")
    assert gpx_schema.validate(_parse(data))
    gpx = gpxpy.parse(data.decode("utf-8"))
    assert gpx.name.startswith("[BẢN NHÁP]")
    assert all(w.name.startswith("[BẢN NHÁP]") for w in gpx.waypoints)
    assert gpx.tracks[0].name.startswith("[BẢN NHÁP]")


def test_read_back_same_stops_and_order(plan: PlanExport) -> None:
    for team in plan.teams:
        route = plan.route(team)
        gpx = gpxpy.parse(to_gpx(plan, team=team).decode("utf-8"))
        stops = [w for w in gpx.waypoints if w.type != "depot"]
        assert [w.name.split(" (")[0] for w in stops] == [
            f"{team} {s.title()}" for s in route.stops
        ]
        assert [(round(w.latitude, 6), round(w.longitude, 6)) for w in stops] == [
            (round(s.lat, 6), round(s.lon, 6)) for s in route.stops
        ]
        # Waypoint names carry the planned window; descriptions the kind.
        first = route.stops[0]
        assert f"{first.start:%H:%M}-{first.depart:%H:%M}" in stops[0].name
        assert first.kind_label() in stops[0].description
        # The route element: depot, every stop in order, back to the depot (closed loop).
        (rte,) = gpx.routes
        assert len(rte.points) == len(route.stops) + 2
        assert (rte.points[0].latitude, rte.points[0].longitude) == pytest.approx(
            (route.depot.lat, route.depot.lon)
        )
        assert (rte.points[-1].latitude, rte.points[-1].longitude) == pytest.approx(
            (route.depot.lat, route.depot.lon)
        )
        assert [p.name for p in rte.points[1:-1]] == [f"{team} {s.title()}" for s in route.stops]
        # The track is the street path point for point, less the places themselves (the plan's
        # path passes through the depot and each site, off the street).
        assert route.path[0] == pytest.approx((route.depot.lon, route.depot.lat), abs=1e-6)
        assert len(route.street_path) < len(route.path)
        (trk,) = gpx.tracks
        points = trk.segments[0].points
        flat = [c for p in points for c in (p.longitude, p.latitude)]
        assert flat == pytest.approx([c for xy in route.street_path for c in xy], abs=1e-7)
        # Planned start times, converted from ward time (UTC+7) to UTC.
        assert stops[0].time.replace(tzinfo=None).hour == (first.start.hour - 7) % 24


def test_identity_and_attribution_in_metadata(plan: PlanExport) -> None:
    gpx = gpxpy.parse(to_gpx(plan, team="T2").decode("utf-8"))
    for piece in ("23/11/2026", "22:00-05:00", "T2", "3"):
        assert piece in gpx.name
    assert "OpenStreetMap" in gpx.description and plan.approved_by in gpx.description
    assert gpx.copyright_author == "OpenStreetMap contributors"
    assert "odbl" in gpx.copyright_license
    assert gpx.link == "https://www.openstreetmap.org/copyright"


def test_track_stays_on_the_streets(plan: PlanExport, streets: object) -> None:
    far = []
    for team in plan.teams:
        gpx = gpxpy.parse(to_gpx(plan, team=team).decode("utf-8"))
        for point in gpx.tracks[0].segments[0].points:
            d = streets.distance_m(point.longitude, point.latitude)  # type: ignore[attr-defined]
            if d > 3.0:
                far.append((team, point.latitude, point.longitude, round(d, 1)))
    assert not far
    # The measure can fail: inside the blocks of the same area, points lie tens of metres from
    # any street (the check is not vacuous).
    lons = [lon for lon, _ in plan.route("T1").path]
    lats = [lat for _, lat in plan.route("T1").path]
    grid = [
        streets.distance_m(
            min(lons) + i * (max(lons) - min(lons)) / 8,  # type: ignore[attr-defined]
            min(lats) + j * (max(lats) - min(lats)) / 8,
        )
        for i in range(9)
        for j in range(9)
    ]
    assert max(grid) > 25.0
