"""The review queue: the submitted records of the cities one reviews; verify, reject with a
reason, ask for more (a comment).

The buttons shown are those ``record_actions`` allows (never on one's own record: four eyes,
whose refusal is shown instead); the use cases check again and refuse anything else (403).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from readiness.errors import InvalidValueError
from readiness.web.context import Me, Who, csrf_checked, render
from readiness.web.routes.scores import scoring_words

router = APIRouter(include_in_schema=False)

PAGE = 20
MESSAGES = ("verified", "rejected", "asked")


def _queue(request: Request, me: Who, *, page: int = 1, city: str | None = None, status: int = 200,
           errors: dict[str, Any] | None = None, typed: dict[str, str] | None = None,
           message: str | None = None, done_code: str | None = None) -> HTMLResponse:
    from readiness import api

    page = max(1, page)
    found = api.page_evidence(me.ws, me.actor, api.EvidenceFilter(city=city or None, statuses=("submitted",)),
                              offset=(page - 1) * PAGE, limit=PAGE)
    actions = api.record_actions(me.ws, me.actor, [v.code for v in found.views])
    pages = max(1, (found.total + PAGE - 1) // PAGE)
    return render(request, "review.html.j2", me, status=status, found=found, actions=actions, page=page,
                  pages=pages, city=city or "", errors=errors or {}, typed=typed or {},
                  message=message if message in MESSAGES else None,
                  done_code=done_code or "", **scoring_words(me.lang))


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, me: Me, page: int = 1, city: str | None = None, done: str | None = None,
                 code: str | None = None) -> HTMLResponse:
    from readiness.access import Right, require_somewhere

    require_somewhere(me.actor, Right.REVIEW)  # the queue is a reviewer's page; /evidence lists for others
    return _queue(request, me, page=page, city=city, message=done, done_code=code)


def _back(done: str, code: str) -> Response:
    return RedirectResponse(f"/review?{urlencode({'done': done, 'code': code})}", status_code=303)


@router.post("/review/{code}/verify", dependencies=[Depends(csrf_checked)])
def verify(code: str, me: Me) -> Response:
    from readiness import api

    view = api.verify_records(me.ws, me.actor, [code])[0]
    return _back("verified", view.code)


@router.post("/review/{code}/reject", dependencies=[Depends(csrf_checked)])
def reject(request: Request, code: str, me: Me, reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    from readiness import api

    if not reason.strip():
        return _queue(request, me, status=400, errors={code: ("review.reason_needed", {})}, typed={code: reason})
    try:
        view = api.reject_record(me.ws, me.actor, code, reason)
    except InvalidValueError as exc:
        return _queue(request, me, status=400, errors={code: str(exc)}, typed={code: reason})
    return _back("rejected", view.code)


@router.post("/review/{code}/ask", dependencies=[Depends(csrf_checked)])
def ask(request: Request, code: str, me: Me, text: Annotated[str, Form(max_length=8000)] = "") -> Response:
    from readiness import api

    if not text.strip():
        return _queue(request, me, status=400, errors={code: ("review.question_needed", {})},
                      typed={f"ask-{code}": text})
    try:
        api.add_comment(me.ws, me.actor, code, text)
    except InvalidValueError as exc:
        return _queue(request, me, status=400, errors={code: str(exc)}, typed={f"ask-{code}": text})
    return _back("asked", code.upper())
