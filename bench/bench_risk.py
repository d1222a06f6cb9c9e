"""Benchmark the risk model at city scale: Nha Trang, 5,000 facilities, 50,000 incidents.

Facilities and incidents are synthetic, placed on the street nodes of the real Nha Trang extract
(``tests/data/osm/nha-trang-roads.osm.bz2``, bbox 12.142-12.378 N, 109.119-109.334 E), jittered
by up to 30 m; incidents span the year before the shift, clustered around a few hundred
"hot" nodes as real crime is. Synthetic buildings (footprints of 8 x 12 m around street nodes)
and residential blocks feed the isolation factor, so every step of ``assess_risk`` runs.

Target: one shift's risk for all facilities in under 2 s. Run::

    .venv/bin/python bench/bench_risk.py            # 5,000 x 50,000, 3 repeats
    .venv/bin/python bench/bench_risk.py --facilities 1000 --incidents 10000 --repeats 1

It prints the wall and CPU time of ``assess_risk`` (median of the repeats; the machine is shared,
so CPU time is the steadier figure), once with everything computed and once with the area's
isolation cached (it depends on the area, not the shift), and the wall time of each step.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import box

from geodata.osm import read_osm
from geodata.risk import (
    assess_risk,
    incident_contributions,
    isolation,
    measuring_crs,
    static_exposure,
)
from geodata.shift import Shift
from patrolbase.schema import (
    FACILITY_COLUMNS,
    INCIDENT_COLUMNS,
    CashLevel,
    FacilityKind,
    IncidentType,
)
from patrolbase.settings import Settings

EXTRACT = Path(__file__).parent.parent / "tests" / "data" / "osm" / "nha-trang-roads.osm.bz2"
SHIFT = Shift.parse("2026-11-23", "22:00-05:00", "01:00-03:00")


def _street_nodes() -> np.ndarray:
    data = read_osm(EXTRACT)
    used = {ref for way in data.ways for ref in way.refs}
    return np.array([data.coords[ref] for ref in used if ref in data.coords], dtype=float)


def _jitter(rng: np.random.Generator, lonlat: np.ndarray, metres: float) -> np.ndarray:
    d = rng.uniform(-metres, metres, size=lonlat.shape)
    lat = np.radians(lonlat[:, 1])
    moved: np.ndarray = lonlat + np.column_stack(
        [d[:, 0] / (111_320 * np.cos(lat)), d[:, 1] / 111_320]
    )
    return moved


def synthetic(
    nodes: np.ndarray, *, facilities: int, incidents: int, buildings: int, seed: int
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Facilities, incidents, buildings and residential blocks on the street nodes."""
    rng = np.random.default_rng(seed)
    kinds = [k.value for k in FacilityKind]
    where = _jitter(rng, nodes[rng.integers(0, len(nodes), facilities)], 30)
    na = pd.NA
    fac = pd.DataFrame(
        {
            "name": [f"Site {i}" for i in range(facilities)],
            "kind": rng.choice(kinds, facilities),
            "lat": where[:, 1],
            "lon": where[:, 0],
            "source": "survey",
            "osm_id": "",
            "address": "",
            "opening_hours": rng.choice(["", "24/7", "Mo-Sa 07:30-17:00"], facilities),
            "operator": "",
            "cash_level": rng.choice([*(c.value for c in CashLevel), ""], facilities),
            "guard": pd.array(rng.choice([True, False, na], facilities), dtype="boolean"),
            "camera": pd.array(rng.choice([True, False, na], facilities), dtype="boolean"),
            "alarm": pd.array(rng.choice([True, False, na], facilities), dtype="boolean"),
            "contact": "",
            "notes": "",
        },
        index=pd.Index([f"survey-{i}" for i in range(facilities)], name="facility_id"),
    )
    fac_gdf = gpd.GeoDataFrame(
        fac[list(FACILITY_COLUMNS[:-1])],
        geometry=gpd.points_from_xy(fac["lon"], fac["lat"]),
        crs="EPSG:4326",
    )
    # Half the incidents cluster around 300 hot nodes, half anywhere on the streets.
    hot = nodes[rng.integers(0, len(nodes), 300)]
    clustered = incidents // 2
    centres = np.vstack(
        [
            hot[rng.integers(0, len(hot), clustered)],
            nodes[rng.integers(0, len(nodes), incidents - clustered)],
        ]
    )
    at = _jitter(rng, centres, 150)
    # A fifth happen at a facility (as the ward's log records them): they teach the hour profile.
    at_site = rng.random(incidents) < 0.2
    site_of = rng.integers(0, facilities, incidents)
    at[at_site] = _jitter(rng, where[site_of[at_site]], 10)
    site_ids = np.where(at_site, fac.index.to_numpy()[site_of], "")
    ages = rng.exponential(120, incidents).clip(0, 365)
    times = pd.Timestamp(SHIFT.start_dt) - pd.to_timedelta(ages * 86400, unit="s")
    types = [t.value for t in IncidentType]
    inc = pd.DataFrame(
        {
            "time": times.floor("min"),
            "type": rng.choice(types, incidents, p=[0.1, 0.2, 0.25, 0.25, 0.1, 0.05, 0.05]),
            "lat": at[:, 1],
            "lon": at[:, 0],
            "facility_id": site_ids,
            "description": "",
            "demo": True,
        },
        index=pd.Index([f"bench-{i}" for i in range(incidents)], name="incident_id"),
    )
    inc_gdf = gpd.GeoDataFrame(
        inc[list(INCIDENT_COLUMNS[:-1])],
        geometry=gpd.points_from_xy(inc["lon"], inc["lat"]),
        crs="EPSG:4326",
    )
    crs = measuring_crs(fac_gdf)
    centre = gpd.GeoSeries(
        gpd.points_from_xy(*_jitter(rng, nodes[rng.integers(0, len(nodes), buildings)], 40).T),
        crs="EPSG:4326",
    ).to_crs(crs)
    x, y = centre.x.to_numpy(), centre.y.to_numpy()
    footprints = gpd.GeoDataFrame(
        {"building": rng.choice(["yes", "house", "school", "commercial"], buildings)},
        geometry=box(x - 4, y - 6, x + 4, y + 6),
        crs=crs,
    ).to_crs("EPSG:4326")
    blocks_at = centre.iloc[rng.integers(0, buildings, 400)]
    bx, by = blocks_at.x.to_numpy(), blocks_at.y.to_numpy()
    blocks = gpd.GeoDataFrame(
        {"landuse": ["residential"] * len(bx)},
        geometry=box(bx - 80, by - 80, bx + 80, by + 80),
        crs=crs,
    ).to_crs("EPSG:4326")
    return fac_gdf, inc_gdf, footprints, blocks


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=5000)
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument("--buildings", type=int, default=30_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    t0 = time.perf_counter()
    nodes = _street_nodes()
    fac, inc, bld, res = synthetic(
        nodes,
        facilities=args.facilities,
        incidents=args.incidents,
        buildings=args.buildings,
        seed=args.seed,
    )
    print(
        f"setup {time.perf_counter() - t0:.1f} s: {len(nodes)} street nodes of {EXTRACT.name}, "
        f"{len(fac)} facilities, {len(inc)} incidents, {len(bld)} buildings, {len(res)} blocks"
    )
    settings = Settings()
    crs = measuring_crs(fac)
    totals, cpu, per_shift, per_shift_cpu = [], [], [], []
    area_isolation = isolation(fac, res, bld, crs=crs, settings=settings)
    for _ in range(args.repeats):
        t, c = time.perf_counter(), time.process_time()
        result = assess_risk(
            fac, inc, shift=SHIFT, residential=res, buildings=bld, crs=crs, settings=settings
        )
        totals.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        assess_risk(
            fac, inc, shift=SHIFT, crs=crs, isolation_table=area_isolation, settings=settings
        )
        per_shift.append(time.perf_counter() - t)
        per_shift_cpu.append(time.process_time() - c)
    steps = {}
    t = time.perf_counter()
    iso = isolation(fac, res, bld, crs=crs, settings=settings)
    steps["isolation"] = time.perf_counter() - t
    t = time.perf_counter()
    static_exposure(fac, isolation_table=iso, settings=settings)
    steps["static exposure"] = time.perf_counter() - t
    t = time.perf_counter()
    pairs = incident_contributions(fac, inc, at=SHIFT.start_dt, crs=crs, settings=settings)
    steps["incident pressure"] = time.perf_counter() - t
    t = time.perf_counter()
    result.explain(str(result.peak.idxmax()))
    steps["one explanation"] = time.perf_counter() - t

    shape = result.scores.shape
    print(
        f"assess_risk, {shape[0]} facilities x {shape[1]} slots ({SHIFT.label()}), "
        f"{args.repeats} run(s), median wall / CPU seconds; target < 2 s:"
    )
    for label, wall, used in (
        ("everything (isolation included)", totals, cpu),
        ("one shift, area isolation cached", per_shift, per_shift_cpu),
    ):
        w, c = statistics.median(wall), statistics.median(used)
        print(
            f"  {label:<34} wall {w:5.2f} s  CPU {c:5.2f} s  "
            f"(wall/target {w / 2:.2f}, CPU/target {c / 2:.2f}; runs "
            f"{', '.join(f'{x:.2f}' for x in wall)})"
        )
    print("steps (one run, wall):")
    for name, seconds in steps.items():
        print(f"  {name:<18} {seconds:6.2f} s")
    levels = result.levels.value_counts().to_dict()
    print(
        f"  {len(pairs)} facility-incident pairs within {settings.risk.incident_radius_m:.0f} m; "
        f"hour profile learnt for {int((result.profile.source == 'learnt').sum())} kinds; "
        f"levels {levels}"
    )


if __name__ == "__main__":
    main()
