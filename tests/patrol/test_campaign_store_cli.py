"""``patrol campaign --save``, ``campaign-done`` and ``campaign-runs`` on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from patrol.cli import app
from patrol.store.audit import list_audit, verify_chain
from patrol.store.db import open_store
from patrolbase.settings import Settings


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(
        f'[store]\ndata_dir = "{tmp_path / "data"}"\n\n[campaign]\nsolutions = 20\n',
        encoding="utf-8",
    )
    return path


def run(settings_file: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--settings", str(settings_file), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_save_a_week_then_mark_runs_made_and_not_made(
    settings_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    week = ["campaign", "--week-of", "07/12/2026", "-o", str(tmp_path / "w"), "--save"]
    code, out, err = run(settings_file, *week)
    assert code == 0, err
    saved = out.strip().splitlines()[-1]
    assert saved.startswith("Đã lưu kế hoạch tuần từ 07/12/2026 (Xe máy): ")
    planned = int(saved.split(": ")[1].split(" ")[0])
    assert planned >= 8
    code, out, err = run(settings_file, "campaign-done", "--date", "07/12/2026", "--slot", "06:30")
    assert code == 0, err
    assert out.strip() == "Ngày 07/12/2026, 06:30, xe 1 (Xe máy): đã thực hiện"
    args = ["campaign-done", "--date", "07/12/2026", "--slot", "19:00", "--status", "not-made"]
    code, out, err = run(settings_file, *args)
    assert code == 2 and "cần ghi lý do" in err
    code, out, err = run(settings_file, *args, "--reason", "mưa to")
    assert code == 0 and out.strip().endswith("không thực hiện (mưa to)"), err
    code, out, err = run(settings_file, "campaign-done", "--date", "07/12/2026", "--slot", "12:00")
    assert code == 2 and "Không có chuyến tuyên truyền đã lưu" in err
    # Saving the week again keeps the two marked runs and replaces the others.
    code, out, err = run(settings_file, *week)
    assert code == 0, err
    assert f"{planned - 2} chuyến theo kế hoạch; giữ nguyên 2 chuyến" in out
    code, out, err = run(settings_file, "campaign-runs", "--week-of", "07/12/2026")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == planned
    assert lines[0].endswith("đã thực hiện") and lines[1].endswith("không thực hiện (mưa to)")
    assert all(line.endswith("theo kế hoạch, chưa ghi nhận") for line in lines[2:])
    store = open_store(Settings.from_file(settings_file))
    try:
        assert len(list_audit(store, action="campaign_save")) == 2
        marks = list_audit(store, action="campaign_mark")
        assert len(marks) == 2 and all(m.source == "cli" for m in marks)
        assert verify_chain(store).ok
    finally:
        store.close()


def test_runs_of_a_week_never_saved_are_said_so(
    settings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    code, out, err = run(settings_file, "campaign-runs", "--week-of", "07/12/2026")
    assert code == 0, err
    assert out.strip() == "Chưa có chuyến tuyên truyền nào được lưu từ 07/12/2026 đến 13/12/2026."
