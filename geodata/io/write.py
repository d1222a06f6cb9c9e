"""Facilities and incidents written as CSV or XLSX; reading them back gives the same frame."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.io._cells import _column_letter
from geodata.io._fields import _CASH_EN, _INCIDENT_FIELDS, _QUOTED, _SURVEY_FIELDS, CASH_LABELS_VI
from patrolbase.errors import InputFileError
from patrolbase.schema import FACILITY_COLUMNS, INCIDENT_COLUMNS, CashLevel, FacilityKind

# --------------------------------------------------------------------------- writing

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV/formula injection).

    A text that already starts with apostrophes and a formula character gets one more, so that
    reading it back (``_unquote``) gives the text as it was.
    """
    if value.startswith(_FORMULA_START) or _QUOTED.match(value):
        return "'" + value
    return value


def _yes_no_label(value: object, language: str) -> str:
    if value is None or pd.isna(value):
        return ""
    if language == "vi":
        return "Có" if value else "Không"
    return "Yes" if value else "No"


def write_facilities(
    frame: gpd.GeoDataFrame, path: str | Path, *, language: str = "vi", sep: str = ","
) -> Path:
    """Write a facilities frame to CSV (UTF-8 with BOM, for Excel) or XLSX, by ``path``'s suffix.

    Kinds, cash levels and yes/no are written as words of ``language`` (``"vi"`` or ``"en"``);
    the index, source and OSM id are kept so that ``read_facility_survey`` gives the frame back.

    Returns
    -------
    pathlib.Path
        The written file.

    """
    en = language == "en"
    columns: dict[str, list[object]] = {}
    fields = {f.key: f for f in _SURVEY_FIELDS}

    def header(key: str) -> str:
        return fields[key].header_en if en else fields[key].headers[0]

    columns[header("facility_id")] = list(frame.index.astype(str))
    columns[header("stt")] = list(range(1, len(frame) + 1))
    for key in (
        "name",
        "kind",
        "address",
        "lat",
        "lon",
        "opening_hours",
        "cash_level",
        "guard",
        "camera",
        "alarm",
        "contact",
        "notes",
        "operator",
        "source",
        "osm_id",
    ):
        values = frame[key].tolist()
        if key == "kind":
            values = [
                (FacilityKind(v).label_en if en else FacilityKind(v).label_vi) for v in values
            ]
        elif key == "cash_level":
            labels = _CASH_EN if en else CASH_LABELS_VI
            values = [labels[CashLevel(v)] if v else "" for v in values]
        elif key in ("guard", "camera", "alarm"):
            values = [_yes_no_label(v, language) for v in values]
        columns[header(key)] = values
    for extra in (c for c in frame.columns if c not in FACILITY_COLUMNS):
        columns[extra] = frame[extra].astype(str).tolist()
    return _write(
        columns,
        path,
        numeric={header("lat"), header("lon"), header("stt")},
        sheet="Cơ sở" if not en else "Facilities",
        sep=sep,
    )


def write_incidents(
    frame: gpd.GeoDataFrame, path: str | Path, *, language: str = "vi", sep: str = ","
) -> Path:
    """Write an incidents frame to CSV (UTF-8 with BOM) or XLSX, by ``path``'s suffix.

    Time is written ``dd/mm/yyyy HH:MM``, the type in words of ``language``, demo data as
    yes/no; ``read_incidents`` gives the frame back.

    Returns
    -------
    pathlib.Path
        The written file.

    """
    from patrolbase.schema import IncidentType

    en = language == "en"
    fields = {f.key: f for f in _INCIDENT_FIELDS}

    def header(key: str) -> str:
        return fields[key].header_en if en else fields[key].headers[0]

    columns: dict[str, list[object]] = {
        header("incident_id"): list(frame.index.astype(str)),
        header("time"): [pd.Timestamp(t).strftime("%d/%m/%Y %H:%M") for t in frame["time"]],
        header("type"): [
            IncidentType(t).label_en if en else IncidentType(t).label_vi for t in frame["type"]
        ],
        header("lat"): frame["lat"].tolist(),
        header("lon"): frame["lon"].tolist(),
        header("facility_id"): frame["facility_id"].astype(str).tolist(),
        header("description"): frame["description"].astype(str).tolist(),
        header("demo"): [_yes_no_label(bool(v), language) for v in frame["demo"]],
    }
    for extra in (c for c in frame.columns if c not in INCIDENT_COLUMNS):
        columns[extra] = frame[extra].astype(str).tolist()
    return _write(
        columns,
        path,
        numeric={header("lat"), header("lon")},
        sheet="Vụ việc" if not en else "Incidents",
        sep=sep,
    )


def _write(
    columns: dict[str, list[object]], path: str | Path, *, numeric: set[str], sheet: str, sep: str
) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputFileError(
            str(path),
            f"cannot write {suffix or 'no extension'!r}: name the file .csv or .xlsx",
            message_vi="chỉ ghi được tệp .csv hoặc .xlsx",
        )
    names = list(columns)
    rows = list(zip(*columns.values(), strict=True)) if columns else []
    cells = [
        [
            v if name in numeric else _neutralise("" if v is None else str(v))
            for name, v in zip(names, row, strict=True)
        ]
        for row in rows
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows(
            [[_number_text(v) if isinstance(v, float) else v for v in row] for row in cells]
        )
        path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
        return path
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)  # streams rows: ten times faster on big logs
    ws = book.create_sheet(sheet)
    ws.freeze_panes = "A2"
    for i, name in enumerate(names, start=1):
        width = max([len(name), *(len(str(r[i - 1])) for r in cells[:200])])
        ws.column_dimensions[_column_letter(i - 1)].width = min(60, width + 2)
    header_cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for row in cells:
        # Text was neutralised above, so no string starts with "=": openpyxl stores it as text.
        ws.append([None if v == "" else v for v in row])
    book.save(path)
    return path


def _number_text(value: float) -> str:
    return "" if pd.isna(value) else repr(float(value))
