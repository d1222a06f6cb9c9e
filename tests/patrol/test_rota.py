"""A week's rota on the real default area: its guarantee, its variety, and what falls short."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geodata.shift import Shift
from patrol.cli import app
from patrol.pipeline import Inputs, load_inputs
from patrol.rota import Rota, plan_week, rota_text
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow

FIRST = Shift.parse("2026-12-05", "22:00-05:00", "01:00-03:00")


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    """Load the default area with demonstration incidents up to 04/12/2026."""
    return load_inputs(demo_until=date(2026, 12, 4))


@pytest.fixture(scope="module")
def weeks(inputs: Inputs) -> dict[int, Rota]:
    """Plan the week from 05/12/2026 with three teams, for seeds 1 and 2."""
    return {
        seed: plan_week(inputs, FIRST, nights=7, n_teams=3, seed=seed, time_limit_s=2)
        for seed in (1, 2)
    }


def _window_nights(rota: Rota) -> dict[str, int]:
    """Nights each target that is top-level on some night is visited inside the window."""
    top = {
        s.id for n in rota.nights for s in n.problem.sites if s.extra["risk_level"] == "very_high"
    }
    got = dict.fromkeys(top, 0)
    for night in rota.nights:
        lo, hi = night.shift.high_risk_s
        seen = {s.site for r in night.plan.routes for s in r.stops if lo <= s.start <= hi}
        for site in top & seen:
            got[site] += 1
    return got


def test_every_top_level_target_gets_its_window_nights(weeks: dict[int, Rota]) -> None:
    k = Settings().cover.rota_window_nights
    for rota in weeks.values():
        assert len(rota.nights) == 7
        assert [n.shift.date.day for n in rota.nights] == list(range(5, 12))
        got = _window_nights(rota)
        assert len(got) >= 10
        assert {site: n for site, n in got.items() if n < k} == {}
        assert rota.shortfall == [] and rota.more_team_nights == 0
        high = {
            s.id
            for n in rota.nights
            for s in n.problem.sites
            if s.extra["risk_level"] == "high" and s.id not in got
        }
        visited = {s.site for n in rota.nights for r in n.plan.routes for s in r.stops}
        assert high and high <= visited


def test_two_seeds_give_different_weeks_of_near_equal_value(weeks: dict[int, Rota]) -> None:
    a, b = weeks[1], weeks[2]
    arrivals_a = {t: e["arrivals"] for t, e in a.targets.items()}
    arrivals_b = {t: e["arrivals"] for t, e in b.targets.items()}
    assert arrivals_a != arrivals_b
    value = [sum(n.metrics["coverage"]["risk_covered"] for n in w.nights) for w in (a, b)]
    assert abs(value[0] - value[1]) <= 0.03 * max(value)
    for rota in (a, b):
        # Consecutive nights share few stops (same target, same half hour) and no loop repeats.
        assert len(rota.overlap) == 6 and max(rota.overlap) < 0.6
        assert rota.repeated_loops == []
        for before, after in zip(rota.nights, rota.nights[1:], strict=False):
            loops = {r.team: [s.site for s in r.stops] for r in before.plan.routes}
            assert all([s.site for s in r.stops] != loops.get(r.team) for r in after.plan.routes)


def test_the_report_names_arrival_times_per_target(weeks: dict[int, Rota]) -> None:
    rota = weeks[1]
    text = rota_text(rota)
    assert "LỊCH TUẦN TRA 7 ĐÊM: 05/12/2026 – 11/12/2026" in text
    assert "Đạt cam kết với mọi mục tiêu." in text
    assert "DỮ LIỆU MINH HỌA" in text
    treasury = next(e for e in rota.targets.values() if e["name"] == "Kho bạc Nhà nước")
    assert all(times for times in treasury["arrivals"])
    for times in treasury["arrivals"]:
        assert all(len(t.split()) == 2 and t[2] == ":" for t in times)
        assert f"{treasury['name']} | rất cao | " in text
    assert "Mỗi ô: giờ đến và tổ (T1 = Tổ 1, T2 = Tổ 2, T3 = Tổ 3)." in text


def test_one_team_falls_short_and_says_by_how_much(inputs: Inputs) -> None:
    rota = plan_week(inputs, FIRST, nights=3, n_teams=1, seed=1, time_limit_s=2)
    assert rota.shortfall, "one team cannot put 16 top-level targets in the window 3 nights"
    got = _window_nights(rota)
    short = {s["site"] for s in rota.shortfall if s["level"] == "very_high"}
    assert short == {site for site, n in got.items() if n < 3}
    assert all(s["got"] == got[s["site"]] for s in rota.shortfall if s["site"] in got)
    assert rota.more_team_nights > 0
    text = rota_text(rota)
    assert f"cần thêm khoảng {rota.more_team_nights} lượt tổ-đêm" in text
    for s in rota.shortfall:
        assert s["name"] in text


def test_the_command_writes_a_folder_per_night_and_the_rota(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["plan", "--date", "2026-12-05", "--nights", "2", "--teams", "3", "--time-limit", "2",
         "-o", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "01-2026-12-05" / "plan.json").is_file()
    assert (tmp_path / "02-2026-12-06" / "summary.txt").is_file()
    report = json.loads((tmp_path / "rota.json").read_text(encoding="utf-8"))
    assert report["format"] == "patrol-rota/1" and len(report["nights"]) == 2
    assert "LỊCH TUẦN TRA 2 ĐÊM" in (tmp_path / "rota.txt").read_text(encoding="utf-8")
