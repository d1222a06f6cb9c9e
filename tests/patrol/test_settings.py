from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from geodata.shift import Shift, parse_clock, parse_date
from patrolbase.errors import SettingsError
from patrolbase.settings import Settings


def test_defaults_are_a_night_shift_with_the_high_risk_window() -> None:
    s = Settings()
    assert (s.shift.start, s.shift.end) == ("22:00", "05:00")
    assert (s.shift.high_risk_start, s.shift.high_risk_end) == ("01:00", "03:00")
    assert s.network.speeds_kmh["motorbike"]["residential"] > 0


def test_toml_overrides_and_names_bad_values(tmp_path: Path) -> None:
    good = tmp_path / "ok.toml"
    good.write_text("[routing]\ntime_limit_s = 20\n", encoding="utf-8")
    assert Settings.from_file(good).routing.time_limit_s == 20
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[routing]\ntime_limit_s = -1\n[network]\nsnap_speed_kmh = 0\n", encoding="utf-8"
    )
    with pytest.raises(SettingsError) as info:
        Settings.from_file(bad)
    text = str(info.value)
    assert "routing.time_limit_s" in text and "network.snap_speed_kmh" in text
    assert str(bad) in text
    vi = info.value.message_vi or ""
    assert "routing.time_limit_s = -1: phải lớn hơn 0" in vi and "0.0" not in vi
    assert "network.snap_speed_kmh" in vi and "giá trị cài đặt không hợp lệ" in vi


def test_settings_file_problems_end_the_command_in_vietnamese(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from patrol.cli import app

    runner = CliRunner()
    env = {"PATROL_LANG": "", "LC_ALL": "", "LANG": "C.UTF-8"}
    missing = runner.invoke(app, ["--settings", str(tmp_path / "no.toml"), "area"], env=env)
    assert missing.exit_code == 2 and "không có tệp cài đặt này" in missing.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[routing]\ntime_limit_s = "x"\ntypo = 1\n', encoding="utf-8")
    refused = runner.invoke(app, ["--settings", str(bad), "area"], env=env)
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert "routing.time_limit_s = 'x': phải là một số" in refused.stderr
    assert "routing.typo = 1: không có mục cài đặt này" in refused.stderr


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"routing\.colour"):
        Settings.from_dict({"routing": {"colour": "red"}})


def test_night_shift_counts_seconds_across_midnight() -> None:
    shift = Shift.parse("2026-11-23", "22:00-05:00", "01:00-03:00")
    assert shift.duration_s == 7 * 3600
    assert shift.high_risk_s == (10800, 18000)
    assert shift.at(10800).time() == time(1, 0)
    assert shift.at(10800).date() == date(2026, 11, 24)
    assert shift.label() == "23/11/2026 22:00-05:00"


@pytest.mark.parametrize(
    ("shift", "window", "fragment"),
    [
        ("22:00-22:00", "01:00-03:00", "must end after it starts"),
        ("22:00-05:00", "06:00-07:00", "outside the shift"),
        ("22:00-05:00", "01:00", "start-end"),
        ("25:00-05:00", "01:00-03:00", "00-23"),
    ],
)
def test_bad_shifts_name_the_problem(shift: str, window: str, fragment: str) -> None:
    with pytest.raises(SettingsError, match=fragment):
        Shift.parse("2026-11-23", shift, window)


def test_dates_need_a_year() -> None:
    assert parse_date("2026-11-23") == date(2026, 11, 23)
    with pytest.raises(SettingsError, match="year included"):
        parse_date("23/11")
    assert parse_clock("1h") == time(1, 0)
