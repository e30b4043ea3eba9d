"""Reading the workspace into what scoring needs: facts, never rules applied to rows one by one.

``city_facts`` reads one city's records, links, file counts, indicator values, profile and
not-applicable marks (a few queries, whatever the number of records). ``national_candidates``
lets the database reduce every city's links to counts of records that fare alike for each
criterion, so a ministry's workspace of a million records is scored from some thousands of
rows. ``score_city`` and ``score_all`` put them together with ``scoring.engine.score``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, literal_column, select, text
from sqlmodel import Session, col

from readiness import dates
from readiness.cities import find_city
from readiness.frameworks.catalogue import Catalogue
from readiness.frameworks.schema import Framework
from readiness.profile import usable
from readiness.scoring.engine import (
    CityFacts,
    DueItem,
    IndicatorFact,
    RecordFact,
    Scorecard,
    Tally,
    Timing,
    UnitContribution,
    by_unit,
    crosswalk,
    cutoff_of,
    due,
    score,
)
from readiness.store.db import Workspace
from readiness.store.models import Attachment, City, Evidence, EvidenceLink, IndicatorValue, NotApplicable, Unit


def city_facts(session: Session, city: City, *, titles: bool = False) -> CityFacts:
    """One city's evidence as scoring facts (rejected records included: the gaps name them).

    Plain Core queries on the session's connection: ORM rows cost more than the rules do.
    Titles are read only when asked for (``due`` shows them; scoring never reads them).
    """
    conn = session.connection()
    tables = [m.__table__ for m in (Evidence, EvidenceLink, Attachment, IndicatorValue, Unit)]  # type: ignore[union-attr]
    evidence = tables[0]
    ev, ln, at, iv, un = (t.c for t in tables)
    title = ev.title if titles else literal_column("NULL").label("title")
    rows = conn.execute(select(ev.id, ev.code, ev.kind, ev.status, ev.start, ev.end, ev.valid_until, ev.unit_id,
                               title, ev.status_reason).where(ev.city_id == city.id).order_by(ev.number)).all()
    links: dict[int, list[str]] = defaultdict(list)
    for evidence_id, ref in conn.execute(select(ln.evidence_id, ln.criterion).join(evidence, ev.id == ln.evidence_id)
                                         .where(ev.city_id == city.id).order_by(ln.criterion)).all():
        links[evidence_id].append(ref)
    files: dict[int, int] = dict(conn.execute(
        select(at.evidence_id, func.count()).join(evidence, ev.id == at.evidence_id)
        .where(ev.city_id == city.id).group_by(at.evidence_id)).all())
    units: dict[int, str] = dict(conn.execute(
        select(un.id, un.name).where(un.city_id == city.id).order_by(un.name)).all())
    from_iso = dates.from_iso
    records = tuple(
        RecordFact(code=r.code, kind=r.kind, status=r.status, start=from_iso(r.start), end=from_iso(r.end),
                   valid_until=from_iso(r.valid_until), files=files.get(r.id, 0), links=tuple(links.get(r.id, ())),
                   unit=units.get(r.unit_id) if r.unit_id else None, title=r.title or {}, status_reason=r.status_reason)
        for r in rows)
    code_of = {r.id: r.code for r in rows}
    status_of = {r.id: r.status for r in rows}
    indicators = tuple(
        IndicatorFact(indicator=i.indicator, value=i.value, record=code_of[i.evidence_id], unit=i.unit, year=i.year)
        for i in conn.execute(select(iv.evidence_id, iv.indicator, iv.value, iv.unit, iv.year)
                              .join(evidence, ev.id == iv.evidence_id).where(ev.city_id == city.id).order_by(iv.id))
        if status_of[i.evidence_id] != "rejected")
    return CityFacts(name=city.name, code=city.code, country=city.country, profile=usable(city.profile),
                     records=records, indicators=indicators, not_applicable=not_applicable_of(session, city.id),
                     units=tuple(units.values()))


def not_applicable_of(session: Session, city_id: int | None) -> dict[str, str]:
    """A city's not-applicable marks: criterion ref -> justification."""
    return dict(session.execute(select(col(NotApplicable.criterion), col(NotApplicable.justification))
                                .where(col(NotApplicable.city_id) == city_id)).all())


# ---------------------------------------------------------------------------------------------
# The national view: the database counts, the rules decide


def national_candidates(session: Session, frameworks: Sequence[Framework], joined: dict[str, set[str]],
                        as_of: dt.date, windows: Mapping[int, str] | None = None) -> dict[int, dict[str, list[Tally]]]:
    """Per city and criterion, the linked records grouped by how they fare: verified or not,
    with a file or not, and where they stand in time (``scoring.engine.timing_of``, in SQL).

    A VALUES list says which links feed which criterion and which kinds it takes, with the
    criterion's age cutoff; the query joins it to the links and counts each record once per
    criterion (a record linked to a criterion and to its crosswalk is one record). Rejected
    records and records of a kind the criterion does not take are left out here: they never
    count. Criteria and timings travel as small integers: grouping on them is what costs. A
    VALUES list rather than a temporary table lets PostgreSQL scan in parallel. Files are looked
    for only where a criterion asks for them (elsewhere ``has_file`` is 0 and never read).

    ``windows`` (city id -> ISO day): the evidence window of frameworks that count only evidence
    since the city joined (``Eligibility.evidence_since_membership``): an older or undated record
    is ``before_window`` or ``undated`` there, as ``timing_of`` says.
    """
    targets: list[str] = []
    rules: list[list[tuple[str, int, str, str | None, int]]] = [[]]
    windowed_targets: set[int] = set()
    for fw in frameworks:
        for crit in fw.criteria.values():
            if crit.evidence is None:
                continue
            target = f"{fw.id}:{crit.id}"
            targets.append(target)
            if fw.eligibility is not None and fw.eligibility.evidence_since_membership:
                windowed_targets.add(len(targets) - 1)
            cutoff = cutoff_of(crit.evidence.max_age_years, as_of)
            rows = [(source, len(targets) - 1, kind.value, cutoff.isoformat() if cutoff else None,
                     int(crit.evidence.file_required))
                    for source in sorted({target, *joined.get(target, ())}) for kind in crit.evidence.kinds]
            if len(rules[-1]) + len(rows) > MAX_RULES_PER_QUERY:  # a criterion's rows stay in one query
                rules.append([])
            rules[-1].extend(rows)
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # Compiling this one query (JIT) costs more than it saves.
        conn.exec_driver_sql("SET LOCAL jit = off")
    out: dict[int, dict[str, list[Tally]]] = defaultdict(lambda: defaultdict(list))
    window_rows = sorted((windows or {}).items()) if windowed_targets else []
    for chunk in rules:
        if not chunk:
            continue
        params: dict[str, object] = {"as_of": as_of.isoformat()}
        values = []
        window_cte, window_sql, window_case = "", "", ""
        if window_rows:
            # Each city's first day, for the criteria of windowed frameworks only (``w.target``).
            params.update({f"wc{i}": city_id for i, (city_id, _) in enumerate(window_rows)})
            params.update({f"wd{i}": day for i, (_, day) in enumerate(window_rows)})
            rows_sql = ", ".join(f"(CAST(:wc{i} AS INTEGER), CAST(:wd{i} AS TEXT))" for i in range(len(window_rows)))
            in_window = ", ".join(str(t) for t in sorted(windowed_targets))
            window_cte = f", w (city, since) AS (VALUES {rows_sql})"
            window_sql = f" LEFT JOIN w ON w.city = e.city_id AND p.target IN ({in_window})"
            window_case = """
                       WHEN w.since IS NOT NULL AND e.start IS NULL AND e."end" IS NULL THEN 3
                       WHEN w.since IS NOT NULL
                            AND coalesce(e."end", e.start) < substr(w.since, 1, length(coalesce(e."end", e.start)))
                            THEN 5"""
        for i, (link_ref, target_no, kind_name, cutoff_iso, file_required) in enumerate(chunk):
            params.update({f"s{i}": link_ref, f"t{i}": target_no, f"k{i}": kind_name, f"c{i}": cutoff_iso,
                           f"f{i}": file_required})
            values.append(f"(CAST(:s{i} AS TEXT), CAST(:t{i} AS INTEGER), CAST(:k{i} AS TEXT), CAST(:c{i} AS TEXT), "
                          f"CAST(:f{i} AS INTEGER))")
        # Partial ISO dates compare with a date cut to their own length: "2025-10" >= "2025-10"
        # holds for any day of October. That is timing_of's benefit of the doubt, in SQL.
        query = f"""
            WITH p (link_ref, target, kind, cutoff, file_required) AS (VALUES {", ".join(values)}){window_cte}
            SELECT city, target, verified, has_file, timing, count(DISTINCT record) FROM (
              SELECT e.city_id AS city, p.target AS target, e.id AS record,
                     CASE WHEN e.status = 'verified' THEN 1 ELSE 0 END AS verified,
                     CASE WHEN p.file_required = 1
                               AND EXISTS (SELECT 1 FROM attachment a WHERE a.evidence_id = e.id)
                          THEN 1 ELSE 0 END AS has_file,
                     CASE
                       WHEN e.start IS NOT NULL AND e.start > substr(:as_of, 1, length(e.start)) THEN 1
                       WHEN e.valid_until IS NOT NULL
                            AND e.valid_until < substr(:as_of, 1, length(e.valid_until)) THEN 2{window_case}
                       WHEN p.cutoff IS NULL THEN 0
                       WHEN e.start IS NULL AND e."end" IS NULL THEN 3
                       WHEN coalesce(e."end", e.start) < substr(p.cutoff, 1, length(coalesce(e."end", e.start))) THEN 4
                       ELSE 0
                     END AS timing
              FROM evidence_link l
              JOIN p ON p.link_ref = l.criterion
              JOIN evidence e ON e.id = l.evidence_id AND e.kind = p.kind{window_sql}
              WHERE e.status <> 'rejected'
            ) s
            GROUP BY city, target, verified, has_file, timing"""
        for city_id, target, verified, has_file, timing, n in conn.execute(text(query), params).all():
            out[city_id][targets[target]].append(Tally(count=n, verified=bool(verified), has_file=bool(has_file),
                                                       timing=TIMINGS[timing]))
    return out


#: Rows of the VALUES list in one query (five bound values each; SQLite allows 32,766).
MAX_RULES_PER_QUERY = 2000
#: The timing codes of national_candidates' query.
TIMINGS: tuple[Timing, ...] = ("ok", "future", "expired", "undated", "too_old", "before_window")


# ---------------------------------------------------------------------------------------------
# Putting it together


@dataclass
class CityScores:
    """A city's facts and its scorecards, one per framework."""

    facts: CityFacts
    cards: list[Scorecard]


def frameworks_for(catalogue: Catalogue, ids: Sequence[str]) -> list[Framework]:
    """The frameworks asked for, or every framework in the catalogue."""
    return [catalogue.get(i) for i in ids] if ids else [e.framework for e in catalogue]


def score_city(ws: Workspace, city_name: str, catalogue: Catalogue, framework_ids: Sequence[str] = (),
               as_of: dt.date | None = None, *, with_gaps: bool = True) -> CityScores:
    """A city's scorecards against the frameworks asked for (all when none), as on ``as_of``.

    ``with_gaps=False`` leaves the gaps out, for views that do not show them.
    """
    frameworks = frameworks_for(catalogue, framework_ids)
    with ws.session() as session:
        facts = city_facts(session, find_city(session, city_name))
    return scores_of(facts, catalogue, frameworks, as_of, with_gaps=with_gaps)


def scores_of(facts: CityFacts, catalogue: Catalogue, frameworks: Sequence[Framework], as_of: dt.date | None = None,
              *, with_gaps: bool = True) -> CityScores:
    """A city's facts, already read, scored against ``frameworks`` (crosswalks from ``catalogue``)."""
    joined = crosswalk(catalogue)
    day = as_of or dt.date.today()
    return CityScores(facts, [score(fw, facts, day, joined=joined, with_gaps=with_gaps) for fw in frameworks])


def score_all(ws: Workspace, catalogue: Catalogue, framework_ids: Sequence[str] = (),
              as_of: dt.date | None = None) -> list[Scorecard]:
    """Every city of the workspace against the frameworks asked for: the ministry's table.

    The database counts (``national_candidates``); no per-record detail, so these scorecards
    carry scores, statuses and verdicts but no gaps.
    """
    frameworks = frameworks_for(catalogue, framework_ids)
    joined = crosswalk(catalogue)
    day = as_of or dt.date.today()
    with ws.session() as session:
        cities = list(session.execute(select(City)).scalars())
        windows = {c.id: since for c in cities if c.id is not None
                   and isinstance(since := usable(c.profile).get("member_since"), str)}
        tallies = national_candidates(session, frameworks, joined, day, windows)
        marks: dict[int, dict[str, str]] = defaultdict(dict)
        for city_id, ref, why in session.execute(select(col(NotApplicable.city_id), col(NotApplicable.criterion),
                                                        col(NotApplicable.justification))):
            marks[city_id][ref] = why
    cards = []
    for city in sorted(cities, key=lambda c: c.name_key):
        facts = CityFacts(name=city.name, code=city.code, country=city.country, profile=usable(city.profile),
                          not_applicable=marks.get(city.id, {}))
        for fw in frameworks:
            cards.append(score(fw, facts, day, candidates=tallies.get(city.id, {}), with_gaps=False))
    return cards


def due_city(ws: Workspace, city_name: str, catalogue: Catalogue, framework_ids: Sequence[str],
             as_of: dt.date, horizon: dt.date) -> list[DueItem]:
    """Records of a city that stop counting between ``as_of`` and ``horizon``."""
    with ws.session() as session:
        facts = city_facts(session, find_city(session, city_name), titles=True)
    return due(frameworks_for(catalogue, framework_ids), facts, as_of, horizon, joined=crosswalk(catalogue))


@dataclass(frozen=True)
class CardUnits:
    """One scorecard and, per unit of the city, the counting records it contributed to each area."""

    card: Scorecard
    units: list[UnitContribution]


def contributions(scores: CityScores) -> list[CardUnits]:
    """For each scorecard, which units contributed counting records to which areas."""
    return [CardUnits(card, by_unit(card, scores.facts)) for card in scores.cards]
