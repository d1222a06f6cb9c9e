"""The plan page's patrol results: a team's track uploaded, planned loop and actual track shown."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from geodata.area import DEFAULT_AREA_NAME
from patrol.store import plans
from patrol.store.auth import Principal, Role
from patrol.store.records import list_records

pytestmark = pytest.mark.slow  # a store, tracks matched: seconds per test

NIGHT = date(2026, 11, 23)


BOSS = Principal(0, "chihuy", "chihuy", Role.COMMANDER, None)


def _approve(store: Any, doc: dict) -> int:
    ref = plans.save_plan(store, BOSS, doc, area=DEFAULT_AREA_NAME, shift_date=NIGHT)
    plans.approve_plan(store, BOSS, ref.plan_id, expected_version=ref.version)
    return ref.plan_id


def test_track_upload_shows_planned_and_actual(
    app_as: Any, sample_plan_doc: dict, tracksynth
) -> None:
    plan_id = _approve(app_as.store, sample_plan_doc)
    skip = frozenset({("osm-node-724829388", 0)})
    gpx = tracksynth.gpx_with_gpxpy(tracksynth.track_points(sample_plan_doc, "T1", skip=skip))
    at = app_as("commander", "plan")
    at.date_input(key="plan_date").set_value(NIGHT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"kế hoạch số {plan_id}" in c.value for c in at.caption)
    upload = ("to1-osmand.gpx", gpx.encode(), "application/gpx+xml")
    at.file_uploader(key="rec_file").set_value(upload).run()
    at.button(key="rec_add").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("đến 7/8 lượt theo kế hoạch" in s.value for s in at.success)
    table = at.dataframe[-1].value
    assert table["Kết quả"].tolist().count("Không đến") == 1
    assert len(table) == 8
    scripts = [c.proto.json_args for c in at.get("component_instance")]
    assert any("route route-" in s for s in scripts)  # the planned loop
    assert any("record-track" in s and "record-missed" in s for s in scripts)  # the track
    stored = list_records(app_as.store, BOSS, area=DEFAULT_AREA_NAME)
    assert [(r.team, r.plan_id, r.match.stops_made) for r in stored] == [("T1", plan_id, 7)]


def test_patrol_leader_uploads_the_own_teams_track_on_the_routes_page(
    app_as: Any, sample_plan_doc: dict, tracksynth
) -> None:
    _approve(app_as.store, sample_plan_doc)
    gpx = tracksynth.gpx_10(tracksynth.track_points(sample_plan_doc, "T1"))
    at = app_as("patrol_leader", "routes")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="rec_team").options == ["Tổ 1"]  # only the own team
    at.file_uploader(key="rec_file").set_value(("t1.gpx", gpx.encode(), "application/gpx+xml"))
    at.run()
    at.button(key="rec_add").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("đến 8/8 lượt theo kế hoạch" in s.value for s in at.success)
    stored = list_records(app_as.store, BOSS, area=DEFAULT_AREA_NAME)
    assert [(r.team, r.uploaded_by) for r in stored] == [("T1", "totruong1")]
