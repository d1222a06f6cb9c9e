"""The whole night on the real default area: load -> risk -> problem -> solve -> plan."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from geodata.depots import choose_depots
from geodata.shift import Shift
from patrol.pipeline import Inputs, ShiftPlan, plan_shift
from patrol.plan_files import write_plan_outputs
from patrolbase.errors import InfeasiblePlanError, SettingsError
from routing.model import PatrolPlan

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

SHIFT = Shift.parse("2026-11-23", "22:00-05:00", "01:00-03:00")


def test_demo_incidents_are_labelled(inputs: Inputs) -> None:
    assert inputs.demo_incidents
    assert inputs.incidents["demo"].all()
    assert inputs.incidents["description"].str.startswith("Dữ liệu minh họa").all()


def test_depot_is_a_ward_police_post(inputs: Inputs) -> None:
    depots = choose_depots(inputs.facilities)
    first = inputs.facilities.loc[depots[0]]
    assert first["kind"] == "police"
    assert "phường" in first["name"].lower()


def test_area_without_police_asks_for_a_depot(inputs: Inputs) -> None:
    no_depot = inputs.facilities[~inputs.facilities["kind"].isin(["police", "military"])]
    with pytest.raises(InfeasiblePlanError, match="no police post") as info:
        choose_depots(no_depot)
    assert "Công an phường" in (info.value.message_vi or "")
    with pytest.raises(SettingsError, match="not facilities"):
        choose_depots(inputs.facilities, given=["osm-node-0"])


def test_every_route_is_a_closed_loop_on_the_streets(night: ShiftPlan) -> None:
    assert len(night.plan.routes) == 3
    for route in night.plan.routes:
        depot = route.extra["depot"]
        path = np.array(route.extra["path"])
        assert len(path) > 10
        # the drawn loop starts and ends at the depot (within the kerb-to-street gap)
        for end in (path[0], path[-1]):
            assert abs(end[0] - depot["lon"]) < 0.002 and abs(end[1] - depot["lat"]) < 0.002
        assert route.stops, "every team that leaves visits something"
        for stop in route.stops:
            assert stop.extra["name"] and stop.extra["lat"] and stop.extra["kind"]
            assert stop.extra["earliest"] <= stop.start <= stop.extra["latest"]
        assert route.return_ <= SHIFT.duration_s


def test_the_riskiest_sites_are_visited_in_the_high_risk_window(night: ShiftPlan) -> None:
    peak = night.assessment.peak
    sites = {s.id for s in night.problem.sites}
    top = peak[peak.index.isin(sites)]
    top = top[top >= top.quantile(0.9)].index
    a, b = SHIFT.high_risk_s
    in_window = {stop.site for r in night.plan.routes for stop in r.stops if a <= stop.start <= b}
    assert set(top) <= in_window


def test_outputs_are_written_and_read_back(night: ShiftPlan, tmp_path: Path) -> None:
    files = write_plan_outputs(night, tmp_path)
    assert sorted(p.name for p in files) == ["plan.json", "problem.json", "summary.txt"]
    plan = PatrolPlan.from_file(tmp_path / "plan.json")
    assert plan.value == pytest.approx(night.plan.value)
    assert json.loads((tmp_path / "problem.json").read_text("utf-8"))["format"] == (
        "patrol-problem/1"
    )
    summary = (tmp_path / "summary.txt").read_text("utf-8")
    assert "KẾ HOẠCH TUẦN TRA KHÉP KÍN" in summary and "BẢN NHÁP" in summary
    assert "DỮ LIỆU MINH HỌA" in summary and "OpenStreetMap" in summary


def test_forced_and_excluded_sites(inputs: Inputs) -> None:
    kinds = inputs.facilities["kind"]
    school = kinds[kinds == "school"].index[0]  # not a night target unless forced in
    bank = kinds[kinds == "bank"].index[0]
    result = plan_shift(
        inputs, SHIFT, n_teams=1, include=[school], exclude=[bank], time_limit_s=2, seed=1
    )
    visited = {s.site for r in result.plan.routes for s in r.stops}
    assert school in visited
    assert bank not in {s.id for s in result.problem.sites}
