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

Loading is strict: unknown keys, duplicate keys or ids, unknown evidence kinds or profile
fields, non-positive weights and crosswalks to criteria that do not exist are all reported, each
as a ``Problem`` with file and line, and every problem of a file is reported at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Protocol, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
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


class ProfileRequirement(_Model):
    """A criterion met by facts in the city profile rather than by evidence records."""

    fields: tuple[NonEmpty, ...] = Field(min_length=1)
    check: ProfileCheck = ProfileCheck.PRESENT
    max_words: int | None = Field(default=None, ge=1)
    max_age_years: float | None = Field(default=None, gt=0)
    topics: tuple[Annotated[str, StringConstraints(pattern=TOPIC_PATTERN)], ...] = ()


class Indicator(_Model):
    """A measurement with a unit and an optional target."""

    id: Id
    title: Text
    unit: NonEmpty
    target: float | None = None
    direction: Literal["at_least", "at_most"] = "at_least"
    max_age_years: float | None = Field(default=None, gt=0)


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
    """When a verdict rule applies; every condition given must hold."""

    blocking_unmet: bool | None = None
    score_at_least: ScoreLevel | None = None
    score_below: ScoreLevel | None = None
    met_share_at_least: Fraction | None = None


class VerdictRule(_Model):
    """``verdict`` applies when ``when`` holds; the last rule has no ``when``."""

    verdict: Verdict
    when: Condition | None = None


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

    def decide(self, *, blocking_unmet: bool, score: float | None, met_share: float | None) -> Verdict:
        """Apply the verdict rules, first match wins; ``None`` scores match no score rule."""
        for rule in self.verdict:
            if rule.when is None or _holds(rule.when, self.threshold, blocking_unmet, score, met_share):
                return rule.verdict
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
    cond: Condition, threshold: float, blocking_unmet: bool, score: float | None, met_share: float | None
) -> bool:
    def level(value: float | str) -> float:
        return threshold if value == "threshold" else float(value)

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
