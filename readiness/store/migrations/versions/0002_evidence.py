"""Evidence records, their links, attachments and indicator values; a short code per city.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from readiness.cities import derive_code

    with op.batch_alter_table("city") as batch:
        batch.add_column(sa.Column("code", sa.Text(), nullable=True))
    conn = op.get_bind()
    taken: set[str] = set()
    for city_id, name in conn.execute(sa.text("SELECT id, name FROM city ORDER BY id")).all():
        code = derive_code(name, taken)
        taken.add(code)
        conn.execute(sa.text("UPDATE city SET code = :code WHERE id = :id"), {"code": code, "id": city_id})
    with op.batch_alter_table("city") as batch:
        batch.alter_column("code", existing_type=sa.Text(), nullable=False)
        batch.create_unique_constraint("uq_city_code", ["code"])

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.Text(), nullable=False, unique=True),
        sa.Column("city_id", sa.Integer(), sa.ForeignKey("city.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("organiser", sa.JSON(), nullable=False),
        sa.Column("start", sa.Text(), nullable=True),
        sa.Column("end", sa.Text(), nullable=True),
        sa.Column("valid_until", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_by", sa.Text(), nullable=True),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("city_id", "number", name="uq_evidence_number"),
    )
    op.create_index("ix_evidence_city_id", "evidence", ["city_id"])
    op.create_index("ix_evidence_unit_id", "evidence", ["unit_id"])
    op.create_table(
        "evidence_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("evidence_id", sa.Integer(), sa.ForeignKey("evidence.id"), nullable=False),
        sa.Column("criterion", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.UniqueConstraint("evidence_id", "criterion", name="uq_evidence_link"),
    )
    op.create_index("ix_evidence_link_evidence_id", "evidence_link", ["evidence_id"])
    op.create_index("ix_evidence_link_criterion", "evidence_link", ["criterion"])
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("evidence_id", sa.Integer(), sa.ForeignKey("evidence.id"), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.UniqueConstraint("evidence_id", "sha256", name="uq_attachment_file"),
    )
    op.create_index("ix_attachment_evidence_id", "attachment", ["evidence_id"])
    op.create_index("ix_attachment_sha256", "attachment", ["sha256"])
    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("evidence_id", sa.Integer(), sa.ForeignKey("evidence.id"), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
    )
    op.create_index("ix_indicator_value_evidence_id", "indicator_value", ["evidence_id"])


def downgrade() -> None:
    op.drop_table("indicator_value")
    op.drop_table("attachment")
    op.drop_table("evidence_link")
    op.drop_table("evidence")
    with op.batch_alter_table("city") as batch:
        batch.drop_constraint("uq_city_code", type_="unique")
        batch.drop_column("code")
