"""``patrol campaign``: the week's files on the default area, and bad input in Vietnamese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from patrol.cli import app


@pytest.mark.slow
def test_campaign_writes_a_track_and_a_loop_per_run_and_the_week_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "s.toml"
    settings.write_text("[campaign]\nsolutions = 20\n", encoding="utf-8")
    monkeypatch.setenv("PATROL_LANG", "vi")
    result = CliRunner().invoke(
        app,
        [
            "--settings",
            str(settings),
            "campaign",
            "--week-of",
            "07/12/2026",
            "-o",
            str(tmp_path / "w"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "chuyến" in result.output
    table = (tmp_path / "w" / "tuan-tuyen-truyen.csv").read_text(encoding="utf-8-sig")
    assert "Khu dân cư" in table and "© OpenStreetMap" in table
    gpx = sorted((tmp_path / "w").glob("*.gpx"))
    assert gpx and gpx[0].name == "2026-12-07-0630-xe1.gpx"
    text = gpx[0].read_text(encoding="utf-8")
    assert "OpenStreetMap" in text and "<trkpt" in text and "href" not in text
    loop = json.loads(gpx[0].with_suffix(".geojson").read_text(encoding="utf-8"))
    line = loop["features"][0]["geometry"]["coordinates"]
    assert line[0] == line[-1]


def test_a_bad_week_start_is_refused_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    result = CliRunner().invoke(
        app, ["campaign", "--week-of", "13/2026", "-o", str(tmp_path / "w")]
    )
    assert result.exit_code == 2
    assert "dd/mm/yyyy" in result.output and "ngày đầu tuần" in result.output
    assert not (tmp_path / "w").exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["campaign", "--week-of", "07/12/2026", "--vehicles", "0"], "--vehicles"),
        (["village-loops", "--minutes", "5"], "--minutes"),
    ],
)
def test_bad_options_are_refused_in_vietnamese_and_write_nothing(
    args: list[str], fragment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "w")])
    assert result.exit_code == 2
    assert result.output.startswith("lỗi: ") and fragment in result.output
    assert not (tmp_path / "w").exists()


@pytest.mark.slow
def test_village_loops_write_one_loop_per_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    result = CliRunner().invoke(app, ["village-loops", "-o", str(tmp_path / "v")])
    assert result.exit_code == 0, result.output
    assert "khu dân cư đi hết" in result.output
    table = (tmp_path / "v" / "tuan-tra-nhan-dan.csv").read_text(encoding="utf-8-sig")
    assert "Khu dân cư số 1" in table and "© OpenStreetMap" in table
    assert len(list((tmp_path / "v").glob("*.gpx"))) == len(table.strip().splitlines()) - 2


def test_key_routes_write_one_loop_and_refuse_an_unknown_street(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    runner = CliRunner()
    bad = runner.invoke(app, ["key-routes", "--route", "Phố Cat Linh", "-o", str(tmp_path / "bad")])
    assert bad.exit_code == 2 and "có phải Phố Cát Linh" in bad.output
    assert not (tmp_path / "bad").exists()
    good = runner.invoke(
        app,
        [
            "key-routes",
            "--route",
            "Phố Tôn Đức Thắng",
            "--route",
            "Phố Cát Linh",
            "-o",
            str(tmp_path / "k"),
        ],
    )
    assert good.exit_code == 0, good.output
    assert "2 tuyến trọng điểm" in good.output
    assert "<trkpt" in (tmp_path / "k" / "tuyen-trong-diem.gpx").read_text(encoding="utf-8")


def test_an_overlapping_groups_file_is_refused_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    square = [[105.830, 21.025], [105.834, 21.025], [105.834, 21.028], [105.830, 21.028]]
    shifted = [[x + 0.001, y] for x, y in square]
    features = [
        {
            "type": "Feature",
            "properties": {"name": name},
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        }
        for name, ring in (("Tổ 1", square), ("Tổ 2", shifted))
    ]
    groups = tmp_path / "to.geojson"
    groups.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    result = CliRunner().invoke(
        app,
        ["campaign", "--week-of", "07/12/2026", "--groups", str(groups), "-o", str(tmp_path / "w")],
    )
    assert result.exit_code == 2
    assert "'Tổ 1' và 'Tổ 2' chồng lên nhau" in result.output
    assert not (tmp_path / "w").exists()


def test_a_street_table_naming_an_unknown_street_is_refused_with_the_close_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATROL_LANG", "vi")
    groups = tmp_path / "to-dan-pho.csv"
    groups.write_text("Tổ/khu dân cư,Tên đường\nTổ 1,Phố Cát Linh\nTổ 2,Phố Văn Mếu\n", "utf-8")
    result = CliRunner().invoke(
        app,
        ["campaign", "--week-of", "07/12/2026", "--groups", str(groups), "-o", str(tmp_path / "w")],
    )
    assert result.exit_code == 2
    assert "to-dan-pho.csv" in result.output and "có phải Phố Văn Miếu" in result.output
    assert not (tmp_path / "w").exists()
