"""A campaign run on the driver's phone: the joint teams' offline page, titled as the campaign."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from geodata.area import load_area
from geodata.basemap import street_background
from geodata.campaign import plan_campaign
from patrol.export.campaign import write_campaign

pytestmark = pytest.mark.slow  # a week of runs takes seconds to plan


def test_each_run_gets_an_offline_phone_page_listing_its_streets(tmp_path: Path) -> None:
    area = load_area(mode="motorbike")
    week = plan_campaign(area, week_of=date(2026, 12, 7))
    files = write_campaign(week, tmp_path, background=street_background(area))
    pages = sorted(p for p in files if p.suffix == ".html")
    assert len(pages) == len(week.runs)
    run = week.runs[0]
    page = pages[0].read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page)
    assert title and title.group(1) == "[BẢN NHÁP] Tuyên truyền lưu động bằng loa - xe 1"
    assert f"Rời trụ sở {run.start}" in page
    # The streets it drives, in order, from the area's street background.
    along = re.search(r'<section id="along"><small>(.*?)</small>', page)
    named = [s for s in run.streets if not s.startswith("Ngõ chưa có tên")]
    assert along and named and named[0] in along.group(1)
    # Offline: nothing loaded from anywhere, no link to a web site.
    assert "default-src 'none'" in page
    assert not re.search(r"\bsrc\s*=", page)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert all(h.startswith(("geo:", "om://route?")) for h in hrefs)
