"""Hotspots across ward boundaries: the wards' incidents pooled find what each ward alone cuts.

The embedded area (Văn Miếu - Quốc Tử Giám / Cát Linh, Hà Nội) is split at its middle meridian
into two wards, "Tây" and "Đông", each with the demonstration incidents of its half. A burst of
incidents sits on the street line the two share. Pooled, the burst is one hot cluster of both
wards; each ward alone sees at most its own half of it.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from shapely import box

from geodata.area import load_area
from geodata.incidents import generate_demo_incidents
from geodata.review.province import WardIncidents, province_hotspots

pytestmark = pytest.mark.slow

NOVEMBER = date(2026, 11, 1)


@pytest.fixture(scope="module")
def halves() -> list[WardIncidents]:
    area = load_area()
    west, south, east, north = area.bbox
    middle = (west + east) / 2
    log = generate_demo_incidents(
        area.facilities, area.bbox, start="2026-01-01", end="2026-11-30", seed=3
    )
    rng = np.random.default_rng(1)
    burst = pd.DataFrame(
        {
            "lon": middle + rng.normal(0, 0.0003, 25),
            "lat": (south + north) / 2 + rng.normal(0, 0.0003, 25),
            "time": pd.Timestamp("2026-11-10 01:30"),
            "demo": True,
        }
    )
    both = pd.concat([log[["lon", "lat", "time", "demo"]], burst], ignore_index=True)
    on_west = both["lon"] < middle
    return [
        WardIncidents("Tây", box(west, south, middle, north), both[on_west]),
        WardIncidents("Đông", box(middle, south, east, north), both[~on_west]),
    ]


def test_pooled_wards_find_the_hotspot_on_their_shared_street(halves) -> None:
    pooled = province_hotspots(halves, month=NOVEMBER)
    assert pooled.regions == [["Tây", "Đông"]] and pooled.demo and not pooled.too_few
    shared = pooled.clusters[pooled.clusters["shared"]]
    assert len(shared) == 1
    cluster = shared.iloc[0]
    assert cluster["wards"] == "Tây, Đông" and cluster["incidents"] >= 20
    assert (pooled.wards["shared"] == 1).all()
    # the shared cluster's cells lie on both sides of the line
    cells = pooled.cells[pooled.cells["cluster"] == cluster["cluster"]]
    assert set(cells["ward"]) == {"Tây", "Đông"}
    # each ward alone: no shared cluster, and less of the burst than the pooled cluster holds
    for ward in halves:
        alone = province_hotspots([ward], month=NOVEMBER)
        assert not alone.clusters["shared"].any()
        assert max(alone.clusters["incidents"], default=0) < cluster["incidents"]


def test_far_wards_are_separate_regions_and_a_thin_month_is_said(halves) -> None:
    far = WardIncidents(
        "Xa", box(106.67, 10.75, 106.68, 10.76), halves[0].incidents.iloc[:0].copy()
    )
    result = province_hotspots([*halves, far], month=NOVEMBER)
    assert result.regions == [["Tây", "Đông"], ["Xa"]]
    assert result.too_few == ["Xa"]
    assert result.wards.loc["Xa", "incidents"] == 0
    # the Hà Nội region's answer is the same with or without the far ward
    alone = province_hotspots(halves, month=NOVEMBER)
    pd.testing.assert_frame_equal(result.clusters, alone.clusters)
