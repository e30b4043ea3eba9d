"""The audit log: one append-only event per change, written in the change's own transaction.

An event names who acted (``access.Actor``), what they did (``evidence.add``, ``city.set``...),
the entity it touched and the entity's state before and after, as JSON that needs no internal
ids to read (so the history survives export and import). ``cities.audit_log`` reads it back.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from readiness.store.models import AuditEvent, City, Unit

if TYPE_CHECKING:
    from sqlmodel import Session, SQLModel

    from readiness.access import Actor


def record_event(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    city_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Add an audit event to the session's transaction: committed with the change, or not at all."""
    session.add(AuditEvent(actor=actor.name, action=action, entity=entity, entity_id=entity_id,
                           city_id=city_id, before=before, after=after))


def row_json(row: SQLModel, exclude: Collection[str] = ()) -> dict[str, Any]:
    """A row's columns as JSON values, in the order the table declares them.

    ``model_dump`` follows the order attributes were loaded in, which for a row read back from the
    database can follow the hash seed: two runs would print the same city with its keys shuffled.
    """
    data = row.model_dump(mode="json", exclude=set(exclude))
    return {name: data[name] for name in type(row).model_fields if name in data}


def snapshot(row: City | Unit) -> dict[str, Any]:
    """A city or unit as an audit event holds it: its columns, without the matching key and counter."""
    return row_json(row, exclude=("name_key", "next_number"))


def event_json(event: AuditEvent) -> dict[str, Any]:
    """An audit event as ``readiness log --format json`` gives it: every column."""
    return row_json(event)
