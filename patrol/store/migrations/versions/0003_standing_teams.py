"""Standing teams: a person's rank, a team's leader, vehicle and depot, team members.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 17:40:00

Written by hand (batch mode: SQLite alters a table by copying it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rank", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leader_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("vehicle", sa.String(length=20), nullable=False, server_default="motorbike")
        )
        batch_op.add_column(sa.Column("depot", sa.Text(), nullable=False, server_default=""))
        batch_op.create_foreign_key("fk_teams_leader_id_people", "people", ["leader_id"], ["id"])
    op.create_table(
        "team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id"),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_members_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_members_team_id"))
    op.drop_table("team_members")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_constraint("fk_teams_leader_id_people", type_="foreignkey")
        batch_op.drop_column("depot")
        batch_op.drop_column("vehicle")
        batch_op.drop_column("leader_id")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("rank")
