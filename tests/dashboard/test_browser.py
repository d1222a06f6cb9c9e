"""The dashboard in a real browser: Debian's Chromium driven by Playwright, offline.

The test starts ``streamlit run dashboard/app.py`` on a free local port and stops it at the end.
Every request the browser makes is recorded; any host but this machine fails the test. A
screenshot of each step goes to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from dashboard import serve

ROOT = serve.ROOT
SHOTS = ROOT / "test-artifacts" / "screenshots"
TABLES = ROOT / "tests" / "data" / "tables"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]  # fmt: skip
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/test.sh)"),
]


def outside(urls: list[str]) -> list[str]:
    """Requests that left this machine (data: and blob: URLs never do)."""
    bad = []
    for url in urls:
        parts = urlparse(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.hostname not in LOCAL_HOSTS:
            bad.append(url)
    return bad


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("dashboard")
    settings = tmp / "settings.toml"
    settings.write_text("[routing]\ntime_limit_s = 3\n", encoding="utf-8")
    with serve.running(env={"PATROL_SETTINGS": str(settings)}, log=tmp / "streamlit.log") as app:
        yield app.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def requests_made() -> Iterator[list[str]]:
    urls: list[str] = []
    yield urls
    assert urls, "no request was recorded"
    assert outside(urls) == [], "the browser reached outside this machine"


@pytest.fixture()
def page(browser: Any, requests_made: list[str]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    tab = context.new_page()
    tab.on("request", lambda request: requests_made.append(request.url))
    tab.set_default_timeout(90_000)
    yield tab
    assert outside(requests_made) == []
    context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_for_map(page: Any, selector: str = "path.facility") -> Any:
    """The map's frame once ``selector`` is drawn in it (SVG may be thin: wait for attached)."""
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(selector).first.wait_for(state="attached")
    return frame


def test_map_renders_offline_with_streets_and_sites(server: str, page: Any) -> None:
    page.goto(server)
    frame = wait_for_map(page)
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 400  # not a blank map
    paths = frame.locator(".leaflet-overlay-pane path")
    assert paths.count() > 1000  # streets, buildings, land use, boundary, cells, sites
    sites = frame.locator("path.facility")
    metric = page.get_by_test_id("stMetricValue").first.inner_text()
    assert sites.count() == int(metric.replace(".", ""))
    assert frame.locator("path.incident-cell").count() > 10
    assert frame.locator(".depot").count() >= 1
    street = paths.nth(paths.count() // 2).bounding_box()
    assert street is not None
    assert (
        "OpenStreetMap contributors" in frame.locator(".leaflet-control-attribution").inner_text()
    )
    assert "Dữ liệu minh họa" in page.inner_text("body")
    shot(page, "01-map")
    sites.nth(0).click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Mức độ nguy cơ" in popup.inner_text()
    shot(page, "02-map-popup")


def test_language_switch(server: str, page: Any) -> None:
    page.goto(server)
    wait_for_map(page)
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Map").wait_for()
    assert "Demonstration data" in page.inner_text("body")
    page.get_by_role("heading", name="Sites by kind").wait_for()  # the page has re-run
    frame = wait_for_map(page)
    assert frame.locator(".leaflet-control-layers").count() == 1
    assert page.get_by_role("radio", name="50 m grid cells").is_checked()  # choice kept
    shot(page, "03-map-english")
    page.get_by_text("Tiếng Việt", exact=True).click()
    page.get_by_role("heading", name="Bản đồ").wait_for()


def test_plan_a_shift_draws_the_loops(server: str, page: Any) -> None:
    page.goto(f"{server}/plan")
    page.get_by_role("heading", name="Lập kế hoạch ca").wait_for()
    page.get_by_role("button", name="Lập kế hoạch", exact=True).click()
    frame = wait_for_map(page, "path.route")
    routes = frame.locator("path.route").count()
    stops = frame.locator(".stop-number").count()
    assert 1 <= routes <= 3 and stops >= routes
    body = page.inner_text("body")
    assert "Chỉ tiêu kế hoạch" in body and "Lượt kiểm tra" in body
    shot(page, "04-plan")
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    frame.locator(".stop-number").first.hover(force=True)
    shot(page, "05-plan-loops")


def test_bad_upload_shows_every_problem(server: str, page: Any) -> None:
    page.goto(f"{server}/data")
    page.get_by_role("heading", name="Dữ liệu").first.wait_for()
    page.get_by_role("tab", name="Danh sách mục tiêu (khảo sát)").click()
    panel = page.get_by_role("tabpanel", name="Danh sách mục tiêu (khảo sát)")
    panel.locator('input[type="file"]').set_input_files(str(TABLES / "survey-bad-cash.csv"))
    panel.get_by_text("survey-bad-cash.csv có 1 lỗi").wait_for()
    grid = panel.get_by_test_id("stDataFrame").first
    grid.wait_for()
    shot(page, "06-bad-upload")
    assert "chưa lưu dữ liệu nào" in page.inner_text("body")


def test_click_on_the_map_adds_an_incident(server: str, page: Any) -> None:
    page.goto(server)
    frame = wait_for_map(page)
    before = int(page.get_by_test_id("stMetricValue").nth(1).inner_text().replace(".", ""))
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Vụ việc", exact=True).click()  # what a click on the map adds
    page.wait_for_timeout(1500)  # the page re-runs with the new choice
    frame = wait_for_map(page)
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None  # a point near the centre lies inside the area
    centre = {"x": box["width"] / 2 + 15, "y": box["height"] / 2 + 15}
    frame.locator(".leaflet-container").click(position=centre)
    page.get_by_text("Vị trí đã chọn").wait_for()
    page.get_by_role("button", name="Thêm").click()
    page.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.replace('.', '') == String(n))",
        arg=before + 1,
    )
    page.get_by_text("Vị trí đã chọn").wait_for(state="detached")  # not offered twice
    shot(page, "07-incident-added")
