"""The plan page takes the night's roster from the store: names and phones reach the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geodata.area import DEFAULT_AREA_NAME, load_area
from patrol.store import auth, roster
from patrolbase.schema import DEPOT_KINDS

PEOPLE = Path(__file__).parents[1] / "data" / "people"


@pytest.mark.slow
def test_plan_page_uses_the_stored_roster(app_as: Any) -> None:
    commander = auth.login(
        app_as.store,
        "chihuy",
        app_as.accounts["commander"].password,
        totp_code=app_as.code("commander"),
    ).principal
    roster.import_people(app_as.store, commander, PEOPLE / "luc-luong.csv", area=DEFAULT_AREA_NAME)
    # Tổ 1 leaves from the police post of Quốc Tử Giám (the plan would send it from the first
    # of the page's depots, Cát Linh's).
    facilities = load_area().facilities
    depots = list(facilities.index[facilities["kind"].isin([k.value for k in DEPOT_KINDS])])
    assert facilities.loc[depots[1], "name"] == "Công an phường Quốc Tử Giám"
    t1 = next(t for t in roster.list_teams(app_as.store, commander, area=DEFAULT_AREA_NAME))
    roster.set_team(
        app_as.store,
        commander,
        area=DEFAULT_AREA_NAME,
        team="T1",
        leader=t1.leader.id if t1.leader else None,
        members=[m.id for m in t1.members],
        depot=depots[1],
    )
    at = app_as("commander", "plan")
    assert at.toggle(key="plan_roster_store").value
    assert any("Kế hoạch dùng 2 tổ của danh sách trực đêm" in s.value for s in at.success)
    assert "Tổ 1: Nguyễn Văn An, Trần Thị Bình, Lê Văn Cường" in [c.value for c in at.caption]
    # The roster overrides the team count, and the page says so outside the folded roster box.
    assert at.number_input(key="plan_teams").value == 3
    assert any("Kế hoạch dùng 2 tổ trong danh sách trực đêm" in i.value for i in at.info)
    at.slider(key="plan_time_limit").set_value(1)
    at.button(key="plan_solve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["plan_request"]["n_teams"] == 2
    plan = at.session_state["plan"].plan
    # Tổ 1 from its own depot; Tổ 2 by the plan's spread (the second depot for the second team).
    assert {r.team: r.extra["depot"]["id"] for r in plan.routes} == {
        "T1": depots[1],
        "T2": depots[1],
    }
    crews = {r.team: [(p["name"], p["phone"]) for p in r.extra["people"]] for r in plan.routes}
    assert crews == {
        "T1": [
            ("Nguyễn Văn An", "0912 345 678"),
            ("Trần Thị Bình", "0987 654 321"),
            ("Lê Văn Cường", "0934 111 222"),
        ],
        "T2": [
            ("Phạm Quốc Dũng", "0903 222 333"),
            ("Hoàng Văn Em", "0356 444 555"),
            ("Vũ Thị Giang", "0868 666 777"),
        ],
    }
