"""Plan operations in the dashboard, on the default area and a fresh store, through AppTest.

One commander's session goes through the night in order: a roster forms the teams, a plan is
made, a stop is moved and locked and the plan re-solved, the two alternatives compared, the plan
approved; then the leader of T1 opens the routes page and takes the exports; the alarm page sends
the nearest team. The tests of this module share that session and run in file order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gpxpy
import pytest
from streamlit.testing.v1 import AppTest

from patrol.export import verify
from patrol.store import audit, auth
from patrol.store import plans as stored_plans

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

ROSTER = (
    "Mã,Họ tên,Lực lượng\n"
    "CA1,Nguyễn Văn An,Công an\n"
    "QS1,Trần Văn Bình,Quân sự\n"
    "CA2,Lê Thị Cúc,Công an\n"
    "DQ1,Phạm Văn Dũng,Dân quân\n"
    "CA3,Hoàng Văn Em,Công an\n"
    "QS2,Vũ Văn Giang,Quân sự\n"
    "CA4,Đỗ Thị Hoa,Công an\n"
)


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


@pytest.fixture(scope="module")
def ward(ward_factory: Callable[[], Any]) -> Any:
    """One ward's store for the whole night of this module."""
    return ward_factory()


@pytest.fixture(scope="module")
def commander(ward: Any) -> AppTest:
    """Open the commander's session on the plan page, with tonight's roster uploaded."""
    at: AppTest = ward("commander", "plan")
    at.file_uploader(key="plan_roster_file").set_value(
        ("truc-dem.csv", ROSTER.encode("utf-8"), "text/csv")
    ).run()
    return _ok(at)


def test_roster_upload_forms_joint_teams_and_the_plan_uses_them(commander: AppTest) -> None:
    roster = commander.session_state["plan_roster"]
    assert [t.id for t in roster.teams] == ["T1", "T2", "T3"]
    assert [t.leader.name for t in roster.teams] == ["Nguyễn Văn An", "Lê Thị Cúc", "Hoàng Văn Em"]
    assert [p.name for p in roster.reserve] == ["Đỗ Thị Hoa"]
    table = commander.dataframe[0].value
    assert "Phạm Văn Dũng" in set(table["Họ tên"])
    assert any("Đã lập 3 tổ" in s for s in _texts(commander, "success"))
    commander.slider(key="plan_time_limit").set_value(2)
    _ok(commander.button(key="plan_solve").click().run())
    plan = commander.session_state["plan"].plan
    members = {r.team: r.extra["members"] for r in plan.routes}
    assert members["T2"]["leader"] == "Lê Thị Cúc"
    assert members["T2"]["militia"] == ["Phạm Văn Dũng"]
    assert any("Tổ trưởng: Nguyễn Văn An" in c for c in _texts(commander, "caption"))


def test_a_bad_roster_is_refused_with_its_problems(ward: Any) -> None:
    at: AppTest = ward("commander", "plan")
    bad = "Mã,Họ tên,Lực lượng\nCA1,Nguyễn Văn An,Công an\nCA1,,Bảo vệ\n"
    at.file_uploader(key="plan_roster_file").set_value(("sai.csv", bad.encode(), "text/csv")).run()
    _ok(at)
    assert at.session_state["plan_roster"] is None
    problems = at.dataframe[0].value
    assert set(problems["Cột"]) == {"id", "name", "role"}
    assert any("sai.csv" in e for e in _texts(at, "error"))


def test_moved_and_locked_stop_stays_on_its_team_at_the_chosen_time(
    commander: AppTest, contract_errors: Callable[[Any, Any], list[str]]
) -> None:
    before = commander.session_state["plan"]
    t1, t2 = before.plan.routes[0], before.plan.routes[1]
    moved = t2.stops[len(t2.stops) // 2]
    kept = t1.stops[0]
    shift = before.shift
    site = next(s for s in before.problem.sites if s.id == moved.site)
    earliest = site.visits[moved.visit].earliest // 60 * 60  # the time inputs take minutes
    start, end = shift.at(earliest).time(), shift.at(earliest + 1800).time()
    commander.multiselect(key="plan_keep.vi").set_value([f"{kept.site}|{kept.visit}"])
    commander.selectbox(key="plan_move_stop.vi").set_value(f"{moved.site}|{moved.visit}")
    commander.selectbox(key="plan_move_team").set_value("T1")
    _ok(commander.checkbox(key="plan_move_timed").check().run())  # the time inputs open
    commander.time_input(key="plan_move_from").set_value(start)
    commander.time_input(key="plan_move_to").set_value(end)
    _ok(commander.button(key="plan_relock").click().run())
    after = commander.session_state["plan"]
    assert after is not before
    where = {(s.site, s.visit): (r.team, s.start) for r in after.plan.routes for s in r.stops}
    team, at_s = where[(moved.site, moved.visit)]
    assert team == "T1"
    assert earliest <= at_s <= earliest + 1800
    assert where[(kept.site, kept.visit)][0] == "T1"
    assert contract_errors(after.problem, after.plan) == []
    assert [a.label for a in commander.session_state["plan_alternatives"]] == ["A", "B"]


def test_compare_shows_both_plans_metrics_and_their_overlap(commander: AppTest) -> None:
    from routing.metrics import overlap

    a, b = commander.session_state["plan_alternatives"]
    table = next(d.value for d in commander.dataframe if "Chỉ số" in d.value.columns)
    assert list(table.columns) == ["Chỉ số", "Phương án A", "Phương án B"]
    rows = dict(zip(table["Chỉ số"], zip(table["Phương án A"], table["Phương án B"], strict=True),
                    strict=True))  # fmt: skip
    served = rows["Lượt kiểm tra"]
    assert served == tuple(str(sum(len(r.stops) for r in alt.result.plan.routes)) for alt in (a, b))
    high = rows["Mục tiêu mức rất cao kiểm tra trong khung giờ nguy cơ cao"]
    for alt, shown in zip((a, b), high, strict=True):
        top = alt.result.metrics["coverage"]["levels"]["very_high"]
        assert shown == f"{top['in_window']}/{top['targets']}"
    share = overlap(a.result.plan, b.result.plan)
    (both,) = {v for k, v in rows.items() if k.startswith("Trùng lặp")}
    assert both == (f"{round(100 * share)}%", f"{round(100 * share)}%")
    maps = [c for c in commander.get("component_instance")]
    assert len(maps) == 3  # the plan's map and one per alternative


def test_approve_stores_the_plan_with_its_approver(commander: AppTest, ward: Any) -> None:
    _ok(commander.button(key="plan_approve").click().run())
    (stored,) = stored_plans.list_plans(ward.store, _commander(ward))
    assert stored.status == "approved"
    assert stored.approved_by == ward.accounts["commander"].username
    assert stored.approved_at is not None
    document = stored.document
    assert {r["team"] for r in document["routes"]} == {"T1", "T2", "T3"}
    assert document["routes"][1]["members"]["leader"] == "Lê Thị Cúc"
    assert any(
        "phê duyệt lúc" in s and str(stored.approved_by) in s for s in _texts(commander, "success")
    )


def _commander(ward: Any) -> Any:
    account = ward.accounts["commander"]
    return auth.login(
        ward.store, account.username, account.password, totp_code=ward.code("commander")
    ).principal


def test_a_concurrent_save_gives_the_conflict_message_and_loses_nothing(
    commander: AppTest, ward: Any
) -> None:
    other = _commander(ward)
    (stored,) = stored_plans.list_plans(ward.store, other)
    stored_plans.save_plan(ward.store, other, stored.document, area=stored.area,
                           shift_date=stored.shift_date, plan_id=stored.plan_id,
                           expected_version=stored.version)  # fmt: skip
    plan_before = commander.session_state["plan"]
    commander.multiselect(key="plan_keep.vi").set_value([])
    commander.selectbox(key="plan_move_stop.vi").set_value(None)
    _ok(commander.button(key="plan_save").click().run())
    errors = _texts(commander, "error")
    assert any("sau khi bạn mở" in e for e in errors), errors
    assert commander.session_state["plan"] is plan_before
    (again,) = stored_plans.list_plans(ward.store, other)
    assert again.version == stored.version + 1 and again.status == "draft"
    # The commander approves again (the version they now look at): T1's leader needs it.
    commander.session_state["plan_saved"] = {
        **commander.session_state["plan_saved"],
        "version": again.version,
    }
    _ok(commander.button(key="plan_approve").click().run())
    (approved,) = stored_plans.list_plans(ward.store, other)
    assert approved.status == "approved"


def test_leader_of_t1_sees_only_t1_and_is_refused_t2(ward: Any) -> None:
    at: AppTest = ward("patrol_leader", "routes")
    assert at.radio(key="routes_team.vi").options == ["Tổ 1"]
    timeline = at.dataframe[0].value
    (stored,) = stored_plans.list_plans(ward.store, _commander(ward))
    t1 = next(r for r in stored.document["routes"] if r["team"] == "T1")
    assert len(timeline) == len(t1["stops"])
    at.query_params["team"] = "T2"
    _ok(at.run())
    assert any("không có quyền" in e for e in _texts(at, "error"))
    refused = audit.list_audit(ward.store, username=ward.accounts["patrol_leader"].username)
    assert any(e.outcome == "denied" and "team:T2" in e.target for e in refused)


def test_exports_give_valid_gpx_a_qr_code_and_are_recorded(ward: Any) -> None:
    at: AppTest = ward("patrol_leader", "routes")
    buttons: list[Any] = list(at.get("download_button"))
    labels = [b.label for b in buttons]
    assert labels[:5] == ["GPX", "KML", "GeoJSON", "HTML ngoại tuyến", "PDF (A4)"]
    (made,) = at.session_state["routes_exports"].values()
    gpx_name, gpx_bytes = next((n, d) for n, d in made.files.items() if n.endswith(".gpx"))
    assert "-t1" in gpx_name and "-nhap" not in gpx_name  # approved: not a draft
    gpx = gpxpy.parse(gpx_bytes.decode("utf-8"))
    (stored,) = stored_plans.list_plans(ward.store, _commander(ward))
    t1 = next(r for r in stored.document["routes"] if r["team"] == "T1")
    assert len(gpx.tracks) == 1 and len(gpx.routes) == 1
    assert len(gpx.routes[0].points) == len(t1["stops"]) + 2  # depot, stops, depot
    (qr,) = at.image
    assert qr.captions == ["Mã QR tải lộ trình của Tổ 1"]
    secret = (Path(ward.folder) / "data" / "exports" / ".link-secret").read_bytes()
    claims = verify(made.link.rsplit("/r/", 1)[1], secret)
    assert (claims.team, claims.version) == ("T1", stored.version)
    buttons[0].click().run()
    _ok(at)
    exports = audit.list_audit(ward.store, username=ward.accounts["patrol_leader"].username,
                               action="export")  # fmt: skip
    assert any("team:T1" in e.target and e.outcome == "ok" for e in exports)


def test_alarm_sends_the_nearest_team_and_every_plan_passes_the_checks(
    commander: AppTest,
    contract_errors: Callable[[Any, Any], list[str]],
) -> None:
    result = commander.session_state["plan"]
    _ok(commander.switch_page("pages/alarm.py").run())
    site = result.problem.sites[4]
    shift = result.shift
    now = shift.high_risk_s[0] + 1800
    shown = commander.selectbox(key="alarm_site").options
    assert len(shown) == len(result.problem.sites)
    assert not [o for o in shown if o.startswith("osm-")]  # sites by name, never by OSM id
    _ok(commander.selectbox(key="alarm_site").set_value(site.id).run())
    commander.time_input(key="alarm_time").set_value(shift.at(now).time())
    _ok(commander.button(key="alarm_run").click().run())
    assert "alarm_answer" in commander.session_state, _texts(commander, "error")
    _, answer = commander.session_state["alarm_answer"]
    travel = result.problem.travel_s
    routes = {r.team: r for r in result.plan.routes}
    arrivals = {}
    for team in result.problem.teams:
        made = [s for s in routes[team.id].stops if s.start <= now] if team.id in routes else []
        node, free = (made[-1].node, max(now, made[-1].depart)) if made else (team.start, now)
        arrivals[team.id] = free + int(travel[node, site.node])
    assert answer.dispatch.arrive_s == min(arrivals.values())
    assert arrivals[answer.dispatch.team] == answer.dispatch.arrive_s
    sent = f"Điều Tổ {answer.dispatch.team.removeprefix('T')} đến "  # as people say it
    assert any(sent in s for s in _texts(commander, "success"))
    assert contract_errors(result.problem, result.plan) == []
    assert contract_errors(answer.rest.problem, answer.rest.plan) == []
    (component,) = commander.get("component_instance")
    assert "dispatch" in json.loads(component.proto.json_args)["script"]
    _ok(commander.button(key="alarm_adopt").click().run())
    assert commander.session_state["plan"] is answer.rest
