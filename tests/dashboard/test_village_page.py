"""The people's patrol page, opened by a commander on the default area through AppTest."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow  # plans every group's loop and writes three teams' files

ROSTER = Path(__file__).parents[1] / "data" / "people" / "to-tuan-tra-nhan-dan.csv"


def test_commander_plans_the_teams_night_from_an_uploaded_roster(
    app_as: Callable[..., AppTest],
) -> None:
    at = app_as("commander", "village")
    assert at.title[0].value == "Tuần tra nhân dân"
    assert any("Chưa có lộ trình" in i.value for i in at.info)
    at.date_input(key="village_date").set_value(date(2026, 12, 7))
    at.file_uploader(key="village_roster").set_value(
        ("to-tuan-tra.csv", ROSTER.read_bytes(), "text/csv")
    )  # a form's values go with its button
    at.button(key="village_run").click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    night = at.session_state["village_result"]
    assert [n.team.leader.name for n in night.teams] == [
        "Trần Văn Bình",
        "Nguyễn Văn Long",
        "Vương Thị Sen",
    ]
    assert any("3 tổ tuần tra nhân dân" in s.value for s in at.success)
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    assert json.dumps(night.loops[0].group)[1:-1] in script
    table = at.dataframe[0].value
    assert len(table) == len(night.loops)
    assert "Vương Thị Sen" in set(table["Tổ trưởng"])
    names = zipfile.ZipFile(io.BytesIO(at.session_state["village_zip"])).namelist()
    for kind in ("txt", "pdf", "html", "gpx"):
        assert f"to-tuan-tra-nhan-dan-khu-dan-cu-so-10.{kind}" in names


def test_a_bad_roster_is_refused_with_its_rows(app_as: Callable[..., AppTest]) -> None:
    at = app_as("commander", "village")
    bad = ROSTER.read_text(encoding="utf-8").replace(",x,0987 654 321", ",,0987 654 321")
    at.file_uploader(key="village_roster").set_value(("sai.csv", bad.encode("utf-8"), "text/csv"))
    at.button(key="village_run").click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["village_result"] is None
    assert any("sai.csv" in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert set(problems["Cột"]) == {"Tổ trưởng"}


def test_a_patrol_leader_cannot_open_it(app_as: Callable[..., AppTest]) -> None:
    at = app_as("patrol_leader", "village")
    assert not at.title or at.title[0].value != "Tuần tra nhân dân"
    assert "village_result" not in at.session_state
