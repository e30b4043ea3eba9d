"""Running a checked import plan: the files into the store, then every row in one transaction.

``run_import`` (which ``imports.import_evidence`` calls after ``plan.plan_import``) copies the
attached files into the store first, then writes every record, link, value and audit event in
one transaction. A process killed at any point leaves the workspace as it was, plus at most
unreferenced files in the store (``readiness verify --prune`` clears them).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from readiness import evidence as ev
from readiness.access import Actor
from readiness.cities import add_city_in, add_unit_in, find_city
from readiness.errors import InvalidValueError, Problem, ProblemsError
from readiness.store.audit import record_event
from readiness.store.db import Workspace
from readiness.store.files import DEFAULT_MAX_SIZE, Batch, StoredFile
from readiness.store.models import AuditEvent, City, Evidence, EvidenceLink, IndicatorValue, Unit
from readiness.store.stores import workspace_store
from readiness.text import fold
from readiness.transfer.export import Progress
from readiness.transfer.plan import ImportPlan, NewUnit, PlannedRecord
from readiness.transfer.readers import IncomingFile, opened, timestamp

#: The files stored for each planned record (by its index in the plan), with their names.
Stored = dict[int, list[tuple[str, StoredFile]]]


@dataclass
class ImportResult:
    """What an import did: its plan, the ids the records got and how many files it stored."""

    plan: ImportPlan
    codes: list[str]
    files_stored: int

    @property
    def renumbered(self) -> dict[str, str]:
        """Under --renumber, each old id and the id its record got, where they differ."""
        return {item.record.meta["old_id"]: code
                for item, code in zip(self.plan.records, self.codes, strict=True)
                if item.record.meta.get("old_id") and item.record.meta["old_id"] != code}


def run_import(ws: Workspace, actor: Actor, plan: ImportPlan, *, max_size: int = DEFAULT_MAX_SIZE,
               progress: Progress | None = None) -> ImportResult:
    """Copy the files in, then write everything in one transaction, as ``actor``."""
    with workspace_store(ws).batch() as store:  # a failed import takes out the files it stored and no row uses
        stored = _store_files(plan, store, max_size, progress)
        codes = _write_rows(ws, actor, plan, stored, progress)
    return ImportResult(plan, codes, sum(len(v) for v in stored.values()))


def _store_files(plan: ImportPlan, store: Batch, max_size: int, progress: Progress | None) -> Stored:
    """Every attached file into the store, each checked against the SHA-256 the file gives."""
    stored: Stored = {}
    done = 0
    with opened(plan.source) as archive:
        for index, item in enumerate(plan.records):
            for f in item.record.files:
                got = _put(f, plan.source, archive, store, max_size)
                stored.setdefault(index, []).append((f.name, got))
                if f.sha256 and got.sha256 != f.sha256:
                    where = item.record.where
                    raise ProblemsError([Problem(where.file, where.line, "files",
                                                 f"{f.source}: its SHA-256 is {got.sha256[:12]}..., not the "
                                                 f"{f.sha256[:12]}... the file records; it was changed or damaged")])
                done += 1
                if progress:
                    progress("files", done, plan.files)
    return stored


def _put(f: IncomingFile, source: Path, archive: zipfile.ZipFile | None, store: Batch, max_size: int) -> StoredFile:
    if archive is not None:
        with archive.open(f.source) as member:
            return store.put_stream(member, f"{source}:{f.source}", max_size=max_size)
    return store.put(f.on_disk(source), max_size=max_size)


def _write_rows(ws: Workspace, actor: Actor, plan: ImportPlan, stored: Stored, progress: Progress | None) -> list[str]:
    """The city, units, records, links, values, attachments and audit events, in one transaction."""
    with ws.session() as session:
        city = _city(session, actor, plan)
        units = _add_units(session, actor, city, plan.units, audit=not plan.audit)
        ev.lock_city(session, city)
        rows = []
        for index, (item, number) in enumerate(zip(plan.records, _numbers(session, city, plan), strict=True)):
            rows.append(_add_record(session, actor, city, units, item, number, stored.get(index, [])))
            if progress:
                progress("records", len(rows), len(plan.records))
        codes = [row.code for row in rows]
        _log(session, actor, city, plan, rows, units)
    return codes


def _city(session: Session, actor: Actor, plan: ImportPlan) -> City:
    """The plan's city: created (with its profile) when the plan says so, else found."""
    if plan.create_city is None:
        return find_city(session, plan.city_name)
    info = plan.create_city
    city = add_city_in(session, actor, info.name, info.country, info.code, audit=not plan.audit)
    if info.profile:
        city.profile = dict(info.profile)
        session.add(city)
    return city


def _numbers(session: Session, city: City, plan: ImportPlan) -> list[int]:
    """The number each record gets: its own id's, else the next free one after every number in use."""
    numbers = [ev.parse_code(item.record.code)[1] if item.record.code else None for item in plan.records]
    next_free = max([ev.next_number(session, city)] + [n + 1 for n in numbers if n is not None])
    given = []
    for number in numbers:
        if number is None:
            number, next_free = next_free, next_free + 1
        given.append(number)
    return given


def _add_record(session: Session, actor: Actor, city: City, units: dict[str, Unit], item: PlannedRecord,
                number: int, stored: Sequence[tuple[str, StoredFile]]) -> Evidence:
    """One planned record with its history, links, values and stored files."""
    rec, fields = item.record, item.fields
    if fields.get("unit"):
        fields = {**fields, "unit": units[fold(fields["unit"])].name}
    row = ev.new_record(session, actor, city, fields, number=number, created_by=rec.meta.get("created_by"))
    for key in ("status_by", "status_reason"):
        if rec.meta.get(key):
            setattr(row, key, str(rec.meta[key]))
    for key in ("status_at", "created_at", "updated_at"):
        if rec.meta.get(key):
            setattr(row, key, rec.meta[key])
    assert row.id is not None  # flushed by new_record
    links = [EvidenceLink(evidence_id=row.id, criterion=link.criterion, rationale=link.rationale)
             for link in item.links]
    values = [IndicatorValue(evidence_id=row.id, **value) for value in item.indicators]
    session.add_all([*links, *values])
    ev.attach_stored(session, actor, row, stored, [(f.added_at, f.added_by) for f in rec.files])
    session.flush()
    return row


def _log(session: Session, actor: Actor, city: City, plan: ImportPlan, rows: list[Evidence],
         units: dict[str, Unit]) -> None:
    """The file's own history (an export's), then an ``evidence.import`` event for each record."""
    views = ev.views_of(session, rows)
    old_ids = [item.record.meta.get("old_id") for item in plan.records]  # under --renumber
    if plan.audit:
        ids = {old or v.code: v.row.id for v, old in zip(views, old_ids, strict=True) if v.row.id is not None}
        _restore_audit(session, city, plan.audit, ids, units)
    for view, old in zip(views, old_ids, strict=True):
        record_event(session, actor, "evidence.import", "evidence", view.row.id, city.id, None,
               {**view.as_json(), "imported_from": plan.source.name, **({"old_id": old} if old else {})})


def _add_units(session: Session, actor: Actor, city: City, wanted: list[NewUnit], *,
               audit: bool = True) -> dict[str, Unit]:
    """The city's units by folded name, with the plan's added (each after its parent)."""
    units = {fold(u.name): u for u in session.exec(select(Unit).where(Unit.city_id == city.id))}
    pending = list(wanted)
    while pending:
        progress_made = False
        for u in list(pending):
            parent = fold(u.parent or "")
            if parent and parent not in units:
                continue
            row = add_unit_in(session, actor, city, u.name, u.kind, units[parent] if parent else None,
                              audit=audit)
            units[row.name_key] = row
            pending.remove(u)
            progress_made = True
        if not progress_made:
            raise InvalidValueError(f"unit {pending[0].name!r}: its parent {pending[0].parent!r} is not listed")
    return units


def _restore_audit(session: Session, city: City, events: list[dict[str, Any]], evidence_ids: dict[str, int],
                   units: dict[str, Unit]) -> None:
    """Put an exported city's history back, pointing at the rows as they are numbered here."""
    for e in events:
        entity = str(e.get("entity", ""))
        ref = e.get("ref")
        entity_id: int | None = None
        if entity == "evidence":
            entity_id = evidence_ids.get(str(ref))
        elif entity == "city":
            entity_id = city.id
        elif entity == "unit":
            unit = units.get(fold(str(ref or "")))
            entity_id = unit.id if unit else None
        session.add(AuditEvent(at=timestamp(e["at"]), actor=str(e.get("actor", "")), action=str(e.get("action", "")),
                               entity=entity, entity_id=entity_id, city_id=city.id,
                               before=e.get("before"), after=e.get("after")))
