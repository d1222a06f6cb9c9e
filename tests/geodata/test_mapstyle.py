"""Map colours, stop badges, arrows and the legend's content (``geodata.mapstyle``)."""

from __future__ import annotations

import math
from itertools import combinations

import pytest

from geodata.mapstyle import (
    CELL_RAMP,
    HOTSPOT_COLOURS,
    MIN_RISK_DISTANCE,
    MIN_TEAM_DISTANCE,
    NO_RISK_COLOUR,
    RISK_COLOURS,
    TEAM_COLOURS,
    delta_e2000,
    delta_e2000_lab,
    legend_entries,
    route_arrows,
    simulate_colour_blindness,
    stop_badges,
    team_style,
)
from routing.model import PatrolPlan, Route, Stop

# Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 13, 17, 25 and 34 with their ΔE00.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0011), 7.2195),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_the_published_pairs(lab1, lab2, expected) -> None:  # type: ignore[no-untyped-def]
    assert delta_e2000_lab(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e2000_lab(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_team_colours_cannot_be_taken_for_a_risk_level() -> None:
    for team in TEAM_COLOURS:
        for other in (*RISK_COLOURS.values(), NO_RISK_COLOUR, *CELL_RAMP):
            assert delta_e2000(team, other) >= MIN_RISK_DISTANCE, (team, other)
    for a, b in combinations(TEAM_COLOURS, 2):
        assert delta_e2000(a, b) >= MIN_TEAM_DISTANCE, (a, b)
        for kind in ("protan", "deutan"):
            seen_a = simulate_colour_blindness(a, kind)
            seen_b = simulate_colour_blindness(b, kind)
            assert delta_e2000(seen_a, seen_b) >= MIN_TEAM_DISTANCE, (a, b, kind)
    # a fifth team repeats the first colour, dashed: still told apart
    assert team_style(4).colour == team_style(0).colour and team_style(4).dash


def _plan() -> PatrolPlan:
    a = {"name": "Vietcombank", "kind": "bank", "lat": 21.0285, "lon": 105.8320}
    b = {"name": "Tiệm vàng", "kind": "gold_shop", "lat": 21.0290, "lon": 105.8330}
    stops = (
        Stop("a", 0, 1, 100, 100, 400, a),
        Stop("b", 0, 2, 500, 500, 800, b),
        Stop("a", 1, 1, 900, 950, 1200, a),
    )
    other = (Stop("b", 1, 2, 300, 300, 600, b),)
    return PatrolPlan(
        "p",
        1.0,
        10,
        (Route("T1", 0, 2000, 10, stops, {}), Route("T2", 0, 2000, 10, other, {})),
        (),
    )


def test_one_badge_per_site_and_team_lists_its_visits() -> None:
    badges = stop_badges(_plan())
    assert [(b.team, b.site, b.label) for b in badges] == [
        ("T1", "a", "1 · 3"),
        ("T1", "b", "2"),
        ("T2", "b", "1"),
    ]
    assert badges[0].stops == ((100, 100, 400), (900, 950, 1200))
    assert [b.team_index for b in stop_badges(_plan(), team_order=["T2", "T1"])] == [1, 1, 0]


def test_arrows_point_the_way_the_team_drives() -> None:
    east = [[105.830, 21.028], [105.840, 21.028]]  # about 1 km due east
    arrows = route_arrows(east, every_m=200)
    assert len(arrows) == 5
    assert all(a.angle_deg == pytest.approx(0.0, abs=0.1) for a in arrows)
    north = route_arrows([[105.83, 21.02], [105.83, 21.03]], every_m=300)
    assert all(a.angle_deg == pytest.approx(-90.0, abs=0.1) for a in north)  # CSS: up
    diagonal = route_arrows([[105.83, 21.03], [105.84, 21.02]], every_m=500)
    assert all(0 < a.angle_deg < 90 for a in diagonal)  # down and to the right on screen
    assert all(math.isfinite(a.lat) and math.isfinite(a.lon) for a in diagonal)


def test_legend_lists_what_the_map_draws() -> None:
    legend = legend_entries(levels=["low", "very_high", None], depots=True, teams=["T2"],
                            team_order=["T1", "T2"])  # fmt: skip
    assert [level for level, _ in legend.risk_levels] == [*RISK_COLOURS, "unknown"]
    assert legend.teams == (("T2", team_style(1)),)
    assert legend.cells == () and legend.depots
    assert legend_entries().risk_levels == ()
    # The review's hotspot map: only the classes drawn, in the report's colours.
    hot = legend_entries(hotspot_classes=iter(["hot", "hot"]))
    assert hot.hotspots == (("hot", HOTSPOT_COLOURS["hot"]),) and hot.risk_levels == ()
