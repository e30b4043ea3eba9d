"""What ``score``, ``gaps`` and ``due`` show, as data: the use cases a front end calls.

Each takes the workspace, the acting person and plain values; it decides every rule of what is
shown (which frameworks are in play, whether gaps are worked out, how they rank, what ``--explain``
may name) and returns a report. A report's ``as_json`` is the documented JSON, the same for the
command line and the web app; the terminal's tables are drawn from the same report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from readiness.errors import InvalidValueError
from readiness.scoring.engine import DEFINITIONS, CriterionScore, DueItem, Gap, Scorecard, crosswalk, rank_gaps
from readiness.scoring.engine import due as due_items
from readiness.scoring.facts import (
    CardUnits,
    city_facts,
    contributions,
    due_city,
    frameworks_for,
    score_all,
    score_city,
    scores_of,
)
from readiness.text import in_language, split_ref

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.frameworks.catalogue import Catalogue
    from readiness.frameworks.schema import Framework
    from readiness.store.db import Workspace

#: The wrapper of every JSON the scoring commands write.
SCORE_FORMAT = "readiness-score/1"
#: How far ahead ``due`` looks, as ``dates.parse_span`` reads "90d", "12w", "6m", "1y".
Span = dt.timedelta | tuple[int, str]


def scorecards_json(cards: Sequence[Scorecard], lang: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The documented JSON: a wrapper with the definitions, then one scorecard per framework.

    Reasons carry a ``code`` and ``params`` for programs and their ``text`` in ``lang``.
    """
    from readiness.labels import reason_text

    def with_text(card: Scorecard) -> dict[str, Any]:
        data = card.model_dump(mode="json")
        for gap, model in zip(data["gaps"], card.gaps, strict=True):
            for p, reason in zip(gap["problems"], model.problems, strict=True):
                p["text"] = reason_text(reason, lang)
        return data

    return {"format": SCORE_FORMAT, "lang": lang,
            "definitions": {k: in_language(v, lang) for k, v in DEFINITIONS.items()},
            **(extra or {}), "scorecards": [with_text(c) for c in cards]}


# ---------------------------------------------------------------------------------------------
# score


@dataclass(frozen=True)
class ScoreQuery:
    """What ``score`` is asked for, beside the city."""

    framework_ids: tuple[str, ...] = ()
    #: The day to score as on; None: today.
    as_of: dt.date | None = None
    #: One criterion to explain: FRAMEWORK:CRITERION, or a criterion id one framework in play has.
    explain: str | None = None
    #: Which units contributed to which areas, instead of the scorecards.
    by_unit: bool = False
    #: The front end shows the gaps (JSON does; the table and CSV do not), so work them out.
    gaps: bool = True

    def check(self, city_name: str | None, catalogue: Catalogue | None = None) -> None:
        """Refuse what no workspace can answer, so a front end can call it before opening one.

        ``--explain`` and ``--by unit`` need a city; with the catalogue, the criterion to explain
        must exist in a framework in play.
        """
        if city_name is None and (self.explain or self.by_unit):
            flag = "explain" if self.explain else "by"
            raise InvalidValueError(f"--{flag} needs --city: it shows one city's records")
        if catalogue is not None:
            self.explained(catalogue)

    def explained(self, catalogue: Catalogue) -> str | None:
        """The criterion to explain as FRAMEWORK:CRITERION (2.6.1 alone when one framework in play has
        it), or None when none is asked for."""
        if not self.explain:
            return None
        try:
            return catalogue.qualify(self.explain, framework_ids=self.framework_ids)
        except InvalidValueError as exc:
            raise InvalidValueError(f"--explain {exc}") from None


@dataclass(frozen=True)
class Explanation:
    """One criterion of one scorecard: each linked record and why it counted or not, and its gap."""

    card: Scorecard
    criterion: CriterionScore
    framework: Framework

    @property
    def gap(self) -> Gap | None:
        return next((g for g in self.card.gaps if g.criterion == self.criterion.ref), None)


@dataclass(frozen=True)
class ScoreReport:
    """What ``score`` shows: a city's scorecards (or every city's, ``city`` None), one criterion
    explained, or the units' contributions."""

    as_of: dt.date
    city: str | None
    cards: list[Scorecard]
    explanation: Explanation | None = None
    units: list[CardUnits] | None = None

    def as_json(self, lang: str) -> Any:
        """The JSON of whichever view the report holds."""
        if self.explanation is not None:
            ex = self.explanation
            return {"format": SCORE_FORMAT, "city": ex.card.city, "as_of": self.as_of.isoformat(),
                    "criterion": ex.criterion.model_dump(mode="json"),
                    "gap": ex.gap.model_dump(mode="json") if ex.gap is not None else None}
        if self.units is not None:
            return [{"framework": u.card.framework, "areas": [a.id for a in u.card.areas],
                     "units": [row.model_dump(mode="json") for row in u.units]} for u in self.units]
        where = {"city": self.city} if self.city is not None else {}
        return scorecards_json(self.cards, lang, {**where, "as_of": self.as_of.isoformat()})


def _readable(ws: Workspace, actor: Actor, city_name: str) -> None:
    """Refuse unless ``actor`` may read the city (the entry check of every report on one city)."""
    from readiness.access import Right
    from readiness.cities import city_for

    with ws.session() as session:
        city_for(session, actor, city_name, Right.READ)


def _readable_names(ws: Workspace, actor: Actor) -> set[str] | None:
    """The names of the cities ``actor`` may read; None: every city."""
    from sqlmodel import col, select

    from readiness.access import readable_cities
    from readiness.store.models import City

    with ws.session() as session:
        readable = readable_cities(session, actor)
        if readable is None:
            return None
        return set(session.exec(select(City.name).where(col(City.id).in_(readable))))


def score_report(ws: Workspace, actor: Actor, catalogue: Catalogue, city_name: str | None,
                 query: ScoreQuery | None = None) -> ScoreReport:
    """Score a city (every city when ``city_name`` is None, one line each) as ``query`` asks.

    ``--explain`` and ``--by unit`` need a city (``ScoreQuery.check``); an explained criterion
    narrows the frameworks to its own. Gaps are worked out for an explanation, and when the front end shows them (never
    for the units' view or every city's: those scorecards carry none).
    """
    query = query or ScoreQuery()
    query.check(city_name)
    day = query.as_of or dt.date.today()
    if city_name is None:  # every city the actor may read
        names = _readable_names(ws, actor)
        cards = score_all(ws, catalogue, query.framework_ids, day)
        return ScoreReport(day, None, [c for c in cards if names is None or c.city in names])
    _readable(ws, actor, city_name)
    framework_ids = query.framework_ids
    explain = query.explained(catalogue)
    if explain is not None:
        framework_ids = (split_ref(explain)[0],)
    with_gaps = explain is not None or (query.gaps and not query.by_unit)
    scores = score_city(ws, city_name, catalogue, framework_ids, day, with_gaps=with_gaps)
    name = scores.facts.name
    if explain is not None:
        card = scores.cards[0]
        criterion = card.criterion(explain)
        assert criterion is not None
        return ScoreReport(day, name, scores.cards,
                           explanation=Explanation(card, criterion, catalogue.get(card.framework)))
    if query.by_unit:
        return ScoreReport(day, name, scores.cards, units=contributions(scores))
    return ScoreReport(day, name, scores.cards)


# ---------------------------------------------------------------------------------------------
# gaps


@dataclass(frozen=True)
class GapsReport:
    """A city's gaps over the frameworks in play, most important first (``rank_gaps``)."""

    city: str
    #: The day scored as on; None when no framework was in play.
    as_of: dt.date | None
    gaps: list[Gap] = field(default_factory=list)

    def as_json(self, lang: str) -> dict[str, Any]:
        """Each gap with its problems as codes and its ``actions`` said in ``lang``."""
        from readiness.labels import reason_text

        return {"format": SCORE_FORMAT, "city": self.city,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "gaps": [{**g.model_dump(mode="json"), "actions": [reason_text(p, lang) for p in g.problems]}
                         for g in self.gaps]}


def gaps_report(ws: Workspace, actor: Actor, catalogue: Catalogue, city_name: str,
                framework_ids: Sequence[str] = (), as_of: dt.date | None = None,
                limit: int | None = None) -> GapsReport:
    """What a city lacks, most important first, over the frameworks asked for (all when none);
    ``limit``: only the first so many."""
    _readable(ws, actor, city_name)
    scores = score_city(ws, city_name, catalogue, framework_ids, as_of)
    return GapsReport(scores.facts.name, scores.cards[0].as_of if scores.cards else None,
                      rank_gaps(scores.cards)[:limit])


# ---------------------------------------------------------------------------------------------
# due


@dataclass(frozen=True)
class DueReport:
    """Records that stop counting between ``as_of`` and ``until``, soonest first."""

    as_of: dt.date
    until: dt.date
    items: list[DueItem]

    @property
    def falling(self) -> list[str]:
        """The criteria whose status would worsen, each once."""
        return sorted({i.criterion for i in self.items if i.falls})

    def as_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "until": self.until.isoformat(),
                "due": [i.model_dump(mode="json") for i in self.items]}


def due_report(ws: Workspace, actor: Actor, catalogue: Catalogue, city_name: str, within: str | Span = "90d",
               framework_ids: Sequence[str] = (), as_of: dt.date | None = None) -> DueReport:
    """A city's records that run out within a span (``90d``, ``12w``, ``6m``, ``1y``, or one
    ``dates.parse_span`` made) of ``as_of``."""
    from readiness.dates import add_span, parse_span

    _readable(ws, actor, city_name)
    day = as_of or dt.date.today()
    horizon = add_span(day, parse_span(within) if isinstance(within, str) else within)
    return DueReport(day, horizon, due_city(ws, city_name, catalogue, framework_ids, day, horizon))


# ---------------------------------------------------------------------------------------------
# overview: a city at a glance


@dataclass(frozen=True)
class CityOverview:
    """A city at a glance, from one reading of its evidence: its scorecards, its most important
    gaps (of one unit when asked) and the records that run out soon."""

    city: str
    as_of: dt.date
    until: dt.date
    cards: list[Scorecard]
    #: The first ``gaps`` gaps, most important first (``rank_gaps``); only one unit's when asked.
    gaps: list[Gap]
    #: How many gaps there are in all (of that unit, when asked).
    gaps_total: int
    due: list[DueItem]


def city_overview(ws: Workspace, actor: Actor, catalogue: Catalogue, city_name: str, *, unit: str | None = None,
                  gaps: int = 5, within: str | Span = "90d", due: bool = True,
                  as_of: dt.date | None = None) -> CityOverview:
    """A city's scores, top gaps and what runs out within ``within``, reading its evidence once
    (a home page shows the three; ``score``, ``gaps`` and ``due`` would read it three times).

    ``unit``: only the gaps that unit owns (``Gap.units``, the units of the records linked to it
    or, when none is, the unit suggested); ``due=False`` leaves the due records out.
    """
    from readiness.access import Right
    from readiness.cities import city_for, find_unit
    from readiness.dates import add_span, parse_span

    day = as_of or dt.date.today()
    horizon = add_span(day, parse_span(within) if isinstance(within, str) else within)
    with ws.reading() as session:
        city = city_for(session, actor, city_name, Right.READ)
        unit_name = find_unit(session, city, unit).name if unit is not None else None
        key = (ws.settings.database_url, city.id, _last_change(session, city.id), id(catalogue), day, horizon, due)
        found = _OVERVIEWS.get(key)
        if found is not None and found[0] is not catalogue:  # another catalogue at the same address
            found = None
        if found is None:
            facts = city_facts(session, city, titles=due)
    if found is None:
        frameworks = frameworks_for(catalogue, ())
        scores = scores_of(facts, catalogue, frameworks, day)
        items = due_items(frameworks, facts, day, horizon, joined=crosswalk(catalogue)) if due else []
        found = _OVERVIEWS[key] = (catalogue, facts.name, scores.cards, rank_gaps(scores.cards), items)
        while len(_OVERVIEWS) > _OVERVIEWS_KEPT:
            _OVERVIEWS.pop(next(iter(_OVERVIEWS)))
    _, name, cards, all_gaps, items = found
    ranked = [g for g in all_gaps if unit_name is None or unit_name in g.units]
    return CityOverview(name, day, horizon, cards, ranked[:gaps], len(ranked), items)


#: The overviews this process made last, by city and the city's latest audit event: scoring a
#: city of 5,000 records takes most of a second, and a home page asks for it on every visit. Any
#: change to a city's evidence, profile or marks is an audit event of that city, so a new event
#: makes a new key; the frameworks are the catalogue object (a server loads them once).
_OVERVIEWS: dict[tuple[Any, ...], tuple[Catalogue, str, list[Scorecard], list[Gap], list[DueItem]]] = {}
_OVERVIEWS_KEPT = 16


def _last_change(session: Any, city_id: int | None) -> int:
    """The id of the city's latest audit event (0 when none): what changes whenever its evidence does."""
    from sqlmodel import func, select

    from readiness.store.models import AuditEvent

    return session.exec(select(func.max(AuditEvent.id)).where(AuditEvent.city_id == city_id)).one() or 0
