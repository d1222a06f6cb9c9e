"""End to end: ``patrol plan`` on the default area, then ``patrol export`` of its plan file only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import gpxpy
import pytest
from lxml import etree
from typer.testing import CliRunner

from patrol.cli import app
from patrol.export import read_plan

pytestmark = pytest.mark.slow


def test_plan_then_export_on_the_default_area(
    tmp_path: Path, data_dir: Path, streets: object
) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["plan", "--date", "2026-11-23", "-o", str(tmp_path / "plan"),
                               "--teams", "2", "--time-limit", "2", "--seed", "7"])  # fmt: skip
    assert made.exit_code == 0, made.output
    plan_file = tmp_path / "plan" / "plan.json"
    out = tmp_path / "exports"
    done = runner.invoke(app, ["export", str(plan_file), "-o", str(out)])
    assert done.exit_code == 0, done.output
    plan = read_plan(plan_file)
    assert plan.is_draft and plan.teams  # a fresh plan is a draft until approved
    assert plan.demo  # planned on generated incidents: every export says so
    parser = etree.XMLParser(no_network=True)
    schema = etree.XMLSchema(etree.parse(str(data_dir / "schemas" / "gpx-1.1.xsd"), parser))
    for route in plan.routes:
        (gpx_file,) = out.glob(f"*-{route.team.lower()}-nhap-minh-hoa.gpx")
        assert schema.validate(etree.parse(str(gpx_file), parser)), schema.error_log
        gpx = gpxpy.parse(gpx_file.read_text(encoding="utf-8"))
        track = gpx.tracks[0].segments[0].points
        assert len(track) > 10
        far = [
            d for p in track
            if (d := streets.distance_m(p.longitude, p.latitude)) > 3.0  # type: ignore[attr-defined]
        ]  # fmt: skip
        assert not far
        stops = [w for w in gpx.waypoints if w.type != "depot"]
        assert len(stops) == len(route.stops)
        assert gpx.name is not None and "[DỮ LIỆU MINH HỌA]" in gpx.name
        (pdf,) = out.glob(f"*-{route.team.lower()}-nhap-minh-hoa.pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        flat = " ".join(text.stdout.decode("utf-8").split())
        assert "BẢN NHÁP" in flat and route.depot.name in flat
        assert "DỮ LIỆU MINH HỌA - mức nguy cơ tính từ vụ việc giả lập" in flat


def test_export_checks_the_area_when_asked(
    sample_path: Path, tmp_path: Path, default_osm: Path
) -> None:
    runner = CliRunner()
    fine = runner.invoke(app, ["export", str(sample_path), "--area", str(default_osm), "-o",
                               str(tmp_path / "ok"), "-f", "geojson"])  # fmt: skip
    assert fine.exit_code == 0, fine.output
    other = default_osm.parent / "hcmc-cho-quan.osm.bz2"  # a ward of Hồ Chí Minh City
    refused = runner.invoke(app, ["export", str(sample_path), "--area", str(other), "-o",
                                  str(tmp_path / "no")])  # fmt: skip
    assert refused.exit_code == 2
    assert "không thuộc địa bàn" in refused.output and "nằm ngoài địa bàn" in refused.output
    assert not (tmp_path / "no").exists()
