"""Tracks made from a plan's street path with times, as a phone logger would record them.

The team leaves the depot at the route's ``depart``, reaches each stop's position on the path at
its planned arrival, stays until its planned departure and is back at ``return``; between these
moments it rides at even speed along the path. A point every ``every_s`` seconds, with a few
metres of GPS noise that drifts slowly, as a phone's fixes do. ``skip`` drives past those visits
without stopping (staying longer at the stop before); ``delay_s`` from visit ``late_from`` on
holds the team up at the stop before and shifts the rest of the night later.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from patrolbase.clock import WARD_TZ


def _anchors(route: dict[str, Any]) -> list[tuple[int, float]]:
    path = np.asarray(route["path"], dtype=float)
    out: list[tuple[int, float]] = []
    at = 0
    for stop in route["stops"]:
        d = np.hypot(path[at:, 0] - stop["lon"], path[at:, 1] - stop["lat"])
        at += int(np.flatnonzero(d < 1e-6)[0]) if (d < 1e-6).any() else int(d.argmin())
        out.append((at, stop))
    return out


def track_points(
    plan: dict[str, Any],
    team: str,
    *,
    skip: frozenset[tuple[str, int]] = frozenset(),
    late_from: int | None = None,
    delay_s: float = 0.0,
    every_s: float = 5.0,
    noise_m: float = 4.0,
    seed: int = 1,
) -> list[tuple[float, float, datetime]]:
    """``(lon, lat, UTC time)`` points of ``team``'s night."""
    route = next(r for r in plan["routes"] if r["team"] == team)
    shift = plan["shift"]
    start = datetime.fromisoformat(f"{shift['date']}T{shift['start']}").replace(tzinfo=WARD_TZ)
    base = start.timestamp()
    path = np.asarray(route["path"], dtype=float)
    # (path index, seconds from shift start) that the team must keep
    keep: list[tuple[int, float]] = [(0, float(route["depart"]))]
    for k, (index, stop) in enumerate(_anchors(route)):
        late = delay_s if late_from is not None and k >= late_from else 0.0
        if k == late_from:  # held up at the stop before, then riding at the usual speed
            keep[-1] = (keep[-1][0], keep[-1][1] + delay_s)
        if (stop["site"], stop["visit"]) in skip:
            # the team stays on where it was and rides past at its usual speed
            index_before, time_before = keep[-1]
            keep[-1] = (index_before, time_before + stop["depart"] - stop["arrive"])
            keep.append((index, stop["depart"] + late))
            continue
        keep.append((index, stop["arrive"] + late))
        keep.append((index, stop["depart"] + late))
    keep.append((len(path) - 1, float(route["return"]) + (delay_s if late_from is not None else 0)))
    seg = np.hypot(np.diff(path[:, 0]) * np.cos(np.radians(21.03)), np.diff(path[:, 1]))
    along = np.concatenate([[0.0], np.cumsum(seg)])
    # time at every anchor: piecewise linear in distance between the kept moments
    marks_d = [along[i] for i, _ in keep]
    marks_t = [t for _, t in keep]
    samples_t = np.arange(marks_t[0], marks_t[-1], every_s)
    # distance travelled at each sample time (distance is flat while the team stays)
    dist = np.interp(samples_t, marks_t, marks_d)
    lon = np.interp(dist, along, path[:, 0])
    lat = np.interp(dist, along, path[:, 1])
    rng = np.random.default_rng(seed)
    drift = np.zeros((len(lon), 2))
    rho = 0.95  # each fix keeps most of the last one's error
    shocks = rng.normal(0, noise_m * np.sqrt(1 - rho**2), drift.shape)
    for k in range(1, len(drift)):
        drift[k] = rho * drift[k - 1] + shocks[k]
    lon = lon + drift[:, 0] / 104_000
    lat = lat + drift[:, 1] / 110_540
    return [
        (float(x), float(y), datetime.fromtimestamp(base + float(t), WARD_TZ))
        for x, y, t in zip(lon, lat, samples_t, strict=True)
    ]


def gpx_with_gpxpy(points: list[tuple[float, float, datetime]]) -> str:
    """GPX 1.1 as gpxpy writes it, with an OsmAnd-style extension on every point."""
    import xml.etree.ElementTree as ET

    import gpxpy
    import gpxpy.gpx

    gpx = gpxpy.gpx.GPX()
    gpx.creator = "OsmAnd~ 4.8"
    gpx.nsmap["osmand"] = "https://osmand.net"
    track = gpxpy.gpx.GPXTrack(name="Ghi lộ trình")
    segment = gpxpy.gpx.GPXTrackSegment()
    for lon, lat, when in points:
        point = gpxpy.gpx.GPXTrackPoint(lat, lon, elevation=12.0, time=when)
        speed = ET.Element("osmand:speed")
        speed.text = "4.2"
        point.extensions.append(speed)
        segment.points.append(point)
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml(version="1.1")


def gpx_10(points: list[tuple[float, float, datetime]]) -> str:
    """GPX 1.0 as GPS Logger and older tools write it (UTC times, ``speed`` in the point)."""
    rows = "".join(
        f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>11</ele>'
        f"<time>{when.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
        "</time><speed>3.1</speed></trkpt>"
        for lon, lat, when in points
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.0" creator="GPSLogger 131" '
        'xmlns="http://www.topografix.com/GPX/1/0"><trk><name>20261123</name><trkseg>'
        f"{rows}</trkseg></trk></gpx>"
    )


def kml_track(points: list[tuple[float, float, datetime]]) -> str:
    """KML 2.2 with a ``gx:Track`` (Google Earth's timed track)."""
    from datetime import UTC

    whens = "".join(f"<when>{w.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}</when>" for _, _, w in points)
    coords = "".join(f"<gx:coord>{x} {y} 0</gx:coord>" for x, y, _ in points)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Placemark><gx:Track>'
        f"{whens}{coords}</gx:Track></Placemark></Document></kml>"
    )
