"""The dossier: the document a city hands in, as HTML and as PDF.

``build_context`` gathers what the templates show, from the scorecards and the evidence, into
one ``DossierContext`` (the templates read nothing else and decide no rule). ``render_html``
fills the Jinja2 templates of ``reports/`` (autoescape on, undefined names an error).
``render_pdf`` hands the HTML to WeasyPrint with a URL fetcher that serves only the bundled
report assets and the workspace's stored files, through the ``dossier:`` scheme, and refuses
everything else: ``file://``, the network, ``data:`` included. ``make_dossier`` puts it
together and writes the file.

Evidence text comes from officials and spreadsheets and is treated as hostile: it is escaped,
and only http and https addresses become links.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readiness.errors import InvalidValueError
from readiness.frameworks.catalogue import Catalogue
from readiness.labels import DOSSIER, LABELS, label, record_status
from readiness.scoring.engine import DEFINITIONS, Gap, Scorecard

log = logging.getLogger(__name__)

SCHEME = "dossier"
#: Default cap on the files embedded in one PDF.
DEFAULT_MAX_EMBED = 100 * 1024 * 1024
PDF_VARIANTS = ("pdf/a-3u", "pdf/a-3b", "pdf/ua-1")
_URL = re.compile(r"^https?://[^\s<>\"'\\]+$", re.IGNORECASE)


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


def _pick(texts: dict[str, str], lang: str) -> tuple[str, str | None]:
    """The text in ``lang``, else another, with the language it is in (None when it is ``lang``)."""
    if texts.get(lang):
        return texts[lang], None
    for code, text in texts.items():
        if text:
            return text, code
    return "", None


_BIDI = {c: f"[U+{c:04X}]" for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)}


def _nfc(text: str) -> str:
    """Text as the dossier prints it: NFC (combining marks misplace in some fonts otherwise), and
    direction overrides shown as [U+202E] so "gnp.exe" cannot pass for "exe.png"."""
    return unicodedata.normalize("NFC", text).translate(_BIDI)


def safe_url(url: str | None) -> str | None:
    """The address if it is http or https and plain; None otherwise (javascript:, file:, data:...)."""
    if url and _URL.match(url.strip()):
        return url.strip()
    return None


def fingerprint(records: Sequence[dict[str, Any]], profile: dict[str, Any], marks: dict[str, str]) -> str:
    """SHA-256 over the evidence register as canonical JSON: records (without entry times), the
    city profile and the not-applicable marks. The same evidence gives the same fingerprint."""
    volatile = {"created_at", "created_by", "updated_at", "status_at"}
    register = [{k: v for k, v in r.items() if k not in volatile} for r in sorted(records, key=lambda r: r["id"])]
    for r in register:
        r["attachments"] = sorted({a["sha256"] for a in r.get("attachments", [])})
    payload = json.dumps({"records": register, "profile": profile, "not_applicable": marks},
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _verified(row: Any, lang: str) -> str | None:
    """Who verified a verified record and when, in ``lang``; None for any other status.

    A verified record's content is what its reviewer saw: any change returns it to submitted.
    """
    from readiness import dates
    from readiness.evidence import iso_time

    if row.status != "verified" or not (row.status_by or row.status_at):
        return None
    when = dates.from_iso(iso_time(row.status_at)[:10]).human(lang) if row.status_at else None  # type: ignore[index,union-attr]
    if row.status_by and when:
        return label_d("verified_by_on", lang, who=_nfc(row.status_by), date=when)
    return label_d("verified_by", lang, who=_nfc(row.status_by)) if row.status_by else label_d("verified_on", lang, date=when)


def build_context(ws: Any, catalogue: Catalogue, city_name: str, *, framework_ids: Sequence[str] = (),
                  lang: str = "en", as_of: dt.date | None = None, created: dt.datetime | None = None,
                  embed: bool = True) -> DossierContext:
    """Score the city and gather its evidence into the dossier's context."""
    from readiness import profile as profile_fields
    from readiness.cities import show_city
    from readiness.evidence import EvidenceFilter, list_evidence
    from readiness.scoring.facts import score_city
    from readiness.text import word_count

    if lang not in ("en", "vi"):
        raise InvalidValueError(f"--lang {lang!r}: the dossier is written in en or vi")
    day = as_of or dt.date.today()
    made = created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    scores = score_city(ws, city_name, catalogue, framework_ids, day)
    detail = show_city(ws, city_name)
    views = list_evidence(ws, EvidenceFilter(city=detail.city.name))
    city = detail.city
    prof = profile_fields.usable(city.profile)  # a bad stored value counts as not set

    records = []
    for v in sorted(views, key=lambda v: v.row.number):
        r = v.row
        title, title_lang = _pick(r.title, lang)
        summary, summary_lang = _pick(r.summary, lang)
        organiser, _ = _pick(r.organiser, lang)
        records.append(RecordEntry(
            id=r.code, kind=r.kind, kind_label=label(r.kind, lang), title=_nfc(title), title_lang=title_lang,
            summary=_nfc(summary), summary_lang=summary_lang if summary else None, organiser=_nfc(organiser),
            dates=v.dates_text(lang), status=r.status, status_label=record_status(r.status, lang), unit=v.unit,
            source_url=safe_url(r.source_url),
            attachments=[{"name": _nfc(a.name), "size": a.size, "sha256": a.sha256, "media_type": a.media_type}
                         for a in v.attachments],
            verified=_verified(r, lang)))
    kinds = Counter(r.kind for r in records)
    years = Counter((v.row.start or "")[:4] or label_d("undated", lang) for v in views)

    texts = []
    for name in ("motivation", "implementation"):
        stored = prof.get(name) or {}
        text, other = _pick(stored, lang)
        words = word_count(text) if text else 0
        texts.append({"field": name, "label": _field_label(name, lang), "text": _nfc(text), "lang": other,
                      "words": words, "max": 200, "over": words > 200,
                      "versions": {code: word_count(t) for code, t in sorted(stored.items())}})
    profile_rows = []
    for name, spec in profile_fields.PROFILE_FIELDS.items():
        if name in ("motivation", "implementation", "challenges"):
            continue
        stored = prof.get(name)
        label_text = spec.label_vi if lang == "vi" else spec.label_en
        if spec.kind.value == "figure":
            value = f"{stored['value']:,} {spec.unit}".strip() if stored else None
            profile_rows.append({"label": label_text, "value": value, "year": stored["year"] if stored else None})
        else:
            text, _ = _pick(stored or {}, lang)
            profile_rows.append({"label": label_text, "value": _nfc(text) or None, "year": None})
    topics = catalogue.rating_topics("challenges")
    ratings = prof.get("challenges") or {}
    challenges = [{"topic": t, "rating": ratings.get(t)} for t in topics or sorted(ratings)]
    letters = []
    for form_card in scores.cards:
        for cid in catalogue.letters(form_card.framework):
            c = form_card.criterion(cid)
            if c is not None:
                letters.append({"title": _pick(c.title, lang)[0], "status": c.status,
                                "status_label": label(c.status, lang), "records": c.counted,
                                "linked": [r.id for r in c.records]})

    marks = dict(scores.facts.not_applicable)
    gaps = sorted((g for c in scores.cards for g in c.gaps), key=lambda g: (not g.blocking or g.status == "met", -g.gain))
    frameworks = [{"id": c.framework, "name": _pick(c.framework_name, lang)[0], "version": c.version, "draft": c.draft,
                   "card": c, "areas": _chart(c, lang)} for c in scores.cards]
    return DossierContext(
        lang=lang, city=_nfc(city.name), country=city.country, as_of=day, created=made,
        sample=any("sample" in v.row.tags for v in views),
        fingerprint=fingerprint([v.as_json() for v in views], prof, marks),
        cards=scores.cards, frameworks=frameworks, records=records, by_code={r.id: r for r in records},
        by_kind=sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
        by_year=sorted(years.items(), key=lambda kv: kv[0]),
        blocking_gaps=[g for g in gaps if g.blocking and g.status != "met"], gaps=gaps,
        not_applicable=[{"criterion": c.ref, "title": _pick(c.title, lang)[0], "justification": c.justification or ""}
                        for card in scores.cards for c in card.all_criteria() if c.status == "not_applicable"],
        profile=profile_rows, texts=texts, challenges=challenges, letters=letters,
        definitions={k: v.get(lang, v["en"]) for k, v in DEFINITIONS.items()}, embed=embed)


def _chart(card: Scorecard, lang: str) -> list[dict[str, Any]]:
    """Bars for the coverage chart: the framework's areas that hold criteria, one level down at most."""
    bars = []
    for area in card.areas:
        for a in (area.areas or [area]):
            title = _pick(a.title, lang)[0]
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
    texts = DOSSIER[key]
    return texts.get(lang, texts["en"]).format(**values)


# ---------------------------------------------------------------------------------------------
# HTML


def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from readiness.resources import bundled

    env = Environment(loader=FileSystemLoader(str(bundled("reports"))), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.0f}%"
    env.filters["size"] = _human_size
    env.filters["safe_url"] = safe_url
    return env


def _human_size(n: int) -> str:
    from readiness.store.files import human_size

    return human_size(n)


def render_html(context: DossierContext, *, inline_css: bool = False) -> str:
    """The dossier as one HTML document; ``inline_css`` for a file opened in a browser."""
    from readiness.resources import bundled

    env = _environment()
    css = (bundled("reports") / "dossier.css").read_text(encoding="utf-8") if inline_css else None
    lang = context.lang
    return env.get_template("dossier.html.j2").render(
        c=context, css=css, d=lambda key, **kw: label_d(key, lang, **kw),
        l=lambda key, **kw: label(key, lang, **kw) if key in LABELS else key,
        reason=lambda r: r.text(lang), pick=lambda texts: _pick(texts, lang)[0])


# ---------------------------------------------------------------------------------------------
# PDF


class StoreFetcher:
    """Serves ``dossier:assets/NAME`` from the bundled report folder and ``dossier:files/SHA256``
    from the workspace's store; refuses every other address, so a hostile record cannot make
    WeasyPrint read a local file or call the network. ``requests`` records what was asked."""

    def __init__(self, files_dir: Path):
        from weasyprint.urls import URLFetcher

        from readiness.resources import bundled

        self.assets = bundled("reports").resolve()
        self.files = Path(files_dir)
        self.requests: list[str] = []
        outer = self

        class _Fetcher(URLFetcher):
            def fetch(self, url: str, headers: Any = None) -> Any:
                return outer.fetch(url)

        self.fetcher = _Fetcher()

    def fetch(self, url: str) -> Any:
        from weasyprint.urls import URLFetcherResponse

        self.requests.append(url)
        scheme, _, rest = url.partition(":")
        if scheme != SCHEME:
            raise ValueError(f"the dossier fetches nothing from {scheme!r} addresses")
        kind, _, name = rest.partition("/")
        if kind == "assets" and re.fullmatch(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?", name) and ".." not in name:
            path = (self.assets / name).resolve()
            if path.is_relative_to(self.assets) and path.is_file():
                types = {".css": "text/css", ".ttf": "font/ttf", ".svg": "image/svg+xml"}
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": types.get(path.suffix, "application/octet-stream")})
        if kind == "files" and re.fullmatch(r"[0-9a-f]{64}", name):
            from readiness.store.files import FileStore

            data = FileStore(self.files).read_bytes(name, f"stored file {name[:12]}...")  # no link followed, hash checked
            return URLFetcherResponse(url, data, {"Content-Type": "application/octet-stream"})
        raise ValueError(f"no such dossier resource: {url}")


def render_pdf(context: DossierContext, html: str, files_dir: Path, *, pdf_variant: str | None = None,
               max_embed: int = DEFAULT_MAX_EMBED) -> tuple[bytes, StoreFetcher]:
    """The PDF, with the attached files embedded (unless the context says not to)."""
    import io

    try:
        import weasyprint
    except OSError as exc:  # WeasyPrint loads Pango and HarfBuzz from the system
        raise InvalidValueError(f"PDF output needs the Pango library ({exc}); on Debian or Ubuntu: apt install "
                                "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; or write --format html") from None

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = StoreFetcher(files_dir)
    attachments = []
    if context.embed:
        from readiness.store.files import FileStore

        store = FileStore(files_dir)
        seen: set[str] = set()
        total = 0
        when = context.created.replace(tzinfo=None)
        for r in context.records:
            for a in r.attachments:
                if a["sha256"] in seen:
                    continue
                seen.add(a["sha256"])
                total += a["size"]
                if total > max_embed:
                    raise InvalidValueError(
                        f"the attached files come to more than {max_embed:,} bytes; raise the cap with "
                        "--max-embed 500MB, or leave them out with --no-attachments (the register still lists "
                        "their names and SHA-256)")
                # no link followed, and the bytes must hash to the SHA-256 the register prints
                data = store.read_bytes(a["sha256"], f"{r.id}: attached file {a['name']!r}", size=a["size"])
                # WeasyPrint 70 writes a non-ASCII name as raw UTF-8 into the PDF's name tree, which
                # readers (pypdf among them) misread: the embedded name is kept ASCII, the original
                # name goes in the description, as the register shows it.
                attachments.append(weasyprint.Attachment(
                    file_obj=io.BytesIO(data), url_fetcher=fetcher.fetcher,
                    name=attachment_name(r.id, a["name"]), description=f"{a['name']} (SHA-256 {a['sha256']})",
                    created=when, modified=when, relationship="Supplement"))
                context.embedded.append({"record": r.id, **a})
    import warnings

    with warnings.catch_warnings(), _source_date(context.created):
        # WeasyPrint 70 opens its sRGB colour profile for PDF/A and never closes it.
        warnings.simplefilter("ignore", ResourceWarning)
        document = weasyprint.HTML(string=html, base_url=f"{SCHEME}:assets/", url_fetcher=fetcher.fetcher).render()
        pdf = document.write_pdf(attachments=attachments, pdf_variant=pdf_variant, uncompressed_pdf=False,
                                 custom_metadata=False)
    return pdf, fetcher


@contextlib.contextmanager
def _source_date(created: dt.datetime) -> Iterator[None]:
    """Fix the fonts' timestamps to the dossier's creation time while WeasyPrint writes.

    Without libharfbuzz-subset0, WeasyPrint subsets fonts with fontTools, which stamps each
    subset with the current time unless SOURCE_DATE_EPOCH is set (the reproducible-builds
    convention); the same inputs must give the same bytes on every machine.
    """
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(created.timestamp()))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def attachment_name(code: str, name: str) -> str:
    """The name a file is embedded under: its record's id and its name in plain ASCII."""
    from readiness.text import strip_marks

    ascii_name = strip_marks(name).encode("ascii", "replace").decode("ascii").replace("?", "_")
    ascii_name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", ascii_name)[:120]
    return f"{code} {ascii_name}"


@dataclass
class DossierResult:
    path: Path
    pages: int | None
    size: int
    embedded: int
    fingerprint: str


@dataclass
class RenderedDossier:
    """A dossier in memory: its bytes and what the command reports about them."""

    data: bytes
    pages: int | None
    embedded: int
    fingerprint: str
    default_name: str


def render_dossier(ws: Any, catalogue: Catalogue, city_name: str, *, framework_ids: Sequence[str] = (),
                   lang: str = "en", as_of: dt.date | None = None, created: dt.datetime | None = None,
                   fmt: str = "pdf", embed: bool = True, max_embed: int = DEFAULT_MAX_EMBED,
                   pdf_variant: str | None = None,
                   progress: Callable[[str], None] = lambda step: None) -> RenderedDossier:
    """The dossier of a city as PDF (or HTML) bytes, with its page count and fingerprint."""
    if pdf_variant is not None and pdf_variant not in PDF_VARIANTS:
        raise InvalidValueError(f"--pdf-variant {pdf_variant!r}: one of {', '.join(PDF_VARIANTS)}")
    progress("scoring and gathering the evidence")
    context = build_context(ws, catalogue, city_name, framework_ids=framework_ids, lang=lang, as_of=as_of,
                            created=created, embed=embed and fmt == "pdf")
    from readiness.text import fold

    default_name = f"dossier-{fold(context.city) or 'city'}-{context.as_of.isoformat()}.{fmt}"
    progress("writing the HTML")
    if fmt == "html":
        html = render_html(context, inline_css=True)
        return RenderedDossier(html.encode("utf-8"), None, 0, context.fingerprint, default_name)
    html = render_html(context)
    progress("laying out the PDF (WeasyPrint)")
    data, _ = render_pdf(context, html, ws.settings.files_dir, pdf_variant=pdf_variant, max_embed=max_embed)
    return RenderedDossier(data, _page_count(data), len(context.embedded), context.fingerprint, default_name)


def make_dossier(ws: Any, catalogue: Catalogue, city_name: str, output: Path | None, *,
                 progress: Callable[[str], None] = lambda step: None, **options: Any) -> DossierResult:
    """Write the dossier of a city to ``output`` (a name made from the city and day when None).

    ``options`` are those of :func:`render_dossier`. The file appears whole or not at all: it is
    written to a new temporary file of a unique name beside the target (created exclusively, so
    a link planted there is never followed), synced, and renamed over it.
    """
    if output is not None and Path(output).is_dir():
        raise InvalidValueError(f"-o {output}: is a folder; give a file name")
    rendered = render_dossier(ws, catalogue, city_name, progress=progress, **options)
    output = Path(output if output is not None else rendered.default_name)
    from readiness.store.files import write_atomically

    write_atomically(output, rendered.data)
    return DossierResult(output, rendered.pages, len(rendered.data), rendered.embedded, rendered.fingerprint)


def _page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def current_fingerprint(ws: Any, city_name: str) -> str:
    """The fingerprint a dossier made now would carry (to check a dossier in hand)."""
    from readiness.cities import find_city, show_city
    from readiness.evidence import EvidenceFilter, list_evidence
    from readiness.scoring.facts import city_facts

    detail = show_city(ws, city_name)
    views = list_evidence(ws, EvidenceFilter(city=detail.city.name))
    with ws.session() as session:
        marks = dict(city_facts(session, find_city(session, city_name)).not_applicable)
    from readiness.profile import usable

    return fingerprint([v.as_json() for v in views], usable(detail.city.profile), marks)
