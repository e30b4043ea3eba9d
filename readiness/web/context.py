"""What every route gets: the workspace, the signed-in person, the page's language, and rendering.

``who(request)`` is the one place a request becomes an acting person: the session token from the
cookie (or a program's bearer header) goes to ``accounts.actor_for_session``, which refuses an
unknown, ended or expired session (``NotSignedInError``; the app then sends a browser to the
sign-in page, a program a 401). A workspace without accounts has no sessions, so nobody acts in
it from the web: the command line's "this computer's user has every right" never reaches here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from readiness.web import i18n, security
from readiness.web.errors import CsrfError

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.config import Settings
    from readiness.frameworks.catalogue import Catalogue
    from readiness.store.db import Workspace

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@dataclass
class WebState:
    """What one server process holds for its whole life: the open workspace and the frameworks."""

    settings: Settings
    ws: Workspace
    jobs: Any = None  # readiness.web.jobs.Jobs, made by the app
    _catalogue: Catalogue | None = field(default=None, repr=False)

    @property
    def catalogue(self) -> Catalogue:
        """The frameworks, loaded once per process (restart the server after adding a framework)."""
        if self._catalogue is None:
            from readiness.frameworks.loader import load_catalogue

            self._catalogue = load_catalogue(self.settings.criteria_dir)
        return self._catalogue


def state(request: Request) -> WebState:
    return request.app.state.readiness


@dataclass
class Who:
    """The signed-in person of one request, with the workspace and the language they read."""

    ws: Workspace
    actor: Actor
    token: str
    lang: str
    state: WebState

    @property
    def catalogue(self) -> Catalogue:
        return self.state.catalogue

    @cached_property
    def t(self) -> Any:
        return i18n.translator(self.lang)


def request_lang(request: Request, actor: Actor | None = None) -> str:
    """The page's language: the person's (chosen, else their city's), else the language cookie
    (someone not signed in switched), else the browser's, else English."""
    chosen = actor.language if actor is not None else None
    return i18n.pick_lang(chosen, request.cookies.get(security.LANG_COOKIE),
                          accept=request.headers.get("accept-language"))


def who(request: Request) -> Who:
    """The signed-in person of this request (a FastAPI dependency); NotSignedInError without one."""
    from readiness.accounts import actor_for_session
    from readiness.errors import NotSignedInError

    st = state(request)
    token = security.session_token(request)
    if not token:
        raise NotSignedInError("not signed in: sign in first")
    actor = actor_for_session(st.ws, token)
    return Who(st.ws, actor, token, request_lang(request, actor), st)


async def _who_on_the_loop(request: Request) -> Who:
    """``who``, run on the event loop: FastAPI runs a plain function dependency in the thread pool,
    then the route in it again, so every request queued twice for one of the few threads
    (``app.REQUEST_THREADS``). Finding the session is three indexed reads, well under a
    millisecond, the cost of the hand-over itself. 20 clients, 2 workers: list page p95 240 ms
    with the two turns, 160-173 ms with one."""
    return who(request)


#: A route's parameter for the signed-in person: ``me: Me``.
Me = Annotated[Who, Depends(_who_on_the_loop)]


async def csrf_checked(request: Request) -> None:
    """A FastAPI dependency for every write: the CSRF token must come back (form field or header).

    A program's bearer request needs none (a browser never sends that header on its own), nor
    does a program's JSON request without any cookie of ours (``POST /api/v1/session``, before it
    has a token): another site cannot make a browser send a JSON body without a CORS preflight,
    which this app never grants, and without a session cookie nobody acts.
    """
    if security.is_bearer(request) or security.is_program_json(request) or \
            request.scope.get(security.CSRF_CHECKED) is True:
        return
    sent = request.headers.get(security.CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(security.CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not security.csrf_matches(security.csrf_source(request), sent):
        raise CsrfError("the form's CSRF token is missing or wrong")


_ENV: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """The templates' environment: autoescaped, strict about undefined names, templates only from the
    package, compiled once (a package's templates do not change under a running server: no file
    is looked at again on each page)."""
    global _ENV
    if _ENV is None:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, auto_reload=False,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.globals["format_number"] = i18n.format_number
        env.filters["field_label"] = lambda name, t, known: (t(f"evidence.field.{name}")
                                                             if f"evidence.field.{name}" in known else name)
        _ENV = env
    return _ENV


def render(request: Request, template: str, who: Who | None = None, *, status: int = 200,
           lang: str | None = None, headers: dict[str, str] | None = None, **values: Any) -> HTMLResponse:
    """A page: ``template`` (a fixed name, never from the request) with the frame's values."""
    lang = lang or (who.lang if who is not None else request_lang(request))
    t = i18n.translator(lang)
    source = security.csrf_source(request)
    context = {
        "request_path": request.url.path,
        "who": who,
        "lang": lang,
        "t": t,
        "csrf": security.csrf_for(source) if source else "",
        "fmt_date": lambda v: i18n.format_date(v, lang),
        "fmt_moment": lambda v: i18n.format_moment(v, lang),
        "fmt_number": lambda v: i18n.format_number(v, lang),
        "today": dt.date.today(),
        "menu": menu(who) if who is not None else [],
        **values,
    }
    html = environment().get_template(template).render(context)
    return HTMLResponse(html, status_code=status, headers=headers)


def menu(who: Who) -> list[tuple[str, str]]:
    """The main menu's (path, label key) for this person: only what their roles can open."""
    from readiness.access import Right
    from readiness.access import holds_somewhere as holds_anywhere

    items = [("/", "nav.home"), ("/evidence", "nav.evidence")]
    if holds_anywhere(who.actor, Right.CONTRIBUTE):
        items += [("/evidence/new", "nav.new"), ("/evidence/draft", "nav.draft")]
    if holds_anywhere(who.actor, Right.REVIEW):
        items.append(("/review", "nav.review"))
    items += [("/scores", "nav.scores"), ("/gaps", "nav.gaps")]
    if holds_anywhere(who.actor, Right.DOSSIER):
        items.append(("/dossier", "nav.dossier"))
    if holds_anywhere(who.actor, Right.MANAGE_ACCOUNTS):
        items += [("/people", "nav.people"), ("/units", "nav.units")]
    return items
