"""The ward's own residential groups: a file of polygons or a table of streets, checked whole.

Three kinds of file, told by their extension (``read_group_file``):

* GeoJSON (``.geojson``, ``.json``): each feature is one group (tổ dân phố, thôn, khu phố), a
  Polygon or MultiPolygon in WGS84 longitude/latitude, named by its ``name``, ``ten``, ``Tên``
  or ``ten_to`` property (else "Khu dân cư số N");
* KML (``.kml``, as Google Earth and My Maps save it): each ``Placemark`` is one group, its
  ``Polygon`` (or the polygons of its ``MultiGeometry``), named by its ``<name>``
  (``geodata.io.groups_kml``);
* a table of street names per group (``.csv``, ``.xlsx``): each group becomes the band around
  the streets it names (``geodata.io.group_streets``).

Refused, with every problem named and nothing kept: a file that cannot be read, a group
without a polygon or with an invalid one, a file none of whose groups overlaps the area, and
two groups that overlap (by more than ``OVERLAP_SHARE`` of the smaller one: shared edges drawn
by hand do not count).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from patrolbase.errors import InputFileError, Problem

if TYPE_CHECKING:
    import geopandas as gpd

    from geodata.area import Area

__all__ = [
    "GROUP_SUFFIXES",
    "OVERLAP_SHARE",
    "check_groups",
    "read_group_file",
    "read_groups",
]

OVERLAP_SHARE = 0.02
"""Largest share of the smaller group two groups may have in common."""

GROUP_SUFFIXES = (".geojson", ".json", ".kml", ".csv", ".xlsx")
"""Extensions ``read_group_file`` reads."""

_NAME_KEYS = ("name", "ten", "Tên", "tên", "ten_to", "Tên tổ dân phố")


def read_group_file(path: str | Path, *, area: Area, name: str | None = None) -> gpd.GeoDataFrame:
    """Read any file of residential groups: GeoJSON, KML, or a table of streets (CSV/XLSX).

    Parameters
    ----------
    path
        The file; its extension says its kind (``GROUP_SUFFIXES``).
    area
        The area: its ``bbox`` for polygons, its street graph for a table of street names.
    name
        The file name used in messages (an upload's own name); default the path's name.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns ``name``, ``geometry`` and, for a table, ``streets`` (the map's
        names of each group's streets).

    Raises
    ------
    InputFileError
        Listing every problem, in English and Vietnamese.

    """
    file = Path(path)
    shown = name or file.name
    suffix = file.suffix.lower()
    if suffix in {".csv", ".xlsx"}:
        from geodata.io.group_streets import read_group_streets

        return read_group_streets(file, area=area, name=shown)
    if suffix in {".geojson", ".json", ".kml"}:
        return read_groups(file, bbox=area.bbox, name=shown)
    kinds = ", ".join(GROUP_SUFFIXES)
    raise InputFileError(
        shown,
        f"a file of residential groups must be one of {kinds}, not {suffix or 'no extension'}",
        message_vi=f"tệp tổ dân phố phải là một trong các loại {kinds}",
    )


def read_groups(
    path: str | Path, *, bbox: tuple[float, float, float, float], name: str | None = None
) -> gpd.GeoDataFrame:
    """Read a GeoJSON or KML file of residential groups, EPSG:4326, columns ``name``, ``geometry``.

    Parameters
    ----------
    path
        The file (``.kml`` is read as KML, anything else as GeoJSON).
    bbox
        ``(west, south, east, north)`` of the area: some group must overlap it.
    name
        The file name used in messages; default the path's name.

    Raises
    ------
    InputFileError
        Listing every problem (feature or placemark number as the row), in English and
        Vietnamese.

    """
    file = Path(path)
    shown = name or file.name
    if file.suffix.lower() == ".kml":
        from geodata.io.groups_kml import kml_groups

        return check_groups(shown, kml_groups(file, shown), bbox=bbox)
    return check_groups(shown, _geojson_groups(file, shown), bbox=bbox)


def _geojson_groups(file: Path, name: str) -> list[tuple[int, str, Any]]:
    """``(feature number, name, polygon or None)`` of each feature of a GeoJSON file."""
    from shapely.geometry import shape

    def refuse(message: str, message_vi: str) -> InputFileError:
        return InputFileError(name, message, message_vi=message_vi)

    try:
        document: Any = json.loads(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"not a readable GeoJSON file ({exc}); save the groups as GeoJSON (UTF-8)"
        msg_vi = "không đọc được tệp GeoJSON; hãy lưu các tổ dân phố thành tệp GeoJSON (UTF-8)"
        raise refuse(msg, msg_vi) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        msg = "no features: expected a FeatureCollection with one polygon per group"
        msg_vi = "tệp không có vùng nào: cần một FeatureCollection, mỗi tổ dân phố một vùng"
        raise refuse(msg, msg_vi)
    rows: list[tuple[int, str, Any]] = []
    for row, feature in enumerate(features, start=1):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        label = next((str(props[k]).strip() for k in _NAME_KEYS if props.get(k)), "")
        try:
            geom = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError):
            geom = None
        rows.append((row, label, geom))
    return rows


def check_groups(
    name: str,
    rows: Sequence[tuple[int, str, Any]],
    *,
    bbox: tuple[float, float, float, float],
    overlaps: bool = True,
) -> gpd.GeoDataFrame:
    """Check groups read from a file as a whole and return them, or raise every problem.

    Parameters
    ----------
    name
        The file name used in messages.
    rows
        ``(number in the file, name, shapely geometry or None)`` per group.
    bbox
        ``(west, south, east, north)`` of the area: some group must overlap it.
    overlaps
        Refuse groups that overlap (off for bands around streets, which meet at crossings).

    """
    import geopandas as gpd
    import shapely
    from shapely.geometry import box

    problems: list[Problem] = []
    names: list[str] = []
    shapes: list[Any] = []
    for row, label, geom in rows:
        if geom is None or geom.geom_type not in {"Polygon", "MultiPolygon"} or not geom.is_valid:
            problems.append(
                Problem(
                    name,
                    row,
                    "geometry",
                    label or None,
                    f"feature {row} {label!r} is not a valid polygon; draw the group as a closed "
                    "area that does not cross itself",
                    f"vùng thứ {row} '{label}' không phải vùng khép kín hợp lệ; hãy vẽ tổ dân phố "
                    "thành một vùng khép kín, không tự cắt",
                )
            )
            continue
        names.append(label or f"Khu dân cư số {row}")
        shapes.append(geom)
    area_box = box(*bbox)
    if shapes and not any(g.intersects(area_box) for g in shapes):
        problems.append(
            Problem(
                name,
                None,
                "geometry",
                None,
                "no group overlaps the area's map: is it another ward's file, or are longitude "
                "and latitude swapped?",
                "không tổ dân phố nào nằm trên bản đồ địa bàn: tệp của phường khác, hay kinh độ "
                "và vĩ độ bị đảo?",
            )
        )
    for i, a in enumerate(shapes if overlaps else []):
        for j in range(i + 1, len(shapes)):
            b = shapes[j]
            if not a.intersects(b):
                continue
            common = shapely.area(shapely.intersection(a, b))
            if common > OVERLAP_SHARE * min(a.area, b.area):
                problems.append(
                    Problem(
                        name,
                        None,
                        "geometry",
                        f"{names[i]} / {names[j]}",
                        f"groups {names[i]!r} and {names[j]!r} overlap; a street belongs to one "
                        "group: redraw their common edge",
                        f"hai tổ '{names[i]}' và '{names[j]}' chồng lên nhau; mỗi tuyến phố chỉ "
                        "thuộc một tổ: hãy vẽ lại ranh giới chung",
                    )
                )
    if problems:
        raise InputFileError(name, problems)
    return gpd.GeoDataFrame({"name": names}, geometry=shapes, crs=4326)
