"""The member's progress report: what the city did since it joined, from the same evidence.

UIL asks each GNLC member every two years for a progress report (an online survey: statistics,
case studies, answers within word limits) on its progress over a stated period. This report
gathers what that survey needs from the workspace, for the window from ``since`` (the city's
``member_since`` unless given) to the as-of day:

* what was done, by the six areas of the Guidelines for Building Learning Cities: the records of
  the window linked to each area (directly, or through a crosswalk from another framework);
* figures: each indicator's latest value in the window, the value before the window (the
  baseline) and the change between them;
* case studies: records of the window the coordinator tagged ``case-study``, in full, with their
  word counts;
* what is planned: records dated after the as-of day.

Only evidence of the window counts: a record counts when its start is known to fall in it (a
record dated only "2025" does not count for a window opening in December 2025). Verified records
only, as for the application; ``draft`` adds records not yet verified, marked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from readiness.dossier.context import (
    DossierOptions,
    RecordEntry,
    _nfc,
    _records,
    fingerprint,
    label_d,
    made_at,
    plan_embedding,
    read_city,
    shown_records,
)
from readiness.errors import InvalidValueError
from readiness.text import fold

if TYPE_CHECKING:
    from readiness.evidence import EvidenceView
    from readiness.frameworks.catalogue import Catalogue
    from readiness.store.db import Workspace

#: The framework whose six areas order the report.
GUIDELINES = "guidelines"
#: The tag that marks a record as a case study (``readiness evidence edit HN-0007 --tag case-study``).
CASE_STUDY_TAG = "case-study"


@dataclass
class AreaProgress:
    id: str
    title: str
    shown: list[str]
    more: int
    count: int
    kinds: list[tuple[str, int]]


@dataclass
class IndicatorChange:
    id: str
    title: str
    unit: str
    baseline: float | None
    baseline_year: int | None
    latest: float
    latest_year: int | None
    change: float | None


@dataclass
class ProgressContext:
    """Everything the progress template reads."""

    lang: str
    city: str
    country: str
    as_of: dt.date
    since: dt.date
    created: dt.datetime
    fingerprint: str
    sample: bool
    draft: bool
    areas: list[AreaProgress]
    other: AreaProgress | None
    figures: list[IndicatorChange]
    cases: list[RecordEntry]
    planned: list[RecordEntry]
    records: list[RecordEntry]
    by_code: dict[str, RecordEntry]
    in_window: int
    embed: bool
    embedded: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "progress"


def member_since(profile: dict[str, Any]) -> dt.date | None:
    """The day the city joined the network, from its profile (``member_since``), if set."""
    from readiness import dates

    stored = profile.get("member_since")
    if isinstance(stored, dict):
        stored = stored.get("value") or next((v for v in stored.values() if isinstance(v, str)), None)
    if isinstance(stored, dt.date):
        return stored
    if isinstance(stored, str) and stored.strip():
        try:
            return dates.parse(stored.strip(), "member_since").first_day
        except InvalidValueError:
            return None
    return None


def _day(view: EvidenceView) -> dt.date | None:
    from readiness import dates

    start = dates.from_iso(view.row.start)
    return start.first_day if start else None


def build_progress(ws: Workspace, catalogue: Catalogue, city_name: str, options: DossierOptions) -> ProgressContext:
    """The progress report of a city over the window from ``options.since`` to the as-of day."""
    from readiness import profile as profile_fields
    from readiness.scoring.engine import crosswalk, walk_areas

    lang = options.lang
    day = options.as_of or dt.date.today()
    found = read_city(ws, city_name)
    prof = profile_fields.usable(found.city.profile)
    since = options.since or member_since(found.city.profile if isinstance(found.city.profile, dict) else {})
    if since is None:
        raise InvalidValueError(f"the progress report of {found.city.name} needs the first day of its window: "
                                "give --since 2025-12-04, or set the day the city joined (member_since) in its profile")
    if since > day:
        raise InvalidValueError(f"--since {since.isoformat()} is after the report's day {day.isoformat()} (--as-of)")
    statuses = {"verified", "submitted", "draft"} if options.draft else {"verified"}
    usable = [v for v in found.views if v.row.status in statuses]
    window = [v for v in usable if (d := _day(v)) is not None and since <= d <= day]
    planned_views = [v for v in usable if (d := _day(v)) is not None and d > day]
    window_records = _records(window, lang)
    planned = _records(planned_views, lang)
    records = plan_embedding(window_records + planned)
    by_code = {r.id: r for r in records}

    # The six areas: a record belongs to the area of each Guidelines criterion or area it is
    # linked to, directly or through one crosswalk step from another framework's criterion.
    guidelines = catalogue.get(GUIDELINES)
    joined = crosswalk(catalogue)
    top_of: dict[str, str] = {}
    for top in guidelines.areas:
        for area in walk_areas([top]):
            top_of[f"{GUIDELINES}:{area.id}"] = top.id
            for criterion in area.criteria:
                top_of[f"{GUIDELINES}:{criterion.id}"] = top.id
    members: dict[str, list[str]] = {a.id: [] for a in guidelines.areas}
    outside: list[str] = []
    for v in window:
        refs = {lk.criterion for lk in v.links}
        refs |= {j for ref in list(refs) for j in joined.get(ref, ())}
        tops = {top_of[r] for r in refs if r in top_of}
        for t in tops:
            members[t].append(v.row.code)
        if not tops:
            outside.append(v.row.code)

    def progress_of(area_id: str, title: str, codes: list[str]) -> AreaProgress:
        shown, more = shown_records(codes, by_code, options.per_criterion)
        kinds = Counter(by_code[c].kind_label for c in codes)
        return AreaProgress(area_id, title, shown, more, len(codes), sorted(kinds.items(), key=lambda kv: -kv[1]))

    areas = [progress_of(a.id, _nfc(a.title.get(lang)), members[a.id]) for a in guidelines.areas]
    other = progress_of("", label_d("p_other", lang), outside) if outside else None
    cases = [by_code[v.row.code] for v in window
             if any(fold(t) == fold(CASE_STUDY_TAG) for t in v.row.tags)]
    return ProgressContext(
        lang=lang, city=_nfc(found.city.name), country=found.city.country, as_of=day, since=since,
        created=made_at(options),
        fingerprint=fingerprint([v.as_json() for v in found.views], prof, dict(found.facts.not_applicable)),
        sample=any("sample" in v.row.tags for v in found.views), draft=options.draft, areas=areas, other=other,
        figures=_figures(catalogue, found.views, {v.row.code for v in window}, since, day, lang, statuses),
        cases=cases, planned=planned, records=records, by_code=by_code, in_window=len(window),
        embed=options.embed and options.fmt == "pdf")


def _figures(catalogue: Catalogue, views: list[EvidenceView], in_window: set[str], since: dt.date, day: dt.date,
             lang: str, statuses: set[str]) -> list[IndicatorChange]:
    """Each indicator reported in the window: its latest value there, the latest before the
    window (the baseline, from any record of those statuses) and the change."""
    titles: dict[str, tuple[str, str]] = {}
    for entry in catalogue:
        for criterion in entry.framework.criteria.values():
            for spec in criterion.indicators:
                pair = (_nfc(spec.title.get(lang)), spec.unit)
                titles.setdefault(f"{entry.framework.id}:{spec.id}", pair)
                titles.setdefault(spec.id, pair)
    values: dict[str, list[tuple[dt.date, int | None, float, str | None, bool]]] = {}
    for v in views:
        if v.row.status not in statuses:
            continue
        when = _day(v)
        for i in v.indicators:
            year = i.year or (when.year if when else None)
            dated = when or (dt.date(i.year, 12, 31) if i.year else None)
            if dated is None or dated > day:
                continue
            values.setdefault(i.indicator, []).append((dated, year, i.value, i.unit, v.row.code in in_window))
    out = []
    for ind, rows in sorted(values.items()):
        inside = sorted((r for r in rows if r[4]), key=lambda r: r[0])
        if not inside:
            continue
        before = sorted((r for r in rows if r[0] < since), key=lambda r: r[0])
        latest, base = inside[-1], (before[-1] if before else None)
        title, unit = titles.get(ind, (ind.split(":")[-1].replace("-", " ").capitalize(), latest[3] or ""))
        out.append(IndicatorChange(ind, title, latest[3] or unit, base[2] if base else None, base[1] if base else None,
                                   latest[2], latest[1], latest[2] - base[2] if base else None))
    return out
