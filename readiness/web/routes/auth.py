"""Signing in and out, changing one's password, switching the UI's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from readiness.errors import InvalidValueError, NotSignedInError, TooManyAttemptsError
from readiness.web import i18n, security
from readiness.web.context import Me, csrf_checked, render, state, who

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never ``//host`` or ``https://…``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def client_address(request: Request) -> str:
    """The client's address (uvicorn puts the proxy's X-Forwarded-For here when told to trust it)."""
    return request.client.host if request.client else "-"


def _has_accounts(request: Request) -> bool:
    from readiness import api

    return api.has_accounts(state(request).ws)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/", signed_out: str = "", password_changed: str = "") -> Response:
    notice = "password.done" if password_changed else "sign_out.done" if signed_out else \
        "sign_in.needed" if next != "/" else None
    return render(request, "sign_in.html.j2", next=safe_next(next), error=None, name="", notice=notice,
                  no_accounts=not _has_accounts(request), status=200)


@router.post("/sign-in", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
def sign_in(request: Request, name: Annotated[str, Form(max_length=200)] = "",
            password: Annotated[str, Form(max_length=2000)] = "", next: Annotated[str, Form()] = "/") -> Response:
    from readiness import api

    st = state(request)
    try:
        signed = api.sign_in(st.ws, name, password, client="web", address=client_address(request))
    except TooManyAttemptsError as exc:
        return render(request, "sign_in.html.j2", next=safe_next(next), name=name, notice=None,
                      no_accounts=False, status=429, headers={"retry-after": str(exc.retry_after)},
                      error=("sign_in.too_many", {"minutes": (exc.retry_after + 59) // 60}))
    except NotSignedInError as exc:
        key = "sign_in.disabled" if "disabled" in str(exc) else "sign_in.refused"
        return render(request, "sign_in.html.j2", next=safe_next(next), name=name, notice=None,
                      no_accounts=False, status=401, error=(key, {}))
    except InvalidValueError:  # no accounts yet
        return render(request, "sign_in.html.j2", next=safe_next(next), name=name, notice=None,
                      no_accounts=True, status=400, error=None)
    response = RedirectResponse(safe_next(next), status_code=303)
    seconds = int((signed.expires_at - signed.expires_at.now(signed.expires_at.tzinfo)).total_seconds())
    security.set_session_cookie(response, request, signed.token, max(60, seconds))
    return response


@router.post("/sign-out", dependencies=[Depends(csrf_checked)])
def sign_out(request: Request) -> Response:
    from readiness import api

    token = security.session_token(request)
    if token:
        api.sign_out(state(request).ws, token)
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    security.clear_session_cookie(response, request)
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, me: Me) -> Response:
    from readiness.accounts import MIN_PASSWORD_CHARS

    return render(request, "password.html.j2", me, error=None, min_chars=MIN_PASSWORD_CHARS)


@router.post("/account/password", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
def change_password(request: Request, current: Annotated[str, Form(max_length=2000)],
                    new: Annotated[str, Form(max_length=2000)], again: Annotated[str, Form(max_length=2000)],
                    me: Me) -> Response:
    from readiness import api
    from readiness.accounts import MIN_PASSWORD_CHARS

    def again_page(error: tuple[str, dict] | str) -> Response:
        return render(request, "password.html.j2", me, error=error, min_chars=MIN_PASSWORD_CHARS, status=400)

    if new != again:
        return again_page(("password.mismatch", {}))
    try:
        api.set_password(me.ws, me.actor, None, new, current_password=current)
    except InvalidValueError as exc:
        return again_page(("password.wrong", {}) if "current password is wrong" in str(exc) else str(exc))
    response = RedirectResponse("/sign-in?password_changed=1", status_code=303)
    security.clear_session_cookie(response, request)
    return response


@router.post("/language", dependencies=[Depends(csrf_checked)])
def switch_language(request: Request, lang: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    """Switch the UI's language: kept on the person's account when signed in, and in a cookie."""
    from readiness import api

    chosen = i18n.pick_lang(lang)
    response = RedirectResponse(safe_next(next), status_code=303)
    token = security.session_token(request)
    if token:
        try:
            me = who(request)
            api.set_account(me.ws, me.actor, me.actor.name, language=chosen)
        except NotSignedInError:
            pass
    response.set_cookie(security.LANG_COOKIE, chosen, max_age=365 * 86400, httponly=True, samesite="lax",
                        secure=security.is_https(request))
    return response
