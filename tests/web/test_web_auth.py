"""Signing in and out, sessions, CSRF, the sign-in rate limit and the security headers, over HTTP."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, WebWorld, csrf_in


def test_a_page_without_a_session_sends_the_browser_to_sign_in(web: WebWorld) -> None:
    anon = web.anonymous()
    reply = anon.get("/account/password?from=mail")
    assert reply.status_code == 303
    assert reply.headers["location"] == "/sign-in?next=%2Faccount%2Fpassword%3Ffrom%3Dmail"


def test_signing_in_sets_an_httponly_samesite_cookie_and_goes_where_asked(web: WebWorld) -> None:
    anon = web.anonymous()
    reply = anon.post("/sign-in", {"name": "coord", "password": PASSWORD, "next": "/evidence"})
    assert reply.status_code == 303 and reply.headers["location"] == "/evidence"
    cookie = [c for c in reply.headers.get_list("set-cookie") if c.startswith("readiness_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie  # plain http here
    home = anon.get("/")
    assert home.status_code == 200 and "Nguyễn Thị Lan" in home.text


def test_next_never_leaves_the_site(web: WebWorld) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        anon = web.anonymous()
        reply = anon.post("/sign-in", {"name": "coord", "password": PASSWORD, "next": target})
        assert reply.headers["location"] == "/", target


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(web: WebWorld) -> None:
    anon = web.anonymous()
    wrong = anon.post("/sign-in", {"name": "coord", "password": "not it at all"})
    unknown = anon.post("/sign-in", {"name": "nobody", "password": "not it at all"})
    assert wrong.status_code == unknown.status_code == 401
    assert "The name or the password is wrong." in wrong.text and "The name or the password is wrong." in unknown.text
    assert "readiness_session" not in wrong.headers.get("set-cookie", "")


def test_sign_in_is_rate_limited_per_account_and_address(web: WebWorld) -> None:
    anon = web.anonymous()
    for _ in range(5):
        assert anon.post("/sign-in", {"name": "rev", "password": "wrong guess"}).status_code == 401
    blocked = anon.post("/sign-in", {"name": "rev", "password": PASSWORD})  # even the right one, for now
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "Too many wrong passwords" in blocked.text
    # another account from the same address is not locked by this one's failures
    other = web.anonymous()
    assert other.post("/sign-in", {"name": "coord", "password": PASSWORD}).status_code == 303


def test_a_post_without_the_csrf_token_is_refused(web: WebWorld) -> None:
    coord = web.person("coord")
    for data in ({"lang": "vi", "next": "/"}, {"lang": "vi", "next": "/", "csrf": "0" * 64}):
        reply = coord.client.post("/language", data=data)
        assert reply.status_code == 403, data
        assert "CSRF" not in reply.text or "did not come from this site" in reply.text
    anon = web.anonymous()
    forged = anon.client.post("/sign-in", data={"name": "coord", "password": PASSWORD})
    assert forged.status_code == 403
    assert "readiness_session" not in forged.headers.get("set-cookie", "")


def test_the_csrf_token_is_bound_to_the_session(web: WebWorld) -> None:
    coord, rev = web.person("coord"), web.person("rev")
    stolen = coord.client.post("/language", data={"lang": "vi", "next": "/", "csrf": rev.csrf})
    assert stolen.status_code == 403


def test_signing_out_ends_the_session_on_the_server(web: WebWorld) -> None:
    coord = web.person("coord")
    token = coord.client.cookies.get("readiness_session")
    assert coord.post("/sign-out").status_code == 303
    again = web.anonymous()
    again.client.cookies.set("readiness_session", token)
    assert again.get("/").status_code == 303  # the copied cookie signs nobody in


def test_every_response_carries_the_security_headers(web: WebWorld) -> None:
    coord = web.person("coord")
    for url in ("/", "/sign-in", "/static/app.css", "/no-such-page"):
        reply = coord.get(url)
        csp = reply.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, url
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["x-frame-options"] == "DENY"


def test_pages_hold_no_inline_script(web: WebWorld) -> None:
    coord = web.person("coord")
    for url in ("/", "/sign-in", "/account/password"):
        html = coord.get(url).text
        assert "<script>" not in html and " onclick=" not in html and "javascript:" not in html


def test_the_language_switch_is_kept_on_the_account(web: WebWorld) -> None:
    coord = web.person("coord")
    assert 'lang="vi"' in coord.get("/").text  # a coordinator in Viet Nam reads Vietnamese first
    assert coord.post("/language", {"lang": "en", "next": "/"}).status_code == 303
    again = web.person("coord")  # a new browser: the choice came with the account
    again.client.cookies.clear()
    again = web.person("coord")
    page = again.get("/").text
    assert 'lang="en"' in page and "Sign out" in page


def test_changing_ones_password_ends_the_session_and_the_new_one_works(web: WebWorld) -> None:
    ward = web.person("ward_a")
    reply = ward.post("/account/password", {"current": PASSWORD, "new": "a brand new passphrase", "again":
                                            "a brand new passphrase"})
    assert reply.status_code == 303
    assert ward.get("/").status_code == 303
    anon = web.anonymous()
    assert anon.post("/sign-in", {"name": "ward_a", "password": "a brand new passphrase"}).status_code == 303


def test_a_wrong_current_password_changes_nothing(web: WebWorld) -> None:
    ward = web.person("ward_a")
    reply = ward.post("/account/password", {"current": "not my password", "new": "a brand new passphrase",
                                            "again": "a brand new passphrase"})
    assert reply.status_code == 400
    assert ward.get("/").status_code == 200


def test_a_workspace_without_accounts_says_how_to_make_the_first(settings) -> None:
    from fastapi.testclient import TestClient

    from readiness.web.app import create_app

    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/sign-in")
        assert "readiness user add NAME --role admin" in page.text
        assert client.get("/").status_code == 303  # nobody acts without an account
        csrf = csrf_in(page.text)
        refused = client.post("/sign-in", data={"csrf": csrf, "name": "tester", "password": "x" * 12})
        assert "readiness_session" not in refused.headers.get("set-cookie", "")


def test_a_server_error_carries_the_security_headers_too(web: WebWorld, monkeypatch) -> None:
    """Starlette answers a 500 from outside the middlewares: the handler sets the headers itself,
    for a page and for the JSON API, and says nothing of the failure."""
    from fastapi.testclient import TestClient

    from readiness import api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug, with a secret path /srv/x")

    coord = web.person("coord")
    monkeypatch.setattr(api, "evidence_listing", broken)
    monkeypatch.setattr(api, "page_evidence", broken)
    client = TestClient(web.app, base_url="http://testserver", raise_server_exceptions=False,
                        cookies=dict(coord.client.cookies))
    web.clients.append(client)
    token = api.sign_in(web.app.state.readiness.ws, "coord", "correct horse battery staple").token
    for url, headers in (("/evidence", {}), ("/api/v1/evidence", {"authorization": f"Bearer {token}"})):
        reply = client.get(url, headers=headers)
        assert reply.status_code == 500, url
        assert "frame-ancestors 'none'" in reply.headers["content-security-policy"], url
        assert reply.headers["x-content-type-options"] == "nosniff" and reply.headers["x-frame-options"] == "DENY"
        assert "/srv/x" not in reply.text
