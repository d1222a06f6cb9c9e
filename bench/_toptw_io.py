"""Read TOPTW instances (``bench/toptw``) and turn them into ``patrol-problem/1`` documents.

Mapping (``bench/toptw/README.md``): node 0 is the depot, one site per vertex with one visit
``[O, C]`` of value S and ``service_s = d``; m identical teams start and end at node 0 with shift
``[0, C of vertex 0]``. Integer units: tenths for Solomon-based instances (c, r, rc), hundredths
for Cordeau-based ones (pr); distances floored after scaling.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

__all__ = ["TOPTW", "best_known", "read_instance", "to_problem"]

TOPTW = Path(__file__).parent / "toptw"


def read_instance(name: str) -> list[tuple[float, float, float, float, float, float]]:
    """Vertices ``(x, y, service, score, open, close)`` of instance ``name``; vertex 0 the depot."""
    lines = (TOPTW / "instances" / f"{name}.txt").read_text().split("\n")
    rows = []
    for line in lines[2:]:
        parts = line.split()
        if not parts:
            continue
        x, y, d, s = (float(v) for v in parts[1:5])
        rows.append((x, y, d, s, float(parts[-2]), float(parts[-1])))
    return rows


def to_problem(name: str, teams: int) -> dict[str, Any]:
    """Return the ``patrol-problem/1`` document of instance ``name`` with ``teams`` teams."""
    rows = read_instance(name)
    scale = 100 if name.startswith("pr") else 10
    n = len(rows)
    travel = [
        [math.floor(math.hypot(a[0] - b[0], a[1] - b[1]) * scale + 1e-9) for b in rows]
        for a in rows
    ]
    close = round(rows[0][5] * scale)
    return {
        "format": "patrol-problem/1",
        "name": f"{name} m={teams}",
        "nodes": [{"id": str(i)} for i in range(n)],
        "travel_s": travel,
        "teams": [
            {"id": f"T{t + 1}", "start": 0, "end": 0, "shift": [0, close]} for t in range(teams)
        ],
        "sites": [
            {
                "id": str(i),
                "node": i,
                "service_s": round(rows[i][2] * scale),
                "visits": [
                    {
                        "earliest": round(rows[i][4] * scale),
                        "latest": round(rows[i][5] * scale),
                        "value": rows[i][3],
                    }
                ],
            }
            for i in range(1, n)
        ],
    }


def best_known() -> dict[tuple[str, int], float]:
    """Best known score per ``(instance, teams)``."""
    with (TOPTW / "best_known.csv").open() as fh:
        return {
            (r["instance"], int(r["teams"])): float(r["best_known"]) for r in csv.DictReader(fh)
        }
