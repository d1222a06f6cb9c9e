"""Street coverage in Chromium: a campaign week, the people's patrol night and a key route.

A commander plans the week's loudspeaker runs, then the people's patrol teams' night with their
roster uploaded, then a night whose plan drives a key route end to end; each page draws its
loops on the ward's map. Offline: any request to another host fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from dashboard import serve

SHOTS = serve.ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]  # fmt: skip
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
ROSTER = Path(__file__).parents[1] / "data" / "people" / "to-tuan-tra-nhan-dan.csv"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/test.sh)"),
]


@pytest.fixture(scope="module")
def ward(ward_factory: Callable[[], Any]) -> Any:
    return ward_factory()


@pytest.fixture(scope="module")
def server(ward: Any) -> Iterator[str]:
    with serve.running(env={"PATROL_SETTINGS": str(ward.settings_path)},
                       log=ward.folder / "streamlit.log") as app:  # fmt: skip
        yield app.url


@pytest.fixture
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    urls: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
        tab = context.new_page()
        tab.on("request", lambda request: urls.append(request.url))
        tab.set_default_timeout(180_000)
        yield tab
        context.close()
        browser.close()
    away = [u for u in urls if urlparse(u).scheme not in ("data", "blob", "about")
            and urlparse(u).hostname not in {"localhost", "127.0.0.1", "::1"}]  # fmt: skip
    assert urls and away == []


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _loops_drawn(page: Any, at_least: int) -> int:
    """Wait for the map's vector paths (loops, groups) and return how many there are."""
    page.locator(MAP_FRAME).first.wait_for()
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.leaflet-interactive").nth(at_least - 1).wait_for(state="attached")
    return int(frame.locator("path.leaflet-interactive").count())


def test_campaign_week_peoples_patrol_and_key_route_on_the_map(
    server: str, ward: Any, page: Any
) -> None:
    account = ward.accounts["commander"]
    page.goto(server)
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu", exact=True).fill(account.password)
    if account.secret:
        page.get_by_label("Mã xác thực", exact=False).fill(ward.code("commander"))
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for()
    nav = page.get_by_test_id("stSidebarNav")
    # No main menu: its entries are Streamlit's own, in English only.
    assert page.get_by_test_id("stMainMenu").count() == 0

    nav.get_by_role("link", name="Tuyên truyền lưu động").click()
    page.get_by_role("heading", name="Tuyên truyền lưu động").first.wait_for()
    page.get_by_role("button", name="Lập lịch tuyên truyền").click()
    # While the week is planned, the top bar shows no English word (Streamlit's "Stop").
    page.wait_for_timeout(1500)
    shot(page, "40-campaign-planning")
    assert page.get_by_text("Stop", exact=True).count() == 0
    assert page.get_by_test_id("stStatusWidget").locator("button").count() == 0
    page.get_by_text("chuyến; đã đi qua").first.wait_for()
    assert _loops_drawn(page, 10) >= 10  # 18 residential areas and the week's runs
    shot(page, "40-campaign-week")

    nav.get_by_role("link", name="Tuần tra nhân dân").click()
    page.get_by_role("heading", name="Tuần tra nhân dân").first.wait_for()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(ROSTER)
    )
    page.get_by_role("button", name="Lập lộ trình").click()
    page.get_by_text("tổ tuần tra nhân dân").first.wait_for()
    assert _loops_drawn(page, 10) >= 10
    shot(page, "41-peoples-patrol-night")

    nav.get_by_role("link", name="Lập kế hoạch ca").click()
    page.get_by_role("heading", name="Lập kế hoạch ca").first.wait_for()
    routes = page.get_by_test_id("stMultiSelect").filter(has_text="Tuyến trọng điểm")
    routes.locator("input").click()
    page.keyboard.type("Phố Cát Linh")
    page.get_by_role("option", name="Phố Cát Linh", exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Lập kế hoạch", exact=True).click()
    page.get_by_text("Tuyến trọng điểm Phố Cát Linh: Tổ").first.wait_for()
    page.locator(MAP_FRAME).first.wait_for()
    page.frame_locator(MAP_FRAME).first.locator("path.route").first.wait_for(state="attached")
    shot(page, "42-plan-with-key-route")
