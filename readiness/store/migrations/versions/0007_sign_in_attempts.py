"""Failed sign-ins, kept for a while so that sign-in is rate-limited per account and address.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

Kept in the database, not in a server's memory, so that several server processes serving one
workspace count the same attempts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_attempt_name_at", "sign_in_attempt", ["name", "at"])
    op.create_index("ix_sign_in_attempt_address_at", "sign_in_attempt", ["address", "at"])


def downgrade() -> None:
    op.drop_table("sign_in_attempt")
