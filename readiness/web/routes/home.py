"""The home page: what this person has to do, by their roles (``readiness.home.home_for``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from readiness.web.context import Me, render
from readiness.web.routes.scores import chart, scoring_words, verdict_text

router = APIRouter(include_in_schema=False)

#: How many records running out soon the home shows (the rest are counted).
DUE = 5


@router.get("/", response_class=HTMLResponse)
def home(request: Request, me: Me) -> HTMLResponse:
    from readiness import api

    page = api.home_for(me.ws, me.actor, me.catalogue)
    return render(request, "home.html.j2", me, home=page, due_limit=DUE,
                  verdict=lambda card: verdict_text(card, me.lang), chart=lambda card: chart(card, me.lang),
                  **scoring_words(me.lang))
