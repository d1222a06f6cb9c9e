"""Province mode: three wards' nights planned on a local Dask cluster, as each alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from patrol.province import WardNight, plan_province, plan_ward, write_province
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"
OSM = DATA / "osm"
# The Tân Định extract has no police post: the ward's survey names the one its teams leave from.
TAN_DINH = str(DATA / "province" / "tan-dinh-khao-sat.csv")
NIGHTS = [
    WardNight(None, "05/12/2026", teams=2),
    WardNight(str(OSM / "hcmc-cho-quan.osm.bz2"), "05/12/2026", teams=2),
    WardNight(str(OSM / "hcmc-tan-dinh.osm.bz2"), "05/12/2026", teams=2, facilities=TAN_DINH),
]


def _settings() -> Settings:
    # A small counted budget under a generous cap: each plan depends on its problem and seed
    # only, however busy the machine running the cluster and the suite is.
    routing = Settings().routing.model_copy(update={"time_limit_s": 300, "work_s": 0.5})
    return Settings().model_copy(update={"routing": routing})


def _loops(texts: dict[str, str]) -> list[list[tuple[str, int]]]:
    plan = json.loads(texts["plan.json"])
    return [[(s["site"], s["visit"]) for s in route["stops"]] for route in plan["routes"]]


def test_a_local_cluster_plans_three_wards_as_each_alone(tmp_path: Path) -> None:
    settings = _settings()
    on_cluster = plan_province(NIGHTS, settings=settings, workers=2)
    alone = [plan_ward(night, settings.model_dump_json()) for night in NIGHTS]

    assert [p.ward for p in on_cluster] == [p.ward for p in alone]
    assert len({p.ward for p in on_cluster}) == 3
    for cluster_plan, own in zip(on_cluster, alone, strict=True):
        loops = _loops(cluster_plan.files)
        assert loops and all(loops), cluster_plan.ward  # every team leaves and visits targets
        assert loops == _loops(own.files), cluster_plan.ward
        assert cluster_plan.files["summary.txt"] == own.files["summary.txt"]
        search = json.loads(cluster_plan.files["plan.json"])["search"]
        assert search["workers"] == 1 and search["stopped_by"] != "time"

    written = write_province(on_cluster, tmp_path)
    assert {p.parent.name for p in written} == {p.folder for p in on_cluster}
    assert {p.name for p in written} == {"problem.json", "plan.json", "summary.txt"}


def test_a_ward_refused_is_named_and_the_others_are_planned(tmp_path: Path) -> None:
    settings = _settings()
    without_post = WardNight(str(OSM / "hcmc-tan-dinh.osm.bz2"), "05/12/2026", teams=2)
    plans = plan_province([NIGHTS[1], without_post], settings=settings, workers=2)
    assert plans[0].error is None and _loops(plans[0].files)
    assert plans[1].files == {} and plans[1].error is not None
    assert "Công an phường" in plans[1].error  # the Vietnamese reason: name the police post
    written = write_province(plans, tmp_path)
    assert {p.parent.name for p in written} == {plans[0].folder}


def test_the_command_plans_the_wards_and_names_the_one_refused(tmp_path: Path) -> None:
    """Run as a user runs it (its own process): Dask's own English logs must not show."""
    import subprocess
    import sys

    extract = OSM / "hcmc-tan-dinh.osm.bz2"
    result = subprocess.run(
        [sys.executable, "-m", "patrol", "province-plan", "--date", "05/12/2026",
         "-o", str(tmp_path), "--teams", "1", "--default-area",
         "--area", f"{extract},{TAN_DINH}", "--area", str(extract)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    planned = sorted(p.name for p in tmp_path.iterdir())
    assert len(planned) == 2 and all((tmp_path / d / "plan.json").is_file() for d in planned)
    assert "chưa lập được kế hoạch" in result.stderr and "Công an phường" in result.stderr
    assert "INFO" not in result.stderr and "distributed" not in result.stderr, result.stderr


def test_the_command_without_wards_says_how_to_name_them(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from patrol.cli import app

    result = CliRunner().invoke(app, ["province-plan", "--date", "05/12/2026", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "hãy nêu các phường, xã bằng --area" in result.stderr
    assert not any(tmp_path.iterdir())
