"""Wards in one store: a user's ward, and PostgreSQL row-level security on the ward's records.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 19:30:00

Written by hand after the models (``patrol.store.models.User.area_id``) and
``patrol.store.wards``. An account that leads a team gets its team's ward. On a store of one
ward every other account gets that ward; on a store of several they stay province-wide, as they
were, for the administrator to assign (`patrol users ward`).

On PostgreSQL every table of a ward's records gets a policy: while a transaction has set
``patrol.ward_id`` (a ward user's work, ``Store.for_ward``) only that ward's rows are read or
written; without it (the operator's commands, migrations) every row is. The policies are forced,
so they hold for the tables' owner too (the service account); a superuser bypasses them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_IN_WARD = "(patrol_ward() IS NULL OR {column} = patrol_ward())"
_OWN_ROWS = {
    "areas": _IN_WARD.format(column="id"),
    **{
        table: _IN_WARD.format(column="area_id")
        for table in (
            "uploads",
            "facilities",
            "incidents",
            "teams",
            "people",
            "plans",
            "patrol_records",
            "residential_groups",
            "campaign_weeks",
            "campaign_runs",
        )
    },
    # Rows of a parent record: the parent's policy applies inside the subquery.
    "facility_changes": "EXISTS (SELECT 1 FROM facilities f WHERE f.id = facility_pk)",
    "team_members": "EXISTS (SELECT 1 FROM teams t WHERE t.id = team_id)",
    "roster_entries": "EXISTS (SELECT 1 FROM teams t WHERE t.id = team_id)",
    "plan_versions": "EXISTS (SELECT 1 FROM plans p WHERE p.id = plan_id)",
    # An export of no stored plan names only a file and a team: any ward may write one.
    "exports": "(plan_id IS NULL OR EXISTS (SELECT 1 FROM plans p WHERE p.id = plan_id))",
}


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_users_area_id_areas", "areas", ["area_id"], ["id"])
    op.execute(
        "UPDATE users SET area_id = (SELECT t.area_id FROM teams t WHERE t.id = users.team_id) "
        "WHERE team_id IS NOT NULL"
    )
    op.execute(
        "UPDATE users SET area_id = (SELECT MIN(id) FROM areas) "
        "WHERE area_id IS NULL AND (SELECT COUNT(*) FROM areas) = 1"
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION patrol_ward() RETURNS integer LANGUAGE sql STABLE AS "
        "$$ SELECT NULLIF(current_setting('patrol.ward_id', true), '')::integer $$"
    )
    for table, rows in _OWN_ROWS.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY ward_isolation ON {table} USING ({rows}) WITH CHECK ({rows})")


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "postgresql":
        for table in _OWN_ROWS:
            op.execute(f"DROP POLICY IF EXISTS ward_isolation ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("DROP FUNCTION IF EXISTS patrol_ward()")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("fk_users_area_id_areas", type_="foreignkey")
        batch_op.drop_column("area_id")
