"""Hostile files: each is refused with a message naming file (and row), never a traceback.

The sparse-dimension workbook (``A1:XFD1048576``, one cell in the far corner: 5 KB that grew the
old reader to 22 GB), the same without a declared dimension, a zip bomb, a workbook that is not a
zip (also as a roster), a CSV cell over 131,072 characters, a 5,000-digit number, a plan JSON
nested 100,000 deep, year 3000 and ``01:30:99``. The last test runs every import in a fresh
process limited to 1 GB of address space: a reader that allocates by the declared size dies there.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from geodata.io import read_facility_survey, read_incidents, read_table
from patrolbase.errors import InputFileError, PatrolError, PlanFileError

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

ROOT = Path(__file__).parents[2]
TEMPLATE = ROOT / "geodata" / "data" / "templates" / "mau-vu-viec.xlsx"
SURVEY_CSV = ROOT / "geodata" / "data" / "templates" / "mau-khao-sat-co-so.csv"
HEADER = ["Mã vụ việc", "Thời gian", "Loại vụ việc", "Vĩ độ", "Kinh độ"]
GOOD = ["VV-1", "03/01/2026 01:30", "Trộm cắp tài sản", "21.0297", "105.8303"]
FAR_CELL = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def _rewrite_sheet(path: Path, change) -> Path:
    """Copy the incident template with its first sheet's XML changed by ``change``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(buffer.getvalue())
    return path


def sparse_declared(path: Path) -> Path:
    """Make the attack file: dimension ``A1:XFD1048576`` and one cell at ``XFD1048576``."""
    return _rewrite_sheet(
        path,
        lambda xml: xml.replace(
            '<dimension ref="A1:G4"/>', '<dimension ref="A1:XFD1048576"/>'
        ).replace("</sheetData>", FAR_CELL + "</sheetData>"),
    )


def sparse_undeclared(path: Path) -> Path:
    """Leave out the dimension, the far cell still there: the real extent is what counts."""
    return _rewrite_sheet(
        path,
        lambda xml: xml.replace('<dimension ref="A1:G4"/>', "").replace(
            "</sheetData>", FAR_CELL + "</sheetData>"
        ),
    )


def zip_bomb(path: Path) -> Path:
    """Pad a sheet with 40 MB of blanks: a few tens of kilobytes packed."""
    return _rewrite_sheet(
        path, lambda xml: xml.replace("<sheetData>", "<sheetData>" + " " * 40_000_000)
    )


def huge_number_xlsx(path: Path) -> Path:
    """Add a numeric cell of 5,000 digits."""
    cell = f'<row r="5"><c r="A5"><v>{"9" * 5000}</v></c></row>'
    return _rewrite_sheet(path, lambda xml: xml.replace("</sheetData>", cell + "</sheetData>"))


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_template_still_reads(tmp_path: Path) -> None:
    frame = read_table(TEMPLATE)
    assert len(frame) >= 3 and "Thời gian" in frame.columns


@pytest.mark.parametrize(
    ("make", "says_en", "says_vi"),
    [
        (sparse_declared, "declares the range A1:XFD1048576", "khai báo vùng A1:XFD1048576"),
        (sparse_undeclared, "cells up to row 1,048,576, column 16,384", "dòng 1.048.576"),
        (zip_bomb, "zip bomb", "tệp nén bất thường"),
        (huge_number_xlsx, "thousands of digits", "hàng nghìn chữ số"),
    ],
)
def test_hostile_workbooks_are_refused(tmp_path: Path, make, says_en: str, says_vi: str) -> None:
    path = make(tmp_path / "vu-viec.xlsx")
    assert path.stat().st_size < 200_000  # small files, under every upload limit
    with pytest.raises(InputFileError) as caught:
        read_incidents(path)
    assert str(path) in str(caught.value) and says_en in str(caught.value)
    assert says_vi in (caught.value.message_vi or "")


def test_a_workbook_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    with pytest.raises(InputFileError, match="damaged or truncated") as caught:
        read_incidents(path)
    assert "tệp Excel bị hỏng" in (caught.value.message_vi or "")


def test_roster_uploads_are_checked(tmp_path: Path) -> None:
    from dashboard.planops import read_roster_upload

    for data in (b"PK\x03\x04 not a zip" * 10, sparse_declared(tmp_path / "r.xlsx").read_bytes()):
        with pytest.raises(InputFileError) as caught:
            read_roster_upload("to-truc.xlsx", data)
        assert "to-truc.xlsx" in str(caught.value) and caught.value.message_vi
    with pytest.raises(InputFileError, match="at most 5 MB") as caught:
        read_roster_upload("to-truc.csv", b"id,name,role\n" + b"x" * (6 * 2**20))
    assert "tối đa 5 MB" in (caught.value.message_vi or "")
    big_cell = "id,name,role\n1," + "x" * 131_073 + ",police\n"
    with pytest.raises(InputFileError, match="too long") as caught:
        read_roster_upload("to-truc.csv", big_cell.encode())


def test_a_csv_cell_over_131072_characters(tmp_path: Path) -> None:
    path = _csv(tmp_path / "vv.csv", [GOOD, ["VV-2", "x" * 131_073, "Trộm", "21.03", "105.83"]])
    with pytest.raises(InputFileError) as caught:
        read_incidents(path)
    [problem] = caught.value.problems
    assert problem.row == 3 and "131,072 characters" in problem.message
    assert "131.072 ký tự" in problem.message_vi


def test_a_5000_digit_number(tmp_path: Path) -> None:
    lines = SURVEY_CSV.read_text(encoding="utf-8-sig").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    path = _csv(tmp_path / "khao-sat.csv", [["9" * 5000, *row[1:]]], header)
    with pytest.raises(InputFileError) as caught:
        read_facility_survey(path)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "STT") and "at most 9 digits" in problem.message
    incidents = _csv(tmp_path / "vv.csv", [["9" * 5000, *GOOD[1:3], "9" * 5000, "105.83"]])
    with pytest.raises(InputFileError) as caught:
        read_incidents(incidents)
    assert [p.column for p in caught.value.problems] == ["Vĩ độ"]


def test_a_plan_nested_100000_deep(tmp_path: Path) -> None:
    from routing.model import PatrolPlan, PatrolProblem

    path = tmp_path / "ke-hoach.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(PlanFileError, match="nested too deep") as caught:
        PatrolPlan.from_file(path)
    assert "lồng nhau quá sâu" in (caught.value.message_vi or "")
    with pytest.raises(PatrolError, match="nested too deep"):
        PatrolProblem.from_file(path)


@pytest.mark.parametrize(
    ("when", "says"),
    [
        ("03/01/3000 01:30", "the year 3000 is too late"),
        ("3000-01-03T01:30:00", "the year 3000 is too late"),
        ("03/01/2263 01:30", "the year 2263 is too late"),
        ("03/01/9999 01:30", "the year 9999 is too late"),
        ("03/01/2026 01:30:99", "seconds run 00-59"),
        ("2026-01-03 01:30:99", "seconds run 00-59"),
        ("2026-01-03T01:30:00+25:00", "no such time zone offset"),
    ],
)
def test_dates_are_refused_never_bent(tmp_path: Path, when: str, says: str) -> None:
    path = _csv(tmp_path / "vv.csv", [GOOD, ["VV-2", when, "Trộm cắp tài sản", "21.03", "105.83"]])
    with pytest.raises(InputFileError) as caught:
        read_incidents(path)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(3, "Thời gian", when)]
    assert says in caught.value.problems[0].message


def test_an_offset_is_turned_into_ward_time(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "vv.csv",
        [GOOD, ["VV-2", "2026-01-03T18:30:00Z", "Trộm cắp tài sản", "21.03", "105.83"]],
    )
    frame = read_incidents(path)
    assert str(frame.loc["VV-2", "time"]) == "2026-01-04 01:30:00"


_CAPPED = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
    from geodata.io import read_incidents
    from dashboard.planops import read_roster_upload
    from routing.model import PatrolPlan
    from patrolbase.errors import PatrolError
    outcome = {}
    for path in sys.argv[1:]:
        try:
            if path.endswith(".json"):
                PatrolPlan.from_file(path)
            elif "roster" in path:
                read_roster_upload(path, open(path, "rb").read())
            else:
                read_incidents(path)
            outcome[path] = "read"
        except PatrolError as exc:
            outcome[path] = type(exc).__name__ + ": " + (exc.message_vi or str(exc))[:60]
        except MemoryError:
            outcome[path] = "MemoryError"
    print(json.dumps(outcome))
    """
)


def test_every_hostile_import_is_refused_within_1_gb(tmp_path: Path) -> None:
    files = [
        sparse_declared(tmp_path / "sparse.xlsx"),
        sparse_undeclared(tmp_path / "sparse-undeclared.xlsx"),
        zip_bomb(tmp_path / "bomb.xlsx"),
        huge_number_xlsx(tmp_path / "digits.xlsx"),
        sparse_declared(tmp_path / "roster-sparse.xlsx"),
        _csv(tmp_path / "field.csv", [["VV-2", "x" * 131_073, "Trộm", "21.03", "105.83"]]),
        _csv(tmp_path / "year.csv", [["VV-2", "03/01/3000 01:30", "Trộm", "21.03", "105.83"]]),
    ]
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    files.append(deep)
    env = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "NUMBA_NUM_THREADS": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", _CAPPED, *map(str, files)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(outcome) == {str(f) for f in files}
    for path, result in outcome.items():
        assert result.split(":")[0] in {"InputFileError", "PlanFileError"}, (path, result)
