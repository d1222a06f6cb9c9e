"""The hotspot review page, opened by an analyst on the default area through AppTest."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop


def test_review_page_shows_the_review_and_its_notices(app_as: Callable[..., AppTest]) -> None:
    at = app_as("analyst", "review")
    assert at.title[0].value == "Rà soát điểm nóng"
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:3] == [
        "2. Khoảng trống tuần tra (ưu tiên)", "3. Kiến nghị", "4. Bản đồ",
    ]  # fmt: skip
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Vụ việc trong tháng"]) > 0
    # A fresh ward has no approved plan: the review says so instead of showing no coverage.
    assert any("Không có kế hoạch tuần tra đã phê duyệt" in w.value for w in at.warning)
    # The report is made on request and offered as PDF, HTML and XLSX downloads.
    at.button(key="review_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("download_button")) == 3
    # The month not yet over is said so, in Vietnamese.
    month = at.selectbox(key="review_month")
    month.set_value(month.options[0]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("chưa kết thúc" in w.value for w in at.warning)
