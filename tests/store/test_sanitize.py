"""Stored text leaves the store harmless: formulas neutralised, markup escaped."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from patrol.store.sanitize import html_text, spreadsheet_cell, write_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 24 3823", "'+84 24 3823"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("Tiệm vàng", "Tiệm vàng"),
        ("a=b", "a=b"),
        ("", ""),
        (-3.5, -3.5),
        (7, 7),
        (None, None),
        (True, True),
    ],
)
def test_spreadsheet_cell(value: object, expected: object) -> None:
    assert spreadsheet_cell(value) == expected


def test_html_text_escapes_markup() -> None:
    assert html_text('<img src=x onerror="alert(1)">') == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    )
    assert html_text("Ngân hàng BIDV & Co's") == "Ngân hàng BIDV &amp; Co&#x27;s"
    assert html_text(None) == ""


def test_write_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    assert write_csv(path, ["tên", "=h"], [["=cmd", 1], ["Chợ Hàng Da", -2]]) == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["tên", "'=h"], ["'=cmd", "1"], ["Chợ Hàng Da", "-2"]]
