"""The people and teams page (commanders) and a leader's team on the Users page (administrators)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geodata.area import DEFAULT_AREA_NAME
from patrol.store import audit, auth, roster

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

PEOPLE = Path(__file__).parents[1] / "data" / "people"


def _errors(at: Any) -> list[str]:
    return [e.value for e in at.error]


def _upload(at: Any, name: str) -> None:
    data = (PEOPLE / name).read_bytes()
    at.file_uploader(key="teams_import").set_value((name, data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]


def test_commander_imports_people_sets_teams_and_swaps_for_a_night(app_as: Any) -> None:
    at = app_as("commander", "teams")
    assert at.title[0].value == "Lực lượng và tổ tuần tra"
    # A file with mistakes: refused whole, each problem by row and column, nothing stored.
    _upload(at, "sai-so-dien-thoai.csv")
    assert any("sai-so-dien-thoai.csv" in e and "2" in e for e in _errors(at)), _errors(at)
    problems = at.dataframe[0].value
    assert problems["Dòng"].tolist() == [2, 3]
    assert set(problems["Cột"]) == {"Số điện thoại"}
    commander = auth.Principal(0, "t", "t", auth.Role.COMMANDER, None)
    assert roster.list_people(app_as.store, commander, area=DEFAULT_AREA_NAME) == []
    # The ward's list: people and the two standing teams it names.
    _upload(at, "luc-luong.csv")
    assert any("Đã nhập 8 người từ luc-luong.csv" in s.value for s in at.success)
    assert at.dataframe[0].value["Họ và tên"].tolist()[:2] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert "**Tổ 1** · Tổ trưởng: Nguyễn Văn An · Xe máy" in [m.value for m in at.markdown]
    # The night's roster, then a swap: Đỗ Văn Hải stands in for Trần Thị Bình.
    night = at.dataframe[1].value
    assert night["Tổ"].tolist() == ["Tổ 1"] * 3 + ["Tổ 2"] * 3
    people = {
        p.name: p.id for p in roster.list_people(app_as.store, commander, area=DEFAULT_AREA_NAME)
    }
    at.selectbox(key="swap_out").set_value(people["Trần Thị Bình"])
    at.selectbox(key="swap_in").set_value(people["Đỗ Văn Hải"])
    (swap,) = [b for b in at.button if b.label == "Đổi người trực"]
    swap.click().run()
    assert not _errors(at), _errors(at)
    assert any("Đỗ Văn Hải trực thay Trần Thị Bình" in s.value for s in at.success)
    assert "Đỗ Văn Hải" in at.dataframe[1].value["Họ và tên"].tolist()
    # A swap that leaves Tổ 1 without its soldier is refused, naming the team.
    at.selectbox(key="swap_out").set_value(people["Lê Văn Cường"])
    at.selectbox(key="swap_in").set_value(people["Bùi Văn Khánh"])
    (swap,) = [b for b in at.button if b.label == "Đổi người trực"]
    swap.click().run()
    assert any("Tổ 1 không có người của Ban Chỉ huy quân sự" in e for e in _errors(at))
    # Vũ Thị Giang of Tổ 2 is off that night, with nobody in her place.
    at.selectbox(key="swap_out").set_value(people["Vũ Thị Giang"])
    at.selectbox(key="swap_in").set_value(-1)
    (swap,) = [b for b in at.button if b.label == "Đổi người trực"]
    swap.click().run()
    assert any("Vũ Thị Giang nghỉ đêm" in s.value for s in at.success), _errors(at)
    assert "Vũ Thị Giang" not in at.dataframe[1].value["Họ và tên"].tolist()
    edits = [e.target for e in audit.list_audit(app_as.store, username="chihuy")]
    assert "people:luc-luong.csv" in edits
    assert any(t.startswith("roster:") for t in edits)


def test_commander_adds_a_person_and_a_team_by_hand(app_as: Any) -> None:
    at = app_as("commander", "teams")
    for name, unit, phone in [
        ("Nguyễn Văn An", "police", "0912 345 678"),
        ("Lê Văn Cường", "military", "0934111222"),
    ]:
        at.text_input(key="person_name").input(name)
        at.selectbox(key="person_unit").set_value(unit)
        at.text_input(key="person_phone").input(phone)
        (add,) = [b for b in at.button if b.label == "Thêm vào danh sách"]
        add.click().run()
        assert any(f"Đã thêm {name}" in s.value for s in at.success), _errors(at)
    at.text_input(key="person_name").input("Hà Văn Lâm")
    at.text_input(key="person_phone").input("0934")
    (add,) = [b for b in at.button if b.label == "Thêm vào danh sách"]
    add.click().run()
    assert any("số điện thoại '0934' sai dạng" in e for e in _errors(at))
    an, cuong = at.selectbox(key="team_leader").options[:2]
    assert at.text_input(key="team_name").value == "Tổ 2"  # Tổ 1 is the fixture's team
    at.selectbox(key="team_leader").set_value(at.selectbox(key="team_leader").options[0])
    at.multiselect(key="team_members").select(at.multiselect(key="team_members").options[1])
    (make,) = [b for b in at.button if b.label == "Lập tổ"]
    make.click().run()
    assert any("Đã lập Tổ 2" in s.value for s in at.success), _errors(at)
    assert "**Tổ 2** · Tổ trưởng: Nguyễn Văn An · Xe máy" in [m.value for m in at.markdown]
    assert (an, cuong) == ("Nguyễn Văn An (Công an phường)", "Lê Văn Cường (Ban Chỉ huy quân sự)")


def test_administrator_picks_the_leaders_team_from_the_wards_teams(app_as: Any) -> None:
    commander = auth.login(
        app_as.store,
        "chihuy",
        app_as.accounts["commander"].password,
        totp_code=app_as.code("commander"),
    ).principal
    an = roster.add_person(
        app_as.store, commander, area=DEFAULT_AREA_NAME, name="Nguyễn Văn An", unit="police"
    )
    roster.add_team(app_as.store, commander, area=DEFAULT_AREA_NAME, name="Tổ 2", leader=an)
    at = app_as("administrator", "users")
    team = at.selectbox(key="new_team")
    assert team.options == ["Tổ 1", "Tổ 2"]
    at.text_input(key="new_username").input("totruong2")
    at.text_input(key="new_display_name").input("Nguyễn Văn An")
    at.selectbox(key="new_role").set_value("patrol_leader")
    at.selectbox(key="new_team").set_value("T2")
    at.text_input(key="new_password").input("tổ trưởng tổ hai phường")
    at.text_input(key="new_password_again").input("tổ trưởng tổ hai phường")
    (submit,) = [b for b in at.button if b.label == "Tạo tài khoản"]
    submit.click().run()
    assert not _errors(at), _errors(at)
    [made] = [u for u in auth.list_users(app_as.store) if u.username == "totruong2"]
    assert made.team == "T2"
    # The fixture's leader of Tổ 1 moves to Tổ 2 from the account's own controls.
    at.selectbox(key="users_chosen").set_value("totruong1").run()
    at.selectbox(key="users_team_totruong1").set_value("T2")
    at.button(key="users_link_team").click().run()
    assert any("totruong1 là tổ trưởng của Tổ 2" in s.value for s in at.success), _errors(at)
    [moved] = [u for u in auth.list_users(app_as.store) if u.username == "totruong1"]
    assert moved.team == "T2"
    change = audit.list_audit(app_as.store, action="user_change")[0]
    assert (change.username, change.target, change.detail) == (
        "quantri",
        "user:totruong1",
        "team=T2",
    )


def test_users_page_says_when_the_ward_has_no_team(empty_ward: Any) -> None:
    empty_ward.add("quantri", "quản trị viên phường Cát Linh", role="administrator")
    at = empty_ward("administrator", "users")
    assert any("chưa có tổ tuần tra nào" in i.value for i in at.info)
    at.text_input(key="new_username").input("totruong1")
    at.selectbox(key="new_role").set_value("patrol_leader")
    at.text_input(key="new_password").input("tổ trưởng tổ một phường")
    at.text_input(key="new_password_again").input("tổ trưởng tổ một phường")
    (submit,) = [b for b in at.button if b.label == "Tạo tài khoản"]
    submit.click().run()
    assert _errors(at) == ["Tổ trưởng tuần tra cần có tổ."]
    assert not [u for u in auth.list_users(empty_ward.store) if u.username == "totruong1"]


def test_a_leader_without_a_team_is_told_to_ask_for_one(app_as: Any) -> None:
    app_as.add("totruong9", "tổ trưởng chưa có tổ nào", role="patrol_leader")
    at = app_as("patrol_leader", "routes")
    assert [i.value for i in at.info] == [
        "Tài khoản của bạn chưa được gắn với tổ tuần tra nào. Đề nghị quản trị hệ thống gắn "
        "tài khoản với tổ của bạn (trang Người dùng)."
    ]
