"""``patrol export``: files, folders, zips from nothing but the plan file; clear errors."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from patrol.cli import app
from patrol.export import read_plan

runner = CliRunner()


def test_one_team_one_format(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "t2.kml"
    result = runner.invoke(
        app, ["export", str(sample_path), "--team", "T2", "--format", "kml", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"<?xml") and b"T2" in out.read_bytes()
    assert str(out) in result.output


def test_all_to_zip_and_publish_with_links(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.zip"
    pub = tmp_path / "private"
    result = runner.invoke(
        app,
        [
            "export",
            str(sample_path),
            "-o",
            str(out),
            "--publish",
            str(pub),
            "--base-url",
            "http://10.0.0.5:8765",
        ],
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        assert len(archive.namelist()) == 13
    plan = read_plan(sample_path)
    assert sorted(p.name for p in (pub / plan.plan_id / "v3").iterdir()) == ["t1", "t2"]
    links = [line.split("\t") for line in result.output.splitlines() if "\t" in line]
    assert [team for team, _ in links] == ["T1", "T2"]
    assert all(url.startswith("http://10.0.0.5:8765/r/v1.") for _, url in links)
    assert (pub / ".link-secret").stat().st_mode & 0o777 == 0o600
    # The published briefing carries the QR code of its team's link (one image on the page).
    (pdf,) = (pub / plan.plan_id / "v3" / "t2").glob("*.pdf")
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True)
    assert len(listed.stdout.decode().splitlines()) == 3


def test_bad_plan_exit_2_names_the_field(sample_path: Path, tmp_path: Path) -> None:
    doc = json.loads(sample_path.read_text(encoding="utf-8"))
    del doc["routes"][0]["path"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(app, ["export", str(bad), "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "routes[0].path" in result.output and "bad.json" in result.output
    assert not (tmp_path / "x").exists()
    result = runner.invoke(
        app, ["export", str(sample_path), "--team", "T9", "-o", str(tmp_path / "y")]
    )
    assert result.exit_code == 2 and "T9" in result.output
