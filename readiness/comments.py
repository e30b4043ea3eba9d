"""Comments on an evidence record: a reviewer asks for the signed copy, the ward answers.

A comment is kept with its record (``evidence show`` lists them) and in the record's history
(an ``evidence.comment`` audit event, so ``readiness log HN-0042`` shows it, also after the
record is removed). Writing one needs ``Right.COMMENT`` where the record is (its city and
unit); reading them needs ``Right.READ`` in its city. A comment is plain text: HTML in it is kept
as typed and shown literally, never rendered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from readiness import access
from readiness.access import Actor, Right, Scope
from readiness.dates import iso_time
from readiness.evidence import check_text, find_evidence
from readiness.store.audit import record_event
from readiness.store.models import Comment, Evidence, utcnow

if TYPE_CHECKING:
    from readiness.store.db import Workspace

MAX_COMMENT_CHARS = 4000


@dataclass(frozen=True)
class CommentView:
    """One comment: who wrote it (the account's name, as the audit log has it), when, and what."""

    author: str
    created_at: dt.datetime
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"author": self.author, "created_at": iso_time(self.created_at), "text": self.text}


def _scope(row: Evidence) -> Scope:
    return Scope(row.city_id, row.unit_id)


def comments_of(session: Session, evidence_id: int | None) -> list[CommentView]:
    """A record's comments, oldest first (the conversation as it went)."""
    rows = session.exec(select(Comment).where(Comment.evidence_id == evidence_id).order_by(col(Comment.id)))
    return [CommentView(c.author, c.created_at, c.text) for c in rows]


def add_comment(ws: Workspace, actor: Actor, code: str, text: str) -> CommentView:
    """Add a comment to the record ``code`` (``HN-0042``) as ``actor``; it joins the record's history.

    Several lines are kept; control and direction-override characters are refused; at most
    ``MAX_COMMENT_CHARS`` characters.
    """
    body = check_text(text, "comment", MAX_COMMENT_CHARS, multiline=True)
    if not body:
        from readiness.errors import InvalidValueError

        raise InvalidValueError("comment is empty; write what you ask or answer")
    with ws.session() as session:
        access.require_signed_in(session, actor)  # before a code is looked up: nothing to learn
        row = find_evidence(session, code, actor)
        access.require(session, actor, Right.COMMENT, _scope(row), what=f"record {row.code}")
        assert row.id is not None
        comment = Comment(evidence_id=row.id, author=actor.name, text=body, created_at=utcnow())
        session.add(comment)
        session.flush()
        # The event carries the record's id like every other event of the record, so its
        # history (``evidence.events_of``) finds it.
        record_event(session, actor, "evidence.comment", "evidence", row.id, row.city_id, None,
                     {"id": row.code, "comment": body, "author": actor.name})
        return CommentView(comment.author, comment.created_at, comment.text)


def list_comments(ws: Workspace, actor: Actor, code: str) -> list[CommentView]:
    """The comments on the record ``code``, oldest first."""
    with ws.reading() as session:
        access.require_signed_in(session, actor)
        row = find_evidence(session, code, actor)
        access.require(session, actor, Right.READ, _scope(row), what=f"record {row.code}")
        return comments_of(session, row.id)


@dataclass(frozen=True)
class WaitingComment:
    """A comment someone else wrote on one of a person's records, not answered yet."""

    code: str
    title: dict[str, str]
    author: str
    created_at: dt.datetime
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.code, "title": dict(self.title), "author": self.author,
                "created_at": iso_time(self.created_at), "text": self.text}


def comments_waiting(ws: Workspace, actor: Actor, limit: int = 10) -> list[WaitingComment]:
    """The comments waiting for ``actor``'s answer, newest first, at most ``limit``.

    Their records are those of the units they contribute for (and the units under them) and the
    records they created; a comment waits when someone else wrote it after the record last
    changed and after the person's own last comment on that record (either answers it). One
    query, whatever the number of records.
    """
    from sqlalchemy import and_, exists, or_
    from sqlalchemy.orm import aliased

    from readiness.access import Role
    from readiness.store.models import Unit

    if not 0 < limit <= 500:
        from readiness.errors import InvalidValueError

        raise InvalidValueError("comments waiting: ask for 1 to 500")
    with ws.reading() as session:
        access.require_signed_in(session, actor)
        readable = access.readable_cities(session, actor)
        units: set[int] = set()
        for grant in actor.grants:
            if grant.role is Role.CONTRIBUTOR and grant.unit_id is not None:
                city_units = list(session.exec(select(Unit.id, Unit.parent_id).where(Unit.city_id == grant.city_id)))
                frontier: set[int] = {grant.unit_id}
                while frontier:  # the unit and the units under it
                    units |= frontier
                    frontier = {uid for uid, parent in city_units
                                if uid is not None and parent in frontier and uid not in units}
        mine = or_(col(Evidence.created_by) == actor.name, col(Evidence.unit_id).in_(units))
        own = aliased(Comment)
        answered = exists().where(and_(col(own.evidence_id) == col(Comment.evidence_id),
                                       col(own.author) == actor.name, col(own.created_at) >= col(Comment.created_at)))
        query = (select(Comment, Evidence.code, Evidence.title).join(Evidence, col(Evidence.id) == Comment.evidence_id)
                 .where(mine, col(Comment.author) != actor.name, col(Comment.created_at) > col(Evidence.updated_at),
                        ~answered)
                 .order_by(col(Comment.created_at).desc(), col(Comment.id).desc()).limit(limit))
        if readable is not None:
            query = query.where(col(Evidence.city_id).in_(readable))
        return [WaitingComment(code, dict(title), c.author, c.created_at, c.text)
                for c, code, title in session.exec(query)]
