"""A plan made on demonstration incidents says so in every export format, on every page."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from patrol.export import PlanExport, export_files, read_plan

POPPLER = shutil.which("pdftotext")
LABEL_VI = "DỮ LIỆU MINH HỌA"
LABEL_EN = "DEMONSTRATION DATA"


@pytest.fixture
def demo_plan(sample_doc: dict[str, Any]) -> PlanExport:
    doc = copy.deepcopy(sample_doc)
    doc["demo_incidents"] = True
    return read_plan(doc, source="demo.json")


def _files(plan: PlanExport, lang: str = "vi") -> dict[str, bytes]:
    return export_files(plan, team="T1", lang=lang)  # type: ignore[arg-type]


def _one(files: dict[str, bytes], fmt: str) -> tuple[str, bytes]:
    [(name, data)] = [(n, d) for n, d in files.items() if n.endswith(f".{fmt}")]
    return name, data


def test_real_data_carries_no_demo_label(plan: PlanExport) -> None:
    assert not plan.demo
    for name, data in _files(plan).items():
        assert "minh-hoa" not in name
        if not name.endswith(".pdf"):
            assert LABEL_VI not in data.decode("utf-8"), name


@pytest.mark.parametrize("fmt", ["gpx", "kml"])
@pytest.mark.slow
def test_xml_exports_name_the_demo_data(demo_plan: PlanExport, fmt: str) -> None:
    name, data = _one(_files(demo_plan), fmt)
    assert name.endswith(f"-minh-hoa.{fmt}")
    root = etree.fromstring(data)
    names = [
        el.text or ""
        for el in root.iter()
        if etree.QName(el).localname == "name"
        and etree.QName(el.getparent()).localname != "author"  # the ward, who wrote the file
    ]
    # the file's own name and every waypoint, route, track, folder and placemark name
    assert names and all(LABEL_VI in n for n in names if n), names
    descriptions = [
        el.text or "" for el in root.iter() if etree.QName(el).localname in {"desc", "description"}
    ]
    assert any(LABEL_VI in d for d in descriptions)


@pytest.mark.slow
def test_geojson_says_demo(demo_plan: PlanExport) -> None:
    _, data = _one(_files(demo_plan), "geojson")
    doc = json.loads(data)
    assert doc["plan"]["demo"] is True and LABEL_VI in doc["plan"]["demo_note"]
    assert LABEL_VI in doc["plan"]["label"]
    assert all(f["properties"]["demo"] is True for f in doc["features"])
    english = json.loads(_one(_files(demo_plan, "en"), "geojson")[1])
    assert LABEL_EN in english["plan"]["demo_note"]


def test_html_page_has_the_banner(demo_plan: PlanExport) -> None:
    _, data = _one(_files(demo_plan), "html")
    page = data.decode("utf-8")
    assert 'id="demo"' in page and "mức nguy cơ tính từ vụ việc giả lập" in page
    assert f"<title>[{LABEL_VI}]" in page or f"[{LABEL_VI}]" in page.split("</title>")[0]


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
@pytest.mark.slow
def test_pdf_says_demo_on_every_page(demo_plan: PlanExport, tmp_path: Path) -> None:
    _, data = _one(_files(demo_plan), "pdf")
    path = tmp_path / "t1.pdf"
    path.write_bytes(data)
    pages = (
        subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
        .stdout.decode("utf-8")
        .split("\f")
    )
    pages = [p for p in pages if p.strip()]
    assert pages and all(LABEL_VI in " ".join(p.split()) for p in pages)
