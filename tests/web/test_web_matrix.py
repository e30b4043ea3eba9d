"""The route × role permission matrix, through HTTP: each person of the city, each page and each
write, the status the README's "Who may do what" gives (200/303 allowed, 403 refused).

The record acted on was made by ward_a in their ward and submitted; a write that changes it runs
on a fresh copy for each person, so one person's verification does not decide the next one's.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD, WARD_A, WebWorld

ROLES = ("admin", "coord", "rev", "ward_a", "ward_b", "viewer")
OK, NO = "ok", "no"
EVERYONE = dict.fromkeys(ROLES, OK)


def _only(*allowed: str) -> dict[str, str]:
    return {r: OK if r in allowed else NO for r in ROLES}


#: (method, path with {code}, form, who may) — pages then writes.
MATRIX: list[tuple[str, str, dict[str, str], dict[str, str]]] = [
    ("GET", "/", {}, EVERYONE),
    ("GET", "/evidence", {}, EVERYONE),
    ("GET", "/evidence.csv", {}, EVERYONE),
    ("GET", "/evidence/{code}", {}, EVERYONE),
    ("GET", "/evidence/{code}/files/1", {}, EVERYONE),
    ("GET", "/evidence/new", {}, _only("admin", "coord", "ward_a", "ward_b")),
    ("GET", "/evidence/draft", {}, _only("admin", "coord", "ward_a", "ward_b")),
    ("GET", "/evidence/{code}/edit", {}, _only("admin", "coord", "ward_a")),
    ("GET", "/review", {}, _only("admin", "coord", "rev")),
    ("GET", "/scores", {}, EVERYONE),
    ("GET", "/gaps", {}, EVERYONE),
    ("GET", "/dossier", {}, _only("admin", "coord")),
    ("POST", "/evidence/{code}/edit", {"kind": "event", "title_vi": "Ngày hội đọc sách", "title_en": "",
                                       "start": "01/10/2025", "unit": WARD_A}, _only("admin", "coord", "ward_a")),
    ("POST", "/evidence/{code}/comments", {"text": "Xin bản có chữ ký."}, _only("admin", "coord", "rev", "ward_a")),
    ("POST", "/evidence/{code}/links", {"ref": "kflc:2.6.1", "rationale": "Tuần lễ học tập"},
     _only("admin", "coord", "ward_a")),
    ("POST", "/evidence/{code}/remove", {}, _only("admin", "coord", "ward_a")),
    ("POST", "/review/{code}/verify", {}, _only("admin", "coord", "rev")),  # never ward_a: they made it
    ("POST", "/review/{code}/reject", {"reason": "Thiếu ảnh"}, _only("admin", "coord", "rev")),
    # asking for more is a comment: whoever may comment on the record may ask
    ("POST", "/review/{code}/ask", {"text": "Xin thêm ảnh."}, _only("admin", "coord", "rev", "ward_a")),
    ("POST", "/dossier", {"city": "Hà Nội", "kind": "readiness", "lang": "vi"}, _only("admin", "coord")),
]


def _record(web: WebWorld) -> str:
    """A submitted record of ward_a's, with one file, made by ward_a."""
    from readiness import api

    st = web.app.state.readiness
    ward = api.actor_for_session(st.ws, api.sign_in(st.ws, "ward_a", PASSWORD).token)
    note = web.settings.workspace / f"note-{len(web.clients)}.txt"
    note.write_text("Biên bản", encoding="utf-8")
    view = api.add_evidence(st.ws, ward, "Hà Nội", {"kind": "event", "title": {"vi": "Ngày hội đọc sách"},
                                                     "start": "2025-10-01", "unit": WARD_A}, st.catalogue,
                            files=[str(note)])
    api.edit_evidence(st.ws, ward, view.code, {"status": "submitted"})
    return view.code


@pytest.mark.parametrize(("method", "path", "form", "who"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_each_person_gets_what_their_roles_allow(web: WebWorld, method: str, path: str, form: dict[str, str],
                                                 who: dict[str, str]) -> None:
    wrong = []
    shared = _record(web) if method == "GET" else None
    for role in ROLES:
        if method == "POST" and path == "/dossier" and who[role] == OK:
            continue  # a render per person is the dossier tests' business
        code = shared or _record(web)
        person = web.person(role)
        url = path.replace("{code}", code)
        reply = person.get(url) if method == "GET" else person.post(url, form)
        allowed = reply.status_code in (200, 303) and "/sign-in" not in reply.headers.get("location", "")
        if allowed != (who[role] == OK) or (not allowed and reply.status_code != 403):
            wrong.append(f"{role}: {reply.status_code} (expected {'allowed' if who[role] == OK else '403'})")
    assert wrong == []
