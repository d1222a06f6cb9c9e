"""The province review from the wards' own records: the store's log, labelled, for its users.

The embedded ward's incident log is in the store (an analyst's upload); Chợ Quán has none, so
the review generates demonstration incidents for it and says so in every file. A provincial
user runs it from the command line; a ward's user is refused the other ward by name.
"""

from __future__ import annotations

import csv
import stat
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geodata.area import DEFAULT_AREA_NAME, load_area
from geodata.incidents import generate_demo_incidents
from patrol.cli import app
from patrol.province_review import CLUSTERS_FILE, SUMMARY_FILE, review_province
from patrol.store import auth, repo
from patrol.store.auth import Role
from patrol.store.db import open_store
from patrolbase.errors import AccessDeniedError
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow

CHO_QUAN = Path(__file__).parents[1] / "data" / "osm" / "hcmc-cho-quan.osm.bz2"
PASSWORD = "một đêm dài ở Cát Linh"


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(f'[store]\ndata_dir = "{(tmp_path / "data").as_posix()}"\n', encoding="utf-8")
    return path


def _upload_log(settings: Settings) -> int:
    """Put the embedded ward's incident log in the store; return its November count."""
    area = load_area()
    log = generate_demo_incidents(
        area.facilities, area.bbox, start="2026-01-01", end="2026-11-30", seed=11
    )
    store = open_store(settings)
    analyst = auth.create_user(store, "phantich", PASSWORD, role=Role.ANALYST, area=None,
                               with_totp=False).principal  # fmt: skip
    repo.import_incidents(store, analyst, log, area=DEFAULT_AREA_NAME, filename="vu-viec.xlsx")
    store.close()
    return int(((log["time"] >= "2026-11-01") & (log["time"] < "2026-12-01")).sum())


def test_the_command_reviews_the_stored_log_and_labels_generated_incidents(
    settings_file: Path, tmp_path: Path
) -> None:
    november = _upload_log(Settings.from_file(settings_file))
    out = tmp_path / "tinh"
    result = CliRunner().invoke(
        app,
        ["--settings", str(settings_file), "province-review", "--month", "2026-11",
         "--default-area", "--area", str(CHO_QUAN), "-o", str(out)],
        env={"PATROL_LANG": "vi"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Đã tổng hợp 2 phường, xã" in result.output
    summary = (out / SUMMARY_FILE).read_text(encoding="utf-8")
    assert summary.startswith("TỔNG HỢP ĐIỂM NÓNG LIÊN PHƯỜNG, XÃ — kỳ 11/2026")
    # the stored log is the one reviewed (its November), and the two cities are two regions
    assert f"{DEFAULT_AREA_NAME}: {november} vụ việc trong kỳ" in summary
    assert f"Vùng 1: {DEFAULT_AREA_NAME}" in summary and "Vùng 2: Phường Chợ Quán" in summary
    # demonstration data is named: the stored log's own label, and Chợ Quán's generated log
    demo = "DỮ LIỆU MINH HỌA: vụ việc do phần mềm tạo cho"
    assert f"{demo} {DEFAULT_AREA_NAME}, Phường Chợ Quán" in summary
    with (out / CLUSTERS_FILE).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["cụm", "vùng", "phường xã"] and rows[0][-1] == "ghi chú"
    assert all(row[-1].startswith("DỮ LIỆU MINH HỌA") for row in rows[1:])
    for path in (out / SUMMARY_FILE, out / CLUSTERS_FILE):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700


def test_a_wards_user_is_refused_the_other_wards_by_name(settings_file: Path) -> None:
    settings = Settings.from_file(settings_file)
    _upload_log(settings)
    store = open_store(settings)
    commander = auth.create_user(store, "chihuy", PASSWORD, role=Role.COMMANDER,
                                 area=DEFAULT_AREA_NAME, with_totp=False).principal  # fmt: skip
    with pytest.raises(AccessDeniedError) as refused:
        review_province(
            store.for_ward(commander.ward_id), commander, [None, str(CHO_QUAN)],
            month=date(2026, 11, 1), settings=settings,
        )  # fmt: skip
    assert "không được xem hay sửa dữ liệu của Phường Chợ Quán" in refused.value.message_vi
    store.close()
