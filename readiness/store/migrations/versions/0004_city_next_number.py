"""A per-city evidence counter that only goes up, so a removed record's id is never given again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

The counter starts above the highest number a city's records have, and above every number its
audit log mentions (records removed before this revision), so no id already quoted comes back.
"""

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CODE = re.compile(r"\s*([A-Za-z][A-Za-z0-9]{0,7})-(\d{1,9})\s*")


def upgrade() -> None:
    with op.batch_alter_table("city") as batch:
        batch.add_column(sa.Column("next_number", sa.Integer(), nullable=False, server_default="1"))
    conn = op.get_bind()
    codes: dict[int, str] = dict(conn.execute(sa.text("SELECT id, code FROM city")).all())
    highest = {city_id: 0 for city_id in codes}
    for city_id, number in conn.execute(sa.text("SELECT city_id, MAX(number) FROM evidence GROUP BY city_id")).all():
        highest[city_id] = max(highest.get(city_id, 0), number or 0)
    events = conn.execute(sa.text("SELECT city_id, before, after FROM audit_event WHERE entity = 'evidence'"))
    for city_id, *snapshots in events:
        for snapshot in snapshots:
            if isinstance(snapshot, str):  # SQLite hands JSON back as text
                snapshot = json.loads(snapshot)
            m = _CODE.fullmatch(str(snapshot.get("id") or "")) if isinstance(snapshot, dict) else None
            if m and city_id in codes and m[1].upper() == codes[city_id]:
                highest[city_id] = max(highest[city_id], int(m[2]))
    for city_id, number in highest.items():
        conn.execute(sa.text("UPDATE city SET next_number = :n WHERE id = :id"), {"n": number + 1, "id": city_id})


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): copying the table, as batch mode would, fails
    # its foreign keys once records point at the city.
    with op.batch_alter_table("city", recreate="never") as batch:
        batch.drop_column("next_number")
