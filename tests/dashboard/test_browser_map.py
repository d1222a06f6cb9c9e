"""The commander's plan map in Chromium (1440×900), offline, on the default area's planned night.

Legend, team colours against the risk colours (CIEDE2000 on the colours the browser draws),
every stop number of Tổ 1 readable (from the elements' boxes), no raw id in any popup or
tooltip, street names at street zoom, a metric scale. Screenshots go to
``test-artifacts/screenshots/`` (ignored by git).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import combinations
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from dashboard import serve
from geodata.mapstyle import MIN_RISK_DISTANCE, RISK_COLOURS, delta_e2000
from patrol.store import auth

SHOTS = serve.ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]  # fmt: skip
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
RAW_ID = re.compile(r"osm-(node|way|relation)-\d+|\b(node|way|relation)/\d{4,}")

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
    settings = ward.folder / "browser-settings.toml"
    settings.write_text(
        ward.settings_path.read_text(encoding="utf-8") + "\n[routing]\ntime_limit_s = 3\n",
        encoding="utf-8",
    )
    with serve.running(env={"PATROL_SETTINGS": str(settings)},
                       log=ward.folder / "streamlit.log") as app:  # fmt: skip
        yield app.url


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
        tab = context.new_page()
        tab.on("request", lambda request: requests.append(request.url))
        tab.set_default_timeout(90_000)
        yield tab
        context.close()
        browser.close()
    outside = [u for u in requests if urlparse(u).scheme not in ("data", "blob", "about")
               and urlparse(u).hostname not in LOCAL_HOSTS]  # fmt: skip
    assert requests and outside == [], outside


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _planned_night(page: Any, server: str, ward: Any) -> Any:
    account = ward.accounts["commander"]
    page.goto(server)
    page.get_by_text(auth.LOGIN_BANNER_VI[:60]).wait_for()
    page.get_by_label("Tên đăng nhập").fill(account.username)
    page.get_by_label("Mật khẩu", exact=True).fill(account.password)
    if account.secret:
        page.get_by_label("Mã xác thực", exact=False).fill(ward.code("commander"))
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Lập kế hoạch ca").click()
    page.get_by_role("heading", name="Lập kế hoạch ca").first.wait_for()
    page.get_by_role("button", name="Lập kế hoạch", exact=True).click()
    page.wait_for_function(
        "sel => ![...document.querySelectorAll(sel)].some(f => f.getAttribute('width') == '-1')",
        arg=MAP_FRAME,
    )
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.route").first.wait_for(state="attached")
    frame.locator(".map-legend").wait_for()
    page.locator(MAP_FRAME).first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the badges are placed after the map settles
    return frame


def _boxes(frame: Any, selector: str) -> list[dict[str, Any]]:
    return frame.locator(selector).evaluate_all(
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
            return {l: r.left, r: r.right, t: r.top, b: r.bottom, text: e.textContent,
                    onTop: e === top || e.contains(top),
                    over: top ? (top.className.baseVal ?? top.className) + '|' + top.tagName : '',
                    team: e.closest('.stop-badge').dataset.team,
                    folded: e.closest('.stop-badge').classList.contains('folded')};
        })"""
    )


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> float:
    w = min(a["r"], b["r"]) - max(a["l"], b["l"])
    h = min(a["b"], b["b"]) - max(a["t"], b["t"])
    return w * h if w > 0 and h > 0 else 0.0


def test_the_planned_night_reads_at_a_glance(server: str, ward: Any, page: Any) -> None:
    frame = _planned_night(page, server, ward)
    shot(page, "map-01-plan")

    # The map is the page's main view: most of the window's height and of the page's width,
    # the timelines beside it.
    box = page.locator(MAP_FRAME).first.bounding_box()
    main = page.get_by_test_id("stMainBlockContainer").bounding_box()
    assert box is not None and main is not None
    assert box["height"] >= 0.75 * 900 and box["width"] >= 0.5 * main["width"]
    table = page.get_by_test_id("stDataFrame").first.bounding_box()
    assert table is not None and table["x"] > box["x"] + box["width"] - 1  # beside the map

    # The legend lists the risk levels and the teams drawn, in Vietnamese.
    legend = frame.locator(".map-legend").inner_text()
    for level in ("Thấp", "Trung bình", "Cao", "Rất cao"):
        assert level in legend
    teams_drawn = sorted(set(frame.locator(".stop-badge").evaluate_all(
        "els => els.map(e => e.dataset.team)")))  # fmt: skip
    assert teams_drawn, "no stop badge drawn"
    for team in teams_drawn:
        assert f"Tổ {team.removeprefix('T')}" in legend
    assert "Điểm xuất phát" in legend

    # Team colours, as the browser draws them, are far from every risk colour drawn.
    team_colours = set(frame.locator("path.route").evaluate_all(
        "els => els.map(e => getComputedStyle(e).stroke)"))  # fmt: skip
    site_colours = set(frame.locator("path.facility").evaluate_all(
        "els => els.map(e => getComputedStyle(e).fill)"))  # fmt: skip
    assert len(team_colours) == len(teams_drawn)

    def rgb(css: str) -> tuple[float, float, float]:
        r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
        return r / 255, g / 255, b / 255

    risk = {rgb(c) for c in site_colours} | {
        tuple(int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)) for h in RISK_COLOURS.values()
    }
    for team in team_colours:
        for level in risk:
            assert delta_e2000(rgb(team), level) >= MIN_RISK_DISTANCE, (team, level)
    for a, b in combinations(team_colours, 2):
        assert delta_e2000(rgb(a), rgb(b)) >= 15.0
    assert frame.locator(".route-arrow").count() >= 3 * len(teams_drawn)  # direction shown

    # Every stop number of Tổ 1 is readable: no badge box covers it, nothing is drawn on it.
    every = _boxes(frame, ".stop-badge .stop-number")
    badges = [b for b in every if not b["folded"]]  # a folded badge shows only its pin
    first = [b for b in every if b["team"] == "T1"]
    assert not any(b["folded"] for b in first)
    numbers = sorted(int(n) for b in first for n in b["text"].split(" · "))
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    frame_box = frame.locator(".leaflet-container").bounding_box()
    for badge in first:
        others = [o for o in badges if o is not badge]
        assert all(_overlap(badge, o) <= 1.0 for o in others), badge["text"]
        assert badge["onTop"], f"stop {badge['text']} of Tổ 1 is covered by {badge['over']}"
        assert badge["l"] >= 0 and badge["r"] <= frame_box["width"]
        assert badge["t"] >= 0 and badge["b"] <= frame_box["height"]
    frame.locator(".map-legend").screenshot(path=str(SHOTS / "map-02-legend.png"))

    # No raw id in any popup or tooltip of the map.
    texts = frame.locator(".leaflet-container").evaluate(
        """() => { const out = [];
            window.map.eachLayer(l => {
                for (const get of ['getPopup', 'getTooltip']) {
                    const p = l[get] && l[get]();
                    if (p) { const c = p.getContent();
                             out.push(typeof c === 'string' ? c : c.textContent); }
                }
            });
            return out; }"""
    )
    assert len(texts) > 50
    assert [t for t in texts if RAW_ID.search(t)] == []
    # A site's popup names it and starts its reason with that name.
    frame.locator(".leaflet-container").evaluate(
        """() => { let done = false;
            window.map.eachLayer(l => {
                if (!done && l._path && l._path.classList.contains('facility')) {
                    l.openPopup(); done = true; }
            }); }"""
    )
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Mức độ nguy cơ" in popup.inner_text() and not RAW_ID.search(popup.inner_text())
    shot(page, "map-03-site-popup")

    # Metric scale only; street names at street zoom, none touching another.
    scale = frame.locator(".leaflet-control-scale").inner_text()
    assert re.search(r"\d+ (m|km)", scale) and "ft" not in scale and "mi" not in scale
    frame.locator(".leaflet-container").evaluate("() => { window.map.setZoom(17); }")
    page.wait_for_timeout(1500)
    names = frame.locator(".street-name.shown").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {l: r.left, r: r.right, t: r.top, b: r.bottom, text: e.textContent}; })"
    )
    assert len(names) >= 5
    assert all(_overlap(a, b) <= 1.0 for a, b in combinations(names, 2))
    shot(page, "map-04-street-zoom")


def test_a_click_on_a_stop_highlights_it(server: str, ward: Any, page: Any) -> None:
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-container").evaluate(
        "() => { window.map.closePopup(); window.map.fitBounds(window.map.patrolBounds); }"
    )
    page.wait_for_timeout(1500)
    badge = frame.locator(".stop-badge[data-team='T1']:not(.folded) .stop-number").first
    visits = badge.inner_text()
    badge.click()
    # The page re-runs: the stop is kept as the highlighted one and its badge drawn so.
    selected = page.frame_locator(MAP_FRAME).first.locator(".stop-badge.selected")
    selected.wait_for(state="attached", timeout=60_000)
    assert selected.get_attribute("data-team") == "T1"
    assert selected.get_attribute("data-visits") == visits
    page.wait_for_timeout(1500)
    shot(page, "map-05-stop-selected")
