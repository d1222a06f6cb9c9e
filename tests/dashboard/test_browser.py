"""The dashboard in a real browser: Debian's Chromium driven by Playwright, offline.

The test starts ``streamlit run dashboard/app.py`` on a free local port and stops it at the end.
Every request the browser makes is recorded; any host but this machine fails the test. A
screenshot of each step goes to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from dashboard import serve
from patrol.store import auth

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
    """Return the requests that left this machine (data: and blob: URLs never do)."""
    bad = []
    for url in urls:
        parts = urlparse(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.hostname not in LOCAL_HOSTS:
            bad.append(url)
    return bad


@pytest.fixture(scope="module")
def ward(ward_factory: Callable[[], Any]) -> Any:
    """Give the store the server uses: one account per role (``conftest.Ward``)."""
    return ward_factory()


@pytest.fixture(scope="module")
def server(ward: Any) -> Iterator[str]:
    settings = ward.folder / "browser-settings.toml"
    settings.write_text(
        ward.settings_path.read_text(encoding="utf-8") + "\n[routing]\ntime_limit_s = 3\n",
        encoding="utf-8",
    )
    env = {"PATROL_SETTINGS": str(settings)}
    with serve.running(env=env, log=ward.folder / "streamlit.log") as app:
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


def login(page: Any, server: str, ward: Any, role: str = "commander") -> None:
    """Open the dashboard and log in through its form as the role's account."""
    account = ward.accounts[role]
    page.goto(server)
    page.get_by_text(auth.LOGIN_BANNER_VI[:60]).wait_for()
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu", exact=True).fill(account.password)
    if account.secret:
        page.get_by_label("Mã xác thực", exact=False).fill(ward.code(role))
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for()


def open_page(page: Any, title: str) -> None:
    """Go to a page through the sidebar menu (a reload would start a new, logged-out session)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for()


def wait_for_map(page: Any, selector: str = "path.facility") -> Any:
    """Return the map's frame once ``selector`` is drawn (SVG may be thin: wait for attached).

    While a page re-runs, the map it replaces may linger a moment (an iframe of width -1).
    """
    page.wait_for_function(
        "sel => ![...document.querySelectorAll(sel)].some(f => f.getAttribute('width') == '-1')",
        arg=MAP_FRAME,
    )
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(selector).first.wait_for(state="attached")
    return frame


def test_login_page_warns_and_refuses_a_wrong_password(server: str, ward: Any, page: Any) -> None:
    page.goto(server)
    page.get_by_text(auth.LOGIN_BANNER_VI[:60]).wait_for()
    page.get_by_label("Tên đăng nhập").wait_for()
    assert not page.get_by_test_id("stSidebarNav").count()  # no page before login
    shot(page, "00-login")
    page.get_by_label("Tên đăng nhập").fill("phantich")
    page.get_by_label("Mật khẩu", exact=True).fill("không đúng mật khẩu")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Sai tên đăng nhập, mật khẩu hoặc mã xác thực.").wait_for()
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).first.click()
    page.get_by_text(auth.LOGIN_BANNER_EN[:60]).wait_for()


def test_patrol_leader_sees_only_the_routes_and_logs_out(server: str, ward: Any, page: Any) -> None:
    login(page, server, ward, "patrol_leader")
    nav = page.get_by_test_id("stSidebarNav")
    links = [link.inner_text().split("\n")[-1] for link in nav.get_by_role("link").all()]
    assert links == ["Lộ trình", "Cài đặt", "Hướng dẫn"]
    assert "Tổ trưởng tuần tra" in page.get_by_test_id("stSidebar").inner_text()
    shot(page, "00-patrol-leader")
    # (A page's address typed by hand is refused on the server: tests/dashboard/test_access.py.)
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_text("Đã đăng xuất.").wait_for()


@pytest.mark.parametrize("address", ["plan", "routes?plan=1&team=T2", "audit", "users", "data"])
def test_an_address_typed_by_hand_shows_only_the_login(
    server: str, page: Any, address: str
) -> None:
    page.goto(f"{server}/{address}")
    page.get_by_label("Tên đăng nhập").wait_for()
    page.wait_for_timeout(1000)  # time for anything else to be drawn
    assert not page.get_by_test_id("stSidebarNav").count()
    assert not page.get_by_role("button", name="Đăng xuất").count()
    body = page.inner_text("body")
    assert auth.LOGIN_BANNER_VI[:60] in body
    for title in ("Lập kế hoạch ca", "Lộ trình", "Nhật ký hệ thống", "Người dùng", "Dữ liệu"):
        assert not page.get_by_role("heading", name=title).count(), title


def test_map_renders_offline_with_streets_and_sites(server: str, ward: Any, page: Any) -> None:
    login(page, server, ward)
    frame = wait_for_map(page)
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 400  # not a blank map
    # Streets, buildings, land use and boundary are painted on one canvas, a few multi-part
    # shapes; cells and sites are SVG paths of their own (found by class). Count the lines and
    # rings drawn.
    drawn = frame.locator(".leaflet-container").evaluate(
        """() => { const n = {canvas: 0, svg: 0};
            const parts = ll => !ll || !ll.length ? 1
                : ll[0] instanceof L.LatLng ? 1 : ll.reduce((k, x) => k + parts(x), 0);
            window.map.eachLayer(l => { if (l._renderer) {
                n[l._renderer instanceof L.Canvas ? "canvas" : "svg"] += parts(l._latlngs); } });
            return n; }"""
    )
    assert drawn["canvas"] > 800 and drawn["canvas"] + drawn["svg"] > 1000, drawn
    canvas = frame.locator(".leaflet-overlay-pane canvas")
    assert canvas.count() == 1
    painted = canvas.evaluate(
        """c => { const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) { n++; } }
            return n / (c.width * c.height); }"""
    )
    assert painted > 0.02, painted  # the base map is there, not a blank canvas
    sites = frame.locator("path.facility")
    metric = page.get_by_test_id("stMetricValue").first.inner_text()
    assert sites.count() == int(metric.replace(".", ""))
    assert frame.locator("path.incident-cell").count() > 10
    assert frame.locator(".depot").count() >= 1
    assert (
        "OpenStreetMap contributors" in frame.locator(".leaflet-control-attribution").inner_text()
    )
    assert "Dữ liệu minh họa" in page.inner_text("body")
    shot(page, "01-map")
    # The map is as tall as the window: bring all of it into view, as a user scrolls to it.
    page.locator(MAP_FRAME).first.evaluate("f => f.scrollIntoView()")
    sites.nth(0).click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Mức độ nguy cơ" in popup.inner_text()
    shot(page, "02-map-popup")


def test_language_switch(server: str, ward: Any, page: Any) -> None:
    login(page, server, ward)
    wait_for_map(page)
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).first.click()
    page.get_by_role("heading", name="Map").wait_for()
    assert "Demonstration data" in page.inner_text("body")
    page.get_by_role("heading", name="Sites by kind").wait_for()  # the page has re-run
    frame = wait_for_map(page)
    assert frame.locator(".leaflet-control-layers").count() == 1
    assert page.get_by_role("radio", name="50 m grid cells").is_checked()  # choice kept
    shot(page, "03-map-english")
    page.get_by_test_id("stSidebar").get_by_text("Tiếng Việt", exact=True).click()
    page.get_by_role("heading", name="Bản đồ").wait_for()


def test_plan_a_shift_draws_the_loops(server: str, ward: Any, page: Any) -> None:
    login(page, server, ward)
    open_page(page, "Lập kế hoạch ca")
    page.get_by_role("button", name="Lập kế hoạch", exact=True).click()
    frame = wait_for_map(page, "path.route")
    routes = frame.locator("path.route").count()
    stops = frame.locator(".stop-number").count()
    assert 1 <= routes <= 3 and stops >= routes
    body = page.inner_text("body")
    assert "Các chỉ số của kế hoạch" in body and "Lượt kiểm tra" in body
    assert "Mục tiêu mức rất cao:" in body
    shot(page, "04-plan")
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    frame.locator(".stop-number").first.hover(force=True)
    shot(page, "05-plan-loops")


def test_bad_upload_shows_every_problem(server: str, ward: Any, page: Any) -> None:
    login(page, server, ward)
    open_page(page, "Dữ liệu")
    page.get_by_role("tab", name="Danh sách mục tiêu (khảo sát)").click()
    panel = page.get_by_role("tabpanel", name="Danh sách mục tiêu (khảo sát)")
    # Streamlit's own uploader words are English: the page writes them in Vietnamese.
    zone = panel.get_by_test_id("stFileUploaderDropzone")
    shown = zone.evaluate(
        "z => [z.querySelector('button p'), z.querySelector("
        "'[data-testid=stFileUploaderDropzoneInstructions] span')].map("
        "e => getComputedStyle(e, '::after').content)"
    )
    assert shown == ['"Chọn tệp"', '"tối đa 50 MB mỗi tệp"']
    panel.locator('input[type="file"]').set_input_files(str(TABLES / "survey-bad-cash.csv"))
    panel.get_by_text("survey-bad-cash.csv có 1 lỗi").wait_for()
    grid = panel.get_by_test_id("stDataFrame").first
    grid.wait_for()
    shot(page, "06-bad-upload")
    assert "chưa lưu dữ liệu nào" in page.inner_text("body")


def test_click_on_the_map_adds_an_incident(server: str, ward: Any, page: Any) -> None:
    login(page, server, ward)
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


def _vectors_drawn(page: Any, at_least: int) -> int:
    """Wait for the map's vector paths (loops, residential areas) and count them."""
    frame = wait_for_map(page, "path.leaflet-interactive")
    frame.locator("path.leaflet-interactive").nth(at_least - 1).wait_for(state="attached")
    return int(frame.locator("path.leaflet-interactive").count())


def test_campaign_week_peoples_patrol_and_key_route_on_the_map(
    server: str, ward: Any, page: Any
) -> None:
    """Plan the loudspeaker week, the people's patrol night and a night with a key route.

    The roster of the people's patrol teams is uploaded on its page; each page draws its loops.
    """
    page.set_default_timeout(180_000)  # a week of runs is planned while the page waits
    login(page, server, ward)
    # No main menu: its entries are Streamlit's own, in English only.
    assert page.get_by_test_id("stMainMenu").count() == 0

    open_page(page, "Tuyên truyền lưu động")
    page.get_by_role("button", name="Lập lịch tuyên truyền").click()
    # While the week is planned, the top bar shows no English word (Streamlit's "Stop").
    page.wait_for_timeout(1500)
    shot(page, "40-campaign-planning")
    assert page.get_by_text("Stop", exact=True).count() == 0
    assert page.get_by_test_id("stStatusWidget").locator("button").count() == 0
    page.get_by_text("chuyến; đã đi qua").first.wait_for()
    assert _vectors_drawn(page, 10) >= 10  # 18 residential areas and the week's runs
    shot(page, "40-campaign-week")

    open_page(page, "Tuần tra nhân dân")
    roster = ROOT / "tests" / "data" / "people" / "to-tuan-tra-nhan-dan.csv"
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(roster)
    )
    page.get_by_role("button", name="Lập lộ trình").click()
    page.get_by_text("tổ tuần tra nhân dân: đi qua").first.wait_for()  # the teams' summary
    assert _vectors_drawn(page, 10) >= 10
    shot(page, "41-peoples-patrol-night")

    open_page(page, "Lập kế hoạch ca")
    routes = page.get_by_test_id("stMultiSelect").filter(has_text="Tuyến trọng điểm")
    routes.locator("input").click()
    page.keyboard.type("Phố Cát Linh")
    page.get_by_role("option", name="Phố Cát Linh", exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Lập kế hoạch", exact=True).click()
    page.get_by_text("Tuyến trọng điểm Phố Cát Linh: Tổ").first.wait_for()
    wait_for_map(page, "path.route")
    shot(page, "42-plan-with-key-route")
