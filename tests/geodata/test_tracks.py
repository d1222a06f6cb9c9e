"""GPS tracks read from other tools' files and matched to a plan's route on the default area.

The tracks are made from the sample plan's own street path with times (``tracksynth``): one that
keeps every visit, one that skips visits, one that arrives late; and files as gpxpy (with
OsmAnd-style extensions), GPS Logger (GPX 1.0) and Google Earth (KML ``gx:Track``) write them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from geodata.area import load_area
from geodata.hotspots import project_lonlat
from geodata.trackmatch import match_track
from geodata.tracks import read_track
from patrolbase.errors import InputFileError
from patrolbase.settings import Settings
from routing.model import PatrolPlan

SAMPLE_PLAN = Path(__file__).parents[1] / "export" / "data" / "sample-plan.json"


@pytest.fixture(scope="module")
def bbox() -> tuple[float, float, float, float]:
    return load_area().bbox


@pytest.fixture(scope="module")
def plan_doc() -> dict:
    return json.loads(SAMPLE_PLAN.read_text(encoding="utf-8"))


def _match(plan_doc: dict, raw: str, bbox, name: str = "t1.gpx", team: str = "T1"):
    track = read_track(raw.encode("utf-8"), name)
    return match_track(track, team=team, bbox=bbox, plan=PatrolPlan.from_dict(plan_doc))


def test_complete_night_visits_every_stop_on_time(tracksynth, plan_doc: dict, bbox) -> None:
    result = _match(
        plan_doc, tracksynth.gpx_with_gpxpy(tracksynth.track_points(plan_doc, "T1")), bbox
    )
    assert [s.status for s in result.stops] == ["visited"] * 8
    assert all(abs(s.delay_s or 0) <= 60 for s in result.stops)
    # planned time on site (10 min) is what the track shows, give or take the match radius
    first = result.stops[0]
    assert 540 <= first.on_site_s <= 720 and first.planned_on_site_s == 600
    assert result.made_share == 1.0
    # the very-high target is visited at 01:10 (in the 01:00-03:00 window)
    assert result.top_level_sites == ("osm-node-1000087526",)
    assert result.top_level_share == 1.0
    # the distance ridden is the path's length: GPS jitter while standing is not driving
    path = np.asarray(plan_doc["routes"][0]["path"])
    xy = project_lonlat(path[:, 0], path[:, 1], crs="EPSG:32648")
    path_m = float(np.hypot(*np.diff(xy, axis=0).T).sum())
    assert result.distance_m == pytest.approx(path_m, rel=0.1)


def test_skipped_stops_are_missed_and_driving_past_does_not_count(
    tracksynth, plan_doc: dict, bbox
) -> None:
    skip = frozenset({("osm-node-724829388", 0), ("osm-node-1000087526", 1)})
    result = _match(
        plan_doc,
        tracksynth.gpx_with_gpxpy(tracksynth.track_points(plan_doc, "T1", skip=skip)),
        bbox,
    )
    status = {(s.site, s.visit): s.status for s in result.stops}
    assert {k for k, v in status.items() if v == "missed"} == set(skip)
    assert result.stops_made == 6
    # the very-high target was seen at 22:12 only, outside the high-risk window
    assert result.top_level_share == 0.0


def test_late_arrivals_are_late_by_the_delay(tracksynth, plan_doc: dict, bbox) -> None:
    points = tracksynth.track_points(plan_doc, "T1", late_from=5, delay_s=1500)
    result = _match(plan_doc, tracksynth.gpx_10(points), bbox)
    assert [s.status for s in result.stops[:5]] == ["visited"] * 5
    late = result.stops[5:]
    assert [s.status for s in late] == ["late"] * 3
    assert all(1400 <= (s.delay_s or 0) <= 1560 for s in late)
    assert result.stops_late == 3 and result.stops_made == 8


def test_gpx_10_and_kml_read_like_gpx_11(tracksynth, plan_doc: dict, bbox) -> None:
    points = tracksynth.track_points(plan_doc, "T2")
    tracks = [
        read_track(tracksynth.gpx_with_gpxpy(points).encode(), "a.gpx"),
        read_track(tracksynth.gpx_10(points).encode(), "b.gpx"),
        read_track(tracksynth.kml_track(points).encode(), "c.kml"),
    ]
    assert [t.format for t in tracks] == ["gpx-1.1", "gpx-1.0", "kml"]
    assert {len(t) for t in tracks} == {len(points)}
    assert tracks[0].t[0] == pytest.approx(tracks[1].t[0]) == pytest.approx(tracks[2].t[0])
    result = match_track(tracks[2], team="T2", bbox=bbox, plan=PatrolPlan.from_dict(plan_doc))
    assert result.stops_made == result.stops_planned == 9


def _problems(raw: bytes, name: str = "x.gpx") -> str:
    with pytest.raises(InputFileError) as err:
        read_track(raw, name)
    assert err.value.file == name
    return str(err.value) + " | " + (err.value.message_vi or "")


def test_bad_files_say_what_is_wrong(tracksynth, plan_doc: dict) -> None:
    points = tracksynth.track_points(plan_doc, "T1")
    whole = tracksynth.gpx_10(points).encode()
    assert "not a readable XML" in _problems(whole[: len(whole) // 2])
    untimed = whole.replace(b"<time>", b"<!-- ").replace(b"</time>", b" -->")
    assert "have no time" in _problems(untimed)
    assert "only 3 timed point(s)" in _problems(tracksynth.gpx_10(points[:3]).encode())
    planned_only = b'<gpx version="1.1"><rte><rtept lat="1" lon="2"/></rte></gpx>'
    assert "no track points" in _problems(planned_only)
    assert "neither GPX nor KML" in _problems(b"<html><body>hi</body></html>", "x.html")
    bomb = b'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><gpx>&a;</gpx>'
    assert "DTD" in _problems(bomb)


def test_track_of_another_night_or_area_is_refused(tracksynth, plan_doc: dict, bbox) -> None:
    from datetime import timedelta

    points = tracksynth.track_points(plan_doc, "T1")
    next_night = [(x, y, t + timedelta(days=1)) for x, y, t in points]
    with pytest.raises(InputFileError, match=r"recorded 24/11/2026 22:0\d.*outside the shift"):
        _match(plan_doc, tracksynth.gpx_10(next_night), bbox)
    elsewhere = [(x + 0.2, y, t) for x, y, t in points]
    with pytest.raises(InputFileError, match="another ward"):
        _match(plan_doc, tracksynth.gpx_10(elsewhere), bbox)
    with pytest.raises(InputFileError, match="no route for team 'T9'"):
        _match(plan_doc, tracksynth.gpx_10(points), bbox, team="T9")


def test_without_a_plan_the_track_is_measured(tracksynth, plan_doc: dict, bbox) -> None:
    track = read_track(tracksynth.gpx_10(tracksynth.track_points(plan_doc, "T1")).encode(), "t.gpx")
    result = match_track(track, team="T1", bbox=bbox, settings=Settings())
    assert result.plan_id is None and result.stops == () and result.made_share is None
    assert str(result.shift_date) == "2026-11-23"
    assert result.duration_s == pytest.approx(12916, abs=10)
