"""The city pages over HTTP: home by role, the review queue, scores, explanations, gaps and the dossier."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

from readiness import api
from tests.web.conftest import PASSWORD, WARD_A, WARD_B, WebWorld

HN = "Hà Nội"


def actor(web: WebWorld, name: str) -> Any:
    ws = web.app.state.readiness.ws
    return api.actor_for_session(ws, api.sign_in(ws, name, PASSWORD).token)


def add_record(web: WebWorld, name: str, unit: str, title: str, link: str, *, files: tuple[Path, ...] = (),
               submit: bool = True) -> str:
    """A record added through the library by ``name`` (as their browser would), submitted."""
    st = web.app.state.readiness
    who = actor(web, name)
    view = api.add_evidence(st.ws, who, HN, {"kind": "event", "title": title, "unit": unit, "start": "2025-10-01"},
                            st.catalogue, links=[(link, "the week of learning")], files=[str(f) for f in files])
    if submit:
        api.edit_evidence(st.ws, who, view.code, {"status": "submitted"})
    return view.code


def status_of(web: WebWorld, code: str) -> str:
    return api.get_evidence(web.app.state.readiness.ws, actor(web, "admin"), code).row.status


def main_of(html: str) -> str:
    """The page's main part (the menu left out)."""
    return html.split('<main id="main">', 1)[1]


def owners_in(page: str) -> list[str]:
    """The owner cells (the last column) of the gaps tables of a page."""
    return [row.rsplit("<td>", 1)[1] for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)
            if 'class="todo"' in row]


def in_english(web: WebWorld, name: str) -> Any:
    person = web.person(name)
    assert person.post("/language", {"lang": "en", "next": "/"}).status_code == 303
    return person


# ---------------------------------------------------------------------------------------------
# home


def test_a_contributor_sees_their_units_records_and_gaps_not_the_other_wards(web: WebWorld) -> None:
    """Ward A's home lists its records and the gaps it owns, and nothing of ward B's."""
    mine = add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách phường Hàng Bạc", "kflc:2.6.1")
    theirs = add_record(web, "ward_b", WARD_B, "Lớp học tiếng Anh phường Láng Hạ", "kflc:3.1.1")
    page = main_of(web.person("ward_a").get("/").text)
    assert mine in page and "Ngày hội đọc sách phường Hàng Bạc" in page
    assert theirs not in page and "Láng Hạ" not in page
    owners = owners_in(page)
    assert owners and all(WARD_A in cell for cell in owners)  # only the gaps ward A owns
    assert "/scores/kflc/3.1.1?" not in page  # ward B's gap is not asked of ward A
    assert "/evidence?city=H%C3%A0%20N%E1%BB%99i&amp;unit=Ph%C6%B0%E1%BB%9Dng%20H%C3%A0ng%20B%E1%BA%A1c" in page
    other = main_of(web.person("ward_b").get("/").text)
    assert theirs in other and mine not in other
    assert "/scores/kflc/3.1.1?" in other and all(WARD_B in cell for cell in owners_in(other))


def test_the_overview_of_a_unit_holds_only_the_gaps_it_owns(web: WebWorld) -> None:
    """city_overview(unit=...): each gap names the unit among its owners; the city's has more."""
    add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1")
    st = web.app.state.readiness
    ward = api.city_overview(st.ws, actor(web, "ward_a"), st.catalogue, HN, unit=WARD_A, gaps=100, due=False)
    city = api.city_overview(st.ws, actor(web, "ward_a"), st.catalogue, HN, gaps=3)
    assert ward.gaps and all(WARD_A in g.units for g in ward.gaps) and len(ward.gaps) == ward.gaps_total
    assert "kflc:2.6.1" in [g.criterion for g in ward.gaps]
    assert city.gaps_total > ward.gaps_total and len(city.gaps) == 3 and ward.due == []


def test_the_comments_waiting_for_a_contributor_until_they_answer(web: WebWorld) -> None:
    """A reviewer's question waits on ward A's home until ward A comments back; others do not see it."""
    code = add_record(web, "ward_a", WARD_A, "Câu lạc bộ đọc sách", "kflc:2.6.1")
    rev = web.person("rev")
    assert rev.post(f"/review/{code}/ask", {"text": "Xin gửi bản có chữ ký <b>gốc</b>"}).status_code == 303
    ward = web.person("ward_a")
    page = main_of(ward.get("/").text)
    assert "Xin gửi bản có chữ ký &lt;b&gt;gốc&lt;/b&gt;" in page and "rev," in page
    assert "Xin gửi bản có chữ ký" not in main_of(web.person("ward_b").get("/").text)
    api.add_comment(web.app.state.readiness.ws, actor(web, "ward_a"), code, "Đã gửi bản có chữ ký")
    assert "Xin gửi bản có chữ ký &lt;b&gt;" not in main_of(ward.get("/").text)


def test_the_comments_waiting_library_call_keeps_to_the_persons_records(web: WebWorld) -> None:
    """comments_waiting: others' comments on one's unit's records since one's own last comment, newest first."""
    ws = web.app.state.readiness.ws
    code = add_record(web, "ward_a", WARD_A, "Hội thảo học tập", "kflc:2.6.1")
    rev, ward_a, ward_b = actor(web, "rev"), actor(web, "ward_a"), actor(web, "ward_b")
    api.add_comment(ws, rev, code, "first question")
    api.add_comment(ws, rev, code, "second question")
    waiting = api.comments_waiting(ws, ward_a)
    assert [c.text for c in waiting] == ["second question", "first question"] and waiting[0].code == code
    assert api.comments_waiting(ws, ward_b) == [] and api.comments_waiting(ws, rev) == []
    api.add_comment(ws, ward_a, code, "answered")
    assert api.comments_waiting(ws, ward_a) == []


def test_the_coordinators_home_has_scores_queue_gaps_and_due(web: WebWorld) -> None:
    """The coordinator sees the chart of scores per framework, the queue, the top gaps with owners and what runs out."""
    code = add_record(web, "ward_a", WARD_A, "Ngày hội học tập", "kflc:2.6.1")
    vi = main_of(web.person("coord").get("/").text)  # a coordinator in Viet Nam reads Vietnamese first
    assert "Điểm theo từng bộ tiêu chí" in vi and "Hàng chờ duyệt" in vi and "Khoảng trống quan trọng nhất" in vi
    page = main_of(in_english(web, "coord").get("/").text)
    assert "Scores per framework" in page and re.search(r'class="bar-fill w-\d+"', page)
    assert re.search(r"Review queue: \d+ record\(s\) submitted", page) and code in page
    assert "Top gaps" in page and '<th scope="col">Owner</th>' in page
    assert "What runs out by" in page and 'href="/dossier?city=' in page
    assert ' style="' not in page


def test_a_reviewer_sees_the_queue_and_a_viewer_the_scores(web: WebWorld) -> None:
    """Each role's part of the home page, and only it."""
    rev = main_of(in_english(web, "rev").get("/").text)
    assert "Review queue" in rev and "Scores per framework" not in rev and "Top gaps" not in rev
    viewer = main_of(in_english(web, "viewer").get("/").text)
    assert "Scores per framework" in viewer and "Review queue" not in viewer and "Top gaps" not in viewer
    admin = main_of(in_english(web, "admin").get("/").text)
    assert "Cities" in admin and 'href="/scores?city=H%C3%A0%20N%E1%BB%99i"' in admin


# ---------------------------------------------------------------------------------------------
# review


def test_a_reviewer_verifies_a_record_a_ward_submitted(web: WebWorld) -> None:
    """rev sees Verify on ward A's record and verifies it; the queue says so."""
    code = add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1")
    rev = in_english(web, "rev")
    queue = rev.get("/review").text
    assert f'action="/review/{code}/verify"' in queue and f'for="reason-{code}"' in queue
    reply = rev.post(f"/review/{code}/verify")
    assert reply.status_code == 303 and reply.headers["location"] == f"/review?done=verified&code={code}"
    assert status_of(web, code) == "verified"
    after = rev.get(reply.headers["location"]).text
    assert f"{code} is verified." in after and f'action="/review/{code}/verify"' not in after


def test_nobody_reviews_their_own_record(web: WebWorld) -> None:
    """ward A has no review buttons and is refused (403); the coordinator sees why not on their own record."""
    code = add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1")
    ward = web.person("ward_a")
    assert f'action="/review/{code}/verify"' not in ward.get("/review").text
    for action, data in (("verify", {}), ("reject", {"reason": "không rõ"})):
        assert ward.post(f"/review/{code}/{action}", data).status_code == 403
    own = add_record(web, "coord", WARD_A, "Kế hoạch của thành phố", "kflc:3.1.1")
    coord = in_english(web, "coord")
    queue = coord.get("/review").text
    assert f'action="/review/{own}/verify"' not in queue and f'action="/review/{code}/verify"' in queue
    assert "four eyes" in queue
    assert coord.post(f"/review/{own}/verify").status_code == 403
    assert status_of(web, own) == "submitted" and status_of(web, code) == "submitted"


def test_rejecting_needs_a_reason(web: WebWorld) -> None:
    """An empty reason re-renders the queue (400) and changes nothing; a reason rejects."""
    code = add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1")
    rev = in_english(web, "rev")
    refused = rev.post(f"/review/{code}/reject", {"reason": "   "})
    assert refused.status_code == 400 and "Give the reason for rejecting" in refused.text
    assert status_of(web, code) == "submitted"
    done = rev.post(f"/review/{code}/reject", {"reason": "Thiếu chữ ký"})
    assert done.status_code == 303 and status_of(web, code) == "rejected"
    view = api.get_evidence(web.app.state.readiness.ws, actor(web, "admin"), code)
    assert view.row.status_reason == "Thiếu chữ ký"


def test_asking_for_more_adds_a_comment(web: WebWorld) -> None:
    """Ask for more: the comment joins the record; an empty one is refused (400)."""
    code = add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1")
    rev = web.person("rev")
    assert rev.post(f"/review/{code}/ask", {"text": ""}).status_code == 400
    assert rev.post(f"/review/{code}/ask", {"text": "Cần thêm ảnh"}).status_code == 303
    comments = api.list_comments(web.app.state.readiness.ws, actor(web, "admin"), code)
    assert [(c.author, c.text) for c in comments] == [("rev", "Cần thêm ảnh")]
    assert status_of(web, code) == "submitted"


def test_review_posts_need_the_csrf_token(web: WebWorld) -> None:
    code = add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1")
    rev = web.person("rev")
    assert rev.client.post(f"/review/{code}/verify", data={}).status_code == 403
    assert status_of(web, code) == "submitted"


# ---------------------------------------------------------------------------------------------
# scores, explanations, gaps


def test_scores_and_an_explanation_in_both_languages(web: WebWorld) -> None:
    """The scorecards link each criterion to its explanation, which lists the linked records and why."""
    code = add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1")
    vi = web.person("viewer")
    scores = vi.get("/scores").text
    assert "Mức đáp ứng" in scores and 'href="/scores/kflc/2.6.1?city=' in scores
    assert '<th scope="col">' in scores and ' style="' not in scores
    explain = main_of(vi.get("/scores/kflc/2.6.1").text)
    assert code in explain and "Minh chứng được gắn" in explain and "không được tính" in explain
    en = in_english(web, "viewer")
    explain_en = main_of(en.get("/scores/kflc/2.6.1").text)
    assert code in explain_en and "Linked records" in explain_en and "does not count" in explain_en
    assert "What closes the gap" in explain_en
    assert "Coverage" in en.get("/scores").text


def test_an_unknown_criterion_is_a_mistake_not_a_crash(web: WebWorld) -> None:
    assert web.person("viewer").get("/scores/kflc/9.9.9").status_code in (400, 404)


def test_the_gaps_page_is_a_table_with_owners(web: WebWorld) -> None:
    add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1")
    page = main_of(in_english(web, "viewer").get("/gaps").text)
    assert '<th scope="col">Owner</th>' in page and WARD_A in page and "<caption>" in page


def test_every_field_of_the_city_pages_has_a_label(web: WebWorld) -> None:
    add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1")
    coord = web.person("coord")
    for url in ("/", "/review", "/scores", "/gaps", "/dossier"):
        html = coord.get(url).text
        for field in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            if 'type="hidden"' in field:
                continue
            found = re.search(r'id="([^"]+)"', field)
            assert found and f'for="{found.group(1)}"' in html, (url, field)
        levels = [int(h) for h in re.findall(r"<h([1-6])\b", main_of(html))]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)


# ---------------------------------------------------------------------------------------------
# the dossier


def wait_until_done(person: Any, job_url: str, deadline_s: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        status = person.get(f"{job_url}/status").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.3)
    raise AssertionError(f"the dossier was not made within {deadline_s} s")


def test_the_coordinator_downloads_the_dossier_with_the_verified_records_files(web: WebWorld, tmp_path: Path) -> None:
    """One render for two askers; progress while it runs; a PDF attachment holding the verified record's file."""
    from pypdf import PdfReader

    scan = tmp_path / "bien-ban-ngay-hoi.txt"
    scan.write_text("Biên bản ngày hội đọc sách", encoding="utf-8")
    code = add_record(web, "ward_a", WARD_A, "Ngày hội đọc sách", "kflc:2.6.1", files=(scan,))
    assert web.person("rev").post(f"/review/{code}/verify").status_code == 303

    coord, admin = web.person("coord"), web.person("admin")
    form = coord.get("/dossier")
    assert form.status_code == 200 and 'name="kind"' in form.text
    ask = {"city": HN, "kind": "readiness", "lang": "vi"}
    first = coord.post("/dossier", ask)
    second = admin.post("/dossier", {**ask, "city": "HN"})  # the same dossier, named by its code
    assert first.status_code == second.status_code == 303
    job_url = first.headers["location"]
    assert job_url.startswith("/dossier/jobs/") and second.headers["location"] == job_url  # single flight
    page = coord.get(job_url).text
    assert "<progress" in page and "/static/dossier.js" in page

    contributor = web.person("ward_a")  # may not make dossiers: refused everywhere
    assert contributor.post("/dossier", ask).status_code == 403
    for url in (job_url, f"{job_url}/status", f"{job_url}/download"):
        assert contributor.get(url).status_code == 403, url

    status = wait_until_done(coord, job_url)
    assert status["state"] == "done", status
    assert status["percent"] == 100 and status["download"] == f"{job_url}/download"
    assert web.app.state.readiness.jobs.renders == 1
    assert 'http-equiv="refresh"' not in coord.get(job_url).text  # done: no more reloading

    pdf = coord.get(f"{job_url}/download")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-content-type-options"] == "nosniff"
    disposition = pdf.headers["content-disposition"]
    assert re.fullmatch(r'attachment; filename="dossier-[a-z0-9-]+-vi-\d{4}-\d\d-\d\d\.pdf"', disposition), disposition
    attachments = PdfReader(io.BytesIO(pdf.content)).attachments
    assert f"{code} bien-ban-ngay-hoi.txt" in attachments
    assert coord.post("/dossier", ask).headers["location"] == job_url  # nothing changed: the same dossier
    assert web.app.state.readiness.jobs.renders == 1


def test_a_dossier_of_a_kind_in_a_language_it_lacks_is_refused_on_the_form(web: WebWorld) -> None:
    """The application is written in English or French: asking for Vietnamese re-renders the form (400)."""
    coord = in_english(web, "coord")
    reply = coord.post("/dossier", {"city": HN, "kind": "application", "lang": "vi"})
    assert reply.status_code == 400 and "en or fr" in reply.text
    assert 'value="application" checked' in reply.text
    assert web.app.state.readiness.jobs.renders == 0


def test_an_unknown_job_is_not_found(web: WebWorld) -> None:
    assert web.person("coord").get("/dossier/jobs/not-a-job").status_code == 404


def test_a_gap_shows_its_first_three_problems_and_links_to_the_rest(web: WebWorld) -> None:
    """A gap can hold a hundred records that do not count: the tables (home, gaps) show its first
    three problems and link to the criterion's page, which shows them all."""
    st = web.app.state.readiness
    report = api.city_overview(st.ws, actor(web, "coord"), st.catalogue, HN, gaps=100)
    gap = next(g for g in report.gaps if len(g.problems) > 3)
    framework, ref = gap.criterion.split(":", 1)
    viewer = in_english(web, "viewer")
    page = main_of(viewer.get("/gaps").text)
    row = next(r for r in page.split("<tr>") if f">{ref}</a>" in r)
    assert row.count("<li>") == 4  # three problems and the link
    more = re.search(r'<li><a href="([^"]+)">and (\d+) more: see the criterion</a></li>', row)
    assert more and int(more.group(2)) == len(gap.problems) - 3
    assert more.group(1).replace("&amp;", "&").startswith(f"/scores/{framework}/{ref}?city=")
    explained = main_of(viewer.get(more.group(1).replace("&amp;", "&")).text)
    todo = explained.split('<ul class="todo">', 1)[1].split("</ul>", 1)[0]
    assert todo.count("<li>") == len(gap.problems)
