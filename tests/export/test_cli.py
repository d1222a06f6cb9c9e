"""``patrol export``: files, folders, zips from nothing but the plan file; clear errors."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from patrol.cli import app
from patrol.export import read_plan

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

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


def test_serve_exports_command_serves_signed_links_only(sample_path: Path, tmp_path: Path) -> None:
    import sys
    import urllib.error
    import urllib.request

    pub = tmp_path / "private"
    made = runner.invoke(
        app,
        [
            "export",
            str(sample_path),
            "-o",
            str(tmp_path / "x.zip"),
            "-f",
            "gpx",
            "--publish",
            str(pub),
            "--base-url",
            "http://127.0.0.1:1",
        ],
    )
    assert made.exit_code == 0, made.output
    command = [sys.executable, "-m", "patrol", "serve-exports", "--root", str(pub), "--host",
               "127.0.0.1", "--port", "0"]  # fmt: skip
    # The real command, as the ward's machine runs it; stopped by its own handle below.
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline().rsplit(":", 1)[1])
            token = next(x for x in made.output.split() if "/r/v1." in x).split("/r/")[1]
            url = f"http://127.0.0.1:{port}/r/{token}"
            try:
                with urllib.request.urlopen(f"{url}/gpx", timeout=5) as answer:
                    status, body = answer.status, answer.read()
            except urllib.error.HTTPError as exc:  # the sample shift is over by the wall clock
                exc.close()
                status, body = exc.code, b""
            # Valid until the shift ends (24/11/2026 05:00 ward time), refused after: either way
            # the server checked the token against this machine's clock.
            assert (status, body[:5]) in ((200, b"<?xml"), (403, b""))
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{url[:-4]}AAAA/gpx", timeout=5)
            assert refused.value.code == 403
            refused.value.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_errors_in_vietnamese_for_a_vietnamese_user(sample_path: Path, tmp_path: Path) -> None:
    args = ["export", str(sample_path), "--team", "T9", "-o", str(tmp_path / "x")]
    vi = runner.invoke(app, args, env={"PATROL_LANG": "vi"})
    assert vi.exit_code == 2
    assert "lỗi: " in vi.output and "kế hoạch không có tổ 'T9'" in vi.output
    assert "is not in the plan" not in vi.output
    en = runner.invoke(app, args, env={"PATROL_LANG": "", "LC_ALL": "", "LANG": "en_US.UTF-8"})
    assert en.exit_code == 2 and "error: " in en.output and "is not in the plan" in en.output
    by_locale = runner.invoke(app, args, env={"PATROL_LANG": "", "LC_ALL": "vi_VN.UTF-8"})
    assert "lỗi: " in by_locale.output
    # A server's C locale names no language: its users read Vietnamese.
    server = runner.invoke(app, args, env={"PATROL_LANG": "", "LC_ALL": "", "LANG": "C.UTF-8"})
    assert "lỗi: " in server.output and "is not in the plan" not in server.output
