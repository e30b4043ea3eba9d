"""Criteria marked not applicable for a city, each with a written justification.

A criterion that does not apply (a coastal-city feature for an inland city, say) leaves every
total of the city's scorecard, numerator and denominator alike, and is never counted as done;
scorecards and the dossier list it with its justification. Every mark and unmark writes an
audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from readiness.access import Actor, Right, readable_cities
from readiness.cities import city_for
from readiness.dates import iso_time
from readiness.errors import InvalidValueError, NotFoundError
from readiness.frameworks.catalogue import Catalogue
from readiness.store.audit import record_event
from readiness.store.db import Workspace
from readiness.store.models import City, NotApplicable
from readiness.text import clean, split_ref

MIN_WORDS = 3
MAX_CHARS = 1000


@dataclass(frozen=True)
class Mark:
    city: str
    criterion: str
    justification: str
    by: str
    at: dt.datetime

    def as_json(self) -> dict[str, str]:
        return {"city": self.city, "criterion": self.criterion, "justification": self.justification,
                "by": self.by, "at": iso_time(self.at)}


def _criterion(ref: str, catalogue: Catalogue) -> str:
    """The criterion's full ref (``kflc:1.3.1``, or ``1.3.1`` when one framework has it); areas are refused."""
    return catalogue.qualify(ref)


def _justification(text: str | None) -> str:
    why = clean(text or "")
    if len(why.split()) < MIN_WORDS:
        raise InvalidValueError(f"--why: say in a sentence why the criterion does not apply to the city "
                                f"(at least {MIN_WORDS} words); reviewers read it in the dossier")
    if len(why) > MAX_CHARS:
        raise InvalidValueError(f"--why: {len(why):,} characters; at most {MAX_CHARS:,}")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in why):
        raise InvalidValueError("--why: holds control characters; retype it")
    return why


def _mark(row: NotApplicable, city: City) -> Mark:
    return Mark(city.name, row.criterion, row.justification, row.created_by, row.created_at)


def mark_not_applicable(ws: Workspace, actor: Actor, city_name: str, ref: str, justification: str | None,
                        catalogue: Catalogue) -> Mark:
    """Mark a criterion not applicable for a city; marking again replaces the justification."""
    ref, why = _criterion(ref, catalogue), _justification(justification)
    with ws.session() as session:
        city = city_for(session, actor, city_name, Right.MARK)
        row = session.exec(select(NotApplicable).where(NotApplicable.city_id == city.id,
                                                       NotApplicable.criterion == ref)).first()
        before = _mark(row, city).as_json() if row else None
        if row is None:
            assert city.id is not None  # a stored city
            row = NotApplicable(city_id=city.id, criterion=ref, justification=why, created_by=actor.name)
        else:
            row.justification, row.created_by = why, actor.name
        session.add(row)
        session.flush()
        result = _mark(row, city)
        record_event(session, actor, "criterion.not_applicable", "not_applicable", row.id, city.id,
                     before, result.as_json())
    return result


def unmark_not_applicable(ws: Workspace, actor: Actor, city_name: str, ref: str,
                          catalogue: Catalogue | None = None) -> Mark:
    """Make a criterion applicable again for a city.

    A full ref is taken as written (a mark may outlive its criterion in a newer framework
    version); an id alone (``1.3.1``) is resolved with ``catalogue`` as everywhere else.
    """
    ref = clean(ref)
    if catalogue is not None and not split_ref(ref)[0]:
        ref = catalogue.qualify(ref)
    with ws.session() as session:
        city = city_for(session, actor, city_name, Right.MARK)
        row = session.exec(select(NotApplicable).where(NotApplicable.city_id == city.id,
                                                       NotApplicable.criterion == ref)).first()
        if row is None:
            raise NotFoundError(f"{ref} is not marked not applicable for {city.name}; "
                                "see `readiness na list --city ...`")
        result = _mark(row, city)
        record_event(session, actor, "criterion.applicable", "not_applicable", row.id, city.id,
                     result.as_json(), None)
        session.delete(row)
    return result


def not_applicable_marks(ws: Workspace, actor: Actor, city_name: str | None = None) -> list[Mark]:
    """The criteria marked not applicable, for one city or all, by city then criterion.

    A city named needs the right to read it; all: the marks of the cities ``actor`` may read.
    """
    with ws.session() as session:
        readable = readable_cities(session, actor)
        query = select(NotApplicable, City).join(City, City.id == NotApplicable.city_id)  # type: ignore[arg-type]
        if city_name:
            query = query.where(NotApplicable.city_id == city_for(session, actor, city_name, Right.READ).id)
        elif readable is not None:
            query = query.where(col(NotApplicable.city_id).in_(readable))
        rows = session.exec(query).all()
        return sorted((_mark(na, city) for na, city in rows), key=lambda m: (m.city, m.criterion))
