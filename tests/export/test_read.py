"""Reading a plan for export: what it needs, every problem named, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from patrol.export import PlanExport, read_plan, write_exports
from patrol.export._common import write_atomic
from patrolbase.errors import PlanFileError


def test_sample_plan_reads_with_identity_and_clock_times(plan: PlanExport) -> None:
    assert plan.teams == ("T1", "T2")
    assert (plan.version, plan.status, plan.is_draft) == (3, "approved", False)
    t1 = plan.route("T1")
    assert t1.depot.name == "Công an phường Quốc Tử Giám"
    assert [s.order for s in t1.stops] == list(range(1, len(t1.stops) + 1))
    # Seconds from 22:00 become clock times; the second round falls in 01:00-03:00.
    assert f"{t1.leave:%H:%M}" == "22:00"
    late = [s for s in t1.stops if s.visit == 1]
    assert late and all("01:00" <= f"{s.start:%H:%M}" <= "03:00" for s in late)
    assert all(s.start.date() > plan.shift.date for s in late)  # after midnight: next day
    ident = plan.identity("T1")
    assert "23/11/2026" in ident and "22:00-05:00" in ident and "T1" in ident and "3" in ident
    assert plan.expires_at.isoformat() == "2026-11-24T05:00:00+07:00"


def test_draft_is_marked(draft_plan: PlanExport) -> None:
    assert draft_plan.is_draft
    assert draft_plan.identity("T1").startswith("BẢN NHÁP")
    assert draft_plan.identity("T1", "en").startswith("DRAFT")
    assert draft_plan.base_name("T1").endswith("-nhap")


def test_unknown_team_names_the_teams(plan: PlanExport) -> None:
    with pytest.raises(PlanFileError) as info:
        plan.route("T9")
    assert "T9" in str(info.value) and "T1, T2" in str(info.value)
    assert "T9" in (info.value.message_vi or "")


def _break(doc: dict[str, Any], how: str) -> str:
    if how == "format":
        doc["format"] = "patrol-problem/1"
        return "format"
    if how == "path":
        del doc["routes"][1]["path"]
        return "routes[1].path"
    if how == "short-path":
        doc["routes"][0]["path"] = [[105.83, 21.02]]
        return "routes[0].path"
    if how == "bad-point":
        doc["routes"][0]["path"][5] = [21.02, 505.83]
        return "routes[0].path[5]"
    if how == "shift":
        del doc["shift"]
        return "shift"
    if how == "stop-coords":
        del doc["routes"][0]["stops"][2]["lat"]
        return "routes[0].stops[2]"
    if how == "depot":
        del doc["routes"][0]["depot"]
        return "routes[0].depot"
    if how == "status":
        doc["status"] = "ok"
        return "status"
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    ["format", "path", "short-path", "bad-point", "shift", "stop-coords", "depot", "status"],
)
def test_bad_plan_names_the_field(sample_doc: dict[str, Any], how: str) -> None:
    field = _break(sample_doc, how)
    with pytest.raises(PlanFileError) as info:
        read_plan(sample_doc, source="broken.json")
    assert "broken.json" in str(info.value)
    assert field in str(info.value)


def test_every_problem_is_reported_at_once(sample_doc: dict[str, Any]) -> None:
    fields = [_break(sample_doc, how) for how in ("path", "shift", "depot")]
    with pytest.raises(PlanFileError) as info:
        read_plan(sample_doc, source="broken.json")
    assert all(f in str(info.value) for f in fields)
    assert "3 problem" in str(info.value)


def test_plan_file_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PlanFileError, match=r"plan\.json"):
        read_plan(bad)


def test_atomic_write_never_leaves_a_half_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "t1.gpx"
    target.write_bytes(b"old complete file")

    def fail(*_: object) -> None:
        msg = "disk full"
        raise OSError(msg)

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new" * 1000)
    assert target.read_bytes() == b"old complete file"
    assert list(tmp_path.iterdir()) == [target]  # the temporary file is gone too


def test_failed_export_writes_nothing(plan: PlanExport, tmp_path: Path) -> None:
    with pytest.raises(PlanFileError):
        write_exports(plan, tmp_path / "out", team="T9")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_write_exports_file_folder_zip(plan: PlanExport, tmp_path: Path) -> None:
    import zipfile

    one = write_exports(plan, tmp_path / "t1.gpx", team="T1", formats="gpx")
    assert one == [tmp_path / "t1.gpx"] and one[0].read_bytes().startswith(b"<?xml")
    folder = write_exports(plan, tmp_path / "all", formats=["gpx", "pdf"])
    names = sorted(p.name for p in folder)
    assert names == sorted(
        [
            f"{plan.base_name('T1')}.gpx",
            f"{plan.base_name('T1')}.pdf",
            f"{plan.base_name('T2')}.gpx",
            f"{plan.base_name('T2')}.pdf",
            f"{plan.base_name(None)}-all.gpx",
        ]
    )
    archive = write_exports(plan, tmp_path / "plan.zip", formats="all")[0]
    with zipfile.ZipFile(archive) as z:
        assert len(z.namelist()) == 2 * 5 + 3
        assert (
            z.read(f"{plan.base_name('T2')}.gpx")
            == (tmp_path / "all" / f"{plan.base_name('T2')}.gpx").read_bytes()
        )


def test_members_in_every_shape_the_pipeline_writes(sample_doc: dict[str, Any]) -> None:
    routes = sample_doc["routes"]
    routes[0]["members"] = [
        {"name": "Nguyễn Văn An", "role": "police"},
        {"name": "Đỗ Thị Bình", "role": "militia"},
        {"name": "Trần Văn Cường", "role": "police"},
    ]
    routes[1]["members"] = []
    routes[1]["member_counts"] = {"police": 2, "military": 1}
    plan = read_plan(sample_doc)
    assert plan.route("T1").member_lines() == [
        "Công an: Nguyễn Văn An, Trần Văn Cường",
        "Dân quân: Đỗ Thị Bình",
    ]
    assert plan.route("T2").member_lines() == ["Công an: 2 người", "Quân sự: 1 người"]
    assert plan.route("T2").member_lines("en") == ["Police: 2 persons", "Military: 1 person"]


@pytest.mark.slow
def test_risk_words_match_the_risk_model() -> None:
    from geodata.risk import RiskLevel
    from patrol.export._common import _RISK

    assert {level.value: level.label_vi for level in RiskLevel} == {
        k: v["vi"] for k, v in _RISK.items()
    }
    assert {level.value: level.label_en for level in RiskLevel} == {
        k: v["en"] for k, v in _RISK.items()
    }


def test_awkward_but_valid_plans_export(sample_doc: dict[str, Any], data_dir: Path) -> None:
    """A team that stays near home, names with control characters, an unnamed site."""
    from lxml import etree

    from patrol.export import export_files

    route = sample_doc["routes"][1]
    route["stops"] = []
    first = sample_doc["routes"][0]["stops"][0]
    first["name"] = "Tiệm vàng\x07 Kim\x1f Thành"
    del sample_doc["routes"][0]["stops"][1]["name"]
    plan = read_plan(sample_doc)
    assert plan.route("T1").stops[0].name == "Tiệm vàng Kim Thành"
    assert plan.route("T1").stops[1].name == plan.route("T1").stops[1].site
    files = export_files(plan)
    parser = etree.XMLParser(no_network=True)
    gpx = etree.XMLSchema(etree.parse(str(data_dir / "schemas" / "gpx-1.1.xsd"), parser))
    kml_path = data_dir / "schemas" / "kml-2.2" / "ogckml22.xsd"
    kml = etree.XMLSchema(etree.parse(str(kml_path), parser))
    for name, data in files.items():
        if name.endswith(".gpx"):
            assert gpx.validate(etree.fromstring(data, parser)), name
        if name.endswith(".kml"):
            assert kml.validate(etree.fromstring(data, parser)), name
    assert files[f"{plan.base_name('T2')}.pdf"].startswith(b"%PDF")


def test_teams_sharing_a_file_name_refused(sample_doc: dict[str, Any]) -> None:
    sample_doc["routes"][0]["team"] = "Tổ 1"
    sample_doc["routes"][1]["team"] = "To-1"
    with pytest.raises(PlanFileError, match=r"routes\[1\]\.team"):
        read_plan(sample_doc)


def test_plan_checked_against_its_area(plan: PlanExport, sample_doc: dict[str, Any]) -> None:
    from patrol.export import check_against_area

    sites = {r.depot.id for r in plan.routes} | {s.site for r in plan.routes for s in r.stops}
    # The area of the extract (tests/data/osm/hanoi-van-mieu-cat-linh.osm.bz2 <bounds>).
    bbox = (105.82683, 21.02329, 105.83901, 21.03035)
    check_against_area(plan, sites=sites, bbox=bbox)
    sample_doc["routes"][0]["stops"][1]["site"] = "osm-node-999"
    sample_doc["routes"][1]["stops"][0]["lat"] = 10.77  # Sài Gòn, not Hà Nội
    sample_doc["routes"][1]["path"][3] = [106.70, 10.77]
    moved = read_plan(sample_doc, source="moved.json")
    with pytest.raises(PlanFileError) as info:
        check_against_area(moved, sites=sites, bbox=bbox)
    text = str(info.value)
    assert "moved.json" in text and "3 problem" in text
    assert "routes[0].stops[1].site" in text and "osm-node-999" in text
    assert "routes[1].stops[0]" in text and "routes[1].path[3]" in text
