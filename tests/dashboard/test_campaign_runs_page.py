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
