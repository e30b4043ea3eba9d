"""The admin pages over HTTP: people (accounts, roles, passwords) and a city's units."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, WARD_A, WARD_B, WebWorld

NEW_PASSWORD = "a long new passphrase"


def _accounts(web: WebWorld) -> dict[str, object]:
    """Every account as the library has it now (read as the admin)."""
    from readiness import api

    with api.open_workspace(web.settings) as ws:
        admin = api.actor_for_session(ws, api.sign_in(ws, "admin", PASSWORD).token)
        return {a.name: a for a in api.list_accounts(ws, admin)}


def test_an_admin_adds_a_contributor_who_can_then_sign_in(web: WebWorld) -> None:
    """The add form makes an account with its role and password; the new person signs in with it."""
    admin = web.person("admin")
    page = admin.get("/people")
    assert page.status_code == 200 and "coord" in page.text and "Nguyễn Thị Lan" in page.text
    reply = admin.post("/people", {"name": "hoa", "display_name": "Vũ Thị Hoa", "email": "hoa@hanoi.gov.vn",
                                   "role": "contributor", "city": "Hà Nội", "unit": WARD_A,
                                   "password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert reply.status_code == 303 and reply.headers["location"] == "/people?added=hoa"
    listed = admin.get("/people?added=hoa").text
    assert f"contributor:Hà Nội/{WARD_A}" in listed and "Vũ Thị Hoa" in listed
    anon = web.anonymous()
    assert anon.post("/sign-in", {"name": "hoa", "password": NEW_PASSWORD}).status_code == 303
    assert "Vũ Thị Hoa" in anon.get("/").text


def test_two_different_passwords_keep_what_was_typed(web: WebWorld) -> None:
    """A mismatch re-renders the form (400) with the typed name, and adds nobody."""
    admin = web.person("admin")
    reply = admin.post("/people", {"name": "hoa", "display_name": "Vũ Thị Hoa", "role": "viewer", "city": "Hà Nội",
                                   "password": NEW_PASSWORD, "again": NEW_PASSWORD + "x"})
    assert reply.status_code == 400
    assert 'value="Vũ Thị Hoa"' in reply.text and "The two passwords differ." in reply.text
    assert "hoa" not in _accounts(web)


def test_a_coordinator_is_offered_and_may_make_only_contributors_and_viewers(web: WebWorld) -> None:
    """The coordinator's role select holds no reviewer; a forged reviewer form is refused and changes nothing."""
    coord = web.person("coord")
    page = coord.get("/people").text
    assert '<option value="contributor"' in page and '<option value="viewer"' in page
    assert '<option value="reviewer"' not in page and '<option value="admin"' not in page
    reply = coord.post("/people", {"name": "sneaky", "display_name": "Sneaky", "role": "reviewer", "city": "Hà Nội",
                                   "password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert reply.status_code == 403
    assert "may not" in reply.text
    grant = coord.post("/people/ward_a/roles", {"grant_role": "reviewer", "city": "Hà Nội"})
    assert grant.status_code == 403
    accounts = _accounts(web)
    assert "sneaky" not in accounts
    assert accounts["ward_a"].roles == [f"contributor:Hà Nội/{WARD_A}"]  # type: ignore[attr-defined]


def test_a_coordinator_manages_a_contributor_of_their_city(web: WebWorld) -> None:
    """Grant, revoke, reset the password and disable: each through its form, each seen afterwards."""
    coord = web.person("coord")
    page = coord.get("/people").text
    assert "Manage ward_a" in page or "Quản lý ward_a" in page
    assert coord.post("/people/ward_a/roles", {"grant_role": "contributor", "city": "Hà Nội",
                                               "unit": WARD_B}).status_code == 303
    assert len(_accounts(web)["ward_a"].roles) == 2  # type: ignore[attr-defined]
    assert coord.post("/people/ward_a/roles", {"revoke": f"contributor:Hà Nội/{WARD_B}"}).status_code == 303
    assert coord.post("/people/ward_a/password", {"password": NEW_PASSWORD, "again": NEW_PASSWORD}).status_code == 303
    anon = web.anonymous()
    assert anon.post("/sign-in", {"name": "ward_a", "password": NEW_PASSWORD}).status_code == 303
    assert coord.post("/people/ward_a/active", {"active": "no"}).status_code == 303
    assert _accounts(web)["ward_a"].active is False  # type: ignore[attr-defined]
    assert anon.get("/").status_code == 303  # the disabled account's session ended


def test_a_coordinator_sees_the_reviewer_but_is_offered_no_change(web: WebWorld) -> None:
    """Accounts the coordinator may not manage are listed without their forms."""
    coord = web.person("coord")
    page = coord.get("/people").text
    assert "Trần Văn Minh" in page
    assert "Manage rev" not in page and "Quản lý rev" not in page
    assert coord.post("/people/rev/password", {"password": NEW_PASSWORD, "again": NEW_PASSWORD}).status_code == 403


def test_contributors_and_viewers_may_not_manage_people_or_units(web: WebWorld) -> None:
    """The pages and their posts are 403 for people who manage nothing (their names are not even listed)."""
    for name in ("ward_a", "viewer"):
        who = web.person(name)
        assert who.get("/people").status_code == 403, name
        assert who.post("/people", {"name": "x" + name, "display_name": "X", "role": "viewer", "city": "Hà Nội",
                                    "password": NEW_PASSWORD, "again": NEW_PASSWORD}).status_code == 403
        assert who.post("/people/rev/active", {"active": "no"}).status_code == 403
        assert who.post("/people/rev/password", {"password": NEW_PASSWORD, "again": NEW_PASSWORD}).status_code == 403
        assert who.post("/units", {"city": "Hà Nội", "name": "Phường Mới", "kind": "ward"}).status_code == 403
    assert all(a.active for a in _accounts(web).values())  # type: ignore[attr-defined]


def test_html_in_names_is_shown_escaped(web: WebWorld) -> None:
    """A display name and a unit name holding a script tag are text on the pages, never markup."""
    admin = web.person("admin")
    hostile = "<script>alert(1)</script>"
    assert admin.post("/units", {"city": "Hà Nội", "name": f"Phường {hostile}", "kind": "ward"}).status_code == 303
    assert admin.post("/people", {"name": "eve", "display_name": f"Eve {hostile}", "role": "viewer", "city": "Hà Nội",
                                  "password": NEW_PASSWORD, "again": NEW_PASSWORD}).status_code == 303
    for url in ("/people", "/units?city=H%C3%A0%20N%E1%BB%99i"):
        html = admin.get(url).text
        assert hostile not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_vietnamese_names_round_trip(web: WebWorld) -> None:
    """A unit and a display name with Vietnamese diacritics come back exactly as typed."""
    admin = web.person("admin")
    reply = admin.post("/units", {"city": "Hà Nội", "name": "Trung tâm Học tập Cộng đồng Phường Đồng Xuân",
                                  "kind": "trung tâm", "parent": WARD_A})
    assert reply.status_code == 303
    page = admin.get(reply.headers["location"]).text
    assert "Trung tâm Học tập Cộng đồng Phường Đồng Xuân" in page
    assert admin.post("/people", {"name": "nguyet", "display_name": "Nguyễn Thị Ánh Nguyệt", "role": "contributor",
                                  "city": "Hà Nội", "unit": "Trung tâm Học tập Cộng đồng Phường Đồng Xuân",
                                  "password": NEW_PASSWORD, "again": NEW_PASSWORD}).status_code == 303
    people = admin.get("/people").text
    assert "Nguyễn Thị Ánh Nguyệt" in people
    assert "contributor:Hà Nội/Trung tâm Học tập Cộng đồng Phường Đồng Xuân" in people


def test_a_unit_form_that_fails_keeps_what_was_typed(web: WebWorld) -> None:
    """A unit named twice at the same level is refused (400) with the library's message and the typed name."""
    coord = web.person("coord")
    reply = coord.post("/units", {"city": "Hà Nội", "name": WARD_A, "kind": "ward"})
    assert reply.status_code == 400
    assert "already" in reply.text and f'value="{WARD_A}"' in reply.text


def test_the_units_page_shows_the_tree(web: WebWorld) -> None:
    """The wards appear under their city, and a contributor sees them without the add form."""
    ward = web.person("ward_a")
    page = ward.get("/units")
    assert page.status_code == 200 and WARD_A in page.text and WARD_B in page.text
    assert 'action="/units"' not in page.text.replace('method="get" action="/units"', "")
