"""Planning an import: read the file, check everything, change nothing.

Import is all or nothing. ``plan_import`` reads the file (``readers``) and checks every record
against the workspace, collecting every problem as ``file:row: column: message``; only when there
are none does it return an ``ImportPlan``, which ``write.run_import`` carries out (the use case
that does both is ``imports.import_evidence``).

Review decisions come in only from where they were made. A spreadsheet brings draft or
submitted records only. A YAML or zip whose digest this workspace's audit log holds (it was
exported here: a restore) keeps its statuses and history as they are. From anywhere else a
verified record comes in as submitted and a rejected one stays rejected, each with the
decision kept as a note ("verified in the exporting workspace by X on DATE (FILE), not
reviewed here: its reason") and no reviewer of this workspace named; the file's history is kept
with each action prefixed ``imported:``. Records, ids, links, hashes and files come back the
same either way.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from readiness import evidence as ev
from readiness.cities import check_unit_kind, city_key, find_city
from readiness.errors import InvalidValueError, NotFoundError, Problem, ProblemsError
from readiness.store.db import Workspace
from readiness.store.files import DEFAULT_MAX_SIZE, empty_file, human_size
from readiness.store.models import AuditEvent, City, Evidence, Unit
from readiness.text import fold
from readiness.transfer.export import EXPORT_ACTION
from readiness.transfer.readers import (
    Collector,
    Incoming,
    IncomingFile,
    IncomingLink,
    IncomingRecord,
    Where,
    file_size,
    opened,
    read_source,
    timestamp,
)

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.frameworks.catalogue import Catalogue

IMPORTED_PREFIX = "imported:"  # on the actions of a history that came from another workspace
DECISIONS = ("verified", "rejected")  # statuses only a reviewer sets (``evidence verify`` / ``reject``)
SAMPLES = ("hanoi", "vinh")  # the bundled sample evidence


@dataclass(frozen=True)
class ImportSource:
    """What to import: a file, or a bundled sample (which ships with the tool: its statuses are trusted)."""

    path: Path
    trusted: bool = False

    @classmethod
    def of(cls, file: Path | None, sample: str | None) -> ImportSource:
        """The file given, or the sample named: exactly one of them."""
        if (file is None) == (sample is None):
            raise InvalidValueError("give a FILE to import or --sample hanoi (one of them)")
        if file is not None:
            return cls(file)
        if sample not in SAMPLES:  # a name, never a path: a front end may pass what a person typed
            raise InvalidValueError(f"--sample {sample!r}: the bundled samples are {', '.join(SAMPLES)}")
        from readiness.resources import bundled

        return cls(bundled("evidence") / f"{sample}.yaml", trusted=True)


@dataclass(frozen=True)
class NewCity:
    """A city the import creates, checked as ``city add`` and ``city set`` check it."""

    name: str
    country: str
    code: str | None
    profile: dict[str, Any]


@dataclass(frozen=True)
class NewUnit:
    """A unit the import adds, checked as ``unit add`` checks it."""

    name: str
    kind: str
    parent: str | None = None


@dataclass
class PlannedRecord:
    """A checked record, ready to write: the record as read, its fields, links and values checked."""

    record: IncomingRecord
    fields: dict[str, Any]
    links: list[IncomingLink]
    indicators: list[dict[str, Any]]


@dataclass(frozen=True)
class DuplicateRecord:
    """A row skipped as a copy: of a record already in the workspace (``same_as`` is its id), or of
    an earlier row of the file (``same_as`` is "row N")."""

    where: Where
    same_as: str
    in_workspace: bool


@dataclass
class ImportPlan:
    """A checked import, ready to run: what will be added, left alone or created."""

    source: Path
    city_name: str
    create_city: NewCity | None
    units: list[NewUnit]
    records: list[PlannedRecord]
    unchanged: list[str]
    audit: list[dict[str, Any]]
    files: int
    bytes: int
    encoding: str | None = None
    reviewed_here: bool = False  # statuses and history kept: exported from this workspace (or the bundled samples)
    not_reviewed: list[str] = field(default_factory=list)  # records verified elsewhere, coming in as submitted
    duplicates: list[DuplicateRecord] = field(default_factory=list)  # rows skipped as copies
    warnings: list[str] = field(default_factory=list)
    #: under --renumber, each incoming id and the id it should get (the write allocates the real one)
    renumbered: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Options:
    city: str | None
    encoding: str | None
    max_size: int
    today: dt.date | None
    trusted: bool
    strict: bool
    allow_duplicates: bool
    renumber: bool


def plan_import(ws: Workspace, actor: Actor, source: Path, catalogue: Catalogue, *, city: str | None = None,
                encoding: str | None = None, max_size: int = DEFAULT_MAX_SIZE,
                today: dt.date | None = None, trusted: bool = False, strict: bool = False,
                allow_duplicates: bool = False, renumber: bool = False) -> ImportPlan:
    """Read and check an import file completely; raise ProblemsError listing every problem.

    ``actor`` is who imports: the use case (``imports.import_evidence``) has checked their rights
    before, and the write names them (see ``write.run_import``).

    ``trusted``: the caller vouches for the file's statuses and history (the bundled samples,
    which ship with the tool, see ``ImportSource``); otherwise only an export of this workspace
    keeps them.

    Rows that copy a record already in the city, or an earlier row of the file (same unit,
    kind, title folded, start and end), are skipped and listed in ``duplicates`` unless
    ``allow_duplicates``. ``strict`` refuses spreadsheet columns it does not know (otherwise
    they are left out with a warning). ``renumber`` gives every record that carries an id a
    new one from the city's counter, so a ward's export goes into a workspace whose ids it
    would clash with; each record's audit event keeps its old id.
    """
    opts = _Options(city, encoding, max_size, today, trusted, strict, allow_duplicates, renumber)
    with opened(source) as archive:
        return _plan(ws, source, archive, catalogue, opts)


def _plan(ws: Workspace, source: Path, archive: zipfile.ZipFile | None, catalogue: Catalogue,
          opts: _Options) -> ImportPlan:
    found = Collector()
    incoming = read_source(source, archive, found, encoding=opts.encoding, strict=opts.strict)
    if not incoming.city.get("name") and not opts.city:
        raise ProblemsError(found.problems + [Problem(str(source), 0, "city",
                                                      "which city? give --city NAME (or a city column)")])
    with ws.session() as session:
        planner = _Planner(session, source, archive, catalogue, opts, incoming, found)
        for rec in incoming.records:
            planner.check(rec)
    _check_audit(incoming.audit, str(source), found)
    if found.problems:
        raise ProblemsError(found.problems)
    return planner.plan()


class _Planner:
    """The checks of one import, in the session that reads the workspace: the city and its
    units first, then each record in turn (``check``), then the plan."""

    def __init__(self, session: Session, source: Path, archive: zipfile.ZipFile | None, catalogue: Catalogue,
                 opts: _Options, incoming: Incoming, found: Collector) -> None:
        self.session, self.source, self.archive, self.catalogue = session, source, archive, catalogue
        self.opts, self.incoming, self.found = opts, incoming, found
        self.city_info = incoming.city
        self.reviewed_here = opts.trusted or (incoming.digest is not None and _exported_here(session, incoming.digest))
        self.city = self._find_city()
        existing = ({fold(u.name): u for u in session.exec(select(Unit).where(Unit.city_id == self.city.id))}
                    if self.city else {})
        self.create_city = self._new_city() if self.city is None else None
        self.city_code = self._city_code()
        self.new_units = _check_units(incoming.units, existing, incoming.doc, incoming.shown, found)
        self.unit_names = set(existing) | {fold(u.name) for u in self.new_units}
        self.copies = _Copies()
        if self.city is not None and not opts.allow_duplicates:
            self.copies.index(session, self.city, existing)
        self.next_new = ev.next_number(session, self.city) if self.city is not None else 1
        self.numbers_in_file: dict[int, Where] = {}
        self.planned: list[PlannedRecord] = []
        self.unchanged: list[str] = []
        self.not_reviewed: list[str] = []
        self.duplicates: list[DuplicateRecord] = []
        self.renumbered: dict[str, str] = {}
        self.files = 0
        self.bytes = 0

    # The city and its units

    def _find_city(self) -> City | None:
        """The workspace's city the import is for ("--city HN" or "TP. Hà Nội": by code or name), if any."""
        info, wanted_opt = self.city_info, self.opts.city
        try:
            city: City | None = find_city(self.session, wanted_opt or info["name"])
        except NotFoundError:
            city = None
        if wanted_opt:
            wanted = city.name if city else wanted_opt
            if info.get("name") and city_key(info["name"]) != city_key(wanted):
                self.found.add(Where(str(self.source), 0), "city",
                               f"the file is for {info['name']!r}, not {wanted_opt!r}")
            info.setdefault("name", wanted)
        return city

    def _new_city(self) -> NewCity:
        """The city the file creates; without a country it cannot, and the import stops here."""
        info = self.city_info
        if not info.get("country"):
            raise ProblemsError(self.found.problems + [Problem(
                str(self.source), 0, "city", f"no city {info['name']!r} in the workspace; add it first with "
                f"`readiness city add {info['name']!r} --country VN`")])
        profile = _check_city(info, self.incoming.doc, self.incoming.shown, self.found, self.opts.today)
        return NewCity(info["name"], info["country"], info.get("code"), profile)

    def _city_code(self) -> str | None:
        if self.city is None:
            return str(self.city_info.get("code") or "").upper() or None
        self.city_info["name"] = self.city.name  # as the workspace spells it, in messages too
        return self.city.code

    # Each record

    def check(self, rec: IncomingRecord) -> None:
        """Check one record; plan it, or count it as unchanged or as a copy."""
        fields = self._fields(rec)
        links = self._links(rec)
        indicators = self._indicators(rec)
        self._times(rec)
        number = self._number(rec)
        if self._unchanged(rec, number, fields, links):
            return
        same = self.copies.same_as(rec, fields) if not self.opts.allow_duplicates else None
        if same is not None:
            self.duplicates.append(same)
            return
        _check_names(rec, self.found)
        _review_rules(rec, fields, self.found, sheet=self.incoming.doc is None, reviewed_here=self.reviewed_here,
                      source=self.source, not_reviewed=self.not_reviewed)
        number = self._renumber(rec, number)
        self._check_files(rec)
        rec.code = ev.format_code(self.city_code or "X", number) if number is not None else None
        self.planned.append(PlannedRecord(rec, fields, links, indicators))

    def _fields(self, rec: IncomingRecord) -> dict[str, Any]:
        fields, problems = ev.check_fields(rec.fields, required=True, today=self.opts.today)
        for p in problems:
            self.found.add(rec.where, p.field, p.message)
        if fields.get("unit") and fold(fields["unit"]) not in self.unit_names:
            self.found.add(rec.where, "unit", f"no unit {fields['unit']!r} in {self.city_info['name']}; add it with "
                           "`readiness unit add` (or list it under units:)")
        return fields

    def _links(self, rec: IncomingRecord) -> list[IncomingLink]:
        links = []
        for link in rec.links:
            try:
                links.append(IncomingLink(ev.check_link(link.criterion, self.catalogue),
                                          ev.check_rationale(link.rationale)))
            except InvalidValueError as exc:
                self.found.add(rec.where, "criteria", str(exc).removeprefix("criteria: "))
        return links

    def _indicators(self, rec: IncomingRecord) -> list[dict[str, Any]]:
        indicators = []
        for value in rec.indicators:
            try:
                indicators.append(ev.check_indicator(value, self.catalogue, self.opts.today or dt.date.today()))
            except InvalidValueError as exc:
                self.found.add(rec.where, "indicators", str(exc).removeprefix("indicators: "))
        return indicators

    def _times(self, rec: IncomingRecord) -> None:
        """The record's history times (an export's), as dates and times."""
        for key in ("status_at", "created_at", "updated_at"):
            if rec.meta.get(key) is not None:
                try:
                    rec.meta[key] = timestamp(rec.meta[key])
                except ValueError:
                    self.found.add(rec.where, key, f"{rec.meta[key]!r} is not a date and time (ISO 8601)")

    def _number(self, rec: IncomingRecord) -> int | None:
        """The number of the id the record carries: of this city's code, and used once in the file."""
        if not rec.code:
            return None
        try:
            code_city, number = ev.parse_code(rec.code, limit=ev.MAX_NUMBER)
        except InvalidValueError as exc:
            self.found.add(rec.where, "id", str(exc).removeprefix("evidence id "))
            return None
        if self.city_code and code_city != self.city_code and not self.opts.renumber:
            self.found.add(rec.where, "id", f"{rec.code} has city code {code_city}, but {self.city_info['name']}'s "
                           f"is {self.city_code}; --renumber gives the file's records new ids")
        elif number in self.numbers_in_file:
            other = self.numbers_in_file[number]
            self.found.add(rec.where, "id", f"{rec.code} is also used at {other.file}:{other.line}")
        self.numbers_in_file[number] = rec.where
        return number

    def _unchanged(self, rec: IncomingRecord, number: int | None, fields: dict[str, Any],
                   links: list[IncomingLink]) -> bool:
        """Whether the record's id is already here with the same content (a re-import: left alone).
        An id here with other content, or one given once and removed, is a problem."""
        if number is None or self.city is None:
            return False
        code = ev.format_code(self.city.code, number)
        existing = self.session.exec(select(Evidence).where(Evidence.code == code)).first()
        if existing is None:
            if number < (self.city.next_number or 1) and not self.opts.renumber and not self.reviewed_here:
                # The counter only goes up: a lower number with no record was given once and removed.
                # Only this workspace's own export (a restore) may bring that same record back.
                self.found.add(rec.where, "id", f"{code} was given to a record that has been removed, and ids are "
                               f"never reused (see `readiness log {code}`); import with --renumber to give the "
                               "file's records new ids")
            return False
        current = ev.view_of(self.session, existing).as_json()
        if any(_same(current, {**fields, **({"status": s} if s else {})}, links, rec)
               for s in (None, *_statuses_here(fields.get("status"), self.reviewed_here))):
            self.unchanged.append(existing.code)
            return True
        if not self.opts.renumber:
            self.found.add(rec.where, "id", f"{existing.code} is already in the workspace with other content; "
                           "import with --renumber to give the file's records new ids, or leave the id out to "
                           "add it as a new record")
        return False

    def _renumber(self, rec: IncomingRecord, number: int | None) -> int | None:
        """Under --renumber no record keeps its number: note the id each will get, in file order."""
        if not self.opts.renumber:
            return number
        if rec.code:
            rec.meta["old_id"] = rec.code
        if rec.meta.get("old_id"):
            self.renumbered[rec.meta["old_id"]] = ev.format_code(self.city_code or "X", self.next_new)
        self.next_new += 1
        return None

    def _check_files(self, rec: IncomingRecord) -> None:
        for f in rec.files:
            if f.added_at is not None:
                try:
                    f.added_at = timestamp(f.added_at)
                except ValueError:
                    self.found.add(rec.where, "attachments",
                                   f"added_at {f.added_at!r} is not a date and time (ISO 8601)")
            problem = _check_file(f, self.source, self.archive, self.opts.max_size)
            if problem:
                self.found.add(rec.where, "files", problem)
            else:
                self.files += 1
                self.bytes += file_size(f, self.source, self.archive)

    def plan(self) -> ImportPlan:
        audit = self.incoming.audit
        if self.create_city is not None and not self.reviewed_here:  # another workspace's history: said to be imported
            audit = [{**e, "action": _imported(str(e["action"]))} for e in audit]
        return ImportPlan(self.source, self.city_info["name"], self.create_city, self.new_units, self.planned,
                          self.unchanged, audit if self.create_city is not None else [], self.files, self.bytes,
                          self.incoming.encoding, reviewed_here=self.reviewed_here, not_reviewed=self.not_reviewed,
                          duplicates=self.duplicates, warnings=self.found.warnings, renumbered=self.renumbered)


@dataclass(frozen=True)
class _Seen:
    titles: set[str]
    name: str  # the record's id, or "row N" of the file


class _Copies:
    """Records by content (``_content_key`` and titles): what the city holds, then what the file holds."""

    def __init__(self) -> None:
        self.in_workspace: dict[tuple[str, str, str, str], list[_Seen]] = {}
        self.in_file: dict[tuple[str, str, str, str], list[_Seen]] = {}

    def index(self, session: Session, city: City, units: Mapping[str, Unit]) -> None:
        unit_keys = {u.id: key for key, u in units.items()}
        for row in session.exec(select(Evidence).where(Evidence.city_id == city.id)):
            key = _content_key({"unit": unit_keys.get(row.unit_id, ""), "kind": row.kind,
                                "start": row.start, "end": row.end})
            self.in_workspace.setdefault(key, []).append(_Seen(_titles(row.title), row.code))

    def same_as(self, rec: IncomingRecord, fields: Mapping[str, Any]) -> DuplicateRecord | None:
        """The record or earlier row this one copies; None (and remembered) if it is new."""
        titles = _titles(fields.get("title"))
        if not titles or not fields.get("kind"):
            return None
        key = _content_key(fields)
        same = next((seen.name for seen in self.in_workspace.get(key, []) if seen.titles & titles), None)
        if same is not None:
            return DuplicateRecord(rec.where, same, in_workspace=True)
        if not rec.code:  # rows with ids are meant apart; id-less copies are not
            same = next((seen.name for seen in self.in_file.get(key, []) if seen.titles & titles), None)
            if same is not None:
                return DuplicateRecord(rec.where, same, in_workspace=False)
        self.in_file.setdefault(key, []).append(_Seen(titles, f"row {rec.where.line}"))
        return None


def _content_key(fields: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """What makes two records the same for re-import: unit, kind and dates (the title apart)."""
    def iso(value: Any) -> str:
        return value.iso() if hasattr(value, "iso") else str(value or "")
    return (fold(str(fields.get("unit") or "")), str(fields.get("kind") or ""), iso(fields.get("start")),
            iso(fields.get("end")))


def _titles(title: Mapping[str, str] | None) -> set[str]:
    return {fold(t) for t in (title or {}).values() if fold(t)}


def _check_audit(audit: list[Any], shown: str, found: Collector) -> None:
    """The history a file brings: each event complete, its time a time, its names one line."""
    from readiness.cities import _name

    for i, event in enumerate(audit):
        if not isinstance(event, Mapping) or not event.get("action") or not event.get("entity"):
            found.add(Where(shown, 0), f"audit[{i}]",
                      "each event needs at, actor, action and entity (as export writes them)")
            continue
        try:
            timestamp(event.get("at"))
        except (TypeError, ValueError):
            found.add(Where(shown, 0), f"audit[{i}].at", f"{event.get('at')!r} is not a date and time (ISO 8601)")
        for key in ("actor", "action"):  # shown by `readiness log`: one line, bounded, like any name
            try:
                _name(str(event.get(key) or "?"), key)
            except InvalidValueError as exc:
                found.add(Where(shown, 0), f"audit[{i}].{key}", str(exc))


def _check_units(units: Any, existing: Mapping[str, Unit], doc: Any, shown: str, found: Collector) -> list[NewUnit]:
    """The units a YAML adds, each checked as `unit add` checks it: name, kind, parent."""
    from readiness.cities import _name
    from readiness.yamlfile import line_of

    if not isinstance(units, list):
        found.add(Where(shown, line_of(doc, ("units",))), "units", "give the units as a list of {name: ..., kind: ...}")
        return []
    new: list[NewUnit] = []
    seen: dict[tuple[str, str], int] = {}  # (name, parent), folded -> the line it was first listed on
    for i, u in enumerate(units):
        where = Where(shown, line_of(doc, ("units", i)))
        if not isinstance(u, Mapping) or not u.get("name") or not u.get("kind"):
            found.add(where, f"units[{i}]", "each unit needs name and kind")
            continue
        try:
            name = _name(str(u["name"]), "unit")
            kind = check_unit_kind(str(u["kind"]), name)  # ward or phường, quận, thị xã...
            parent = _name(str(u["parent"]), "parent unit") if u.get("parent") else None
        except InvalidValueError as exc:
            found.add(where, f"units[{i}]", str(exc))
            continue
        key = (fold(name), fold(parent or ""))
        if key in seen:
            found.add(where, f"units[{i}]",
                      f"{name!r} is listed twice (first on line {seen[key]}); list each unit once")
            continue
        seen[key] = where.line
        if fold(name) not in existing:
            new.append(NewUnit(name, kind, parent))
    return new


def _check_names(rec: IncomingRecord, found: Collector) -> None:
    """Attachment names as `evidence attach` checks them (255 bytes, one line); the people a file
    names (who entered, reviewed or attached) as `city add` checks a name (200 characters, one line)."""
    from readiness.cities import _name
    from readiness.store.files import check_attachment_name

    for f in rec.files:
        try:
            f.name = check_attachment_name(f.name)
        except InvalidValueError as exc:
            found.add(rec.where, "files", str(exc))
        if f.added_by is not None:
            try:
                f.added_by = _name(str(f.added_by), "added_by")
            except InvalidValueError as exc:
                found.add(rec.where, "attachments", str(exc))
    for key in ("created_by", "status_by"):
        if rec.meta.get(key):
            try:
                rec.meta[key] = _name(str(rec.meta[key]), key)
            except InvalidValueError as exc:
                found.add(rec.where, key, str(exc))


def _exported_here(session: Session, digest: str) -> bool:
    """Whether this workspace's audit log holds an export with this digest (the file is a restore)."""
    events = session.exec(select(AuditEvent).where(AuditEvent.action == EXPORT_ACTION))
    return any((e.after or {}).get("digest") == digest for e in events)


def _imported(action: str) -> str:
    return action if action.startswith(IMPORTED_PREFIX) else IMPORTED_PREFIX + action


def _statuses_here(status: str | None, reviewed_here: bool) -> tuple[str, ...]:
    """What a record's status becomes here, when that differs from what the file says."""
    return ("submitted",) if status == "verified" and not reviewed_here else ()


def _review_rules(rec: IncomingRecord, fields: dict[str, Any], found: Collector, *, sheet: bool,
                  reviewed_here: bool, source: Path, not_reviewed: list[str]) -> None:
    """Statuses only a reviewer of this workspace sets: refused in a spreadsheet, kept from this
    workspace's own exports, otherwise turned into a note saying where the decision was made."""
    status = fields.get("status")
    if sheet:
        if status in DECISIONS:
            command = {"verified": "verify", "rejected": "reject"}[status]
            found.add(rec.where, "status", f"{status!r} is a reviewer's decision, which a spreadsheet cannot bring: "
                      f"give draft or submitted, and a reviewer decides with `readiness evidence {command}`")
        return
    reason = rec.meta.get("status_reason")
    if reason is not None:
        try:
            reason = ev.check_rationale(str(reason)) if reason != "" else None
        except InvalidValueError as exc:
            found.add(rec.where, "status_reason", str(exc).removeprefix("rationale: "))
            reason = None
    if reviewed_here:
        if status == "rejected" and not reason:
            found.add(rec.where, "status_reason", "a rejected record needs the reason it was rejected")
        rec.meta["status_reason"] = reason
        return
    by, at = rec.meta.pop("status_by", None), rec.meta.pop("status_at", None)
    if status in DECISIONS:
        note = (f"{status} in the exporting workspace" + (f" by {by}" if by else "")
                + (f" on {at:%Y-%m-%d}" if isinstance(at, dt.datetime) else "") + f" ({source.name}), not reviewed here"
                + (f": {reason}" if reason else ""))
        rec.meta["status_reason"] = note
        if status == "verified":
            fields["status"] = "submitted"
            not_reviewed.append(rec.code or f"{rec.where.file}:{rec.where.line}")
    else:
        rec.meta["status_reason"] = reason


def _check_city(city_info: dict[str, Any], doc: Any, shown: str, found: Collector,
                today: dt.date | None) -> dict[str, Any]:
    """A city the file creates: name, country, code and profile checked as `city add` and `city set` do."""
    from readiness.cities import _code, _country, _name
    from readiness.profile import check_profile
    from readiness.yamlfile import line_of

    for key, check in (("name", lambda v: _name(v, "city")), ("country", _country), ("code", _code)):
        if city_info.get(key) is not None:
            try:
                check(str(city_info[key]))
            except InvalidValueError as exc:
                found.add(Where(shown, line_of(doc, ("city", key))), f"city.{key}", str(exc))
    profile, problems = check_profile(city_info.get("profile"), today=today)
    for path, message in problems:
        found.add(Where(shown, line_of(doc, ("city", "profile", *path))), ".".join(("profile", *path)),
                  message.removeprefix(f"{path[0]}: ") if path else message)
    return profile


def _same(current: dict[str, Any], fields: dict[str, Any], links: list[IncomingLink], rec: IncomingRecord) -> bool:
    """Whether an incoming record is what the workspace already holds (a re-import)."""
    for name, value in fields.items():
        have = current.get(name)
        if hasattr(value, "iso"):
            value = value.iso()
        if (value or None) != (have or None):
            return False
    have_links = [(lk["criterion"], lk["rationale"]) for lk in current["links"]]
    if [(lk.criterion, lk.rationale) for lk in sorted(links, key=lambda lk: lk.criterion)] != have_links:
        return False
    wanted = {f.sha256 for f in rec.files if f.sha256}
    return wanted <= {a["sha256"] for a in current["attachments"]} and len(rec.files) == len(current["attachments"])


def _check_file(f: IncomingFile, source: Path, archive: zipfile.ZipFile | None, max_size: int) -> str | None:
    """What is wrong with a file a record attaches (in the zip, or beside the import file), if anything."""
    if archive is not None:
        return _check_member(f, archive, max_size)
    import stat

    try:
        info = os.lstat(f.on_disk(source))
    except InvalidValueError as exc:
        return str(exc)
    except FileNotFoundError:
        return f"{f.source}: no such file beside {source.name}"
    except OSError as exc:
        return f"{f.source}: cannot be read: {exc.strerror}"
    if stat.S_ISLNK(info.st_mode):
        return f"{f.source}: is a symbolic link; put the real file there"
    if not stat.S_ISREG(info.st_mode):
        return f"{f.source}: is not a regular file"
    if info.st_size > max_size:
        return (f"{f.source}: {human_size(info.st_size)} is over the limit of {human_size(max_size)}; "
                "raise it with --max-size")
    if info.st_size == 0:
        return empty_file(f.source)
    return None


def _check_member(f: IncomingFile, archive: zipfile.ZipFile, max_size: int) -> str | None:
    try:
        info = archive.getinfo(f.source)
    except KeyError:
        return f"{f.source}: not in the zip"
    if info.file_size > max_size:
        return f"{f.source}: {human_size(info.file_size)} is over the limit of {human_size(max_size)}"
    if info.file_size == 0:
        return empty_file(f.source)
    return None
