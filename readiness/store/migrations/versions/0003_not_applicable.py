"""Criteria marked not applicable for a city, each with its written justification.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "not_applicable",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("city_id", sa.Integer(), sa.ForeignKey("city.id"), nullable=False),
        sa.Column("criterion", sa.Text(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.UniqueConstraint("city_id", "criterion", name="uq_not_applicable"),
    )
    op.create_index("ix_not_applicable_city_id", "not_applicable", ["city_id"])


def downgrade() -> None:
    op.drop_table("not_applicable")
