"""The ward's own residential groups: a GeoJSON file of polygons, checked whole.

Each feature is one group (tổ dân phố, thôn, khu phố): a Polygon or MultiPolygon in WGS84
longitude/latitude, named by its ``name``, ``ten``, ``Tên`` or ``ten_to`` property (else "Khu dân
cư số N"). Refused, with every problem named and nothing kept: a file that is not GeoJSON, a
feature without a polygon or with an invalid one, a file none of whose groups overlaps the
area, and two groups that overlap (by more than ``OVERLAP_SHARE`` of the smaller one: shared
edges drawn by hand do not count).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from patrolbase.errors import InputFileError, Problem

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["OVERLAP_SHARE", "read_groups"]

OVERLAP_SHARE = 0.02
"""Largest share of the smaller group two groups may have in common."""

_NAME_KEYS = ("name", "ten", "Tên", "tên", "ten_to", "Tên tổ dân phố")


def read_groups(path: str | Path, *, bbox: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """Read a GeoJSON file of residential groups, EPSG:4326, columns ``name``, ``geometry``.

    Parameters
    ----------
    path
        The file.
    bbox
        ``(west, south, east, north)`` of the area: some group must overlap it.

    Raises
    ------
    InputFileError
        Listing every problem (feature number as the row), in English and Vietnamese.

    """
    import geopandas as gpd
    import shapely
    from shapely.geometry import box, shape

    file = Path(path)
    name = file.name

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
    problems: list[Problem] = []
    names: list[str] = []
    shapes: list[Any] = []
    for row, feature in enumerate(features, start=1):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        label = next((str(props[k]).strip() for k in _NAME_KEYS if props.get(k)), "")
        try:
            geom = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError):
            geom = None
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
    for i, a in enumerate(shapes):
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
