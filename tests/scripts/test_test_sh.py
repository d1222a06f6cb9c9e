"""``scripts/test.sh`` under CI: a missing PostgreSQL, Chromium or poppler fails the run.

Each case runs the script's checks (``--check-tools``) with one thing broken on purpose: the
PostgreSQL programs pointed at a folder that does not exist, the browser at a path that does not
exist. Installing is turned off (``PATROL_TEST_INSTALL=0``), so nothing on the machine changes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.fixture
def tools(tmp_path: Path) -> dict[str, str]:
    """Environment where Chromium, poppler and the font are found (stand-ins), PostgreSQL not."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("chromium", "pdftoppm"):
        tool = bin_dir / name
        tool.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        tool.chmod(0o755)
    (tmp_path / "fonts").mkdir()
    return {
        "PATROL_CHROMIUM": str(bin_dir / "chromium"),
        "PATROL_PDFTOPPM": str(bin_dir / "pdftoppm"),
        "PATROL_FONT_DIR": str(tmp_path / "fonts"),
        "PATROL_PG_BIN": str(tmp_path / "no-postgresql" / "bin"),  # the broken path
        "PATROL_PG_DIR": str(tmp_path / "pg"),
        "PATROL_PG_PORT": "54391",
        "PATROL_TEST_INSTALL": "0",
    }


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"CI", "PATROL_TEST_PG_URL"}}
    return subprocess.run(
        ["bash", "scripts/test.sh", "--check-tools"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("ci", ["true", "1"])
def test_ci_fails_when_postgresql_cannot_start(tools: dict[str, str], ci: str) -> None:
    done = _run({**tools, "CI": ci})
    assert done.returncode == 1
    assert "CI: PostgreSQL could not be started" in done.stderr
    assert "chromium" not in done.stderr  # only what is really missing is named


def test_ci_fails_when_chromium_is_missing(tools: dict[str, str], tmp_path: Path) -> None:
    done = _run({**tools, "CI": "true", "PATROL_CHROMIUM": str(tmp_path / "nowhere" / "chromium")})
    assert done.returncode == 1
    assert "CI: missing chromium" in done.stderr and "PostgreSQL" in done.stderr


def test_ci_fails_when_poppler_is_missing(tools: dict[str, str], tmp_path: Path) -> None:
    done = _run({**tools, "CI": "true", "PATROL_PDFTOPPM": str(tmp_path / "nowhere" / "pdftoppm")})
    assert done.returncode == 1 and "CI: missing poppler-utils" in done.stderr


def test_outside_ci_the_same_gaps_only_warn(tools: dict[str, str], tmp_path: Path) -> None:
    done = _run({**tools, "PATROL_CHROMIUM": str(tmp_path / "nowhere" / "chromium")})
    assert done.returncode == 0, done.stderr
    assert "warning: missing chromium" in done.stderr
    assert "warning: PostgreSQL could not be started" in done.stderr


@pytest.mark.parametrize(("ci", "expected"), [("true", 1), ("", 0)])
@pytest.mark.slow
def test_a_pdf_test_skipped_for_want_of_poppler_fails_under_ci(ci: str, expected: int) -> None:
    """The suite's own guard: with poppler out of PATH the PDF test skips, or under CI fails."""
    venv_bin = str(Path(os.sys.executable).parent)
    clean = {k: v for k, v in os.environ.items() if k not in {"CI"}}
    done = subprocess.run(
        [os.sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/export/test_demo_label.py::test_pdf_says_demo_on_every_page"],
        cwd=ROOT, env={**clean, "CI": ci, "PATH": venv_bin}, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == expected, done.stdout[-1500:]
    if expected:  # a skip at setup becomes an error of the setup
        assert "CI: a required test was skipped (Skipped: poppler-utils" in done.stdout
    else:
        assert "1 skipped" in done.stdout
