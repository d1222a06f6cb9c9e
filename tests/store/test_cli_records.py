"""``patrol records add|list`` on a real store with the sample plan approved for its night."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geodata.area import DEFAULT_AREA_NAME
from patrol.cli import app
from patrol.store import auth, plans
from patrol.store.auth import Role
from patrol.store.db import open_store
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # a store, tracks matched: seconds per test


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    return path


def run(settings_file: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--settings", str(settings_file), *args])
    return result.exit_code, result.stdout, result.stderr


def test_add_and_list_records_of_a_night(
    settings_file: Path, tmp_path: Path, sample_plan_doc: dict, tracksynth
) -> None:
    store = open_store(Settings.from_file(settings_file))
    try:
        boss = auth.create_user(
            store, "chihuy", "một đêm dài ở Cát Linh", role=Role.COMMANDER, with_totp=False
        ).principal
        ref = plans.save_plan(
            store, boss, sample_plan_doc, area=DEFAULT_AREA_NAME, shift_date=date(2026, 11, 23)
        )
        plans.approve_plan(store, boss, ref.plan_id, expected_version=ref.version)
    finally:
        store.close()
    late = tmp_path / "to1.gpx"
    late.write_text(
        tracksynth.gpx_10(tracksynth.track_points(sample_plan_doc, "T1", late_from=6, delay_s=1800))
    )
    code, out, err = run(settings_file, "records", "add", str(late), "--team", "Tổ 1")
    assert code == 0, err
    assert "Tổ 1, đêm 23/11/2026: đến 8/8 lượt theo kế hoạch (2 lượt muộn)" in out
    broken = tmp_path / "to2.gpx"
    broken.write_text(late.read_text()[:5000])
    code, out, err = run(settings_file, "records", "add", str(broken), "--team", "T2")
    assert code == 2 and "to2.gpx" in err and "không đọc được" in err
    code, out, err = run(settings_file, "records", "list", "--night", "23/11/2026")
    assert code == 0, err
    assert out.count("Tổ ") == 1 and "Đến muộn" in out and "Đã đến đúng giờ" in out
