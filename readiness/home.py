"""A person's home: what they have to do, by their roles (each part that applies).

- contributor: the unit's latest records, the gaps the unit owns, the comments waiting for them;
- coordinator: the city's scores per framework, the review queue, the top gaps with their owners,
  what runs out soon;
- reviewer: the review queue; viewer: the scores; admin (or a viewer of every city): the cities.

It is what a front end shows first and most often, so each use case is asked once per city or
unit it shows (``city_overview`` reads a city's evidence once for its scores, gaps and due
records), and nothing record by record. Every part comes through the use cases, which check
the person's rights as always.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.frameworks.catalogue import Catalogue
    from readiness.store.db import Workspace

#: How many of each list a home shows (the full lists are a link away).
RECORDS, GAPS, QUEUE, COMMENTS = 5, 5, 5, 10


@dataclass
class UnitPart:
    """A contributor's unit: its latest records and the gaps it owns."""

    city: str
    unit: str
    records: list[Any]  # EvidenceView, newest first
    records_total: int
    overview: Any  # scoring.report.CityOverview of the unit


@dataclass
class CityPart:
    """A city on a coordinator's, reviewer's or viewer's home."""

    city: str
    overview: Any = None  # scores (and for a coordinator gaps and due records)
    queue: Any = None  # the review queue: an EvidencePage of submitted records
    coordinator: bool = False


@dataclass
class Home:
    units: list[UnitPart] = field(default_factory=list)
    cities: list[CityPart] = field(default_factory=list)
    comments: list[Any] | None = None  # comments.WaitingComment, for a contributor
    all_cities: list[str] | None = None  # an admin's or a viewer's of every city


def home_for(ws: Workspace, actor: Actor, catalogue: Catalogue) -> Home:
    """The parts of ``actor``'s home, one for each unit they contribute to and each city they
    coordinate, review or view."""
    from readiness.access import Role
    from readiness.accounts import RoleSpec, describe_actor
    from readiness.cities import list_cities
    from readiness.comments import comments_waiting
    from readiness.evidence import EvidenceFilter, page_evidence
    from readiness.scoring.report import city_overview

    specs = [RoleSpec.parse(label) for label in describe_actor(ws, actor).roles]
    home = Home()
    for spec in specs:
        if spec.role is Role.CONTRIBUTOR and spec.city and spec.unit:
            if any(u.city == spec.city and u.unit == spec.unit for u in home.units):
                continue
            latest = page_evidence(ws, actor, EvidenceFilter(city=spec.city, unit=spec.unit), limit=RECORDS,
                                   newest_first=True)
            overview = city_overview(ws, actor, catalogue, spec.city, unit=spec.unit, gaps=GAPS, due=False)
            home.units.append(UnitPart(spec.city, spec.unit, latest.views, latest.total, overview))
    if home.units:
        home.comments = comments_waiting(ws, actor, COMMENTS)
    roles: dict[str, set[Role]] = {}
    for spec in specs:
        if spec.city and spec.role in (Role.COORDINATOR, Role.REVIEWER, Role.VIEWER):
            roles.setdefault(spec.city, set()).add(spec.role)
        elif spec.role is Role.ADMIN or (spec.role is Role.VIEWER and not spec.city):
            home.all_cities = [c.name for c in list_cities(ws, actor)]
    for city, held in roles.items():
        part = CityPart(city, coordinator=Role.COORDINATOR in held)
        if held & {Role.COORDINATOR, Role.VIEWER}:
            part.overview = city_overview(ws, actor, catalogue, city, gaps=GAPS if part.coordinator else 0,
                                          due=part.coordinator)
        if held & {Role.COORDINATOR, Role.REVIEWER}:
            part.queue = page_evidence(ws, actor, EvidenceFilter(city=city, statuses=("submitted",)), limit=QUEUE)
        home.cities.append(part)
    return home
