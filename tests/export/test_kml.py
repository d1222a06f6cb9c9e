"""KML 2.2: valid against the OGC schema, styled lines, stops read back in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from patrol.export import PlanExport, to_kml

NS = {"k": "http://www.opengis.net/kml/2.2", "atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def kml_schema(data_dir: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    path = data_dir / "schemas" / "kml-2.2" / "ogckml22.xsd"
    return etree.XMLSchema(etree.parse(str(path), parser))


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(no_network=True))


@pytest.mark.parametrize("team", ["T1", None])
def test_valid_against_ogc_kml_2_2(
    plan: PlanExport, draft_plan: PlanExport, kml_schema: etree.XMLSchema, team: str | None
) -> None:
    for p in (plan, draft_plan):
        assert kml_schema.validate(_parse(to_kml(p, team=team))), kml_schema.error_log


def test_schema_check_catches_simplekml_faults(
    plan: PlanExport, kml_schema: etree.XMLSchema
) -> None:
    doc = _parse(to_kml(plan, team="T1"))
    style = doc.find(".//k:Style", NS)
    style.set("id", "1")  # simplekml numbers ids from a digit: not an xsd:ID
    assert not kml_schema.validate(doc)


def test_read_back_same_stops_order_and_styled_lines(plan: PlanExport) -> None:
    doc = _parse(to_kml(plan))
    folders = doc.findall(".//k:Folder", NS)
    assert len(folders) == len(plan.teams)
    colours = set()
    for folder, team in zip(folders, plan.teams, strict=True):
        route = plan.route(team)
        marks = folder.findall("k:Placemark", NS)
        line = marks[0].find("k:LineString/k:coordinates", NS).text.split()
        flat = [float(v) for c in line for v in c.split(",")]
        assert flat == pytest.approx([v for xy in route.path for v in xy], abs=1e-7)
        style_id = marks[0].find("k:styleUrl", NS).text.lstrip("#")
        colour = doc.find(f".//k:Style[@id='{style_id}']/k:LineStyle/k:color", NS).text
        colours.add(colour)
        stops = [
            m
            for m in marks[1:]
            if m.find("k:ExtendedData/k:Data[@name='kind']/k:value", NS).text != "depot"
        ]
        orders = [
            int(m.find("k:ExtendedData/k:Data[@name='order']/k:value", NS).text) for m in stops
        ]
        assert orders == [s.order for s in route.stops]
        names = [m.find("k:ExtendedData/k:Data[@name='name']/k:value", NS).text for m in stops]
        assert names == [s.name for s in route.stops]
        coords = [
            float(v) for m in stops for v in m.find("k:Point/k:coordinates", NS).text.split(",")
        ]
        assert coords == pytest.approx([v for s in route.stops for v in (s.lon, s.lat)], abs=1e-7)
    assert len(colours) == len(plan.teams)  # one colour per team


def test_identity_attribution_and_draft(plan: PlanExport, draft_plan: PlanExport) -> None:
    doc = _parse(to_kml(plan, team="T1"))
    name = doc.find("k:Document/k:name", NS).text
    assert "T1" in name and "23/11/2026" in name and "BẢN NHÁP" not in name
    assert (
        doc.find("k:Document/atom:link", NS).get("href")
        == "https://www.openstreetmap.org/copyright"
    )
    assert "OpenStreetMap" in doc.find("k:Document/k:description", NS).text
    draft = _parse(to_kml(draft_plan, team="T1"))
    assert draft.find("k:Document/k:name", NS).text.startswith("[BẢN NHÁP]")
    assert all(n.text.startswith("[BẢN NHÁP]") for n in draft.findall(".//k:Placemark/k:name", NS))
