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
from typing import TYPE_CHECKING, Any

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

    def __post_init__(self) -> None:
        if self.created is not None:
            object.__setattr__(self, "created", as_utc(self.created))

    def check(self) -> None:
        """Refuse a language or PDF variant the dossier does not have."""
        if self.pdf_variant is not None and self.pdf_variant not in PDF_VARIANTS:
            raise InvalidValueError(f"--pdf-variant {self.pdf_variant!r}: one of {', '.join(PDF_VARIANTS)}")
        if self.lang not in LANGUAGES:
            raise InvalidValueError(f"--lang {self.lang!r}: the dossier is written in en or vi")


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
    return context_of(found, scores, catalogue, options, day)


def context_of(found: CityEvidence, scores: CityScores, catalogue: Catalogue, options: DossierOptions,
               day: dt.date) -> DossierContext:
    """The context of a city already read and scored as on ``day``."""
    from readiness import profile as profile_fields

    lang, views, city = options.lang, found.views, found.city
    made = options.created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    prof = profile_fields.usable(city.profile)  # a bad stored value counts as not set
    records = _records(views, lang)
    kinds = Counter(r.kind for r in records)
    years = Counter((v.row.start or "")[:4] or label_d("undated", lang) for v in views)
    marks = dict(scores.facts.not_applicable)
    gaps = rank_gaps(scores.cards)
    frameworks = [{"id": c.framework, "name": in_language(c.framework_name, lang), "version": c.version,
                   "draft": c.draft, "card": c, "areas": _chart(c, lang)} for c in scores.cards]
    return DossierContext(
        lang=lang, city=_nfc(city.name), country=city.country, as_of=day, created=made,
        sample=any("sample" in v.row.tags for v in views),
        fingerprint=fingerprint([v.as_json() for v in views], prof, marks),
        cards=scores.cards, frameworks=frameworks, records=records, by_code={r.id: r for r in records},
        by_kind=sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
        by_year=sorted(years.items(), key=lambda kv: kv[0]),
        blocking_gaps=[g for g in gaps if g.blocking and g.status != "met"], gaps=gaps,
        not_applicable=[{"criterion": c.ref, "title": in_language(c.title, lang),
                         "justification": c.justification or ""}
                        for card in scores.cards for c in card.all_criteria() if c.status == "not_applicable"],
        profile=_profile_rows(prof, lang), texts=_texts(prof, lang), challenges=_challenges(catalogue, prof),
        letters=_letters(catalogue, scores.cards, lang),
        definitions={k: in_language(v, lang) for k, v in DEFINITIONS.items()},
        embed=options.embed and options.fmt == "pdf")


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
            verified=_verified(r, lang)))
    return records


def _texts(prof: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The form's two texts (motivation, implementation), with their word counts against the 200 allowed."""
    from readiness.text import word_count

    texts = []
    for name in ("motivation", "implementation"):
        stored = prof.get(name) or {}
        text, other = pick_text(stored, lang)
        words = word_count(text) if text else 0
        texts.append({"field": name, "label": _field_label(name, lang), "text": _nfc(text), "lang": other,
                      "words": words, "max": 200, "over": words > 200,
                      "versions": {code: word_count(t) for code, t in sorted(stored.items())}})
    return texts


def _profile_rows(prof: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The city profile's other fields, figures with their unit and year."""
    from readiness import profile as profile_fields

    profile_rows = []
    for name, spec in profile_fields.PROFILE_FIELDS.items():
        if name in ("motivation", "implementation", "challenges"):
            continue
        stored = prof.get(name)
        label_text = spec.label_vi if lang == "vi" else spec.label_en
        if spec.kind.value == "figure":
            value = f"{format_number(stored['value'])} {spec.unit}".strip() if stored else None
            profile_rows.append({"label": label_text, "value": value, "year": stored["year"] if stored else None})
        else:  # texts, and the membership and application dates (profile.shown_value says each)
            text = profile_fields.shown_value(name, stored, lang)
            profile_rows.append({"label": label_text, "value": _nfc(text) if text else None, "year": None})
    return profile_rows


def _challenges(catalogue: Catalogue, prof: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The challenges the application form asks the city to rate, with its ratings."""
    topics = catalogue.rating_topics("challenges")
    ratings = prof.get("challenges") or {}
    return [{"topic": t, "rating": ratings.get(t)} for t in topics or sorted(ratings)]


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


def _chart(card: Scorecard, lang: str) -> list[dict[str, Any]]:
    """Bars for the coverage chart: the framework's areas that hold criteria, one level down at most."""
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


