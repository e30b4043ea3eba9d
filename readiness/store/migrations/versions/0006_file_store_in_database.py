"""Attached files in the database: objects named by SHA-256, their bytes in 1 MiB chunks, and
the workspace setting that says which store (folder or database) a workspace uses.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

A workspace that already has attachments keeps them in its folder (``file_store = folder``)
until ``readiness files move --to database``; one without chooses by its database when first
used (``store.stores``): PostgreSQL the database, SQLite the folder.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspace_setting",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "file_object",
        sa.Column("sha256", sa.Text(), primary_key=True),
        sa.Column("upload", sa.Text(), nullable=False, unique=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("touched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "file_chunk",
        sa.Column("upload", sa.Text(), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        # Files are mostly compressed already (PDF, JPEG, DOCX): no compression attempt per chunk.
        op.execute("ALTER TABLE file_chunk ALTER COLUMN data SET STORAGE EXTERNAL")
    if conn.execute(sa.text("SELECT 1 FROM attachment LIMIT 1")).first() is not None:
        conn.execute(sa.text("INSERT INTO workspace_setting (name, value) VALUES ('file_store', 'folder')"))


def downgrade() -> None:
    op.drop_table("file_chunk")
    op.drop_table("file_object")
    op.drop_table("workspace_setting")
