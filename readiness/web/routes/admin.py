"""The admin pages: people (accounts, their roles and passwords) and a city's units.

Who may see and change what is the library's (``accounts_overview``, ``add_account``,
``set_account``, ``set_password``, ``add_unit``): a page offers only what the overview says the
person may do, and a refusal that still comes (a stale page, a forged form) is the library's
403 or 400 with its message. A form that fails shows itself again with what was typed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from readiness.errors import InvalidValueError, NotFoundError
from readiness.web.context import Me, Who, csrf_checked, render

router = APIRouter(include_in_schema=False)

#: A short text field of these forms (names, e-mail, a role's place) and a password.
Short = Annotated[str, Form(max_length=300)]
Password = Annotated[str, Form(max_length=2000)]


def role_text(role: str, city: str, unit: str) -> str:
    """The role as ``RoleSpec.parse`` reads it, from the form's three selects: ``admin``,
    ``viewer`` (every city), ``coordinator:Hà Nội``, ``contributor:Hà Nội/Phường Hàng Bạc``."""
    role, city, unit = role.strip(), city.strip(), unit.strip()
    if role == "contributor":
        return f"{role}:{city}/{unit}"
    return f"{role}:{city}" if city and role != "admin" else role


# ---------------------------------------------------------------------------------------------
# People


def _people_page(request: Request, me: Who, *, status: int = 200, error: Any = None, done: Any = None,
                 typed: dict[str, str] | None = None) -> Response:
    from readiness import api
    from readiness.accounts import MIN_PASSWORD_CHARS

    overview = api.accounts_overview(me.ws, me.actor)
    return render(request, "people.html.j2", me, status=status, overview=overview, error=error, done=done,
                  typed=typed or {}, min_chars=MIN_PASSWORD_CHARS)


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, me: Me, added: Annotated[str, Query(max_length=40)] = "",
           changed: Annotated[str, Query(max_length=40)] = "",
           reset: Annotated[str, Query(max_length=40)] = "") -> Response:
    done = (("people.added", {"name": added}) if added else ("people.changed", {"name": changed}) if changed
            else ("people.password_set", {"name": reset}) if reset else None)
    return _people_page(request, me, done=done)


@router.post("/people", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
def add_person(request: Request, me: Me, name: Short = "", display_name: Short = "", email: Short = "",
               role: Short = "", city: Short = "", unit: Short = "", password: Password = "",
               again: Password = "") -> Response:
    from readiness import api

    typed = {"name": name, "display_name": display_name, "email": email, "role": role, "city": city, "unit": unit}
    if password != again:
        return _people_page(request, me, status=400, error=("people.password_mismatch", {}), typed=typed)
    try:
        view = api.add_account(me.ws, me.actor, name, display_name or None, email=email or None,
                               roles=[role_text(role, city, unit)], password=password)
    except (InvalidValueError, NotFoundError) as exc:  # a refusal goes to the 403 page
        return _people_page(request, me, status=400, error=str(exc), typed=typed)
    return RedirectResponse(f"/people?added={view.name}", status_code=303)


@router.post("/people/{name}/roles", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
def change_roles(request: Request, name: str, me: Me, grant_role: Short = "", city: Short = "", unit: Short = "",
                 revoke: Short = "") -> Response:
    from readiness import api

    grant = [role_text(grant_role, city, unit)] if grant_role else []
    try:
        view = api.set_account(me.ws, me.actor, name, grant=grant, revoke=[revoke] if revoke else [])
    except InvalidValueError as exc:
        return _people_page(request, me, status=400, error=str(exc))
    return RedirectResponse(f"/people?changed={view.name}", status_code=303)


@router.post("/people/{name}/active", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
def set_active(request: Request, name: str, me: Me, active: Annotated[str, Form(max_length=10)] = "") -> Response:
    from readiness import api

    try:
        view = api.set_account(me.ws, me.actor, name, active=active == "yes")
    except InvalidValueError as exc:  # the last active admin
        return _people_page(request, me, status=400, error=str(exc))
    return RedirectResponse(f"/people?changed={view.name}", status_code=303)


@router.post("/people/{name}/password", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
def reset_password(request: Request, name: str, me: Me, password: Password = "", again: Password = "") -> Response:
    from readiness import api

    if password != again:
        return _people_page(request, me, status=400, error=("people.password_mismatch", {}))
    try:
        view = api.set_password(me.ws, me.actor, name, password)
    except InvalidValueError as exc:
        return _people_page(request, me, status=400, error=str(exc))
    return RedirectResponse(f"/people?reset={view.name}", status_code=303)


# ---------------------------------------------------------------------------------------------
# Units


def _units_page(request: Request, me: Who, city: str, *, status: int = 200, error: Any = None, done: Any = None,
                typed: dict[str, str] | None = None) -> Response:
    from readiness import api
    from readiness.access import Right, holds_somewhere
    from readiness.cities import UNIT_KINDS

    cities = api.list_cities(me.ws, me.actor)
    chosen = city or (cities[0].name if cities else "")
    tree = api.list_units(me.ws, me.actor, chosen) if chosen else None
    return render(request, "units.html.j2", me, status=status, cities=cities, tree=tree, error=error, done=done,
                  typed=typed or {}, kinds=UNIT_KINDS, may_add=holds_somewhere(me.actor, Right.MANAGE_CITY))


@router.get("/units", response_class=HTMLResponse)
def units(request: Request, me: Me, city: Annotated[str, Query(max_length=300)] = "",
          added: Annotated[str, Query(max_length=300)] = "") -> Response:
    return _units_page(request, me, city, done=("units.added", {"name": added}) if added else None)


@router.post("/units", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
def add_unit(request: Request, me: Me, city: Short = "", name: Short = "", kind: Short = "",
             parent: Short = "") -> Response:
    from urllib.parse import urlencode

    from readiness import api

    try:
        unit = api.add_unit(me.ws, me.actor, city, name, kind, parent or None)
    except (InvalidValueError, NotFoundError) as exc:
        return _units_page(request, me, city, status=400, error=str(exc),
                           typed={"name": name, "kind": kind, "parent": parent})
    return RedirectResponse("/units?" + urlencode({"city": city, "added": unit.name}), status_code=303)
