"""The application: the GNLC membership form as UNESCO receives it, ready to sign.

Part 1 in the form's order (the city, its mayor and its GNLC contact, the language, the pledge
page to date, sign and stamp, the city profile with the year of each figure, motivation and
implementation with the links it cites, the challenges rated 1 to 5), Part 2 as a page left for
the National Commission for UNESCO, and an annex of supporting evidence: verified records only,
each with its register line and the SHA-256 of its files, the files embedded.

What the form *requires* is read from the application framework (``criteria/gnlc-application.yaml``):
every profile field its criteria name, checked by the scoring engine's own profile checks (set,
recent enough, in the language of communication, within the word limit). A hole refuses the
application (``IncompleteFormError``, one line per hole) unless ``draft`` asks to see it
with each hole marked. The document carries no score, gap, command or review status: those
belong to the readiness report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from readiness.dossier.context import (
    APPLICATION_FRAMEWORK,
    COMPACT_REGISTER,
    DossierOptions,
    RecordEntry,
    _nfc,
    _records,
    field_labels,
    fingerprint,
    label_d,
    made_at,
    plain_reason,
    plan_embedding,
    read_city,
    safe_url,
    topic_labels,
)
from readiness.errors import IncompleteFormError
from readiness.numbers import format_number
from readiness.text import in_language, pick_text

if TYPE_CHECKING:
    from readiness.frameworks.catalogue import Catalogue
    from readiness.store.db import Workspace

_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


@dataclass
class Answer:
    """One answer of the form: its label, its value (None: empty) and, for a required item that
    is empty or wrong, what is missing (``hole``)."""

    field: str
    label: str
    value: str | None
    hole: str | None = None
    year: int | None = None
    lang: str | None = None  # set when the text is in another language than the form's


@dataclass
class ApplicationContext:
    """Everything the application template reads."""

    lang: str
    city: str
    country: str
    as_of: dt.date
    created: dt.datetime
    fingerprint: str
    sample: bool
    draft: bool
    answers: dict[str, Answer]
    figures: list[Answer]
    texts: list[Answer]
    cited_links: list[str]
    reports: list[RecordEntry]
    challenges: list[Answer]
    holes: list[str]
    records: list[RecordEntry]
    embed: bool
    embedded: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "application"
    #: Over ``COMPACT_REGISTER`` records the annex prints one line per record and per file.
    compact_register: bool = False


def build_application(ws: Workspace, catalogue: Catalogue, city_name: str,
                      options: DossierOptions) -> ApplicationContext:
    """The application of a city, or ``IncompleteFormError`` listing the form's holes."""
    from readiness import profile as profile_fields
    from readiness.labels import reason_text
    from readiness.scoring.engine import communication_language
    from readiness.scoring.facts import scores_of

    day = options.as_of or dt.date.today()
    form = catalogue.get(APPLICATION_FRAMEWORK)
    found = read_city(ws, city_name)
    prof = profile_fields.usable(found.city.profile)
    lang = communication_language(prof) if prof.get("language") else options.lang
    (card,) = scores_of(found.facts, catalogue, [form], day, with_gaps=False).cards
    names = field_labels(catalogue, lang)
    city = _nfc(found.city.name)

    # The holes: every profile field a criterion of the form names, as the engine checks it.
    holes: dict[str, str] = {}
    terminal: list[str] = []
    required: list[str] = []
    for criterion in card.all_criteria():
        if criterion.basis != "profile" or criterion.status == "not_applicable":
            continue
        for check in criterion.fields:
            required.append(check.field)
            if not check.ok and check.problem is not None:
                holes[check.field] = plain_reason(check.problem, lang, names, city)
                terminal.append(f"{names.get(check.field, check.field)}: "
                                f"{reason_text(check.problem, 'en', city=found.city.name)}")
    if terminal and not options.draft:
        raise IncompleteFormError(city, terminal)

    def answer(name: str) -> Answer:
        stored = prof.get(name)
        spec = profile_fields.PROFILE_FIELDS[name]
        if spec.kind.value == "figure":
            value = f"{format_number(stored['value'])} {spec.unit}".strip() if stored else None
            return Answer(name, names.get(name, name), value, holes.get(name), stored["year"] if stored else None)
        text, other = pick_text(stored, lang)
        hole = holes.get(name) or (label_d("hole_unset", lang) if not text and options.draft else None)
        return Answer(name, names.get(name, name), _nfc(text) or None, hole, lang=other if text else None)

    contact = ("website", "mayor_salutation", "mayor_name", "mayor_title", "contact_salutation", "contact_name",
               "contact_position", "contact_organisation", "contact_address", "contact_postcode",
               "contact_telephone", "contact_email", "language")
    answers = {name: answer(name) for name in contact}
    language = answers["language"]
    if language.value in ("en", "fr"):
        language.value = label_d(f"language_{language.value}", lang)
    figures = [answer(name) for name in dict.fromkeys(required)
               if name in profile_fields.PROFILE_FIELDS and profile_fields.PROFILE_FIELDS[name].kind.value == "figure"]
    texts = [answer(name) for name in ("motivation", "implementation")]
    implementation = prof.get("implementation") or {}
    cited = list(dict.fromkeys(u.rstrip(".,;:") for t in (implementation.get(lang), *implementation.values()) if t
                               for u in _URL_IN_TEXT.findall(t) if safe_url(u.rstrip(".,;:"))))

    verified = [v for v in found.views if v.row.status == "verified"]
    records = plan_embedding(_records(verified, lang))
    # The reports the implementation cites: records linked to the form's evidence items that are not
    # signed letters (the framework file says which).
    report_refs = {c.ref for c in card.all_criteria() if c.basis == "evidence" and not form.criteria[c.id].letter}
    report_codes = {v.row.code for v in verified if any(lk.criterion in report_refs for lk in v.links)}
    ratings = prof.get("challenges") or {}
    topics = topic_labels(catalogue, lang)
    unrated = label_d("hole_unrated", lang) if "challenges" in holes else None
    challenges = [Answer(t, topics.get(t, t), str(ratings[t]) if t in ratings else None,
                         unrated if t not in ratings else None)
                  for t in _topics(catalogue)]
    return ApplicationContext(
        lang=lang, city=city, country=_country(found.city.country, lang), as_of=day, created=made_at(options),
        fingerprint=fingerprint([v.as_json() for v in found.views], prof, dict(found.facts.not_applicable)),
        sample=any("sample" in v.row.tags for v in found.views), draft=options.draft, answers=answers,
        figures=figures, texts=texts, cited_links=cited, reports=[r for r in records if r.id in report_codes],
        challenges=challenges,
        holes=[f"{names.get(k, k)}: {v}" for k, v in holes.items()], records=records,
        embed=options.embed and options.fmt == "pdf", compact_register=len(records) > COMPACT_REGISTER)


def _topics(catalogue: Catalogue) -> list[str]:
    return [t if isinstance(t, str) else getattr(t, "id", str(t)) for t in catalogue.rating_topics("challenges")]


#: The form asks for the country by name; a code the table lacks is shown as it is.
COUNTRIES = {"VN": {"en": "Viet Nam", "fr": "Viet Nam"}}


def _country(code: str, lang: str) -> str:
    return in_language(COUNTRIES.get(code.upper()), lang) or code
