"""A real browser on a real server: the fixtures of the browser tests (tests/web/test_browser.py).

- ``live_server``: the web app on the test's workspace (the Hanoi sample, two wards, one account
  per role, as ``tests/web/conftest.py`` builds it), served by uvicorn on 127.0.0.1 in a thread
  of this process, on a port the system picked; stopped (lifespan and all) when the test ends.
- ``chromium``: Debian's Chromium (``/usr/bin/chromium``, which ``.ci/run`` installs when missing)
  driven by Playwright's sync API, headless; one launch for the whole run.
- ``people``: opens one browser context per person (their own cookies, a Vietnamese browser),
  signed in through the sign-in form as a person does, and keeps the screenshots under the
  test's ``tmp_path``.

Every wait is bounded: ``TIMEOUT_MS`` (15 s), and ``DOSSIER_TIMEOUT_MS`` for a dossier's render.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, expect, sync_playwright

from readiness.config import Settings
from tests.web.conftest import PASSWORD, build_city

#: The longest any one step of a browser test may wait (a page, a click, a download, a dossier render).
TIMEOUT_MS = 15_000
#: The one longer wait: the dossier's render (WeasyPrint laying out the Hanoi sample's 26 pages takes
#: about 10 s of CPU, several times that in wall time when the machine's two cores are shared).
DOSSIER_TIMEOUT_MS = 90_000
#: Debian's Chromium; Playwright's own browser builds cannot be downloaded on these machines.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@dataclass
class LiveServer:
    url: str
    settings: Settings


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    """The web app on the test's workspace, served over HTTP on 127.0.0.1 until the test ends."""
    import uvicorn

    from readiness.web.app import create_app

    build_city(settings)
    app = create_app(settings)
    # The socket is bound here, so its port is known before the server starts and no other
    # process can take it in between.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none",
                            lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not server.started:
            assert thread.is_alive(), "the live server stopped while starting (its log is above)"
            assert time.monotonic() < deadline, "the live server did not start in time"
            time.sleep(0.02)
        yield LiveServer(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(TIMEOUT_MS / 1000)
        sock.close()
        assert not thread.is_alive(), "the live server did not stop in time"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium driven by Playwright (``--no-sandbox``: the tests run as root)."""
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: .ci/run installs Debian's (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=["--no-sandbox", "--disable-dev-shm-usage"])


@dataclass
class People:
    """Browser contexts for the test's people, and where their screenshots go."""

    browser: Browser
    server: LiveServer
    shots: Path
    contexts: list[BrowserContext] = field(default_factory=list)
    #: What the pages' consoles reported as errors: a script failing, a refusal by the
    #: Content-Security-Policy (an inline script or style), a script or stylesheet not found.
    console_errors: list[str] = field(default_factory=list)

    def open(self, locale: str = "vi-VN") -> Page:
        """A page in a new browser context (no cookies yet), as a person not signed in."""
        context = self.browser.new_context(base_url=self.server.url, locale=locale, accept_downloads=True,
                                           viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: {exc}"))
        return page

    def _console(self, page: Page, msg: ConsoleMessage) -> None:
        # A page answered with 403 or 404 on purpose is logged as a failed load: not an error here.
        if msg.type == "error" and not (msg.text.startswith("Failed to load resource") and
                                        msg.location.get("url", "") == page.url):
            self.console_errors.append(f"{page.url}: {msg.text}")

    def sign_in(self, name: str, password: str = PASSWORD, shot_as: str | None = None) -> Page:
        """A page of ``name``'s own browser, signed in through the sign-in form (its screenshot
        taken as ``shot_as``, when given, before it is filled in)."""
        page = self.open()
        page.goto("/sign-in")
        if shot_as:
            self.shot(page, shot_as)
        page.locator("#name").fill(name)
        page.locator("#password").fill(password)
        page.locator("form[action='/sign-in'] button[type=submit]").click()
        page.wait_for_url(f"{self.server.url}/")
        expect(page.locator("form[action='/sign-out']")).to_be_visible()
        return page

    def shot(self, page: Page, name: str) -> Path:
        """A full-page screenshot ``<name>.png`` in the test's screenshot folder."""
        path = self.shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def people(chromium: Browser, live_server: LiveServer, tmp_path: Path) -> Iterator[People]:
    """One browser context per person on the live server; screenshots under ``tmp_path/screenshots``."""
    expect.set_options(timeout=TIMEOUT_MS)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    print(f"screenshots: {shots}")  # shown by pytest when the test fails
    world = People(chromium, live_server, shots)
    try:
        yield world
    finally:
        for n, context in enumerate(world.contexts):
            for page in context.pages:  # how each browser was left, for a failure's reader
                if not page.is_closed() and page.url.startswith("http"):
                    page.screenshot(path=str(shots / f"last-{n}.png"), full_page=True)
            context.close()


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations of ``impacts`` on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [v for v in found if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation: its id, impact, help, the elements (targets) it found and where to read more."""
    lines = []
    for v in violations:
        targets = "; ".join(", ".join(map(str, node["target"])) for node in v["nodes"])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -- at {targets} -- {v.get('helpUrl', '')}")
    return "\n".join(lines)
