"""The workspace's tables (SQLModel).

Every change to these tables goes through a migration in ``readiness/store/migrations/versions``;
``tests/test_db.py`` checks that the migrations and these models describe the same schema.

Text that an official may write in Vietnamese and English (titles, summaries, organisers) is
a JSON object ``{language code: text}``; either language may be missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import true as sa_true
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
    #: Short upper-case code that starts the city's evidence ids: HN in HN-0042.
    code: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    #: ISO 3166-1 alpha-2 code, upper case (VN).
    country: str = Field(sa_column=Column(Text, nullable=False))
    profile: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: The number the city's next evidence record gets. It only goes up: a removed record's
    #: id is never given again (``evidence.next_number``).
    next_number: int = Field(default=1, sa_column=Column(Integer, nullable=False, server_default="1"))
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


class Evidence(SQLModel, table=True):
    """One piece of proof: a plan, a forum, an event... with its dates, status and owner.

    ``code`` (``HN-0042``) is what people quote; ``number`` is its counter within the city.
    ``start``/``end``/``valid_until`` are ISO partial dates (``dates.PartialDate``) of what the
    record documents; ``created_at`` is when it was entered. ``search_key`` is the folded text
    of the titles, summaries, organiser and tags, for searches that ignore diacritics.
    """

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("city_id", "number", name="uq_evidence_number"),
                      # A city's records in the order lists show them (migration 0008).
                      Index("ix_evidence_listing", "city_id", text("(start IS NULL)"), "start", "code"))

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    city_id: int = Field(foreign_key="city.id", nullable=False, index=True)
    number: int = Field(nullable=False)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    kind: str = Field(sa_column=Column(Text, nullable=False))
    title: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    summary: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    organiser: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    start: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    end: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    valid_until: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    source_url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    language: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(sa_column=Column(Text, nullable=False))
    status_by: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    status_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    owner: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    search_key: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    #: Who last changed the record's content (not its status): with ``created_by``, the two
    #: people who may not verify it (the four-eyes rule, ``access.require_other_hands``).
    updated_by: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class EvidenceLink(SQLModel, table=True):
    """Evidence linked to a criterion (``kflc:2.6.1``), with why it supports it."""

    __tablename__ = "evidence_link"
    __table_args__ = (UniqueConstraint("evidence_id", "criterion", name="uq_evidence_link"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", nullable=False, index=True)
    criterion: str = Field(sa_column=Column(Text, nullable=False, index=True))
    rationale: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Attachment(SQLModel, table=True):
    """A file attached to evidence: its bytes live in the file store under ``sha256``.

    ``name`` is the name the file had when attached, kept as text and never used as a path.
    """

    __tablename__ = "attachment"
    __table_args__ = (UniqueConstraint("evidence_id", "sha256", name="uq_attachment_file"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", nullable=False, index=True)
    sha256: str = Field(sa_column=Column(Text, nullable=False, index=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    media_type: str = Field(sa_column=Column(Text, nullable=False))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    added_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    added_by: str = Field(sa_column=Column(Text, nullable=False))


class IndicatorValue(SQLModel, table=True):
    """A value that evidence reports for an indicator: ``kflc:adult-literacy-rate`` = 97.5 (%, 2024)."""

    __tablename__ = "indicator_value"

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", nullable=False, index=True)
    indicator: str = Field(sa_column=Column(Text, nullable=False))
    value: float = Field(nullable=False)
    unit: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    year: int | None = None
    source: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class NotApplicable(SQLModel, table=True):
    """A criterion that does not apply to a city, and the written reason why.

    Scoring leaves it out of every total (neither met nor unmet) and lists it with its reason.
    """

    __tablename__ = "not_applicable"
    __table_args__ = (UniqueConstraint("city_id", "criterion", name="uq_not_applicable"),)

    id: int | None = Field(default=None, primary_key=True)
    city_id: int = Field(foreign_key="city.id", nullable=False, index=True)
    criterion: str = Field(sa_column=Column(Text, nullable=False))
    justification: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    created_by: str = Field(sa_column=Column(Text, nullable=False))


class Account(SQLModel, table=True):
    """A person who signs in to the workspace. ``name`` is the sign-in name the audit log records;
    it never changes. ``password_hash`` is an argon2 hash (``accounts``), never the password.

    A workspace with no account rows is a one-person workspace: the machine's user acts with every
    right. Once one exists, every use case needs a signed-in person (``access``).
    """

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    display_name: str = Field(sa_column=Column(Text, nullable=False))
    email: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    password_hash: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=sa_true()))
    #: The UI language the person chose (``vi``/``en``); None: the city's.
    language: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    password_changed_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class RoleGrant(SQLModel, table=True):
    """One role an account holds, in its scope (``access.Role``): admin (no scope), coordinator,
    reviewer or viewer of a city (``city_id``; a viewer with none reads every city), contributor
    of a unit (``unit_id`` and its ``city_id``: that unit and the units under it)."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("account_id", "role", "city_id", "unit_id", name="uq_role_grant"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", nullable=False, index=True)
    role: str = Field(sa_column=Column(Text, nullable=False))
    city_id: int | None = Field(default=None, foreign_key="city.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")


class LoginSession(SQLModel, table=True):
    """A signed-in session (the command line's ``readiness login``, a browser's cookie).

    Only the SHA-256 of the session token is kept, so a copy of the database signs nobody in.
    A session ends at ``expires_at``, when signed out (``ended_at``), or when its account is
    disabled or its password changed.
    """

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    account_id: int = Field(foreign_key="account.id", nullable=False, index=True)
    #: ``cli`` or ``web``: where it was opened.
    client: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    expires_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    ended_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class SignInAttempt(SQLModel, table=True):
    """A refused sign-in: the name typed (folded) and the address it came from, kept for
    ``accounts.ATTEMPT_WINDOW`` so that sign-in is rate-limited per account and address."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (Index("ix_sign_in_attempt_name_at", "name", "at"),
                      Index("ix_sign_in_attempt_address_at", "address", "at"))

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, nullable=False))
    address: str = Field(sa_column=Column(Text, nullable=False))
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class Comment(SQLModel, table=True):
    """A comment on an evidence record (a reviewer asks for the signed copy; the ward answers).

    Kept with the record and in its history (an ``evidence.comment`` audit event).
    """

    __tablename__ = "comment"

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", nullable=False, index=True)
    author: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class WorkspaceSetting(SQLModel, table=True):
    """A setting of the whole workspace, kept in its database so every machine sees the same.

    ``file_store``: ``folder`` or ``database``, where attached files live (``store.stores``).
    """

    __tablename__ = "workspace_setting"

    name: str = Field(sa_column=Column(Text, primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))


class FileObject(SQLModel, table=True):
    """A file in the database store, named by its SHA-256; its bytes are the chunks of ``upload``.

    The row is written after every chunk is committed, so a row always has all its bytes.
    """

    __tablename__ = "file_object"

    sha256: str = Field(sa_column=Column(Text, primary_key=True))
    upload: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    chunks: int = Field(sa_column=Column(Integer, nullable=False))
    #: stored, or found already stored, at: a prune leaves objects touched after its check began.
    touched_at: dt.datetime = Field(default_factory=utcnow,
                                    sa_column=Column(DateTime(timezone=True), nullable=False))


class FileChunk(SQLModel, table=True):
    """Up to 1 MiB of a file being stored (``upload``) or stored (a ``FileObject`` names the upload)."""

    __tablename__ = "file_chunk"

    upload: str = Field(sa_column=Column(Text, primary_key=True))
    seq: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    written_at: dt.datetime = Field(default_factory=utcnow,
                                    sa_column=Column(DateTime(timezone=True), nullable=False))
