"""A fresh install's first night, with the README's commands and pages only, in Chromium.

The administrator, a commander, the ward's people, two standing teams and the leader of Tổ 1 are
made with ``patrol`` commands; the dashboard and the download server run as ``scripts/start.sh``
starts them; the commander plans and approves a night on the plan page; the leader of Tổ 1 logs
in, the QR code on the routes page is decoded from a screenshot of the page and the GPX is
downloaded through that link's own address. Nothing is set up by calling Python functions.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest

from dashboard import serve
from patrol.export.address import choose_address, interface_addresses
from patrol.store import auth

ROOT = serve.ROOT
PEOPLE = ROOT / "tests" / "data" / "people"
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
# This machine's own addresses: the QR link goes to the LAN one, which is not "outside".
OWN_HOSTS = {"localhost", "127.0.0.1", "::1"} | {a for _, a in interface_addresses()}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, "
    + ", ".join(f"EXCLUDE {host}" for host in sorted(OWN_HOSTS - {"::1"})),
]
ADMIN_PW = "quản trị hệ thống phường Cát Linh"
COMMANDER_PW = "chỉ huy ca đêm phường Cát Linh"
LEADER_PW = "tổ trưởng tổ một phường Cát Linh"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/test.sh)"),
]


def patrol(settings: Path, *args: str, stdin: str | None = None) -> str:
    """Run a ``patrol`` command as the README writes it; return its output (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-m", "patrol", "--settings", str(settings), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def secret_of(output: str) -> str:
    """Return the authenticator secret ``patrol users add`` prints once."""
    found = re.search(r"^\s+([A-Z2-7]{16,})$", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Make a fresh install: accounts, people, two teams and a leader, by commands only."""
    folder = tmp_path_factory.mktemp("first-night")
    settings = folder / "ward.toml"
    port = serve.free_port()
    settings.write_text(
        f'[store]\ndata_dir = "{(folder / "data").as_posix()}"\n'
        f"[routing]\ntime_limit_s = 3\n[export]\nport = {port}\n",
        encoding="utf-8",
    )
    admin = patrol(
        settings,
        "users",
        "add",
        "quantri",
        "--role",
        "administrator",
        "--name",
        "Quản trị viên",
        "--password-stdin",
        stdin=ADMIN_PW + "\n",
    )
    commander = patrol(
        settings,
        "users",
        "add",
        "chihuy",
        "--role",
        "commander",
        "--name",
        "Trần Văn Chỉ",
        "--password-stdin",
        stdin=COMMANDER_PW + "\n",
    )
    imported = patrol(settings, "people", "import", str(PEOPLE / "danh-sach.csv"))
    assert imported.startswith("Đã nhập 8 người")
    patrol(
        settings,
        "teams",
        "add",
        "Tổ 1",
        "--leader",
        "Nguyễn Văn An",
        "--member",
        "Trần Thị Bình",
        "--member",
        "Lê Văn Cường",
    )
    patrol(
        settings,
        "teams",
        "add",
        "Tổ 2",
        "--leader",
        "Phạm Quốc Dũng",
        "--member",
        "Hoàng Văn Em",
        "--member",
        "Vũ Thị Giang",
    )
    patrol(
        settings,
        "users",
        "add",
        "totruong1",
        "--role",
        "patrol_leader",
        "--team",
        "Tổ 1",
        "--name",
        "Nguyễn Văn An",
        "--password-stdin",
        stdin=LEADER_PW + "\n",
    )
    # The two servers scripts/start.sh starts: the download server and the dashboard.
    exports = subprocess.Popen(
        [sys.executable, "-m", "patrol", "--settings", str(settings), "serve-exports"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert exports.stdout is not None
    announced = exports.stdout.readline()
    try:
        env = {"PATROL_SETTINGS": str(settings)}
        with serve.running(env=env, log=folder / "streamlit.log") as app:
            yield {
                "url": app.url,
                "folder": folder,
                "announced": announced,
                "port": port,
                "admin": secret_of(admin),
                "commander": secret_of(commander),
            }
    finally:
        exports.terminate()
        exports.wait(timeout=15)
        exports.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="vi-VN")
    tab = context.new_page()
    urls: list[str] = []
    tab.on("request", lambda request: urls.append(request.url))
    tab.set_default_timeout(120_000)
    yield tab
    left = [
        u
        for u in urls
        if urlsplit(u).scheme in ("http", "https", "ws", "wss")
        and urlsplit(u).hostname not in OWN_HOSTS
    ]
    assert left == [], "the browser reached outside this machine"
    context.close()


def login(page: Any, url: str, username: str, password: str, secret: str | None = None) -> None:
    page.goto(url)
    page.get_by_text(auth.LOGIN_BANNER_VI[:60]).wait_for()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    if secret:
        page.get_by_label("Mã xác thực", exact=False).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for()


def test_a_typed_address_while_logged_out_shows_the_login_only(
    ward: dict[str, Any], page: Any
) -> None:
    for address in ("plan", "teams", "routes"):
        page.goto(f"{ward['url']}/{address}")
        page.get_by_label("Tên đăng nhập").wait_for()
        page.wait_for_timeout(1500)  # time for a dialog to appear
        body = page.inner_text("body")
        assert "Page not found" not in body and "You have requested page" not in body
        assert not page.get_by_role("dialog").count()
        assert auth.LOGIN_BANNER_VI[:60] in body


def test_commander_plans_and_approves_the_night_with_the_standing_teams(
    ward: dict[str, Any], page: Any
) -> None:
    login(page, ward["url"], "chihuy", COMMANDER_PW, ward["commander"])
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Lực lượng và tổ tuần tra").click()
    page.get_by_role("heading", name="Lực lượng và tổ tuần tra").first.wait_for()
    page.get_by_text("Tổ trưởng: Phạm Quốc Dũng").wait_for()
    body = page.inner_text("body")
    assert "Tổ 1 · Tổ trưởng: Nguyễn Văn An" in body and "Tổ 2 · Tổ trưởng: Phạm Quốc Dũng" in body
    shot(page, "20-teams")
    nav.get_by_role("link", name="Lập kế hoạch ca").click()
    page.get_by_role("heading", name="Lập kế hoạch ca").first.wait_for()
    # Tomorrow night: its link stays valid through this test whatever the hour.
    night = date.today() + timedelta(days=1)
    day = page.get_by_role("spinbutton", name="day, Ngày trực")
    day.click()
    page.keyboard.type(f"{night:%d%m%Y}")  # day, month, year: each field moves to the next
    page.keyboard.press("Tab")
    page.get_by_text("Danh sách trực và lập tổ tuần tra").click()  # open the roster
    page.get_by_text(f"Kế hoạch dùng 2 tổ của danh sách trực đêm {night:%d/%m/%Y}").wait_for()
    assert "Tổ 1: Nguyễn Văn An, Trần Thị Bình, Lê Văn Cường" in page.inner_text("body")
    page.get_by_role("button", name="Lập kế hoạch", exact=True).click()
    # The night's capacity and loops; on a CI machine running two test workers with their
    # servers and browsers on two cores, once longer than the page's two minutes.
    page.get_by_text("Đã lập kế hoạch").wait_for(timeout=300_000)
    page.get_by_role("button", name="Phê duyệt kế hoạch").click()
    page.get_by_text(re.compile(r"đã được .* phê duyệt lúc")).wait_for()
    shot(page, "21-approved")


def test_leader_of_to_1_downloads_the_gpx_through_the_qr_link(
    ward: dict[str, Any], page: Any
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    import gpxpy
    from PIL import Image

    login(page, ward["url"], "totruong1", LEADER_PW)
    page.get_by_role("heading", name="Lộ trình").first.wait_for()
    page.get_by_text("Mã QR tải lộ trình của Tổ 1").wait_for()
    body = page.inner_text("body")
    assert "Tổ 1" in body and "Tổ 2" not in body  # exactly this team's approved route
    for person in ("Tổ trưởng: Nguyễn Văn An (0912 345 678)", "Lê Văn Cường (0934 111 222)"):
        assert person in body
    # Nothing of the server for the leader: no command, no folder.
    assert "serve-exports" not in body and str(ward["folder"]) not in body
    shot(page, "22-leader-routes")
    image = page.get_by_test_id("stImage").locator("img").first
    image.scroll_into_view_if_needed()
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.screenshot())))
    link = code.text
    parts = urlsplit(link)
    lan = choose_address(interface_addresses())
    assert parts.hostname == (lan or "127.0.0.1") and parts.port == ward["port"]
    if lan is not None:
        assert parts.hostname not in ("localhost", "127.0.0.1")
        assert lan in ward["announced"]  # the server said the same address when it started
    # The phone's way: the team's page on the download server, then its GPX.
    page.goto(link)
    page.get_by_role("link", name=re.compile(r"\.gpx$")).wait_for()
    answer = page.request.get(f"{link}/gpx")
    assert answer.status == 200
    gpx = gpxpy.parse(answer.text())
    assert len(gpx.tracks) == 1 and len(gpx.routes) == 1
    assert len(gpx.routes[0].points) >= 2
    refused = page.request.get(f"{link[:-4]}AAAA/gpx")
    assert refused.status == 403
    if shutil.which("pdftotext") is not None:
        pdf = page.request.get(f"{link}/pdf")
        assert pdf.status == 200
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.body(), capture_output=True, check=True
        ).stdout.decode("utf-8")
        flat = " ".join(text.split())
        for person in ("Nguyễn Văn An", "0912 345 678", "Trần Thị Bình", "Lê Văn Cường"):
            assert person in flat
