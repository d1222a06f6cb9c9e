"""The hotspot review page, opened by an analyst on the default area through AppTest."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop


def test_review_page_shows_the_review_and_its_notices(app_as: Callable[..., AppTest]) -> None:
    at = app_as("analyst", "review")
    assert at.title[0].value == "Rà soát điểm nóng"
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:5] == [
        "II. KẾT QUẢ TUẦN TRA, KIỂM SOÁT", "V. TUYÊN TRUYỀN LƯU ĐỘNG",
        "2. Khoảng trống tuần tra (ưu tiên)", "3. Kiến nghị", "4. Bản đồ",
    ]  # fmt: skip
    # A fresh ward saved no campaign week: one line says so, no empty table.
    said = [m.value for m in at.markdown]
    assert "Trong kỳ không có kế hoạch tuyên truyền lưu động nào được lưu." in said
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Vụ việc trong tháng"]) > 0
    # The hotspot map has a legend naming the classes it draws (the demo month has hot cells).
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    for text in ("Chú giải", "Điểm nóng"):  # written into the script as JSON strings
        assert json.dumps(text) in script or json.dumps(text)[1:-1] in script, text
    # A fresh ward has no approved plan: the review says so instead of showing no coverage.
    assert any("Không có kế hoạch tuần tra đã phê duyệt" in w.value for w in at.warning)
    # The report is made on request and offered as PDF, Word, HTML and XLSX downloads.
    at.button(key="review_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("download_button")) == 4
    # The month not yet over is said so, in Vietnamese.
    month = at.selectbox(key="review_month")
    month.set_value(month.options[0]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("chưa kết thúc" in w.value for w in at.warning)


@pytest.mark.slow
def test_review_page_shows_a_recorded_night_as_patrolled(
    app_as: Callable[..., AppTest], sample_plan_doc: dict, tracksynth
) -> None:
    from datetime import date

    from geodata.area import DEFAULT_AREA_NAME
    from geodata.tracks import read_track
    from patrol.store import plans, records
    from patrol.store.auth import Principal, Role

    boss = Principal(0, "chihuy", "chihuy", Role.COMMANDER, None)
    night = date(2026, 11, 23)
    ref = plans.save_plan(app_as.store, boss, sample_plan_doc, area=DEFAULT_AREA_NAME,
                          shift_date=night)  # fmt: skip
    plans.approve_plan(app_as.store, boss, ref.plan_id, expected_version=ref.version)
    gpx = tracksynth.gpx_10(tracksynth.track_points(sample_plan_doc, "T1"))
    records.add_record(app_as.store, boss, read_track(gpx.encode(), "t1.gpx"),
                       area=DEFAULT_AREA_NAME, bbox=(105.82683, 21.02329, 105.83901, 21.03035),
                       team="T1")  # fmt: skip
    at = app_as("analyst", "review")
    at.selectbox(key="review_month").set_value("2026-11").run()
    assert not at.exception, [e.value for e in at.exception]
    nights = next(t.value for t in at.dataframe if "Đêm" in t.value.columns)
    rows = {(r["Đêm"], r["Tổ"]): r for _, r in nights.iterrows()}
    assert rows[("23/11/2026", "Tổ 1")]["Số liệu hiện diện"] == "Thực tế (GPS)"
    assert rows[("23/11/2026", "Tổ 1")]["Lượt đã đến"] == "8"
    assert rows[("23/11/2026", "Tổ 2")]["Số liệu hiện diện"] == "Theo kế hoạch"
    assert any("Tuần tra 1 đêm" in m.value for m in at.markdown)
