"""Every route of the app, found by walking it (so a route added later is covered too): nobody
reaches one without signing in, and every write needs the CSRF token."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from readiness.web.context import csrf_checked
from tests.web.conftest import WebWorld

#: What someone not signed in may reach: the sign-in form, switching language, the API's sign-in.
PUBLIC = {("GET", "/sign-in"), ("POST", "/sign-in"), ("POST", "/language"), ("POST", "/api/v1/session"),
          ("POST", "/sign-out"), ("DELETE", "/api/v1/session")}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _api_routes(routes: list) -> list[APIRoute]:
    """The app's routes, also inside included routers (FastAPI keeps those as one route each)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(_api_routes(route.original_router.routes))
    return found


def _routes(web: WebWorld) -> list[tuple[str, str, APIRoute]]:
    routes = [(method, route.path, route) for route in _api_routes(web.app.routes)
              for method in sorted(route.methods or ())]
    assert len(routes) > 30, "the walk found too few routes: has FastAPI changed how it keeps them?"
    return routes


def _concrete(path: str) -> str:
    """A route's path with each {parameter} filled by something that exists nowhere."""
    return re.sub(r"\{[^}]+\}", "HN-9999", path)


def _dependencies(route: APIRoute) -> set[object]:
    found: set[object] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        found.add(dep.call)
        stack.extend(dep.dependencies)
    return found


def test_every_write_route_checks_the_csrf_token(web: WebWorld) -> None:
    unchecked = [f"{m} {p}" for m, p, r in _routes(web) if m in WRITES and csrf_checked not in _dependencies(r)]
    assert unchecked == []


def test_no_route_answers_someone_not_signed_in(web: WebWorld) -> None:
    anon = web.anonymous()
    leaks = []
    for method, path, _route in _routes(web):
        if (method, path) in PUBLIC:
            continue
        headers = {"x-csrf-token": anon.csrf} if method in WRITES else {}
        reply = anon.client.request(method, _concrete(path), headers=headers)
        api = path.startswith("/api/")
        if (api and reply.status_code != 401) or (not api and not (
                reply.status_code == 303 and reply.headers["location"].startswith("/sign-in"))):
            leaks.append(f"{method} {path}: {reply.status_code}")
    assert leaks == []
