"""The facility survey: one row per bank, office or shop, checked whole."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geodata.facilities import fold_text, parse_kind
from geodata.io._fields import (
    _CASH_ALIASES,
    _SURVEY_FIELDS,
    Bbox,
    _extras,
    _geoframe,
    _ids,
    _map_headers,
    _start,
    _text,
    _unquote,
)
from patrolbase.errors import InputFileError
from patrolbase.schema import FACILITY_COLUMNS, FacilityKind

# --------------------------------------------------------------------------- facility survey


def read_facility_survey(path: str | Path, *, bbox: Bbox | None = None) -> gpd.GeoDataFrame:
    """Read the ward's facility survey (CSV or XLSX) into the facilities frame.

    Headers may be written as the ward writes them (STT, Tên cơ sở, Loại hình, Địa chỉ, Vĩ độ,
    Kinh độ, Giờ hoạt động, Lượng tiền mặt, Bảo vệ, Camera, Chuông báo động, Người phụ trách /
    SĐT, Ghi chú) or in English, in any case, with or without diacritics. See
    ``docs/formats.md``.

    Parameters
    ----------
    path
        The survey file.
    bbox
        ``(west, south, east, north)`` of the area: sites outside are refused, and swapped
        coordinates are recognised against it (against Vietnam's range without it).

    Returns
    -------
    geopandas.GeoDataFrame
        ``FACILITY_COLUMNS`` (then any extra columns of the file), index ``facility_id``
        (``survey-<STT>``, or the file's own ``Mã cơ sở``), EPSG:4326.

    Raises
    ------
    patrolbase.errors.InputFileError
        With every problem of the file; nothing is returned.

    """
    table, check = _start(path, _SURVEY_FIELDS)
    if check.problems:
        raise InputFileError(check.file, check.problems)
    ids = _ids(check, table, id_key="facility_id", prefix="survey")
    # "Người phụ trách" and "SĐT" are often two columns: both go to contact.
    contacts = [c for c in table.columns if _map_headers([c], _SURVEY_FIELDS).get("contact")]
    extras = [c for c in _extras(table, check) if c not in contacts]
    records: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, float, float], int] = {}
    for row in table.index:
        get = functools.partial(_text, table, check.headers, row)
        name, kind_text = get("name"), get("kind")
        if not name:
            check.add(
                row,
                "name",
                "",
                "the name is empty: write the facility's name",
                "tên cơ sở đang để trống: hãy ghi tên",
            )
        check.lost_letters(row, "name", name)
        kind = parse_kind(kind_text)
        if kind is None:
            accepted = "; ".join(f"{k.label_vi} ({k.label_en})" for k in FacilityKind)
            check.add(
                row,
                "kind",
                kind_text,
                f"unknown kind: write one of {accepted}",
                f"loại hình không rõ: ghi một trong các loại {accepted}",
            )
        position = check.coordinates(row, get, bbox)
        cash_text = get("cash_level")
        cash = _CASH_ALIASES.get(fold_text(cash_text)) if cash_text else None
        if cash_text and cash is None:
            check.add(
                row,
                "cash_level",
                cash_text,
                "unknown cash level: write Không, Thấp, Trung bình or Cao",
                "mức tiền mặt không rõ: ghi Không, Thấp, Trung bình hoặc Cao",
            )
        source = get("source") or "survey"
        if source not in ("survey", "osm", "osm+survey"):
            check.add(
                row,
                "source",
                source,
                "source must be survey, osm or osm+survey (or left empty)",
                "nguồn phải là survey, osm hoặc osm+survey (hoặc để trống)",
            )
        if position is not None and kind is not None and row in ids:
            key = (fold_text(name), kind.value, round(position[0], 5), round(position[1], 5))
            if key in seen:
                check.add(
                    row,
                    "name",
                    name,
                    f"duplicate of row {seen[key]} (same name, kind and position): "
                    "delete one of them",
                    f"trùng với dòng {seen[key]} (cùng tên, loại hình và vị trí): xóa một dòng",
                )
            seen.setdefault(key, row)
        records.append(
            {
                "facility_id": ids.get(row, ""),
                "name": name,
                "kind": kind.value if kind else "",
                "lat": position[0] if position else float("nan"),
                "lon": position[1] if position else float("nan"),
                "source": source,
                "osm_id": get("osm_id"),
                "address": get("address"),
                "opening_hours": get("opening_hours"),
                "operator": get("operator"),
                "cash_level": cash.value if cash else "",
                "guard": check.yes_no(row, "guard", get("guard")),
                "camera": check.yes_no(row, "camera", get("camera")),
                "alarm": check.yes_no(row, "alarm", get("alarm")),
                "contact": " / ".join(
                    filter(None, (_unquote(table.cell(row, c)) for c in contacts))
                ),
                "notes": get("notes"),
                **{column: _unquote(table.cell(row, column)) for column in extras},
            }
        )
    if check.problems:
        raise InputFileError(check.file, check.problems)
    columns = ["facility_id", *(c for c in FACILITY_COLUMNS if c != "geometry"), *extras]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for flag in ("guard", "camera", "alarm"):
        frame[flag] = frame[flag].astype("boolean")
    return _geoframe(frame.set_index("facility_id"), FACILITY_COLUMNS)
