"""Residential groups from a KML file (Google Earth, Google My Maps, QGIS), read safely.

Each ``Placemark`` is one group: its ``Polygon``, or the polygons of its ``MultiGeometry``
(a group in several pieces), named by its ``<name>``. Elements are found by local name in any
namespace (KML 2.2 with or without ``gx:`` extensions, files without a namespace), folders
are looked into, ``<Style>`` and other elements are ignored. A placemark without a polygon (a
pin, a line) is kept as ``None`` so that the checks of ``geodata.io.groups.check_groups`` name
it by its number in the file.

The file is parsed by ``defusedxml`` (no DTD, no entity, no outside reference), as the track
reader does: an uploaded file is untrusted. GDAL's KML driver (through ``pyogrio``) would also
read it, but splits a file into one layer per folder and loses each placemark's place in the
file, which the messages need.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from patrolbase.errors import InputFileError

__all__ = ["kml_groups"]


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _first(element: Any, name: str) -> Any:
    return next((child for child in element if _local(child.tag) == name), None)


def _ring(element: Any) -> list[tuple[float, float]] | None:
    """Longitude/latitude of a ``LinearRing``'s coordinates; ``None`` when unreadable."""
    ring = next((e for e in element.iter() if _local(e.tag) == "coordinates"), None)
    if ring is None or not (ring.text or "").strip():
        return None
    points = []
    for item in ring.text.split():
        parts = item.split(",")
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except (IndexError, ValueError):
            return None
        points.append((lon, lat))
    return points


def _polygon(element: Any) -> Any:
    """Return the shapely polygon of a KML ``Polygon``; ``None`` when it cannot be one."""
    from shapely.geometry import Polygon

    outer_box = _first(element, "outerBoundaryIs")
    outer = _ring(outer_box) if outer_box is not None else None
    holes = [_ring(e) for e in element if _local(e.tag) == "innerBoundaryIs"]
    if outer is None or len(outer) < 4 or any(h is None or len(h) < 4 for h in holes):
        return None
    return Polygon(outer, [h for h in holes if h is not None])


def _geometry(placemark: Any) -> Any:
    """Return the placemark's polygon or multipolygon; ``None`` without a usable one."""
    from shapely.geometry import MultiPolygon

    polygons = [e for e in placemark.iter() if _local(e.tag) == "Polygon"]
    others = [
        e for e in placemark.iter() if _local(e.tag) in {"Point", "LineString", "gx:Track", "Track"}
    ]
    if not polygons or others:
        return None
    shapes = [_polygon(p) for p in polygons]
    if any(s is None for s in shapes):
        return None
    return shapes[0] if len(shapes) == 1 else MultiPolygon(shapes)


def kml_groups(path: str | Path, name: str) -> list[tuple[int, str, Any]]:
    """Return ``(placemark number, name, polygon or None)`` of each placemark of a KML file.

    Raises
    ------
    InputFileError
        When the file is not readable KML or has no placemark.

    """
    file = Path(path)
    try:
        root = SafeET.fromstring(file.read_bytes())
    except (OSError, SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        msg = f"not a readable KML file ({exc}); save the groups as KML from Google Earth or QGIS"
        msg_vi = (
            "không đọc được tệp KML; hãy lưu các tổ dân phố thành tệp KML từ Google Earth hoặc QGIS"
        )
        raise InputFileError(name, msg, message_vi=msg_vi) from None
    placemarks = [e for e in root.iter() if _local(e.tag) == "Placemark"]
    if _local(root.tag) != "kml" or not placemarks:
        msg = "no placemarks: expected a KML file with one polygon per group"
        msg_vi = "tệp không có vùng nào: cần tệp KML, mỗi tổ dân phố một vùng"
        raise InputFileError(name, msg, message_vi=msg_vi)
    rows = []
    for row, placemark in enumerate(placemarks, start=1):
        label_element = _first(placemark, "name")
        label = " ".join((label_element.text or "").split()) if label_element is not None else ""
        rows.append((row, label, _geometry(placemark)))
    return rows
