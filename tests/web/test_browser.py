"""The web app in a real browser (Debian's headless Chromium driven by Playwright), used as people use it.

The fixtures (a live server on 127.0.0.1, the browser, one browser context per person) are in
tests/web/browser.py; screenshots go to the test's ``tmp_path/screenshots`` (printed on failure).
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.web import browser
from tests.web.browser import DOSSIER_TIMEOUT_MS, TIMEOUT_MS, People, axe_violations, describe

# The browser fixtures, used by name below.
chromium, live_server, people = browser.chromium, browser.live_server, browser.people


def switch_language(page: Page, lang: str) -> None:
    """Choose ``lang`` in the header's language form and send it (works without JavaScript)."""
    form = page.locator("form[action='/language']")
    form.locator("select[name=lang]").select_option(lang)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def watch_progress(page: Page, selector: str) -> list[float]:
    """Every fraction (value / max) the progress bar ``selector`` shows from now on, as the page's
    script moves it: a list that fills while the test goes on, kept even if the page then moves on."""
    seen: list[float] = []
    page.expose_function("readinessTestProgress", lambda value: seen.append(float(value)))
    page.evaluate("""selector => {
        const bar = document.querySelector(selector);
        new MutationObserver(() => window.readinessTestProgress(bar.max ? bar.value / bar.max : 0))
            .observe(bar, {attributes: true});
    }""", selector)
    return seen


def wait_until(done: Callable[[], object], what: str, page: Page) -> None:
    """Let the page work until ``done()`` holds, for at most TIMEOUT_MS."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {TIMEOUT_MS / 1000:.0f} s for {what}")
        page.wait_for_timeout(50)


def three_files(folder: Path) -> list[Path]:
    """A scanned decision (PDF), a photo (PNG) and a list of participants (text), named in Vietnamese."""
    from PIL import Image
    from pypdf import PdfWriter

    folder.mkdir()
    decision = folder / "Quyết định số 12.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with decision.open("wb") as out:
        writer.write(out)
    photo = folder / "Ảnh khai mạc.png"
    image = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 40)).save(image, format="PNG")
    photo.write_bytes(image.getvalue())
    names = folder / "Danh sách người tham gia.txt"
    names.write_text("1. Nguyễn Văn An\n2. Trần Thị Bình\n3. Lê Hoàng Cường\n", encoding="utf-8")
    return [decision, photo, names]


def test_a_ward_records_a_deed_the_city_verifies_it_and_its_files_reach_the_dossier(
        people: People, tmp_path: Path) -> None:
    """The issue's scenario: a ward contributor records an event in Vietnamese with three files and
    submits it; the coordinator verifies it and downloads the dossier, which embeds the files;
    another ward's contributor sees no edit button and gets 403 on the edit page."""
    from pypdf import PdfReader

    from readiness.dossier.context import attachment_name

    ward = people.sign_in("ward_a", shot_as="sign-in")
    people.shot(ward, "home-ward_a")

    # A new record, typed as an official types it: Vietnamese title, a date as DD/MM/YYYY.
    ward.get_by_role("navigation").get_by_role("link", name="Thêm minh chứng", exact=True).click()
    expect(ward.locator("h1")).to_have_text("Thêm minh chứng")
    people.shot(ward, "evidence-new")
    title = "Ngày hội đọc sách phường Hàng Bạc năm 2025"
    ward.locator("#f-kind").select_option("event")
    ward.locator("#f-title_vi").fill(title)
    ward.locator("#f-summary_vi").fill("Ngày hội đọc sách cho thiếu nhi và người cao tuổi tại nhà văn hóa phường.")
    ward.locator("#f-start").fill("15/10/2025")
    ward.locator("#f-unit").select_option("Phường Hàng Bạc")
    ward.locator("#f-ref-1").fill("kflc:2.6.1")
    ward.locator("#f-why-1").fill("Sự kiện công cộng tôn vinh việc đọc sách")
    ward.locator("form.record-form button[type=submit]").click()
    ward.wait_for_url(re.compile(r"/evidence/[A-Z]+-\d+(\?.*)?$"))
    code = urlsplit(ward.url).path.rsplit("/", 1)[1]
    expect(ward.locator("h1")).to_contain_text(title)

    # Three files at once, with the progress bar.
    files = three_files(tmp_path / "files")
    upload = ward.locator("form[data-upload]")
    upload.locator("input[type=file]").set_input_files(files)
    bar = watch_progress(ward, "form[data-upload] progress")
    upload.locator("button[type=submit]").click()
    wait_until(lambda: bar and max(bar) >= 1.0, "the upload's progress bar to reach its end", ward)
    ward.wait_for_url(re.compile(rf"/evidence/{code}\?attached=3"))  # where the script goes once all is stored
    listed = ward.locator("#files table.files tbody th a")
    expect(listed).to_have_count(3)
    assert sorted(unicodedata.normalize("NFC", n) for n in listed.all_inner_texts()) == sorted(f.name for f in files)
    people.shot(ward, "evidence-record")

    # Submitted for review through the edit form.
    ward.locator(f"a[href='/evidence/{code}/edit']").click()
    ward.locator("#f-submit").check()
    ward.locator("form.record-form button[type=submit]").click()
    ward.wait_for_url(re.compile(rf"/evidence/{code}(\?.*)?$"))
    expect(ward.locator(".facts .status")).to_have_text("đã gửi duyệt")
    ward.goto("/evidence")
    expect(ward.locator("table.evidence-table")).to_contain_text(title)
    people.shot(ward, "evidence-list")

    # The coordinator verifies it from the review queue.
    coord = people.sign_in("coord")
    people.shot(coord, "home-coord")
    coord.get_by_role("navigation").get_by_role("link", name="Duyệt", exact=True).click()
    item = coord.locator("article.review-item", has=coord.locator(f"h2#rec-{code}"))
    expect(item).to_contain_text(title)
    people.shot(coord, "review-queue")
    item.locator(f"form[action='/review/{code}/verify'] button").click()
    expect(coord.locator("p.success")).to_have_text(f"Đã xác minh {code}.")
    coord.goto(f"/evidence/{code}")
    expect(coord.locator(".facts .status")).to_have_text("đã xác minh")
    coord.goto("/scores")
    people.shot(coord, "scores")

    # ... and downloads the dossier, made in the background, which embeds the three files.
    coord.goto("/dossier")
    people.shot(coord, "dossier-form")
    coord.locator("form[action='/dossier'] button[type=submit]").click()
    coord.wait_for_url(re.compile(r"/dossier/jobs/[^/]+$"))
    download_link = coord.locator("#dossier-download")
    expect(download_link).to_be_visible(timeout=DOSSIER_TIMEOUT_MS)
    people.shot(coord, "dossier-job")
    assert_accessible(coord, "the dossier job page")
    with coord.expect_download() as info:
        download_link.click()
    pdf = tmp_path / "dossier.pdf"
    info.value.save_as(pdf)
    embedded = set(PdfReader(pdf).attachments)
    expected = {attachment_name(code, f.name) for f in files}
    assert expected <= embedded, f"the dossier embeds {sorted(embedded)}, not all of {sorted(expected)}"

    # Another ward's contributor may read the record but not change it.
    other = people.sign_in("ward_b")
    reply = other.goto(f"/evidence/{code}")
    assert reply is not None and reply.status == 200
    expect(other.locator("h1")).to_contain_text(title)
    expect(other.locator(f"a[href='/evidence/{code}/edit']")).to_have_count(0)
    expect(other.locator("form[data-upload]")).to_have_count(0)
    reply = other.goto(f"/evidence/{code}/edit")
    assert reply is not None and reply.status == 403
    expect(other.locator("h1")).to_have_text("Bạn không có quyền làm việc này")
    people.shot(other, "forbidden-ward_b")
    assert not people.console_errors, "the pages' consoles reported:\n" + "\n".join(people.console_errors)


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
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Evidence", exact=True)).to_be_visible()
    expect(page.locator(".account .me")).to_have_text("Signed in as Lê Thu Hà")
    page.get_by_role("link", name="Change password").click()
    expect(page.locator("h1")).to_have_text("Change password")

    again = people.sign_in("ward_a")  # another browser: the choice is kept on the account
    expect(again.locator("form[action='/sign-out'] button")).to_have_text("Sign out")
    switch_language(again, "vi")
    expect(again.locator("html")).to_have_attribute("lang", "vi")
    expect(again.locator("form[action='/sign-out'] button")).to_have_text("Đăng xuất")
    menu = again.get_by_role("navigation", name="Menu chính")
    expect(menu.get_by_role("link", name="Minh chứng", exact=True)).to_be_visible()
    assert not people.console_errors, "the pages' consoles reported:\n" + "\n".join(people.console_errors)


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
    ("coord", "/scores/kflc/2.6.1", 200),  # one criterion explained
    ("coord", "/gaps", 200),
    ("coord", "/dossier", 200),
    ("coord", "/people", 200),
    ("coord", "/units", 200),
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
    assert not people.console_errors, "the pages' consoles reported:\n" + "\n".join(people.console_errors)
