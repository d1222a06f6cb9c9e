"""The campaign page stores the planned week and records each run's result (AppTest)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from patrol.store.audit import list_audit

pytestmark = pytest.mark.slow  # plans a week of runs (about 10 s)


def test_commander_saves_the_week_and_records_runs_made_and_not_made(
    app_as: Callable[..., AppTest],
) -> None:
    at = app_as("commander", "campaign")
    at.date_input(key="campaign_week_of").set_value(date(2026, 12, 7)).run()
    assert any("Chưa lưu chuyến nào của tuần này" in i.value for i in at.info)
    at.button(key="campaign_run").click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    week = at.session_state["campaign_result"]
    at.button(key="campaign_save").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    saved = [s.value for s in at.success if "Đã lưu kế hoạch tuần" in s.value]
    assert saved == [f"Đã lưu kế hoạch tuần từ 07/12/2026 (Xe máy): {len(week.runs)} chuyến theo "
                     "kế hoạch; giữ nguyên 0 chuyến đã ghi nhận kết quả."]  # fmt: skip
    table = at.dataframe[-1].value
    assert len(table) == len(week.runs)
    assert set(table["Kết quả"]) == {"theo kế hoạch, chưa ghi nhận"}
    # The first run made; the second not made needs a reason.
    at.selectbox(key="campaign_mark_run").set_value(0)
    at.radio(key="campaign_mark_status").set_value("made")
    at.button(key="campaign_mark").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.endswith("đã thực hiện") for s in at.success)
    assert at.dataframe[-1].value.iloc[0]["Kết quả"] == "đã thực hiện"
    at.selectbox(key="campaign_mark_run").set_value(1)
    at.radio(key="campaign_mark_status").set_value("not_made")
    at.button(key="campaign_mark").click().run()
    assert any("cần ghi lý do" in e.value for e in at.error)
    at.text_input(key="campaign_mark_reason").input("xe hỏng loa")
    at.button(key="campaign_mark").click().run()
    row = at.dataframe[-1].value.iloc[1]
    assert (row["Kết quả"], row["Lý do không thực hiện"]) == ("không thực hiện", "xe hỏng loa")
    store = app_as.store  # type: ignore[attr-defined]
    assert len(list_audit(store, action="campaign_save")) == 1
    marks = list_audit(store, action="campaign_mark")
    assert len(marks) == 2 and all(m.source.startswith("dashboard") for m in marks)


def test_the_review_page_counts_the_runs_made_last_month(app_as: Callable[..., AppTest]) -> None:
    from datetime import timedelta

    from geodata.area import load_area
    from geodata.campaign import plan_campaign
    from patrol.store.auth import Principal, Role
    from patrol.store.campaigns import mark_run, save_week
    from patrolbase.clock import ward_today

    first_of_month = ward_today().replace(day=1)
    previous = (first_of_month - timedelta(days=1)).replace(day=1)  # the page's default month
    monday = previous + timedelta(days=-previous.weekday() % 7)
    week = plan_campaign(load_area(mode="motorbike"), week_of=monday)
    store = app_as.store  # type: ignore[attr-defined]
    boss = Principal(0, "test-setup", "Chỉ huy", Role.COMMANDER, None)
    save_week(store, boss, week)
    for run in week.runs[:2]:
        mark_run(store, boss, area=week.area, day=run.day, start=run.start,
                 vehicle_no=run.vehicle_no, status="made")  # fmt: skip
    at = app_as("analyst", "review")
    assert not at.exception, [e.value for e in at.exception]
    assert "V. TUYÊN TRUYỀN LƯU ĐỘNG" in [s.value for s in at.subheader]
    (line,) = [m.value for m in at.markdown if "chuyến xe tuyên truyền lưu động" in m.value]
    assert (
        line.startswith(f"Kế hoạch có {len(week.runs)} chuyến") and "đã thực hiện 2 chuyến" in line
    )
    (table,) = [d.value for d in at.dataframe if "Khu dân cư" in d.value.columns]
    assert len(table) == week.streets["group_id"].nunique()
