"""Import and export of evidence: the project's YAML, CSV and XLSX spreadsheets, zip archives.

Import is all or nothing. ``plan_import`` reads the file and checks every record, collecting
every problem as ``file:row: column: message``; only when there are none does ``run_import``
copy the attached files into the store and then write every record, link, value and audit
event in one transaction. A process killed at any point leaves the workspace as it was, plus at
most unreferenced files in the store (``readiness verify --prune`` clears them).

Export writes one zip: ``evidence.yaml`` (the city, its units, every record with its links,
values and attachment hashes, and the city's audit history) and ``files/<sha256>``, and logs a
``city.export`` event holding the SHA-256 of that ``evidence.yaml`` (the digest; it covers every
file, whose hashes the YAML lists).

Review decisions come in only from where they were made. A spreadsheet brings draft or
submitted records only. A YAML or zip whose digest this workspace's audit log holds (it was
exported here: a restore) keeps its statuses and history as they are. From anywhere else a
verified record comes in as submitted and a rejected one stays rejected, each with the
decision kept as a note ("verified in the exporting workspace by X on DATE (FILE), not
reviewed here: its reason") and no reviewer of this workspace named; the file's history is kept with each
action prefixed ``imported:``. Records, ids, links, hashes and files come back the same either way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml
from sqlmodel import Session, col, select

from readiness import evidence as ev
from readiness.cities import add_city_in, check_unit_kind, city_key, find_city, record
from readiness.errors import InvalidValueError, NotFoundError, Problem, ProblemsError
from readiness.store.check import workspace_store
from readiness.store.db import Workspace
from readiness.store.files import DEFAULT_MAX_SIZE, Batch, FileStore, StoredFile, empty_file, human_size
from readiness.store.models import AuditEvent, City, Evidence, EvidenceLink, IndicatorValue, Unit, utcnow
from readiness.text import clean, fold

if TYPE_CHECKING:
    from readiness.frameworks.catalogue import Catalogue

FORMAT = "readiness-evidence/1"
EXPORT_ACTION = "city.export"  # the audit event an export leaves, with the digest of its evidence.yaml
IMPORTED_PREFIX = "imported:"  # on the actions of a history that came from another workspace
DECISIONS = ("verified", "rejected")  # statuses only a reviewer sets (``evidence verify`` / ``reject``)
YAML_NAME = "evidence.yaml"
MAX_YAML_BYTES = 50 * 1000 * 1000

#: Spreadsheet columns: the canonical name, then what officials write (compared folded, so
#: "Tiêu đề", "tieu de" and "TIEU_DE" are the same column).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ma", "mã minh chứng", "so hieu"),
    "city": ("city", "thành phố", "tỉnh/thành phố"),
    "unit": ("unit", "đơn vị"),
    "kind": ("kind", "type", "loại", "loại minh chứng", "loại hình", "phân loại"),
    "title": ("title", "tiêu đề", "tên", "tên minh chứng", "tên văn bản", "tên hoạt động"),
    "title_vi": ("title_vi", "title (vi)", "tiêu đề (vi)", "tiêu đề tiếng việt"),
    "title_en": ("title_en", "title (en)", "tiêu đề (en)", "tiêu đề tiếng anh"),
    "summary": ("summary", "tóm tắt", "mô tả", "nội dung", "trích yếu"),
    "summary_vi": ("summary_vi", "summary (vi)", "tóm tắt (vi)", "tóm tắt tiếng việt"),
    "summary_en": ("summary_en", "summary (en)", "tóm tắt (en)", "tóm tắt tiếng anh"),
    "organiser": ("organiser", "organizer", "đơn vị tổ chức", "tổ chức"),
    "organiser_vi": ("organiser_vi", "organizer_vi", "đơn vị tổ chức (vi)"),
    "organiser_en": ("organiser_en", "organizer_en", "đơn vị tổ chức (en)"),
    "start": ("start", "date", "start date", "ngày", "từ ngày", "ngày bắt đầu", "thời gian", "ngày ban hành",
              "ngày tổ chức"),
    "end": ("end", "end date", "đến ngày", "ngày kết thúc"),
    "valid_until": ("valid_until", "valid until", "hiệu lực đến", "hạn hiệu lực"),
    "source_url": ("source_url", "source", "url", "nguồn", "đường dẫn", "link", "liên kết"),
    "language": ("language", "ngôn ngữ"),
    "owner": ("owner", "người phụ trách", "phụ trách"),
    "tags": ("tags", "nhãn", "từ khóa"),
    "status": ("status", "trạng thái"),
    "criteria": ("criteria", "criterion", "tiêu chí"),
    "files": ("files", "file", "attachments", "tệp", "tệp đính kèm", "đính kèm"),
}
_COLUMN_KEYS = {fold(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


# ---------------------------------------------------------------------------------------------
# What an import file holds, before it is checked


@dataclass
class IncomingFile:
    source: str  # a path on disk, or a member of the zip being imported
    name: str
    sha256: str | None = None
    in_zip: bool = False
    added_at: Any = None  # kept from an export, so a round trip gives the same record
    added_by: str | None = None


@dataclass
class IncomingRecord:
    where: tuple[str, int]  # file and line (YAML) or row (spreadsheet)
    code: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    links: list[tuple[str, str | None]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    files: list[IncomingFile] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # status_by/at/reason, created_*, updated_at


@dataclass
class ImportPlan:
    """A checked import, ready to run: what will be added, left alone or created."""

    source: Path
    city_name: str
    create_city: dict[str, Any] | None
    units: list[dict[str, Any]]
    records: list[tuple[IncomingRecord, dict[str, Any], list[tuple[str, str | None]], list[dict[str, Any]]]]
    unchanged: list[str]
    audit: list[dict[str, Any]]
    files: int
    bytes: int
    encoding: str | None = None
    reviewed_here: bool = False  # statuses and history kept: exported from this workspace (or the bundled samples)
    not_reviewed: list[str] = field(default_factory=list)  # records verified elsewhere, coming in as submitted
    #: rows skipped as copies: (where, the id of the record already there, or the file row it repeats)
    duplicates: list[tuple[tuple[str, int], str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: under --renumber, each incoming id and the id it should get (the write allocates the real one)
    renumbered: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "statuses_kept": self.reviewed_here,
            "not_reviewed_here": self.not_reviewed,
            "city": self.city_name,
            "new_city": self.create_city is not None,
            "new_units": len(self.units),
            "records": len(self.records),
            "unchanged": len(self.unchanged),
            "duplicates": [{"row": where[1], "same_as": same} for where, same in self.duplicates],
            "renumbered": {old: new for old, new in self.renumbered.items() if old != new},
            "warnings": list(self.warnings),
            "files": self.files,
            "bytes": self.bytes,
            "encoding": self.encoding,
        }


@dataclass
class ImportResult:
    plan: ImportPlan
    codes: list[str]
    files_stored: int

    def summary(self) -> dict[str, Any]:
        renumbered = {rec.meta["old_id"]: code for (rec, *_), code in zip(self.plan.records, self.codes, strict=True)
                      if rec.meta.get("old_id") and rec.meta["old_id"] != code}  # only the ids that changed
        return {**self.plan.summary(), "added": self.codes, "files_stored": self.files_stored,
                "renumbered": renumbered}


#: progress(what, done, total): called as work advances, for a progress bar.
Progress = Callable[[str, int, int], None]


# ---------------------------------------------------------------------------------------------
# Reading each format


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[str] = []  # what was left out or assumed; the import goes ahead

    def add(self, where: tuple[str, int], column: str, message: str) -> None:
        self.problems.append(Problem(where[0], where[1], column, message))


def _read_yaml_document(data: bytes, shown: str) -> Any:
    from readiness.yamlfile import YAMLSyntaxError, load

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemsError([Problem(shown, 0, "", f"not UTF-8 (byte {exc.start:,}); save it as UTF-8")]) from None
    try:
        document = load(text)
    except YAMLSyntaxError as exc:
        raise ProblemsError([Problem(shown, exc.line, "", exc.message)]) from None
    if document.duplicates:
        raise ProblemsError([Problem(shown, d.line, d.key, f"given twice (first on line {d.first_line})")
                             for d in document.duplicates])
    return document.data


def _read_yaml_file(source: Path, shown: str) -> tuple[str, Any]:
    """An import YAML file's SHA-256 and its document, parsed (run bounded, see ``bounded.run``)."""
    data = source.read_bytes()
    return hashlib.sha256(data).hexdigest(), _read_yaml_document(data, shown)


def _read_zipped_yaml(source: Path, shown: str) -> tuple[str, Any]:
    """An export zip's evidence.yaml, inflated in chunks up to MAX_YAML_BYTES whatever its
    header declares: its SHA-256 and its document, parsed (run bounded, see ``bounded.run``)."""
    from readiness.bounded import read_member

    with zipfile.ZipFile(source) as archive:
        try:
            data = read_member(archive, YAML_NAME, MAX_YAML_BYTES, shown)
        except InvalidValueError as exc:
            raise ProblemsError([Problem(shown, 0, "", str(exc).removeprefix(f"{shown}: "))]) from None
    return hashlib.sha256(data).hexdigest(), _read_yaml_document(data, shown)


def _yaml_records(doc: Any, shown: str, found: _Collector) -> tuple[dict[str, Any], list[dict], list[IncomingRecord], list[dict]]:
    from readiness.yamlfile import line_of

    if not isinstance(doc, Mapping) or "records" not in doc:
        raise ProblemsError([Problem(shown, 1, "", f"not a readiness evidence file: expected `format: {FORMAT}`, `city:` and `records:`")])
    fmt = doc.get("format")
    if fmt not in (None, FORMAT):
        found.add((shown, line_of(doc, ("format",))), "format", f"{fmt!r} is not {FORMAT}; this readiness cannot read it")
    unknown = set(doc) - {"format", "city", "units", "records", "audit", "exported_at", "exported_by"}
    for key in sorted(unknown):
        found.add((shown, line_of(doc, (key,))), key, "unknown key; expected format, city, units, records, audit")
    city = doc.get("city") or {}
    if isinstance(city, str):
        city = {"name": city}
    if not isinstance(city, Mapping):
        found.add((shown, line_of(doc, ("city",))), "city", "give the city as {name: ..., country: VN, code: HN}")
        city = {}
    units = doc.get("units") or []
    records: list[IncomingRecord] = []
    raw_records = doc.get("records") or []
    if not isinstance(raw_records, list):
        raise ProblemsError([Problem(shown, line_of(doc, ("records",)), "records", "must be a list of records")])
    for i, raw in enumerate(raw_records):
        where = (shown, line_of(doc, ("records", i)))
        if not isinstance(raw, Mapping):
            found.add(where, f"records[{i}]", "a record must be a mapping of fields")
            continue
        rec = IncomingRecord(where)
        for key, value in raw.items():
            if key == "id":
                rec.code = str(value)
            elif key in ev.FIELDS:
                rec.fields[key] = value
            elif key == "links":
                for j, link in enumerate(value or []):
                    if isinstance(link, Mapping) and "criterion" in link:
                        rec.links.append((str(link["criterion"]), link.get("rationale")))
                    elif isinstance(link, str):
                        rec.links.append((link, None))
                    else:
                        found.add((shown, line_of(doc, ("records", i, "links", j))), "links", "each link needs criterion (and rationale)")
            elif key == "indicators":
                rec.indicators = list(value or [])
            elif key == "attachments":
                for j, att in enumerate(value or []):
                    spot = (shown, line_of(doc, ("records", i, "attachments", j)))
                    if isinstance(att, str):
                        att = {"file": att}
                    if not isinstance(att, Mapping) or not att.get("file"):
                        found.add(spot, "attachments", "each attachment needs file: (a path relative to this file)")
                        continue
                    if att.get("sha256") is not None and not re.fullmatch(r"[0-9a-f]{64}", str(att["sha256"])):
                        found.add(spot, "attachments", f"sha256 {att['sha256']!r} is not a SHA-256 (64 hex digits); quote it")
                        continue
                    rec.files.append(IncomingFile(str(att["file"]), str(att.get("name") or PurePosixPath(str(att["file"])).name),
                                                  str(att["sha256"]) if att.get("sha256") else None,
                                                  added_at=att.get("added_at"), added_by=att.get("added_by")))
            elif key in ("status_by", "status_at", "status_reason", "created_at", "created_by", "updated_at"):
                rec.meta[key] = value
            elif key == "city":
                if value and city_key(str(value)) != city_key(str(city.get("name", ""))):
                    found.add((shown, line_of(doc, ("records", i, key))), "city", f"{value!r} is not the file's city {city.get('name')!r}")
            else:
                found.add((shown, line_of(doc, ("records", i, key))), key, "unknown field")
        records.append(rec)
    audit = doc.get("audit") or []
    return dict(city), list(units), records, list(audit)


def _header_score(cells: list[str]) -> float:
    """1 for a row naming the columns kind and title (the header), less for fewer known names."""
    names = {_COLUMN_KEYS.get(fold(c)) for c in cells if c.strip()} - {None}
    if "kind" in names and names & {"title", "title_vi", "title_en"}:
        return 1.0
    return len(names) / (len(COLUMNS) + 1)


def _sheet_records(path: Path, encoding: str | None, found: _Collector,
                   strict: bool = False) -> tuple[list[IncomingRecord], str | None, str | None]:
    from readiness.bounded import run
    from readiness.transfer.sheets import read_sheet

    sheet = run(read_sheet, path, encoding, _header_score, file=path)  # untrusted: bounded time, memory, output
    shown = str(path)
    at = (shown, sheet.header_row)
    columns: dict[str, str] = {}
    unknown: list[str] = []
    for header in sheet.header:
        if not header:
            continue
        name = _COLUMN_KEYS.get(fold(header))
        if name is None and strict:
            found.add(at, header, f"unknown column; known: {', '.join(COLUMNS)} (or their Vietnamese names)")
        elif name is None:
            unknown.append(header)
        elif name in columns.values():
            found.add(at, header, f"a second {name} column")
        else:
            columns[header] = name
    if unknown:  # STT, Ghi chú and the like: ward sheets carry them; they hold nothing to import
        found.warnings.append(f"{shown}:{sheet.header_row}: column(s) left out, not known: {', '.join(unknown)} "
                              "(the known ones: README \"Import and export formats\"; --strict refuses them)")
    if "kind" not in columns.values() or not {"title", "title_vi", "title_en"} & set(columns.values()):
        found.add(at, "", "the header needs at least the columns kind and title (loại, tiêu đề)")
    records: list[IncomingRecord] = []
    cities: dict[str, str] = {}
    for number, cells in sheet.rows:
        rec = IncomingRecord((shown, number))
        values = {columns[h]: v.strip() for h, v in cells.items() if h in columns}
        lang = (values.get("language") or "vi").lower()
        for name in ev.TEXT_FIELDS:
            texts = {}
            if values.get(name):
                texts[lang if lang in ("vi", "en") else "vi"] = values[name]
            for code in ("vi", "en"):
                if values.get(f"{name}_{code}"):
                    texts[code] = values[f"{name}_{code}"]
            if texts or name == "title":
                rec.fields[name] = texts
        for name in ("kind", "unit", "start", "end", "valid_until", "source_url", "language", "owner", "tags", "status"):
            if values.get(name):
                rec.fields[name] = values[name]
        if values.get("id"):
            rec.code = values["id"]
        if values.get("city"):
            cities.setdefault(city_key(values["city"]), values["city"])  # "Hà Nội" and "TP. Ha Noi" are one city
            rec.meta["city"] = values["city"]
        for part in _split_cell(values.get("criteria", "")):
            ref, _, why = part.partition("(")
            rec.links.append((ref.strip(), why.rstrip(")").strip() or None))
        for part in _split_cell(values.get("files", "")):
            rec.files.append(IncomingFile(part, PurePosixPath(part.replace("\\", "/")).name))
        records.append(rec)
    city = next(iter(cities.values())) if len(cities) == 1 else None
    if len(cities) > 1:
        found.add(at, "city", f"rows name {len(cities)} cities ({', '.join(sorted(cities.values()))}); "
                              "import one city per file")
    return records, city, sheet.encoding


def _split_cell(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\n", ";").split(";") if p.strip()]


# ---------------------------------------------------------------------------------------------
# Planning: check everything, change nothing


@contextmanager
def _opened(source: Path) -> Iterator[zipfile.ZipFile | None]:
    if source.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(source) as archive:
                yield archive
        except zipfile.BadZipFile:
            raise ProblemsError([Problem(str(source), 0, "", "not a readable zip file; export it again")]) from None
    else:
        yield None


def plan_import(ws: Workspace, source: Path, catalogue: Catalogue, *, city: str | None = None,
                encoding: str | None = None, max_size: int = DEFAULT_MAX_SIZE,
                today: dt.date | None = None, trusted: bool = False, strict: bool = False,
                allow_duplicates: bool = False, renumber: bool = False) -> ImportPlan:
    """Read and check an import file completely; raise ProblemsError listing every problem.

    ``trusted``: the caller vouches for the file's statuses and history (the bundled samples,
    which ship with the tool); otherwise only an export of this workspace keeps them.

    Rows that copy a record already in the city, or an earlier row of the file (same unit,
    kind, title folded, start and end), are skipped and listed in ``duplicates`` unless
    ``allow_duplicates``. ``strict`` refuses spreadsheet columns it does not know (otherwise
    they are left out with a warning). ``renumber`` gives every record that carries an id a
    new one from the city's counter, so a ward's export goes into a workspace whose ids it
    would clash with; each record's audit event keeps its old id.
    """
    with _opened(source) as archive:
        return _plan(ws, source, archive, catalogue, city, encoding, max_size, today, trusted,
                     strict=strict, allow_duplicates=allow_duplicates, renumber=renumber)


def _content_key(fields: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """What makes two records the same for re-import: unit, kind and dates (the title apart)."""
    def iso(value: Any) -> str:
        return value.iso() if hasattr(value, "iso") else str(value or "")
    return (fold(str(fields.get("unit") or "")), str(fields.get("kind") or ""), iso(fields.get("start")),
            iso(fields.get("end")))


def _titles(title: Mapping[str, str] | None) -> set[str]:
    return {fold(t) for t in (title or {}).values() if fold(t)}


def _plan(ws: Workspace, source: Path, archive: zipfile.ZipFile | None, catalogue: Catalogue,
          city_opt: str | None, encoding: str | None, max_size: int, today: dt.date | None,
          trusted: bool = False, *, strict: bool = False, allow_duplicates: bool = False,
          renumber: bool = False) -> ImportPlan:
    from readiness.bounded import run

    shown = str(source)
    found = _Collector()
    city_info: dict[str, Any] = {}
    units: list[dict] = []
    audit: list[dict] = []
    used_encoding = None
    doc: Any = None  # the YAML document, for line numbers
    shown_yaml = shown
    digest: str | None = None  # SHA-256 of the YAML, looked up among this workspace's exports
    if archive is not None:
        try:
            info = archive.getinfo(YAML_NAME)
        except KeyError:
            raise ProblemsError([Problem(shown, 0, "", f"no {YAML_NAME} in the zip; is it a readiness export?")]) from None
        if info.file_size > MAX_YAML_BYTES:
            raise ProblemsError([Problem(shown, 0, "", f"{YAML_NAME} is larger than {human_size(MAX_YAML_BYTES)}")])
        shown_yaml = f"{shown}:{YAML_NAME}"
        digest, doc = run(_read_zipped_yaml, source, shown_yaml, file=shown_yaml)
        city_info, units, records, audit = _yaml_records(doc, shown_yaml, found)
        for rec in records:
            for f in rec.files:
                f.in_zip = True
    elif source.suffix.lower() in (".yaml", ".yml"):
        if not source.is_file():
            raise InvalidValueError(f"{source}: no such file")
        if source.stat().st_size > MAX_YAML_BYTES:
            raise InvalidValueError(f"{source}: larger than {human_size(MAX_YAML_BYTES)}; split it")
        digest, doc = run(_read_yaml_file, source, shown, file=source)
        city_info, units, records, audit = _yaml_records(doc, shown, found)
    else:
        if not source.is_file():
            raise InvalidValueError(f"{source}: no such file")
        records, sheet_city, used_encoding = _sheet_records(source, encoding, found, strict)
        if sheet_city:
            city_info = {"name": sheet_city}
    if not city_info.get("name") and not city_opt:
        raise ProblemsError(found.problems + [Problem(shown, 0, "city", "which city? give --city NAME (or a city column)")])

    with ws.session() as session:
        reviewed_here = trusted or (digest is not None and _exported_here(session, digest))
        not_reviewed: list[str] = []
        try:  # "--city HN" or "TP. Hà Nội" means the workspace's city of that code or name
            city_row: City | None = find_city(session, city_opt or city_info["name"])
        except NotFoundError:
            city_row = None
        if city_opt:
            wanted = city_row.name if city_row else city_opt
            if city_info.get("name") and city_key(city_info["name"]) != city_key(wanted):
                found.add((shown, 0), "city", f"the file is for {city_info['name']!r}, not {city_opt!r}")
            city_info.setdefault("name", wanted)
        existing_units = ({fold(u.name): u for u in session.exec(select(Unit).where(Unit.city_id == city_row.id))}
                          if city_row else {})
        create_city = None
        if city_row is None:
            if not city_info.get("country"):
                raise ProblemsError(found.problems + [Problem(
                    shown, 0, "city", f"no city {city_info['name']!r} in the workspace; add it first with "
                    f"`readiness city add {city_info['name']!r} --country VN`")])
            create_city = {"name": city_info["name"], "country": city_info["country"], "code": city_info.get("code"),
                           "profile": _check_city(city_info, doc, shown_yaml, found, today)}
            city_code = str(city_info.get("code") or "").upper() or None
        else:
            city_code = city_row.code
            city_info["name"] = city_row.name  # as the workspace spells it, in messages too

        new_units = _check_units(units, existing_units, doc, shown_yaml, found)
        unit_names = set(existing_units) | {fold(str(u["name"])) for u in new_units}

        numbers_in_file: dict[int, tuple[str, int]] = {}
        planned = []
        unchanged = []
        # Copies by content: what the city holds, then what the file holds, by _content_key.
        in_workspace: dict[tuple[str, str, str, str], list[tuple[set[str], str]]] = {}
        if city_row is not None and not allow_duplicates:
            unit_keys = {u.id: key for key, u in existing_units.items()}
            for row in session.exec(select(Evidence).where(Evidence.city_id == city_row.id)):
                key = _content_key({"unit": unit_keys.get(row.unit_id, ""), "kind": row.kind,
                                    "start": row.start, "end": row.end})
                in_workspace.setdefault(key, []).append((_titles(row.title), row.code))
        in_file: dict[tuple[str, str, str, str], list[tuple[set[str], str]]] = {}
        duplicates: list[tuple[tuple[str, int], str]] = []
        renumbered: dict[str, str] = {}
        next_new = ev.next_number(session, city_row) if city_row is not None else 1
        files = 0
        total_bytes = 0
        for rec in records:
            fields, problems = ev.check_fields(rec.fields, required=True, today=today)
            for p in problems:
                found.add(rec.where, p.field, p.message)
            if fields.get("unit") and fold(fields["unit"]) not in unit_names:
                found.add(rec.where, "unit", f"no unit {fields['unit']!r} in {city_info['name']}; add it with "
                          "`readiness unit add` (or list it under units:)")
            links = []
            for ref, why in rec.links:
                try:
                    links.append((ev.check_link(ref, catalogue), ev.check_rationale(why)))
                except InvalidValueError as exc:
                    found.add(rec.where, "criteria", str(exc).removeprefix("criteria: "))
            indicators = []
            for value in rec.indicators:
                try:
                    indicators.append(ev.check_indicator(value, catalogue, today or dt.date.today()))
                except InvalidValueError as exc:
                    found.add(rec.where, "indicators", str(exc).removeprefix("indicators: "))
            for key in ("status_at", "created_at", "updated_at"):
                if rec.meta.get(key) is not None:
                    try:
                        rec.meta[key] = _timestamp(rec.meta[key])
                    except ValueError:
                        found.add(rec.where, key, f"{rec.meta[key]!r} is not a date and time (ISO 8601)")
            number = None
            if rec.code:
                try:
                    code_city, number = ev.parse_code(rec.code, limit=ev.MAX_NUMBER)
                except InvalidValueError as exc:
                    found.add(rec.where, "id", str(exc).removeprefix("evidence id "))
                else:
                    if city_code and code_city != city_code and not renumber:
                        found.add(rec.where, "id", f"{rec.code} has city code {code_city}, but {city_info['name']}'s is "
                                  f"{city_code}; --renumber gives the file's records new ids")
                    elif number in numbers_in_file:
                        other = numbers_in_file[number]
                        found.add(rec.where, "id", f"{rec.code} is also used at {other[0]}:{other[1]}")
                    numbers_in_file[number] = rec.where
                    if city_row is not None:
                        existing = session.exec(select(Evidence).where(Evidence.code == ev.format_code(city_row.code, number))).first()
                        if existing is not None:
                            current = ev.view_of(session, existing).as_json()
                            if any(_same(current, {**fields, **({"status": s} if s else {})}, links, rec)
                                   for s in (None, *_statuses_here(fields.get("status"), reviewed_here))):
                                unchanged.append(existing.code)
                                continue
                            if not renumber:
                                found.add(rec.where, "id", f"{existing.code} is already in the workspace with other "
                                          "content; import with --renumber to give the file's records new ids, or "
                                          "leave the id out to add it as a new record")
                        elif number < (city_row.next_number or 1) and not renumber and not reviewed_here:
                            # The counter only goes up: a lower number with no record was given once and removed.
                            # Only this workspace's own export (a restore) may bring that same record back.
                            found.add(rec.where, "id", f"{ev.format_code(city_row.code, number)} was given to a record "
                                      "that has been removed, and ids are never reused (see `readiness log "
                                      f"{ev.format_code(city_row.code, number)}`); import with --renumber to give the "
                                      "file's records new ids")
            titles = _titles(fields.get("title"))
            if not allow_duplicates and titles and fields.get("kind"):
                key = _content_key(fields)
                same = next((code for have, code in in_workspace.get(key, []) if have & titles), None)
                if same is None and not rec.code:  # rows with ids are meant apart; id-less copies are not
                    same = next((where for have, where in in_file.get(key, []) if have & titles), None)
                if same is not None:
                    duplicates.append((rec.where, same))
                    continue
                in_file.setdefault(key, []).append((titles, f"row {rec.where[1]}"))
            _check_names(rec, found)
            _review_rules(rec, fields, found, sheet=doc is None, reviewed_here=reviewed_here,
                          source=source, not_reviewed=not_reviewed)
            if renumber and rec.code:
                rec.meta["old_id"] = rec.code
                number = None
            if renumber and number is None:  # the ids the write will give, in file order
                if rec.meta.get("old_id"):
                    renumbered[rec.meta["old_id"]] = ev.format_code(city_code or "X", next_new)
                next_new += 1
            for f in rec.files:
                if f.added_at is not None:
                    try:
                        f.added_at = _timestamp(f.added_at)
                    except ValueError:
                        found.add(rec.where, "attachments", f"added_at {f.added_at!r} is not a date and time (ISO 8601)")
                problem = _check_file(f, source, archive, max_size)
                if problem:
                    found.add(rec.where, "files", problem)
                else:
                    files += 1
                    total_bytes += _file_size(f, source, archive)
            rec.code = ev.format_code(city_code or "X", number) if number is not None else None
            planned.append((rec, fields, links, indicators))
    for i, event in enumerate(audit):
        if not isinstance(event, Mapping) or not event.get("action") or not event.get("entity"):
            found.add((shown, 0), f"audit[{i}]", "each event needs at, actor, action and entity (as export writes them)")
            continue
        try:
            _timestamp(event.get("at"))
        except (TypeError, ValueError):
            found.add((shown, 0), f"audit[{i}].at", f"{event.get('at')!r} is not a date and time (ISO 8601)")
        from readiness.cities import _name

        for key in ("actor", "action"):  # shown by `readiness log`: one line, bounded, like any name
            try:
                _name(str(event.get(key) or "?"), key)
            except InvalidValueError as exc:
                found.add((shown, 0), f"audit[{i}].{key}", str(exc))
    if found.problems:
        raise ProblemsError(found.problems)
    if create_city and not reviewed_here:  # another workspace's history: kept, but said to be imported
        audit = [{**e, "action": _imported(str(e["action"]))} for e in audit]
    return ImportPlan(source, city_info["name"], create_city, new_units, planned, unchanged,
                      audit if create_city else [], files, total_bytes, used_encoding,
                      reviewed_here=reviewed_here, not_reviewed=not_reviewed,
                      duplicates=duplicates, warnings=found.warnings, renumbered=renumbered)


def _check_units(units: Any, existing: Mapping[str, Unit], doc: Any, shown: str,
                 found: _Collector) -> list[dict[str, Any]]:
    """The units a YAML adds, each checked as `unit add` checks it: name, kind, parent."""
    from readiness.cities import _name
    from readiness.yamlfile import line_of

    if not isinstance(units, list):
        found.add((shown, line_of(doc, ("units",))), "units", "give the units as a list of {name: ..., kind: ...}")
        return []
    new: list[dict[str, Any]] = []
    for i, u in enumerate(units):
        where = (shown, line_of(doc, ("units", i)))
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
        if fold(name) not in existing:
            new.append({"name": name, "kind": kind, **({"parent": parent} if parent else {})})
    return new


def _check_names(rec: IncomingRecord, found: _Collector) -> None:
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


def _review_rules(rec: IncomingRecord, fields: dict[str, Any], found: _Collector, *, sheet: bool,
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
            not_reviewed.append(rec.code or f"{rec.where[0]}:{rec.where[1]}")
    else:
        rec.meta["status_reason"] = reason


def _check_city(city_info: dict[str, Any], doc: Any, shown: str, found: _Collector,
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
                found.add((shown, line_of(doc, ("city", key))), f"city.{key}", str(exc))
    profile, problems = check_profile(city_info.get("profile"), today=today)
    for path, message in problems:
        found.add((shown, line_of(doc, ("city", "profile", *path))), ".".join(("profile", *path)),
                  message.removeprefix(f"{path[0]}: ") if path else message)
    return profile


def _timestamp(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        stamp = value
    else:
        stamp = dt.datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


def _same(current: dict[str, Any], fields: dict[str, Any], links: list, rec: IncomingRecord) -> bool:
    """Whether an incoming record is what the workspace already holds (a re-import)."""
    for name, value in fields.items():
        have = current.get(name)
        if hasattr(value, "iso"):
            value = value.iso()
        if (value or None) != (have or None):
            return False
    if sorted(links, key=lambda x: x[0]) != [(lk["criterion"], lk["rationale"]) for lk in current["links"]]:
        return False
    wanted = {f.sha256 for f in rec.files if f.sha256}
    return wanted <= {a["sha256"] for a in current["attachments"]} and len(rec.files) == len(current["attachments"])


def _resolve(f: IncomingFile, source: Path) -> Path:
    """A file named in an import file, which must sit beside or below that file."""
    rel = f.source.replace("\\", "/")
    if PurePosixPath(rel).is_absolute() or rel.startswith("~") or ":" in rel.split("/")[0]:
        raise InvalidValueError(f"{f.source!r}: give the path relative to {source.name}, not an absolute path")
    base = source.parent.resolve()
    target = (base / rel)
    if base not in target.resolve().parents:
        raise InvalidValueError(f"{f.source!r}: points outside the folder of {source.name}; move the file beside it")
    return target


def _check_file(f: IncomingFile, source: Path, archive: zipfile.ZipFile | None, max_size: int) -> str | None:
    import stat

    if archive is not None:
        try:
            info = archive.getinfo(f.source)
        except KeyError:
            return f"{f.source}: not in the zip"
        if info.file_size > max_size:
            return f"{f.source}: {human_size(info.file_size)} is over the limit of {human_size(max_size)}"
        if info.file_size == 0:
            return empty_file(f.source)
        return None
    try:
        path = _resolve(f, source)
        info_ = os.lstat(path)
    except InvalidValueError as exc:
        return str(exc)
    except FileNotFoundError:
        return f"{f.source}: no such file beside {source.name}"
    except OSError as exc:
        return f"{f.source}: cannot be read: {exc.strerror}"
    if stat.S_ISLNK(info_.st_mode):
        return f"{f.source}: is a symbolic link; put the real file there"
    if not stat.S_ISREG(info_.st_mode):
        return f"{f.source}: is not a regular file"
    if info_.st_size > max_size:
        return f"{f.source}: {human_size(info_.st_size)} is over the limit of {human_size(max_size)}; raise it with --max-size"
    if info_.st_size == 0:
        return empty_file(f.source)
    return None


def _file_size(f: IncomingFile, source: Path, archive: zipfile.ZipFile | None) -> int:
    if archive is not None:
        return archive.getinfo(f.source).file_size
    return os.lstat(_resolve(f, source)).st_size


# ---------------------------------------------------------------------------------------------
# Running a checked plan


def run_import(ws: Workspace, plan: ImportPlan, *, max_size: int = DEFAULT_MAX_SIZE,
               progress: Progress | None = None) -> ImportResult:
    """Copy the files in, then write everything in one transaction."""
    stored: dict[int, list[tuple[str, StoredFile]]] = {}
    with workspace_store(ws).batch() as store:  # a failed import takes out the files it stored and no row uses
        codes = _write(ws, plan, store, stored, max_size, progress)
    return ImportResult(plan, codes, sum(len(v) for v in stored.values()))


def _write(ws: Workspace, plan: ImportPlan, store: Batch, stored: dict[int, list[tuple[str, StoredFile]]],
           max_size: int, progress: Progress | None) -> list[str]:
    done = 0
    with _opened(plan.source) as archive:
        for index, (rec, _fields, _links, _ind) in enumerate(plan.records):
            for f in rec.files:
                if archive is not None:
                    with archive.open(f.source) as member:
                        got = store.put_stream(member, f"{plan.source}:{f.source}", max_size=max_size)
                else:
                    got = store.put(_resolve(f, plan.source), max_size=max_size)
                stored.setdefault(index, []).append((f.name, got))
                if f.sha256 and got.sha256 != f.sha256:
                    raise ProblemsError([Problem(rec.where[0], rec.where[1], "files",
                                                 f"{f.source}: its SHA-256 is {got.sha256[:12]}..., not the "
                                                 f"{f.sha256[:12]}... the file records; it was changed or damaged")])
                done += 1
                if progress:
                    progress("files", done, plan.files)
    actor = ws.settings.actor
    codes: list[str] = []
    with ws.session() as session:
        if plan.create_city:
            info = plan.create_city
            city = add_city_in(session, actor, info["name"], info["country"], info.get("code"),
                               audit=not plan.audit)
            if info.get("profile"):
                city.profile = dict(info["profile"])
                session.add(city)
        else:
            city = find_city(session, plan.city_name)
        units = _add_units(session, actor, city, plan.units, audit=not plan.audit)
        ev.lock_city(session, city)
        next_free = max([ev.next_number(session, city)] + [ev.parse_code(r.code)[1] + 1 for r, *_ in plan.records if r.code])
        rows = []
        for index, (rec, fields, links, indicators) in enumerate(plan.records):
            if rec.code:
                number = ev.parse_code(rec.code)[1]
            else:
                number, next_free = next_free, next_free + 1
            if fields.get("unit"):
                fields = {**fields, "unit": units[fold(fields["unit"])].name}
            row = ev.new_record(session, str(rec.meta.get("created_by") or actor), city, fields, number=number)
            for key in ("status_by", "status_reason"):
                if rec.meta.get(key):
                    setattr(row, key, str(rec.meta[key]))
            for key in ("status_at", "created_at", "updated_at"):
                if rec.meta.get(key):
                    setattr(row, key, rec.meta[key])
            link_rows = [EvidenceLink(evidence_id=row.id, criterion=ref, rationale=why) for ref, why in links]
            value_rows = [IndicatorValue(evidence_id=row.id, **value) for value in indicators]
            session.add_all(link_rows + value_rows)
            ev.attach_stored(session, actor, row, stored.get(index, []),
                             [(f.added_at, f.added_by) for f in rec.files])
            session.flush()
            codes.append(row.code)
            rows.append(row)
            if progress:
                progress("records", len(codes), len(plan.records))
        views = ev.views_of(session, rows)
        old_ids = [rec.meta.get("old_id") for rec, *_ in plan.records]  # under --renumber
        if plan.audit:
            _restore_audit(session, city, plan.audit, {old or v.code: v.row.id for v, old in zip(views, old_ids)}, units)
        for view, old in zip(views, old_ids):
            record(session, actor, "evidence.import", "evidence", view.row.id, city.id, None,
                   {**view.as_json(), "imported_from": plan.source.name, **({"old_id": old} if old else {})})
    return codes



def _add_units(session: Session, actor: str, city: City, wanted: list[dict[str, Any]], *,
               audit: bool = True) -> dict[str, Unit]:
    from readiness.cities import _snapshot

    units = {fold(u.name): u for u in session.exec(select(Unit).where(Unit.city_id == city.id))}
    pending = list(wanted)
    while pending:
        progress_made = False
        for u in list(pending):
            parent = fold(str(u.get("parent") or ""))
            if parent and parent not in units:
                continue
            kind = check_unit_kind(str(u["kind"]), str(u["name"]))
            row = Unit(city_id=city.id, parent_id=units[parent].id if parent else None, name=clean(str(u["name"])),
                       name_key=fold(str(u["name"])), kind=kind)
            session.add(row)
            session.flush()
            if audit:
                record(session, actor, "unit.add", "unit", row.id, city.id, None, _snapshot(row))
            units[row.name_key] = row
            pending.remove(u)
            progress_made = True
        if not progress_made:
            raise InvalidValueError(f"unit {pending[0]['name']!r}: its parent {pending[0].get('parent')!r} is not listed")
    return units


def _restore_audit(session: Session, city: City, events: list[dict[str, Any]], evidence_ids: dict[str, int],
                   units: dict[str, Unit]) -> None:
    """Put an exported city's history back, pointing at the rows as they are numbered here."""
    for e in events:
        entity = str(e.get("entity", ""))
        ref = e.get("ref")
        if entity == "evidence":
            entity_id = evidence_ids.get(str(ref))
        elif entity == "city":
            entity_id = city.id
        elif entity == "unit":
            unit = units.get(fold(str(ref or "")))
            entity_id = unit.id if unit else None
        else:
            entity_id = None
        session.add(AuditEvent(at=_timestamp(e["at"]), actor=str(e.get("actor", "")), action=str(e.get("action", "")),
                               entity=entity, entity_id=entity_id, city_id=city.id,
                               before=e.get("before"), after=e.get("after")))


# ---------------------------------------------------------------------------------------------
# Export


def export_city(ws: Workspace, city_name: str, target: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    """Write a city's records, files and history to a zip, atomically (temporary file, rename).

    The SHA-256 of its ``evidence.yaml`` (the digest) goes into the audit log as a ``city.export``
    event, in the transaction that renames the zip into place: importing that zip here again
    keeps its statuses and history (see the module's docstring).
    """
    store = FileStore(ws.settings.files_dir)
    with ws.session() as session:
        city = find_city(session, city_name)
        units = list(session.exec(select(Unit).where(Unit.city_id == city.id).order_by(col(Unit.id))))
        by_id = {u.id: u for u in units}
        rows = list(session.exec(select(Evidence).where(Evidence.city_id == city.id).order_by(col(Evidence.number))))
        views = ev.views_of(session, rows)
        events = list(session.exec(select(AuditEvent).where(AuditEvent.city_id == city.id).order_by(col(AuditEvent.id))))
        codes = {r.id: r.code for r in rows}
        city_data = {"name": city.name, "country": city.country, "code": city.code, "profile": city.profile}
    records = []
    hashes: dict[str, int] = {}
    owners: dict[str, str] = {}
    for view in views:
        data = view.as_json()
        data.pop("city")
        for att in data["attachments"]:
            att["file"] = f"files/{att['sha256']}"
            hashes[att["sha256"]] = att["size"]
            owners.setdefault(att["sha256"], f"{data['id']}: attached file {att['name']!r}")
        records.append(data)
    audit = []
    for e in events:
        snapshot = e.after or e.before or {}
        if e.entity == "evidence":
            ref = snapshot.get("id") or codes.get(e.entity_id)
        elif e.entity == "unit":
            ref = snapshot.get("name")
        else:
            ref = city.name
        at = e.at if e.at.tzinfo else e.at.replace(tzinfo=dt.timezone.utc)
        audit.append({"at": at.isoformat(), "actor": e.actor, "action": e.action, "entity": e.entity,
                      "ref": ref, "before": e.before, "after": e.after})
    doc = {
        "format": FORMAT,
        "exported_at": ev.iso_time(utcnow()),
        "exported_by": ws.settings.actor,
        "city": city_data,
        "units": [{"name": u.name, "kind": u.kind, **({"parent": by_id[u.parent_id].name} if u.parent_id else {})}
                  for u in units],
        "records": records,
        "audit": audit,
    }
    missing = [h for h in hashes if not store.has(h)]
    if missing:
        raise InvalidValueError(f"{owners[missing[0]]}: its stored file is missing or not a regular file"
                                f"{f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''}; "
                                "run `readiness verify` first")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        manifest = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")
        digest = hashlib.sha256(manifest).hexdigest()
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(YAML_NAME, manifest)
            for done, (sha, size) in enumerate(sorted(hashes.items()), start=1):
                info = zipfile.ZipInfo(f"files/{sha}", date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_STORED
                with archive.open(info, "w", force_zip64=size > 2**31) as out:
                    for block in store.read(sha, owners[sha], size=size):  # checked against its SHA-256
                        out.write(block)
                if progress:
                    progress("files", done, len(hashes))
        with ws.session() as session:  # the event is committed only if the zip is in place
            record(session, ws.settings.actor, EXPORT_ACTION, "city", city.id, city.id, None,
                   {"name": city.name, "digest": digest, "file": target.name, "records": len(records),
                    "files": len(hashes)})
            os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {"city": city.name, "records": len(records), "files": len(hashes), "bytes": sum(hashes.values()),
            "audit_events": len(audit), "path": str(target), "digest": digest}

