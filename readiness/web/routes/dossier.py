"""The dossier as a download: a form, a job rendered in the background (``readiness.web.jobs``)
with a page that follows it, and the PDF.

The job page reloads itself every two seconds without JavaScript (a refresh inside
``<noscript>``); with ``static/dossier.js`` it asks ``/dossier/jobs/{id}/status`` instead and
moves a progress bar. Every job URL checks the asker's right again (``Jobs.get``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from readiness.errors import InvalidValueError, NotFoundError
from readiness.web.context import Me, Who, csrf_checked, render
from readiness.web.routes.scores import chosen_city

router = APIRouter(include_in_schema=False)

KINDS = ("readiness", "application", "progress")
LANGS = ("vi", "en", "fr")


def _form(request: Request, me: Who, *, status: int = 200, error: Any = None,
          typed: dict[str, str] | None = None) -> HTMLResponse:
    from readiness import api

    cities, chosen = chosen_city(me, (typed or {}).get("city"))
    if chosen is not None and len(cities) == 1:
        api.dossier_city(me.ws, me.actor, chosen)  # someone who may not make it is told now (403)
    typed = {"city": chosen or "", "kind": "readiness", "lang": me.lang, "draft": "", **(typed or {})}
    return render(request, "dossier.html.j2", me, status=status, cities=cities, typed=typed, error=error,
                  kinds=KINDS, langs=LANGS)


@router.get("/dossier", response_class=HTMLResponse)
def dossier_form(request: Request, me: Me, city: str | None = None) -> HTMLResponse:
    return _form(request, me, typed={"city": city} if city else None)


@router.post("/dossier", dependencies=[Depends(csrf_checked)])
def start(request: Request, me: Me, city: Annotated[str, Form(max_length=200)] = "",
          kind: Annotated[str, Form(max_length=40)] = "readiness", lang: Annotated[str, Form(max_length=10)] = "en",
          draft: Annotated[str, Form(max_length=10)] = "") -> Response:
    from readiness import api

    typed = {"city": city, "kind": kind, "lang": lang, "draft": draft}
    if not city.strip():
        return _form(request, me, status=400, error=("dossier.city_needed", {}), typed=typed)
    try:
        job = request.app.state.readiness.jobs.start(
            me.actor, city, api.DossierOptions(kind=kind, lang=lang, draft=bool(draft)))
    except InvalidValueError as exc:
        return _form(request, me, status=400, error=" ".join(exc.lines()), typed=typed)
    return RedirectResponse(f"/dossier/jobs/{job.id}", status_code=303)


def _job(request: Request, me: Who, job_id: str) -> Any:
    job = request.app.state.readiness.jobs.get(me.actor, job_id)
    if job is None:
        raise NotFoundError("no such dossier being made: it may be from before the server restarted; ask again")
    return job


def _status(job: Any, t: Any) -> dict[str, Any]:
    return {"state": job.state, "percent": job.percent,
            "step": t(f"dossier.step.{min(job.steps_done, job.STEPS)}") if job.state == "running" else
            t(f"dossier.state.{job.state}"),
            "download": f"/dossier/jobs/{job.id}/download" if job.state == "done" else None,
            "error": job.error}


@router.get("/dossier/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, me: Me, job_id: str) -> HTMLResponse:
    job = _job(request, me, job_id)
    return render(request, "dossier_job.html.j2", me, job=job, status_now=_status(job, me.t),
                  size=len(job.data) if job.data else 0)


@router.get("/dossier/jobs/{job_id}/status")
def job_status(request: Request, me: Me, job_id: str) -> JSONResponse:
    job = _job(request, me, job_id)
    return JSONResponse(_status(job, me.t), headers={"cache-control": "no-store"})


@router.get("/dossier/jobs/{job_id}/download")
def download(request: Request, me: Me, job_id: str) -> Response:
    job = _job(request, me, job_id)
    if job.state != "done" or job.data is None:
        return RedirectResponse(f"/dossier/jobs/{job.id}", status_code=303)
    return Response(job.data, media_type="application/pdf", headers={
        "content-disposition": f'attachment; filename="{job.name}"',
        "x-content-type-options": "nosniff", "cache-control": "private, no-store"})
