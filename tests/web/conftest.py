"""The web app's fixtures: the Hanoi sample with two wards and one account per role, and a
TestClient per person, signed in the way a browser is (the session cookie)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from readiness.config import Settings

PASSWORD = "correct horse battery staple"
WARD_A = "Phường Hàng Bạc"
WARD_B = "Phường Láng Hạ"

#: sign-in name -> (display name, roles)
PEOPLE: dict[str, tuple[str, list[str]]] = {
    "admin": ("Quản trị", ["admin"]),
    "coord": ("Nguyễn Thị Lan", ["coordinator:Hà Nội"]),
    "rev": ("Trần Văn Minh", ["reviewer:Hà Nội"]),
    "ward_a": ("Lê Thu Hà", [f"contributor:Hà Nội/{WARD_A}"]),
    "ward_b": ("Phạm Quốc Bảo", [f"contributor:Hà Nội/{WARD_B}"]),
    "viewer": ("Đỗ Mai", ["viewer:Hà Nội"]),
}


def csrf_in(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Person:
    """One person's browser: a TestClient holding their session cookie, and their CSRF token."""

    name: str
    client: TestClient
    csrf: str = ""

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        """A form post with the page's CSRF token (unless ``data`` gives its own ``csrf``)."""
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})}, **kw)


@dataclass
class WebWorld:
    settings: Settings
    app: Any
    clients: list[TestClient] = field(default_factory=list)

    def anonymous(self) -> Person:
        client = TestClient(self.app, base_url="http://testserver", follow_redirects=False)
        self.clients.append(client)
        page = client.get("/sign-in")
        return Person("", client, csrf_in(page.text))

    def person(self, name: str) -> Person:
        """``name`` signed in through the sign-in form, as a browser does."""
        who = self.anonymous()
        reply = who.post("/sign-in", {"name": name, "password": PASSWORD, "next": "/"})
        assert reply.status_code == 303, reply.text
        who.name = name
        who.csrf = csrf_in(who.get("/account/password").text)
        return who


@pytest.fixture(autouse=True)
def _quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its lightest in the web tests (t=1, 1 MiB): every test signs several people in,
    and the real parameters (64 MiB, three passes, tested in tests/test_accounts.py) would make
    these tests minutes slower without testing anything more of the web app."""
    from argon2 import PasswordHasher

    from readiness import accounts

    monkeypatch.setattr(accounts, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def build_city(settings: Settings) -> None:
    """The Hanoi sample, two wards, and the accounts of ``PEOPLE``."""
    from readiness import api
    from readiness.access import Actor

    with api.open_workspace(settings) as ws:
        machine = Actor(settings.actor)
        catalogue = api.load_catalogue(settings.criteria_dir)
        api.import_evidence(ws, machine, api.ImportSource.of(None, "hanoi"), catalogue)
        for ward in (WARD_A, WARD_B):
            api.add_unit(ws, machine, "Hà Nội", ward, "ward")
        api.add_account(ws, machine, "admin", PEOPLE["admin"][0], roles=PEOPLE["admin"][1], password=PASSWORD)
        admin = api.actor_for_session(ws, api.sign_in(ws, "admin", PASSWORD).token)
        for name, (display, roles) in PEOPLE.items():
            if name != "admin":
                api.add_account(ws, admin, name, display, roles=roles, password=PASSWORD)


@pytest.fixture
def web(settings: Settings) -> Iterator[WebWorld]:
    """The web app on the test's workspace, holding the Hanoi sample and one account per role."""
    from readiness.web.app import create_app

    build_city(settings)
    app = create_app(settings)
    world = WebWorld(settings, app)
    try:
        yield world
    finally:
        for client in world.clients:
            client.close()
        app.state.readiness.ws.close()
