"""Offline HTML page: self-contained, drawn in headless Chromium with every request blocked."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from patrol.export import PlanExport, to_html, write_html


def test_no_outside_reference(plan: PlanExport) -> None:
    page = to_html(plan, team="T1")
    # Nothing is loaded from anywhere: the only URLs are the SVG namespace, the attribution's
    # text, and links the patrol leader may tap to open a hop in a map app on the phone
    # (geo: and Organic Maps' om://): no link to a web site, which would carry the stops.
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith(("geo:", "om://route?")) for h in hrefs)
    assert sum(h.startswith("geo:") for h in hrefs) == len(plan.route("T1").stops) + 1
    # [area] online lets the page add the web links of OsmAnd and Google Maps
    online = to_html(replace(plan, web_links=True), team="T1")
    web = [h for h in re.findall(r'href="([^"]*)"', online) if h.startswith("http")]
    assert web and all(
        h.startswith(("https://www.google.com/maps/dir/?", "https://osmand.net/map/?")) for h in web
    )
    assert not re.search(r"\bsrc\s*=", page)
    without_links = re.sub(r'href="[^"]*"', "", page)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", without_links))
    assert urls <= {"http://www.w3.org/2000/svg", "https://www.openstreetmap.org/copyright"}
    assert not re.search(r"<(link|img|iframe)\b", page)
    assert not re.search(r"<script[^>]+src=", page)
    assert "default-src 'none'" in page


@pytest.mark.browser
def test_opens_offline_and_shows_route_stops_and_position(
    plan: PlanExport, browser: Any, tmp_path: Path
) -> None:
    path = write_html(plan, tmp_path / "t1.html", team="T1")
    url = path.as_uri()
    route = plan.route("T1")
    requests: list[str] = []
    context = browser.new_context(
        geolocation={"latitude": route.stops[2].lat, "longitude": route.stops[2].lon},
        permissions=["geolocation"],
        viewport={"width": 412, "height": 860},
    )
    page = context.new_page()
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
    page.wait_for_selector("#me", state="attached")
    page.wait_for_function("document.getElementById('me').style.display === ''")
    assert requests == [url]  # the file itself and nothing else
    assert not errors
    # The loop: one polyline with every point of the street path, visible on the map.
    points = page.get_attribute("#route", "points").split()
    assert len(points) == len(route.path)
    box = page.locator("#route").bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    # Stops: a table row per stop in order, with names and times; markers on the map.
    rows = page.locator("#stops tbody tr")
    assert rows.count() == len(route.stops)
    for i, stop in enumerate(route.stops):
        row = rows.nth(i).inner_text()
        assert stop.name in row and f"{stop.start:%H:%M}" in row
    assert page.locator("g.stop").count() == len({(s.lon, s.lat) for s in route.stops})
    # The phone's position is drawn where the browser says it is: next to stop 3's marker.
    me = page.locator("#me-dot").bounding_box()
    mark = page.locator('.stop[data-orders~="stop-3"] circle').bounding_box()
    assert me is not None and mark is not None
    assert abs((me["x"] + me["width"] / 2) - (mark["x"] + mark["width"] / 2)) < 3
    assert abs((me["y"] + me["height"] / 2) - (mark["y"] + mark["height"] / 2)) < 3
    assert "±" in page.inner_text("#pos")
    # Zoom buttons and the wheel change the drawn window (the map is usable on a phone).
    width = float(page.get_attribute("#map", "viewBox").split()[2])
    page.click("#zin")
    zoomed = float(page.get_attribute("#map", "viewBox").split()[2])
    assert zoomed == pytest.approx(0.7 * width, rel=1e-3)
    page.mouse.move(200, 400)
    page.mouse.wheel(0, 200)
    view_width = "parseFloat(document.getElementById('map').getAttribute('viewBox').split(' ')[2])"
    page.wait_for_function(f"{view_width} > {zoomed + 1}")
    # Ticking a stop off survives a reload (kept in the phone's storage, no server).
    rows.nth(0).locator("input").check()
    page.reload()
    page.wait_for_selector("#stops")
    assert page.locator("#stops tbody tr").nth(0).locator("input").is_checked()
    # Each stop has links to open the hop to it in a map app; the page ends with the way back.
    assert rows.nth(0).locator("a").count() == 2
    assert "Organic Maps" in page.inner_text("#nav")
    assert "OpenStreetMap" in page.inner_text("#attribution")
    assert "113" in page.inner_text("#emergency")
    context.close()


@pytest.mark.browser
def test_draft_banner_shown(draft_plan: PlanExport, browser: Any, tmp_path: Path) -> None:
    path = write_html(draft_plan, tmp_path / "d.html", team="T2")
    page = browser.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url == path.as_uri() else r.abort())
    page.goto(path.as_uri())
    assert page.locator("#draft").is_visible()
    assert "BẢN NHÁP" in page.inner_text("#draft")
    assert page.title().startswith("[BẢN NHÁP]")
    page.close()
