"""Store benchmark: an upload of 100,000 incident rows, 1,000,000 incidents stored, queries.

Prints, for the SQLite store in a temporary folder (journal mode as the settings choose for this
SQLite library, ``synchronous=FULL``):

- the upload of a 100,000-row CSV through ``repo.upload_incident_file`` (size check, reading
  with ``geodata.io``, checks, one transaction); the target is under 30 s. Reading the file alone
  is timed in a second, separate run; ``--profile`` runs the upload under cProfile and prints the
  20 heaviest calls;
- inserting 1,000,000 incidents (10 uploads of 100,000 rows over 4 areas) through
  ``repo.import_incidents``;
- queries on the full table: counts per month of one area, one month of one area loaded as a
  frame, median of 5 runs each;
- the database size.

Usage: ``python bench/bench_store.py [--incidents 1000000] [--upload-rows 100000]
[--journal auto|wal|delete] [--profile]``; ``--quick`` runs 200,000 / 20,000.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.io import read_incidents, write_incidents
from patrol.store import auth, repo
from patrol.store.db import open_store, sqlite, sqlite_journal_mode
from patrolbase.schema import IncidentType
from patrolbase.settings import Settings

BBOX = (105.826, 21.020, 105.842, 21.034)
AREAS = ["Văn Miếu - Quốc Tử Giám", "Cát Linh", "Chợ Quán", "Tân Định"]


def synthetic_incidents(count: int, *, seed: int, prefix: str) -> gpd.GeoDataFrame:
    """``count`` incidents spread over Nov 2023 - Oct 2026 in the Hà Nội box (ids ``prefix-N``)."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-11-01T00:00")  # three years, all in the past
    minutes = rng.integers(0, 3 * 365 * 24 * 60, count)
    times = pd.to_datetime(start + minutes.astype("timedelta64[m]"))
    types = rng.choice([t.value for t in IncidentType], count)
    lat = rng.uniform(BBOX[1], BBOX[3], count).round(6)
    lon = rng.uniform(BBOX[0], BBOX[2], count).round(6)
    frame = pd.DataFrame(
        {
            "time": times,
            "type": types,
            "lat": lat,
            "lon": lon,
            "facility_id": "",
            "description": "Dữ liệu minh họa: trộm cắp tài sản",
            "demo": True,
        },
        index=pd.Index([f"{prefix}-{i}" for i in range(count)], name="incident_id"),
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def timed(func: Callable[[], object]) -> tuple[float, object]:
    """Seconds ``func`` took, and what it returned."""
    began = time.perf_counter()
    result = func()
    return time.perf_counter() - began, result


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--upload-rows", type=int, default=100_000)
    parser.add_argument("--journal", choices=["auto", "wal", "delete"], default="auto")
    parser.add_argument("--quick", action="store_true", help="200,000 stored, 20,000 uploaded")
    parser.add_argument("--profile", action="store_true", help="cProfile the upload")
    args = parser.parse_args()
    if args.quick:
        args.incidents, args.upload_rows = 200_000, 20_000
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings().replace(store={"data_dir": tmp, "sqlite_journal": args.journal})
        store = open_store(settings)
        print(
            f"SQLite {sqlite.sqlite_version} ({sqlite.__name__}), "
            f"journal_mode={sqlite_journal_mode(settings)}, "
            "synchronous=FULL"
        )
        who = auth.create_user(
            store, "phantich", "bench pass phrase 2026", role=auth.Role.ANALYST
        ).principal

        # 1. one upload of a real CSV file, as the dashboard makes it
        path = Path(tmp) / "vu-viec.csv"
        write_incidents(synthetic_incidents(args.upload_rows, seed=1, prefix="up"), path)

        def upload() -> object:
            return repo.upload_incident_file(store, who, path, area=AREAS[0])

        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            upload_s, _ = timed(lambda: profiler.runcall(upload))
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
        else:
            upload_s, _ = timed(upload)
        read_s, _ = timed(lambda: read_incidents(path))  # the reading half, a separate run
        print(
            f"upload {args.upload_rows:,} rows ({path.stat().st_size / 1e6:.1f} MB CSV) through "
            f"repo.upload_incident_file{' (profiled)' if args.profile else ''}: {upload_s:.1f} s; "
            f"target < 30 s: {'met' if upload_s < 30 else 'NOT met'}; reading the file alone "
            f"(geodata.io, separate run): {read_s:.1f} s"
        )

        # 2. bulk: the rest of the incidents as uploads of up to 100,000 rows
        remaining = max(0, args.incidents - args.upload_rows)
        batch = 100_000
        insert_s = 0.0
        done = 0
        for k in range(0, remaining, batch):
            size = min(batch, remaining - k)
            frame = synthetic_incidents(size, seed=100 + k, prefix=f"b{k}")
            seconds, _ = timed(
                functools.partial(
                    repo.import_incidents,
                    store,
                    who,
                    frame,
                    area=AREAS[(k // batch) % len(AREAS)],
                    filename=f"batch-{k}",
                )
            )
            insert_s += seconds
            done += size
        if done:
            print(
                f"insert {done:,} more incidents in {done // batch + (done % batch > 0)} "
                f"uploads: {insert_s:.1f} s ({done / insert_s:,.0f} rows/s, checks included)"
            )
        total = done + args.upload_rows

        # 3. queries on the whole table
        def median(func: Callable[[], object], runs: int = 5) -> tuple[float, object]:
            results = [timed(func) for _ in range(runs)]
            return statistics.median(r[0] for r in results), results[-1][1]

        by_month_s, months = median(
            lambda: repo.incident_counts_by_month(store, who, area=AREAS[1])
        )
        year_s, _ = median(
            lambda: repo.incident_counts_by_month(store, who, area=AREAS[1], year=2025)
        )
        month_s, frame = median(
            lambda: repo.load_incidents(
                store, who, area=AREAS[1], start=datetime(2025, 3, 1), end=datetime(2025, 4, 1)
            )
        )
        assert isinstance(months, dict)
        print(f"{total:,} incidents stored; queries (median of 5):")
        print(
            f"  counts per month, one area ({sum(months.values()):,} incidents, {len(months)} "
            f"months): {by_month_s * 1000:.0f} ms; one year: {year_s * 1000:.0f} ms"
        )
        print(f"  one month of one area as a frame ({len(frame):,} rows): {month_s * 1000:.0f} ms")  # type: ignore[arg-type]
        size_mb = store.sqlite_path.stat().st_size / 1e6 if store.sqlite_path else float("nan")
        print(f"database file: {size_mb:.0f} MB")
        store.close()


if __name__ == "__main__":
    main()
