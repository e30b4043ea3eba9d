"""The scoring engine: framework + evidence facts + as-of date in, scorecard out.

Pure: no database, no clock, no files. ``facts.py`` reads the workspace into the inputs below;
the command line and the dossier only read the ``Scorecard`` it returns. The rules are written
out for people in README.md ("Scoring method") and, in the same words, in ``DEFINITIONS``.

The inputs come in two grains, scored by the same rules:

* ``RecordFact``: one record with its dates, status, files and links (one city: every reason
  can name the record);
* ``Tally``: records that behave alike for one criterion (same status class, file or not,
  timing), counted. ``candidates_from_records`` turns records into one tally each; the
  national view has the database count them (``facts.national_candidates``).

::

    records ──candidates_from_records──┐
                                       ├─> Tally per criterion ─> assess ─> CriterionScore
    database ─national_candidates──────┘                                      │
                                 profile ─> check_profile ─> CriterionScore ──┤
                                                                   area tree, totals, verdict
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SkipValidation

from readiness.dates import PartialDate, add_months
from readiness.frameworks.catalogue import Catalogue
from readiness.frameworks.schema import Area, Criterion, EvidenceRequirement, Framework, ProfileCheck, walk_areas
from readiness.profile import PROFILE_FIELDS
from readiness.text import word_count

Status = Literal["met", "partial", "missing", "stale", "unverified", "not_applicable"]
Timing = Literal["ok", "future", "expired", "undated", "too_old", "before_window"]

#: Statuses in the order a reader meets them, best first.
STATUSES: tuple[str, ...] = ("met", "partial", "unverified", "stale", "missing", "not_applicable")
FORMAT = "readiness-scorecard/1"
#: Coverage this close to 1 is 1 (floating sums of unverified weights).
EPSILON = 1e-9

#: One written definition per number, used by the terminal, the JSON and the dossier alike.
DEFINITIONS: dict[str, dict[str, str]] = {
    "coverage": {
        "en": "How far one criterion is satisfied, 0-100%. Evidence criteria: the records that "
              "count (a verified record counts 1, an unverified one the framework's unverified "
              "weight) divided by the number the criterion asks for, capped at 100%. Profile "
              "criteria: the share of the fields asked for that are set and valid.",
        "vi": "Mức đáp ứng của một tiêu chí, 0-100%. Tiêu chí minh chứng: số minh chứng được tính "
              "(minh chứng đã xác minh tính 1, chưa xác minh tính theo trọng số của bộ tiêu chí) "
              "chia cho số minh chứng tiêu chí yêu cầu, tối đa 100%. Tiêu chí thông tin thành phố: "
              "tỷ lệ các trường được yêu cầu đã có giá trị hợp lệ.",
    },
    "score": {
        "en": "Weighted readiness score, 0-100%: the weighted mean of the top areas' scores, each "
              "area's score being the weighted mean of its criteria's coverage and its sub-areas' "
              "scores, with the weights of the framework file. Criteria marked not applicable "
              "are left out of numerator and denominator; with nothing applicable there is no score.",
        "vi": "Điểm sẵn sàng có trọng số, 0-100%: trung bình có trọng số của điểm các lĩnh vực cấp "
              "cao nhất; điểm mỗi lĩnh vực là trung bình có trọng số của mức đáp ứng các tiêu chí và "
              "điểm các lĩnh vực con, theo trọng số trong tệp bộ tiêu chí. Tiêu chí không áp dụng "
              "được loại khỏi cả tử số và mẫu số; không có tiêu chí nào áp dụng thì không có điểm.",
    },
    "met_share": {
        "en": "Criteria met: the number of applicable criteria whose status is met, divided by "
              "the number of applicable criteria, unweighted. Never blended with the score.",
        "vi": "Tỷ lệ tiêu chí đạt: số tiêu chí áp dụng có trạng thái đạt chia cho số tiêu chí áp "
              "dụng, không tính trọng số. Không gộp với điểm sẵn sàng.",
    },
    "verdict": {
        "en": "The framework's verdict rules, first that holds: by default not ready when a "
              "blocking criterion is unmet, ready when the score reaches the framework's "
              "threshold, otherwise ready with gaps. The application form's verdict follows the "
              "city's dates first: member, endorsed by the National Commission, sent to it; "
              "before that, ready to send. A framework with eligibility rules (the Learning City "
              "Award) says not eligible, with the reasons, when they do not hold. The bundled "
              "frameworks' thresholds and blocking flags are ours, not UNESCO's.",
        "vi": "Theo các quy tắc kết luận của bộ tiêu chí, quy tắc đầu tiên thỏa mãn được áp dụng: "
              "mặc định là chưa sẵn sàng khi còn tiêu chí bắt buộc chưa đạt, sẵn sàng khi điểm đạt "
              "ngưỡng của bộ tiêu chí, còn lại là sẵn sàng nhưng còn thiếu sót. Kết luận của hồ sơ "
              "đăng ký xét các mốc thời gian của thành phố trước: đã là thành viên, đã được Ủy ban "
              "Quốc gia UNESCO xác nhận, đã gửi Ủy ban; trước đó là sẵn sàng gửi. Bộ tiêu chí có điều "
              "kiện tham gia (Giải thưởng Thành phố học tập) kết luận chưa đủ điều kiện, kèm lý do, "
              "khi điều kiện chưa thỏa mãn. Ngưỡng điểm và tiêu chí bắt buộc của các bộ tiêu chí kèm "
              "theo là do chúng tôi đặt, không phải của UNESCO.",
    },
    "gain": {
        "en": "What closing a gap adds to the score, in points: the criterion's share of the "
              "total weight times the coverage it lacks.",
        "vi": "Số điểm được cộng thêm khi khắc phục thiếu sót: phần trọng số của tiêu chí trong "
              "tổng điểm nhân với phần mức đáp ứng còn thiếu.",
    },
}


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class RecordFact:
    """What scoring needs to know of one evidence record."""

    code: str
    kind: str
    status: str
    start: PartialDate | None = None
    end: PartialDate | None = None
    valid_until: PartialDate | None = None
    files: int = 0
    links: tuple[str, ...] = ()
    unit: str | None = None
    title: Mapping[str, str] = field(default_factory=dict)
    status_reason: str | None = None

    @property
    def dated(self) -> PartialDate | None:
        """The date its age is measured from: the end of what it documents, else the start."""
        return self.end or self.start


@dataclass(frozen=True)
class IndicatorFact:
    """A value a record reports for an indicator."""

    indicator: str
    value: float
    record: str
    unit: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class CityFacts:
    """Everything scoring reads about one city."""

    name: str
    code: str
    country: str
    profile: Mapping[str, Any]
    records: tuple[RecordFact, ...] = ()
    indicators: tuple[IndicatorFact, ...] = ()
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    units: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Tally:
    """``count`` records that fare alike for one criterion (one record in a city's scorecard)."""

    count: int
    verified: bool
    has_file: bool
    timing: Timing
    record: RecordFact | None = None
    via: str | None = None  # the crosswalk it came through, None when linked directly
    wrong_kind: bool = False
    rejected: bool = False


# ---------------------------------------------------------------------------------------------
# Output: the scorecard (pydantic, so that its JSON has a schema)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Reason(_Out):
    """A problem and the action that closes it, as a code with values (``labels.reason_text`` says it)."""

    code: str
    params: dict[str, Any] = {}


@dataclass(frozen=True)
class RecordCheck:
    """One linked record and whether it counted for a criterion, and why not.

    A plain dataclass, not a pydantic model: a city has one per record and criterion (tens of
    thousands), built from facts already checked, and pydantic would validate each again.
    """

    id: str
    kind: str
    date: str | None
    status: str
    via: str | None
    counted: bool
    credit: float
    reasons: tuple[str, ...] = ()


class FieldCheck(_Out):
    """One profile field a criterion asks for, and whether it is set and valid."""

    field: str
    ok: bool
    value: Any = None
    problem: Reason | None = None
    #: For a text with a word limit: the words of each language version. The limit applies to the
    #: form's language only; the others (a Vietnamese draft) are shown for information.
    words: dict[str, int] = {}
    #: The language the word limit applies to (the form's language of communication), if any.
    limit_language: str | None = None


class IndicatorScore(_Out):
    """The latest value of an indicator: present and recent, and whether it reaches its target."""

    id: str
    title: dict[str, str]
    unit: str
    target: float | None
    direction: str
    value: float | None = None
    year: int | None = None
    record: str | None = None
    status: Literal["fresh", "stale", "missing"]
    target_reached: bool | None = None
    #: A proxy the framework's authors chose, not a measurement its source names.
    own: bool = False


class CriterionScore(_Out):
    ref: str
    id: str
    title: dict[str, str]
    area: str
    weight: float
    blocking: bool
    basis: Literal["evidence", "profile"]
    status: Status
    coverage: float | None
    #: Its share of the framework's total weight (0 when not applicable).
    share: float = 0.0
    justification: str | None = None
    #: Not yet due: the profile date it waits for (``applies_after``); left out of the score meanwhile.
    waits_for: str | None = None
    counted: list[str] = []
    records: SkipValidation[list[RecordCheck]] = []
    #: Records counted (a group in the national view may hold many).
    counted_records: int = 0
    fields: list[FieldCheck] = []
    indicators: list[IndicatorScore] = []

    @property
    def applicable(self) -> bool:
        return self.status != "not_applicable"


class AreaScore(_Out):
    id: str
    title: dict[str, str]
    weight: float
    score: float | None
    met: int
    applicable: int
    areas: list[AreaScore] = []
    criteria: list[CriterionScore] = []


class Gap(_Out):
    """Something missing, with the actions that close it, most important first."""

    framework: str
    criterion: str
    title: dict[str, str]
    area: str
    status: Status
    coverage: float | None
    blocking: bool
    gain: float
    problems: list[Reason]
    #: Units that own the records linked to it; else (``owner_suggested``) the unit that gave the
    #: most counting records to its area.
    units: list[str] = []
    owner_suggested: bool = False
    #: Its blocking flag and thresholds are the framework authors' rules, not UNESCO's.
    own_rule: bool = False


class Scorecard(_Out):
    """A city scored against one framework as on one day."""

    format: str = FORMAT
    city: str
    city_code: str
    framework: str
    framework_name: dict[str, str]
    version: str
    draft: bool
    as_of: dt.date
    threshold: float
    unverified_weight: float
    score: float | None
    met_share: float | None
    met: int
    applicable: int
    not_applicable: int
    criteria: int
    blocking_unmet: list[str]
    verdict: str | None
    areas: list[AreaScore]
    gaps: list[Gap] = []
    #: The verdict in the framework's own words ("ready to send to the National Commission"), when it has them.
    verdict_label: dict[str, str] | None = None
    #: The threshold, verdict rules, blocking flags and evidence counts and ages are the framework
    #: authors' choices, not UNESCO's (``Framework.own_thresholds``).
    own_thresholds: bool = False
    #: Eligibility (``Framework.eligibility``): None when the framework has no such rules; else
    #: whether the city may be scored, the reasons it may not, and the rules no city's data checks.
    eligible: bool | None = None
    eligibility: list[Reason] = []
    eligibility_notes: list[dict[str, str]] = []
    #: Only evidence dated on or after this day counts (progress since joining the network).
    evidence_since: dt.date | None = None

    def all_criteria(self) -> list[CriterionScore]:
        return [c for a in walk_areas(self.areas) for c in a.criteria]

    def criterion(self, ref: str) -> CriterionScore | None:
        return next((c for c in self.all_criteria() if c.ref == ref or c.id == ref), None)


AreaScore.model_rebuild()


# ---------------------------------------------------------------------------------------------
# Dates


def years_before(day: dt.date, years: float) -> dt.date:
    """The same day ``years`` earlier, in whole months (1.5 years is 18 months); 29 Feb -> 28."""
    return add_months(day, -round(years * 12))


def cutoff_of(max_age_years: float | None, as_of: dt.date) -> dt.date | None:
    """The oldest day a record may be dated and still count; None when there is no age limit."""
    return years_before(as_of, max_age_years) if max_age_years else None


def timing_of(record: RecordFact, as_of: dt.date, cutoff: dt.date | None, since: dt.date | None = None) -> Timing:
    """Where a record stands in time for a criterion with this cutoff.

    A record counts from the first day its start could be (dated "2025": from 1 January 2025)
    and ages from the last day it could be (from 31 December 2025): partial dates get the
    benefit of the doubt. ``facts.national_candidates`` states the same rule in SQL. ``since``
    opens an evidence window (the Learning City Award counts progress since joining): a record
    whose date (its end, else its start) is before it does not count, nor one with no date.
    """
    if record.start is not None and record.start.first_day > as_of:
        return "future"
    if record.valid_until is not None and record.valid_until.last_day < as_of:
        return "expired"
    if since is not None:
        if record.dated is None:
            return "undated"
        if record.dated.last_day < since:
            return "before_window"
    if cutoff is None:
        return "ok"
    dated = record.dated
    if dated is None:
        return "undated"
    return "too_old" if dated.last_day < cutoff else "ok"


def counts_until(record: RecordFact, max_age_years: float | None) -> dt.date | None:
    """The last day a record still counts (by validity or age), None when it never runs out."""
    ends = []
    if record.valid_until is not None:
        ends.append(record.valid_until.last_day)
    if max_age_years and record.dated is not None:
        # The last as-of day whose cutoff (years_before) still falls on or before its date;
        # short months can push it a day or two past the plain month arithmetic.
        dated = record.dated.last_day
        last = add_months(dated, round(max_age_years * 12))
        while years_before(last + dt.timedelta(days=1), max_age_years) <= dated:
            last += dt.timedelta(days=1)
        ends.append(last)
    return min(ends) if ends else None


# ---------------------------------------------------------------------------------------------
# Crosswalks and candidates


def crosswalk(catalogue: Catalogue | Iterable[Framework]) -> dict[str, set[str]]:
    """For each criterion ref, the refs whose records count for it too.

    A crosswalk (``maps_to``) joins two criteria both ways, one step: a record linked to either
    counts for the other, if it meets that criterion's own requirement. Chains are not followed.
    """
    frameworks = [e.framework for e in catalogue] if isinstance(catalogue, Catalogue) else list(catalogue)
    joined: dict[str, set[str]] = defaultdict(set)
    for fw in frameworks:
        for crit in fw.criteria.values():
            for target in crit.maps_to:
                source = f"{fw.id}:{crit.id}"
                joined[target].add(source)
                joined[source].add(target)
    return dict(joined)


def candidates_from_records(framework: Framework, records: Iterable[RecordFact], as_of: dt.date,
                            joined: Mapping[str, set[str]], since: dt.date | None = None) -> dict[str, list[Tally]]:
    """Each record linked to a criterion (directly or through a crosswalk) as a one-record tally.

    A record linked both directly and through a crosswalk is taken once, as direct.
    ``facts.national_candidates`` follows the same rules in SQL. ``since``: the evidence window's
    first day (``timing_of``).
    """
    by_link = records_by_link(records)
    out: dict[str, list[Tally]] = {}
    timing_cache: dict[dt.date | None, dict[str, Timing]] = {}  # few distinct cutoffs per framework
    for crit in framework.criteria.values():
        tallies = criterion_tallies(framework, crit, by_link, as_of, joined, since, timing_cache)
        if tallies:
            out[f"{framework.id}:{crit.id}"] = tallies
    return out


def records_by_link(records: Iterable[RecordFact]) -> dict[str, list[RecordFact]]:
    """The records linked to each criterion ref (as linked, before any crosswalk)."""
    by_link: dict[str, list[RecordFact]] = defaultdict(list)
    for r in records:
        for ref in r.links:
            by_link[ref].append(r)
    return by_link


def criterion_tallies(framework: Framework, crit: Criterion, by_link: Mapping[str, Sequence[RecordFact]],
                      as_of: dt.date, joined: Mapping[str, set[str]], since: dt.date | None = None,
                      timing_cache: dict[dt.date | None, dict[str, Timing]] | None = None) -> list[Tally]:
    """One criterion's tallies for ``candidates_from_records`` (none for a criterion on the profile)."""
    if crit.evidence is None:
        return []
    ref = f"{framework.id}:{crit.id}"
    req = crit.evidence
    cutoff = cutoff_of(req.max_age_years, as_of)
    kinds = {k.value for k in req.kinds}
    seen: dict[str, Tally] = {}
    timings = (timing_cache if timing_cache is not None else {}).setdefault(cutoff, {})
    for source in [ref, *sorted(joined.get(ref, ()))]:
        via = None if source == ref else source
        for r in by_link.get(source, ()):
            wrong_kind = r.kind not in kinds
            # A crosswalk brings only records of a kind the criterion takes; nobody linked
            # the others to it, so they are not its business.
            if r.code in seen or (via is not None and wrong_kind):
                continue
            timing = timings.get(r.code)
            if timing is None:
                timing = timings[r.code] = timing_of(r, as_of, cutoff, since)
            seen[r.code] = Tally(1, r.status == "verified", r.files > 0, timing,
                                 record=r, via=via, wrong_kind=wrong_kind, rejected=r.status == "rejected")
    return sorted(seen.values(), key=lambda t: t.record.code)  # type: ignore[union-attr]


def tally_reasons(t: Tally, criterion: Criterion) -> list[str]:
    """Why these records do not count for the criterion; empty when they count."""
    req = criterion.evidence
    assert req is not None
    if not (t.rejected or t.wrong_kind) and t.timing == "ok" and (t.has_file or not req.file_required) \
            and (t.verified or not req.verified_required):
        return []  # the common case, decided in one test
    reasons = []
    if t.rejected:
        reasons.append("rejected")
    if t.wrong_kind:
        reasons.append("wrong_kind")
    if t.timing != "ok":
        reasons.append(t.timing)
    if req.file_required and not t.has_file:
        reasons.append("no_file")
    if req.verified_required and not t.verified and not t.rejected:
        reasons.append("not_verified")
    return reasons


# ---------------------------------------------------------------------------------------------
# One criterion


def assess(criterion: Criterion, framework: Framework, tallies: Sequence[Tally],
           made: dict[tuple, RecordCheck] | None = None) -> tuple[Status, float, int, list[RecordCheck]]:
    """Status, coverage and the checks of the records linked to an evidence criterion.

    ``made`` shares RecordChecks between criteria (they are immutable): a record usually fares
    the same under several criteria, and a city has thousands of records.
    """
    made = {} if made is None else made
    req = criterion.evidence
    assert req is not None
    verified = unverified = 0
    stale_only = False
    checks = []
    for t in tallies:
        reasons = tally_reasons(t, criterion)
        counted = not reasons
        if counted:
            verified += t.count if t.verified else 0
            unverified += 0 if t.verified else t.count
        elif set(reasons) <= {"too_old", "expired"}:
            stale_only = True
        if t.record is not None:
            credit = (1.0 if t.verified else framework.unverified_weight) if counted else 0.0
            key = (t.record.code, t.via, credit, *reasons)
            check = made.get(key)
            if check is None:
                check = made[key] = RecordCheck(id=t.record.code, kind=t.record.kind,
                                                date=t.record.start.iso() if t.record.start else None,
                                                status=t.record.status, via=t.via, counted=counted, credit=credit,
                                                reasons=tuple(reasons))
            checks.append(check)
    credit = verified + framework.unverified_weight * unverified
    coverage = min(1.0, credit / req.min_count)
    if verified + unverified:
        if verified == 0:
            status: Status = "unverified"
        else:
            status = "met" if coverage >= 1 - EPSILON else "partial"
    else:
        status = "stale" if stale_only else "missing"
    return status, (1.0 if coverage >= 1 - EPSILON else coverage), verified + unverified, checks


def communication_language(profile: Mapping[str, Any]) -> str:
    """The language the form is answered in: the city's `language` field (en or fr), else en."""
    texts = profile.get("language") or {}
    return next((v for v in texts.values() if v in ("en", "fr")), "en")


def check_profile(criterion: Criterion, profile: Mapping[str, Any],
                  as_of: dt.date) -> tuple[Status, float, list[FieldCheck]]:
    """Whether the city profile has the fields a criterion asks for, set and valid."""
    req = criterion.profile
    assert req is not None
    checks: list[FieldCheck] = []
    parts: list[float] = []
    stale = 0
    lang = communication_language(profile)
    for name in req.fields:
        stored = profile.get(name)
        problem: Reason | None = None
        words: dict[str, int] = {}
        part = 1.0
        if req.check is ProfileCheck.RATINGS:
            rated = stored or {}
            missing = [t for t in req.topic_ids if t not in rated]
            part = (len(req.topics) - len(missing)) / len(req.topics)
            if missing:
                problem = Reason(code="unrated", params={"topics": missing})
        elif not stored:
            part, problem = 0.0, Reason(code="field_missing", params={"field": name})
        elif req.check is ProfileCheck.FIGURE or PROFILE_FIELDS[name].kind.value == "figure":
            cutoff = cutoff_of(req.max_age_years, as_of)
            if cutoff is not None and dt.date(stored["year"], 12, 31) < cutoff:
                part, stale = 0.0, stale + 1
                problem = Reason(code="old_figure", params={"field": name, "year": stored["year"],
                                                            "years": f"{req.max_age_years:g}"})
        elif req.check is ProfileCheck.TEXT and req.max_words:
            # The limit is the form's: it applies to the text in the form's language only. Other
            # versions (a Vietnamese draft) are counted for information in ``words``.
            words = {code: word_count(t) for code, t in sorted(stored.items())}
            if lang not in stored:
                part, problem = 0.0, Reason(code="no_lang", params={"field": name, "language": lang})
            elif words[lang] > req.max_words:
                part, problem = 0.0, Reason(code="too_long", params={"field": name, "language": lang,
                                                                     "words": words[lang], "max": req.max_words})
        checks.append(FieldCheck(field=name, ok=problem is None, value=_shown(stored), problem=problem, words=words,
                                 limit_language=lang if req.check is ProfileCheck.TEXT and req.max_words else None))
        parts.append(part)
    coverage = sum(parts) / len(parts)
    if coverage >= 1 - EPSILON:
        status: Status = "met"
    elif coverage > 0:
        status = "partial"
    else:
        status = "stale" if stale == len(parts) else "missing"
    return status, coverage, checks


def _shown(stored: Any) -> Any:
    if isinstance(stored, dict) and set(stored) == {"value", "year"}:
        return stored
    if isinstance(stored, dict):
        return {k: (v if not isinstance(v, str) or len(v) <= 80 else v[:77] + "...") for k, v in stored.items()}
    return stored


def score_indicators(criterion: Criterion, framework: Framework, values: Sequence[IndicatorFact],
                     record_dates: Mapping[str, PartialDate | None], as_of: dt.date) -> list[IndicatorScore]:
    """The latest value of each indicator of a criterion, its recency and whether it reaches its target.

    A value's year is its own, else its record's year. Values from after the as-of date are left
    out. Reported next to the coverage, never mixed into it.
    """
    out = []
    for ind in criterion.indicators:
        names = {ind.id, f"{framework.id}:{ind.id}"}
        found = []
        for v in values:
            if v.indicator not in names:
                continue
            date = record_dates.get(v.record)
            year = v.year or (date.year if date else None)
            if year is not None and year > as_of.year:
                continue
            found.append((year or 0, v.record, v, year))
        if not found:
            out.append(IndicatorScore(id=ind.id, title=dict(ind.title.root), unit=ind.unit, target=ind.target,
                                      direction=ind.direction, status="missing", own=ind.own))
            continue
        _, _, v, year = max(found, key=lambda f: (f[0], f[1]))
        cutoff = cutoff_of(ind.max_age_years, as_of)
        fresh = cutoff is None or (year is not None and dt.date(year, 12, 31) >= cutoff)
        reached = None
        if ind.target is not None:
            reached = v.value >= ind.target if ind.direction == "at_least" else v.value <= ind.target
        out.append(IndicatorScore(id=ind.id, title=dict(ind.title.root), unit=ind.unit, target=ind.target,
                                  direction=ind.direction, value=v.value, year=year, record=v.record,
                                  status="fresh" if fresh else "stale", target_reached=reached, own=ind.own))
    return out


# ---------------------------------------------------------------------------------------------
# The whole framework


def score(framework: Framework, city: CityFacts, as_of: dt.date, *,
          candidates: Mapping[str, Sequence[Tally]] | None = None,
          joined: Mapping[str, set[str]] | None = None, with_gaps: bool = True) -> Scorecard:
    """Score a city against a framework as on ``as_of``.

    ``candidates`` (criterion ref -> tallies) come from ``candidates_from_records`` when not
    given; the national view passes the database's counts instead. ``joined`` is the crosswalk
    (``crosswalk(catalogue)``); without it only direct links count. ``with_gaps=False`` skips
    the gaps (they need records, which counted tallies do not have).
    """
    eligible, reasons, since = check_eligibility(framework, city.profile, as_of)
    if candidates is None:
        candidates = candidates_from_records(framework, city.records, as_of, joined or {}, since)
    record_dates = {r.code: r.dated for r in city.records}
    made: dict[tuple, RecordCheck] = {}
    results: dict[str, dict[str, Any]] = {}  # each criterion's fields, made a model once its share is known
    for crit in framework.criteria.values():
        ref = f"{framework.id}:{crit.id}"
        result = results[ref] = dict(
            ref=ref, id=crit.id, title=dict(crit.title.root), area=framework.area_of(crit.id).id, weight=crit.weight,
            blocking=crit.blocking, basis="evidence" if crit.evidence is not None else "profile",
            indicators=score_indicators(crit, framework, city.indicators, record_dates, as_of)
            if crit.indicators else [])
        if ref in city.not_applicable:
            result.update(status="not_applicable", coverage=None, justification=city.not_applicable[ref])
        elif crit.applies_after is not None and not city.profile.get(crit.applies_after):
            result.update(status="not_applicable", coverage=None, waits_for=crit.applies_after)
        elif crit.evidence is not None:
            status, coverage, n, checks = assess(crit, framework, candidates.get(ref, ()), made)
            result.update(status=status, coverage=coverage, records=checks, counted_records=n,
                          counted=[c.id for c in checks if c.counted])
        else:
            status, coverage, fields = check_profile(crit, city.profile, as_of)
            result.update(status=status, coverage=coverage, fields=fields)

    # Totals: each area's weighted mean, then each criterion's share of the framework's total.
    values: dict[str, float | None] = {}

    def area_value(area: Area) -> float | None:
        parts = [(a.weight, v) for a in area.areas if (v := area_value(a)) is not None]
        parts += [(c.weight, results[f"{framework.id}:{c.id}"]["coverage"]) for c in area.criteria
                  if results[f"{framework.id}:{c.id}"]["coverage"] is not None]
        weight = sum(w for w, _ in parts)
        values[area.id] = sum(w * v for w, v in parts) / weight if parts else None
        return values[area.id]

    shares: dict[str, float] = {}

    def spread(area: Area, share: float) -> None:
        parts: list[tuple[float, Any]] = [(a.weight, a) for a in area.areas if values[a.id] is not None]
        parts += [(c.weight, c) for c in area.criteria if results[f"{framework.id}:{c.id}"]["coverage"] is not None]
        weight = sum(w for w, _ in parts)
        for w, child in parts:
            if isinstance(child, Area):
                spread(child, share * w / weight)
            else:
                shares[f"{framework.id}:{child.id}"] = share * w / weight

    top = [(a.weight, a, v) for a in framework.areas if (v := area_value(a)) is not None]
    total_weight = sum(w for w, _, _ in top)
    total = sum(w * v for w, _, v in top) / total_weight if top else None
    for w, a, _ in top:
        spread(a, w / total_weight)
    criteria = {ref: CriterionScore(**r, share=shares.get(ref, 0.0)) for ref, r in results.items()}
    areas = [_area_score(a, framework, criteria, values) for a in framework.areas]

    applicable = [c for c in criteria.values() if c.applicable]
    met = sum(c.status == "met" for c in applicable)
    blocking_unmet = [c.ref for c in applicable if c.blocking and c.status != "met"]
    met_share = met / len(applicable) if applicable else None
    verdict, verdict_label = None, None
    if eligible is False:
        verdict = "not_eligible"
    elif total is not None:
        rule = framework.decide_rule(blocking_unmet=bool(blocking_unmet), score=total, met_share=met_share,
                                     profile=city.profile)
        verdict = rule.verdict.value
        verdict_label = dict(rule.label.root) if rule.label is not None else None
    card = Scorecard(
        city=city.name, city_code=city.code, framework=framework.id, framework_name=dict(framework.name.root),
        version=framework.version, draft=framework.status == "draft", as_of=as_of, threshold=framework.threshold,
        unverified_weight=framework.unverified_weight, score=total, met_share=met_share, met=met,
        applicable=len(applicable), not_applicable=len(criteria) - len(applicable), criteria=len(criteria),
        blocking_unmet=blocking_unmet, verdict=verdict, areas=areas, verdict_label=verdict_label,
        own_thresholds=framework.own_thresholds, eligible=eligible, eligibility=reasons,
        eligibility_notes=[dict(n.root) for n in framework.eligibility.notes] if framework.eligibility else [],
        evidence_since=since)
    if not with_gaps:
        return card
    return card.model_copy(update={"gaps": find_gaps(card, framework, city, as_of)})


def check_eligibility(framework: Framework, profile: Mapping[str, Any],
                      as_of: dt.date) -> tuple[bool | None, list[Reason], dt.date | None]:
    """Whether the city may be scored against a framework with ``eligibility`` rules, the reasons
    it may not, and the first day of its evidence window (``member_since``, when the rules count
    progress since joining). ``(None, [], None)`` for a framework without such rules."""
    rules = framework.eligibility
    if rules is None:
        return None, [], None
    reasons: list[Reason] = []
    member = profile.get("member_since")
    since = dt.date.fromisoformat(member) if isinstance(member, str) else None
    if rules.member_more_than_months is not None:
        if since is None:
            reasons.append(Reason(code="not_member"))
        else:
            # More than N months: eligible from the day after N months of membership.
            eligible_from = add_months(since, rules.member_more_than_months) + dt.timedelta(days=1)
            if as_of < eligible_from:
                reasons.append(Reason(code="member_too_recent", params={
                    "since": since.isoformat(), "months": rules.member_more_than_months,
                    "eligible_from": eligible_from.isoformat()}))
    won = profile.get("learning_city_award_year")
    if rules.past_winner_wait_years is not None and isinstance(won, int) \
            and as_of.year < won + rules.past_winner_wait_years:
        reasons.append(Reason(code="past_winner", params={"year": won, "years": rules.past_winner_wait_years,
                                                         "eligible_from": won + rules.past_winner_wait_years}))
    return not reasons, reasons, since if rules.evidence_since_membership else None


def _area_score(area: Area, framework: Framework, criteria: Mapping[str, CriterionScore],
                values: Mapping[str, float | None]) -> AreaScore:
    subs = [_area_score(a, framework, criteria, values) for a in area.areas]
    crits = [criteria[f"{framework.id}:{c.id}"] for c in area.criteria]
    return AreaScore(id=area.id, title=dict(area.title.root), weight=area.weight, score=values[area.id],
                     met=sum(a.met for a in subs) + sum(c.status == "met" for c in crits),
                     applicable=sum(a.applicable for a in subs) + sum(c.applicable for c in crits),
                     areas=subs, criteria=crits)


# ---------------------------------------------------------------------------------------------
# Gaps


def find_gaps(card: Scorecard, framework: Framework, city: CityFacts, as_of: dt.date) -> list[Gap]:
    """Every applicable criterion not met (and every indicator missing or stale), with its actions.

    Ordered blocking first, then by the points closing it would add (its share of the total
    times the coverage it lacks), then by framework order.
    """
    by_code = {r.code: r for r in city.records}
    area_units = _area_units(card, by_code)
    chains = _area_chains(framework)
    gaps: list[tuple[tuple[bool, float, int], Gap]] = []
    for order, c in enumerate(card.all_criteria()):
        if not c.applicable:
            continue
        crit = framework.criteria[c.id]
        problems: list[Reason] = []
        if c.status != "met":
            if crit.evidence is not None:
                problems += _evidence_problems(c, crit, by_code, city, as_of, card.unverified_weight,
                                               chains.get(c.area, set()), card.evidence_since)
            else:
                problems += [p.model_copy(update={"params": {**p.params, "city": city.name}})
                             for f in c.fields if (p := f.problem) is not None]
        problems += _indicator_problems(c)
        if not problems:
            continue
        gain = 100 * c.share * (1 - (c.coverage or 0))
        units = sorted({unit for r in c.records if r.id in by_code and (unit := by_code[r.id].unit)})
        suggested = not units and bool(area_units.get(c.area))
        if suggested:
            units = [min(area_units[c.area].items(), key=lambda kv: (-kv[1], kv[0]))[0]]
        gap = Gap(framework=framework.id, criterion=c.ref, title=c.title, area=c.area, status=c.status,
                  coverage=c.coverage, blocking=c.blocking, gain=round(gain, 6), problems=problems, units=units,
                  owner_suggested=suggested, own_rule=framework.own_thresholds)
        gaps.append(((not c.blocking or c.status == "met", -round(gain, 9), order), gap))
    return [g for _, g in sorted(gaps, key=lambda x: x[0])]


def rank_gaps(cards: Iterable[Scorecard]) -> list[Gap]:
    """The gaps of several scorecards in one list, most important first: blocking and unmet
    first, then by the points closing each would add; ties keep each scorecard's own order."""
    return sorted((g for c in cards for g in c.gaps), key=lambda g: (not g.blocking or g.status == "met", -g.gain))


def _area_units(card: Scorecard, by_code: Mapping[str, RecordFact]) -> dict[str, Counter[str]]:
    """Per area, the units that contributed counting records to it, counted: whom to ask when a
    criterion of that area has no record of its own yet."""
    area_units: dict[str, Counter[str]] = defaultdict(Counter)
    for c in card.all_criteria():
        for code in c.counted:
            if code in by_code and (unit := by_code[code].unit):
                area_units[c.area][unit] += 1
    return area_units


def _area_chains(framework: Framework) -> dict[str, set[str]]:
    """Each area with the areas above it, as link refs: a record linked to one of them is about
    the criteria below it (an area link counts for none), so linking it to one is an action."""
    chains: dict[str, set[str]] = {}
    for a in walk_areas(framework.areas):  # each area comes before the areas it holds
        chains.setdefault(a.id, set()).add(f"{framework.id}:{a.id}")
        chains.update({sub.id: set(chains[a.id]) for sub in a.areas})
    return chains


def _indicator_problems(c: CriterionScore) -> list[Reason]:
    problems = []
    for ind in c.indicators:
        if ind.status == "missing":
            problems.append(Reason(code="indicator_missing", params={"indicator": ind.title}))
        elif ind.status == "stale":
            problems.append(Reason(code="indicator_stale", params={"indicator": ind.title, "year": ind.year or "?"}))
    return problems


@dataclass
class _Ladder:
    """One evidence criterion's gap while its actions are found: ``short`` is how many more
    records must count once every record involved is verified; each action lowers it."""

    c: CriterionScore
    req: EvidenceRequirement
    by_code: Mapping[str, RecordFact]
    as_of: dt.date
    short: int
    problems: list[Reason] = field(default_factory=list)
    #: The evidence window's first day, ISO, when the framework counts evidence since joining.
    since: str | None = None

    @property
    def kinds(self) -> list[str]:
        return [k.value for k in self.req.kinds]

    @property
    def years(self) -> str | None:
        return f"{self.req.max_age_years:g}" if self.req.max_age_years else None

    def base(self, code: str) -> dict[str, Any]:
        return {"record": code, "kinds": self.kinds, "years": self.years, "as_of": self.as_of.isoformat()}


def _evidence_problems(c: CriterionScore, crit: Criterion, by_code: Mapping[str, RecordFact],
                       city: CityFacts, as_of: dt.date, unverified_weight: float = 0.5,
                       areas: Iterable[str] = (), since: dt.date | None = None) -> list[Reason]:
    """The actions that close an evidence criterion's gap, cheapest first, then what is only worth knowing.

    The cost ladder: verify a record that already counts (or counts only once verified) < attach
    a file to a record that lacks only that < link a record that would count but is linked only
    to the criterion's area (``areas``: its area and those above it) < date an undated record or
    correct a rejected one (they may count then) < add a new record. An action is listed only
    while the gap is still open after the cheaper ones, so that the first action is the cheapest
    that really closes it: a newer record that waits for verification is "verify it", never "add
    a newer one". Records that cannot count here whatever is done to them (wrong kind, dated
    after the as-of day) come last, as notes.
    """
    req = crit.evidence
    assert req is not None
    records = c.records
    short = req.min_count - (c.counted_records + sum(1 for r in records if r.reasons == ("not_verified",)))
    ladder = _Ladder(c, req, by_code, as_of, short, since=since.isoformat() if since else None)
    _verify(ladder, unverified_weight)
    _attach(ladder)
    if ladder.short > 0:
        _link(ladder, city, areas)
    if ladder.short > 0:
        _correct(ladder)
    if ladder.short > 0:
        _add(ladder)
    _notes(ladder)
    return ladder.problems


def _verify(ladder: _Ladder, unverified_weight: float) -> None:
    """1. Verify: records that count at the unverified weight, or only once verified."""
    records = ladder.c.records
    verified = sum(1 for r in records if r.counted and r.status == "verified")
    unverified = sum(1 for r in records if r.counted and r.status != "verified")
    closed = verified >= 1 and verified + unverified_weight * unverified >= ladder.req.min_count - EPSILON
    waiting = sorted({r.id for r in records
                      if (r.counted and r.status != "verified") or r.reasons == ("not_verified",)})
    if waiting and not closed:
        ladder.problems.append(Reason(code="waiting", params={"records": waiting}))


def _attach(ladder: _Ladder) -> None:
    """2. Attach a file to a record that lacks only that."""
    for r in ladder.c.records:
        if ladder.short > 0 and "no_file" in r.reasons and set(r.reasons) <= {"no_file", "not_verified"}:
            ladder.problems.append(Reason(code="no_file", params=ladder.base(r.id)))
            ladder.short -= 1


def _link(ladder: _Ladder, city: CityFacts, areas: Iterable[str]) -> None:
    """3. Link a record linked only to the criterion's area that would count here: verified
    first, then newest. (Any record of the right kind would be a guess about its subject.)"""
    req, c, as_of = ladder.req, ladder.c, ladder.as_of
    linked = {r.id for r in c.records}
    cutoff = cutoff_of(req.max_age_years, as_of)
    since = dt.date.fromisoformat(ladder.since) if ladder.since else None
    about = set(areas)
    kinds = ladder.kinds
    fits = [r for r in city.records
            if r.code not in linked and about.intersection(r.links) and r.kind in kinds and r.status != "rejected"
            and timing_of(r, as_of, cutoff, since) == "ok" and (r.files > 0 or not req.file_required)]
    fits.sort(key=lambda r: (r.status != "verified", -(r.dated.last_day.toordinal() if r.dated else 0), r.code))
    for r in fits[:ladder.short]:
        ladder.problems.append(Reason(code="link_existing", params={
            **ladder.base(r.code), "kind": r.kind, "ref": c.ref, "date": r.dated.iso() if r.dated else "-"}))
        ladder.short -= 1


def _correct(ladder: _Ladder) -> None:
    """4. Records that may count once corrected: no date (under an age limit), or rejected. They
    are worth trying before adding a record, but do not close the gap for sure."""
    records = ladder.c.records
    for r in records:
        if "undated" in r.reasons and set(r.reasons) <= {"undated", "no_file", "not_verified"}:
            ladder.problems.append(Reason(code="undated", params=ladder.base(r.id)))
    for r in records:
        if "rejected" in r.reasons and "wrong_kind" not in r.reasons:
            rec = ladder.by_code.get(r.id)
            ladder.problems.append(Reason(code="rejected", params={
                **ladder.base(r.id), "why": (rec.status_reason if rec else None) or "-"}))


def _add(ladder: _Ladder) -> None:
    """5. Add new records: how many more, or a newer one than the last that ran out."""
    c, by_code, need = ladder.c, ladder.by_code, ladder.req.min_count
    old_codes = [r.id for r in c.records if not set(r.reasons) & {"wrong_kind", "rejected"}
                 and set(r.reasons) & {"too_old", "expired"}]
    old = [by_code[code] for code in old_codes if code in by_code]
    others = [by_code[r.id] for r in c.records if r.id in by_code and r.id not in old_codes
              and not set(r.reasons) & {"wrong_kind", "rejected"}]
    latest = max(old, key=lambda r: (r.dated.last_day if r.dated else dt.date.min, r.code)) if old else None
    newer = latest is not None and latest.dated is not None and any(
        o.dated is not None and o.dated.last_day > latest.dated.last_day for o in others)
    if need > 1:
        ladder.problems.append(Reason(code="need_more", params={"have": c.counted_records, "need": need,
                                                                "more": ladder.short, "kinds": ladder.kinds}))
    if latest is not None and not newer and c.counted_records == 0:
        ladder.problems.append(_ran_out(latest, ladder))
    elif need == 1:
        ladder.problems.append(Reason(code="missing" if ladder.years is None else "missing_recent",
                                      params={"kinds": ladder.kinds, "years": ladder.years, "ref": c.ref}))


def _ran_out(latest: RecordFact, ladder: _Ladder) -> Reason:
    """The newest record that no longer counts: expired, or too old."""
    if latest.valid_until is not None and latest.valid_until.last_day < ladder.as_of:
        return Reason(code="expired", params={"record": latest.code, "date": latest.valid_until.iso()})
    return Reason(code="stale", params={"kinds": ladder.kinds, "record": latest.code,
                                        "date": latest.dated.iso() if latest.dated else "?", "years": ladder.years})


def _notes(ladder: _Ladder) -> None:
    """6. Worth knowing: records linked here that cannot count whatever is done to them."""
    for r in ladder.c.records:
        if "future" in r.reasons:
            ladder.problems.append(Reason(code="future", params=ladder.base(r.id)))
    for r in ladder.c.records:
        if "before_window" in r.reasons:
            ladder.problems.append(Reason(code="before_window", params={**ladder.base(r.id), "since": ladder.since}))
    for r in ladder.c.records:
        if "wrong_kind" in r.reasons:
            rec = ladder.by_code.get(r.id)
            ladder.problems.append(Reason(code="wrong_kind", params={**ladder.base(r.id),
                                                                     "kind": rec.kind if rec else r.kind}))


# ---------------------------------------------------------------------------------------------
# Due: what runs out soon


class DueItem(_Out):
    """A counting record whose validity or age limit runs out by a date, and what falls with it."""

    record: str
    title: dict[str, str]
    criterion: str
    until: dt.date
    why: Literal["valid_until", "age"]
    falls: bool
    status_now: Status
    status_after: Status


def due(frameworks: Sequence[Framework], city: CityFacts, as_of: dt.date, horizon: dt.date,
        joined: Mapping[str, set[str]] | None = None) -> list[DueItem]:
    """Records that count on ``as_of`` but stop counting by ``horizon``, soonest first.

    ``falls`` says whether the criterion's status would worsen the day after the record stops
    counting (another record may still carry it).
    """
    items: list[DueItem] = []
    rank = {s: i for i, s in enumerate(STATUSES)}
    by_code = {r.code: r for r in city.records}
    by_link = records_by_link(city.records)
    for fw in frameworks:
        now = score(fw, city, as_of, joined=joined, with_gaps=False)
        since_on: dict[dt.date, dt.date | None] = {}
        later: dict[tuple[dt.date, str], str] = {}  # (day, criterion) -> its status that day
        for c in now.all_criteria():
            crit = fw.criteria[c.id]
            if crit.evidence is None or not c.applicable:
                continue
            for code in c.counted:
                rec = by_code[code]
                until = counts_until(rec, crit.evidence.max_age_years)
                if until is None or until > horizon or until < as_of:
                    continue
                why = "valid_until" if rec.valid_until is not None and rec.valid_until.last_day == until else "age"
                after_day = until + dt.timedelta(days=1)
                if (after_day, c.ref) not in later:  # only this criterion, scored as on that day
                    if after_day not in since_on:
                        since_on[after_day] = check_eligibility(fw, city.profile, after_day)[2]
                    tallies = criterion_tallies(fw, crit, by_link, after_day, joined or {}, since_on[after_day])
                    later[(after_day, c.ref)] = assess(crit, fw, tallies, {})[0]
                status_after = later[(after_day, c.ref)]
                items.append(DueItem(record=code, title=dict(rec.title), criterion=c.ref, until=until, why=why,
                                     falls=rank[status_after] > rank[c.status], status_now=c.status,
                                     status_after=status_after))
    return sorted(items, key=lambda i: (i.until, i.record, i.criterion))


# ---------------------------------------------------------------------------------------------
# By unit: who contributed what


class UnitContribution(_Out):
    unit: str | None
    areas: dict[str, int]
    records: int


def by_unit(card: Scorecard, city: CityFacts) -> list[UnitContribution]:
    """Per unit of the city, how many counting records it contributed to each top-level area.

    Units that contributed nothing are listed too (they are the ones to chase); records with no
    unit are listed under ``None``.
    """
    unit_of = {r.code: r.unit for r in city.records}
    counts: dict[str | None, dict[str, set[str]]] = {u: {} for u in city.units}
    for area in card.areas:
        for a in walk_areas([area]):
            for c in a.criteria:
                for code in c.counted:
                    counts.setdefault(unit_of.get(code), {}).setdefault(area.id, set()).add(code)
    out = []
    for unit, areas in counts.items():
        records = set().union(*areas.values()) if areas else set()
        out.append(UnitContribution(unit=unit, areas={a.id: len(areas.get(a.id, ())) for a in card.areas},
                                    records=len(records)))
    return sorted(out, key=lambda u: (u.unit is None, -u.records, u.unit or ""))
