"""Key routes in the night's joint plan: each driven end to end by one loop, beside the targets.

Checked on the path geometry the map and the exports draw (plan route extra ``path``), not on
the engine's own bookkeeping.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyproj
import pytest
import shapely
from shapely.geometry import LineString

from geodata.keyroutes import key_routes
from geodata.shift import Shift
from patrol.export import export_files
from patrol.export._read import read_plan
from patrol.pipeline import Inputs, ShiftPlan, load_inputs, plan_shift
from patrol.plan_files import write_plan_outputs
from patrolbase.errors import InputFileError
from patrolbase.schema import is_key_route

pytestmark = pytest.mark.slow  # a few seconds of planning

ROUTES = ["Phố Tôn Đức Thắng", "Phố Cát Linh"]


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    """Load the default area with demonstration incidents up to 04/12/2026."""
    return load_inputs(demo_until=date(2026, 12, 4))


@pytest.fixture(scope="module")
def night(inputs: Inputs) -> ShiftPlan:
    """Plan the night of 05/12/2026 with two teams and two key routes."""
    shift = Shift.parse("2026-12-05", "22:00-05:00", "01:00-03:00")
    return plan_shift(inputs, shift, n_teams=2, time_limit_s=3, seed=7, key_routes=ROUTES)


def test_each_key_route_is_driven_end_to_end_by_one_loop(inputs: Inputs, night: ShiftPlan) -> None:
    area = inputs.area
    to_xy = pyproj.Transformer.from_crs("EPSG:4326", area.crs, always_xy=True)
    driven_by = {
        stop.extra["name"]: route
        for route in night.plan.routes
        for stop in route.stops
        if is_key_route(stop.site)
    }
    assert sorted(driven_by) == sorted(ROUTES)
    for route in key_routes(area, ROUTES):
        loop = driven_by[route.name]
        xs, ys = to_xy.transform(*zip(*loop.extra["path"], strict=True))
        path = LineString(list(zip(xs, ys, strict=True))).buffer(1.0)
        street = shapely.line_merge(
            shapely.union_all([area.graph.edges[e]["geometry"] for e in route.directions[0]])
        )
        assert shapely.covers(path, street), route.name
        # End to end: the direction driven spans most of the street's whole length.
        whole = sum(
            d["length_m"] for _, _, d in area.graph.edges(data=True) if d["name"] == route.name
        )
        assert street.length >= 0.45 * whole
        stop = next(s for s in loop.stops if s.extra["name"] == route.name)
        drive_s = sum(area.graph.edges[e]["travel_s"] for e in route.directions[0])
        assert stop.depart - stop.start == pytest.approx(drive_s, abs=1)
    # The loop is closed: it ends where it began, at its depot.
    for route in night.plan.routes:
        assert (
            route.extra["path"][0] == route.extra["path"][-1]
            or shapely.distance(
                shapely.Point(route.extra["path"][0]), shapely.Point(route.extra["path"][-1])
            )
            < 1e-4
        )


def test_the_targets_still_come_first(night: ShiftPlan) -> None:
    coverage = night.metrics["coverage"]
    top = coverage["levels"]["very_high"]
    assert top["covered"] == top["targets"]
    assert top["in_window"] == night.metrics["capacity"]["fit_window"]
    # Key routes are not targets: the count of targets is the night's without them.
    assert coverage["targets"] == sum(not is_key_route(s.id) for s in night.problem.sites)
    assert [r["name"] for r in coverage["key_routes"]] == ROUTES
    assert all(r["team"] and r["at"] for r in coverage["key_routes"])


def test_the_summary_and_the_leaders_files_name_the_key_route(
    night: ShiftPlan, tmp_path: Path
) -> None:
    write_plan_outputs(night, tmp_path)
    summary = (tmp_path / "summary.txt").read_text(encoding="utf-8")
    for name in ROUTES:
        assert f"Tuyến trọng điểm {name}: Tổ " in summary
    plan = read_plan(tmp_path / "plan.json")
    team = next(
        r.team for r in night.plan.routes if any(s.extra["name"] == "Phố Cát Linh" for s in r.stops)
    )
    files = export_files(plan, team=team, formats=("html", "gpx"))
    page = next(v for k, v in files.items() if k.endswith(".html")).decode()
    assert "Tuyến trọng điểm" in page
    assert "key_route" not in page
    assert "đi hết tuyến, 0,8 km" in page  # Phố Cát Linh's length, driven, not "on site"
    document = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert document["coverage"]["key_routes"][0]["name"] == ROUTES[0]


def test_a_street_the_area_does_not_have_is_refused_before_planning(inputs: Inputs) -> None:
    shift = Shift.parse("2026-12-05", "22:00-05:00", "01:00-03:00")
    with pytest.raises(InputFileError) as caught:
        plan_shift(inputs, shift, n_teams=1, time_limit_s=1, key_routes=["Phố Tôn Đức Thang"])
    assert "Phố Tôn Đức Thắng" in caught.value.problems[0].message_vi


def test_the_plan_command_takes_key_routes_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from patrol.cli import app

    runner = CliRunner()
    base = ["plan", "--date", "05/12/2026", "--teams", "1", "--time-limit", "1"]
    made = runner.invoke(app, [*base, "-o", str(tmp_path / "a"), "--key-route", "Phố Cát Linh"])
    assert made.exit_code == 0, made.output
    summary = (tmp_path / "a" / "summary.txt").read_text(encoding="utf-8")
    assert "Tuyến trọng điểm Phố Cát Linh: Tổ 1 đi hết tuyến" in summary
    wrong = runner.invoke(app, [*base, "-o", str(tmp_path / "b"), "--key-route", "Phố Cat Linh"])
    assert wrong.exit_code != 0
    assert "Phố Cat Linh" in wrong.output and "Phố Cát Linh" in wrong.output
    assert not (tmp_path / "b" / "plan.json").exists()


def test_a_key_route_window_is_kept(inputs: Inputs) -> None:
    from datetime import time

    shift = Shift.parse("2026-12-05", "22:00-05:00", "01:00-03:00")
    night = plan_shift(
        inputs,
        shift,
        n_teams=2,
        time_limit_s=2,
        seed=7,
        key_routes=ROUTES,
        key_route_window=(time(1, 0), time(3, 0)),
    )
    lo, hi = shift.high_risk_s
    stops = [s for r in night.plan.routes for s in r.stops if is_key_route(s.site)]
    assert len(stops) == len(ROUTES)
    assert all(lo <= s.start and s.depart <= hi for s in stops)
    with pytest.raises(Exception, match="05:30-06:00"):
        plan_shift(
            inputs, shift, n_teams=1, time_limit_s=1, key_routes=ROUTES,
            key_route_window=(time(5, 30), time(6, 0)),
        )  # fmt: skip


def test_the_search_starts_from_the_capacity_plan_with_its_key_routes(
    inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from routing._compile import compile_problem

    engine = importlib.import_module("routing.solve")  # the module; routing.solve is the function

    real = engine.solve
    seen: list[bool] = []

    def spy(problem, **options):  # type: ignore[no-untyped-def]
        warm = options.get("warm")
        if (
            not problem.name.endswith("(top level)")
            and warm
            and any(is_key_route(site) for stops in warm.values() for site, _ in stops)
        ):
            # The warm start names visits the night's problem has, and its schedule holds.
            seen.append(bool(engine._resolve_warm(problem, compile_problem(problem), warm)))
        return real(problem, **options)

    monkeypatch.setattr(engine, "solve", spy)
    shift = Shift.parse("2026-12-05", "22:00-05:00", "01:00-03:00")
    # One team: the reduced plan reaches its key routes as their second offer (visit 1).
    plan_shift(inputs, shift, n_teams=1, time_limit_s=1, seed=7, key_routes=ROUTES)
    assert seen == [True]
