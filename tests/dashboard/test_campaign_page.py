"""The loudspeaker campaign page, opened by a commander on the default area through AppTest."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow  # plans a week of runs (about 10 s)


def test_commander_plans_a_week_that_passes_every_street(app_as: Callable[..., AppTest]) -> None:
    at = app_as("commander", "campaign")
    assert at.title[0].value == "Tuyên truyền lưu động"
    assert any("Chưa có lịch" in i.value for i in at.info)
    at.date_input(key="campaign_week_of").set_value(date(2026, 12, 7))
    at.button(key="campaign_run").click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    week = at.session_state["campaign_result"]
    covered, total = int((week.passes > 0).sum()), len(week.passes)
    assert covered == total > 0
    (said,) = [s.value for s in at.success]
    assert f"đã đi qua {total}/{total} đoạn phố, ngõ" in said
    # The map draws the residential areas and every run; the table lists every run.
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    from patrol.export.campaign import run_label

    for name in ["Khu dân cư", *(run_label(r) for r in week.runs)]:  # written as JSON strings
        assert json.dumps(name)[1:-1] in script, name
    table = at.dataframe[0].value
    assert len(table) == len(week.runs)
    assert table.iloc[0]["Chuyến"] == "Ngày 07/12/2026, 06:30, xe 1"
    (download,) = at.get("download_button")
    assert download.proto.label.startswith("Tải các chuyến")


def test_a_patrol_leader_cannot_open_it(app_as: Callable[..., AppTest]) -> None:
    at = app_as("patrol_leader", "campaign")
    assert not at.title or at.title[0].value != "Tuyên truyền lưu động"
    assert "campaign_result" not in at.session_state
    assert any("không có quyền" in e.value for e in at.error)


def test_the_wards_uploaded_groups_are_the_weeks_groups(
    app_as: Callable[..., AppTest], inputs: Any
) -> None:
    from pathlib import Path

    from patrol.store.auth import Principal, Role
    from patrol.store.groups import upload_group_file

    table = Path(__file__).resolve().parents[1] / "data" / "groups" / "to-dan-pho-duong.csv"
    boss = Principal(0, "chihuy", "chihuy", Role.COMMANDER, None)
    upload_group_file(app_as.store, boss, table, area=inputs.area)  # type: ignore[attr-defined]
    at = app_as("commander", "campaign")
    at.date_input(key="campaign_week_of").set_value(date(2026, 12, 7))
    at.button(key="campaign_run").click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    week = at.session_state["campaign_result"]
    assert sorted(week.groups["name"]) == ["Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 3"]
    assert set(week.groups["source"]) == {"file"}
