"""The ward's own residential groups (tổ dân phố, thôn, khu phố), replaced whole by an upload.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 14:00:00

Written by hand after the models (``patrol.store.models.ResidentialGroup``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "residential_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("streets", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"]),
        sa.ForeignKeyConstraint(["upload_id"], ["uploads.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("residential_groups", schema=None) as batch_op:
        batch_op.create_index("ix_residential_groups_area", ["area_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("residential_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_residential_groups_area")
    op.drop_table("residential_groups")
