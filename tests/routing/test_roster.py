"""Joint teams from a roster: police lead, military and militia join, clear errors when short."""

from __future__ import annotations

import pytest

from patrolbase.errors import InputFileError, RosterError
from routing.roster import Person, describe, form_teams, read_roster

ROSTER = """Mã,Họ tên,Lực lượng
p1,Nguyễn Văn An,Công an
m1,Trần Văn Bình,Quân sự
p2,Lê Thị Cúc,công an
d1,Phạm Văn Dũng,Dân quân
p3,Hoàng Văn Em,police
m2,Vũ Văn Phúc,military
"""


def test_read_roster_accepts_vietnamese_headers_and_roles(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    people = read_roster(path)
    assert [p.role for p in people] == [
        "police",
        "military",
        "police",
        "militia",
        "police",
        "military",
    ]
    assert people[0] == Person("p1", "Nguyễn Văn An", "police")


def test_form_teams_puts_a_police_leader_and_the_military_asked_for_in_each_team():
    people = read_roster("roster.csv", text=ROSTER)
    roster = form_teams(people, teams=3, military_per_team=1, vehicle="motorbike")
    assert [t.id for t in roster.teams] == ["T1", "T2", "T3"]
    for team in roster.teams:
        assert team.leader.role == "police"
        assert team.counts() == {"police": 1, "military": 1}
        assert team.vehicle == "motorbike"
    # Militia count on the military side; everyone is placed exactly once.
    assert roster.team_of("d1") == "T2"
    assert roster.reserve == ()
    assert roster.teams[1].names() == {
        "leader": "Lê Thị Cúc",
        "police": ["Lê Thị Cúc"],
        "military": [],
        "militia": ["Phạm Văn Dũng"],
    }
    assert describe(roster)[0].startswith("T1 [motorbike]: leader Nguyễn Văn An")


def test_people_not_needed_stay_in_reserve():
    people = read_roster("roster.csv", text=ROSTER)
    roster = form_teams(people, teams=2, military_per_team=1)
    assert {p.id for p in roster.reserve} == {"p3", "m2"}
    assert roster.team_of("p3") is None


@pytest.mark.parametrize(
    ("teams", "military", "missing"),
    [(4, 1, "1 more police officer"), (2, 2, "1 more military or militia member")],
)
def test_too_few_people_is_a_clear_error(teams, military, missing):
    people = read_roster("roster.csv", text=ROSTER)
    with pytest.raises(RosterError, match=missing) as info:
        form_teams(people, teams=teams, military_per_team=military)
    assert info.value.message_vi and "Không đủ người" in info.value.message_vi


def test_bad_roster_rows_are_all_reported():
    text = "id,name,role\np1,An,police\np1,Bình,navy\n,,militia\n"
    with pytest.raises(InputFileError) as info:
        read_roster("duty.csv", text=text)
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {(3, "id"), (3, "role"), (4, "id"), (4, "name")}
    assert "duty.csv" in str(info.value)


def test_missing_column_is_named():
    with pytest.raises(InputFileError, match="role"):
        read_roster("duty.csv", text="id,name\np1,An\n")
