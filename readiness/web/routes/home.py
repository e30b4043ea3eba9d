"""The home page: what this person has to do, by their roles (each part that applies).

- contributor: the unit's latest records, the gaps the unit owns, the comments waiting for them;
- coordinator: the city's scores per framework (the dossier's chart), the review queue, the top
  gaps with their owners, what runs out soon;
- reviewer: the review queue; viewer: the scores; admin (or a viewer of every city): the cities.

It is the most visited page, so each library function is called once per city or unit it
shows (``city_overview`` reads a city's evidence once for its scores, gaps and due records),
and nothing is asked record by record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from readiness.web.context import Me, render
from readiness.web.routes.scores import chart, scoring_words, verdict_text

router = APIRouter(include_in_schema=False)

#: How many of each list the home page shows (the full lists are a link away).
RECORDS, GAPS, QUEUE, DUE, COMMENTS = 5, 5, 5, 5, 10


@dataclass
class UnitPart:
    """A contributor's unit: its latest records and the gaps it owns."""

    city: str
    unit: str
    records: list[Any]
    records_total: int
    overview: Any


@dataclass
class CityPart:
    """A city on a coordinator's, reviewer's or viewer's home."""

    city: str
    overview: Any = None  # scores (and for a coordinator gaps and due records)
    queue: Any = None  # the review queue: a page of submitted records
    coordinator: bool = False


@dataclass
class Home:
    units: list[UnitPart] = field(default_factory=list)
    cities: list[CityPart] = field(default_factory=list)
    comments: list[Any] | None = None
    all_cities: list[str] | None = None  # an admin's or a viewer's of every city


@router.get("/", response_class=HTMLResponse)
def home(request: Request, me: Me) -> HTMLResponse:
    from readiness import api
    from readiness.access import Role

    specs = [api.RoleSpec.parse(label) for label in api.describe_actor(me.ws, me.actor).roles]
    page = Home()
    for spec in specs:
        if spec.role is Role.CONTRIBUTOR and spec.city and spec.unit:
            if any(u.city == spec.city and u.unit == spec.unit for u in page.units):
                continue
            flt = api.EvidenceFilter(city=spec.city, unit=spec.unit)
            latest = api.page_evidence(me.ws, me.actor, flt, limit=RECORDS, newest_first=True)
            overview = api.city_overview(me.ws, me.actor, me.catalogue, spec.city, unit=spec.unit, gaps=GAPS,
                                         due=False)
            page.units.append(UnitPart(spec.city, spec.unit, latest.views, latest.total, overview))
    if page.units:
        page.comments = api.comments_waiting(me.ws, me.actor, COMMENTS)
    roles: dict[str, set[Role]] = {}
    for spec in specs:
        if spec.city and spec.role in (Role.COORDINATOR, Role.REVIEWER, Role.VIEWER):
            roles.setdefault(spec.city, set()).add(spec.role)
        elif spec.role is Role.ADMIN or (spec.role is Role.VIEWER and not spec.city):
            page.all_cities = [c.name for c in api.list_cities(me.ws, me.actor)]
    for city, held in roles.items():
        part = CityPart(city, coordinator=Role.COORDINATOR in held)
        if held & {Role.COORDINATOR, Role.VIEWER}:
            part.overview = api.city_overview(me.ws, me.actor, me.catalogue, city, gaps=GAPS if part.coordinator
                                              else 0, due=part.coordinator)
        if held & {Role.COORDINATOR, Role.REVIEWER}:
            part.queue = api.page_evidence(me.ws, me.actor, api.EvidenceFilter(city=city, statuses=("submitted",)),
                                           limit=QUEUE)
        page.cities.append(part)
    return render(request, "home.html.j2", me, home=page, due_limit=DUE,
                  verdict=lambda card: verdict_text(card, me.lang), chart=lambda card: chart(card, me.lang),
                  **scoring_words(me.lang))
