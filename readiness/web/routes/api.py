"""The JSON API under ``/api/v1``: the same use cases as the pages, for other systems.

A program signs in with ``POST /api/v1/session`` and sends the token it gets as
``Authorization: Bearer <token>``; such a request needs no CSRF token (a browser never adds that
header by itself), while a browser's cookie-authenticated write must send ``X-CSRF-Token``.
Each operation parses its request (bounded by ``api_models``), calls one library use case and
returns the library's JSON form; refusals and mistakes become 401/403/404/400/429 JSON in
``readiness.web.app``. Nothing here decides who may do what.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response

from readiness.web import api_models as m
from readiness.web.context import Me, csrf_checked, state

router = APIRouter(prefix="/api/v1", tags=["readiness"], responses=m.ERRORS)

Write = [Depends(csrf_checked)]
#: A record's id in a path: HN-0042 (the library reads it and says what is wrong with it).
Code = Annotated[str, Path(max_length=40, description="a record's id, e.g. HN-0042", examples=["HN-0001"])]
CityName = Annotated[str, Path(max_length=200, description="a city's name or code: Hà Nội, Ha Noi, HN",
                                examples=["Hà Nội"])]


def _text(limit: int, description: str = "", example: str | None = None) -> Any:
    return Query(max_length=limit, description=description or None, examples=[example] if example else None)


# ---------------------------------------------------------------------------------------------
# Session and the person


@router.post("/session", response_model=m.SessionOut, status_code=201, dependencies=Write,
             responses={429: {"model": m.ErrorOut, "description": "too many wrong passwords: see Retry-After"}})
def open_session(request: Request, body: m.SessionIn) -> dict[str, Any]:
    """Sign in: the token to send as `Authorization: Bearer`. A JSON body only (a cross-site form
    cannot send one); a browser holding our cookies sends its `X-CSRF-Token` as for any write."""
    from readiness import api
    from readiness.web.routes.auth import client_address

    signed = api.sign_in(state(request).ws, body.name, body.password, client="web", address=client_address(request))
    return {"token": signed.token, "expires_at": signed.expires_at, "name": signed.name,
            "display_name": signed.display_name}


@router.delete("/session", status_code=204, dependencies=Write)
def close_session(me: Me) -> Response:
    """Sign out: the token no longer signs anybody in."""
    from readiness import api

    api.sign_out(me.ws, me.token)
    return Response(status_code=204)


@router.get("/me", response_model=m.MeOut)
def whoami(me: Me) -> dict[str, Any]:
    """Who the token signs in, and their roles."""
    from readiness import api

    return api.describe_actor(me.ws, me.actor).as_json()


# ---------------------------------------------------------------------------------------------
# Cities and units


@router.get("/cities", response_model=list[m.CityOut])
def cities(me: Me) -> list[dict[str, Any]]:
    """The cities the person may read."""
    from readiness import api
    from readiness.cities import city_json

    return [city_json(c) for c in api.list_cities(me.ws, me.actor)]


@router.get("/cities/{city}/units", response_model=m.CityUnitsOut)
def units(city: CityName, me: Me) -> dict[str, Any]:
    """A city's units as a tree."""
    from readiness import api

    found = api.list_units(me.ws, me.actor, city)
    return {"city": found.city.name, "units": [u.as_json() for u in found.units]}


# ---------------------------------------------------------------------------------------------
# Evidence


@router.get("/evidence", response_model=m.EvidencePageOut)
def evidence(me: Me, city: Annotated[str | None, _text(200, "a city's name or code", "HN")] = None,
             unit: Annotated[str | None, _text(200, "a unit of the city (and the units under it)")] = None,
             kind: Annotated[str | None, _text(60)] = None,
             criterion: Annotated[str | None, _text(200, "kflc:2.6.1")] = None,
             status: Annotated[str | None, _text(60)] = None,
             since: Annotated[str | None, _text(40, "what happened on or after: 2025, 10/2025, 2025-10-01")] = None,
             until: Annotated[str | None, _text(40)] = None,
             q: Annotated[str | None, _text(200, "words to find, accents ignored")] = None,
             offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
             limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """Records matching the filters, a page at a time, oldest documented first."""
    from readiness import api
    from readiness.dates import parse_optional

    flt = api.EvidenceFilter(city=city or None, unit=unit or None, kinds=(kind,) if kind else (),
                             criterion=criterion or None, statuses=(status,) if status else (),
                             since=parse_optional(since, "since"), until=parse_optional(until, "until"),
                             text=q or None)
    page = api.page_evidence(me.ws, me.actor, flt, offset=offset, limit=limit)
    return {"total": page.total, "offset": page.offset, "limit": limit, "items": [v.as_json() for v in page.views]}


@router.get("/evidence/{code}", response_model=m.EvidenceDetail)
def record(code: Code, me: Me) -> dict[str, Any]:
    """A record with its verification, comments and what the person may do on it."""
    from readiness import api

    shown = api.show_evidence(me.ws, me.actor, code).as_json()
    actions = api.record_actions(me.ws, me.actor, [shown["id"]]).get(shown["id"])
    return {**shown, "actions": asdict(actions) if actions is not None else None}


@router.post("/evidence", response_model=m.EvidenceChanged, status_code=201, dependencies=Write)
def add_record(body: m.EvidenceIn, me: Me) -> dict[str, Any]:
    """Add a record to a city (in a unit the person contributes to) with its criterion links."""
    from readiness import api

    raw = body.model_dump(exclude_unset=True, exclude={"city", "links"})
    raw["kind"], raw["title"] = body.kind, body.title
    view = api.add_evidence(me.ws, me.actor, body.city, raw, me.catalogue,
                            links=[(link.criterion, link.rationale) for link in body.links])
    return {**view.as_json(), "warnings": view.warnings}


@router.patch("/evidence/{code}", response_model=m.EvidenceOut, dependencies=Write)
def edit_record(code: Code, body: m.EvidencePatch, me: Me) -> dict[str, Any]:
    """Change fields of a record; a verified record whose content changes goes back to review."""
    from readiness import api

    raw = body.model_dump(exclude_unset=True, exclude={"add_tags", "remove_tags"})
    return api.edit_evidence(me.ws, me.actor, code, raw, add_tags=body.add_tags,
                             remove_tags=body.remove_tags).as_json()


@router.post("/evidence/{code}/verify", response_model=m.EvidenceOut, dependencies=Write)
def verify(code: Code, me: Me, body: Annotated[m.NoteIn | None, Body()] = None) -> dict[str, Any]:
    """Verify a record (never one's own: four eyes)."""
    from readiness import api

    return api.verify_records(me.ws, me.actor, [code], body.note if body else None)[0].as_json()


@router.post("/evidence/{code}/reject", response_model=m.EvidenceOut, dependencies=Write)
def reject(code: Code, body: m.ReasonIn, me: Me) -> dict[str, Any]:
    """Reject a record, saying what to fix (never one's own: four eyes)."""
    from readiness import api

    return api.reject_record(me.ws, me.actor, code, body.reason).as_json()


@router.post("/evidence/{code}/comments", response_model=m.CommentOut, status_code=201, dependencies=Write)
def comment(code: Code, body: m.CommentIn, me: Me) -> dict[str, Any]:
    """Comment on a record: a question for its unit, an answer to a reviewer."""
    from readiness import api

    return api.add_comment(me.ws, me.actor, code, body.text).as_json()


# ---------------------------------------------------------------------------------------------
# Scores and gaps


@router.get("/scores", response_model=dict[str, Any])
def scores(me: Me, city: Annotated[str | None, _text(200, "a city; none: every city the person reads", "HN")] = None,
           ) -> dict[str, Any]:
    """The scorecards (`readiness score --format json`), in the person's language."""
    from readiness import api

    result: dict[str, Any] = api.score_report(me.ws, me.actor, me.catalogue, city or None).as_json(me.lang)
    return result


@router.get("/gaps", response_model=dict[str, Any])
def gaps(me: Me, city: Annotated[str, Query(max_length=200, examples=["HN"])]) -> dict[str, Any]:
    """A city's gaps, most important first (`readiness gaps --format json`)."""
    from readiness import api

    return api.gaps_report(me.ws, me.actor, me.catalogue, city).as_json(me.lang)
