"""People, standing teams, a leader's account, the night's roster and swaps, in the store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from patrol.store import auth, roster
from patrol.store.audit import list_audit, verify_chain
from patrol.store.auth import Principal, Role
from patrol.store.db import Store
from patrolbase.errors import AccessDeniedError, InputFileError, PatrolError, RosterError

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

AREA = "Văn Miếu - Quốc Tử Giám / Cát Linh (Hà Nội)"
PASSWORD = "mật khẩu đủ dài 2026"
PEOPLE = Path(__file__).parents[1] / "data" / "people"
NIGHT = date(2026, 12, 3)


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test of this module runs on SQLite and, when available, PostgreSQL."""
    return any_store


def user(store: Store, name: str, role: Role, team_id: int | None = None) -> Principal:
    return auth.create_user(
        store, name, PASSWORD, role=role, team_id=team_id, with_totp=False
    ).principal


@pytest.fixture
def commander(store: Store) -> Principal:
    return user(store, "chihuy", Role.COMMANDER)


def counts(store: Store) -> tuple[int, int, int]:
    with store.transaction() as session:
        return tuple(  # type: ignore[return-value]
            session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("people", "teams", "team_members")
        )


def test_import_makes_people_and_standing_teams(store: Store, commander: Principal) -> None:
    ids = roster.import_people(store, commander, PEOPLE / "luc-luong.csv", area=AREA)
    assert len(ids) == 8
    teams = roster.list_teams(store, commander, area=AREA)
    assert [(t.code, t.label) for t in teams] == [("T1", "Tổ 1"), ("T2", "Tổ 2")]
    assert teams[0].leader is not None and teams[0].leader.name == "Nguyễn Văn An"
    assert [m.name for m in teams[1].members] == ["Phạm Quốc Dũng", "Hoàng Văn Em", "Vũ Thị Giang"]
    people = roster.list_people(store, commander, area=AREA)
    assert [(p.name, p.team) for p in people][-2:] == [
        ("Đỗ Văn Hải", None),
        ("Bùi Văn Khánh", None),
    ]
    assert people[2].phone == "0934111222"
    assert people[0].label() == "Nguyễn Văn An (Thượng úy, Công an phường)"
    [row] = list_audit(store, action="upload")
    assert (row.username, row.target, row.detail) == (
        "chihuy",
        "people:luc-luong.csv",
        "people=8 teams=T1,T2",
    )
    # The same file again: everyone is a duplicate; nothing more is stored.
    before = counts(store)
    with pytest.raises(InputFileError) as caught:
        roster.import_people(store, commander, PEOPLE / "luc-luong.csv", area=AREA)
    assert [p.row for p in caught.value.problems] == list(range(2, 10))
    assert counts(store) == before
    assert verify_chain(store).ok


def test_a_bad_file_stores_nothing(store: Store, commander: Principal) -> None:
    before = counts(store)
    with pytest.raises(InputFileError) as caught:
        roster.import_people(store, commander, PEOPLE / "sai-so-dien-thoai.csv", area=AREA)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "Số điện thoại"),
        (3, "Số điện thoại"),
    ]
    assert counts(store) == before
    [refused] = list_audit(store, action="upload")
    assert (refused.target, refused.outcome, refused.detail) == (
        "people:sai-so-dien-thoai.csv",
        "fail",
        "2 problem(s)",
    )


def test_people_and_teams_by_hand(store: Store, commander: Principal) -> None:
    an = roster.add_person(
        store,
        commander,
        area=AREA,
        name="Nguyễn Văn An",
        unit="Công an phường",
        rank="Thượng úy",
        phone="0912.345.678",
    )
    cuong = roster.add_person(
        store,
        commander,
        area=AREA,
        name="Lê Văn Cường",
        unit="Ban Chỉ huy quân sự",
        phone="0934111222",
    )
    with pytest.raises(PatrolError) as caught:
        roster.add_person(
            store, commander, area=AREA, name="nguyễn văn an", unit="police", phone="0912 345 678"
        )
    assert "đã có trong danh sách lực lượng" in (caught.value.message_vi or "")
    with pytest.raises(PatrolError, match="unknown unit"):
        roster.add_person(store, commander, area=AREA, name="Hà Văn Lâm", unit="Hội Phụ nữ")
    with pytest.raises(PatrolError, match="wrong form"):
        roster.add_person(
            store, commander, area=AREA, name="Hà Văn Lâm", unit="dân quân", phone="0934"
        )
    t1 = roster.add_team(store, commander, area=AREA, name="Tổ 1", leader=an, members=[cuong])
    assert roster.find_team(store, area=AREA, name="T1") == t1
    assert roster.find_team(store, area=AREA, name="tổ 1") == t1
    with pytest.raises(PatrolError) as caught:
        roster.add_team(store, commander, area=AREA, name="Tổ 2", members=[cuong])
    assert "Lê Văn Cường (đang ở Tổ 1)" in (caught.value.message_vi or "")
    with pytest.raises(PatrolError) as caught:
        roster.find_team(store, area=AREA, name="Tổ 3")
    assert caught.value.message_vi == "Địa bàn chưa có Tổ 3; các tổ đã lập: Tổ 1."
    targets = [e.target for e in list_audit(store, action="edit")]  # newest first
    assert targets == ["team:T1", f"person:{cuong}", f"person:{an}"]


def test_no_team_yet_is_said_in_vietnamese(store: Store) -> None:
    with pytest.raises(PatrolError) as caught:
        roster.find_team(store, area=AREA, name="T1")
    assert "chưa lập tổ nào" in (caught.value.message_vi or "")
    assert "patrol teams add" in str(caught.value)


def test_only_commanders_manage_people(store: Store) -> None:
    leader = user(store, "totruong", Role.PATROL_LEADER)
    with pytest.raises(AccessDeniedError):
        roster.add_person(store, leader, area=AREA, name="Nguyễn Văn An", unit="police")
    with pytest.raises(AccessDeniedError):
        roster.list_people(store, leader, area=AREA)
    assert [e.outcome for e in list_audit(store, username="totruong")] == ["denied", "denied"]


def test_leader_account_linked_to_a_team(store: Store, commander: Principal) -> None:
    roster.import_people(store, commander, PEOPLE / "luc-luong.csv", area=AREA)
    user(store, "totruong1", Role.PATROL_LEADER)
    roster.link_leader(
        store, username="totruong1", area=AREA, team="Tổ 1", actor="quantri", source="10.0.0.2"
    )
    [info] = [u for u in auth.list_users(store) if u.username == "totruong1"]
    assert info.team == "T1"
    with pytest.raises(PatrolError, match="not a patrol leader"):
        roster.link_leader(store, username="chihuy", area=AREA, team="T1", actor="quantri")
    [row] = list_audit(store, action="user_change")
    assert (row.username, row.target, row.detail) == ("quantri", "user:totruong1", "team=T1")


def test_night_roster_from_standing_teams_with_a_swap(store: Store, commander: Principal) -> None:
    ids = roster.import_people(store, commander, PEOPLE / "luc-luong.csv", area=AREA)
    an, hai = ids[0], ids[6]
    night = roster.night_roster(store, commander, area=AREA, shift_date=NIGHT)
    assert [(t.code, [m.name for m in t.ordered()]) for t in night.teams] == [
        ("T1", ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]),
        ("T2", ["Phạm Quốc Dũng", "Hoàng Văn Em", "Vũ Thị Giang"]),
    ]
    # Đỗ Văn Hải stands in for the leader of Tổ 1 that night (and leads it).
    roster.swap(store, commander, area=AREA, shift_date=NIGHT, out_person=an, in_person=hai)
    night = roster.night_roster(store, commander, area=AREA, shift_date=NIGHT)
    assert [m.name for m in night.teams[0].ordered()] == ["Đỗ Văn Hải", "Trần Thị Bình",
                                                         "Lê Văn Cường"]  # fmt: skip
    joint = night.joint_teams()
    assert joint[0].leader.phone == "0977 888 999"
    # Other nights keep the standing teams.
    other = roster.night_roster(store, commander, area=AREA, shift_date=date(2026, 12, 4))
    assert other.teams[0].leader is not None and other.teams[0].leader.name == "Nguyễn Văn An"
    [row] = [e for e in list_audit(store, action="edit") if e.target == "roster:2026-12-03"]
    assert row.detail == "Nguyễn Văn An -> Đỗ Văn Hải"


def test_swaps_between_teams_trade_places(store: Store, commander: Principal) -> None:
    ids = roster.import_people(store, commander, PEOPLE / "luc-luong.csv", area=AREA)
    cuong, em = ids[2], ids[4]
    roster.swap(store, commander, area=AREA, shift_date=NIGHT, out_person=cuong, in_person=em)
    night = roster.night_roster(store, commander, area=AREA, shift_date=NIGHT)
    assert [m.name for m in night.teams[0].members][-1] == "Hoàng Văn Em"
    assert [m.name for m in night.teams[1].members][1] == "Lê Văn Cường"


def test_a_swap_that_breaks_a_joint_team_is_refused(store: Store, commander: Principal) -> None:
    ids = roster.import_people(store, commander, PEOPLE / "luc-luong.csv", area=AREA)
    cuong, hai = ids[2], ids[6]  # the only soldier of Tổ 1 out, a police officer in
    with pytest.raises(RosterError) as caught:
        roster.swap(store, commander, area=AREA, shift_date=NIGHT, out_person=cuong, in_person=hai)
    assert "Tổ 1 không có người của Ban Chỉ huy quân sự hoặc dân quân" in (
        caught.value.message_vi or ""
    )
    night = roster.night_roster(store, commander, area=AREA, shift_date=NIGHT)
    assert "Lê Văn Cường" in [m.name for m in night.teams[0].members]  # nothing was kept


def test_a_team_without_leader_is_refused_by_name(store: Store, commander: Principal) -> None:
    an = roster.add_person(store, commander, area=AREA, name="Nguyễn Văn An", unit="police")
    cuong = roster.add_person(store, commander, area=AREA, name="Lê Văn Cường", unit="militia")
    roster.add_team(store, commander, area=AREA, name="Tổ 1", members=[an, cuong])
    night = roster.night_roster(store, commander, area=AREA, shift_date=NIGHT)
    with pytest.raises(RosterError) as caught:
        roster.save_night_roster(store, commander, night, area=AREA)
    assert "Tổ 1 (Nguyễn Văn An, Lê Văn Cường) chưa có tổ trưởng" in (caught.value.message_vi or "")


def test_migration_keeps_people_and_teams_of_an_older_store(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from patrol.store.db import open_store
    from patrol.store.migrate import current_revision, head_revision, upgrade
    from patrol.store.models import Base
    from patrolbase.settings import Settings

    settings = Settings().replace(store={"data_dir": str(tmp_path)})
    old = open_store(settings, migrate=False)
    upgrade(old.engine, revision="0001")
    with old.transaction() as session:
        session.execute(text("INSERT INTO areas (name, source, created_at) "
                             "VALUES ('P', '', '2026-11-23 00:00:00')"))  # fmt: skip
        session.execute(text("INSERT INTO people (area_id, name, unit, phone) "
                             "VALUES (1, 'Nguyễn Văn An', 'police', '0912345678')"))  # fmt: skip
        session.execute(text("INSERT INTO teams (area_id, name) VALUES (1, 'T1')"))
    old.close()
    store = open_store(settings)
    assert current_revision(store.engine) == head_revision() == "0007"
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    with store.transaction() as session:
        assert session.execute(text("SELECT name, rank FROM people")).all() == [
            ("Nguyễn Văn An", "")
        ]
        assert session.execute(text("SELECT name, leader_id, vehicle FROM teams")).all() == [
            ("T1", None, "motorbike")
        ]
    store.close()


def test_off_for_the_night_with_nobody_in_their_place(store: Store, commander: Principal) -> None:
    ids = roster.import_people(store, commander, PEOPLE / "luc-luong.csv", area=AREA)
    an, giang = ids[0], ids[5]
    roster.swap(store, commander, area=AREA, shift_date=NIGHT, out_person=giang, in_person=None)
    night = roster.night_roster(store, commander, area=AREA, shift_date=NIGHT)
    assert [m.name for m in night.teams[1].ordered()] == ["Phạm Quốc Dũng", "Hoàng Văn Em"]
    assert (
        next(e.detail for e in list_audit(store, action="edit"))
        == "Vũ Thị Giang nghỉ, không ai thay"
    )
    # The leader cannot go without someone leading in their place.
    with pytest.raises(RosterError) as caught:
        roster.swap(store, commander, area=AREA, shift_date=NIGHT, out_person=an, in_person=None)
    assert "Tổ 1 (Trần Thị Bình, Lê Văn Cường) chưa có tổ trưởng" in (caught.value.message_vi or "")
