"""The home page: what this person has to do, by their roles."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from readiness.web.context import Me, render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, me: Me) -> HTMLResponse:
    return render(request, "home.html.j2", me)
