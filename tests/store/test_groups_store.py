"""The ward's residential groups in the store: replaced whole by a good file, kept by a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from geodata.area import Area, load_area
from patrol.cli import app
from patrol.store import auth
from patrol.store.audit import list_audit
from patrol.store.auth import Principal, Role
from patrol.store.db import Store, open_store
from patrol.store.groups import load_groups, upload_group_file
from patrolbase.errors import AccessDeniedError, InputFileError
from patrolbase.settings import Settings

GROUPS = Path(__file__).parents[1] / "data" / "groups"
PASSWORD = "mật khẩu đủ dài của chỉ huy"


@pytest.fixture(scope="module")
def area() -> Area:
    return load_area()


def _user(store: Store, name: str, role: Role) -> Principal:
    return auth.create_user(store, name, PASSWORD, role=role, with_totp=False).principal


def _rows(store: Store) -> list[tuple[object, ...]]:
    with store.transaction() as session:
        return [tuple(r) for r in session.execute(text("SELECT * FROM residential_groups"))]


@pytest.mark.slow
def test_a_good_file_replaces_the_groups_and_a_bad_one_changes_nothing(
    store: Store, area: Area, tmp_path: Path
) -> None:
    chief = _user(store, "chihuy", Role.COMMANDER)
    first = upload_group_file(
        store, chief, GROUPS / "to-dan-pho-duong.csv", area=area, source="10.0.0.2"
    )
    assert (first.rows, first.changed) == (3, 0)
    kept = load_groups(store, chief, area=area.name)
    assert kept is not None and kept.filename == "to-dan-pho-duong.csv" and kept.by == "chihuy"
    assert list(kept.frame["name"]) == ["Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 3"]
    assert set(kept.frame["streets"].iloc[2]) == {"Phố Hào Nam", "Phố Hàng Cháo"}
    assert kept.frame.crs.to_epsg() == 4326
    entry = list_audit(store, limit=1)[0]
    assert entry.action == "upload" and "groups" in entry.detail and "rows=3" in entry.detail
    before = _rows(store)

    bad = tmp_path / "to-dan-pho-sai.csv"
    bad.write_text("Tổ/khu dân cư,Tên đường\nTổ 1,Phố Không Có\nTổ 2,Phố Cát Linh\n", "utf-8")
    with pytest.raises(InputFileError) as caught:
        upload_group_file(store, chief, bad, area=area)
    assert caught.value.problems[0].row == 2
    assert _rows(store) == before
    refused = list_audit(store, limit=1)[0]
    assert refused.outcome == "fail" and "to-dan-pho-sai.csv" in refused.target

    second = upload_group_file(store, chief, GROUPS / "to-dan-pho.kml", area=area)
    assert (second.rows, second.changed) == (2, 3)
    kept = load_groups(store, chief, area=area.name)
    assert kept is not None and list(kept.frame["name"]) == ["Tổ dân phố số 1", "Tổ dân phố số 2"]
    assert "streets" not in kept.frame.columns


def test_a_patrol_leader_may_not_replace_the_groups(store: Store, area: Area) -> None:
    leader = _user(store, "totruong", Role.PATROL_LEADER)
    with pytest.raises(AccessDeniedError):
        upload_group_file(store, leader, GROUPS / "to-dan-pho.kml", area=area)
    assert _rows(store) == []


@pytest.mark.slow
def test_the_command_uses_the_stored_groups_without_groups_file(
    tmp_path: Path, area: Area, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    monkeypatch.setenv("PATROL_LANG", "vi")
    runner = CliRunner()
    # No store yet: the groups come from the map, and no store is made.
    result = runner.invoke(
        app, ["--settings", str(settings_file), "village-loops", "-o", str(tmp_path / "a")]
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "data").exists()
    assert "Tổ dân phố số" not in (tmp_path / "a" / "tuan-tra-nhan-dan.csv").read_text("utf-8-sig")

    store = open_store(Settings().replace(store={"data_dir": str(tmp_path / "data")}))
    try:
        chief = _user(store, "chihuy", Role.COMMANDER)
        upload_group_file(store, chief, GROUPS / "to-dan-pho-duong.csv", area=area)
    finally:
        store.close()
    result = runner.invoke(
        app, ["--settings", str(settings_file), "village-loops", "-o", str(tmp_path / "b")]
    )
    assert result.exit_code == 0, result.output
    table = (tmp_path / "b" / "tuan-tra-nhan-dan.csv").read_text("utf-8-sig")
    assert sorted(line.split(",")[0] for line in table.splitlines()[2:]) == [
        "Tổ dân phố số 1",
        "Tổ dân phố số 2",
        "Tổ dân phố số 3",
    ]
    # A file given on the command line comes first.
    result = runner.invoke(
        app,
        [
            "--settings",
            str(settings_file),
            "village-loops",
            "-o",
            str(tmp_path / "c"),
            "--groups",
            str(GROUPS / "to-dan-pho.kml"),
        ],
    )
    assert result.exit_code == 0, result.output
    table = (tmp_path / "c" / "tuan-tra-nhan-dan.csv").read_text("utf-8-sig")
    assert "Tổ dân phố số 3" not in table and "Tổ dân phố số 2" in table
