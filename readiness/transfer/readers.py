"""Reading an import file: what it holds, before anything is checked against the workspace.

The project's YAML (``format: readiness-evidence/1``), an exported zip's ``evidence.yaml``, and
CSV or XLSX sheets (header names in English or Vietnamese, see ``COLUMNS``) all become one
``Incoming``: the file's city, units, records (``IncomingRecord``, each with the file and line or
row it came from) and audit history. Every file from outside is parsed as a bounded job
(``bounded.run``). What the reader itself can tell is wrong (an unknown key, a link with no
criterion) goes into a ``Collector``; ``plan`` checks the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from readiness import evidence as ev
from readiness.cities import city_key
from readiness.dates import parse_moment
from readiness.errors import InvalidValueError, Problem, ProblemsError
from readiness.smallfile import check_small_file, read_small_file
from readiness.store.files import human_size
from readiness.text import fold

FORMAT = "readiness-evidence/1"
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
#: Spreadsheet columns whose text goes into the record's field of that name as it is.
_PLAIN_COLUMNS = ("kind", "unit", "start", "end", "valid_until", "source_url", "language", "owner", "tags", "status")
_TOP_KEYS = {"format", "city", "units", "records", "audit", "exported_at", "exported_by"}
#: What an export keeps of a record's history besides its fields: who decided, when, why.
META_KEYS = ("status_by", "status_at", "status_reason", "created_at", "created_by", "updated_at")


# ---------------------------------------------------------------------------------------------
# What an import file holds


@dataclass(frozen=True)
class Where:
    """A place in an import file: the file as messages name it, and its line (YAML) or row (sheet)."""

    file: str
    line: int


@dataclass
class IncomingFile:
    """A file an incoming record attaches."""

    source: str  # a path on disk, or a member of the zip being imported
    name: str
    sha256: str | None = None
    in_zip: bool = False
    added_at: Any = None  # kept from an export, so a round trip gives the same record
    added_by: str | None = None

    def on_disk(self, import_file: Path) -> Path:
        """The file this names, which must sit beside or below the import file."""
        rel = self.source.replace("\\", "/")
        if PurePosixPath(rel).is_absolute() or rel.startswith("~") or ":" in rel.split("/")[0]:
            raise InvalidValueError(f"{self.source!r}: give the path relative to {import_file.name}, "
                                    "not an absolute path")
        base = import_file.parent.resolve()
        target = (base / rel)
        if base not in target.resolve().parents:
            raise InvalidValueError(f"{self.source!r}: points outside the folder of {import_file.name}; "
                                    "move the file beside it")
        return target


@dataclass(frozen=True)
class IncomingLink:
    """A criterion an incoming record supports, with the reason given (if any)."""

    criterion: str
    rationale: str | None = None


@dataclass
class IncomingRecord:
    """One record as the file gives it."""

    where: Where
    code: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    links: list[IncomingLink] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    files: list[IncomingFile] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # status_by/at/reason, created_*, updated_at


@dataclass
class Incoming:
    """An import file as read: its city, units, records and history, none of it checked yet."""

    shown: str  # the file as messages name it ("x.zip:evidence.yaml" for a zip's YAML)
    city: dict[str, Any]  # name, country, code, profile as the file gives them (a sheet: only a name)
    units: list[Any]
    records: list[IncomingRecord]
    audit: list[Any]
    doc: Any = None  # the YAML document, for line numbers; None for a spreadsheet
    digest: str | None = None  # SHA-256 of the YAML, looked up among this workspace's exports
    encoding: str | None = None  # the encoding a CSV was read in


@dataclass(frozen=True)
class YamlFile:
    """A YAML import file read: its SHA-256 and its document, parsed (with line numbers)."""

    digest: str
    doc: Any


class Collector:
    """Every problem an import file has (file:line: column: message), and what was left out."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[str] = []  # what was left out or assumed; the import goes ahead

    def add(self, where: Where, column: str, message: str) -> None:
        self.problems.append(Problem(where.file, where.line, column, message))


def timestamp(value: Any) -> dt.datetime:
    """A date and time from an import file (ISO 8601), in UTC (taken as UTC when it names no zone); ValueError if
    not one."""
    return parse_moment(value if isinstance(value, dt.datetime) else str(value))


@contextmanager
def opened(source: Path) -> Iterator[zipfile.ZipFile | None]:
    """The import file's zip, open, when it is one (an export); None for any other file."""
    if source.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(source) as archive:
                yield archive
        except zipfile.BadZipFile:
            raise ProblemsError([Problem(str(source), 0, "", "not a readable zip file; export it again")]) from None
    else:
        yield None


def read_source(source: Path, archive: zipfile.ZipFile | None, found: Collector, *, encoding: str | None = None,
                strict: bool = False) -> Incoming:
    """What an import file holds: an export zip (``archive``), a YAML file or a CSV/XLSX sheet."""
    if archive is not None:
        return _read_zip(source, archive, found)
    if not source.is_file():
        raise InvalidValueError(f"{source}: no such file")
    if source.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(source, found)
    return _read_sheet(source, encoding, found, strict)


# ---------------------------------------------------------------------------------------------
# YAML, alone or in an export zip


def _read_zip(source: Path, archive: zipfile.ZipFile, found: Collector) -> Incoming:
    from readiness.bounded import run

    shown = str(source)
    try:
        info = archive.getinfo(YAML_NAME)
    except KeyError:
        raise ProblemsError([Problem(shown, 0, "", f"no {YAML_NAME} in the zip; is it a readiness export?")]) from None
    if info.file_size > MAX_YAML_BYTES:
        raise ProblemsError([Problem(shown, 0, "", f"{YAML_NAME} is larger than {human_size(MAX_YAML_BYTES)}")])
    shown_yaml = f"{shown}:{YAML_NAME}"
    read = run(_read_zipped_yaml, source, shown_yaml, file=shown_yaml)
    incoming = _yaml_records(read, shown_yaml, found)
    for rec in incoming.records:
        for f in rec.files:
            f.in_zip = True
    return incoming


def _read_yaml(source: Path, found: Collector) -> Incoming:
    from readiness.bounded import run

    check_small_file(source, MAX_YAML_BYTES, _yaml_too_large)  # refused before a reader is started
    return _yaml_records(run(_read_yaml_file, source, str(source), file=source), str(source), found)


def _yaml_too_large(size: int) -> str:
    return f"larger than {human_size(MAX_YAML_BYTES)}; split it"


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


def _read_yaml_file(source: Path, shown: str) -> YamlFile:
    """An import YAML file, read (at most MAX_YAML_BYTES, even if it grew since it was measured) and
    parsed (run bounded, see ``bounded.run``)."""
    data = read_small_file(source, MAX_YAML_BYTES, _yaml_too_large)
    return YamlFile(hashlib.sha256(data).hexdigest(), _read_yaml_document(data, shown))


def _read_zipped_yaml(source: Path, shown: str) -> YamlFile:
    """An export zip's evidence.yaml, inflated in chunks up to MAX_YAML_BYTES whatever its
    header declares, read and parsed (run bounded, see ``bounded.run``)."""
    from readiness.bounded import read_member

    with zipfile.ZipFile(source) as archive:
        try:
            data = read_member(archive, YAML_NAME, MAX_YAML_BYTES, shown)
        except InvalidValueError as exc:
            raise ProblemsError([Problem(shown, 0, "", str(exc).removeprefix(f"{shown}: "))]) from None
    return YamlFile(hashlib.sha256(data).hexdigest(), _read_yaml_document(data, shown))


def _yaml_records(read: YamlFile, shown: str, found: Collector) -> Incoming:
    """A parsed evidence YAML as incoming records; what cannot be read is collected in ``found``."""
    from readiness.yamlfile import line_of

    doc = read.doc
    if not isinstance(doc, Mapping) or "records" not in doc:
        raise ProblemsError([Problem(shown, 1, "", f"not a readiness evidence file: expected `format: {FORMAT}`, "
                                                   "`city:` and `records:`")])
    _check_top(doc, shown, found)
    city = _yaml_city(doc, shown, found)
    units = doc.get("units") or []
    raw_records = doc.get("records") or []
    if not isinstance(raw_records, list):
        raise ProblemsError([Problem(shown, line_of(doc, ("records",)), "records", "must be a list of records")])
    reader = _YamlRecords(doc, shown, found, city)
    records = [rec for i, raw in enumerate(raw_records) if (rec := reader.record(i, raw)) is not None]
    audit = doc.get("audit") or []
    return Incoming(shown, dict(city), list(units), records, list(audit), doc=doc, digest=read.digest)


def _check_top(doc: Mapping[str, Any], shown: str, found: Collector) -> None:
    """The file's format and top-level keys."""
    from readiness.yamlfile import line_of

    fmt = doc.get("format")
    if fmt not in (None, FORMAT):
        found.add(Where(shown, line_of(doc, ("format",))), "format",
                  f"{fmt!r} is not {FORMAT}; this readiness cannot read it")
    for key in sorted(set(doc) - _TOP_KEYS):
        found.add(Where(shown, line_of(doc, (key,))), key, "unknown key; expected format, city, units, records, audit")


def _yaml_city(doc: Mapping[str, Any], shown: str, found: Collector) -> Mapping[str, Any]:
    """The file's city: a mapping, or a name alone."""
    from readiness.yamlfile import line_of

    city = doc.get("city") or {}
    if isinstance(city, str):
        city = {"name": city}
    if not isinstance(city, Mapping):
        found.add(Where(shown, line_of(doc, ("city",))), "city", "give the city as {name: ..., country: VN, code: HN}")
        city = {}
    return city


class _YamlRecords:
    """Reads each entry of a YAML's ``records:`` into an incoming record."""

    def __init__(self, doc: Any, shown: str, found: Collector, city: Mapping[str, Any]) -> None:
        self.doc, self.shown, self.found, self.city = doc, shown, found, city

    def where(self, *loc: Any) -> Where:
        from readiness.yamlfile import line_of

        return Where(self.shown, line_of(self.doc, ("records", *loc)))

    def record(self, i: int, raw: Any) -> IncomingRecord | None:
        if not isinstance(raw, Mapping):
            self.found.add(self.where(i), f"records[{i}]", "a record must be a mapping of fields")
            return None
        rec = IncomingRecord(self.where(i))
        for key, value in raw.items():
            if key == "id":
                rec.code = str(value)
            elif key in ev.FIELDS:
                rec.fields[key] = value
            elif key == "links":
                rec.links.extend(self.links(i, value or []))
            elif key == "indicators":
                rec.indicators = list(value or [])
            elif key == "attachments":
                rec.files.extend(self.attachments(i, value or []))
            elif key in META_KEYS:
                rec.meta[key] = value
            elif key == "city":
                self.check_city(i, value)
            else:
                self.found.add(self.where(i, key), key, "unknown field")
        return rec

    def links(self, i: int, links: Any) -> Iterator[IncomingLink]:
        for j, link in enumerate(links):
            if isinstance(link, Mapping) and "criterion" in link:
                yield IncomingLink(str(link["criterion"]), link.get("rationale"))
            elif isinstance(link, str):
                yield IncomingLink(link)
            else:
                self.found.add(self.where(i, "links", j), "links", "each link needs criterion (and rationale)")

    def attachments(self, i: int, attachments: Any) -> Iterator[IncomingFile]:
        for j, att in enumerate(attachments):
            got = self.attachment(self.where(i, "attachments", j), att)
            if got is not None:
                yield got

    def attachment(self, spot: Where, att: Any) -> IncomingFile | None:
        if isinstance(att, str):
            att = {"file": att}
        if not isinstance(att, Mapping) or not att.get("file"):
            self.found.add(spot, "attachments", "each attachment needs file: (a path relative to this file)")
            return None
        sha = att.get("sha256")
        if sha is not None and not re.fullmatch(r"[0-9a-f]{64}", str(sha)):
            self.found.add(spot, "attachments", f"sha256 {sha!r} is not a SHA-256 (64 hex digits); quote it")
            return None
        return IncomingFile(str(att["file"]), str(att.get("name") or PurePosixPath(str(att["file"])).name),
                            str(sha) if sha else None, added_at=att.get("added_at"), added_by=att.get("added_by"))

    def check_city(self, i: int, value: Any) -> None:
        """A record may name its city, if it is the file's."""
        if value and city_key(str(value)) != city_key(str(self.city.get("name", ""))):
            self.found.add(self.where(i, "city"), "city", f"{value!r} is not the file's city {self.city.get('name')!r}")


# ---------------------------------------------------------------------------------------------
# Spreadsheets: CSV and XLSX


def _header_score(cells: list[str]) -> float:
    """1 for a row naming the columns kind and title (the header), less for fewer known names."""
    names = {_COLUMN_KEYS.get(fold(c)) for c in cells if c.strip()} - {None}
    if "kind" in names and names & {"title", "title_vi", "title_en"}:
        return 1.0
    return len(names) / (len(COLUMNS) + 1)


def _read_sheet(path: Path, encoding: str | None, found: Collector, strict: bool = False) -> Incoming:
    from readiness.bounded import run
    from readiness.transfer.sheets import read_sheet

    sheet = run(read_sheet, path, encoding, _header_score, file=path)  # untrusted: bounded time, memory, output
    shown = str(path)
    at = Where(shown, sheet.header_row)
    columns = _sheet_columns(sheet.header, at, found, strict)
    records = [_sheet_record(Where(shown, number), cells, columns) for number, cells in sheet.rows]
    cities: dict[str, str] = {}
    for rec in records:
        if rec.meta.get("city"):
            cities.setdefault(city_key(rec.meta["city"]), rec.meta["city"])  # "Hà Nội" and "TP. Ha Noi" are one
    if len(cities) > 1:
        found.add(at, "city", f"rows name {len(cities)} cities ({', '.join(sorted(cities.values()))}); "
                              "import one city per file")
    city = {"name": next(iter(cities.values()))} if len(cities) == 1 else {}
    return Incoming(shown, city, [], records, [], encoding=sheet.encoding)


def _sheet_columns(header: list[str], at: Where, found: Collector, strict: bool) -> dict[str, str]:
    """Each header the sheet has -> the column it names (see ``COLUMNS``); unknown ones left out."""
    columns: dict[str, str] = {}
    unknown: list[str] = []
    for cell in header:
        if not cell:
            continue
        name = _COLUMN_KEYS.get(fold(cell))
        if name is None and strict:
            found.add(at, cell, f"unknown column; known: {', '.join(COLUMNS)} (or their Vietnamese names)")
        elif name is None:
            unknown.append(cell)
        elif name in columns.values():
            found.add(at, cell, f"a second {name} column")
        else:
            columns[cell] = name
    if unknown:  # STT, Ghi chú and the like: ward sheets carry them; they hold nothing to import
        found.warnings.append(f"{at.file}:{at.line}: column(s) left out, not known: {', '.join(unknown)} "
                              "(the known ones: README \"Import and export formats\"; --strict refuses them)")
    if "kind" not in columns.values() or not {"title", "title_vi", "title_en"} & set(columns.values()):
        found.add(at, "", "the header needs at least the columns kind and title (loại, tiêu đề)")
    return columns


def _sheet_record(where: Where, cells: dict[str, str], columns: dict[str, str]) -> IncomingRecord:
    """One row of a sheet as an incoming record."""
    rec = IncomingRecord(where)
    values = {columns[h]: v.strip() for h, v in cells.items() if h in columns}
    lang = (values.get("language") or "vi").lower()
    for name in ev.TEXT_FIELDS:
        texts = _texts(values, name, lang)
        if texts or name == "title":
            rec.fields[name] = texts
    for name in _PLAIN_COLUMNS:
        if values.get(name):
            rec.fields[name] = values[name]
    if values.get("id"):
        rec.code = values["id"]
    if values.get("city"):
        rec.meta["city"] = values["city"]
    for part in _split_cell(values.get("criteria", "")):
        ref, _, why = part.partition("(")
        rec.links.append(IncomingLink(ref.strip(), why.rstrip(")").strip() or None))
    for part in _split_cell(values.get("files", "")):
        rec.files.append(IncomingFile(part, PurePosixPath(part.replace("\\", "/")).name))
    return rec


def _texts(values: dict[str, str], name: str, lang: str) -> dict[str, str]:
    """A text field by language: the plain column in the row's language (vi by default), then
    the columns that name theirs (title_vi, title_en)."""
    texts = {}
    if values.get(name):
        texts[lang if lang in ("vi", "en") else "vi"] = values[name]
    for code in ("vi", "en"):
        if values.get(f"{name}_{code}"):
            texts[code] = values[f"{name}_{code}"]
    return texts


def _split_cell(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\n", ";").split(";") if p.strip()]


def file_size(f: IncomingFile, source: Path, archive: zipfile.ZipFile | None) -> int:
    """The size of a file an incoming record attaches (checked to exist)."""
    if archive is not None:
        return archive.getinfo(f.source).file_size
    return os.lstat(f.on_disk(source)).st_size
