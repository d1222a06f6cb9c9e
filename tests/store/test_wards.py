"""Many wards in one store: a ward's user reads and writes that ward's records only.

Two wards share a store, each with its incidents, team and plan. A commander of one ward is
refused the other's records by name (audited); the store scoped to the ward hides the other's
rows from every ORM query; on PostgreSQL, row-level security hides them from hand-written SQL
too, for the service account that owns the tables; a provincial analyst sees both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from geodata.incidents import generate_demo_incidents
from patrol.store import accounts, auth, plans, repo, roster
from patrol.store.audit import list_audit
from patrol.store.auth import Principal, Role
from patrol.store.db import Store, open_store
from patrol.store.models import Area, Incident, Plan, Team
from patrolbase.errors import AccessDeniedError, AuthError, PatrolError
from patrolbase.settings import Settings

pytestmark = pytest.mark.slow  # measured over a few seconds: outside the fast loop

WARD_A = "Văn Miếu - Quốc Tử Giám"
WARD_B = "Cát Linh"
BBOX = (105.826, 21.020, 105.842, 21.034)
PASSWORD = "một đêm dài ở Cát Linh"
SAMPLE_PLAN = Path(__file__).parents[1] / "export" / "data" / "sample-plan.json"
NIGHT = date(2026, 11, 23)
SERVICE_ROLE = "patrol_service_test"


def _user(store: Store, name: str, role: Role, *, area: str | None, team_id: int | None = None):
    return auth.create_user(
        store, name, PASSWORD, role=role, area=area, team_id=team_id, with_totp=False
    ).principal


def _fill(store: Store) -> dict[str, object]:
    """Put two wards in ``store``, filled by the operator (every ward)."""
    operator = _user(store, "tinh", Role.COMMANDER, area=None)
    analyst = _user(store, "phantich", Role.ANALYST, area=None)
    counts, plan_ids = {}, {}
    document = json.loads(SAMPLE_PLAN.read_text(encoding="utf-8"))
    for seed, ward in enumerate((WARD_A, WARD_B), start=1):
        frame = generate_demo_incidents(None, BBOX, start="2026-10-01", end="2026-11-30", seed=seed)
        frame.index = [f"{ward[:3]}-{i}" for i in range(len(frame))]
        repo.import_incidents(store, analyst, frame, area=ward, filename=f"{seed}.csv")
        counts[ward] = len(frame)
        roster.add_team(store, operator, area=ward, name="T1")
        plan_ids[ward] = plans.save_plan(
            store, operator, document, area=ward, shift_date=NIGHT
        ).plan_id
    return {"store": store, "counts": counts, "plans": plan_ids, "analyst": analyst}


@pytest.fixture
def wards(any_store: Store) -> dict[str, object]:
    """Two wards in one store (SQLite and, when the machine has it, PostgreSQL)."""
    return _fill(any_store)


def _ward_id(store: Store, name: str) -> int:
    with store.read() as session:
        return session.scalars(select(Area.id).where(Area.name == name)).one()


def test_a_wards_commander_is_refused_another_wards_records_by_name(wards) -> None:
    store: Store = wards["store"]
    commander = _user(store, "chihuy-vm", Role.COMMANDER, area=WARD_A)
    assert commander.ward == WARD_A and commander.ward_id == _ward_id(store, WARD_A)
    mine = store.for_ward(commander.ward_id)
    assert len(repo.load_incidents(mine, commander, area=WARD_A)) == wards["counts"][WARD_A]
    with pytest.raises(AccessDeniedError) as refused:
        repo.load_incidents(mine, commander, area=WARD_B)
    assert refused.value.message_vi == (
        f"Tài khoản chihuy-vm thuộc {WARD_A}; không được xem hay sửa dữ liệu của {WARD_B}."
    )
    for call in (
        lambda: repo.load_facilities(mine, commander, area=WARD_B),
        lambda: roster.list_teams(mine, commander, area=WARD_B),
        lambda: plans.list_plans(mine, commander, area=WARD_B),
        lambda: plans.save_plan(mine, commander, {}, area=WARD_B, shift_date=NIGHT),
    ):
        with pytest.raises(AccessDeniedError):
            call()
    # another ward's plan, asked for by its number: refused, even on the whole store
    for handle in (mine, store):
        with pytest.raises(AccessDeniedError):
            plans.get_plan(handle, commander, wards["plans"][WARD_B])
    assert [p.area for p in plans.list_plans(mine, commander)] == [WARD_A]
    denied = [e for e in list_audit(store) if e.outcome == "denied" and e.username == "chihuy-vm"]
    assert len(denied) == 7
    assert sum(e.target == f"area:{WARD_B}" for e in denied) == 5  # the two plans: "plan:N"


def test_the_store_scoped_to_a_ward_hides_the_others_rows_from_every_query(wards) -> None:
    store: Store = wards["store"]
    ward_a = _ward_id(store, WARD_A)
    with store.for_ward(ward_a).read() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == wards["counts"][WARD_A]
        assert session.scalars(select(Area.name)).all() == [WARD_A]
        assert session.scalars(select(Team.area_id)).all() == [ward_a]
        assert session.get(Plan, wards["plans"][WARD_B]) is None
        assert session.get(Plan, wards["plans"][WARD_A]) is not None
        joined = select(Incident.incident_id).join(Area).where(Area.name == WARD_B)
        assert session.scalars(joined).all() == []
    with store.read() as session:  # the whole store: every ward
        both = wards["counts"][WARD_A] + wards["counts"][WARD_B]
        assert session.scalar(select(func.count()).select_from(Incident)) == both


def test_a_provincial_analyst_reads_every_ward(wards) -> None:
    store: Store = wards["store"]
    analyst: Principal = wards["analyst"]
    assert analyst.ward is None
    for ward in (WARD_A, WARD_B):
        assert len(repo.load_incidents(store, analyst, area=ward)) == wards["counts"][ward]


def test_an_account_takes_its_teams_ward_and_no_other(wards) -> None:
    store: Store = wards["store"]
    team_b = roster.find_team(store, area=WARD_B, name="T1")
    leader = _user(store, "totruong-cl", Role.PATROL_LEADER, area=None, team_id=team_b)
    assert leader.ward == WARD_B
    with pytest.raises(PatrolError) as wrong:
        _user(store, "totruong-x", Role.PATROL_LEADER, area=WARD_A, team_id=team_b)
    assert wrong.value.message_vi == (
        f"Tổ của tài khoản không thuộc {WARD_A}; bỏ phường hoặc chọn tổ của {WARD_A}"
    )
    listed = {u.username: u.ward for u in auth.list_users(store)}
    assert listed["totruong-cl"] == WARD_B and listed["phantich"] is None
    # an account moves ward (audited, its sessions end); a leader only to its team's ward
    token = auth.login(store, "phantich", PASSWORD).token
    accounts.set_ward(store, "phantich", WARD_A, actor="quantri")
    with pytest.raises(AuthError):
        auth.authenticate(store, token)
    assert auth.login(store, "phantich", PASSWORD).principal.ward == WARD_A
    with pytest.raises(PatrolError):
        accounts.set_ward(store, "totruong-cl", WARD_A, actor="quantri")
    moved = [e.detail for e in list_audit(store, action="user_change")]
    assert moved == [f"ward={WARD_A}"]


# --- PostgreSQL: row-level security, for the service account that owns the tables -----------


@pytest.fixture
def service_store(
    pg_empty_url: str, store_settings: Settings, clock
) -> Iterator[tuple[Store, dict]]:
    """Two wards on PostgreSQL, opened as a service account (no superuser) owning every table."""
    import psycopg

    filled = open_store(store_settings, url=pg_empty_url, clock=clock, migrate=False)
    wards = _fill(filled)
    filled.close()
    url = make_url(pg_empty_url)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            f"DO $$ BEGIN CREATE ROLE {SERVICE_ROLE} LOGIN PASSWORD 'service' NOSUPERUSER "
            "NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        for (table,) in tables:  # the service account runs the migrations: it owns the tables
            conn.execute(f'ALTER TABLE "{table}" OWNER TO {SERVICE_ROLE}')
        conn.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {SERVICE_ROLE}")
        conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {SERVICE_ROLE}")
    service_url = url.set(username=SERVICE_ROLE, password="service")
    opened = open_store(
        store_settings,
        url=service_url.render_as_string(hide_password=False),
        clock=clock,
        migrate=False,
    )
    yield opened, wards
    opened.close()


def test_on_postgresql_hand_written_sql_of_a_ward_sees_that_ward_only(service_store) -> None:
    store, wards = service_store
    ward_a = _ward_id(store, WARD_A)
    count = text("SELECT count(*) FROM incidents")
    both = wards["counts"][WARD_A] + wards["counts"][WARD_B]
    with store.read() as session:  # the operator's commands: every ward
        who = text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert tuple(session.execute(who).one()) == (SERVICE_ROLE, False)
        assert session.scalar(count) == both
    scoped = store.for_ward(ward_a)
    with scoped.read() as session:
        assert session.scalar(count) == wards["counts"][WARD_A]
        assert session.scalars(text("SELECT name FROM areas")).all() == [WARD_A]
        assert session.scalar(text("SELECT count(*) FROM plan_versions")) == 1
        assert session.scalar(text("SELECT count(*) FROM team_members")) == 0
    # nor may it write into the other ward: the policy's check refuses the row
    ward_b = _ward_id(store, WARD_B)
    with pytest.raises(DBAPIError, match="row-level security"), scoped.transaction() as session:
        session.execute(
            text(
                "INSERT INTO teams (area_id, name, vehicle, depot) "
                "VALUES (:ward, 'T9', 'motorbike', '')"
            ),
            {"ward": ward_b},
        )
    with scoped.transaction() as session:  # nor change or delete the other ward's rows
        changed = session.execute(
            text("UPDATE incidents SET description = 'x' WHERE area_id = :ward"), {"ward": ward_b}
        )
        assert changed.rowcount == 0
    # and the setting ends with the transaction: the pooled connection sees every ward again
    with store.read() as session:
        assert session.scalar(count) == both


@pytest.mark.parametrize("wards_before", [1, 2])
def test_the_upgrade_gives_accounts_of_a_one_ward_store_its_ward(
    tmp_path: Path, wards_before: int
) -> None:
    from patrol.store.migrate import upgrade

    settings = Settings().replace(store={"data_dir": str(tmp_path)})
    old = open_store(settings, migrate=False)
    upgrade(old.engine, revision="0006", keys=old.keys)
    with old.transaction() as session:
        for n in range(1, wards_before + 1):
            session.execute(text("INSERT INTO areas (name, source, created_at) "
                                 f"VALUES ('P{n}', '', '2026-11-23 00:00:00')"))  # fmt: skip
        session.execute(text("INSERT INTO teams (area_id, name) VALUES (1, 'T1')"))
        for name, team in (("chihuy", "NULL"), ("totruong", "1")):
            session.execute(text(
                "INSERT INTO users (username, display_name, role, password_hash, team_id, "
                "created_at, password_changed_at) VALUES "
                f"('{name}', '{name}', 'commander', 'x', {team}, '2026-11-23 00:00:00', "
                "'2026-11-23 00:00:00')"
            ))  # fmt: skip
    old.close()
    store = open_store(settings)
    wards = {u.username: u.ward for u in auth.list_users(store)}
    store.close()
    # a leader takes the team's ward; the others the store's one ward, or stay province-wide
    assert wards == {"chihuy": "P1" if wards_before == 1 else None, "totruong": "P1"}


def test_every_table_of_ward_records_is_scoped_and_policed() -> None:
    import importlib

    from patrol.store.models import Base, User
    from patrol.store.wards import WARD_RECORDS

    with_ward = {
        mapper.class_ for mapper in Base.registry.mappers if "area_id" in mapper.columns
    } - {User}
    assert with_ward == set(WARD_RECORDS)  # a new table of a ward's records is scoped too
    migration = importlib.import_module("patrol.store.migrations.versions.0007_ward_isolation")
    policed = set(migration._OWN_ROWS)
    assert {table.__tablename__ for table in WARD_RECORDS} | {"areas"} <= policed
