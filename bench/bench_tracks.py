"""Benchmark: reading a night's GPS track and matching it to a team's route, and the report.

Tracks are made from the sample plan's street path (``tests/data/tracksynth.py``) at one point
a second (a phone logger's finest setting: 12,916 points for T1's 3.6-hour loop) and every 5 s,
written as GPX 1.1 with OsmAnd-style extensions; each is read (``geodata.tracks.read_track``)
and matched (``geodata.trackmatch.match_track``). Prints figures; asserts nothing.

Run::

    .venv/bin/python bench/bench_tracks.py
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.area import load_area  # noqa: E402
from geodata.trackmatch import match_track  # noqa: E402
from geodata.tracks import read_track  # noqa: E402
from routing.model import PatrolPlan  # noqa: E402


def _synth():
    spec = importlib.util.spec_from_file_location("tracksynth", ROOT / "tests/data/tracksynth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(repeat: int = 3) -> None:
    synth = _synth()
    doc = json.loads((ROOT / "tests/export/data/sample-plan.json").read_text("utf-8"))
    plan = PatrolPlan.from_dict(doc)
    bbox = load_area().bbox
    print(f"{'points':>8} {'MB':>6} {'read_s':>7} {'match_s':>8} {'made':>5} {'km':>6}")
    for every in (1.0, 5.0):
        raw = synth.gpx_with_gpxpy(synth.track_points(doc, "T1", every_s=every)).encode()
        reads, matches = [], []
        for _ in range(repeat):
            began = time.perf_counter()
            track = read_track(raw, "t1.gpx")
            reads.append(time.perf_counter() - began)
            began = time.perf_counter()
            result = match_track(track, team="T1", bbox=bbox, plan=plan)
            matches.append(time.perf_counter() - began)
        print(f"{len(track):>8} {len(raw) / 2**20:>6.2f} {statistics.median(reads):>7.2f} "
              f"{statistics.median(matches):>8.2f} {result.stops_made:>2}/{result.stops_planned:<2}"
              f" {result.distance_m / 1000:>6.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
