"""The JSON API under /api/v1: sessions by token, the use cases, and its refusals as JSON."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, WARD_A, WebWorld

API = "/api/v1"


def _client(web: WebWorld) -> TestClient:
    client = TestClient(web.app, base_url="http://testserver", follow_redirects=False)
    web.clients.append(client)
    return client


def _token(web: WebWorld, name: str) -> dict[str, str]:
    """The bearer header of ``name`` signed in through the API."""
    reply = _client(web).post(f"{API}/session", json={"name": name, "password": PASSWORD})
    assert reply.status_code == 201, reply.text
    return {"authorization": f"Bearer {reply.json()['token']}"}


def _new_record(web: WebWorld, who: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"city": "Hà Nội", "kind": "event", "title": {"vi": "Ngày hội đọc sách", "en": "Reading day"},
            "unit": WARD_A, "start": "01/10/2025", "links": [], **fields}
    reply = _client(web).post(f"{API}/evidence", json=body, headers=who)
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_sign_in_by_api_then_read_with_the_bearer_token(web: WebWorld) -> None:
    """The token from POST /session reads /me and the cities; without it the API answers 401 in JSON."""
    client = _client(web)
    reply = client.post(f"{API}/session", json={"name": "coord", "password": PASSWORD})
    assert reply.status_code == 201
    body = reply.json()
    assert body["name"] == "coord" and body["expires_at"] and body["token"]
    who = {"authorization": f"Bearer {body['token']}"}
    me = client.get(f"{API}/me", headers=who).json()
    assert me["name"] == "coord" and me["roles"] == ["coordinator:Hà Nội"]
    cities = client.get(f"{API}/cities", headers=who).json()
    assert [c["code"] for c in cities] == ["HN"]
    units = client.get(f"{API}/cities/HN/units", headers=who).json()
    assert units["city"] == "Hà Nội" and WARD_A in [u["name"] for u in units["units"]]
    anon = _client(web).get(f"{API}/me")
    assert anon.status_code == 401 and anon.json()["error"] == "NotSignedInError"


def test_a_wrong_password_is_401_and_signing_out_ends_the_token(web: WebWorld) -> None:
    """The API says 401 for a wrong password; DELETE /session makes the token sign nobody in."""
    client = _client(web)
    assert client.post(f"{API}/session", json={"name": "coord", "password": "not it at all"}).status_code == 401
    who = _token(web, "coord")
    assert client.delete(f"{API}/session", headers=who).status_code == 204
    assert client.get(f"{API}/me", headers=who).status_code == 401


def test_the_sign_in_is_rate_limited_with_retry_after(web: WebWorld) -> None:
    """After five wrong passwords for a name from one address even the right one gets 429 with Retry-After."""
    client = _client(web)
    for _ in range(5):
        assert client.post(f"{API}/session", json={"name": "rev", "password": "wrong guess"}).status_code == 401
    blocked = client.post(f"{API}/session", json={"name": "rev", "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert blocked.json()["error"] == "TooManyAttemptsError"


def test_a_sign_in_from_a_form_of_another_site_is_refused(web: WebWorld) -> None:
    """Only a JSON body signs in without a CSRF token: a cross-site form (urlencoded or text/plain) cannot
    open a session, and a browser holding our cookies must send its X-CSRF-Token as for any write."""
    client = _client(web)
    form = client.post(f"{API}/session", data={"name": "coord", "password": PASSWORD})
    plain = client.post(f"{API}/session", content='{"name": "coord", "password": "%s"}' % PASSWORD,
                        headers={"content-type": "text/plain"})
    assert form.status_code == 403 and plain.status_code == 403
    assert "expires_at" not in form.text and "expires_at" not in plain.text
    browser = web.anonymous()  # holds the pre-session cookie of the sign-in page
    body = {"name": "coord", "password": PASSWORD}
    assert browser.client.post(f"{API}/session", json=body).status_code == 403
    assert browser.client.post(f"{API}/session", json=body, headers={"x-csrf-token": browser.csrf}).status_code == 201


def test_a_cookie_write_needs_the_csrf_header_and_a_bearer_write_does_not(web: WebWorld) -> None:
    """A browser's session cookie alone (a forged cross-site request) cannot write; with X-CSRF-Token it can;
    a program's bearer token needs no CSRF token."""
    coord = web.person("coord")
    body = {"city": "Hà Nội", "kind": "event", "title": "Ngày hội học tập", "unit": WARD_A}
    forged = coord.client.post(f"{API}/evidence", json=body)
    assert forged.status_code == 403 and forged.json()["error"] == "CsrfError"
    sent = coord.client.post(f"{API}/evidence", json=body, headers={"x-csrf-token": coord.csrf})
    assert sent.status_code == 201, sent.text
    bearer = _client(web).post(f"{API}/evidence", json=body, headers=_token(web, "coord"))
    assert bearer.status_code == 201
    assert bearer.json()["id"] != sent.json()["id"]


def test_a_contributor_changes_only_their_units_records(web: WebWorld) -> None:
    """ward_a's record: ward_b may not PATCH it (403, unchanged), ward_a may."""
    ward_a, ward_b = _token(web, "ward_a"), _token(web, "ward_b")
    made = _new_record(web, ward_a)
    assert made["unit"] == WARD_A and made["start"] == "2025-10-01" and made["created_by"] == "ward_a"
    client = _client(web)
    refused = client.patch(f"{API}/evidence/{made['id']}", json={"title": "Đổi tên"}, headers=ward_b)
    assert refused.status_code == 403 and "ward_b may not contribute evidence" in refused.json()["message"]
    assert client.get(f"{API}/evidence/{made['id']}", headers=ward_b).json()["title"]["vi"] == "Ngày hội đọc sách"
    changed = client.patch(f"{API}/evidence/{made['id']}", json={"title": {"en": "Book day"}, "status": "submitted"},
                           headers=ward_a)
    assert changed.status_code == 200
    assert changed.json()["title"] == {"vi": "Ngày hội đọc sách", "en": "Book day"}
    assert changed.json()["status"] == "submitted"


def test_a_viewer_cannot_create(web: WebWorld) -> None:
    """A viewer's POST /evidence is 403 and adds nothing."""
    viewer = _token(web, "viewer")
    client = _client(web)
    before = client.get(f"{API}/evidence", params={"limit": 1}, headers=viewer).json()["total"]
    reply = client.post(f"{API}/evidence", json={"city": "HN", "kind": "event", "title": "X"}, headers=viewer)
    assert reply.status_code == 403
    assert client.get(f"{API}/evidence", params={"limit": 1}, headers=viewer).json()["total"] == before


def test_unknown_and_malformed_codes(web: WebWorld) -> None:
    """An unknown record is 404; an id that is no id is 400; both in JSON."""
    who, client = _token(web, "viewer"), _client(web)
    missing = client.get(f"{API}/evidence/HN-9999", headers=who)
    assert missing.status_code == 404 and missing.json()["error"] == "NotFoundError"
    odd = client.get(f"{API}/evidence/%3Cscript%3E", headers=who)
    assert odd.status_code == 400
    assert client.post(f"{API}/evidence/HN-9999/comments", json={"text": "?"},
                       headers=_token(web, "rev")).status_code == 404


def test_pagination_gives_the_total_and_the_page(web: WebWorld) -> None:
    """Pages of two cover every record once, and each says the same total."""
    who, client = _token(web, "viewer"), _client(web)
    everything = client.get(f"{API}/evidence", params={"city": "HN", "limit": 500}, headers=who).json()
    total = everything["total"]
    assert total == len(everything["items"]) > 4
    seen: list[str] = []
    for offset in range(0, total, 2):
        page = client.get(f"{API}/evidence", params={"city": "HN", "offset": offset, "limit": 2}, headers=who).json()
        assert page["total"] == total and page["offset"] == offset and page["limit"] == 2
        seen += [item["id"] for item in page["items"]]
    assert seen == [item["id"] for item in everything["items"]]
    past = client.get(f"{API}/evidence", params={"offset": total + 10, "limit": 2}, headers=who).json()
    assert past["items"] == [] and past["total"] == total
    assert client.get(f"{API}/evidence", params={"limit": 0}, headers=who).status_code == 422
    assert client.get(f"{API}/evidence", params={"offset": 10**30}, headers=who).status_code == 422


def test_filters_reach_the_library(web: WebWorld) -> None:
    """kind, status, dates and a search without accents narrow the list; a bad date is 400."""
    who, client = _token(web, "ward_a"), _client(web)
    _new_record(web, who, title="Tuần lễ học tập suốt đời", start="2025-10-05")
    found = client.get(f"{API}/evidence", params={"q": "tuan le hoc tap suot doi", "kind": "event",
                                                  "since": "10/2025", "until": "2025"}, headers=who).json()
    assert [i["title"]["vi"] for i in found["items"]] == ["Tuần lễ học tập suốt đời"]
    assert client.get(f"{API}/evidence", params={"since": "not a date"}, headers=who).status_code == 400
    assert client.get(f"{API}/evidence", params={"status": "maybe"}, headers=who).status_code == 400


def test_review_and_comments_by_api(web: WebWorld) -> None:
    """A reviewer comments, rejects with a reason, then verifies; the author may not verify their own record."""
    ward, rev, client = _token(web, "ward_a"), _token(web, "rev"), _client(web)
    made = _new_record(web, ward, status="submitted")
    code = made["id"]
    own = client.post(f"{API}/evidence/{code}/verify", headers=ward)
    assert own.status_code == 403
    note = client.post(f"{API}/evidence/{code}/comments", json={"text": "Xin bản có chữ ký <b>gốc</b>"}, headers=rev)
    assert note.status_code == 201 and note.json()["author"] == "rev"
    rejected = client.post(f"{API}/evidence/{code}/reject", json={"reason": "thiếu bản ký"}, headers=rev)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert client.post(f"{API}/evidence/{code}/reject", json={}, headers=rev).status_code == 422
    verified = client.post(f"{API}/evidence/{code}/verify", json={"note": "đã xem"}, headers=rev)
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    shown = client.get(f"{API}/evidence/{code}", headers=rev).json()
    assert shown["comments"][0]["text"] == "Xin bản có chữ ký <b>gốc</b>"
    assert shown["verification"]["by"] == "rev"
    assert shown["actions"] == {"change": False, "review": True, "comment": True, "review_refusal": None}
    assert client.get(f"{API}/evidence/{code}", headers=ward).json()["actions"]["review"] is False


def test_scores_and_gaps_are_the_librarys_json(web: WebWorld) -> None:
    """GET /scores and /gaps give the documented readiness-score/1 JSON; a city one may not read is refused."""
    who, client = _token(web, "coord"), _client(web)
    scores = client.get(f"{API}/scores", params={"city": "Hà Nội"}, headers=who).json()
    assert scores["format"] == "readiness-score/1" and scores["city"] == "Hà Nội" and scores["scorecards"]
    gaps = client.get(f"{API}/gaps", params={"city": "HN"}, headers=who).json()
    assert gaps["format"] == "readiness-score/1" and isinstance(gaps["gaps"], list)
    assert client.get(f"{API}/gaps", params={"city": "Nowhere"}, headers=who).status_code == 404


def test_the_openapi_description_names_the_models(web: WebWorld) -> None:
    """/api/v1/openapi.json lists the operations with their request and answer models, and no page."""
    spec = _client(web).get(f"{API}/openapi.json").json()
    assert set(spec["paths"]) >= {f"{API}/session", f"{API}/me", f"{API}/cities", f"{API}/cities/{{city}}/units",
                                  f"{API}/evidence", f"{API}/evidence/{{code}}", f"{API}/evidence/{{code}}/verify",
                                  f"{API}/evidence/{{code}}/reject", f"{API}/evidence/{{code}}/comments",
                                  f"{API}/scores", f"{API}/gaps"}
    assert all(path.startswith(API) for path in spec["paths"])
    models = set(spec["components"]["schemas"])
    assert {"EvidenceIn", "EvidenceOut", "EvidencePageOut", "SessionIn", "ErrorOut"} <= models
