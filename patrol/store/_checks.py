"""Checks of incident and facility frames before they are stored (pure; no database).

Whole frames are checked column by column and every bad cell becomes a ``Problem`` naming the
row as a spreadsheet shows it (the header is row 1), the column and what to do, in English and
Vietnamese; nothing is stored from a frame with problems.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from patrolbase.errors import Problem
from patrolbase.schema import (
    FACILITY_COLUMNS,
    INCIDENT_COLUMNS,
    CashLevel,
    FacilityKind,
    IncidentType,
)

__all__ = ["BOOL_FACILITY", "TEXT_FACILITY", "IncidentRows", "facility_rows", "incident_rows"]

TEXT_FACILITY = (
    "name",
    "source",
    "osm_id",
    "address",
    "opening_hours",
    "operator",
    "contact",
    "notes",
)
"""Facility columns stored as text."""
BOOL_FACILITY = ("guard", "camera", "alarm")
"""Facility columns stored as yes / no / unknown."""


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


def _texts(values: Any) -> list[str]:
    """``_text`` of every value; strings (nearly all of them) pass as they are."""
    return [v if type(v) is str else _text(v) for v in values]


def _tristate(value: Any) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    import pandas as pd

    if value is pd.NA:
        return None
    return bool(value)


def _missing_columns(frame: Any, columns: Sequence[str], filename: str) -> list[Problem]:
    return [
        Problem(
            filename,
            None,
            name,
            None,
            f"column {name!r} is missing from the frame; load the file with geodata.io",
            f"thiếu cột {name!r}",
        )
        for name in columns
        if name != "geometry" and name not in frame.columns
    ]


def _coordinate_problems(filename: str, row: int, lat: Any, lon: Any) -> list[Problem]:
    problems = []
    for name, value, bound in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not (math.isfinite(number) and -bound <= number <= bound):
            problems.append(
                Problem(
                    filename,
                    row,
                    name,
                    _text(value),
                    f"{name} must be a number within ±{bound:g} degrees (WGS84)",
                    f"{'vĩ độ' if name == 'lat' else 'kinh độ'} phải là số trong "
                    f"khoảng ±{bound:g} độ",
                )
            )
    return problems


@dataclass(frozen=True)
class IncidentRows:
    """Checked incident columns, ready to insert (one entry per row)."""

    ids: list[str]
    time_ns: Any  # numpy datetime64[ns] array, local ward time

    @property
    def times(self) -> list[datetime]:
        """Return the times as ``datetime`` objects."""
        import pandas as pd

        return list(pd.Series(self.time_ns).dt.to_pydatetime())

    def time_texts(self) -> list[str]:
        """Return the times as SQLAlchemy writes them in SQLite (``2026-11-23 22:00:00.000000``)."""
        import numpy as np

        return [s.replace("T", " ") for s in np.datetime_as_string(self.time_ns, unit="us")]

    types: list[str]
    lat: list[float]
    lon: list[float]
    facility_ids: list[str]
    descriptions: list[str]
    demo: list[bool]


def incident_rows(frame: Any, filename: str) -> tuple[IncidentRows | None, list[Problem]]:
    """Check the whole frame column by column (fast on 100,000s of rows); name every problem."""
    import numpy as np
    import pandas as pd

    problems = _missing_columns(frame, INCIDENT_COLUMNS, filename)
    if problems:
        return None, problems
    ids = pd.Series([i.strip() for i in _texts(frame.index)], dtype=object)
    times = frame["time"]
    if not (pd.api.types.is_datetime64_dtype(times) and getattr(times.dt, "tz", None) is None):
        times = pd.Series(
            [
                v if isinstance(v, datetime | pd.Timestamp) and v.tzinfo is None else pd.NaT
                for v in times
            ],
            dtype="datetime64[ns]",
        )
    times = pd.Series(times.to_numpy(), dtype="datetime64[ns]")
    types = pd.Series(_texts(frame["type"].to_numpy()), dtype=object)
    coords = {
        name: pd.to_numeric(
            pd.Series(frame[name].to_numpy(), dtype=object), errors="coerce"
        ).astype(float)
        for name in ("lat", "lon")
    }
    bad_id = ids.map(lambda v: not v or len(v) > 100).to_numpy(bool)
    duplicate = ids.duplicated().to_numpy(bool) & ~bad_id
    bad_time = times.isna().to_numpy(bool)
    bad_type = ~types.isin([t.value for t in IncidentType]).to_numpy(bool)
    bad_coord = {
        name: ~(np.isfinite(values.to_numpy()) & (values.abs() <= bound).to_numpy())
        for (name, values), bound in zip(coords.items(), (90.0, 180.0), strict=True)
    }
    bad = bad_id | duplicate | bad_time | bad_type | bad_coord["lat"] | bad_coord["lon"]
    if bad.any():
        first_row = {v: k + 2 for k, v in reversed(list(enumerate(ids)))}
        for k in np.flatnonzero(bad):
            row, raw = int(k) + 2, frame.iloc[int(k)]
            if bad_id[k]:
                problems.append(
                    Problem(
                        filename,
                        row,
                        "incident_id",
                        ids[k],
                        "each incident needs an id of 1-100 characters",
                        "mỗi vụ việc cần mã từ 1 đến 100 ký tự",
                    )
                )
            if duplicate[k]:
                problems.append(
                    Problem(
                        filename,
                        row,
                        "incident_id",
                        ids[k],
                        f"the id is used again (first at row {first_row[ids[k]]})",
                        f"mã vụ việc bị trùng (đã có ở dòng {first_row[ids[k]]})",
                    )
                )
            if bad_time[k]:
                problems.append(
                    Problem(
                        filename,
                        row,
                        "time",
                        _text(raw["time"]),
                        "time must be a local date and time (no time zone)",
                        "thời gian phải là ngày giờ địa phương",
                    )
                )
            if bad_type[k]:
                problems.append(
                    Problem(
                        filename,
                        row,
                        "type",
                        types[k],
                        "type must be one of " + ", ".join(t.value for t in IncidentType),
                        "loại vụ việc không hợp lệ",
                    )
                )
            if bad_coord["lat"][k] or bad_coord["lon"][k]:
                problems += _coordinate_problems(filename, row, raw["lat"], raw["lon"])
        return None, problems
    texts = {name: _texts(frame[name].to_numpy()) for name in ("facility_id", "description")}
    if pd.api.types.is_bool_dtype(frame["demo"]) and not frame["demo"].hasnans:
        demo = frame["demo"].to_numpy(bool).tolist()
    else:
        demo = pd.Series(frame["demo"].to_numpy(), dtype=object).map(_tristate).map(bool).tolist()
    rows = IncidentRows(
        ids.tolist(),
        times.to_numpy(),
        types.tolist(),
        coords["lat"].tolist(),
        coords["lon"].tolist(),
        texts["facility_id"],
        texts["description"],
        demo,
    )
    return rows, problems


def facility_rows(frame: Any, filename: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    problems = _missing_columns(frame, FACILITY_COLUMNS, filename)
    if problems:
        return [], problems
    kinds = {k.value for k in FacilityKind}
    cash = {c.value for c in CashLevel} | {""}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, (facility_id, record_) in enumerate(
        zip(frame.index, frame.to_dict("records"), strict=True)
    ):
        row = position + 2
        fid = _text(facility_id).strip()
        if not fid or len(fid) > 100 or fid in seen:
            problems.append(
                Problem(
                    filename,
                    row,
                    "facility_id",
                    fid,
                    "each facility needs a unique id of 1-100 characters",
                    "mỗi cơ sở cần một mã riêng từ 1 đến 100 ký tự",
                )
            )
        seen.add(fid)
        if _text(record_["kind"]) not in kinds:
            problems.append(
                Problem(
                    filename,
                    row,
                    "kind",
                    _text(record_["kind"]),
                    f"kind must be one of {', '.join(sorted(kinds))}",
                    "loại hình cơ sở không hợp lệ",
                )
            )
        if _text(record_["cash_level"]) not in cash:
            problems.append(
                Problem(
                    filename,
                    row,
                    "cash_level",
                    _text(record_["cash_level"]),
                    "cash level must be none, low, medium, high or empty",
                    "lượng tiền mặt không hợp lệ",
                )
            )
        problems += _coordinate_problems(filename, row, record_["lat"], record_["lon"])
        if problems:
            continue
        values: dict[str, Any] = {
            "facility_id": fid,
            "kind": _text(record_["kind"]),
            "cash_level": _text(record_["cash_level"]),
            "lat": float(record_["lat"]),
            "lon": float(record_["lon"]),
        }
        values |= {name: _text(record_[name]) for name in TEXT_FACILITY}
        values |= {name: _tristate(record_[name]) for name in BOOL_FACILITY}
        rows.append(values)
    return rows, problems
