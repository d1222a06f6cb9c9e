"""GPS tracks of a patrol: GPX 1.0/1.1 and KML files from any phone logger, read safely.

``read_track(raw, name)`` returns a ``Track``: the timed points in the order recorded (UTC
instants). Loggers differ (OsmAnd's trip recording writes GPX 1.1 with its own extensions,
GPS Logger and older tools GPX 1.0, Google Earth and others KML with ``gx:Track`` or timed
``Placemark`` points), so elements are found by local name in any namespace and unknown
extensions are ignored. The file is parsed by ``defusedxml``: no DTD, no entity, no outside
reference is resolved (an uploaded file is untrusted). A file that cannot be used raises
``InputFileError`` naming the file and what is wrong, in Vietnamese and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from patrolbase.errors import InputFileError, Problem

__all__ = ["Track", "read_track", "read_track_file"]


@dataclass(frozen=True)
class Track:
    """Timed points of one GPS track, oldest first.

    ``lon``, ``lat`` in degrees (WGS84); ``t`` in seconds since 1970-01-01 UTC (float).
    ``name``: the file it came from; ``format``: ``gpx-1.0``, ``gpx-1.1`` or ``kml``.
    """

    name: str
    format: str
    lon: np.ndarray
    lat: np.ndarray
    t: np.ndarray

    def __len__(self) -> int:
        """Return the number of points."""
        return len(self.t)

    @property
    def start(self) -> datetime:
        """First instant (UTC)."""
        return datetime.fromtimestamp(float(self.t[0]), UTC)

    @property
    def end(self) -> datetime:
        """Last instant (UTC)."""
        return datetime.fromtimestamp(float(self.t[-1]), UTC)

    def to_list(self) -> list[list[float]]:
        """``[[lon, lat, t], ...]`` for storing (6 decimals is 0.1 m)."""
        return [
            [round(float(x), 6), round(float(y), 6), round(float(s), 1)]
            for x, y, s in zip(self.lon, self.lat, self.t, strict=True)
        ]

    @classmethod
    def from_list(cls, points: list[list[float]], *, name: str = "", fmt: str = "") -> Track:
        """Rebuild a stored track (``to_list``)."""
        array = np.asarray(points, dtype=float).reshape(-1, 3)
        return cls(name, fmt, array[:, 0], array[:, 1], array[:, 2])


_Point = tuple[float, float, float | None]
"""lon, lat, and the epoch time when the file gives one."""


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child.tag) == name]


def _descendants(element: Any, name: str) -> list[Any]:
    return [child for child in element.iter() if _local(child.tag) == name]


def _parse_time(text: str | None) -> float | None:
    """Read an ISO 8601 instant as epoch seconds; naive times are UTC (as GPX says)."""
    if not text or not text.strip():
        return None
    raw = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _float(text: str | None) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def _problem(
    name: str, en: str, vi: str, *, row: int | None = None, value: str | None = None
) -> Problem:
    return Problem(name, row, None, value, en, vi)


def _gpx_points(root: Any, name: str) -> tuple[list[_Point], list[Problem]]:
    """Track points of every ``trk``/``trkseg`` in file order (``rte``/``wpt`` are plans)."""
    points: list[_Point] = []
    problems: list[Problem] = []
    for k, pt in enumerate(_descendants(root, "trkpt"), start=1):
        lat, lon = _float(pt.get("lat")), _float(pt.get("lon"))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.append(
                _problem(
                    name,
                    f"track point {k} has no valid lat/lon",
                    f"điểm thứ {k} của lộ trình không có tọa độ hợp lệ",
                    row=k,
                    value=f"lat={pt.get('lat')} lon={pt.get('lon')}",
                )
            )
            continue
        times = _children(pt, "time")
        points.append((lon, lat, _parse_time(times[0].text) if times else None))
    return points, problems


def _kml_points(root: Any, name: str) -> tuple[list[_Point], list[Problem]]:
    """``gx:Track`` (``when`` + ``gx:coord``) or timed ``Placemark`` points; else untimed lines."""
    points: list[_Point] = []
    problems: list[Problem] = []
    for track in _descendants(root, "Track"):
        whens = [_parse_time(w.text) for w in _children(track, "when")]
        coords = [str(c.text or "").split() for c in _children(track, "coord")]
        if len(whens) != len(coords):
            problems.append(
                _problem(
                    name,
                    f"a gx:Track has {len(whens)} times for {len(coords)} positions",
                    f"một gx:Track có {len(whens)} thời điểm cho {len(coords)} vị trí",
                )
            )
            continue
        for when, parts in zip(whens, coords, strict=True):
            lon = _float(parts[0]) if parts else None
            lat = _float(parts[1]) if len(parts) > 1 else None
            if lon is not None and lat is not None:
                points.append((lon, lat, when))
    if points or problems:
        return points, problems
    for mark in _descendants(root, "Placemark"):
        stamps = _descendants(mark, "TimeStamp")
        stamp: float | None = None
        if stamps:
            stamp_whens = _children(stamps[0], "when")
            stamp = _parse_time(stamp_whens[0].text) if stamp_whens else None
        for point in _descendants(mark, "Point"):
            for coord in _children(point, "coordinates"):
                parts = str(coord.text or "").strip().split(",")
                lon, lat = _float(parts[0]), _float(parts[1]) if len(parts) > 1 else None
                if lon is not None and lat is not None:
                    points.append((lon, lat, stamp))
        for line in _descendants(mark, "LineString"):
            for coord in _children(line, "coordinates"):
                for item in str(coord.text or "").split():
                    parts = item.split(",")
                    lon, lat = _float(parts[0]), _float(parts[1]) if len(parts) > 1 else None
                    if lon is not None and lat is not None:
                        points.append((lon, lat, None))
    return points, problems


def read_track(raw: bytes, name: str, *, min_points: int = 10) -> Track:
    """Read a GPX or KML track from the bytes of an uploaded file.

    Parameters
    ----------
    raw
        The file's bytes.
    name
        The file name, shown in every message.
    min_points
        Fewest timed points accepted (``records.min_points``).

    Returns
    -------
    Track
        Timed points sorted by time; points without a time are refused, not guessed.

    Raises
    ------
    InputFileError
        Not XML, not GPX or KML, no track points, points without times, too few points.

    """
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True)
    except DefusedXmlException:
        msg_en = "the file declares a DTD or entities, which a GPS track never needs; refused"
        msg_vi = "tệp khai báo DTD hoặc thực thể XML (tệp lộ trình GPS không cần): từ chối"
        raise InputFileError(name, msg_en, message_vi=msg_vi) from None
    except SafeET.ParseError as exc:
        msg_en = (
            f"not a readable XML file ({exc}); export the track again from the logger as "
            "GPX (or KML)"
        )
        msg_vi = (
            "tệp không đọc được (không phải XML hợp lệ, có thể bị hỏng hoặc tải thiếu); hãy xuất "
            "lại lộ trình từ ứng dụng ghi GPS dưới dạng GPX (hoặc KML)"
        )
        raise InputFileError(name, msg_en, message_vi=msg_vi) from None
    kind = _local(root.tag)
    if kind == "gpx":
        namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        fmt = "gpx-1.0" if namespace.endswith("/1/0") or root.get("version") == "1.0" else "gpx-1.1"
        points, problems = _gpx_points(root, name)
    elif kind == "kml":
        fmt = "kml"
        points, problems = _kml_points(root, name)
    else:
        msg_en = f"a <{kind}> document is neither GPX nor KML; upload the track as .gpx or .kml"
        msg_vi = (
            f"tệp là <{kind}>, không phải GPX hay KML; hãy tải lên lộ trình dạng .gpx hoặc .kml"
        )
        raise InputFileError(name, msg_en, message_vi=msg_vi)
    if not points and not problems:
        problems.append(
            _problem(
                name,
                "no track points: the file holds no recorded track (trk/trkpt or gx:Track); a "
                "planned route (rte) or waypoints are not what the team did",
                "tệp không có điểm lộ trình đã ghi (trk/trkpt hoặc gx:Track); tuyến dự kiến "
                "(rte) hay các điểm đánh dấu không phải là lộ trình thực tế của tổ",
            )
        )
    untimed = sum(1 for p in points if p[2] is None)
    if untimed:
        problems.append(
            _problem(
                name,
                f"{untimed} of {len(points)} points have no time; turn on time recording in the "
                "logger (every GPS logger writes it) and export the track again",
                f"{untimed}/{len(points)} điểm không có thời gian; bật ghi thời gian trong ứng "
                "dụng ghi GPS rồi xuất lại lộ trình",
            )
        )
    timed = [p for p in points if p[2] is not None]
    if points and not untimed and len(timed) < min_points:
        problems.append(
            _problem(
                name,
                f"only {len(timed)} timed point(s); a patrol's track needs at least {min_points} "
                "(did the logger stop at once?)",
                f"chỉ có {len(timed)} điểm; lộ trình một ca tuần tra cần ít nhất {min_points} "
                "điểm (ứng dụng ghi GPS có bị dừng ngay không?)",
            )
        )
    if problems:
        raise InputFileError(name, problems)
    array = np.asarray(sorted(timed, key=lambda p: float(p[2] or 0.0)), dtype=float)
    return Track(name, fmt, array[:, 0], array[:, 1], array[:, 2])


def read_track_file(path: str | Path, *, min_points: int = 10, max_mb: float = 20.0) -> Track:
    """Read a track file from disk (``read_track``), refusing one above ``max_mb``."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_mb * 2**20:
        mb = f"{size / 2**20:.1f}"
        raise InputFileError(
            path.name,
            f"{mb} MB; a track file is at most {max_mb:g} MB",
            message_vi=f"tệp dài {mb.replace('.', ',')} MB; tệp lộ trình tối đa "
            f"{f'{max_mb:g}'.replace('.', ',')} MB",
        )
    return read_track(path.read_bytes(), path.name, min_points=min_points)
