"""The phone page and the PDF briefing on the area's streets (``geodata.basemap``).

The sample plan is on the embedded default area, whose streets are loaded here: the maps must
name the streets around the loop, every stop must say its address (or that it has none), the
phone page must make no outside request and keep check-ins, and nothing links to the web.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import box

from geodata.area import load_area
from geodata.basemap import StreetBackground, street_background
from patrol.export import PlanExport, to_html, to_pdf, write_html
from patrol.export.background import streets_along

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def bg() -> StreetBackground:
    return street_background(load_area())


@pytest.fixture(scope="module")
def on_streets(plan: PlanExport, bg: StreetBackground) -> PlanExport:
    return dataclasses.replace(plan, background=bg)


def _labelled_streets(bg: StreetBackground, plan: PlanExport, team: str) -> set[str]:
    """Names of the streets the basemap can label (an anchor) inside the loop's extent."""
    lons, lats = zip(*plan.route(team).path, strict=True)
    extent = box(min(lons), min(lats), max(lons), max(lats))
    return set(bg.labels[bg.labels.within(extent)]["name"])


@pytest.mark.parametrize("team", ["T1", "T2"])
def test_phone_map_names_the_streets_around_the_loop(
    on_streets: PlanExport, bg: StreetBackground, team: str
) -> None:
    page = to_html(on_streets, team=team)
    names = re.findall(r'<text class="sl (z0|z1)"[^>]*>([^<]*)</text>', page)
    shown = {name for _, name in names}
    around = _labelled_streets(bg, on_streets, team)
    assert len(around) > 15
    assert len(shown & around) >= 0.75 * len(around)  # most streets named once zoomed in
    assert sum(level == "z0" for level, _ in names) >= 5  # and several at the first view
    assert page.count('class="building"') > 100 and 'class="water"' in page
    assert "© OpenStreetMap" in page and 'id="scale"' in page and 'id="north"' in page


def test_pdf_map_names_the_streets_along_the_loop_and_every_address(
    on_streets: PlanExport, bg: StreetBackground, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pdf = tmp_path / "t1.pdf"
    with caplog.at_level("WARNING"):
        pdf.write_bytes(to_pdf(on_streets, team="T1"))
    assert not caplog.records, [r.getMessage() for r in caplog.records]  # no English warning
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True)
    flat = " ".join(raw.stdout.decode("utf-8").split())
    route = on_streets.route("T1")
    along = streets_along(bg, route.path)
    assert len(along) >= 5 and "Phố Tôn Đức Thắng" in along
    assert all(name in flat for name in along), [n for n in along if n not in flat]
    for stop in route.stops:  # the sample plan predates addresses: each says it has none
        assert stop.address_label("vi") in flat
    assert "© OpenStreetMap contributors" in flat
    # The names on the map itself are text too (rotated along their street).
    assert sum(name in flat for name in _labelled_streets(bg, on_streets, "T1")) >= 10


def test_no_web_link_by_default(on_streets: PlanExport) -> None:
    page = to_html(on_streets, team="T1")
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and not [h for h in hrefs if h.startswith(("http:", "https:", "//"))]
    assert all(h.startswith(("geo:", "om://")) for h in hrefs)
    assert "không có liên kết nào gửi vị trí lên trang web bên ngoài" in page
    online = to_html(dataclasses.replace(on_streets, web_links=True), team="T1")
    assert "https://osmand.net/" in online and "gửi tọa độ" in online


@pytest.mark.browser
def test_phone_page_on_a_phone_offline(
    on_streets: PlanExport, browser: Any, tmp_path: Path
) -> None:
    path = write_html(on_streets, tmp_path / "t1.html", team="T1")
    url = path.as_uri()
    route = on_streets.route("T1")
    context = browser.new_context(viewport={"width": 412, "height": 915}, accept_downloads=True,
                                  timezone_id="Asia/Ho_Chi_Minh")  # fmt: skip
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def gate(request_route: Any) -> None:
        requests.append(request_route.request.url)
        if request_route.request.url == url:
            request_route.continue_()
        else:
            request_route.abort()

    page.route("**/*", gate)
    page.goto(url)
    page.wait_for_selector("#labels", state="attached")
    # Street names drawn and readable at the first view: on the map, at about 11 px.
    font_px = page.evaluate(
        "(() => { const g = document.getElementById('labels'), m = g.getScreenCTM();"
        " return parseFloat(g.getAttribute('font-size')) * Math.hypot(m.a, m.b); })()"
    )
    assert 10 <= font_px <= 12
    visible = page.eval_on_selector_all(
        "text.sl.z0",
        "els => { const map = document.getElementById('map').getBoundingClientRect();"
        " return els.filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 &&"
        " r.left >= map.left && r.right <= map.right && r.top >= map.top &&"
        " r.bottom <= map.bottom; }).map(e => e.textContent); }",
    )
    assert len(visible) >= 5
    assert page.locator("text.sl.z1").first.is_hidden()  # detailed names wait for a zoom
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone-map-t1.png"))
    for _ in range(3):
        page.click("#zin")
    assert page.locator("text.sl.z1").first.is_visible()
    page.screenshot(path=str(SHOTS / "phone-map-t1-zoomed.png"))
    # Every stop says where it is, or that it has no address.
    rows = page.locator("#stops tbody tr")
    for i in range(rows.count()):
        assert re.search(r"Địa chỉ: |không có địa chỉ", rows.nth(i).inner_text())
    # Check-ins: kept across a reload with the time, saved as a file for the commander.
    rows.nth(0).locator("input").check()
    rows.nth(2).locator("input").check()
    page.reload()
    page.wait_for_selector("#stops")
    assert rows.nth(0).locator("input").is_checked() and rows.nth(2).locator("input").is_checked()
    assert re.fullmatch(r"\d\d:\d\d", rows.nth(0).locator(".at").inner_text())
    with page.expect_download() as made:
        page.click("#save")
    saved = json.loads(Path(made.value.path()).read_text(encoding="utf-8"))
    assert made.value.suggested_filename == f"{on_streets.base_name('T1')}-diem-danh.json"
    assert saved["format"] == "patrol-checkins/1"
    assert (saved["plan_id"], saved["version"], saved["team"]) == (
        on_streets.plan_id, on_streets.version, "T1")  # fmt: skip
    assert set(saved["checkins"]) == {"1", "3"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", saved["checkins"]["1"])
    assert saved["sites"]["1"] == route.stops[0].site
    page.screenshot(path=str(SHOTS / "phone-map-t1-checkins.png"), full_page=True)
    assert requests == [url, url]  # the page itself, loaded twice; nothing from outside
    assert not errors
    context.close()
