"""Benchmark: the monthly hotspot review on a city-sized year of incidents.

A year (2025-11 to 2026-10) of synthetic incidents on the Nha Trang street network
(``tests/data/osm/nha-trang-roads.osm.bz2``, 12.142-12.378 N, 109.119-109.334 E): most fall
near street nodes, a share of them around a few dozen planted hot districts, the rest uniformly
over the extent. With 200 facilities and a month of approved plans (31 nights, 40 stops each) on
street nodes, ``geodata.review.monthly_review`` reviews October 2026; the target is under 10 s.
The report (PDF) is timed apart, as it is written once a month. The review is single-threaded:
on an idle machine wall time equals CPU time; on a shared one, read ``cpu_s``.

Run::

    .venv/bin/python bench/bench_review.py            # 100,000 incidents, 3 repeats
    .venv/bin/python bench/bench_review.py --incidents 20000 --repeat 1 --report
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.osm import read_osm  # noqa: E402
from geodata.review import monthly_review  # noqa: E402
from patrolbase.settings import Settings  # noqa: E402
from routing.model import PatrolPlan  # noqa: E402

OSM = ROOT / "tests" / "data" / "osm" / "nha-trang-roads.osm.bz2"
BBOX = (109.119, 12.142, 109.334, 12.378)
TYPES = ["theft", "snatch_theft", "burglary", "robbery", "injury", "fraud", "other"]
TYPE_P = [0.35, 0.2, 0.15, 0.08, 0.08, 0.06, 0.08]


def street_nodes() -> np.ndarray:
    """(lon, lat) of every node of a highway way inside the extent."""
    data = read_osm(OSM)
    refs = {r for way in data.ways if "highway" in way.tags for r in way.refs}
    lonlat = np.array([data.coords[r] for r in refs if r in data.coords])
    west, south, east, north = BBOX
    inside = (
        (lonlat[:, 0] >= west) & (lonlat[:, 0] <= east)
        & (lonlat[:, 1] >= south) & (lonlat[:, 1] <= north)
    )  # fmt: skip
    return lonlat[inside]


def incidents(nodes: np.ndarray, n: int, *, seed: int) -> pd.DataFrame:
    """``n`` incidents over a year: 60% near streets, 25% in 40 hot districts, 15% anywhere."""
    rng = np.random.default_rng(seed)
    n_street, n_hot = int(0.6 * n), int(0.25 * n)
    n_any = n - n_street - n_hot
    street = nodes[rng.integers(0, len(nodes), n_street)] + rng.normal(0, 0.0002, (n_street, 2))
    centres = nodes[rng.integers(0, len(nodes), 40)]
    hot = centres[rng.integers(0, 40, n_hot)] + rng.normal(0, 0.0015, (n_hot, 2))
    west, south, east, north = BBOX
    anywhere = np.column_stack([rng.uniform(west, east, n_any), rng.uniform(south, north, n_any)])
    lonlat = np.vstack([street, hot, anywhere])
    start = pd.Timestamp("2025-11-01")
    seconds = rng.uniform(0, (pd.Timestamp("2026-11-01") - start).total_seconds(), n)
    frame = pd.DataFrame(
        {
            "time": start + pd.to_timedelta(seconds, unit="s"),
            "type": rng.choice(TYPES, n, p=TYPE_P),
            "lat": lonlat[:, 1],
            "lon": lonlat[:, 0],
            "facility_id": "",
            "description": "",
            "demo": True,
        },
        index=pd.Index([f"bench-{i}" for i in range(n)], name="incident_id"),
    )
    keep = frame["lon"].between(west, east) & frame["lat"].between(south, north)
    return frame[keep]


def facilities(nodes: np.ndarray, *, seed: int) -> pd.DataFrame:
    """200 banks and gold shops at street nodes."""
    rng = np.random.default_rng(seed + 1)
    picked = nodes[rng.choice(len(nodes), 200, replace=False)]
    return pd.DataFrame(
        {
            "name": [f"Cơ sở {i}" for i in range(200)],
            "kind": rng.choice(["bank", "gold_shop", "atm"], 200),
            "lat": picked[:, 1],
            "lon": picked[:, 0],
        },
        index=pd.Index([f"bench-site-{i}" for i in range(200)], name="facility_id"),
    )


def plans(sites: pd.DataFrame, *, seed: int) -> list[PatrolPlan]:
    """31 approved nightly plans of October 2026, 40 stops of 10 minutes each."""
    rng = np.random.default_rng(seed + 2)
    out = []
    for day in range(1, 32):
        chosen = sites.iloc[rng.choice(len(sites), 40, replace=False)]
        stops = [
            {"site": sid, "visit": 0, "node": k + 1, "arrive": 600 * k, "start": 600 * k,
             "depart": 600 * k + 600, "lat": float(row["lat"]), "lon": float(row["lon"])}
            for k, (sid, row) in enumerate(chosen.iterrows())
        ]  # fmt: skip
        document = {
            "format": "patrol-plan/1", "problem": f"night {day}", "value": 1, "travel_s": 0,
            "unserved": [], "status": "approved",
            "routes": [{"team": "T1", "depart": 0, "return": 25000, "travel_s": 0,
                        "stops": stops}],
            "shift": {"date": f"2026-10-{day:02d}", "start": "22:00", "end": "05:00"},
        }  # fmt: skip
        out.append(PatrolPlan.from_dict(document))
    return out


def main() -> None:
    """Build the data once, time the review, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--report", action="store_true", help="also time the PDF report")
    args = parser.parse_args()

    t0 = time.perf_counter()
    nodes = street_nodes()
    frame = incidents(nodes, args.incidents, seed=args.seed)
    sites = facilities(nodes, seed=args.seed)
    night_plans = plans(sites, seed=args.seed)
    setup_s = time.perf_counter() - t0
    print(f"street nodes: {len(nodes)}, incidents in the year: {len(frame)}, setup {setup_s:.1f} s")

    # Import the statistics libraries once, as the dashboard and the command have them loaded.
    import esda  # noqa: F401
    import libpysal.graph  # noqa: F401
    import scipy.stats  # noqa: F401

    variants = {
        "default (square, permutations)": Settings(),
        "normal p-values": Settings().replace(hotspots={"inference": "normal"}),
        "H3 hexagons": Settings().replace(hotspots={"grid": "h3"}),
    }
    rows = []
    review = None
    for name, settings in variants.items():
        times, cpu = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            result = monthly_review(
                frame, month="2026-10", bbox=BBOX, facilities=sites, plans=night_plans,
                area_name="Nha Trang (bench)", settings=settings, today=date(2026, 11, 23),
            )  # fmt: skip
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        review = review or result
        grid = result.grid
        rows.append(
            {
                "variant": name,
                "wall_s": statistics.median(times),
                "cpu_s": statistics.median(cpu),
                "wall_vs_10s": statistics.median(times) / 10.0,
                "month_incidents": len(result.incidents),
                "cells": grid.n if grid else 0,
                "cell_m": round(grid.cell_m) if grid else 0,
                "hot": len(result.gi.hot) if result.gi is not None else 0,
                "gaps": len(result.gaps),
                "new+intensifying": int(
                    result.cells["category"].isin(["new", "intensifying"]).sum()
                ),
            }
        )
    table = pd.DataFrame(rows).set_index("variant")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.to_string(float_format=lambda v: f"{v:.2f}"))
    if args.report and review is not None:
        from patrol.report import write_pdf

        t = time.perf_counter()
        out = write_pdf(review, ROOT / "bench" / "out" / "review-2026-10.pdf")
        print(f"PDF report: {time.perf_counter() - t:.1f} s -> {out}")


if __name__ == "__main__":
    main()
