"""The incident log: one row per incident, its date, time and place checked whole."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.incidents import TYPE_ALIASES, parse_incident_type
from geodata.io._fields import (
    _INCIDENT_FIELDS,
    _VIETNAM,
    Bbox,
    _accepted,
    _Checker,
    _column,
    _extras,
    _geoframe,
    _ids,
    _start,
    _unquote_all,
    _yes_no,
)
from geodata.shift import parse_clock
from patrolbase.clock import ward_today
from patrolbase.errors import InputFileError, Problem, SettingsError
from patrolbase.schema import INCIDENT_COLUMNS

# --------------------------------------------------------------------------- incidents

_DATE = re.compile(
    r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)|(?<!\d)(\d{1,2})[/.-](\d{1,2})"
    r"(?:[/.-](\d{2,4}))?(?![\d/.-])"
)
_CLOCK_TOKEN = re.compile(r"(?<![\d/.-])(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)(?::(\d{2}))?(?![\d/])")


def _parse_when(text: str, clock_text: str) -> tuple[datetime | None, str, str]:
    """Read a local date and time from ``text`` (and a separate clock column); else the reason."""
    text = text.strip()
    shift = timedelta(0)
    iso = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d{1,9})?"
        r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?",
        text,
    )
    if iso:
        text = f"{iso[1]} {iso[2]}"
        if iso[3]:
            offset = _utc_offset(iso[3])
            if offset is None:
                return None, *(
                    f"no such time zone offset {iso[3]!r}: offsets run from -12:00 to +14:00 "
                    "(Vietnam +07:00); write the ward's local time without an offset",
                    f"độ lệch múi giờ không hợp lệ {iso[3]!r}: từ -12:00 đến +14:00 (Việt Nam "
                    "+07:00); ghi giờ địa phương, không kèm múi giờ",
                )
            shift = _WARD_OFFSET - offset  # the stored time is the ward's local time
    match = _DATE.search(text)
    if not match:
        return None, *(
            "no date: write it as dd/mm/yyyy or yyyy-mm-dd, e.g. 23/11/2026 22:00",
            "thiếu ngày: ghi dạng dd/mm/yyyy hoặc yyyy-mm-dd, ví dụ 23/11/2026 22:00",
        )
    if match[1]:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        if not match[6] or len(match[6]) != 4:
            return None, *(
                "date without a full year: write the year in four digits, e.g. 23/11/2026",
                "ngày thiếu năm: ghi đủ năm bốn chữ số, ví dụ 23/11/2026",
            )
        day, month, year = int(match[4]), int(match[5]), int(match[6])
    if year < _FIRST_YEAR:
        return None, *(
            f"the year {year} is too early: check the year",
            f"năm {year} quá sớm: kiểm tra lại năm",
        )
    if year > _LAST_YEAR:
        return None, *(
            f"the year {year} is too late (after {_LAST_YEAR}): check the year, written "
            "day/month/year, e.g. 23/11/2026",
            f"năm {year} quá muộn (sau năm {_LAST_YEAR}): kiểm tra lại năm, ghi ngày/tháng/năm, "
            "ví dụ 23/11/2026",
        )
    try:
        the_date = date(year, month, day)
    except ValueError:
        if not match[1] and month > 12 >= day:
            return None, *(
                f"month {month}: the date looks written month/day/year (US order); write "
                "day/month/year, e.g. 23/11/2026, and check every date of this file",
                f"tháng {month}: ngày có vẻ được ghi theo kiểu Mỹ tháng/ngày/năm; hãy ghi "
                "ngày/tháng/năm, ví dụ 23/11/2026, và kiểm tra mọi ngày trong tệp",
            )
        return None, *(
            f"no such date ({day}/{month}/{year}): write day/month/year, e.g. 23/11/2026",
            f"ngày không tồn tại ({day}/{month}/{year}): ghi ngày/tháng/năm, ví dụ 23/11/2026",
        )
    # A separate clock column wins: Excel gives a date-only cell as midnight.
    rest = text[: match.start()] + " " + text[match.end() :]
    clock = _CLOCK_TOKEN.search(clock_text) or _CLOCK_TOKEN.search(rest)
    if not clock:
        return None, *(
            "no time of day: add it as 24-hour 22:00 or 22h00 (estimate when unknown)",
            "thiếu giờ xảy ra: ghi theo 24 giờ, ví dụ 22:00 hoặc 22h00 (ước lượng nếu không rõ)",
        )
    if clock[3] is not None and int(clock[3]) > 59:
        return None, *(
            f"no such time {clock[0].strip()!r}: seconds run 00-59",
            f"giờ không hợp lệ {clock[0].strip()!r}: giây từ 00 đến 59",
        )
    hour = int(clock[1])
    # A 12-hour clock (Excel in an English locale: "10:15 PM"; Vietnamese "SA"/"CH").
    half = re.search(r"\b(AM|PM|SA|CH)\b", f"{clock_text} {rest}", flags=re.IGNORECASE)
    if half and 1 <= hour <= 12:
        hour = hour % 12 + (12 if half[1].upper() in ("PM", "CH") else 0)
    try:
        hhmm = parse_clock(f"{hour}:{clock[2] or '00'}", field="time")
    except SettingsError:
        return None, *(
            f"no such time {clock[0].strip()!r}: hours run 00-23 and minutes 00-59 (24-hour clock)",
            f"giờ không hợp lệ {clock[0].strip()!r}: giờ từ 00 đến 23, phút từ 00 đến 59 (24 giờ)",
        )
    return datetime.combine(the_date, hhmm) + shift, "", ""


_WARD_OFFSET = timedelta(hours=7)


def _utc_offset(text: str) -> timedelta | None:
    """Return a written UTC offset (``Z``, ``+07:00``, ``-05``); ``None`` if impossible."""
    if text == "Z":
        return timedelta(0)
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes > 59 or hours > 14 or (text[0] == "-" and hours > 12):
        return None
    sign = -1 if text[0] == "-" else 1
    return sign * timedelta(hours=hours, minutes=minutes)


def read_incidents(path: str | Path, *, bbox: Bbox | None = None) -> gpd.GeoDataFrame:
    """Read the ward's incident log (CSV or XLSX) into the incidents frame.

    Columns: a time (``Thời gian``: ``23/11/2026 22h00``, ``2026-11-23 22:00``), or a date
    (``Ngày``) and a clock column (``Giờ``); the type (``Loại vụ việc``, Vietnamese or
    English); ``Vĩ độ``/``Kinh độ``; optionally the facility (``Mã cơ sở``), a description
    (``Mô tả``), an id (``Mã vụ việc`` or ``STT``) and ``Dữ liệu minh họa`` (yes/no). See
    ``docs/formats.md``.

    Parameters
    ----------
    path
        The incident file.
    bbox
        ``(west, south, east, north)`` of the area; see ``read_facility_survey``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``INCIDENT_COLUMNS`` (then extra columns), index ``incident_id`` (the file's
        ``Mã vụ việc``, else ``inc-<STT>``), EPSG:4326, sorted as in the file.

    Raises
    ------
    patrolbase.errors.InputFileError
        With every problem of the file; nothing is returned.

    """
    table, check = _start(path, _INCIDENT_FIELDS)
    if "time" not in check.headers and "date" not in check.headers:
        field = _INCIDENT_FIELDS[2]
        check.problems.append(
            Problem(
                check.file,
                1,
                field.headers[0],
                None,
                f"missing column {field.headers[0]!r} (time): add it, or a date column 'Ngày' and "
                f"a clock column 'Giờ'; accepted headers: {_accepted(field)}",
                f"thiếu cột {field.headers[0]!r}: thêm cột này, hoặc cột 'Ngày' và cột 'Giờ'; các "
                f"tiêu đề được chấp nhận: {_accepted(field)}",
            )
        )
    if check.problems:
        raise InputFileError(check.file, check.problems)
    ids = _ids(check, table, id_key="incident_id", prefix="inc")
    extras = _extras(table, check)
    column = functools.partial(_column, table, check.headers)
    rows = table.index
    when_key = "time" if "time" in check.headers else "date"
    when_text, clock_text = column(when_key), column("clock")
    times, slow = _incident_times(when_text, clock_text)
    reasons: dict[int, tuple[str, str]] = {}
    for k in np.flatnonzero(slow).tolist():  # other layouts, and every mistake
        when, why_en, why_vi = _parse_when(when_text[k], clock_text[k])
        if when is None:
            reasons[k] = (why_en, why_vi)
        elif when.year < _FIRST_YEAR:
            reasons[k] = (
                f"the year {when.year} is too early: check the year",
                f"năm {when.year} quá sớm: kiểm tra lại năm",
            )
        else:
            times[k] = np.datetime64(when, "ns")
    known = ~np.isnat(times)
    future = known & (times.astype("datetime64[D]") > np.datetime64(ward_today(), "D"))
    type_text = column("type")
    parsed = {text: parse_incident_type(text) for text in dict.fromkeys(type_text)}
    kinds = [parsed[text] for text in type_text]
    lat, lon, placed, place_problems = _positions(check, column, rows, bbox)
    demo_text = column("demo")
    demo = [_yes_no(text) for text in demo_text]
    typed = np.array([kind is not None for kind in kinds], dtype=bool)
    duplicate_of = _duplicate_incidents(rows, times, kinds, lat, lon, known & typed & placed)
    # Problems row by row, in the order the rules are listed in docs/formats.md.
    flagged = set(reasons) | set(np.flatnonzero(future).tolist()) | set(place_problems)
    flagged |= set(np.flatnonzero(~typed).tolist())
    flagged |= {k for k, (_, understood) in enumerate(demo) if not understood}
    flagged |= set(duplicate_of)
    for k in sorted(flagged):
        row = rows[k]
        if k in reasons:
            check.add(row, when_key, when_text[k] or clock_text[k], *reasons[k])
        elif future[k]:
            check.add(
                row,
                when_key,
                when_text[k],
                "the date is in the future: check the year",
                "ngày nằm trong tương lai: kiểm tra lại năm",
            )
        if kinds[k] is None:
            accepted = "; ".join(
                f"{t.label_vi} ({t.label_en})" for t in dict.fromkeys(TYPE_ALIASES.values())
            )
            check.add(
                row,
                "type",
                type_text[k],
                f"unknown incident type: write one of {accepted}",
                f"loại vụ việc không rõ: ghi một trong các loại {accepted}",
            )
        check.problems.extend(place_problems.get(k, ()))
        check.yes_no(row, "demo", demo_text[k])
        if k in duplicate_of:
            first = duplicate_of[k]
            check.add(
                row,
                when_key,
                when_text[k],
                f"duplicate of row {first} (same time, type and place): delete one of them",
                f"trùng với dòng {first} (cùng thời gian, loại và địa điểm): xóa một dòng",
            )
    if check.problems:
        raise InputFileError(check.file, check.problems)
    data: dict[str, Any] = {
        "incident_id": [ids[row] for row in rows],
        "time": times,
        "type": [kind.value for kind in kinds if kind is not None],
        "lat": lat,
        "lon": lon,
        "facility_id": column("facility_id"),
        "description": column("description"),
        "demo": np.array([bool(value) for value, _ in demo], dtype=bool),
        **{name: _unquote_all(table.data[name]) for name in extras},
    }
    columns = ["incident_id", *(c for c in INCIDENT_COLUMNS if c != "geometry"), *extras]
    if len(set(columns)) < len(columns):  # an extra column named like a field: as rows, as ever
        frame = pd.DataFrame.from_records(
            [dict(zip(data, values, strict=True)) for values in zip(*data.values(), strict=True)],
            columns=columns,
        )
    else:
        frame = pd.DataFrame(data, columns=columns)
    frame["time"] = pd.to_datetime(frame["time"]).astype("datetime64[ns]")
    frame["demo"] = frame["demo"].astype(bool)
    return _geoframe(frame.set_index("incident_id"), INCIDENT_COLUMNS)


# Dates before this year are refused: the frame's times (nanoseconds) start in September 1677.
_FIRST_YEAR = 1678
# and after this one: they end in April 2262 (a later year would wrap around to the 1600s-1800s).
_LAST_YEAR = 2200

# The usual layouts of a time cell, read for a whole column at once: D, M, Y, h, m are digits of
# the day, month, year, hour and minute, s of seconds (checked 00-59, then dropped, as
# ``_parse_when`` does);
# any other character stands for the separators ``_parse_when`` accepts at that place.
_DATE_LAYOUTS = ("DD/MM/YYYY", "YYYY/MM/DD")
_CLOCK_LAYOUTS = ("hh:mm", "hh:mm;ss")
_LAYOUT_SEPARATORS = {"/": "/.-", " ": " T", ":": ":hH", ";": ":"}


def _incident_times(texts: list[str], clocks: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Read the common time layouts column-wise, exactly as ``_parse_when`` reads them.

    Returns
    -------
    tuple
        ``datetime64[ns]`` times (``NaT`` where not read) and which rows are left for
        ``_parse_when``: other layouts, impossible dates or clock times, and rows whose date
        the column pass does not take (years outside 1900-2200).

    """
    n = len(texts)
    fields = {letter: np.full(n, -1, dtype=np.int64) for letter in "DMYhms"}
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    clock_lengths = np.fromiter(map(len, clocks), dtype=np.int64, count=n)
    has_clock = clock_lengths > 0
    read = np.zeros(n, dtype=bool)
    # With a separate clock the date cell may hold a time too (ignored); without, it must.
    for date_layout in _DATE_LAYOUTS:
        for clock_layout in _CLOCK_LAYOUTS:
            _read_layout(texts, lengths, f"{date_layout} {clock_layout}", fields, read)
        _read_layout(texts, lengths, date_layout, fields, read, where=has_clock)
    clock_fields = {letter: np.full(n, -1, dtype=np.int64) for letter in "hms"}
    clock_read = np.zeros(n, dtype=bool)
    for clock_layout in _CLOCK_LAYOUTS:
        _read_layout(clocks, clock_lengths, clock_layout, clock_fields, clock_read, where=has_clock)
    hour = np.where(has_clock, clock_fields["h"], fields["h"])
    minute = np.where(has_clock, clock_fields["m"], fields["m"])
    read &= np.where(has_clock, clock_read, True)
    year, month, day = fields["Y"], fields["M"], fields["D"]
    read &= (year >= 1900) & (year <= 2200) & (month >= 1) & (month <= 12)
    second = np.where(has_clock, clock_fields["s"], fields["s"])
    read &= (hour >= 0) & (hour <= 23) & (minute >= 0) & (minute <= 59) & (second <= 59)
    months = np.where(read, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first_day = months.astype("datetime64[D]")
    month_days = ((months + 1).astype("datetime64[D]") - first_day).astype(np.int64)
    read &= (day >= 1) & (day <= month_days)
    times = (
        first_day.astype("datetime64[ns]")
        + ((day - 1) * 1440 + hour * 60 + minute).astype("timedelta64[m]")
    ).astype("datetime64[ns]")
    times[~read] = np.datetime64("NaT")
    return times, ~read


def _read_layout(
    texts: list[str],
    lengths: np.ndarray,
    layout: str,
    fields: dict[str, np.ndarray],
    read: np.ndarray,
    *,
    where: np.ndarray | None = None,
) -> None:
    """Fill ``fields`` and ``read`` for the rows not read yet whose text has ``layout``."""
    todo = ~read & (lengths == len(layout))
    if where is not None:
        todo &= where
    rows = np.flatnonzero(todo)
    if not rows.size:
        return
    codes = (
        np.array([texts[k] for k in rows], dtype=f"<U{len(layout)}")
        .view(np.uint32)
        .reshape(rows.size, len(layout))
        .astype(np.int64)
    )
    fits = np.ones(rows.size, dtype=bool)
    values: dict[str, np.ndarray] = {}
    for place, letter in enumerate(layout):
        code = codes[:, place]
        if letter in _LAYOUT_SEPARATORS:
            fits &= np.isin(code, [ord(c) for c in _LAYOUT_SEPARATORS[letter]])
        else:
            fits &= (code >= ord("0")) & (code <= ord("9"))
            values[letter] = values.get(letter, np.zeros(rows.size, np.int64)) * 10 + code - 48
    rows = rows[fits]
    for letter, value in values.items():
        if letter in fields:
            fields[letter][rows] = value[fits]
    read[rows] = True


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def _positions(
    check: _Checker, column: Callable[[str], list[str]], rows: list[int], bbox: Bbox | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, list[Problem]]]:
    """Return latitudes, longitudes, which rows have a position, and the other rows' problems.

    Plain decimal pairs inside the area (Vietnam without one) are read column-wise; every other
    row goes through ``_Checker.coordinates`` as it always did (decimal commas, degrees and
    minutes, one Tọa độ cell, and every mistake).
    """
    lat_text, lon_text = column("lat"), column("lon")
    nan = float("nan")
    lat = np.array([float(t) if _PLAIN_NUMBER.fullmatch(t) else nan for t in lat_text])
    lon = np.array([float(t) if _PLAIN_NUMBER.fullmatch(t) else nan for t in lon_text])
    west, south, east, north = bbox or _VIETNAM
    with np.errstate(invalid="ignore"):
        placed = (west <= lon) & (lon <= east) & (south <= lat) & (lat <= north)
    placed &= ~((lat == 0) & (lon == 0))
    problems: dict[int, list[Problem]] = {}
    slow = np.flatnonzero(~placed).tolist()
    if slow:
        cells = {key: column(key) for key in ("lat", "lon", "coords")}
        scratch = _Checker(check.file, check.headers)
        for k in slow:

            def get(key: str, k: int = k) -> str:
                return cells[key][k]

            position = scratch.coordinates(rows[k], get, bbox)
            if position is None:
                lat[k] = lon[k] = nan
                problems[k] = scratch.problems
                scratch.problems = []
            else:
                lat[k], lon[k] = position
                placed[k] = True
    return lat, lon, placed, problems


def _duplicate_incidents(
    rows: list[int],
    times: np.ndarray,
    kinds: list[Any],
    lat: np.ndarray,
    lon: np.ndarray,
    complete: np.ndarray,
) -> dict[int, int]:
    """Map each row (by position) repeating an earlier row to that row's spreadsheet number.

    Rows repeat when time, type and place (rounded to 5 decimals) are the same.
    """
    candidates = np.flatnonzero(complete)
    keys = pd.DataFrame(
        {
            "time": times[candidates].view(np.int64),
            "type": [kinds[k].value for k in candidates],
            # Python's rounding, as the rule always used; + 0.0 makes -0.0 equal to 0.0.
            "lat": [round(float(v), 5) + 0.0 for v in lat[candidates]],
            "lon": [round(float(v), 5) + 0.0 for v in lon[candidates]],
        }
    )
    repeated = keys.duplicated(keep=False).to_numpy()
    first: dict[tuple[Any, ...], int] = {}
    found: dict[int, int] = {}
    for k, key in zip(
        candidates[repeated], keys[repeated].itertuples(index=False, name=None), strict=True
    ):
        if key in first:
            found[int(k)] = first[key]
        else:
            first[key] = rows[k]
    return found
