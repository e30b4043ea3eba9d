"""The dossier's context: everything its templates show, gathered once from the workspace.

``read_city`` resolves the city once and reads, in one session, its scoring facts and its
evidence; ``build_context`` scores it and chooses every text in the dossier's language into one
``DossierContext`` (the templates read nothing else and decide no rule). ``DossierOptions`` is
what a dossier is asked for, passed down whole from the use case to the PDF.

Evidence text comes from officials and spreadsheets and is treated as hostile: it is NFC
normalised, direction overrides are shown rather than obeyed, and only http and https addresses
become links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from readiness.dates import as_utc
from readiness.errors import InvalidValueError
from readiness.frameworks.catalogue import Catalogue
from readiness.labels import DOSSIER, label, record_status
from readiness.numbers import format_number
from readiness.scoring.engine import DEFINITIONS, CityFacts, Gap, Scorecard, rank_gaps
from readiness.text import BIDI_CONTROLS, in_language, pick_text

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.evidence import EvidenceView
    from readiness.scoring.facts import CityScores
    from readiness.store.db import Workspace
    from readiness.store.models import City, Evidence

#: Default cap on the files embedded in one PDF: the documented 100MB (``store.files.parse_size``).
DEFAULT_MAX_EMBED = 100_000_000
#: Records a criterion shows in full before "and N more": a page or so per criterion at most.
DEFAULT_PER_CRITERION = 5
#: Above this many records the register prints one line per record (id, kind, date, status,
#: title) and one per file: 10,000 records then take about 150 pages rather than 600.
COMPACT_REGISTER = 1000
KINDS = ("application", "readiness", "progress")
#: The framework whose criteria are the application form's items, in the form's order.
APPLICATION_FRAMEWORK = "gnlc-application"
PDF_VARIANTS = ("pdf/a-3u", "pdf/a-3b", "pdf/ua-1")
LANGUAGES = ("en", "vi")
_URL = re.compile(r"^https?://[^\s<>\"'\\]+$", re.IGNORECASE)


@dataclass(frozen=True)
class DossierOptions:
    """What a dossier is asked for, beside the city: passed down whole, from the use case to the PDF."""

    #: Only these frameworks; () for every framework.
    framework_ids: tuple[str, ...] = ()
    #: The language of every label (en or vi); evidence text in it where it exists.
    lang: str = "en"
    #: The day scored as on; None: today.
    as_of: dt.date | None = None
    #: When the dossier says it was made; None: now. Kept in UTC (one without a zone is taken as
    #: UTC, one with a zone converted). The same workspace, as_of and created give the same bytes.
    created: dt.datetime | None = None
    #: pdf to hand in, html for a browser.
    fmt: str = "pdf"
    #: Embed the attached files in the PDF.
    embed: bool = True
    #: The largest total of files to embed, in bytes.
    max_embed: int = DEFAULT_MAX_EMBED
    #: pdf/a-3u, pdf/a-3b, pdf/ua-1, or None for a plain PDF.
    pdf_variant: str | None = None
    #: Which document: ``application`` (the form UNESCO receives), ``readiness`` (the city's own
    #: review) or ``progress`` (a member's progress report).
    kind: str = "readiness"
    #: The progress report's window starts here; None: the city profile's ``member_since``.
    since: dt.date | None = None
    #: Render an application with holes (each marked) instead of refusing it; in a progress
    #: report, show records not yet verified too, marked.
    draft: bool = False
    #: Records shown in full under each criterion; the rest are counted ("and 9,870 more") and
    #: listed in the register, which is always complete.
    per_criterion: int = DEFAULT_PER_CRITERION

    def __post_init__(self) -> None:
        if self.created is not None:
            object.__setattr__(self, "created", as_utc(self.created))

    def check(self) -> None:
        """Refuse a language or PDF variant the dossier does not have."""
        if self.pdf_variant is not None and self.pdf_variant not in PDF_VARIANTS:
            raise InvalidValueError(f"--pdf-variant {self.pdf_variant!r}: one of {', '.join(PDF_VARIANTS)}")
        if self.kind not in KINDS:
            raise InvalidValueError(f"--kind {self.kind!r}: one of {', '.join(KINDS)}")
        if self.kind == "application":
            if self.lang not in ("en", "fr"):
                raise InvalidValueError(f"--lang {self.lang!r}: the application is written in the form's language "
                                        "of communication, en or fr (the profile's language field)")
        elif self.lang not in LANGUAGES:
            raise InvalidValueError(f"--lang {self.lang!r}: the {self.kind} report is written in en or vi "
                                    "(the application in en or fr)")
        if self.since is not None and self.kind != "progress":
            raise InvalidValueError("--since is for --kind progress (the report's window)")
        if self.draft and self.kind == "readiness":
            raise InvalidValueError("--draft is for --kind application or progress; the readiness report shows "
                                    "every hole already")
        if self.per_criterion < 1:
            raise InvalidValueError(f"--per-criterion {self.per_criterion}: at least 1")


@dataclass
class RecordEntry:
    """One record as the dossier shows it, texts already chosen in the dossier's language."""

    id: str
    kind: str
    kind_label: str
    title: str
    title_lang: str | None  # set when the title exists only in another language
    summary: str
    summary_lang: str | None
    organiser: str
    dates: str
    status: str
    status_label: str
    unit: str | None
    source_url: str | None
    attachments: list[dict[str, Any]]
    verified: str | None = None  # "verified by Lan on 5 May 2025", for a verified record
    reason: str | None = None  # why a rejected record was rejected
    tags: tuple[str, ...] = ()
    start: str | None = None  # ISO, as stored (a year, a month or a day)
    end: str | None = None
    #: Its photos taken far from its dates (``intake.photos``), said in the dossier's language.
    photo_flags: list[str] = field(default_factory=list)


@dataclass
class DossierContext:
    """Everything the dossier templates read; nothing else reaches them."""

    lang: str
    city: str
    country: str
    as_of: dt.date
    created: dt.datetime
    sample: bool
    fingerprint: str
    cards: list[Scorecard]
    frameworks: list[dict[str, Any]]
    records: list[RecordEntry]
    by_code: dict[str, RecordEntry]
    by_kind: list[tuple[str, int]]
    by_year: list[tuple[str, int]]
    blocking_gaps: list[Gap]
    gaps: list[Gap]
    not_applicable: list[dict[str, str]]
    profile: list[dict[str, Any]]
    texts: list[dict[str, Any]]
    challenges: list[dict[str, Any]]
    letters: list[dict[str, Any]]
    definitions: dict[str, str]
    embed: bool
    embedded: list[dict[str, Any]] = field(default_factory=list)
    #: Rejected records: out of the register, the counts and the files; an annex lists them.
    rejected: list[RecordEntry] = field(default_factory=list)
    #: Per criterion ref, the records shown in full and how many more count.
    shown: dict[str, tuple[list[str], int]] = field(default_factory=dict)
    #: Profile field ids and challenge topics with their labels in the dossier's language.
    field_labels: dict[str, str] = field(default_factory=dict)
    kind: str = "readiness"
    #: Over ``COMPACT_REGISTER`` records the register prints one line per record and per file.
    compact_register: bool = False
    #: Per gap (``framework:criterion``), its problems in plain words, a few of each kind.
    gap_lines: dict[str, list[str]] = field(default_factory=dict)


_BIDI = {ord(c): f"[U+{ord(c):04X}]" for c in BIDI_CONTROLS}


def _nfc(text: str) -> str:
    """Text as the dossier prints it: NFC (combining marks misplace in some fonts otherwise), and
    direction overrides shown as [U+202E] so "gnp.exe" cannot pass for "exe.png"."""
    return unicodedata.normalize("NFC", text).translate(_BIDI)


def safe_url(url: str | None) -> str | None:
    """The address if it is http or https and plain; None otherwise (javascript:, file:, data:...)."""
    if url and _URL.match(url.strip()):
        return url.strip()
    return None


def fingerprint(records: Sequence[dict[str, Any]], profile: Mapping[str, Any], marks: Mapping[str, str]) -> str:
    """SHA-256 over the evidence register as canonical JSON: records (without entry times), the
    city profile and the not-applicable marks. The same evidence gives the same fingerprint."""
    volatile = {"created_at", "created_by", "updated_at", "status_at"}
    register = [{k: v for k, v in r.items() if k not in volatile} for r in sorted(records, key=lambda r: r["id"])]
    for r in register:
        r["attachments"] = sorted({a["sha256"] for a in r.get("attachments", [])})
    payload = json.dumps({"records": register, "profile": profile, "not_applicable": marks},
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _verified(row: Evidence, lang: str) -> str | None:
    """Who verified a verified record and when, in ``lang``; None for any other status.

    A verified record's content is what its reviewer saw: any change returns it to submitted.
    """
    from readiness import dates
    from readiness.evidence import iso_time

    if row.status != "verified" or not (row.status_by or row.status_at):
        return None
    when = dates.from_iso(iso_time(row.status_at)[:10]).human(lang) if row.status_at else None  # type: ignore[union-attr]
    if row.status_by and when:
        return label_d("verified_by_on", lang, who=_nfc(row.status_by), date=when)
    if row.status_by:
        return label_d("verified_by", lang, who=_nfc(row.status_by))
    return label_d("verified_on", lang, date=when)


@dataclass(frozen=True)
class CityEvidence:
    """A city as the dossier reads it, in one session: its row, its scoring facts, its records."""

    city: City
    facts: CityFacts
    views: list[EvidenceView]


def read_city(ws: Workspace, city_name: str) -> CityEvidence:
    """Resolve the city once and read its facts and its records (with their files and links)."""
    from sqlmodel import col, select

    from readiness.cities import find_city
    from readiness.evidence import views_of
    from readiness.scoring.facts import city_facts
    from readiness.store.models import Evidence

    with ws.session() as session:
        city = find_city(session, city_name)
        facts = city_facts(session, city)
        rows: list[Evidence] = list(session.exec(select(Evidence).where(Evidence.city_id == city.id)
                                                 .order_by(col(Evidence.number))))
        return CityEvidence(city, facts, views_of(session, rows))


def current_fingerprint(ws: Workspace, actor: Actor, city_name: str) -> str:
    """The fingerprint a dossier of the city made now would carry (to check a dossier in hand).

    Needs the right to read the city only: a reviewer checks a dossier with it.
    """
    from readiness.access import Right, Scope, require, require_signed_in
    from readiness.profile import usable

    with ws.session() as session:
        require_signed_in(session, actor)
    found = read_city(ws, city_name)
    with ws.session() as session:  # before anything of it is shown
        require(session, actor, Right.READ, Scope(found.city.id), what=f"in {found.city.name}")
    return fingerprint([v.as_json() for v in found.views], usable(found.city.profile), dict(found.facts.not_applicable))


def dossier_fingerprint(ws: Workspace, actor: Actor, city_name: str) -> str:
    """The fingerprint of the city's evidence now, for someone who may make its dossier.

    A web server renders one dossier for everyone who asks for the same city, options and
    fingerprint (single flight): each asker is checked here before being given the shared one.
    """
    from readiness.access import Right
    from readiness.cities import city_for
    from readiness.profile import usable

    with ws.reading() as session:
        city_for(session, actor, city_name, Right.DOSSIER)
    found = read_city(ws, city_name)
    return fingerprint([v.as_json() for v in found.views], usable(found.city.profile), dict(found.facts.not_applicable))


def dossier_city(ws: Workspace, actor: Actor, city_name: str) -> str:
    """The name of the city ``city_name`` means, for someone who may make its dossier (refused
    otherwise): the cheap check a web server makes each time someone looks at a dossier being
    made, where ``dossier_fingerprint`` would read the city's whole evidence again."""
    from readiness.access import Right
    from readiness.cities import city_for

    with ws.reading() as session:
        return city_for(session, actor, city_name, Right.DOSSIER).name


class DocumentContext(Protocol):
    """What every kind of document's context holds: the renderer and the PDF read only this."""

    kind: str
    lang: str
    city: str
    as_of: dt.date
    created: dt.datetime
    fingerprint: str
    records: list[RecordEntry]
    embed: bool
    embedded: list[dict[str, Any]]


def build_document(ws: Workspace, catalogue: Catalogue, city_name: str,
                   options: DossierOptions | None = None) -> DocumentContext:
    """The context of the document ``options.kind`` asks for: the application, the readiness
    report or the progress report, all from the same evidence read once."""
    options = options or DossierOptions()
    options.check()
    if options.kind == "application":
        from readiness.dossier.application import build_application

        return build_application(ws, catalogue, city_name, options)
    if options.kind == "progress":
        from readiness.dossier.progress import build_progress

        return build_progress(ws, catalogue, city_name, options)
    return build_context(ws, catalogue, city_name, options)


def made_at(options: DossierOptions) -> dt.datetime:
    """When the document says it was made: ``options.created``, else now (UTC, whole seconds)."""
    return options.created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def build_context(ws: Workspace, catalogue: Catalogue, city_name: str,
                  options: DossierOptions | None = None) -> DossierContext:
    """Score the city and gather its evidence into the dossier's context."""
    from readiness.scoring.facts import frameworks_for, scores_of

    options = options or DossierOptions()
    options.check()
    day = options.as_of or dt.date.today()
    frameworks = frameworks_for(catalogue, options.framework_ids)
    found = read_city(ws, city_name)
    scores = scores_of(found.facts, catalogue, frameworks, day)
    context = context_of(found, scores, catalogue, options, day)
    add_photo_dates(ws, [v for v in found.views if v.code in context.by_code], context.by_code, options.lang)
    return context


def add_photo_dates(ws: Workspace, views: Sequence[EvidenceView], by_code: Mapping[str, RecordEntry],
                    lang: str) -> None:
    """Beside each attached photo of the register, the day its EXIF data says it was taken
    (``taken``), and on its record a line for each photo taken far from the record's dates
    (``intake.photos``: more than ``FAR_DAYS`` before the start or after the end)."""
    from readiness import dates
    from readiness.intake.photos import FAR_DAYS, check_view

    for view in views:
        if not any(a.media_type.startswith("image/") for a in view.attachments):
            continue
        check, entry = check_view(ws, view), by_code[view.code]
        taken = {p.sha256: p for p in check.photos}
        for a in entry.attachments:
            photo = taken.get(a["sha256"])
            if photo is None or photo.taken is None:
                continue
            day = photo.taken.date()
            a["taken"] = dates.PartialDate(day.year, day.month, day.day).human(lang)
            if photo.flagged:
                entry.photo_flags.append(label_d(
                    "photo_far_before" if photo.days_outside < 0 else "photo_far_after", lang,
                    name=a["name"], taken=a["taken"], days=f"{abs(photo.days_outside):,}",
                    dates=entry.dates, far=FAR_DAYS))


def context_of(found: CityEvidence, scores: CityScores, catalogue: Catalogue, options: DossierOptions,
               day: dt.date) -> DossierContext:
    """The context of a city already read and scored as on ``day``.

    Rejected records stay out of the register, the counts and the embedded files (an annex lists
    them with the reason); each criterion shows ``options.per_criterion`` of its counting records
    in full (verified first, then the newest) and counts the rest.
    """
    from readiness import profile as profile_fields

    lang, views, city = options.lang, found.views, found.city
    made = options.created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    prof = profile_fields.usable(city.profile)  # a bad stored value counts as not set
    kept = [v for v in views if v.row.status != "rejected"]
    records = plan_embedding(_records(kept, lang))
    kinds = Counter(r.kind for r in records)
    years = Counter((v.row.start or "")[:4] or label_d("undated", lang) for v in kept)
    marks = dict(scores.facts.not_applicable)
    gaps = rank_gaps(scores.cards)
    names = field_labels(catalogue, lang)
    by_code = {r.id: r for r in records}
    frameworks = [{"id": c.framework, "name": in_language(c.framework_name, lang), "version": c.version,
                   "draft": c.draft, "card": c, "areas": chart_bars(c, lang)} for c in scores.cards]
    return DossierContext(
        lang=lang, city=_nfc(city.name), country=city.country, as_of=day, created=made,
        sample=any("sample" in v.row.tags for v in views),
        fingerprint=fingerprint([v.as_json() for v in views], prof, marks),
        cards=scores.cards, frameworks=frameworks, records=records, by_code=by_code,
        by_kind=sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
        by_year=sorted(years.items(), key=lambda kv: kv[0]),
        blocking_gaps=[g for g in gaps if g.blocking and g.status != "met"], gaps=gaps,
        not_applicable=[{"criterion": c.ref, "title": in_language(c.title, lang),
                         "justification": c.justification or ""}
                        for card in scores.cards for c in card.all_criteria() if c.status == "not_applicable"],
        profile=_profile_rows(prof, lang), texts=_texts(prof, lang), challenges=_challenges(catalogue, prof, lang),
        letters=_letters(catalogue, scores.cards, lang),
        definitions={k: in_language(v, lang) for k, v in DEFINITIONS.items()},
        embed=options.embed and options.fmt == "pdf",
        rejected=_records([v for v in views if v.row.status == "rejected"], lang),
        shown={c.ref: shown_records(c.counted, by_code, options.per_criterion)
               for card in scores.cards for c in card.all_criteria() if c.counted},
        field_labels=names, kind="readiness", compact_register=len(records) > COMPACT_REGISTER,
        gap_lines={f"{g.framework}:{g.criterion}": gap_lines(g, lang, names, _nfc(city.name)) for g in gaps})


#: Problems of one kind a gap shows before "and N more like these": a criterion with 400 records
#: of the wrong kind needs two examples and a number, not 400 lines.
PROBLEMS_PER_KIND = 2


def gap_lines(gap: Gap, lang: str, names: Mapping[str, str], city: str) -> list[str]:
    """A gap's problems in plain words, at most ``PROBLEMS_PER_KIND`` of each kind, then a count."""
    seen: Counter[str] = Counter()
    lines: list[str] = []
    for problem in gap.problems:
        seen[problem.code] += 1
        if seen[problem.code] <= PROBLEMS_PER_KIND:
            lines.append(plain_reason(problem, lang, names, city))
    more = sum(n - PROBLEMS_PER_KIND for n in seen.values() if n > PROBLEMS_PER_KIND)
    if more:
        lines.append(label_d("more_problems", lang, n=f"{more:,}"))
    return lines


def shown_records(codes: Sequence[str], by_code: Mapping[str, RecordEntry], limit: int) -> tuple[list[str], int]:
    """The records a criterion shows in full (verified first, then the newest, then by id) and how
    many more count: a reader needs examples and a number, the register holds every record."""
    present = [code for code in codes if code in by_code]
    if len(present) <= limit:
        return present, 0
    ranked = sorted(present, key=lambda code: (by_code[code].status != "verified",
                                               _negated(by_code[code].end or by_code[code].start or ""), code))
    return ranked[:limit], len(present) - limit


def _negated(iso: str) -> tuple[int, ...]:
    """A sort key that puts later ISO dates (2025-10 > 2025) first and undated last."""
    return tuple(-int(p) for p in iso.split("-")) + (1,) if iso else (1,)


def plan_embedding(records: list[RecordEntry]) -> list[RecordEntry]:
    """Decide, before the HTML is written, under which name each attached file is embedded.

    The same bytes attached under several names (or to several records) are embedded once, under
    the first record and name that holds them; every other attachment of those bytes says which
    embedded file holds it (``embedded_as``) and the embedded file's description lists every
    record and name. Embedding the bytes again would only grow the PDF: the SHA-256 the register
    prints shows they are the same file.
    """
    first: dict[str, dict[str, Any]] = {}
    for r in records:
        for a in r.attachments:
            holder = first.get(a["sha256"])
            if holder is None:
                a["embedded_as"] = attachment_name(r.id, a["name"])
                a["also"] = []
                first[a["sha256"]] = a
            else:
                a["embedded_as"] = holder["embedded_as"]
                holder["also"].append(f"{r.id} {a['name']}")
    return records


def attachment_name(code: str, name: str) -> str:
    """The name a file is embedded under: its record's id and its name in plain ASCII."""
    from readiness.text import strip_marks

    ascii_name = strip_marks(name).encode("ascii", "replace").decode("ascii").replace("?", "_")
    ascii_name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", ascii_name)[:120]
    return f"{code} {ascii_name}"


def field_labels(catalogue: Catalogue, lang: str) -> dict[str, str]:
    """Every profile field id (``mayor_name``) and challenge topic (``literacy``) with its label in
    ``lang``: a reader sees "Mayor's name", never the id."""
    from readiness import profile as profile_fields

    names = {name: (spec.label_vi if lang == "vi" else spec.label_en)
             for name, spec in profile_fields.PROFILE_FIELDS.items()}
    names.update(topic_labels(catalogue, lang))
    return names


def topic_labels(catalogue: Catalogue, lang: str) -> dict[str, str]:
    """The challenge topics with their labels: the framework's own titles when its file gives them
    (a topic with a ``title``, or a ``topic_titles`` mapping), else the id in words
    ("sustainable-development" -> "Sustainable development")."""
    out: dict[str, str] = {}
    for entry in catalogue:
        for criterion in entry.framework.criteria.values():
            req = criterion.profile
            if req is None:
                continue
            titles = getattr(req, "topic_titles", None) or {}
            for topic in req.topics:
                topic_id = topic if isinstance(topic, str) else getattr(topic, "id", str(topic))
                title = titles.get(topic_id) if isinstance(titles, Mapping) else None
                if not title and not isinstance(topic, str):
                    title = getattr(topic, "title", None)
                if isinstance(title, Mapping):
                    text = in_language(title, lang)
                elif title is not None and hasattr(title, "get"):  # a framework Text
                    text = title.get(lang)
                else:
                    text = str(title or "")
                out[topic_id] = _nfc(text) if text else topic_id.replace("-", " ").replace("_", " ").capitalize()
    return out


def plain_reason(reason: Any, lang: str, names: Mapping[str, str], city: str = "") -> str:
    """A gap's problem for a printed page: no command line, labels rather than field ids and
    topics, long lists of records cut to five and a count."""
    from types import SimpleNamespace

    from readiness.labels import reason_text

    params = dict(reason.params)
    if "field" in params:
        params["field"] = names.get(params["field"], params["field"])
    if isinstance(params.get("topics"), list):
        params["topics"] = [names.get(t, t) for t in params["topics"]]
    for key, value in params.items():
        if isinstance(value, list) and len(value) > 5 and all(isinstance(v, str) for v in value):
            more = len(value) - 4
            params[key] = [*value[:4], label_d("n_more", lang, n=f"{more:,}")]
    return reason_text(SimpleNamespace(code=reason.code, params=params), lang, plain=True, city=city)


def _records(views: Sequence[EvidenceView], lang: str) -> list[RecordEntry]:
    """The register: each record with its texts in ``lang`` (else another, marked), by number."""
    records = []
    for v in sorted(views, key=lambda v: v.row.number):
        r = v.row
        title, title_lang = pick_text(r.title, lang)
        summary, summary_lang = pick_text(r.summary, lang)
        organiser = in_language(r.organiser, lang)
        records.append(RecordEntry(
            id=r.code, kind=r.kind, kind_label=label(r.kind, lang), title=_nfc(title), title_lang=title_lang,
            summary=_nfc(summary), summary_lang=summary_lang if summary else None, organiser=_nfc(organiser),
            dates=v.dates_text(lang), status=r.status, status_label=record_status(r.status, lang), unit=v.unit,
            source_url=safe_url(r.source_url),
            attachments=[{"name": _nfc(a.name), "size": a.size, "sha256": a.sha256, "media_type": a.media_type}
                         for a in v.attachments],
            verified=_verified(r, lang), reason=_nfc(r.status_reason) if r.status == "rejected" and r.status_reason
            else None, tags=tuple(r.tags), start=r.start, end=r.end))
    return records


def _texts(prof: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The form's two texts (motivation, implementation), with their word counts against the 200 allowed."""
    from readiness.scoring.engine import communication_language
    from readiness.text import word_count

    # The form's limit applies to the version in its language (en or fr) only; another version
    # shown here (a Vietnamese draft) has its count given for information (``limit_lang``).
    form_lang = communication_language(prof)
    texts = []
    for name in ("motivation", "implementation"):
        stored = prof.get(name) or {}
        text, other = pick_text(stored, lang)
        words = word_count(text) if text else 0
        limited = (other or lang) == form_lang
        texts.append({"field": name, "label": _field_label(name, lang), "text": _nfc(text), "lang": other,
                      "words": words, "max": 200, "over": limited and words > 200,
                      "limit_lang": None if limited or not text else form_lang,
                      "versions": {code: word_count(t) for code, t in sorted(stored.items())}})
    return texts


def _profile_rows(prof: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The city profile's other fields, figures with their unit and year; texts in another
    language than the dossier's carry that language (``lang``) to be marked."""
    from readiness import profile as profile_fields

    profile_rows = []
    for name, spec in profile_fields.PROFILE_FIELDS.items():
        if name in ("motivation", "implementation", "challenges"):
            continue
        stored = prof.get(name)
        label_text = spec.label_vi if lang == "vi" else spec.label_en
        if spec.kind.value == "figure":
            value = f"{format_number(stored['value'])} {spec.unit}".strip() if stored else None
            profile_rows.append({"field": name, "label": label_text, "value": value,
                                 "year": stored["year"] if stored else None, "lang": None})
        elif spec.kind.value == "text":
            text, other = pick_text(stored, lang)
            profile_rows.append({"field": name, "label": label_text, "value": _nfc(text) or None, "year": None,
                                 "lang": other if text and name not in _NEUTRAL_TEXTS else None})
        else:  # the membership and application dates, a year (profile.shown_value says each)
            shown = profile_fields.shown_value(name, stored, lang)
            profile_rows.append({"field": name, "label": label_text, "value": _nfc(shown) if shown else None,
                                 "year": None, "lang": None})
    return profile_rows


#: Profile texts that read the same in every language (an address, a number): no language mark.
_NEUTRAL_TEXTS = {"website", "contact_email", "language", "contact_telephone", "contact_postcode",
                  "mayor_salutation", "contact_salutation", "member_since"}


def _challenges(catalogue: Catalogue, prof: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The challenges the application form asks the city to rate, with their labels and ratings."""
    topics = [t if isinstance(t, str) else getattr(t, "id", str(t)) for t in catalogue.rating_topics("challenges")]
    ratings = prof.get("challenges") or {}
    names = topic_labels(catalogue, lang)
    return [{"topic": t, "label": names.get(t, t.replace("-", " ").capitalize()), "rating": ratings.get(t)}
            for t in topics or sorted(ratings)]


def _letters(catalogue: Catalogue, cards: Sequence[Scorecard], lang: str) -> list[dict[str, Any]]:
    """The letters the frameworks ask for (``letter: true``), with their status and the records linked."""
    letters = []
    for form_card in cards:
        for cid in catalogue.letters(form_card.framework):
            c = form_card.criterion(cid)
            if c is not None:
                letters.append({"title": in_language(c.title, lang), "status": c.status,
                                "status_label": label(c.status, lang), "records": c.counted,
                                "linked": [r.id for r in c.records]})
    return letters


def chart_bars(card: Scorecard, lang: str) -> list[dict[str, Any]]:
    """Bars for the coverage chart: the framework's areas that hold criteria, one level down at most (the
    dossier's chart, and the web app's)."""
    bars = []
    for area in card.areas:
        for a in (area.areas or [area]):
            title = in_language(a.title, lang)
            bars.append({"id": a.id, "title": title, "label": _shorten(f"{a.id} {title}", CHART_LABEL_CHARS),
                         "score": a.score})
    return bars


CHART_LABEL_CHARS = 58
"""About what fits left of the coverage bars at the chart's font size."""


def _shorten(text: str, limit: int) -> str:
    """Cut `text` at a word boundary to at most `limit` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"


def _field_label(name: str, lang: str) -> str:
    from readiness.profile import PROFILE_FIELDS

    spec = PROFILE_FIELDS[name]
    return spec.label_vi if lang == "vi" else spec.label_en


def label_d(key: str, lang: str, **values: Any) -> str:
    """A dossier label (``labels.DOSSIER``) in ``lang``."""
    return in_language(DOSSIER[key], lang).format(**values)


