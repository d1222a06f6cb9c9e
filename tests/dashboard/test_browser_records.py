"""After the shift, in Chromium: a team's track uploaded, planned and actual shown, the review.

The sample plan is approved in the ward's store for the night of 23/11/2026; the commander
opens the plan page for that night, uploads Tổ 1's GPS track (GPX as OsmAnd writes it), sees the
planned loop beside the actual track with each stop's result, then the review of 11/2026 shows
the night as patrolled. Offline: any request to another host fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from dashboard import serve
from geodata.area import DEFAULT_AREA_NAME
from patrol.store import plans
from patrol.store.auth import Principal, Role

SHOTS = serve.ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]  # fmt: skip
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
NIGHT = date(2026, 11, 23)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/test.sh)"),
]


@pytest.fixture(scope="module")
def ward(ward_factory: Callable[[], Any], sample_plan_doc: dict) -> Any:
    """Give a ward whose store holds the sample plan approved for 23/11/2026."""
    made = ward_factory()
    boss = Principal(0, "chihuy", "chihuy", Role.COMMANDER, None)
    ref = plans.save_plan(made.store, boss, sample_plan_doc, area=DEFAULT_AREA_NAME,
                          shift_date=NIGHT)  # fmt: skip
    plans.approve_plan(made.store, boss, ref.plan_id, expected_version=ref.version)
    return made


@pytest.fixture(scope="module")
def server(ward: Any) -> Iterator[str]:
    with serve.running(env={"PATROL_SETTINGS": str(ward.settings_path)},
                       log=ward.folder / "streamlit.log") as app:  # fmt: skip
        yield app.url


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    urls: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
        tab = context.new_page()
        tab.on("request", lambda request: urls.append(request.url))
        tab.set_default_timeout(120_000)
        yield tab
        context.close()
        browser.close()
    away = [u for u in urls if urlparse(u).scheme not in ("data", "blob", "about")
            and urlparse(u).hostname not in {"localhost", "127.0.0.1", "::1"}]  # fmt: skip
    assert urls and away == []


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_track_upload_then_planned_and_actual_then_the_review(
    server: str, ward: Any, page: Any, tmp_path: Path, sample_plan_doc: dict, tracksynth
) -> None:
    skip = frozenset({("osm-node-724829388", 0)})
    track = tmp_path / "to1-osmand.gpx"
    track.write_text(tracksynth.gpx_with_gpxpy(
        tracksynth.track_points(sample_plan_doc, "T1", skip=skip)), encoding="utf-8")  # fmt: skip
    account = ward.accounts["commander"]
    page.goto(server)
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu", exact=True).fill(account.password)
    if account.secret:
        page.get_by_label("Mã xác thực", exact=False).fill(ward.code("commander"))
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for()
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Lập kế hoạch ca").click()
    page.get_by_role("heading", name="Lập kế hoạch ca").first.wait_for()
    for part, value in (("day", "23"), ("month", "11"), ("year", "2026")):
        page.get_by_role("spinbutton", name=f"{part}, Ngày trực").click()
        page.keyboard.type(value)
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Lập kế hoạch ca").first.click()  # leave the field: applied
    page.get_by_text("Đối chiếu với kế hoạch số").wait_for()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').last.set_input_files(
        str(track)
    )
    page.get_by_role("button", name="Nạp và đối chiếu").click()
    page.get_by_text("đến 7/8 lượt theo kế hoạch").first.wait_for()
    # two maps side by side: the planned loop, and the track with each stop's result
    page.locator(MAP_FRAME).nth(1).wait_for()
    planned = page.frame_locator(MAP_FRAME).nth(0)
    actual = page.frame_locator(MAP_FRAME).nth(1)
    planned.locator("path.route").first.wait_for(state="attached")
    actual.locator("path.record-track").first.wait_for(state="attached")
    assert actual.locator(".record-missed").count() == 1
    assert actual.locator(".record-visited").count() == 7
    page.locator(MAP_FRAME).nth(1).scroll_into_view_if_needed()
    shot(page, "30-record-planned-actual")
    nav.get_by_role("link", name="Rà soát điểm nóng").click()
    page.get_by_role("heading", name="Rà soát điểm nóng").first.wait_for()
    page.get_by_text("Đối chiếu lộ trình GPS của 1 lượt tổ").wait_for()
    body = page.inner_text("body")
    assert "Tuần tra 1 đêm" in body and "đã đến 7/8 lượt kiểm tra" in body
    page.get_by_text("II. KẾT QUẢ TUẦN TRA, KIỂM SOÁT").scroll_into_view_if_needed()
    shot(page, "31-review-night-patrolled")
