"""A week of loudspeaker runs on the default area: every residential street, closed loops."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from geodata.area import load_area
from geodata.campaign import plan_campaign
from geodata.streets import residential_groups, residential_streets
from patrolbase.errors import ProblemFormatError, SettingsError
from patrolbase.settings import Settings
from routing.arcs import ArcProblem, ArcTask, solve_arcs

WEEK = date(2026, 12, 7)


def _settings(**campaign: object) -> Settings:
    return Settings().replace(campaign=campaign) if campaign else Settings()


@pytest.fixture(scope="module")
def motorbike_week():  # type: ignore[no-untyped-def]
    area = load_area(mode="motorbike")
    return area, plan_campaign(area, week_of=WEEK, settings=_settings())


@pytest.fixture(scope="module")
def car_week():  # type: ignore[no-untyped-def]
    settings = _settings(vehicle="car")
    area = load_area(mode="car", settings=settings)
    return area, plan_campaign(area, week_of=WEEK, settings=settings)


def test_groups_are_named_as_people_say_and_hold_the_streets() -> None:
    area = load_area()
    groups = residential_groups(area)
    streets = residential_streets(area, groups)
    assert len(groups) > 5
    assert all(name.startswith("Khu dân cư số ") for name in groups["name"])
    assert not any("way/" in n or "osm" in n for n in (*groups["name"], *streets["name"]))
    # Every street of a residential class in the graph lies in some group: the whole ward.
    total_m = sum(d["length_m"] for _, _, d in area.graph.edges(data=True)) / 2
    assert streets["length_m"].sum() > 0.7 * total_m
    assert set(streets["group_id"]) <= set(groups.index)


@pytest.mark.slow
def test_one_motorbike_covers_every_residential_street_in_the_week(motorbike_week) -> None:  # type: ignore[no-untyped-def]
    _, week = motorbike_week
    assert week.left == ()
    assert (week.passes >= 1).all()
    assert len(week.runs) <= 14
    # The most populous group is driven more often than the least populous.
    table = week.coverage()
    assert table["fewest"].iloc[0] > table["fewest"].iloc[-1]


@pytest.mark.slow
@pytest.mark.parametrize("which", ["motorbike_week", "car_week"])
def test_every_loop_is_closed_within_its_time_and_drivable(which: str, request) -> None:  # type: ignore[no-untyped-def]
    area, week = request.getfixturevalue(which)
    graph = area.graph
    for run in week.runs:
        assert run.duration_s <= run.budget_s
        assert run.edges[0][0] == week.depot_node == run.edges[-1][1]
        for (_, v, _), (u, _, _) in zip(run.edges, run.edges[1:], strict=False):
            assert v == u
        # Every edge is one the mode may drive in that direction (one-way streets respected).
        assert all(graph.has_edge(*edge) for edge in run.edges)
        # The served streets are among the edges driven, in the loop's order.
        driven = set(run.edges)
        for s in run.street_ids:
            assert driven & {tuple(e) for e in week.streets.at[s, "orientations"]}
        assert run.path[0] == run.path[-1]


@pytest.mark.slow
def test_a_car_never_drives_a_one_way_street_against_its_way(car_week) -> None:  # type: ignore[no-untyped-def]
    area, week = car_week
    oneway = week.streets[week.streets["oneway"]]
    assert len(oneway) > 0
    allowed = {tuple(e) for o in oneway["orientations"] for e in o}
    used = {(u, v) for run in week.runs for u, v, _ in run.edges}
    # No loop drives from the head of a one-way street to its tail where no street goes back.
    against = {(v, u) for u, v, _ in allowed if not area.graph.has_edge(v, u)}
    assert against and against.isdisjoint(used)
    assert all(area.graph.has_edge(u, v) for u, v in used)


@pytest.mark.slow
def test_too_few_runs_say_how_many_more_and_list_the_streets_left() -> None:
    area = load_area()
    settings = _settings(days=1, run_times=("06:30",), run_min=20, repeat_max=0)
    week = plan_campaign(area, week_of=WEEK, settings=settings)
    assert len(week.left) > 0
    assert week.more_runs >= 1
    assert (week.passes[list(week.left)] == 0).all()
    assert len(week.runs) == 1 and week.runs[0].duration_s <= 20 * 60


def test_arc_engine_serves_what_fits_and_reports_the_rest() -> None:
    between = np.array([[0, 10, 500], [10, 0, 500], [500, 500, 0]])
    near = ArcTask(options=((0, 1, 20), (1, 0, 20)), penalty=10_000)
    far = ArcTask(options=((2, 2, 50),), penalty=10_000)
    plan = solve_arcs(ArcProblem(between, 0, (near, far), (100,)))
    assert plan.left == (1,)
    assert plan.loops[0].duration_s <= 100


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"between_s": np.zeros((2, 3), dtype=np.int64)}, "square"),
        ({"depot": 5}, "depot"),
        ({"budgets_s": (0,)}, "budget"),
    ],
)
def test_arc_problem_refuses_bad_input(kwargs: dict[str, object], fragment: str) -> None:
    base: dict[str, object] = {
        "between_s": np.zeros((2, 2), dtype=np.int64),
        "depot": 0,
        "tasks": (ArcTask(((0, 1, 5),), 100),),
        "budgets_s": (60,),
    }
    with pytest.raises(ProblemFormatError, match=fragment):
        ArcProblem(**{**base, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "campaign", [{"run_times": ("6h30",)}, {"vehicle": "bicycle"}, {"speed_kmh": 0}]
)
def test_bad_campaign_settings_are_refused_by_name(campaign: dict[str, object]) -> None:
    with pytest.raises(SettingsError, match="campaign"):
        Settings().replace(campaign=campaign)


@pytest.mark.slow
def test_same_settings_give_the_same_week(motorbike_week) -> None:  # type: ignore[no-untyped-def]
    area, week = motorbike_week
    again = plan_campaign(area, week_of=WEEK, settings=_settings())
    assert [r.edges for r in again.runs] == [r.edges for r in week.runs]
