"""Evidence records: adding, finding, editing, linking, attaching, verifying and removing them.

A record is what an official can show for a criterion: a plan, a forum, an event... It has an
id people quote (``HN-0042``: the city's code and a counter), bilingual text, the dates of what
it documents, a status, and any number of attached files, criterion links and indicator values.

A verification covers definite content (``CONTENT``): a change to it returns a verified record
to submitted (``_changing``). Ids are never reused: the city's counter only goes up.

Every function that writes does so in one transaction together with its audit event, whose
``before``/``after`` hold the whole record as ``EvidenceView.as_json`` gives it (no internal
ids), so the history survives export and import. Files are put in the store before the
transaction starts: a failure leaves at most an unreferenced file, never a row without bytes.

Field values are checked by ``check_fields``, which collects every problem with the field it
belongs to, so that the command line and spreadsheet import report them the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, or_, select

from readiness import dates
from readiness.access import (
    Actor,
    Right,
    Scope,
    may,
    readable_cities,
    require,
    require_other_hands,
    require_signed_in,
)
from readiness.cities import _name, city_for, find_city, find_unit
from readiness.dates import iso_time as iso_time  # also imported from here by the dossier and export
from readiness.errors import InvalidValueError, NotFoundError, PermissionDeniedError
from readiness.frameworks.schema import EvidenceKind
from readiness.labels import LABELS
from readiness.numbers import parse_number
from readiness.profile import LANG_PATTERN
from readiness.store.audit import record_event
from readiness.store.db import Workspace
from readiness.store.files import DEFAULT_MAX_SIZE, Batch, StoredFile, check_attachment_name, display_name
from readiness.store.models import Attachment, AuditEvent, City, Evidence, EvidenceLink, IndicatorValue, Unit, utcnow
from readiness.store.stores import workspace_store
from readiness.text import BIDI_CONTROLS, clean, fold, fold_words, in_language, split_ref

if TYPE_CHECKING:
    from readiness.comments import CommentView
    from readiness.frameworks.catalogue import Catalogue
    from readiness.intake.photos import PhotoDate

log = logging.getLogger(__name__)

KINDS = tuple(k.value for k in EvidenceKind)
STATUSES = ("draft", "submitted", "verified", "rejected")
STATUS_WORDS = {  # what officials type in a spreadsheet, folded
    "draft": "draft", "nhap": "draft", "bannhap": "draft",
    "submitted": "submitted", "danop": "submitted", "dagui": "submitted", "nop": "submitted",
    "verified": "verified", "daxacminh": "verified", "xacminh": "verified", "daxacnhan": "verified",
    "rejected": "rejected", "bituchoi": "rejected", "tuchoi": "rejected",
}
TEXT_FIELDS = {"title": 500, "summary": 5000, "organiser": 300}
MAX_TAGS = 30
MAX_LINKS = 200
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TAG = re.compile(r"[^;,\n]{1,60}")
_INDICATOR = re.compile(r"(?:[a-z0-9][a-z0-9_.-]*:)?[a-z0-9][a-z0-9_.-]*", re.IGNORECASE)
_CODE = re.compile(r"\s*([A-Za-z][A-Za-z0-9]{0,7})-(\d{1,12})\s*")
#: The highest counter an id may have (HN-999999): imports are refused above it, and a city
#: that has used them all is told so rather than given an id no one can quote.
MAX_NUMBER = 999_999
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


#: What officials write for each kind, beyond the labels' own names (matched folded: with or
#: without diacritics). The first Vietnamese names are the ones an error message shows.
KIND_NAMES_VI: dict[str, tuple[str, ...]] = {
    "plan": ("kế hoạch", "đề án", "chiến lược", "lộ trình"),
    "policy": ("chính sách", "quyết định", "nghị quyết", "chỉ thị", "quy định", "thông tư"),
    "forum": ("diễn đàn", "hội thảo", "hội nghị", "tọa đàm", "đối thoại"),
    "event": ("sự kiện", "lễ hội", "ngày hội", "tuần lễ", "hội thi", "hoạt động"),
    "programme": ("chương trình", "khóa học", "lớp học", "mô hình", "câu lạc bộ"),
    "statistic": ("thống kê", "số liệu", "số liệu thống kê", "khảo sát", "điều tra"),
    "structure": ("cơ cấu", "cơ cấu tổ chức", "ban chỉ đạo", "thiết chế", "bộ máy"),
    "partnership": ("hợp tác", "quan hệ đối tác", "đối tác", "phối hợp", "thỏa thuận", "biên bản ghi nhớ"),
    "funding": ("kinh phí", "ngân sách", "tài trợ", "học bổng", "quỹ"),
    "report": ("báo cáo", "tổng kết", "sơ kết"),
    "media": ("truyền thông", "báo chí", "bài báo", "phóng sự", "tin bài"),
    "letter": ("văn bản", "công văn", "thư", "văn bản, thư", "thư ngỏ"),
}
KIND_NAMES_EN: dict[str, tuple[str, ...]] = {
    "plan": ("strategy", "action plan"), "policy": ("decision", "resolution", "regulation", "directive"),
    "forum": ("workshop", "seminar", "conference", "roundtable"), "event": ("festival", "ceremony", "celebration"),
    "programme": ("program", "course", "training"), "statistic": ("statistics", "survey", "data"),
    "partnership": ("agreement", "memorandum", "mou"), "funding": ("budget", "grant", "scholarship"),
    "media": ("press", "article", "news"), "structure": ("committee", "council"), "letter": ("pledge",),
}


def _typed_kind_words() -> dict[str, str]:
    words = {fold(k): k for k in KINDS}
    for k in KINDS:
        for text in (*LABELS[k].values(), *KIND_NAMES_VI.get(k, ()), *KIND_NAMES_EN.get(k, ())):
            words.setdefault(fold(text), k)
    return words


def kinds_list() -> str:
    """Every kind, as a sentence: "plan, policy, ..., media or letter" (what ``--kind`` help lists)."""
    return f"{', '.join(KINDS[:-1])} or {KINDS[-1]}"


def kinds_help() -> str:
    """Every kind with its Vietnamese names: "plan (kế hoạch, đề án), policy (chính sách, quyết định), ..."."""
    return ", ".join(f"{k} ({', '.join(KIND_NAMES_VI[k][:2])})" for k in KINDS)


#: Every word an official may type for a kind (its English name, its labels, its Vietnamese and
#: English names above), folded -> the kind: "hoi thao" -> forum. Not ``intake.suggest``'s cue
#: words, which guess a document's kind from its text.
TYPED_KIND_WORDS = _typed_kind_words()


# ---------------------------------------------------------------------------------------------
# Checking field values


@dataclass
class FieldProblem:
    field: str
    message: str


def format_code(city_code: str, number: int) -> str:
    return f"{city_code}-{number:04d}"


def parse_code(text: str, limit: int | None = None) -> tuple[str, int]:
    """"HN-0042", "hn-42" -> ("HN", 42); any id the counter has made (a workspace older than
    ``MAX_NUMBER`` may hold longer ones). ``limit`` (import: ``MAX_NUMBER``) refuses numbers above it."""
    m = _CODE.fullmatch(text or "")
    if not m:
        raise InvalidValueError(f"evidence id {text!r}: write the city code and number, e.g. HN-0042")
    if limit is not None and int(m[2]) > limit:
        raise InvalidValueError(f"evidence id {text.strip()!r}: the number is at most {limit} "
                                f"({len(str(limit))} digits); leave the id out to number it here")
    return m[1].upper(), int(m[2])


def _text(value: Any, name: str, limit: int, multiline: bool) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InvalidValueError(f"{name}: expected text, got {type(value).__name__}")
    text = clean(str(value))
    if len(text) > limit:
        raise InvalidValueError(f"{name}: {len(text):,} characters; at most {limit:,}: shorten it")
    allowed = "\n\t" if multiline else ""
    bad = [ch for ch in text if (unicodedata.category(ch) == "Cc" and ch not in allowed)
           or ch in BIDI_CONTROLS]
    if bad:
        raise InvalidValueError(
            f"{name}: holds control or direction-override characters "
            f"({', '.join(sorted({repr(c) for c in bad}))}); retype it")
    if html := _HTML.search(text):
        log.warning("%s: holds what looks like HTML (%s); it is kept as plain text and shown literally",
                    name, html[0])
    return text


def check_text(value: Any, name: str, limit: int, *, multiline: bool = False) -> str:
    """Free text as every field takes it (a comment, say): NFC, at most ``limit`` characters, no
    control or direction-override characters (line breaks only with ``multiline``); HTML is kept
    as plain text, with a warning."""
    return _text(value, name, limit, multiline)


def check_bilingual(value: Any, name: str, *, required: bool = False, default_lang: str = "vi") -> dict[str, str]:
    """``{vi: ..., en: ...}`` (or a plain text, taken as ``default_lang``), cleaned; empty texts dropped."""
    limit = TEXT_FIELDS[name]
    if value is None or value == "":
        texts: dict[str, str] = {}
    elif isinstance(value, Mapping):
        texts = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or not re.fullmatch(LANG_PATTERN, lang):
                raise InvalidValueError(f"{name}: {lang!r} is not a language code; use vi, en, fr...")
            if text is None or (isinstance(text, str) and not text.strip()):
                continue
            texts[lang] = _text(text, f"{name}.{lang}", limit, name == "summary")
    else:
        text = _text(value, name, limit, name == "summary")
        texts = {default_lang: text} if text else {}
    if required and not texts:
        raise InvalidValueError(f"{name}: is required (in Vietnamese, English or both)")
    return texts


def check_kind(value: Any) -> str:
    kind = TYPED_KIND_WORDS.get(fold(str(value or "")))
    if kind is None:
        raise InvalidValueError(f"kind: {value!r} is not one of: {kinds_help()}")
    return kind


def check_status(value: Any) -> str:
    status = STATUS_WORDS.get(fold(str(value or "")))
    if status is None:
        raise InvalidValueError(f"status: {value!r} is not one of: {', '.join(STATUSES)}")
    return status


def refuse_decided_status(raw: Mapping[str, Any]) -> None:
    """A record is made or edited as draft or submitted only: verified and rejected are review
    decisions (``verify_records``, ``reject_record``), which check the reviewer's right and the
    four-eyes rule and keep who decided. (An import of a trusted export keeps its statuses
    through its own path, ``transfer.write``.)"""
    if raw.get("status") is not None and check_status(raw["status"]) in ("verified", "rejected"):
        raise InvalidValueError("status: a record becomes verified or rejected only by a review "
                                "(`readiness evidence verify` or `reject`), so that who decided is kept")


def check_url(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if len(text) > 2000 or not _URL.fullmatch(text):
        raise InvalidValueError(f"source_url: {text[:80]!r} is not a web address; give one starting with https://")
    return text


def check_language(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().lower()
    if not re.fullmatch(LANG_PATTERN, text):
        raise InvalidValueError(f"language: {value!r} is not a language code; use vi, en, fr...")
    return text


def check_tags(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[;,]", str(value))
    tags: list[str] = []
    for item in items:
        tag = clean(str(item))
        if not tag:
            continue
        if not _TAG.fullmatch(tag) or any(unicodedata.category(ch) == "Cc" for ch in tag):
            raise InvalidValueError(f"tags: {tag[:70]!r} is not a tag: at most 60 characters, no ; , or line breaks")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidValueError(f"tags: {len(tags)} tags; at most {MAX_TAGS}")
    return tags


def check_link(ref: Any, catalogue: Catalogue) -> str:
    """A criterion (``kflc:2.6.1``) or an area (``guidelines:G3``), checked against the frameworks.

    An area link says the record supports the area as a whole; scoring decides what it counts for.
    An id without its framework (``G3.1``) is taken when one framework has it (``Catalogue.qualify``).
    """
    try:
        return catalogue.qualify(ref, areas=True)
    except InvalidValueError as exc:  # AmbiguousError is a NotFoundError and says it all
        raise InvalidValueError(f"criteria: {exc}") from None


def check_indicator(value: Mapping[str, Any], catalogue: Catalogue, today: dt.date) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidValueError("indicators: each needs indicator, value and optionally unit, year, source")
    ident = str(value.get("indicator") or "").strip()
    if not _INDICATOR.fullmatch(ident):
        raise InvalidValueError(f"indicators: {ident!r} is not an indicator id, e.g. kflc:adult-literacy-rate")
    framework_id, ind = split_ref(ident)
    if framework_id:
        known = {i.id for fw in catalogue if fw.framework.id == framework_id
                 for c in fw.framework.criteria.values() for i in c.indicators}
        if ind not in known:
            raise InvalidValueError(f"indicators: {ident!r}: {framework_id!r} has no such indicator")
    raw = value.get("value")
    try:  # 8.587.100, 3359,84, 8,587,100 (see numbers.py)
        number = float(parse_number(raw))
    except InvalidValueError:
        raise InvalidValueError(f"indicators: {ident}: value {raw!r} is not a number") from None
    year = value.get("year")
    if year is not None:
        if not isinstance(year, int) or isinstance(year, bool):
            try:
                year = int(str(year))
            except ValueError:
                raise InvalidValueError(f"indicators: {ident}: year {year!r} is not a year") from None
        if not dates.EARLIEST_YEAR <= year <= today.year + 1:
            raise InvalidValueError(f"indicators: {ident}: year {year} is out of range")
    unit = clean(str(value["unit"]))[:60] if value.get("unit") else None
    source = _text(value["source"], f"indicators: {ident}: source", 500, False) if value.get("source") else None
    unknown = set(value) - {"indicator", "value", "unit", "year", "source"}
    if unknown:
        raise InvalidValueError(f"indicators: {ident}: unknown key {sorted(unknown)[0]!r}")
    return {"indicator": ident, "value": number, "unit": unit, "year": year, "source": source}


#: The fields a record can be given, in the order they are shown.
FIELDS = ("kind", "title", "summary", "organiser", "unit", "start", "end", "valid_until",
          "source_url", "language", "owner", "tags", "status")


def _check_owner(value: Any) -> str | None:
    return (_text(value, "owner", 200, False) or None) if value else None


def _check_unit_name(value: Any) -> str | None:
    """Checked as `unit add` checks a name: at most 200 characters, one line."""
    return _name(str(value), "unit") if value else None


#: The fields checked on their own, in the order their problems are reported.
_FIELD_CHECKS: dict[str, Callable[[Any], Any]] = {
    "source_url": check_url, "language": check_language, "owner": _check_owner, "tags": check_tags,
    "status": check_status, "unit": _check_unit_name,
}
DATE_FIELDS = ("start", "end", "valid_until")


class _Checked:
    """The cleaned fields and the problems found so far, each problem with the field it belongs to."""

    def __init__(self) -> None:
        self.out: dict[str, Any] = {}
        self.problems: list[FieldProblem] = []

    def attempt(self, name: str, check: Callable[[], Any]) -> None:
        try:
            self.out[name] = check()
        except InvalidValueError as exc:
            message = str(exc)
            head, sep, rest = message.partition(": ")
            if sep and (head == name or head.startswith(f"{name}.")):  # "title.vi: ..." names the language
                self.problems.append(FieldProblem(head, rest))
            else:
                self.problems.append(FieldProblem(name, message))

    def check_order(self) -> None:
        """The end is not before the start, when both were given (and read) here."""
        start, end = self.out.get("start"), self.out.get("end")
        if isinstance(start, dates.PartialDate | None) and isinstance(end, dates.PartialDate):
            try:
                dates.check_order(start, end)
            except InvalidValueError as exc:
                self.problems.append(FieldProblem("end", str(exc).removeprefix("end: ")))


def check_fields(raw: Mapping[str, Any], *, required: bool, today: dt.date | None = None,
                 default_lang: str = "vi") -> tuple[dict[str, Any], list[FieldProblem]]:
    """Clean every field given in ``raw``; collect a problem per bad field instead of stopping.

    With ``required`` (a new record), kind and title must be there. Dates are checked against
    each other when both are given here.
    """
    today = today or dt.date.today()
    checked = _Checked()
    checked.problems += [FieldProblem(name, f"unknown field; known: {', '.join(FIELDS)}")
                         for name in raw if name not in FIELDS]
    if required or "kind" in raw:
        checked.attempt("kind", functools.partial(check_kind, raw.get("kind")))
    for name in TEXT_FIELDS:
        if required or name in raw:
            checked.attempt(name, functools.partial(check_bilingual, raw.get(name), name,
                                                    required=required and name == "title", default_lang=default_lang))
    for name in DATE_FIELDS:
        if name in raw:
            checked.attempt(name, functools.partial(dates.parse_optional, raw[name], name, today=today))
    checked.check_order()
    for name, check in _FIELD_CHECKS.items():
        if name in raw:
            checked.attempt(name, functools.partial(check, raw[name]))
    return checked.out, checked.problems


class FieldProblemsError(InvalidValueError):
    """Fields of a record with mistakes, each problem with the field it belongs to (a form shows
    each beside its field); said as one line, ``field: message`` joined by ``; ``."""

    def __init__(self, problems: Sequence[FieldProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))


def raise_problems(problems: list[FieldProblem]) -> None:
    if problems:
        raise FieldProblemsError(problems)


# ---------------------------------------------------------------------------------------------
# What a record looks like to the outside


@dataclass
class EvidenceView:
    """A record with everything attached to it, as commands show it and exports write it."""

    row: Evidence
    city: str
    city_code: str
    unit: str | None
    links: list[EvidenceLink] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    indicators: list[IndicatorValue] = field(default_factory=list)
    #: What the call that returned the view warns of: each link ``add_evidence`` or ``link_evidence``
    #: made that can never count as the record stands. Said, not stored: not part of ``as_json``.
    warnings: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.row.code

    def title(self, lang: str = "en") -> str:
        t = self.row.title
        return in_language(t, lang, ("en", "vi"))

    def dates_text(self, lang: str = "en", *, compact: bool = False) -> str:
        """"1 October 2025 – 7 October 2025", or with ``compact`` "2025-10-01 – 2025-10-07"."""
        start, end = dates.from_iso(self.row.start), dates.from_iso(self.row.end)
        show = (lambda d: d.iso()) if compact else (lambda d: d.human(lang))
        if start and end and end != start:
            return f"{show(start)} – {show(end)}"
        return show(start) if start else ""

    def as_json(self) -> dict[str, Any]:
        r = self.row
        return {
            "id": r.code,
            "city": self.city,
            "unit": self.unit,
            "kind": r.kind,
            "title": dict(r.title),
            "summary": dict(r.summary),
            "organiser": dict(r.organiser),
            "start": r.start,
            "end": r.end,
            "valid_until": r.valid_until,
            "source_url": r.source_url,
            "language": r.language,
            "status": r.status,
            "status_by": r.status_by,
            "status_at": iso_time(r.status_at),
            "status_reason": r.status_reason,
            "owner": r.owner,
            "tags": list(r.tags),
            "links": [{"criterion": lk.criterion, "rationale": lk.rationale} for lk in self.links],
            "indicators": [{"indicator": i.indicator, "value": i.value, "unit": i.unit, "year": i.year,
                            "source": i.source} for i in self.indicators],
            "attachments": [{"name": a.name, "sha256": a.sha256, "media_type": a.media_type, "size": a.size,
                             "added_at": iso_time(a.added_at), "added_by": a.added_by} for a in self.attachments],
            "created_at": iso_time(r.created_at),
            "created_by": r.created_by,
            "updated_at": iso_time(r.updated_at),
        }


def views_of(session: Session, rows: Sequence[Evidence]) -> list[EvidenceView]:
    """Views for many rows with one query per child table (not one per row)."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    links: dict[int | None, list[EvidenceLink]] = {}
    attachments: dict[int | None, list[Attachment]] = {}
    indicators: dict[int | None, list[IndicatorValue]] = {}
    for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        chunk = ids[start:start + 900]
        for lk in session.exec(select(EvidenceLink).where(col(EvidenceLink.evidence_id).in_(chunk))
                               .order_by(col(EvidenceLink.criterion))):
            links.setdefault(lk.evidence_id, []).append(lk)
        for a in session.exec(select(Attachment).where(col(Attachment.evidence_id).in_(chunk))
                              .order_by(col(Attachment.id))):
            attachments.setdefault(a.evidence_id, []).append(a)
        for i in session.exec(select(IndicatorValue).where(col(IndicatorValue.evidence_id).in_(chunk))
                              .order_by(col(IndicatorValue.id))):
            indicators.setdefault(i.evidence_id, []).append(i)
    cities = {c.id: c for c in session.exec(select(City).where(col(City.id).in_({r.city_id for r in rows})))}
    unit_ids = {r.unit_id for r in rows if r.unit_id}
    units = {u.id: u.name for u in session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))} if unit_ids else {}
    return [EvidenceView(r, cities[r.city_id].name, cities[r.city_id].code, units.get(r.unit_id) if r.unit_id else None,
                         links.get(r.id, []), attachments.get(r.id, []), indicators.get(r.id, [])) for r in rows]


def view_of(session: Session, row: Evidence) -> EvidenceView:
    return views_of(session, [row])[0]


def find_evidence(session: Session, code: str, actor: Actor | None = None) -> Evidence:
    """The record ``code`` names.

    With ``actor``, a record of a city (or unit) they may not read is answered as if it did not
    exist, in the same words: otherwise trying ids would tell anyone how many records another
    city holds, and when and by whom one was removed."""
    city_code, number = parse_code(code)
    wanted = format_code(city_code, number)
    row = session.exec(select(Evidence).where(Evidence.code == wanted)).first()
    if row is not None and (actor is None or may(session, actor, Right.READ, Scope(row.city_id, row.unit_id))):
        return row
    if row is None:
        removed = session.exec(events_of(wanted).where(AuditEvent.action == "evidence.remove")
                               .order_by(col(AuditEvent.id).desc())).first()
        if removed is not None and (actor is None or may(session, actor, Right.READ, Scope(removed.city_id))):
            raise NotFoundError(f"no evidence {wanted}: it was removed on {(iso_time(removed.at) or '')[:10]} "
                                f"by {removed.actor}; ids are never reused (its history: `readiness log {wanted}`)")
    raise NotFoundError(f"no evidence {wanted}; see `readiness evidence list`")


def events_of(code: str, row_id: int | None = None) -> Any:
    """A query for the audit events of the record ``code`` (an id as written), removed ones too.

    Events are found by the id in their before/after snapshots, not by row id alone: a database
    may give a removed row's internal id to a new record. ``row_id``, the record's row when it
    still exists (every event of a live record carries it, restored history included), narrows
    the search to its events through the index first: without it every event is read.
    """
    query = select(AuditEvent).where(AuditEvent.entity == "evidence", or_(
        col(AuditEvent.after)["id"].as_string() == code, col(AuditEvent.before)["id"].as_string() == code))
    return query.where(AuditEvent.entity_id == row_id) if row_id is not None else query


def search_key(row: Evidence) -> str:
    parts = [*row.title.values(), *row.summary.values(), *row.organiser.values(), *row.tags,
             row.owner or "", row.code]
    return fold_words(" ".join(parts))


# ---------------------------------------------------------------------------------------------
# Adding and changing records


def _apply(session: Session, row: Evidence, city: City, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name == "unit":
            row.unit_id = find_unit(session, city, value).id if value else None
        elif name in ("start", "end", "valid_until"):
            setattr(row, name, value.iso() if value else None)
        elif name == "status":
            if value != row.status:
                row.status = value
        else:
            setattr(row, name, value)
    dates.check_order(dates.from_iso(row.start), dates.from_iso(row.end))
    row.search_key = search_key(row)


def stored_id(row: City | Evidence) -> int:
    """The id of a row the session has flushed (the database gave it one)."""
    assert row.id is not None, "flush the session before using the row's id"
    return row.id


def next_number(session: Session, city: City) -> int:
    """The next number a city's record gets; never one a record (even a removed one) had.

    It is the city's counter (``City.next_number``, which only goes up), or above the highest
    record if that is higher. The caller holds the write lock (see ``lock_city``), which also
    reloads the counter; taking the number is ``new_record``'s business.
    """
    highest = session.exec(select(func.max(Evidence.number)).where(Evidence.city_id == city.id)).one()
    return max(city.next_number or 1, (highest or 0) + 1)


def lock_city(session: Session, city: City) -> None:
    """Serialise numbering: lock the city's row (PostgreSQL; SQLite's BEGIN IMMEDIATE already
    holds the lock) and reload its counter as it is now."""
    session.exec(select(City).where(City.id == city.id).with_for_update()
                 .execution_options(populate_existing=True)).one()


def new_record(session: Session, actor: Actor, city: City, fields: dict[str, Any], *,
               number: int | None = None, created_by: str | None = None) -> Evidence:
    """Insert a record with checked fields; ``number`` keeps an imported id, else the next one.

    Either way the city's counter moves past the number, so it is never given again.
    ``created_by`` is who first entered the record (an import keeps it); else it is ``actor``.
    ``actor`` is who last changed it (``updated_by``): for an import, who imported it, since a
    file may name anyone as its creator and the four-eyes rule must not trust it.
    """
    if number is None:
        lock_city(session, city)
        number = next_number(session, city)
    if number > MAX_NUMBER:
        raise InvalidValueError(f"{city.name} has used every evidence id up to {format_code(city.code, MAX_NUMBER)}; "
                                "no new id can be given")
    if (city.next_number or 1) <= number:
        city.next_number = number + 1
        session.add(city)
    now = utcnow()
    row = Evidence(code=format_code(city.code, number), city_id=stored_id(city), number=number, kind=fields["kind"],
                   title=fields["title"], status=fields.get("status") or "draft", search_key="",
                   created_by=created_by or actor.name, updated_by=actor.name, created_at=now, updated_at=now)
    _apply(session, row, city, {k: v for k, v in fields.items() if k not in ("kind", "title", "status")})
    session.add(row)
    session.flush()
    return row


#: A file to attach: its path (the attachment is named as the file is), or (name, path) when the
#: name is not the path's (an upload the web app wrote to a temporary file).
FileSource = str | tuple[str, str]


def store_files(store: Batch, paths: Iterable[FileSource], max_size: int = DEFAULT_MAX_SIZE,
                progress: Callable[[int], None] | None = None) -> list[tuple[str, StoredFile]]:
    """Put files in the store (outside any transaction); (name as given, stored file) each.

    ``store`` is a ``FileStore.batch()``: if one file is refused, or the transaction that
    follows fails, the batch takes out again what it stored and no row uses.
    """
    pairs = [p if isinstance(p, tuple) else (display_name(p), p) for p in paths]
    names = [check_attachment_name(name) for name, _ in pairs]  # refuse a bad name before copying
    return [(name, store.put(path, max_size=max_size, progress=progress))
            for (_, path), name in zip(pairs, names, strict=True)]


def attach_stored(session: Session, actor: Actor, row: Evidence, stored: Sequence[tuple[str, StoredFile]],
                  origins: Sequence[tuple[dt.datetime | None, str | None]] = ()) -> list[str]:
    """Attachment rows for files already in the store; a file already on the record is skipped.

    ``origins`` gives, per file, when and by whom it was first attached (an import keeps them).
    """
    have = {a.sha256 for a in session.exec(select(Attachment).where(Attachment.evidence_id == row.id))}
    added = []
    for i, (name, f) in enumerate(stored):
        if f.sha256 in have:
            continue
        have.add(f.sha256)
        at, by = origins[i] if i < len(origins) else (None, None)
        session.add(Attachment(evidence_id=stored_id(row), sha256=f.sha256, name=name, media_type=f.media_type,
                               size=f.size, added_by=by or actor.name, added_at=at or utcnow()))
        added.append(name)
    return added


def add_evidence(ws: Workspace, actor: Actor, city_name: str, raw: Mapping[str, Any], catalogue: Catalogue, *,
                 links: Sequence[tuple[str, str | None]] = (), files: Sequence[FileSource] = (),
                 max_size: int = DEFAULT_MAX_SIZE, today: dt.date | None = None,
                 indicators: Sequence[Mapping[str, Any]] = ()) -> EvidenceView:
    """Add a record (with criterion links, attached files and indicator values) and its audit event.

    The view's ``warnings`` name each link the record can never count for as it stands.
    """
    refuse_decided_status(raw)
    fields, problems = check_fields(raw, required=True, today=today)
    values = []
    for value in indicators:
        try:
            values.append(check_indicator(value, catalogue, today or dt.date.today()))
        except InvalidValueError as exc:
            problems.append(FieldProblem("indicators", str(exc).removeprefix("indicators: ")))
    checked_links = []
    for ref, why in links:
        try:
            checked_links.append((check_link(ref, catalogue), check_rationale(why)))
        except InvalidValueError as exc:
            problems.append(FieldProblem("criteria", str(exc).removeprefix("criteria: ")))
    raise_problems(problems)
    with ws.session() as session:  # fail before copying files in
        _require_new(session, actor, city_name, fields.get("unit"))
    with workspace_store(ws).batch() as store:
        stored = store_files(store, files, max_size)
        with ws.session() as session:
            city = _require_new(session, actor, city_name, fields.get("unit"))
            row = new_record(session, actor, city, fields)
            for ref, why in checked_links:
                session.add(EvidenceLink(evidence_id=stored_id(row), criterion=ref, rationale=why))
            for value in values:
                session.add(IndicatorValue(evidence_id=stored_id(row), **value))
            attach_stored(session, actor, row, stored)
            session.flush()
            view = view_of(session, row)
            record_event(session, actor, "evidence.add", "evidence", row.id, city.id, None, view.as_json())
    view.warnings = _unreachable_links(view, [ref for ref, _why in checked_links], catalogue, today)
    return view


def _require_new(session: Session, actor: Actor, city_name: str, unit: str | None) -> City:
    """The city a new record goes to, once ``actor`` may contribute there: in its unit (a record
    with no unit: the city's coordinators)."""
    require_signed_in(session, actor)
    city = find_city(session, city_name)
    if not may(session, actor, Right.READ, Scope(city.id)):  # refused before its units are looked up
        require(session, actor, Right.CONTRIBUTE, Scope(city.id), what=f"in {city.name}")
    unit_id = find_unit(session, city, unit).id if unit else None
    require(session, actor, Right.CONTRIBUTE, Scope(city.id, unit_id),
            what=f"in {unit}" if unit else f"in {city.name} (a record with no unit)")
    return city


def record_for(session: Session, actor: Actor, code: str, right: Right) -> Evidence:
    """The record ``code`` names, once ``actor`` is known to hold ``right`` on it (in its city, and
    for the rights bound to units, in its unit); for ``Right.REVIEW`` also the four-eyes rule.

    The entry check of every use case that acts on one record.
    """
    require_signed_in(session, actor)
    row = find_evidence(session, code, actor)
    require(session, actor, right, Scope(row.city_id, row.unit_id), what=row.code)
    if right is Right.REVIEW:
        require_other_hands(actor, row.created_by, changed_since_review(session, row), what=row.code)
    return row


@dataclass(frozen=True)
class RecordActions:
    """What a person may do on one record now, for a front end to offer only those actions (each
    use case checks again): change it (edit, link, attach, detach, remove), review it (verify or
    reject: the right in its city and other hands than who made or changed it) and comment.
    ``review_refusal`` says why reviewing is not offered when the right is held but four eyes
    forbid it."""

    change: bool
    review: bool
    comment: bool
    review_refusal: str | None = None


def record_actions(ws: Workspace, actor: Actor, codes: Sequence[str]) -> dict[str, RecordActions]:
    """``RecordActions`` for each record of ``codes`` the person may read (others are left out)."""
    result: dict[str, RecordActions] = {}
    with ws.reading() as session:
        require_signed_in(session, actor)
        readable = readable_cities(session, actor)
        for code in dict.fromkeys(codes):
            try:
                row = find_evidence(session, code)
            except NotFoundError:
                continue
            if readable is not None and row.city_id not in readable:
                continue
            result[row.code] = _actions_on(session, actor, row)
    return result


def _actions_on(session: Session, actor: Actor, row: Evidence,
                events: Sequence[AuditEvent] | None = None) -> RecordActions:
    """What ``actor`` may do on ``row``, a record they may read (``events``: its audit events,
    oldest first, when read already)."""
    scope = Scope(row.city_id, row.unit_id)
    review, refusal = may(session, actor, Right.REVIEW, scope), None
    if review:
        try:
            require_other_hands(actor, row.created_by, changed_since_review(session, row, events), what=row.code)
        except PermissionDeniedError as exc:
            review, refusal = False, str(exc)
    return RecordActions(may(session, actor, Right.CONTRIBUTE, scope), review,
                         may(session, actor, Right.COMMENT, scope), refusal)


def changed_since_review(session: Session, row: Evidence, events: Sequence[AuditEvent] | None = None) -> set[str]:
    """Everyone who changed the record since its last verification (or since it was made): its
    ``updated_by`` and the actor of every audit event that changed more than its status. None of
    them may review it, so a colleague's later small edit does not let the author verify.
    ``events``: the events of the record's row (``row_events``), oldest first, when read already."""
    people = {row.updated_by} if row.updated_by else set()
    if events is None:
        events = row_events(session, row)
    for event in events:
        if event.action == "evidence.comment":  # a question or an answer changes nothing of the record
            continue
        before, after = event.before or {}, event.after or {}
        if after.get("status") == "verified" and before.get("status") != "verified":
            people = {row.updated_by} if row.updated_by else set()  # a review: earlier hands were seen
        elif not before or any(before.get(k) != after.get(k) for k in after if k not in _REVIEW_FIELDS):
            people.add(event.actor)
    return people


def row_events(session: Session, row: Evidence) -> list[AuditEvent]:
    """The audit events of a record's row, oldest first: ``events_of`` its id, and also the events
    an import restored under an id the record had before it was renumbered."""
    return list(session.exec(select(AuditEvent).where(AuditEvent.entity == "evidence", AuditEvent.entity_id == row.id)
                             .order_by(col(AuditEvent.id))))


def check_rationale(text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    return _text(text, "rationale", 500, False)


@contextmanager
def _changing(ws: Workspace, actor: Actor, code: str, action: str,
              right: Right = Right.CONTRIBUTE) -> Iterator[tuple[Session, Evidence, City]]:
    """Load a record for a change in a transaction of its own (see ``_changing_in``)."""
    withdrawn: list[str] = []
    with ws.session() as session, _changing_in(session, actor, code, action, withdrawn, right) as (row, city):
        yield session, row, city
    for line in withdrawn:  # said once the change is committed
        log.warning("%s", line)


@contextmanager
def _changing_in(session: Session, actor: Actor, code: str, action: str,
                 withdrawn: list[str], right: Right = Right.CONTRIBUTE) -> Iterator[tuple[Evidence, City]]:
    """Load a record for a change, once ``actor`` holds ``right`` on it (``record_for``);
    afterwards write its audit event if anything changed.

    Every change to a record goes through here, so here a verified record whose content
    (``CONTENT``) changed goes back to submitted (see ``_withdraw``; what to say of it is
    added to ``withdrawn``), and whoever changed more than its status becomes its
    ``updated_by``: one of the two people who may not review it.
    """
    row = record_for(session, actor, code, right)
    city = session.get(City, row.city_id)
    assert city is not None  # a record's city cannot be removed
    before = view_of(session, row).as_json()
    yield row, city
    session.flush()
    after = view_of(session, row).as_json()
    if _differs(before, after):
        if any(before.get(k) != after.get(k) for k in after if k not in _REVIEW_FIELDS):
            row.updated_by = actor.name
        changed = content_changes(before, after)
        if changed and before["status"] == "verified" and row.status == "verified":
            withdrawn.append(_withdraw(row, before, changed, actor))
            after = view_of(session, row).as_json()
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        after["updated_at"] = iso_time(row.updated_at)
        record_event(session, actor, action, "evidence", row.id, row.city_id, before, after)


#: What a verification covers: changing any of these on a verified record returns it to
#: submitted for review. The owner, the tags and the status itself are bookkeeping around the
#: record, not what a reviewer checked, and change nothing about its verification.
CONTENT = ("kind", "title", "summary", "organiser", "unit", "start", "end", "valid_until",
           "source_url", "language", "links", "indicators", "attachments")


#: What a review decision (or a change of status) changes: not who last changed the record.
_REVIEW_FIELDS = frozenset({"status", "status_by", "status_at", "status_reason", "updated_at"})


def content_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The ``CONTENT`` fields that differ between two snapshots (``EvidenceView.as_json``)."""
    def value(snapshot: Mapping[str, Any], name: str) -> Any:
        got = snapshot.get(name)
        if name == "attachments":  # the files, not when they were attached
            return sorted((a.get("sha256"), a.get("name")) for a in got or [])
        if name in ("links", "indicators"):
            return sorted(repr(sorted(item.items())) for item in got or [])
        return got
    return [name for name in CONTENT if value(before, name) != value(after, name)]


def verified_by_text(by: str | None, at: str | None) -> str:
    """"by Lan on 2025-05-05": who verified and when (``iso_time`` text), as much of it as is known."""
    who = f"by {by}" if by else ""
    when = f"on {at[:10]}" if at else ""
    return " ".join(p for p in (who, when) if p)


def _withdraw(row: Evidence, before: Mapping[str, Any], changed: list[str], actor: Actor) -> str:
    """Return a verified record whose content changed to submitted; the message that says so.

    The status fields then say who changed it and when, and the reason names the verification
    it lost and the fields that changed, so the audit event's after-state explains itself.
    """
    was = verified_by_text(before.get("status_by"), before.get("status_at"))
    row.status, row.status_by, row.status_at = "submitted", actor.name, utcnow()
    row.status_reason = (f"changed after verification{' ' + was if was else ''} ({', '.join(changed)}); "
                         "to be reviewed again")
    return (f"{row.code} was verified{' ' + was if was else ''}; this change ({', '.join(changed)}) "
            "returns it to submitted for review")


@dataclass
class Verification:
    """A record's latest verification: who, when, and which content fields changed since."""

    by: str | None
    at: str | None
    changed: list[str]
    current: bool  # the record is verified now

    def as_json(self) -> dict[str, Any]:
        return {"by": self.by, "at": self.at, "changed_since": self.changed, "current": self.current}


def last_verification(ws: Workspace, actor: Actor, code: str) -> Verification | None:
    """The latest verification of a record, from the audit log; None if it was never verified.

    The audit event that verified it holds the content as the reviewer saw it; that is
    compared with the content now.
    """
    with ws.reading() as session:
        row = record_for(session, actor, code, Right.READ)
        return _verification_of(session, row, view_of(session, row))


def _verification_of(session: Session, row: Evidence, view: EvidenceView,
                     events: Sequence[AuditEvent] | None = None) -> Verification | None:
    """``last_verification`` of a record already found and allowed, ``view`` being its view
    (``events``: its audit events, newest first, when read already)."""
    now = view.as_json()
    if events is None:
        events = list(session.exec(events_of(row.code, row.id).order_by(col(AuditEvent.id).desc())))
    for event in events:
        after, before = event.after or {}, event.before or {}
        if after.get("status") == "verified" and (
                before.get("status") != "verified" or before.get("status_at") != after.get("status_at")):
            return Verification(after.get("status_by") or event.actor, after.get("status_at") or iso_time(event.at),
                                content_changes(after, now), row.status == "verified")
    if row.status == "verified":  # no event says more than the record itself
        return Verification(row.status_by, iso_time(row.status_at), [], True)
    return None


def _links_of(session: Session, row: Evidence) -> dict[str, EvidenceLink]:
    """A record's links by criterion."""
    return {lk.criterion: lk for lk in session.exec(select(EvidenceLink).where(EvidenceLink.evidence_id == row.id))}


def _differs(before: dict[str, Any], after: dict[str, Any]) -> bool:
    def kept(snapshot: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in snapshot.items() if k != "updated_at"}

    return kept(before) != kept(after)


def get_evidence(ws: Workspace, actor: Actor, code: str) -> EvidenceView:
    """One record with its links, files and values (``HN-0042``, ``hn-42``); needs the right to read
    its city."""
    with ws.reading() as session:
        return view_of(session, record_for(session, actor, code, Right.READ))


@dataclass
class ShownEvidence:
    """A record as ``evidence show`` gives it: the record, its latest verification, its comments,
    and each attached photo with the date it was taken (``view.warnings`` flags those far from the
    record's dates)."""

    view: EvidenceView
    verification: Verification | None
    comments: list[CommentView] = field(default_factory=list)
    photos: list[PhotoDate] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The record as exported (``EvidenceView.as_json``) and what showing it adds: the
        verification, the comments, the photos' dates and the warnings (said, not stored: no
        export carries the photos or the warnings)."""
        return {**self.view.as_json(), "verification": self.verification.as_json() if self.verification else None,
                "comments": [c.as_json() for c in self.comments], "photos": [p.as_json() for p in self.photos],
                "warnings": list(self.view.warnings)}


def show_evidence(ws: Workspace, actor: Actor, code: str) -> ShownEvidence:
    """A record, its latest verification (who, when, what changed since) and its comments; needs the
    right to read the record's city."""
    with ws.reading() as session:
        return _shown(ws, session, record_for(session, actor, code, Right.READ))


def _shown(ws: Workspace, session: Session, row: Evidence,
           events: Sequence[AuditEvent] | None = None) -> ShownEvidence:
    """``show_evidence`` of a record already found and allowed (``events``: its audit events,
    newest first, when read already)."""
    from readiness.comments import comments_of
    from readiness.intake.photos import check_view  # photos taken far from the record's dates

    view = view_of(session, row)
    photos = check_view(ws, view)
    view.warnings += photos.warnings()
    return ShownEvidence(view, _verification_of(session, row, view, events), comments_of(session, row.id),
                         photos.photos)


def edit_evidence(ws: Workspace, actor: Actor, code: str, raw: Mapping[str, Any], *,
                  today: dt.date | None = None, add_tags: Sequence[str] = (),
                  remove_tags: Sequence[str] = ()) -> EvidenceView:
    """Change fields of a record. Bilingual texts merge by language: setting ``title.en`` keeps ``vi``.

    ``raw["tags"]`` replaces the tags; ``add_tags`` and ``remove_tags`` change only those named
    (``case-study`` marks a record for the progress report's case studies), a tag to remove being
    matched regardless of case and accents. The status moves between draft and submitted here;
    verified and rejected go through ``verify_records`` and ``reject_record`` so that who decided,
    when and why is kept.
    """
    refuse_decided_status(raw)
    fields, problems = check_fields(raw, required=False, today=today)
    raise_problems(problems)
    adding, removing = check_tags(list(add_tags)), check_tags(list(remove_tags))
    if (adding or removing) and "tags" in fields:
        raise InvalidValueError("tags: --tag replaces all tags; give it alone, or use --add-tag and --remove-tag")
    if both := {fold(t) for t in adding} & {fold(t) for t in removing}:
        raise InvalidValueError(f"tags: {sorted(both)[0]!r} is both added and removed; give it once")
    if not fields and not adding and not removing:
        raise InvalidValueError("nothing to change: give at least one field option (see --help)")
    with _changing(ws, actor, code, "evidence.edit", Right.CONTRIBUTE) as (session, row, city):
        if "unit" in fields:
            moved_to = find_unit(session, city, fields["unit"]).id if fields["unit"] else None
            if moved_to != row.unit_id:  # a move needs the right in the unit it goes to as well
                require(session, actor, Right.CONTRIBUTE, Scope(city.id, moved_to),
                        what=f"to {fields['unit'] or 'no unit'} (moving {row.code})")
        if adding or removing:
            fields["tags"] = _changed_tags(row.code, list(row.tags), adding, removing)
        for name in TEXT_FIELDS:
            if name in fields:
                merged = {**getattr(row, name), **fields[name]} if fields[name] else {}
                if name == "title" and not merged:
                    raise InvalidValueError("title: a record needs a title")
                fields[name] = merged
        if fields.get("status") and fields["status"] != row.status:
            row.status_by, row.status_at, row.status_reason = None, None, None
        _apply(session, row, city, fields)
        session.add(row)
    return get_evidence(ws, actor, code)


def _changed_tags(code: str, tags: list[str], adding: list[str], removing: list[str]) -> list[str]:
    """``tags`` less ``removing`` (each must be there) plus ``adding`` (kept once), compared by ``fold``."""
    held = {fold(t) for t in tags}
    absent = [t for t in removing if fold(t) not in held]
    if absent:
        has = ", ".join(tags) if tags else "none"
        raise InvalidValueError(f"tags: {code} has no tag {absent[0]!r} to remove (its tags: {has})")
    gone = {fold(t) for t in removing}
    kept = [t for t in tags if fold(t) not in gone]
    kept += [t for t in adding if fold(t) not in {fold(k) for k in kept}]
    return check_tags(kept)


def link_evidence(ws: Workspace, actor: Actor, code: str, refs: Sequence[str], rationale: str | None,
                  catalogue: Catalogue, *, today: dt.date | None = None) -> EvidenceView:
    """Link a record to criteria; linking again only updates the rationale.

    The view's ``warnings`` name each of ``refs`` the record can never count for as it stands
    (on ``today``); it is linked all the same.
    """
    checked = [check_link(r, catalogue) for r in refs]
    why = check_rationale(rationale)
    with _changing(ws, actor, code, "evidence.link", Right.CONTRIBUTE) as (session, row, _city):
        existing = _links_of(session, row)
        for ref in checked:  # a ref given twice is linked once
            if ref in existing:
                if why is not None:
                    existing[ref].rationale = why
                    session.add(existing[ref])
            else:
                existing[ref] = EvidenceLink(evidence_id=stored_id(row), criterion=ref, rationale=why)
                session.add(existing[ref])
        if len(existing) > MAX_LINKS:
            raise InvalidValueError(f"criteria: a record can have at most {MAX_LINKS} links")
    view = get_evidence(ws, actor, code)
    view.warnings = _unreachable_links(view, checked, catalogue, today)
    return view


def link_warnings(view: EvidenceView, ref: str, catalogue: Catalogue, today: dt.date | None = None) -> list[str]:
    """Why the record can never count for the criterion ``ref`` as it stands; empty when it may.

    Each reason is a clause about the criterion ("it takes only event records, not plan records").

    The criterion's evidence rules (``frameworks.schema.EvidenceRequirement``) decide, as scoring
    applies them on ``today``: a kind it does not take, a date older than ``max_age_years``
    allows (or a ``valid_until`` already passed), no attached file where one is required. A
    criterion met by the city profile takes no records at all; an area link is never warned of.
    """
    from readiness.scoring.engine import RecordFact, cutoff_of, timing_of

    ref = clean(ref)
    criterion = catalogue.resolve(ref)
    if criterion is None:
        return []
    if criterion.evidence is None:
        fields = ", ".join(criterion.profile.fields) if criterion.profile else ""
        return [f"it is met by the city profile ({fields}), not by evidence records"]
    req, r, today = criterion.evidence, view.row, today or dt.date.today()
    reasons = []
    kinds = [k.value for k in req.kinds]
    if r.kind not in kinds:
        reasons.append(f"it takes only {' or '.join(kinds)} records, not {r.kind} records")
    fact = RecordFact(code=r.code, kind=r.kind, status=r.status, start=dates.from_iso(r.start),
                      end=dates.from_iso(r.end), valid_until=dates.from_iso(r.valid_until))
    timing = timing_of(fact, today, cutoff_of(req.max_age_years, today))
    if timing == "too_old" and fact.dated is not None:
        reasons.append(f"dated {fact.dated.iso()}, it is older than the {req.max_age_years:g} years it accepts "
                       f"(as of {today.isoformat()})")
    elif timing == "expired" and fact.valid_until is not None:
        reasons.append(f"it was valid until {fact.valid_until.iso()}, which has passed")
    if req.file_required and not view.attachments:
        reasons.append(f"it needs an attached file and none is attached (`readiness evidence attach {r.code} FILE`)")
    return reasons


def _unreachable_links(view: EvidenceView, refs: Iterable[str], catalogue: Catalogue,
                       today: dt.date | None = None) -> list[str]:
    """A warning per criterion in ``refs`` (qualified: ``kflc:2.6.1``) the record can never count for
    as it stands (``link_warnings``); a ref given twice is warned of once.

    The links are kept all the same: a record may be fixed (a file attached, a date corrected) later.
    """
    lines = []
    for ref in dict.fromkeys(refs):
        reasons = link_warnings(view, ref, catalogue, today)
        if reasons:
            lines.append(f"{view.code} can never count for {ref} as it stands (linked anyway): " + "; ".join(reasons))
    return lines


def unlink_evidence(ws: Workspace, actor: Actor, code: str, refs: Sequence[str]) -> EvidenceView:
    with _changing(ws, actor, code, "evidence.unlink", Right.CONTRIBUTE) as (session, row, _city):
        existing = _links_of(session, row)
        for ref in refs:
            ref = clean(ref)
            if ref not in existing:
                raise NotFoundError(f"{row.code} is not linked to {ref}; its links: {', '.join(existing) or 'none'}")
            session.delete(existing.pop(ref))
    return get_evidence(ws, actor, code)


@dataclass
class Attached:
    """What ``attach_files`` did: the record now, and the names newly attached (a file it had is skipped)."""

    view: EvidenceView
    added: list[str]


def attach_files(ws: Workspace, actor: Actor, code: str, paths: Sequence[FileSource], *,
                 max_size: int = DEFAULT_MAX_SIZE, progress: Callable[[int], None] | None = None) -> Attached:
    """Attach files to a record; returns the record and the names newly attached.

    Each file is a path (named as the file is) or a (name, path) pair (an upload kept in a
    temporary file under another name)."""
    with ws.session() as session:
        record_for(session, actor, code, Right.CONTRIBUTE)  # fail before copying gigabytes
    with workspace_store(ws).batch() as store:
        stored = store_files(store, paths, max_size, progress)
        with _changing(ws, actor, code, "evidence.attach", Right.CONTRIBUTE) as (session, row, _city):
            added = attach_stored(session, actor, row, stored)
    return Attached(get_evidence(ws, actor, code), added)


def detach_file(ws: Workspace, actor: Actor, code: str, which: str) -> EvidenceView:
    """Remove an attachment by its name or the start of its SHA-256 (the bytes stay until pruned)."""
    with _changing(ws, actor, code, "evidence.detach", Right.CONTRIBUTE) as (session, row, _city):
        attachments = list(session.exec(select(Attachment).where(Attachment.evidence_id == row.id)))
        wanted = which.strip()
        found = [a for a in attachments if a.name == wanted] or [
            a for a in attachments if len(wanted) >= 6 and a.sha256.startswith(wanted.lower())]
        if not found:
            names = ", ".join(f"{a.name} ({a.sha256[:8]})" for a in attachments) or "none"
            raise NotFoundError(f"{row.code} has no attachment {which!r}; its attachments: {names}")
        if len(found) > 1:
            raise InvalidValueError(f"{which!r} names {len(found)} attachments of {row.code}; "
                                    "give the start of the SHA-256")
        session.delete(found[0])
    return get_evidence(ws, actor, code)


def reject_record(ws: Workspace, actor: Actor, code: str, reason: str | None) -> EvidenceView:
    """Reject a record, saying why (kept with who and when); it no longer counts until fixed and verified.

    Needs the right to review in the record's city, and someone other than who created or last
    changed the record (four eyes).
    """
    reason = check_rationale(reason)
    if not reason:
        raise InvalidValueError("reject: give the reason with --reason, so the owner knows what to fix")
    with _changing(ws, actor, code, "evidence.reject", Right.REVIEW) as (session, row, _city):
        row.status, row.status_by, row.status_at, row.status_reason = "rejected", actor.name, utcnow(), reason
        session.add(row)
    return get_evidence(ws, actor, code)


def verify_records(ws: Workspace, actor: Actor, codes: Sequence[str], note: str | None = None) -> list[EvidenceView]:
    """Verify several records in one transaction: all of them, or none when one cannot be.

    Each needs the right to review in its city, and someone other than who created or last
    changed it (four eyes); every record is checked before any is verified.
    """
    note = check_rationale(note)
    wanted = list(dict.fromkeys(codes))  # a record named twice is verified once
    with ws.session() as session:
        for code in wanted:
            record_for(session, actor, code, Right.REVIEW)
        for code in wanted:
            with _changing_in(session, actor, code, "evidence.verify", [], Right.REVIEW) as (row, _city):
                row.status, row.status_by, row.status_at, row.status_reason = "verified", actor.name, utcnow(), note
                session.add(row)
    return [get_evidence(ws, actor, code) for code in wanted]


def remove_evidence(ws: Workspace, actor: Actor, code: str) -> EvidenceView:
    """Delete a record with its links, attachment rows and values; the audit log keeps it all."""
    with ws.session() as session:
        row = record_for(session, actor, code, Right.CONTRIBUTE)
        view = view_of(session, row)
        for model in (EvidenceLink, Attachment, IndicatorValue):
            for child in session.exec(select(model).where(model.evidence_id == row.id)):
                session.delete(child)
        session.flush()
        session.delete(row)
        record_event(session, actor, "evidence.remove", "evidence", row.id, row.city_id, view.as_json(), None)
    return view


# ---------------------------------------------------------------------------------------------
# Finding records


@dataclass
class EvidenceFilter:
    """What ``evidence list`` narrows by; every field is optional.

    ``criterion`` is a ref as typed: ``2.6.1`` is ``kflc:2.6.1`` when one framework has it.
    """

    city: str | None = None
    unit: str | None = None
    kinds: tuple[str, ...] = ()
    criterion: str | None = None
    statuses: tuple[str, ...] = ()
    since: dates.PartialDate | None = None
    until: dates.PartialDate | None = None
    text: str | None = None
    tag: str | None = None


#: The longest --search: each word is one more condition of the query, and a few thousand of
#: them overflow the database's parser.
MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 20


def list_evidence(ws: Workspace, actor: Actor, flt: EvidenceFilter | None = None) -> list[EvidenceView]:
    """Records matching the filter, oldest documented first (undated last), then by id.

    Only records of the cities ``actor`` may read; a city named needs the right to read it.
    """
    return page_evidence(ws, actor, flt).views


@dataclass
class EvidencePage:
    """One page of ``page_evidence``: the records on it and how many match in all."""

    views: list[EvidenceView]
    total: int
    offset: int
    limit: int | None


#: The most records one page holds (the web app's list and the JSON API).
MAX_PAGE = 500


def page_evidence(ws: Workspace, actor: Actor, flt: EvidenceFilter | None = None, *, offset: int = 0,
                  limit: int | None = None, newest_first: bool = False) -> EvidencePage:
    """The records ``list_evidence`` gives, ``limit`` of them from ``offset`` (None: all), with the
    total that match: only the records of the page are read whole (links, files, values).

    Sorted in the database (undated last, then by start, then by code; ``newest_first``: the
    latest start first, undated still last) unless the filter needs Python (a tag, dates), which
    then reads the matching rows' dates and tags but still builds only the page.
    """
    flt = flt or EvidenceFilter()
    criterion = _check_page(ws, flt, offset, limit)
    with ws.reading() as session:
        ids, total = _page_ids(session, actor, flt, criterion, offset, limit, newest_first)
        found = {r.id: r for chunk in _chunks(ids)
                 for r in session.exec(select(Evidence).where(col(Evidence.id).in_(chunk)))}
        views = views_of(session, [found[i] for i in ids])
    if "submitted" in flt.statuses:  # the review queue: photos taken far from their record's dates
        from readiness.intake.photos import photo_warnings

        for view in views:
            view.warnings += photo_warnings(ws, view)
    return EvidencePage(views, total, offset, limit)


@dataclass(frozen=True)
class EvidenceLine:
    """A record as one line of a list shows it: no links, files or values, and the texts only
    the title (``page_lines``)."""

    code: str
    city: str
    unit: str | None
    kind: str
    title: dict[str, str]
    start: str | None
    end: str | None
    status: str


@dataclass
class LinesPage:
    """One page of ``page_lines``: its lines and how many records match in all."""

    lines: list[EvidenceLine]
    total: int
    offset: int
    limit: int | None


def page_lines(ws: Workspace, actor: Actor, flt: EvidenceFilter | None = None, *, offset: int = 0,
               limit: int | None = None, newest_first: bool = False) -> LinesPage:
    """The page ``page_evidence`` gives, as lines of a list: the same records in the same order,
    reading only the columns a line shows (a list page of 50 records need not build their 100
    links, their files and their bilingual summaries)."""
    flt = flt or EvidenceFilter()
    criterion = _check_page(ws, flt, offset, limit)
    with ws.reading() as session:
        return _lines(session, actor, flt, criterion, offset, limit, newest_first)


def _lines(session: Session, actor: Actor, flt: EvidenceFilter, criterion: str | None, offset: int,
           limit: int | None, newest_first: bool, city: City | None = None, cities: dict[int, str] | None = None,
           units: dict[int, str] | None = None) -> LinesPage:
    """``page_lines`` in an open reading; ``city`` as ``_evidence_query`` takes it, and the names
    of ``cities`` and ``units`` by id when the caller has read them (else they are read here)."""
    ids, total = _page_ids(session, actor, flt, criterion, offset, limit, newest_first, city)
    columns = [col(c) for c in (Evidence.id, Evidence.code, Evidence.city_id, Evidence.unit_id, Evidence.kind,
                                Evidence.title, Evidence.start, Evidence.end, Evidence.status)]
    found: dict[int, Any] = {r.id: r for chunk in _chunks(ids)
                             for r in session.execute(sa_select(*columns).where(col(Evidence.id).in_(chunk)))}
    cities = dict(cities or {})
    if missing := {r.city_id for r in found.values()} - set(cities):
        cities.update((stored_id(c), c.name) for c in session.exec(select(City).where(col(City.id).in_(missing))))
    units = dict(units or {})
    if missing := {r.unit_id for r in found.values() if r.unit_id} - set(units):
        units.update((u.id, u.name) for u in session.exec(select(Unit).where(col(Unit.id).in_(missing)))
                     if u.id is not None)
    lines = [EvidenceLine(r.code, cities[r.city_id], units.get(r.unit_id), r.kind, dict(r.title), r.start, r.end,
                          r.status) for r in (found[i] for i in ids)]
    return LinesPage(lines, total, offset, limit)


@dataclass
class ListingChoices:
    """What a list's filters offer (``listing_choices``): the cities the person may read, the city
    listed (the one asked for, or the only one they may read) and its units, in tree order."""

    cities: list[str]
    city: str | None
    units: list[str]


def listing_choices(ws: Workspace, actor: Actor, city: str | None = None) -> ListingChoices:
    """The choices a list of records offers for ``city`` (typed as a person types it); a city the
    person may not read is refused as ``page_lines`` refuses it."""
    with ws.reading() as session:
        cities, found, units = _choices(session, actor, city)
    return ListingChoices([c.name for c in cities], found.name if found else None, [u.name for u in units])


def _choices(session: Session, actor: Actor, city_name: str | None) -> tuple[list[City], City | None, list[Unit]]:
    """``listing_choices`` as rows, in an open reading."""
    from readiness.cities import _unit_tree

    readable = readable_cities(session, actor)
    query = select(City).order_by(col(City.name))
    cities = list(session.exec(query.where(col(City.id).in_(readable)) if readable is not None else query))
    city = city_for(session, actor, city_name, Right.READ) if city_name else cities[0] if len(cities) == 1 else None
    units: list[Unit] = []
    if city is not None:
        stack = list(reversed(_unit_tree(session, city)))
        while stack:  # depth first, in tree order
            node = stack.pop()
            units.append(node.unit)
            stack.extend(reversed(node.children))
    return cities, city, units


@dataclass
class EvidenceListing:
    """What a list of records shows (``evidence_listing``): a page of lines and its filters'
    choices: the cities the person may read, and the units of the city listed, in tree order."""

    page: LinesPage
    cities: list[str]
    city: str | None
    units: list[str]


def evidence_listing(ws: Workspace, actor: Actor, flt: EvidenceFilter | None = None, *, offset: int = 0,
                     limit: int | None = None) -> EvidenceListing:
    """``page_lines`` with the choices a list's filters offer, in one reading. The city listed is
    the filter's, or the only one the person may read; a filter naming a city they may not read is
    refused as ``page_lines`` refuses it."""
    flt = flt or EvidenceFilter()
    criterion = _check_page(ws, flt, offset, limit)
    with ws.reading() as session:
        cities, city, units = _choices(session, actor, flt.city)
        page = _lines(session, actor, flt, criterion, offset, limit, False, city,
                      {c.id: c.name for c in cities if c.id is not None},
                      {u.id: u.name for u in units if u.id is not None})
    return EvidenceListing(page, [c.name for c in cities], city.name if city else None, [u.name for u in units])


def _check_page(ws: Workspace, flt: EvidenceFilter, offset: int, limit: int | None) -> str | None:
    """Refuse a page or a search out of bounds; the criterion the filter names, resolved."""
    if offset < 0 or (limit is not None and not 0 < limit <= MAX_PAGE):
        raise InvalidValueError(f"a page starts at 0 or later and holds 1 to {MAX_PAGE} records")
    if flt.text and (len(flt.text) > MAX_SEARCH_CHARS or len(flt.text.split()) > MAX_SEARCH_WORDS):
        raise InvalidValueError(f"--search: {len(flt.text):,} characters, {len(flt.text.split()):,} words; "
                                f"search with at most {MAX_SEARCH_WORDS} words and {MAX_SEARCH_CHARS} characters")
    return _criterion_of(ws, flt.criterion) if flt.criterion is not None else None


def _chunks(ids: list[int], size: int = 900) -> Iterator[list[int]]:
    """``ids`` in parts that stay under SQLite's bound-parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _page_ids(session: Session, actor: Actor, flt: EvidenceFilter, criterion: str | None, offset: int,
              limit: int | None, newest_first: bool, city: City | None = None) -> tuple[list[int], int]:
    """The ids of a page's records in their order, and how many records match in all.

    The ids are sorted and paged alone: a sort of whole rows copies every title and summary of the
    city (6.6 of a list page's 7.3 ms of SQL on 5,000 records, before)."""
    query = _evidence_query(session, actor, flt, criterion, city)
    if flt.tag or flt.since or flt.until:
        rows = sorted(session.execute(query.with_only_columns(
            col(Evidence.id), col(Evidence.code), col(Evidence.start), col(Evidence.end), col(Evidence.tags))),
            key=lambda r: (r.start or "", r.code), reverse=newest_first)
        rows.sort(key=lambda r: r.start is None)  # stable: undated last either way
        if flt.tag:
            key = fold(flt.tag)
            rows = [r for r in rows if any(fold(t) == key for t in r.tags)]
        if flt.since or flt.until:
            rows = [r for r in rows if _overlaps(r, flt.since, flt.until)]
        kept = rows[offset:offset + limit] if limit is not None else rows[offset:]
        return [r.id for r in kept], len(rows)
    order = (col(Evidence.start).is_(None), col(Evidence.start).desc(), col(Evidence.code).desc()) \
        if newest_first else (col(Evidence.start).is_(None), col(Evidence.start), col(Evidence.code))
    if flt.text:
        # A search reads every record's text once: the total comes with the page (a window
        # count), not from a second pass (on 5,000 records each pass took about 1 ms).
        paged = query.with_only_columns(col(Evidence.id), func.count().over()).order_by(*order).offset(offset)
        found = list(session.execute(paged.limit(limit) if limit is not None else paged))
        if found or offset == 0:
            return [r[0] for r in found], found[0][1] if found else 0
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    paged = query.with_only_columns(col(Evidence.id)).order_by(*order).offset(offset)
    return list(session.exec(paged.limit(limit) if limit is not None else paged)), total


def _evidence_query(session: Session, actor: Actor, flt: EvidenceFilter, criterion: str | None,
                    city: City | None = None) -> Any:
    """The query for the records of ``flt`` that ``actor`` may read (all but tags and dates);
    ``city``: the filter's city, already found and its reading allowed."""
    readable = readable_cities(session, actor)
    query = select(Evidence)
    if readable is not None:
        query = query.where(col(Evidence.city_id).in_(readable))
    if city is None and flt.city:
        city = city_for(session, actor, flt.city, Right.READ)
    if city is not None:
        query = query.where(Evidence.city_id == city.id)
        if flt.unit:
            query = query.where(col(Evidence.unit_id).in_(_subtree(session, find_unit(session, city, flt.unit))))
    elif flt.unit:
        raise InvalidValueError("--unit needs --city: units belong to a city")
    if flt.kinds:
        query = query.where(col(Evidence.kind).in_([check_kind(k) for k in flt.kinds]))
    if flt.statuses:
        query = query.where(col(Evidence.status).in_([check_status(s) for s in flt.statuses]))
    if criterion:
        linked = select(EvidenceLink.evidence_id).where(EvidenceLink.criterion == clean(criterion))
        query = query.where(col(Evidence.id).in_(linked))
    if flt.text:
        for word in fold_words(flt.text).split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(col(Evidence.search_key).like(pattern, escape="\\"))
    return query


def _criterion_of(ws: Workspace, ref: str) -> str:
    """A criterion or area as typed, resolved by the workspace's frameworks (the one resolver of typed refs)."""
    from readiness.frameworks.loader import load_catalogue

    return load_catalogue(ws.settings.criteria_dir).qualify(ref, areas=True)


def _overlaps(row: Any, since: dates.PartialDate | None, until: dates.PartialDate | None) -> bool:
    start = dates.from_iso(row.start)
    if start is None:
        return False
    end = dates.from_iso(row.end) or start
    if since and end.last_day < since.first_day:
        return False
    return not (until and start.first_day > until.last_day)


def _subtree(session: Session, unit: Unit) -> list[int]:
    units = list(session.exec(select(Unit).where(Unit.city_id == unit.city_id)))
    ids, frontier = [unit.id], [unit.id]
    while frontier:
        frontier = [u.id for u in units if u.parent_id in frontier]
        ids.extend(frontier)
    return ids  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# What a front end's pages need: one call each (the web app's record page, forms and downloads)


@dataclass(frozen=True)
class LinkStanding:
    """One link of a record and whether the record counts for its criterion as it stands today,
    decided by scoring's own rule (``scoring.engine.tally_reasons``).

    ``counts`` is None for a link scoring judges per criterion of an area (an area link) or to a
    criterion no framework has now. ``partly``: it counts at the framework's weight for
    unverified records until it is verified. ``reasons`` are scoring's codes (``rejected``,
    ``wrong_kind``, ``too_old``, ``expired``, ``future``, ``undated``, ``no_file``,
    ``not_verified``), or ``profile`` for a criterion met by the city profile, not by records.
    """

    criterion: str
    rationale: str | None
    counts: bool | None
    partly: bool
    reasons: tuple[str, ...]


def link_standing(view: EvidenceView, catalogue: Catalogue, today: dt.date | None = None) -> list[LinkStanding]:
    """Each link of ``view`` with whether it counts today and, if not, why (scoring's reasons)."""
    from readiness.scoring.engine import RecordFact, Tally, cutoff_of, tally_reasons, timing_of

    today = today or dt.date.today()
    r = view.row
    fact = RecordFact(code=r.code, kind=r.kind, status=r.status, start=dates.from_iso(r.start),
                      end=dates.from_iso(r.end), valid_until=dates.from_iso(r.valid_until),
                      files=len(view.attachments))
    out = []
    for lk in view.links:
        criterion = catalogue.resolve(lk.criterion)
        if criterion is None:
            out.append(LinkStanding(lk.criterion, lk.rationale, None, False, ()))
            continue
        req = criterion.evidence
        if req is None:
            out.append(LinkStanding(lk.criterion, lk.rationale, False, False, ("profile",)))
            continue
        timing = timing_of(fact, today, cutoff_of(req.max_age_years, today))
        tally = Tally(1, r.status == "verified", fact.files > 0, timing, record=fact,
                      wrong_kind=r.kind not in [k.value for k in req.kinds], rejected=r.status == "rejected")
        reasons = tuple(tally_reasons(tally, criterion))
        out.append(LinkStanding(lk.criterion, lk.rationale, not reasons, not reasons and r.status != "verified",
                                reasons))
    return out


@dataclass(frozen=True)
class HistoryLine:
    """One event of a record's history, readable: who did what when, which fields changed, the
    status it moved to (and why), a comment's text."""

    at: dt.datetime
    actor: str
    action: str  # the audit action: evidence.add, evidence.edit, evidence.attach, evidence.comment...
    changed: tuple[str, ...] = ()
    status: str | None = None
    reason: str | None = None
    comment: str | None = None


def _history_line(event: AuditEvent) -> HistoryLine:
    before, after = event.before or {}, event.after or {}
    if event.action == "evidence.comment":
        return HistoryLine(event.at, event.actor, event.action, comment=after.get("comment"))
    changed = tuple(content_changes(before, after)) if before and after else ()
    status = after.get("status") if after.get("status") != before.get("status") else None
    return HistoryLine(event.at, event.actor, event.action, changed, status,
                       after.get("status_reason") if status else None)


@dataclass
class RecordSheet:
    """Everything a record's page shows: the record with its verification and comments, what the
    reader may do on it, each link's standing, and its history (newest first)."""

    shown: ShownEvidence
    actions: RecordActions
    links: list[LinkStanding]
    history: list[HistoryLine]


#: The most history lines a record's page shows.
HISTORY_LINES = 200


def record_sheet(ws: Workspace, actor: Actor, code: str, catalogue: Catalogue,
                 today: dt.date | None = None) -> RecordSheet:
    """A record as its page shows it (``show_evidence`` and more); needs the right to read its city."""
    with ws.reading() as session:  # one reading of the record, one check of the right
        row = record_for(session, actor, code, Right.READ)
        of_row = row_events(session, row)  # read once for the four eyes, the verification and the history
        of_code = [e for e in reversed(of_row) if row.code in ((e.after or {}).get("id"), (e.before or {}).get("id"))]
        shown = _shown(ws, session, row, of_code)
        actions = _actions_on(session, actor, row, of_row)
        history = [_history_line(e) for e in of_code[:HISTORY_LINES]]
    return RecordSheet(shown, actions, link_standing(shown.view, catalogue, today), history)


def evidence_to_change(ws: Workspace, actor: Actor, code: str) -> EvidenceView:
    """The record ``code``, once ``actor`` may change it (``Right.CONTRIBUTE`` on it); else the
    refusal. For a front end to refuse an upload before reading it: ``attach_files`` checks again."""
    with ws.reading() as session:
        return view_of(session, record_for(session, actor, code, Right.CONTRIBUTE))


@dataclass
class ContributableUnits:
    """Where a person may add records in a city: the units (each with the units under it, by
    name, in tree order) and whether a record with no unit (the city's own) is theirs to add."""

    city: str
    units: list[str]
    no_unit: bool


def contributable_units(ws: Workspace, actor: Actor, city_name: str) -> ContributableUnits:
    """The units of a city where ``actor`` may add records (a form's choices); needs the right to
    read the city. ``add_evidence`` checks the unit given all the same."""
    from readiness.cities import _unit_tree

    with ws.reading() as session:
        city = city_for(session, actor, city_name, Right.READ)
        names: list[str] = []

        def walk(nodes: list[Any]) -> None:
            for node in nodes:
                if may(session, actor, Right.CONTRIBUTE, Scope(city.id, node.unit.id)):
                    names.append(node.unit.name)
                walk(node.children)

        walk(_unit_tree(session, city))
        return ContributableUnits(city.name, names, may(session, actor, Right.CONTRIBUTE, Scope(city.id, None)))


@dataclass
class AttachmentFile:
    """An attached file to hand to the person who asked: its name, size and bytes (read in blocks
    from the store, checked against its SHA-256 as they are read)."""

    code: str
    name: str
    sha256: str
    size: int
    media_type: str
    blocks: Iterator[bytes]


def read_attachment(ws: Workspace, actor: Actor, code: str, which: str) -> AttachmentFile:
    """An attachment of the record ``code``, by its position (``1`` is the first, as the record
    lists them) or the start of its SHA-256 (six characters or more); needs the right to read the
    record's city."""
    view = get_evidence(ws, actor, code)
    wanted = which.strip().lower()
    found: list[Attachment]
    if wanted.isdigit() and len(wanted) < 6:
        n = int(wanted)
        found = [view.attachments[n - 1]] if 1 <= n <= len(view.attachments) else []
    else:
        found = [a for a in view.attachments if len(wanted) >= 6 and a.sha256.startswith(wanted)]
    if len(found) != 1:
        raise NotFoundError(f"{view.code} has no attachment {which!r}; it has {len(view.attachments)}")
    a = found[0]
    blocks = workspace_store(ws).read(a.sha256, f"{view.code}: attached file {a.name!r}", size=a.size)
    return AttachmentFile(view.code, a.name, a.sha256, a.size, a.media_type or "application/octet-stream", blocks)
