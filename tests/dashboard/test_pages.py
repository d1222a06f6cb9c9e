"""Every page on the default area, run headless with Streamlit's AppTest."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import assets
from geodata.area import DEFAULT_AREA_NAME
from geodata.io import read_facility_survey
from patrol.store import audit, repo
from patrolbase.errors import InputFileError
from patrolbase.schema import DEPOT_KINDS, FacilityKind

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

TABLES = Path(__file__).resolve().parents[1] / "data" / "tables"
DEPOTS = [k.value for k in DEPOT_KINDS]


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _map_args(at: AppTest) -> dict[str, Any]:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def planned(ward_factory: Callable[[], Any]) -> AppTest:
    """Give a commander's session that planned tonight's shift (3 teams, 2 s solver limit)."""
    at = ward_factory()("commander", "plan")
    at.slider(key="plan_time_limit").set_value(2)
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_map_page_shows_the_area_offline(inputs: Any, app_as: Callable[..., AppTest]) -> None:
    at = app_as("commander")
    sites = inputs.facilities[~inputs.facilities["kind"].isin(DEPOTS)]
    assert at.title[0].value == "Bản đồ"
    assert _metrics(at) == {
        "Mục tiêu": str(len(sites)),
        "Vụ việc": str(len(inputs.incidents)),
        "Điểm xuất phát": str(int(inputs.facilities["kind"].isin(DEPOTS).sum())),
    }
    assert any("Dữ liệu minh họa" in w.value for w in at.warning)
    # offline ward ([area] online false, the default): no online-tiles switch at all
    assert not [c for c in at.checkbox if c.key == "map_online"]
    args = _map_args(at)
    assert args["returned_objects"] == ["last_clicked", "last_object_clicked"]  # no pan re-runs
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith(assets.STATIC_URL + "/") for link in links)
    script = args["script"]
    for fid in sites.index:  # every site on the map, with its risk class
        assert f'"id":"{fid}"' in script
    assert len(re.findall(r"facility risk-(?:low|medium|high|very_high)", script)) == len(sites)
    assert json.dumps("Lý do")[1:-1] in script  # the popups explain the risk
    # The kinds table adds up to the sites.
    (table,) = at.dataframe
    assert table.value["Số lượng"].sum() == len(sites)


def test_hour_slider_recolours_by_the_risk_model(
    inputs: Any, app_as: Callable[..., AppTest]
) -> None:
    at = app_as("commander")
    levels = {}
    for hour in (22, 1):
        at.select_slider(key="map_hour").set_value(hour).run()
        script = _map_args(at)["script"]
        levels[hour] = sorted(re.findall(r"facility risk-(\w+)", script))
    assert levels[22] != levels[1]
    # Burglaries cluster 01:00-03:00: more sites are high at 01:00 than at 22:00.
    high = {h: sum(v in ("high", "very_high") for v in lv) for h, lv in levels.items()}
    assert high[1] > high[22]


def test_incident_views_switch_layers(app_as: Callable[..., AppTest]) -> None:
    at = app_as("commander")
    assert "incident-cell" in _map_args(at)["script"]
    at.radio(key="map_view.vi").set_value("heat").run()
    script = _map_args(at)["script"]
    assert "heatLayer" in script and "incident-cell" not in script
    assert _map_args(at)["js_links"][-1].endswith("/heat/leaflet_heat.min.js")


def test_language_switch_translates_every_page(app_as: Callable[..., AppTest]) -> None:
    at = app_as("commander")
    at.radio(key="map_view.vi").set_value("heat").run()
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Map"
    assert at.radio(key="map_view.en").value == "heat"  # choices carry over
    assert set(_metrics(at)) == {"Sites", "Incidents", "Depots"}
    assert any("Demonstration data" in w.value for w in at.warning)
    _page(at, "help")
    assert at.title[0].value == "User guide"
    assert "For patrol leaders" in at.main.markdown[-1].value
    at.radio(key="lang").set_value("vi").run()
    assert at.title[0].value == "Hướng dẫn sử dụng"
    assert "Dành cho tổ trưởng tuần tra" in at.main.markdown[-1].value


def test_plan_page_solves_and_shows_the_loops(planned: AppTest) -> None:
    at = planned
    result = at.session_state["plan"]
    plan = result.plan
    metrics = _metrics(at)
    assert metrics["Lượt kiểm tra"] == str(sum(len(r.stops) for r in plan.routes))
    coverage = result.metrics["coverage"]
    assert metrics["Mục tiêu chưa được kiểm tra"] == str(coverage["targets"] - coverage["visited"])
    # The night's key targets and the capacity advice stand above the map.
    top = coverage["levels"]["very_high"]
    advice = " ".join(block.value for block in [*at.success, *at.warning])
    assert f"Mục tiêu mức rất cao: {top['covered']}/{top['targets']}" in advice
    assert metrics["Số tổ xuất phát"] == str(sum(1 for r in plan.routes if r.stops))
    assert plan.routes and all(len(r.extra["path"]) >= 2 for r in plan.routes)
    script = _map_args(at)["script"]
    assert script.count("route route-") == len(
        [r for r in plan.routes if len(r.extra["path"]) >= 2]
    )
    # One badge per site of a team's loop, listing its visit numbers.
    badges = sum(len({s.site for s in r.stops}) for r in plan.routes)
    assert script.count("stop-badge team-") == badges
    # One timeline per team, one row per stop.
    tables = at.dataframe
    assert [len(t.value) for t in tables] == [len(r.stops) for r in plan.routes]
    assert re.fullmatch(r"\d\d:\d\d", tables[0].value["Đến"].iloc[0])


def test_second_seed_gives_another_plan(planned: AppTest) -> None:
    at = planned
    seed = at.session_state["plan_request"]["seed"]
    reseed = at.button(key="plan_reseed")
    assert reseed.label == "Phương án khác tương đương"
    reseed.click().run()
    assert not at.exception
    assert at.session_state["plan_request"]["seed"] == seed + 1
    assert f"Mã phương án: {seed + 1}" in at.caption[-1].value or any(
        f"{seed + 1}" in c.value for c in at.caption
    )


def test_plan_page_plans_a_rota_of_several_nights(planned: AppTest) -> None:
    at = planned
    at.number_input(key="plan_rota_nights").set_value(2)
    at.button(key="plan_rota_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    rota = at.session_state["plan_rota"]
    assert len(rota.nights) == 2
    assert any("LỊCH TUẦN TRA 2 ĐÊM" in block.value for block in [*at.success, *at.warning])
    table = at.dataframe[-1].value
    assert list(table.columns[:3]) == [
        "Mục tiêu",
        "Mức nguy cơ",
        "Số đêm trong khung giờ nguy cơ cao",
    ]
    assert len(table) == len(rota.targets) and "Kho bạc Nhà nước" in set(table["Mục tiêu"])


def test_routes_page_lists_each_team(planned: AppTest) -> None:
    at = _page(planned, "routes")
    plan = at.session_state["plan"].plan
    # T1 is shown as people say it, Tổ 1.
    assert at.radio(key="routes_team.vi").options == [f"Tổ {r.team[1:]}" for r in plan.routes]
    (table,) = at.dataframe
    assert len(table.value) == len(plan.routes[0].stops)
    script = _map_args(at)["script"]
    assert script.count("route route-") <= 1


def test_routes_page_without_a_plan(app_as: Callable[..., AppTest]) -> None:
    at = app_as("commander", "routes")
    assert any("Chưa có kế hoạch" in i.value for i in at.info)


def test_impossible_shift_is_explained_without_traceback(app_as: Callable[..., AppTest]) -> None:
    at = app_as("commander", "plan")
    from datetime import time

    at.time_input(key="plan_end").set_value(time(23, 0))  # 01:00-03:00 lies outside 22-23
    at.button(key="plan_solve").click().run()
    assert not at.exception
    assert any("Không thực hiện được" in e.value and "01:00-03:00" in e.value for e in at.error)
    assert at.session_state["plan"] is None


def test_a_key_route_chosen_on_the_plan_page_is_driven_and_said(
    app_as: Callable[..., AppTest],
) -> None:
    at = app_as("commander", "plan")
    at.slider(key="plan_time_limit").set_value(1)
    at.multiselect(key="plan_key_routes").select("Phố Cát Linh").run()
    at.checkbox(key="plan_key_routes_in_window").check()
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    said = [i.value for i in at.info if "Tuyến trọng điểm" in i.value]
    assert said and "Phố Cát Linh: Tổ " in said[0] and "đi hết tuyến" in said[0]
    result = at.session_state["plan"]
    lo, hi = result.shift.high_risk_s
    (stop,) = [s for r in result.plan.routes for s in r.stops if s.extra["name"] == "Phố Cát Linh"]
    assert lo <= stop.start and stop.depart <= hi  # inside 01:00-03:00, as ticked


def _stored(ward: Any) -> tuple[int, int]:
    """Count the facilities and incidents in the ward's store."""
    from sqlalchemy import func, select

    from patrol.store.models import Facility, Incident

    with ward.store.transaction() as db:
        return (
            db.scalar(select(func.count(Facility.id))) or 0,
            db.scalar(select(func.count(Incident.id))) or 0,
        )


def test_bad_upload_is_refused_with_every_problem(app_as: Any) -> None:
    bad = TABLES / "survey-bad-cash.csv"
    with pytest.raises(InputFileError) as caught:
        read_facility_survey(bad)
    at = app_as("commander", "data")
    at.file_uploader(key="up_survey").set_value((bad.name, bad.read_bytes(), "text/csv")).run()
    assert not at.exception
    assert any("survey-bad-cash.csv" in e.value and "chưa lưu" in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert list(problems.columns) == ["Tệp", "Dòng", "Cột", "Giá trị", "Lỗi"]
    assert len(problems) == len(caught.value.problems)
    assert problems["Tệp"].tolist() == ["survey-bad-cash.csv"] * len(problems)
    first = caught.value.problems[0]
    assert problems.iloc[0]["Dòng"] == first.row and problems.iloc[0]["Lỗi"] == first.message_vi
    assert _stored(app_as) == (0, 0)  # nothing stored
    # The refusal is in the audit log, once (a re-run does not send the file again).
    at.run()
    assert any("chưa lưu" in e.value for e in at.error)
    refused = [e for e in audit.list_audit(app_as.store, action="upload") if e.outcome == "fail"]
    assert len(refused) == 1 and "survey-bad-cash.csv" in refused[0].target + refused[0].detail


def test_good_upload_is_stored_and_merged_into_the_sites(inputs: Any, app_as: Any) -> None:
    good = TABLES / "survey-van-mieu.csv"
    survey = read_facility_survey(good)
    at = app_as("commander", "data")
    at.file_uploader(key="up_survey").set_value((good.name, good.read_bytes(), "text/csv")).run()
    assert not at.exception and not at.error
    assert any("survey-van-mieu.csv" in s.value for s in at.success)
    assert _stored(app_as) == (len(survey), 0)
    # A new session of another user reads the stored survey: the ward's records, not a session's.
    other = app_as("analyst", "map")
    sites = int(_metrics(other)["Mục tiêu"])
    osm_sites = int((~inputs.facilities["kind"].isin(DEPOTS)).sum())
    # Survey rows are matched with OSM sites where they are the same place, added otherwise.
    assert osm_sites < sites <= osm_sites + len(survey)


def test_stored_facility_is_edited_with_its_history(app_as: Any) -> None:
    good = TABLES / "survey-van-mieu.csv"
    at = app_as("commander", "data")
    at.file_uploader(key="up_survey").set_value((good.name, good.read_bytes(), "text/csv")).run()
    stored = repo.load_facilities(app_as.store, _commander(app_as), area=DEFAULT_AREA_NAME)
    first = str(stored.index[0])
    (editor,) = [d for d in at.dataframe if d.key == "facility_editor"]
    assert len(editor.value) == len(stored)
    at.session_state["facility_editor"] = {
        "edited_rows": {0: {"notes": "Kiểm tra lúc 01:30"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key="facility_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("1" in s.value for s in at.success)
    again = repo.load_facilities(app_as.store, _commander(app_as), area=DEFAULT_AREA_NAME)
    assert again.loc[first, "notes"] == "Kiểm tra lúc 01:30"
    history = repo.facility_history(app_as.store, area=DEFAULT_AREA_NAME, facility_id=first)
    assert [(h.field, h.new, h.by) for h in history][-1] == (
        "notes",
        "Kiểm tra lúc 01:30",
        "chihuy",
    )
    at.selectbox(key="facility_history").set_value(first).run()
    table = at.tabs[0].dataframe[-1].value  # below the choice of facility
    assert table["Giá trị mới"].tolist()[-1] == "Kiểm tra lúc 01:30"
    assert table["Người sửa"].tolist()[-1] == "chihuy"


def _commander(ward: Any) -> Any:
    from patrol.store.auth import Principal, Role

    return Principal(0, "chihuy", "", Role.COMMANDER, None)


def test_settings_page_applies_to_the_session(app_as: Callable[..., AppTest]) -> None:
    at = app_as("commander", "settings")
    assert any("Đã cài đặt" in s.value for s in at.success)  # the offline map library
    at.selectbox[0].set_value("foot")
    at.number_input[0].set_value(4)
    at.button(key="settings_apply").click().run()
    assert not at.exception
    settings = json.loads(at.session_state["settings_json"])
    assert settings["network"]["default_mode"] == "foot"
    assert settings["routing"]["time_limit_s"] == 4.0


def test_data_page_shows_the_wards_tables(inputs: Any, app_as: Callable[..., AppTest]) -> None:
    at = app_as("commander", "data")
    facilities, incidents = (t.value for t in at.dataframe)
    assert len(facilities) == len(inputs.facilities) and len(incidents) == len(inputs.incidents)
    # The ward's own headers and words, as geodata.io writes them for the downloads.
    assert {"Tên cơ sở", "Loại hình", "Vĩ độ", "Kinh độ"} <= set(facilities.columns)
    assert set(facilities["Loại hình"]) <= {k.label_vi for k in FacilityKind}
    assert "Thời gian" in incidents.columns
    assert incidents["Thời gian"].str.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d").all()
    assert len(at.get("download_button")) == 5  # CSV and XLSX of each table; the groups' form


@pytest.mark.slow
def test_plan_page_names_a_tet_night(ward_factory: Callable[[], Any]) -> None:
    from datetime import date

    at = ward_factory()("commander", "plan")
    at.date_input(key="plan_date").set_value(date(2027, 2, 5))  # the eve of Tết 2027
    at.slider(key="plan_time_limit").set_value(1)
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = " ".join(w.value for w in at.warning)
    assert "Tết Nguyên đán" in warnings and "nguy cơ đêm nay cao hơn ngày thường" in warnings
