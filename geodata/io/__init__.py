"""The ward's own tables: facility surveys and incident logs, read and written as CSV or XLSX.

Files come from Excel on Vietnamese and Western Windows, from LibreOffice and from Google Sheets,
so ``read_table`` reads CSV in UTF-8 (with or without BOM), UTF-16 ("Unicode text"), Windows-1258
and Windows-1252, separated by ``,``, ``;`` or tabs, and XLSX workbooks. The legacy code page is
decided on the Vietnamese syllables it produces, and a file whose encoding cannot be told is
refused rather than read with broken letters.

``read_facility_survey`` and ``read_incidents`` check the whole file and raise one
``InputFileError`` listing every problem (file, spreadsheet row, column as written, value, what
to do) in English and Vietnamese; nothing is returned from a file with problems. The writers
export the same frames so that reading them back gives the same frame, with cells that a
spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``) neutralised by a
leading apostrophe.
"""

from __future__ import annotations

from geodata.io._cells import read_table
from geodata.io._fields import CASH_LABELS_VI
from geodata.io.incident_log import read_incidents
from geodata.io.survey import read_facility_survey
from geodata.io.write import write_facilities, write_incidents

__all__ = [
    "CASH_LABELS_VI",
    "read_facility_survey",
    "read_incidents",
    "read_table",
    "write_facilities",
    "write_incidents",
]
