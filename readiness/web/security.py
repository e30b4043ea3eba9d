"""The web's own defences: the session cookie, CSRF tokens and the security headers.

- The session is the token ``accounts.sign_in`` returns, in an HttpOnly, SameSite=Lax cookie
  (``Secure`` when the request came over HTTPS, directly or through a proxy uvicorn trusts).
  Only its SHA-256 is in the database; the library turns it into the acting person.
- A CSRF token is derived from the session token (or, before signing in, from a random
  pre-session cookie): ``sha256("readiness-csrf" + token)``. A page puts it in every form; a
  write (POST) must send it back in the form field ``csrf`` or the ``X-CSRF-Token`` header. A
  forged request from another site cannot read the cookie, so cannot know the token. No server
  secret is needed, so several server processes agree without sharing one.
- The JSON API also takes ``Authorization: Bearer <token>`` (a program's session, from
  ``POST /api/v1/session``); a bearer request needs no CSRF token, since browsers never add
  that header by themselves; nor does a program's JSON sign-in that carries no cookie of ours
  (``is_program_json``): a cross-site page cannot send a JSON body without a CORS preflight.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "readiness_session"
PRE_SESSION_COOKIE = "readiness_pre"
LANG_COOKIE = "readiness_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
#: Set in a request's scope by a route that checked the CSRF token itself while streaming its body.
CSRF_CHECKED = "readiness.csrf_checked"

#: No inline script or style anywhere: every script and stylesheet is a vendored file of ours.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def security_headers(scope: Scope) -> dict[str, str]:
    """The headers every response carries (``SECURITY_HEADERS``, and HSTS over HTTPS)."""
    if scope.get("scheme") == "https":
        return {**SECURITY_HEADERS, "strict-transport-security": "max-age=31536000"}
    return SECURITY_HEADERS


def csrf_for(token: str) -> str:
    """The CSRF token that goes with a session (or pre-session) token."""
    return hashlib.sha256(b"readiness-csrf\0" + token.encode()).hexdigest()


def csrf_matches(token: str | None, sent: str | None) -> bool:
    return bool(token) and bool(sent) and hmac.compare_digest(csrf_for(token or ""), sent or "")


def session_token(request: Request) -> str | None:
    """The session token a request carries: the bearer header (programs) or the cookie (browsers)."""
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE) or None


def is_bearer(request: Request) -> bool:
    return request.headers.get("authorization", "")[:7].lower() == "bearer "


def is_program_json(request: Request) -> bool:
    """A JSON request carrying no cookie of ours: a program's, never a browser's forged one (a
    cross-site page cannot send ``application/json`` without a CORS preflight, which is never granted)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind == "application/json" and SESSION_COOKIE not in request.cookies and \
        PRE_SESSION_COOKIE not in request.cookies


def csrf_source(request: Request) -> str | None:
    """The token a page's CSRF token derives from: the session cookie, else the pre-session cookie."""
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_SESSION_COOKIE) or \
        request.scope.get("readiness.new_pre_session")


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax",
                        secure=is_https(request), path="/")
    response.delete_cookie(PRE_SESSION_COOKIE, path="/")


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))


class SecurityHeaders:
    """Adds the security headers to every response, and a pre-session cookie (for the sign-in
    form's CSRF token) to a browser that has neither it nor a session."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        new_pre = None
        # The JSON API never needs one (a program signs in with a JSON body), and a program's
        # cookie jar that kept one would make its next sign-in look like a browser's.
        if SESSION_COOKIE not in request.cookies and PRE_SESSION_COOKIE not in request.cookies and \
                not request.url.path.startswith("/api/"):
            new_pre = secrets.token_urlsafe(32)
            scope["readiness.new_pre_session"] = new_pre

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in security_headers(scope).items()]
                if new_pre is not None:
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    headers.append((b"set-cookie", f"{PRE_SESSION_COOKIE}={new_pre}; Path=/; HttpOnly; "
                                                   f"SameSite=Lax{secure}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: The routes that stream a body of their own (uploads), with their own size limit.
STREAMING_ROUTES = re.compile(r"^/evidence/(?:[^/]+/files|draft)$")
#: Any other request's body: forms and JSON are small (the longest text a record takes is far below).
MAX_BODY = 1024 * 1024


class BodyLimit:
    """Refuses, before anything reads it, a body larger than ``MAX_BODY`` (413) and a multipart
    body (415) on every route but the uploads, which stream and limit their own. Without it a
    stranger could make the server hold a huge JSON body in memory, or spool a huge file part to
    disk, on the sign-in form, before any token or session is looked at."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"] == "POST" and STREAMING_ROUTES.match(scope["path"])):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        length = headers.get(b"content-length")
        if kind == b"multipart/form-data":
            await _refuse(send, 415, "this address takes no file: upload files on a record's page")
            return
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _refuse(send, 413, f"the request's body is larger than {MAX_BODY // 1024} kB")
            return
        seen, refused = 0, False

        async def counted() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > MAX_BODY:  # answer now; the app sees the client gone and its answer is dropped
                    refused = True
                    await _refuse(send, 413, f"the request's body is larger than {MAX_BODY // 1024} kB")
                    return {"type": "http.disconnect"}
            return message

        async def unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted, unless_refused)


async def _refuse(send: Send, status: int, message: str) -> None:
    body = f"{message}\n".encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
