"""The JSON API's bodies and answers, as pydantic models: what ``/api/v1/openapi.json`` describes.

Requests are bounded here (every text has a ``max_length``, every list a length) so that a body
the library would refuse anyway is refused before it is read whole; the library still checks
every value (kinds, dates as officials type them, criteria) and says what is wrong (400). The
answers are the library's own JSON forms (``EvidenceView.as_json``, ``CommentView.as_json``...),
described field by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(max_length=200)]
ShortText = Annotated[str, StringConstraints(max_length=60)]
Text500 = Annotated[str, StringConstraints(max_length=500)]
Language = Annotated[str, StringConstraints(max_length=20)]
#: A text in one language (taken as Vietnamese), or ``{"vi": ..., "en": ...}``.
Bilingual = Text500 | Annotated[dict[Language, Annotated[str, StringConstraints(max_length=5000)]],
                                Field(max_length=10)]
DateText = Annotated[str, StringConstraints(max_length=40)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """Every refusal: the error's kind and the library's one-line message."""

    error: str
    message: str


#: The answers every operation may give besides its own (shown in the OpenAPI description).
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "a value is wrong; the message says which and how to fix it"},
    401: {"model": ErrorOut, "description": "not signed in, or the session ended"},
    403: {"model": ErrorOut, "description": "the person may not do this here (or the CSRF token is missing)"},
    404: {"model": ErrorOut, "description": "no such city, unit or record"},
}


# ---------------------------------------------------------------------------------------------
# Sessions and the person


class SessionIn(_In):
    name: Name = Field(description="the sign-in name")
    password: Annotated[str, StringConstraints(max_length=2000)]


class SessionOut(BaseModel):
    token: str = Field(description="send it as `Authorization: Bearer <token>`")
    expires_at: dt.datetime
    name: str
    display_name: str


class MeOut(BaseModel):
    name: str
    display_name: str | None
    signed_in: bool
    roles: list[str] = Field(description="as typed back: `contributor:Hà Nội/Phường Hàng Bạc`")
    email: str | None = None


# ---------------------------------------------------------------------------------------------
# Cities and units


class CityOut(BaseModel):
    id: int | None
    name: str
    code: str = Field(description="starts the city's evidence ids: HN in HN-0042")
    country: str
    profile: dict[str, Any]


class UnitOut(BaseModel):
    id: int | None
    name: str
    kind: str
    units: list[UnitOut] = Field(description="the units under this one")


class CityUnitsOut(BaseModel):
    city: str
    units: list[UnitOut]


# ---------------------------------------------------------------------------------------------
# Evidence


class LinkOut(BaseModel):
    criterion: str
    rationale: str | None


class IndicatorOut(BaseModel):
    indicator: str
    value: float
    unit: str | None
    year: int | None
    source: str | None


class AttachmentOut(BaseModel):
    name: str
    sha256: str
    media_type: str | None
    size: int
    added_at: str | None
    added_by: str | None


class EvidenceOut(BaseModel):
    """A record as the library exports it (``EvidenceView.as_json``)."""

    id: str = Field(description="HN-0042")
    city: str
    unit: str | None
    kind: str
    title: dict[str, str]
    summary: dict[str, str]
    organiser: dict[str, str]
    start: str | None
    end: str | None
    valid_until: str | None
    source_url: str | None
    language: str | None
    status: str
    status_by: str | None
    status_at: str | None
    status_reason: str | None
    owner: str | None
    tags: list[str]
    links: list[LinkOut]
    indicators: list[IndicatorOut]
    attachments: list[AttachmentOut]
    created_at: str | None
    created_by: str | None
    updated_at: str | None


class EvidenceChanged(EvidenceOut):
    """A record just made or linked, with what the library warns of (links that cannot count)."""

    warnings: list[str] = []


class EvidencePageOut(BaseModel):
    total: int = Field(description="how many records match in all")
    offset: int
    limit: int
    items: list[EvidenceOut]


class CommentOut(BaseModel):
    author: str
    created_at: str | None
    text: str


class VerificationOut(BaseModel):
    by: str | None
    at: str | None
    changed_since: list[str]
    current: bool


class ActionsOut(BaseModel):
    """What the person may do on the record now (each use case checks again)."""

    change: bool
    review: bool
    comment: bool
    review_refusal: str | None = None


class EvidenceDetail(EvidenceOut):
    """A record as ``evidence show`` gives it, and what the person may do on it."""

    verification: VerificationOut | None
    comments: list[CommentOut]
    photos: list[dict[str, Any]]
    warnings: list[str]
    actions: ActionsOut | None


class LinkIn(_In):
    criterion: Name = Field(description="kflc:2.6.1, or 2.6.1 when one framework has it")
    rationale: Text500 | None = None


class _EvidenceFields(_In):
    kind: ShortText | None = None
    title: Bilingual | None = None
    summary: Bilingual | None = None
    organiser: Bilingual | None = None
    unit: Name | None = Field(None, description="a unit of the record's city, by name")
    start: DateText | None = Field(None, description="as officials write it: 2025-10-01, 01/10/2025, 10/2025, 2025")
    end: DateText | None = None
    valid_until: DateText | None = None
    source_url: Annotated[str, StringConstraints(max_length=2000)] | None = None
    language: Language | None = None
    owner: Name | None = None
    tags: Annotated[list[ShortText], Field(max_length=30)] | None = None
    status: ShortText | None = Field(None, description="draft or submitted (verified and rejected come from a review)")


class EvidenceIn(_EvidenceFields):
    """A new record: its city, its fields and its criterion links."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"city": "Hà Nội", "kind": "event", "title": {"vi": "Ngày hội đọc sách", "en": "Reading day"},
         "start": "01/10/2025", "status": "submitted",
         "links": [{"criterion": "kflc:2.6.1", "rationale": "a festival"}]}]})

    city: Name
    kind: ShortText
    title: Bilingual
    links: Annotated[list[LinkIn], Field(max_length=200)] = []


class EvidencePatch(_EvidenceFields):
    """The fields to change; those left out stay as they are (texts merge by language)."""

    add_tags: Annotated[list[ShortText], Field(max_length=30)] = []
    remove_tags: Annotated[list[ShortText], Field(max_length=30)] = []


class NoteIn(_In):
    note: Text500 | None = None


class ReasonIn(_In):
    reason: Text500 = Field(description="what the owner should fix")


class CommentIn(_In):
    text: Annotated[str, StringConstraints(max_length=4000)]
