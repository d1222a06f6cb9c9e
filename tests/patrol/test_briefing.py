"""What a leader reads about the night and each stop, on the default area with the ward's survey.

The survey (``tests/data/tables/survey-van-mieu.csv``) gives contacts and guards; OSM gives
addresses (``addr:*``). The plan must carry them to every stop, with the risk's reason, and name a
Tết or holiday night.
"""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import date
from pathlib import Path

import pytest

from geodata.basemap import street_background
from geodata.briefing import night_context, risk_reason, stop_details
from geodata.io import read_facility_survey
from geodata.risk import assess_risk
from geodata.shift import Shift
from patrol.export import read_plan, to_pdf
from patrol.pipeline import Inputs, load_inputs, plan_shift


@pytest.fixture(scope="module")
def surveyed(data_dir: Path) -> Inputs:
    """Load the default area with the ward's survey merged in and demonstration incidents."""
    survey = read_facility_survey(data_dir / "tables" / "survey-van-mieu.csv")
    return load_inputs(survey=survey, demo_until=date(2027, 2, 4))


@pytest.mark.parametrize(
    ("day", "kind", "words"),
    [
        ("2027-02-05", "tet", "Tết Nguyên đán"),  # the eve of Tết 2027
        ("2026-09-02", "holiday", "Quốc khánh"),
        ("2026-12-05", "weekend", ""),  # a Saturday: named, but no line on the briefing
        ("2026-12-02", "", ""),
    ],
)
def test_the_night_is_named_with_why(surveyed: Inputs, day: str, kind: str, words: str) -> None:
    shift = Shift.parse(day, "22:00-05:00", "01:00-03:00")
    context = night_context(assess_risk(surveyed.facilities, shift=shift, learn_profile=False))
    assert context["kind"] == kind
    line = context["line"]["vi"]
    if words:
        assert words in line and "nguy cơ đêm nay cao hơn ngày thường 50 %" in line.replace(
            "30 %", "50 %"
        )
        assert "." not in line[:-1].replace("Quốc khánh", "")  # no decimal point, one sentence
        assert context["line"]["en"]
    else:
        assert line == ""


def test_survey_contact_and_guard_reach_the_target(surveyed: Inputs) -> None:
    facilities = surveyed.facilities
    with_contact = facilities[facilities["contact"].astype(str).str.contains("0912 345 678")]
    assert len(with_contact) == 1
    fid = with_contact.index[0]
    details = stop_details(facilities, [fid])
    assert details["contact"] == "Nguyễn Văn An / 0912 345 678"
    assert details["guard"] == "yes"
    assert details["address"]  # the survey's Địa chỉ or OSM's addr:*


def test_risk_reason_names_what_raises_the_score(surveyed: Inputs) -> None:
    shift = Shift.parse("2026-12-05", "22:00-05:00", "01:00-03:00")
    assessment = assess_risk(surveyed.facilities, surveyed.incidents, shift=shift)
    fid = str(assessment.peak.idxmax())
    reason = risk_reason(assessment, fid)
    assert reason["vi"].endswith(f"cao nhất lúc {assessment.explain(fid).slot:%H:%M}")
    assert "vụ việc gần đây" in reason["vi"] and "recent incident" in reason["en"]


@pytest.mark.slow
def test_a_tet_eve_plan_carries_the_night_and_every_stop_s_details(surveyed: Inputs) -> None:
    shift = Shift.parse("2027-02-05", "22:00-05:00", "01:00-03:00")
    result = plan_shift(surveyed, shift, n_teams=2, time_limit_s=2, seed=3)
    plan = read_plan(result.plan)
    assert "Tết Nguyên đán" in plan.night_line("vi")
    assert "Tết" in plan.night_line("en")
    stops = [s for r in plan.routes for s in r.stops]
    assert stops
    facilities = surveyed.facilities
    for stop in stops:
        assert stop.reason_label("vi") and stop.guard in ("yes", "no", "unknown")
        assert stop.address_label("vi").startswith(("Địa chỉ: ", "không có địa chỉ"))
        assert "chưa có tên" not in stop.name and "osm-" not in stop.name
        main = facilities.loc[stop.site]
        if str(main.get("contact") or "").strip():
            assert str(main["contact"]).strip() in stop.contact
    assert any(s.contact for s in stops)  # the survey's contacts reach the plan
    # The briefing of each team names the night, every stop's address, and the demo data.
    bg = street_background(surveyed.area)
    for route in plan.routes:
        pdf = to_pdf(dataclasses.replace(plan, background=bg), team=route.team)
        raw = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                             check=True)  # fmt: skip
        flat = " ".join(raw.stdout.decode("utf-8").split())
        assert "Dịp Tết Nguyên đán (Giao thừa Tết Nguyên đán)" in flat
        assert "DỮ LIỆU MINH HỌA" in flat
        assert all(" ".join(s.address_label("vi").split()) in flat for s in route.stops)
        assert any(s.address for s in route.stops)
