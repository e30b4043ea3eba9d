"""The web app in a real browser (Debian's headless Chromium driven by Playwright), used as people use it.

The fixtures (a live server on 127.0.0.1, the browser, one browser context per person) are in
tests/web/browser.py; screenshots go to the test's ``tmp_path/screenshots`` (printed on failure).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web import browser
from tests.web.browser import People, axe_violations, describe

# The browser fixtures, used by name below.
chromium, live_server, people = browser.chromium, browser.live_server, browser.people


def switch_language(page: Page, lang: str) -> None:
    """Choose ``lang`` in the header's language form and send it (works without JavaScript)."""
    form = page.locator("form[action='/language']")
    form.locator("select[name=lang]").select_option(lang)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_the_language_switch_turns_the_pages_to_english_and_back(people: People) -> None:
    """The switch turns every label to English and back, for a visitor (a cookie) and for a person (their account)."""
    visitor = people.open()
    visitor.goto("/sign-in")
    expect(visitor.locator("h1")).to_have_text("Đăng nhập")
    switch_language(visitor, "en")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    expect(visitor.locator("h1")).to_have_text("Sign in")
    expect(visitor.get_by_label("Sign-in name")).to_be_visible()

    page = people.sign_in("ward_a")
    sign_out = page.locator("form[action='/sign-out'] button")
    expect(sign_out).to_have_text("Đăng xuất")
    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(sign_out).to_have_text("Sign out")
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Evidence")).to_be_visible()
    expect(page.locator(".account .me")).to_have_text("Signed in as Lê Thu Hà")
    page.get_by_role("link", name="Change password").click()
    expect(page.locator("h1")).to_have_text("Change password")

    again = people.sign_in("ward_a")  # another browser: the choice is kept on the account
    expect(again.locator("form[action='/sign-out'] button")).to_have_text("Sign out")
    switch_language(again, "vi")
    expect(again.locator("html")).to_have_attribute("lang", "vi")
    expect(again.locator("form[action='/sign-out'] button")).to_have_text("Đăng xuất")
    expect(again.locator("h1")).to_have_text(re.compile("Trang chủ"))


def assert_accessible(page: Page, what: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    found = axe_violations(page)
    assert not found, f"{what} ({page.url}) has accessibility violations:\n{describe(found)}"


#: The main pages: (who opens them, where, the status the page comes with). "" is a visitor.
MAIN_PAGES = [
    ("", "/sign-in", 200),
    ("", "/sign-in?next=%2Fevidence", 200),  # the "please sign in" notice
    ("", "/no-such-page", 404),
    ("ward_a", "/", 200),
    ("ward_a", "/evidence", 200),
    ("ward_a", "/evidence/HN-0001", 200),
    ("ward_a", "/evidence/new", 200),
    ("ward_a", "/evidence/draft", 200),
    ("ward_a", "/account/password", 200),
    ("ward_b", "/evidence/HN-0001/edit", 403),
    ("coord", "/", 200),
    ("coord", "/review", 200),
    ("coord", "/scores", 200),
    ("coord", "/gaps", 200),
    ("coord", "/dossier", 200),
]


def test_the_main_pages_have_no_serious_or_critical_accessibility_violation(people: People) -> None:
    """axe-core finds no serious or critical violation on the main pages, in Vietnamese and (for some) English."""
    pages: dict[str, Page] = {}
    problems = []
    for name, path, status in MAIN_PAGES:
        if name not in pages:
            pages[name] = people.sign_in(name) if name else people.open()
        page = pages[name]
        reply = page.goto(path)
        assert reply is not None and reply.status == status, f"{name or 'a visitor'} opening {path}: " \
            f"{reply.status if reply else 'no reply'}, expected {status}"
        found = axe_violations(page)
        if found:
            problems.append(f"{name or 'visitor'} {path}:\n{describe(found)}")
    switch_language(pages["coord"], "en")
    for path in ("/", "/evidence", "/scores"):
        pages["coord"].goto(path)
        found = axe_violations(pages["coord"])
        if found:
            problems.append(f"coord (English) {path}:\n{describe(found)}")
    assert not problems, "accessibility violations:\n" + "\n".join(problems)
