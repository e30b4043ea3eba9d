"""The web app: ``create_app(settings)`` builds it; ``readiness serve`` runs it with uvicorn.

Pages live in ``readiness.web.routes`` (one module per part), the JSON API under ``/api/v1``
(``readiness.web.routes.api``, described at ``/api/v1/openapi.json``). Every error a route
raises becomes a response here, once: a person not signed in is sent to the sign-in page (a
program gets 401), a refusal is 403, an unknown record 404, a mistake 400 with the library's
one-line message, too many sign-ins 429; a bug is a 500 page that shows no detail.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from readiness.errors import (
    AccessError,
    InvalidValueError,
    NotFoundError,
    NotSignedInError,
    PermissionDeniedError,
    ProblemsError,
    ReadinessError,
    TooManyAttemptsError,
)
from readiness.web import security
from readiness.web.context import STATIC, WebState, render, request_lang
from readiness.web.errors import BusyError, CsrfError, UploadTooLargeError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from readiness.config import Settings

log = logging.getLogger("readiness.web")

API_PREFIX = "/api/v1"
#: Requests one server process works on at once (the rest wait their turn, in order): fewer than
#: the workspace's database connections (``store.db.POOL``), so none waits for a connection. A
#: page is Python work that holds the interpreter's lock, so more threads do not draw pages
#: faster; they take turns at random and some wait far longer than others. With 2 workers and 20
#: clients (benchmarks/web.py) 16 threads gave a list page p95 of 263 ms and a home p95 of 578 ms
#: (p99 1 s); 4 threads 160-173 and 236-285 ms, and more pages a second. Scale with --workers.
REQUEST_THREADS = 4


def warm_up(web_state: WebState) -> None:
    """Before the first request: load the frameworks and compile the templates, then set what the
    process holds for its life (modules, frameworks, templates) aside from the garbage collector
    (``gc.freeze``), whose full passes otherwise walk those objects again and again under load."""
    import gc

    from readiness.web.context import TEMPLATES, environment

    _ = web_state.catalogue
    env = environment()
    for path in sorted(TEMPLATES.glob("*.j2")):
        env.get_template(path.name)
    gc.collect()
    gc.freeze()


def create_app(settings: Settings) -> FastAPI:
    """The app for the workspace ``settings`` name, opened once for the life of the process."""
    from readiness.store.db import open_workspace
    from readiness.web.jobs import Jobs

    ws = open_workspace(settings)
    web_state = WebState(settings, ws)
    web_state.jobs = Jobs(web_state)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        warm_up(web_state)
        yield
        web_state.jobs.close()
        ws.close()

    app = FastAPI(title="readiness", version=_version(), lifespan=lifespan,
                  description="The readiness workspace's use cases for other systems: sign in with "
                              "`POST /api/v1/session` and send the token as `Authorization: Bearer`.",
                  docs_url=None, redoc_url=None, openapi_url=f"{API_PREFIX}/openapi.json")
    app.state.readiness = web_state
    app.add_middleware(security.BodyLimit)
    app.add_middleware(security.SecurityHeaders)  # the outer one: its headers go on the 413s too
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from readiness.web.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    _handle_errors(app)
    return app


def _version() -> str:
    from importlib.metadata import version

    return version("readiness")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _status_of(exc: ReadinessError) -> int:
    if isinstance(exc, (TooManyAttemptsError, BusyError)):
        return 429
    if isinstance(exc, NotSignedInError):
        return 401
    if isinstance(exc, (PermissionDeniedError, AccessError, CsrfError)):
        return 403
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, UploadTooLargeError):
        return 413
    if isinstance(exc, (InvalidValueError, ProblemsError)):
        return 400
    return 400


def error_lines(exc: ReadinessError) -> list[str]:
    return exc.lines()


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(ReadinessError)
    async def readiness_error(request: Request, exc: ReadinessError) -> Response:
        status = _status_of(exc)
        headers = {"retry-after": str(exc.retry_after)} if isinstance(exc, (TooManyAttemptsError, BusyError)) \
            else None
        if _is_api(request):
            return JSONResponse({"error": type(exc).__name__, "message": " ".join(error_lines(exc))},
                                status_code=status, headers=headers)
        if status == 401:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response: Response = RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)
            if security.SESSION_COOKIE in request.cookies:
                security.clear_session_cookie(response, request)
            return response
        key = "error.csrf" if isinstance(exc, CsrfError) else f"error.{status}"
        return render(request, "error.html.j2", _maybe_who(request), status=status, headers=headers,
                      title_key=f"error.{status}", lines=[] if isinstance(exc, CsrfError) else error_lines(exc),
                      message_key=key if isinstance(exc, CsrfError) else None)

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Any) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "NotFound", "message": "no such address"}, status_code=404)
        return render(request, "error.html.j2", _maybe_who(request), status=404, title_key="error.404",
                      lines=[], message_key=None)

    @app.exception_handler(500)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Starlette answers a 500 from outside every middleware, SecurityHeaders included: the
        # headers are set here.
        log.exception("error on %s %s", request.method, request.url.path, exc_info=exc)
        headers = security.security_headers(request.scope)
        if _is_api(request):
            return JSONResponse({"error": "ServerError", "message": "something went wrong on the server"},
                                status_code=500, headers=headers)
        return render(request, "error.html.j2", None, status=500, title_key="error.500", lines=[],
                      message_key=None, lang=request_lang(request), headers=headers)


def _maybe_who(request: Request) -> Any:
    """The signed-in person for an error page's frame, or None (an error page never fails itself)."""
    from readiness.web.context import who

    try:
        return who(request)
    except ReadinessError:
        return None


def app_from_environment() -> FastAPI:
    """The app for the workspace ``READINESS_WORKSPACE`` / ``READINESS_DATABASE_URL`` name: what
    ``readiness serve --workers N`` has each worker process build (uvicorn's ``factory``)."""
    from readiness.config import resolve

    return create_app(resolve())
