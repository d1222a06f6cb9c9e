"""Fixtures of the export tests: the sample plan on the real Hà Nội extract, its streets, a browser.

The street lines are read straight from the OSM extract (every ``highway=*`` way the sample's
paths were built on), projected to UTM 48N, so "on the streets" is measured in metres against the
real data, not against the plan itself.
"""

from __future__ import annotations

import bz2
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pyproj import Transformer
from shapely import LineString, STRtree

from patrol.export import PlanExport, read_plan

HERE = Path(__file__).parent
SAMPLE = HERE / "data" / "sample-plan.json"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """Return the sample plan file (data/make_sample_plan.py says how it was made)."""
    return SAMPLE


@pytest.fixture
def sample_doc() -> dict[str, Any]:
    """Return a fresh copy of the sample plan document, to break in a test."""
    return copy.deepcopy(_SAMPLE_DOC)


_SAMPLE_DOC: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def plan() -> PlanExport:
    """Return the approved sample plan, read for export."""
    return read_plan(SAMPLE)


@pytest.fixture(scope="session")
def draft_plan() -> PlanExport:
    """Return the same plan, not approved."""
    doc = copy.deepcopy(_SAMPLE_DOC)
    doc["status"] = "draft"
    doc.pop("approved_by")
    doc.pop("approved_at")
    return read_plan(doc, source="draft.json")


class Streets:
    """Street centre lines of the extract in UTM metres, with a nearest-distance query."""

    def __init__(self, lines: list[LineString]) -> None:
        self.lines = lines
        self.tree = STRtree(lines)

    def distance_m(self, lon: float, lat: float) -> float:
        """Metres from a WGS84 point to the nearest street line."""
        from shapely import Point

        x, y = TO_UTM.transform(lon, lat)
        point = Point(x, y)
        nearest = self.tree.nearest(point)
        return float(self.lines[int(nearest)].distance(point))


@pytest.fixture(scope="session")
def streets(default_osm: Path) -> Streets:
    """Every ``highway=*`` way of the default extract as projected lines."""
    with bz2.open(default_osm) as stream:
        root = etree.fromstring(stream.read())
    nodes = {el.get("id"): (float(el.get("lon")), float(el.get("lat"))) for el in root.iter("node")}
    lines = []
    for way in root.iter("way"):
        if not any(t.get("k") == "highway" for t in way.iter("tag")):
            continue
        refs = [nd.get("ref") for nd in way.iter("nd") if nd.get("ref") in nodes]
        if len(refs) >= 2:
            xs, ys = TO_UTM.transform(*zip(*(nodes[r] for r in refs), strict=True))
            lines.append(LineString(list(zip(xs, ys, strict=True))))
    return Streets(lines)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never ``playwright install``).

    Per module: Playwright's sync API keeps its event loop running while it is open, and a
    later module of the same worker (the dashboard's browser tests) must be able to start its own.
    """
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
