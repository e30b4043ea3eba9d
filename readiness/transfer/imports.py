"""The import use case: plan a file against the workspace, then (unless a dry run) write it.

``import_evidence`` is what every front end calls: it reads and checks the whole file
(``plan.plan_import``), and unless ``dry_run`` writes it in one transaction (``write.run_import``),
returning an ``ImportOutcome``: the counts, the rows skipped as copies (of a record already in
the workspace, or of an earlier row of the file), the ids renumbered and the warnings, as data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readiness.store.files import DEFAULT_MAX_SIZE
from readiness.transfer.plan import DuplicateRecord, ImportPlan, ImportSource, plan_import
from readiness.transfer.write import ImportResult, run_import

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.frameworks.catalogue import Catalogue
    from readiness.store.db import Workspace
    from readiness.transfer.export import Progress


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did, or on a dry run would do."""

    dry_run: bool
    source: Path
    city: str
    new_city: bool
    new_units: int
    records: int  # added, or to be added
    unchanged: int  # records whose id is already there with the same content
    files: int
    bytes: int
    encoding: str | None  # what a CSV was read as
    statuses_kept: bool  # exported from this workspace (or a bundled sample): statuses and history as they are
    not_reviewed_here: list[str]  # records verified elsewhere, coming in as submitted
    duplicates: list[DuplicateRecord]  # rows skipped as copies
    renumbered: dict[str, str]  # under --renumber: old id -> new id, where they differ
    warnings: list[str]
    added: list[str] = field(default_factory=list)  # the ids the records got (none on a dry run)
    files_stored: int = 0

    @classmethod
    def of(cls, plan: ImportPlan, result: ImportResult | None = None) -> ImportOutcome:
        """A plan's outcome: what it would do (no ``result``: a dry run), or what running it did."""
        planned = {old: new for old, new in plan.renumbered.items() if old != new}
        return cls(
            dry_run=result is None, source=plan.source, city=plan.city_name, new_city=plan.create_city is not None,
            new_units=len(plan.units), records=len(plan.records), unchanged=len(plan.unchanged), files=plan.files,
            bytes=plan.bytes, encoding=plan.encoding, statuses_kept=plan.reviewed_here,
            not_reviewed_here=list(plan.not_reviewed), duplicates=list(plan.duplicates),
            renumbered=result.renumbered if result is not None else planned, warnings=list(plan.warnings),
            added=list(result.codes) if result is not None else [],
            files_stored=result.files_stored if result is not None else 0)

    @property
    def already_there(self) -> int:
        """Rows skipped as copies of a record already in the workspace."""
        return sum(1 for d in self.duplicates if d.in_workspace)

    @property
    def repeated_rows(self) -> int:
        """Rows skipped as copies of an earlier row of the same file."""
        return sum(1 for d in self.duplicates if not d.in_workspace)

    def as_json(self) -> dict[str, Any]:
        """The outcome for programs (``import --format json``); ``added`` and ``files_stored`` only when written."""
        data: dict[str, Any] = {
            "dry_run": self.dry_run,
            "source": str(self.source),
            "statuses_kept": self.statuses_kept,
            "not_reviewed_here": list(self.not_reviewed_here),
            "city": self.city,
            "new_city": self.new_city,
            "new_units": self.new_units,
            "records": self.records,
            "unchanged": self.unchanged,
            "duplicates": [{"row": d.where.line, "same_as": d.same_as} for d in self.duplicates],
            "renumbered": dict(self.renumbered),
            "warnings": list(self.warnings),
            "files": self.files,
            "bytes": self.bytes,
            "encoding": self.encoding,
        }
        if not self.dry_run:
            data.update(added=list(self.added), files_stored=self.files_stored)
        return data


def import_evidence(ws: Workspace, actor: Actor, source: ImportSource, catalogue: Catalogue, *,
                    city: str | None = None, encoding: str | None = None, max_size: int = DEFAULT_MAX_SIZE,
                    strict: bool = False, allow_duplicates: bool = False, renumber: bool = False,
                    dry_run: bool = False, today: dt.date | None = None,
                    progress: Progress | None = None) -> ImportOutcome:
    """Import a file (or a bundled sample) as ``actor``: all of it or, on any problem, nothing.

    Reads and checks every row first (raising ProblemsError with every problem; see
    ``plan.plan_import`` for ``city``, ``encoding``, ``strict``, ``allow_duplicates`` and
    ``renumber``), then checks that ``actor`` may write all of it (``require_import``), then,
    unless ``dry_run``, stores the files and writes every row in one transaction
    (``write.run_import``). ``progress`` hears of the writing only (files, then
    records), so a front end may open its progress bar at the first call.
    """
    from readiness.access import require_signed_in

    with ws.session() as session:
        require_signed_in(session, actor)
    plan = plan_import(ws, actor, source.path, catalogue, city=city, encoding=encoding, max_size=max_size,
                       today=today, trusted=source.trusted, strict=strict, allow_duplicates=allow_duplicates,
                       renumber=renumber)
    require_import(ws, actor, plan)
    if dry_run:
        return ImportOutcome.of(plan)
    return ImportOutcome.of(plan, run_import(ws, actor, plan, max_size=max_size, progress=progress))


def require_import(ws: Workspace, actor: Actor, plan: ImportPlan) -> None:
    """Refuse the whole import unless ``actor`` may write every part of it (a dry run too, so that
    it says what the real run would).

    A new city needs the right to administer the workspace (it brings the city's history too);
    new units, the right to manage the city; each record, the right to contribute in its unit
    (a contributor imports their units' rows; a row of no unit is the coordinators'); a record
    coming in verified or rejected (a restore of this workspace's export, a sample), the right to
    review. A refusal names the rows.
    """
    from sqlmodel import select

    from readiness.access import Right, Scope, may, require
    from readiness.cities import find_city
    from readiness.errors import PermissionDeniedError
    from readiness.store.models import Unit
    from readiness.text import fold
    from readiness.transfer.plan import DECISIONS

    name = plan.source.name
    with ws.session() as session:
        if plan.create_city is not None:
            require(session, actor, Right.ADMINISTER, what=f"for {name} (it adds the city {plan.city_name})")
            return
        city = find_city(session, plan.city_name)
        if plan.units:
            require(session, actor, Right.MANAGE_CITY, Scope(city.id),
                    what=f"in {city.name} ({name} adds units: {', '.join(u.name for u in plan.units)})")
        units = {u.name_key: u.id for u in session.exec(select(Unit).where(Unit.city_id == city.id))}
        refused = [item.record.where.line for item in plan.records
                   if not may(session, actor, Right.CONTRIBUTE,
                              Scope(city.id, units.get(fold(item.fields.get("unit") or ""))))]
        if refused:  # (a person signed out was refused on entry)
            at = ", ".join(str(line) for line in refused[:10]) + (f" and {len(refused) - 10} more"
                                                                 if len(refused) > 10 else "")
            raise PermissionDeniedError(
                f"{actor.name} may not {Right.CONTRIBUTE.value} for {len(refused)} record(s) of {name} "
                f"(row or line {at}): their units are not among those their roles cover in {city.name} "
                "(a record of no unit is the coordinators'); nothing was imported", Right.CONTRIBUTE.value)
        if any(item.fields.get("status") in DECISIONS for item in plan.records):
            require(session, actor, Right.REVIEW, Scope(city.id),
                    what=f"in {city.name} ({name} brings review decisions)")
