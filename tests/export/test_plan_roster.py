"""``patrol plan --from-store`` and ``--roster FILE``: the night's people in plan and briefing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from patrol.cli import app
from patrol.export import read_plan
from routing.model import PatrolPlan, PatrolProblem

PEOPLE = Path(__file__).parents[1] / "data" / "people"


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(f'[store]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    return path


def invoke(settings_file: Path, *args: str) -> tuple[int, str, str]:
    done = CliRunner().invoke(app, ["--settings", str(settings_file), *args])
    return done.exit_code, done.stdout, done.stderr


@pytest.mark.slow
def test_a_roster_with_a_double_booked_person_is_refused_naming_them(
    settings_file: Path, tmp_path: Path
) -> None:
    code, _, err = invoke(
        settings_file,
        "plan",
        "--date",
        "03/12/2026",
        "-o",
        str(tmp_path / "p"),
        "--roster",
        str(PEOPLE / "ca-truc-trung.csv"),
    )
    assert code == 2
    assert "Lê Văn Cường có tên ở hai tổ (Tổ 1 và Tổ 2; dòng 3, 5)" in err
    assert not (tmp_path / "p").exists()


@pytest.mark.slow
def test_plan_from_store_names_every_member_in_plan_and_briefing(
    settings_file: Path, tmp_path: Path, contract_errors: object
) -> None:
    code, _, err = invoke(settings_file, "people", "import", str(PEOPLE / "luc-luong.csv"))
    assert code == 0, err
    code, _, err = invoke(
        settings_file,
        "teams",
        "swap",
        "--date",
        "03/12/2026",
        "--out",
        "Trần Thị Bình",
        "--in",
        "Đỗ Văn Hải",
    )
    assert code == 0, err
    out = tmp_path / "night"
    code, _, err = invoke(
        settings_file,
        "plan",
        "--date",
        "03/12/2026",
        "--from-store",
        "--time-limit",
        "2",
        "--seed",
        "3",
        "-o",
        str(out),
    )
    assert code == 0, err
    document = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    plan = PatrolPlan.from_dict(document)  # still a valid patrol-plan/1 document
    problem = PatrolProblem.from_file(out / "problem.json")
    assert contract_errors(problem, plan) == []  # type: ignore[operator]
    crews = {r["team"]: r["people"] for r in document["routes"]}
    assert sorted(crews) == ["T1", "T2"]
    assert [(p["name"], p["phone"], p["leader"]) for p in crews["T1"]] == [
        ("Nguyễn Văn An", "0912 345 678", True),
        ("Đỗ Văn Hải", "0977 888 999", False),  # tonight instead of Trần Thị Bình
        ("Lê Văn Cường", "0934 111 222", False),
    ]
    assert [p["name"] for p in crews["T2"]] == ["Phạm Quốc Dũng", "Hoàng Văn Em", "Vũ Thị Giang"]
    assert {t["id"]: t["members"] for t in document_teams(out)} == {
        "T1": {"police": 2, "military": 1},
        "T2": {"police": 1, "military": 2},
    }
    code, _, err = invoke(
        settings_file,
        "export",
        str(out / "plan.json"),
        "-f",
        "pdf",
        "-o",
        str(tmp_path / "exports"),
    )
    assert code == 0, err
    exported = read_plan(out / "plan.json")
    assert exported.route("T1").member_lines() == [
        "Tổ trưởng: Nguyễn Văn An (Thượng úy, Công an phường) - ĐT 0912 345 678",
        "Đỗ Văn Hải (Thiếu úy, Công an phường) - ĐT 0977 888 999",
        "Lê Văn Cường (Trung đội trưởng, Ban Chỉ huy quân sự) - ĐT 0934 111 222",
    ]
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils missing: the briefing's text is not read")
    for team, people in crews.items():
        (pdf,) = (tmp_path / "exports").glob(f"*-{team.lower()}-nhap*.pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        flat = " ".join(text.stdout.decode("utf-8").split())
        for person in people:
            assert person["name"] in flat and person["phone"] in flat


def document_teams(out: Path) -> list[dict[str, object]]:
    return json.loads((out / "problem.json").read_text(encoding="utf-8"))["teams"]  # type: ignore[no-any-return]
