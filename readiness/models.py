"""The workspace's tables (SQLModel).

Every change to these tables goes through a migration in ``readiness/migrations/versions``;
``tests/test_db.py`` checks that the migrations and these models describe the same schema.
Evidence, attachments and links arrive with the evidence issue.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class City(SQLModel, table=True):
    """A city that prepares an application; its profile holds the form's facts (see profile.py)."""

    __tablename__ = "city"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    #: ``text.fold(name)``: how a typed name is matched ("Ha Noi" finds "Hà Nội").
    name_key: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    #: ISO 3166-1 alpha-2 code, upper case (VN).
    country: str = Field(sa_column=Column(Text, nullable=False))
    profile: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class Unit(SQLModel, table=True):
    """A ward, commune, district, agency, school... of a city, at any depth under a parent."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("city_id", "parent_id", "name_key", name="uq_unit_name"),)

    id: int | None = Field(default=None, primary_key=True)
    city_id: int = Field(foreign_key="city.id", nullable=False, index=True)
    parent_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    name_key: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class AuditEvent(SQLModel, table=True):
    """One change to the workspace: who, when, what, and the row before and after. Append only."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(sa_column=Column(Text, nullable=False))
    action: str = Field(sa_column=Column(Text, nullable=False))
    entity: str = Field(sa_column=Column(Text, nullable=False))
    entity_id: int | None = None
    city_id: int | None = Field(default=None, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
