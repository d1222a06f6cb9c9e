"""Benchmark the briefings on the embedded ward: street background, phone page, PDF briefing.

Plans one night on the default area (3 teams), then times, per team, the offline phone page and
the A4 briefing drawn on the ward's streets, and prints their sizes and how many street names
each map shows. Run::

    .venv/bin/python bench/bench_briefing.py [--date 2026-12-05] [--repeats 3]

Figures are medians of the repeats (wall seconds; the machine is shared).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import statistics
import time
from datetime import date

from geodata.basemap import street_background
from geodata.shift import Shift
from patrol.export import read_plan, to_html, to_pdf
from patrol.pipeline import load_inputs, plan_shift


def _timed(func, repeats):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default="2026-12-05")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    inputs = load_inputs(demo_until=date.fromisoformat(args.date))
    shift = Shift.parse(args.date, "22:00-05:00", "01:00-03:00")
    result = plan_shift(inputs, shift, n_teams=3, time_limit_s=3, seed=1)
    seconds, bg = _timed(lambda: street_background(inputs.area), args.repeats)
    print(f"street_background(area): {seconds:.2f} s (once per area; cached by callers)")
    plan = dataclasses.replace(read_plan(result.plan), background=bg)
    for route in plan.routes:
        html_s, page = _timed(lambda r=route: to_html(plan, team=r.team), args.repeats)
        pdf_s, pdf = _timed(lambda r=route: to_pdf(plan, team=r.team), args.repeats)
        names = re.findall(r'<text class="sl (z0|z1)"', page)
        print(
            f"{route.team}: {len(route.stops)} stops; phone page {html_s:.2f} s, "
            f"{len(page) / 1024:.0f} kB, {names.count('z0')} street names at first view, "
            f"{len(names)} zoomed in; PDF {pdf_s:.2f} s, {len(pdf) / 1024:.0f} kB"
        )


if __name__ == "__main__":
    main()
