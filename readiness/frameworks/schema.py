"""Criteria frameworks: the schema (immutable pydantic models) a framework file must follow.

A framework is data (a YAML file in ``criteria/``, the workspace's ``criteria/`` folder or a
folder given with ``--criteria-dir``), loaded once into immutable pydantic models::

    Framework ── areas ── (areas ...) ── criteria ── indicators
                  └── keywords               ├── maps_to: ["guidelines:G3", ...]
                                             └── keywords, letter

Besides what is scored, a framework file carries its own vocabulary: ``keywords`` per
language on an area (for every criterion under it) or on a criterion, beyond the criteria's own
titles and guidance; ``letter: true`` on the criteria the dossier lists as signed letters; and
``suggest: N`` on the frameworks whose criteria are suggested for a document when none is named.

What is whose: ``own_thresholds: true`` says the framework's threshold, verdict rules, blocking
flags and evidence counts and ages are its authors' choices, not rules of its sources (shown as
"our threshold, not UNESCO's" wherever they appear); ``own: true`` on an indicator says it is a
proxy the authors chose, not a measurement the source names. ``status: draft`` marks wording not
yet checked against the source.

State and eligibility: a verdict rule may depend on the city profile's dates (``profile_set``:
the application sent, endorsed, the city a member) and carry its own ``label``; a criterion may
apply only once a profile date is set (``applies_after``: the National Commission's endorsement
is due once the form is sent); ``eligibility`` says who may be scored at all (the Learning City
Award: members of more than 12 months, past winners after 6 years, evidence since joining only).

Loading is strict: unknown keys, duplicate keys or ids, unknown evidence kinds or profile
fields, non-positive weights and crosswalks to criteria that do not exist are all reported, each
as a ``Problem`` with file and line, and every problem of a file is reported at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Protocol, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    RootModel,
    StringConstraints,
    model_validator,
)

from readiness.profile import LANG_PATTERN, TOPIC_PATTERN
from readiness.text import clean, in_language

log = logging.getLogger(__name__)

#: Largest framework file read; a real one is a few hundred kilobytes at most.
MAX_FILE_BYTES = 5 * 1024 * 1024

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*:[A-Za-z0-9][A-Za-z0-9._-]*$"
URL_PATTERN = r"^https?://\S+$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
LangCode = Annotated[str, StringConstraints(pattern=LANG_PATTERN)]
# Framework texts are stored NFC, whatever the author's editor wrote (NFD renders badly).
NonEmpty = Annotated[str, AfterValidator(clean), StringConstraints(min_length=1)]
CriterionRef = Annotated[str, StringConstraints(pattern=REF_PATTERN)]


def _has_word(value: str) -> str:
    if not any(ch.isalnum() for ch in value):
        raise ValueError(f"{value!r} has no letter or digit to match")
    return value


Keyword = Annotated[NonEmpty, AfterValidator(_has_word)]
Fraction = Annotated[float, Field(ge=0, le=1)]


def _score_level(value: Any) -> float | str:
    if value == "threshold":
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    raise ValueError(f"{value!r} must be a number from 0 to 1, or threshold")


#: A score level in a verdict rule: a fraction, or the framework's own threshold.
ScoreLevel = Annotated[float | str, PlainValidator(_score_level)]


class EvidenceKind(str, Enum):
    """What an evidence record documents."""

    PLAN = "plan"
    POLICY = "policy"
    FORUM = "forum"
    EVENT = "event"
    PROGRAMME = "programme"
    STATISTIC = "statistic"
    STRUCTURE = "structure"
    PARTNERSHIP = "partnership"
    FUNDING = "funding"
    REPORT = "report"
    MEDIA = "media"
    LETTER = "letter"


class ProfileCheck(str, Enum):
    """How a profile-field criterion is met."""

    PRESENT = "present"  # the field is set
    FIGURE = "figure"  # a number with its data year (not older than max_age_years)
    TEXT = "text"  # text within max_words
    RATINGS = "ratings"  # every listed topic rated 1-5


class Verdict(str, Enum):
    READY = "ready"
    READY_WITH_GAPS = "ready_with_gaps"
    NOT_READY = "not_ready"
    #: The application states the profile records (``profile_set``): sent to the National
    #: Commission, endorsed by it, and the city a member of the network.
    SENT = "sent"
    ENDORSED = "endorsed"
    MEMBER = "member"
    #: The framework's ``eligibility`` does not hold (the Learning City Award's membership rules).
    NOT_ELIGIBLE = "not_eligible"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(RootModel[Annotated[dict[LangCode, NonEmpty], Field(min_length=1)]]):
    """Text in several languages: ``{en: ..., vi: ...}``, at least one."""

    model_config = ConfigDict(frozen=True)

    def get(self, lang: str, *fallbacks: str) -> str:
        """The text in ``lang``, else in the first fallback it has, else English, else the first
        (``text.in_language``)."""
        return in_language(self.root, lang, (*fallbacks, "en"))

    def languages(self) -> list[str]:
        return list(self.root)


class Keywords(RootModel[Annotated[dict[LangCode, Annotated[tuple[Keyword, ...], Field(min_length=1)]],
                                   Field(min_length=1)]]):
    """Words officials use for an area or criterion, per language: ``{en: [forum], vi: [diễn đàn]}``.

    They find the criteria for a document beyond the criteria's own titles and guidance."""

    model_config = ConfigDict(frozen=True)

    def languages(self) -> list[str]:
        return list(self.root)

    def words(self) -> list[str]:
        """Every keyword, language by language in file order."""
        return [word for words in self.root.values() for word in words]


class Source(_Model):
    """Where the framework's content comes from."""

    title: NonEmpty
    publisher: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    url: Annotated[str, StringConstraints(pattern=URL_PATTERN)] | None = None
    note: str | None = None


class EvidenceRequirement(_Model):
    """Which evidence records satisfy a criterion."""

    kinds: tuple[EvidenceKind, ...] = Field(min_length=1)
    min_count: int = Field(default=1, ge=1)
    max_age_years: float | None = Field(default=None, gt=0)
    file_required: bool = False
    verified_required: bool = False


class Topic(_Model):
    """A topic a ratings criterion asks the city to rate, with its title per language.

    In a file either a bare id (``literacy``) or ``{id: literacy, title: {en: ..., vi: ...}}``;
    the id is what ``city set CITY challenge.ID N`` and the stored ratings use, the title what a
    person reads."""

    id: Annotated[str, StringConstraints(pattern=TOPIC_PATTERN)]
    title: Text | None = None

    def label(self, lang: str) -> str:
        """The title in ``lang`` (or the nearest language it has), else the id."""
        return self.title.get(lang) if self.title is not None else self.id


def _topic(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class ProfileRequirement(_Model):
    """A criterion met by facts in the city profile rather than by evidence records."""

    fields: tuple[NonEmpty, ...] = Field(min_length=1)
    check: ProfileCheck = ProfileCheck.PRESENT
    max_words: int | None = Field(default=None, ge=1)
    max_age_years: float | None = Field(default=None, gt=0)
    topics: tuple[Annotated[Topic, BeforeValidator(_topic)], ...] = ()

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)


class Indicator(_Model):
    """A measurement with a unit and an optional target.

    ``own: true``: a proxy the framework's authors chose (its name, unit and age limit are
    theirs), not a measurement the source names; shown so wherever indicators are shown."""

    id: Id
    title: Text
    unit: NonEmpty
    target: float | None = None
    direction: Literal["at_least", "at_most"] = "at_least"
    max_age_years: float | None = Field(default=None, gt=0)
    own: bool = False


class Criterion(_Model):
    """One thing a city must show, met by evidence records or by a profile field."""

    id: Id
    title: Text
    guidance: Text | None = None
    weight: float = Field(default=1.0, gt=0)
    blocking: bool = False
    status: Literal["draft", "final"] | None = None
    note: str | None = None
    evidence: EvidenceRequirement | None = None
    profile: ProfileRequirement | None = None
    indicators: tuple[Indicator, ...] = ()
    maps_to: tuple[CriterionRef, ...] = ()
    keywords: Keywords | None = None
    #: A signed letter the dossier lists (the application's pledge, its endorsement).
    letter: bool = False
    #: A profile date (``sent_to_national_commission``) before which the criterion is not yet
    #: due: until it is set the criterion is left out of the score, like one not applicable.
    applies_after: NonEmpty | None = None

    @model_validator(mode="after")
    def _one_way_to_meet(self) -> Criterion:
        if (self.evidence is None) == (self.profile is None):
            raise ValueError("give exactly one of `evidence:` (records) or `profile:` (city facts)")
        return self


class Area(_Model):
    """A group of criteria; areas may hold areas (KFLC's groups hold its twelve areas)."""

    id: Id
    title: Text
    guidance: Text | None = None
    weight: float = Field(default=1.0, gt=0)
    keywords: Keywords | None = None
    areas: tuple[Area, ...] = ()
    criteria: tuple[Criterion, ...] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> Area:
        if not self.areas and not self.criteria:
            raise ValueError("an area needs `criteria:` or `areas:`")
        return self


class Condition(_Model):
    """When a verdict rule applies; every condition given must hold.

    ``profile_set``: these profile fields are set (the application's dates: sent, endorsed, member)."""

    blocking_unmet: bool | None = None
    score_at_least: ScoreLevel | None = None
    score_below: ScoreLevel | None = None
    met_share_at_least: Fraction | None = None
    profile_set: tuple[NonEmpty, ...] | None = None


class VerdictRule(_Model):
    """``verdict`` applies when ``when`` holds; the last rule has no ``when``. ``label`` says the
    verdict in this framework's words ("ready to send to the National Commission")."""

    verdict: Verdict
    when: Condition | None = None
    label: Text | None = None


class Eligibility(_Model):
    """Who may be scored against the framework at all, from the city profile (the Learning City
    Award's rules). Any rule not met makes the verdict ``not_eligible``, with its reasons.

    * ``member_more_than_months``: the city must have been a member (``member_since``) for more
      than this many months on the as-of day;
    * ``past_winner_wait_years``: a city that won (``learning_city_award_year``) waits this many
      years before it may be nominated again;
    * ``evidence_since_membership``: only evidence dated on or after ``member_since`` counts
      (progress since joining);
    * ``notes``: rules no single city's data can check (nominations per National Commission),
      shown beside the verdict.
    """

    member_more_than_months: int | None = Field(default=None, ge=0)
    past_winner_wait_years: int | None = Field(default=None, ge=1)
    evidence_since_membership: bool = False
    notes: tuple[Text, ...] = ()


class Framework(_Model):
    """A criteria framework: KFLC, the Guidelines, the application form, or a user's own."""

    format: Literal[1] = 1
    id: Id
    name: Text
    version: NonEmpty
    status: Literal["draft", "final"] = "final"
    description: Text | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    languages: tuple[LangCode, ...] = Field(min_length=1)
    threshold: float = Field(gt=0, le=1)
    unverified_weight: Fraction = 0.5
    #: Suggest this framework's criteria for a document when no framework is named; the number
    #: orders such frameworks (1 first). None: only when named.
    suggest: int | None = Field(default=None, ge=1)
    #: The threshold, verdict rules, blocking flags and evidence counts and ages are the authors'
    #: own choices, not rules of the sources: every display says so.
    own_thresholds: bool = False
    eligibility: Eligibility | None = None
    verdict: tuple[VerdictRule, ...] = Field(min_length=1)
    areas: tuple[Area, ...] = Field(min_length=1)

    _criteria: dict[str, Criterion] = PrivateAttr(default_factory=dict)
    _area_of: dict[str, Area] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        for area, criterion in walk_criteria(self.areas):
            self._criteria.setdefault(criterion.id, criterion)
            self._area_of.setdefault(criterion.id, area)

    @property
    def criteria(self) -> dict[str, Criterion]:
        """Every criterion by id, in file order."""
        return self._criteria

    def area_of(self, criterion_id: str) -> Area:
        return self._area_of[criterion_id]

    def leaf_areas(self) -> list[Area]:
        """The areas that hold criteria directly (KFLC's twelve), in file order."""
        return [a for a in walk_areas(self.areas) if a.criteria]

    def all_areas(self) -> list[Area]:
        return list(walk_areas(self.areas))

    def letters(self) -> list[str]:
        """The ids of the criteria that are signed letters (``letter: true``), in file order."""
        return [cid for cid, criterion in self._criteria.items() if criterion.letter]

    def reconcile(self, criterion_ids: Iterable[str]) -> LinkCheck:
        """Split evidence links by whether their criterion exists in this version.

        Links use stable criterion ids; a new version of a framework keeps every link whose id
        still exists and reports the ones whose id is gone, so none is dropped in silence.
        """
        kept: list[str] = []
        gone: list[str] = []
        for cid in criterion_ids:
            (kept if cid in self._criteria else gone).append(cid)
        return LinkCheck(self.id, self.version, kept, gone)

    def decide(self, *, blocking_unmet: bool, score: float | None, met_share: float | None,
               profile: Mapping[str, Any] | None = None) -> Verdict:
        """Apply the verdict rules, first match wins; ``None`` scores match no score rule."""
        return self.decide_rule(blocking_unmet=blocking_unmet, score=score, met_share=met_share,
                                profile=profile).verdict

    def decide_rule(self, *, blocking_unmet: bool, score: float | None, met_share: float | None,
                    profile: Mapping[str, Any] | None = None) -> VerdictRule:
        """The first verdict rule that holds (its verdict and its label)."""
        for rule in self.verdict:
            if rule.when is None or _holds(rule.when, self.threshold, blocking_unmet, score, met_share,
                                           profile or {}):
                return rule
        raise AssertionError("validated frameworks end with a rule without `when`")


Area.model_rebuild()


@dataclass(frozen=True)
class LinkCheck:
    """Which linked criterion ids a framework version still has."""

    framework_id: str
    version: str
    kept: list[str]
    gone: list[str]


def _holds(
    cond: Condition, threshold: float, blocking_unmet: bool, score: float | None, met_share: float | None,
    profile: Mapping[str, Any],
) -> bool:
    def level(value: float | str) -> float:
        return threshold if value == "threshold" else float(value)

    if cond.profile_set is not None and not all(profile.get(name) for name in cond.profile_set):
        return False
    if cond.blocking_unmet is not None and cond.blocking_unmet != blocking_unmet:
        return False
    if cond.score_at_least is not None and (score is None or score < level(cond.score_at_least)):
        return False
    if cond.score_below is not None and (score is None or score >= level(cond.score_below)):
        return False
    if cond.met_share_at_least is not None and (
        met_share is None or met_share < cond.met_share_at_least
    ):
        return False
    return True


class _Nested(Protocol):
    @property
    def areas(self) -> Sequence[Self]: ...


_Node = TypeVar("_Node", bound=_Nested)


def walk_areas(areas: Iterable[_Node]) -> Iterator[_Node]:
    """Every area, each before the areas it holds, in file order: a framework's, or a scorecard's."""
    for area in areas:
        yield area
        yield from walk_areas(area.areas)


def walk_criteria(areas: Iterable[Area]) -> Iterator[tuple[Area, Criterion]]:
    """Every criterion with the area that holds it, in file order."""
    for area in walk_areas(areas):
        for criterion in area.criteria:
            yield area, criterion
