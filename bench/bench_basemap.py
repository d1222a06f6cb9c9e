"""Figures of the street background (``geodata.basemap``) on the embedded default area.

Prints how long it takes to build the background, how big its GeoJSON is (what every offline
map page embeds), and how long a matplotlib figure with it takes to render, with how many street
names it placed. Medians of a few runs; no assertion.

    .venv/bin/python bench/bench_basemap.py
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any


def _median_s(run: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    """Print the figures."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from geodata.area import load_area
    from geodata.basemap import background_geojson, draw_background, street_background

    area = load_area()
    build_s, bg = _median_s(lambda: street_background(area))
    geojson_s, layers = _median_s(lambda: background_geojson(bg))
    sizes = {
        name: len(json.dumps(layer, ensure_ascii=False, separators=(",", ":")))
        for name, layer in layers.items()
    }

    def render() -> int:
        fig = Figure(figsize=(8.27, 6.0), dpi=150)
        canvas = FigureCanvasAgg(fig)
        names = draw_background(fig.add_subplot(), bg)
        canvas.draw()
        return len(names.drawn)

    render_s, drawn = _median_s(render, repeat=3)
    print(f"area: {area.name}")
    print(f"streets {len(bg.streets)} (named {len(bg.street_names())}), name anchors "
          f"{len(bg.labels)}, buildings {len(bg.buildings)}, water {len(bg.water)}")  # fmt: skip
    print(f"street_background: {build_s * 1000:.0f} ms (median of 5)")
    print(f"background_geojson: {geojson_s * 1000:.0f} ms; {sum(sizes.values()) / 1000:.0f} kB "
          + ", ".join(f"{k} {v / 1000:.0f} kB" for k, v in sizes.items() if v > 100))  # fmt: skip
    print(f"A4-wide figure at 150 dpi: {render_s * 1000:.0f} ms, {drawn} street names placed")


if __name__ == "__main__":
    main()
