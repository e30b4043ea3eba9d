"""The evidence pages over HTTP: the list and its CSV, a record, its form, comments, links, drafts."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from tests.web.conftest import PASSWORD, WARD_A, WARD_B, WebWorld


def _codes(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/evidence/([A-Z]+-\d+)">', html)


def _as(web: WebWorld, who: str) -> Any:
    from readiness import api

    ws = web.app.state.readiness.ws
    return ws, api.actor_for_session(ws, api.sign_in(ws, who, PASSWORD).token)


def _add(web: WebWorld, who: str, links: tuple = (), **raw: Any) -> str:
    from readiness import api

    ws, actor = _as(web, who)
    fields = {"kind": "event", "title": {"vi": "Ngày hội học tập"}, **raw}
    return api.add_evidence(ws, actor, "Hà Nội", fields, web.app.state.readiness.catalogue, links=links).code


def test_the_list_holds_fifty_a_page_with_page_numbers_in_the_address(web: WebWorld) -> None:
    """60 more records: page 1 has 50, page 2 the rest, none twice; the pager links keep the filters."""
    for n in range(60):
        _add(web, "coord", title={"vi": f"Lớp học cộng đồng số {n}"}, start="2024")
    coord = web.person("coord")
    first = coord.get("/evidence?q=lop+hoc+cong+dong")
    assert first.status_code == 200
    assert "60 minh chứng" in first.text
    page1 = _codes(first.text)
    assert len(page1) == 50
    assert 'href="/evidence?q=lop+hoc+cong+dong&amp;page=2"' in first.text
    second = coord.get("/evidence?q=lop+hoc+cong+dong&page=2")
    page2 = _codes(second.text)
    assert len(page2) == 10 and set(page1).isdisjoint(page2)


def test_search_ignores_accents(web: WebWorld) -> None:
    """"ha noi" finds "Hà Nội"; "tuan le" the weeks; a word in no record finds nothing."""
    coord = web.person("coord")
    plain = _codes(coord.get("/evidence?q=tuan+le+huong+ung").text)
    accented = _codes(coord.get("/evidence?q=Tuần+lễ+hưởng+ứng").text)
    assert plain and plain == accented
    assert "HN-0002" in plain
    assert _codes(coord.get("/evidence?q=zzzkhongco").text) == []


def test_filters_by_kind_status_unit_criterion_and_dates_typed_as_officials_type_them(web: WebWorld) -> None:
    """Each filter narrows the list; dates as 2023, 10/2023 or 01/10/2023."""
    a = _add(web, "ward_a", unit=WARD_A, kind="forum", start="15/10/2023", links=(("kflc:2.6.1", "tuần lễ"),))
    b = _add(web, "ward_b", unit=WARD_B, kind="event", start="2025")
    coord = web.person("coord")
    assert _codes(coord.get("/evidence", params={"unit": WARD_A}).text) == [a]
    assert _codes(coord.get("/evidence", params={"unit": WARD_B, "kind": "event"}).text) == [b]
    assert _codes(coord.get("/evidence", params={"unit": WARD_B, "kind": "forum"}).text) == []
    forums = _codes(coord.get("/evidence", params={"kind": "forum"}).text)
    assert a in forums and b not in forums
    for since in ("2023", "10/2023", "01/10/2023"):
        found = _codes(coord.get("/evidence", params={"unit": WARD_A, "since": since, "until": "31/12/2023"}).text)
        assert found == [a], since
    assert _codes(coord.get("/evidence", params={"unit": WARD_A, "since": "11/2023"}).text) == []
    linked = _codes(coord.get("/evidence", params={"criterion": "kflc:2.6.1"}).text)
    assert a in linked and b not in linked
    drafts = _codes(coord.get("/evidence", params={"status": "draft"}).text)
    assert a in drafts and "HN-0002" not in drafts  # HN-0002 is submitted
    bad = coord.get("/evidence", params={"since": "31/02/2023"})
    assert bad.status_code == 400 and 'value="31/02/2023"' in bad.text


def test_the_csv_holds_the_matching_records_with_a_bom_and_formulas_made_text(web: WebWorld) -> None:
    """UTF-8 with a BOM, Vietnamese intact, a title starting with = gets a leading quote."""
    code = _add(web, "coord", title={"vi": "=HYPERLINK(\"http://x\") Hội thảo"}, kind="forum")
    coord = web.person("coord")
    reply = coord.get("/evidence.csv", params={"kind": "forum"})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    assert reply.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))
    mine = [r for r in rows if r["id"] == code]
    assert mine and mine[0]["title_vi"].startswith("'=HYPERLINK")
    assert all(r["kind"] == "forum" for r in rows)
    everything = list(csv.DictReader(io.StringIO(coord.get("/evidence.csv").content.decode("utf-8-sig"))))
    assert any(r["title_vi"] == "Tuần lễ hưởng ứng học tập suốt đời năm 2023 của Hà Nội" for r in everything)
    assert 'href="/evidence.csv?kind=forum"' in coord.get("/evidence?kind=forum").text


def test_the_list_shows_titles_in_the_pages_language(web: WebWorld) -> None:
    """Vietnamese readers see the Vietnamese title, English readers the English one; dates DD/MM/YYYY in Vietnamese."""
    code = _add(web, "coord", title={"vi": "Diễn đàn học tập", "en": "Learning forum"}, start="01/10/2025")
    coord = web.person("coord")
    vi = coord.get("/evidence?q=dien+dan+hoc+tap").text
    assert "Diễn đàn học tập" in vi and "01/10/2025" in vi and code in vi
    coord.post("/language", {"lang": "en", "next": "/"})
    en = coord.get("/evidence?q=dien+dan+hoc+tap").text
    assert "Learning forum" in en and "1 Oct 2025" in en


def test_a_record_page_shows_both_languages_links_counting_files_and_history(web: WebWorld) -> None:
    """HN-0002 (submitted, one file): both titles, each link with whether it counts, the history."""
    coord = web.person("coord")
    page = coord.get("/evidence/HN-0002")
    assert page.status_code == 200
    html = page.text
    assert "Tuần lễ hưởng ứng học tập suốt đời năm 2023 của Hà Nội" in html
    assert "Hanoi Lifelong Learning Week 2023" in html
    assert "kflc:2.6.1" in html and "Được tính điểm" in html
    assert re.search(r"count-(yes|partly|no)", html)
    history = html.split('id="history"')[1]
    assert "Lịch sử" in history and "nhập minh chứng từ tệp" in history and "tester" in history
    assert 'href="/evidence/HN-0002/edit"' in html  # the coordinator may change it


def test_a_link_that_cannot_count_says_why(web: WebWorld) -> None:
    """A plan linked to a criterion that takes only other kinds: "no" with scoring's reason."""
    code = _add(web, "coord", kind="letter", start="2024", links=(("kflc:2.6.1", "thử"),))
    html = web.person("coord").get(f"/evidence/{code}").text
    assert "count-no" in html and "tiêu chí nhận loại minh chứng khác" in html


def test_another_wards_contributor_sees_no_edit_button_and_is_refused(web: WebWorld) -> None:
    """ward_b reads ward_a's record but gets no edit button, and 403 on the edit page and every write."""
    code = _add(web, "ward_a", unit=WARD_A)
    other = web.person("ward_b")
    page = other.get(f"/evidence/{code}")
    assert page.status_code == 200
    assert f"/evidence/{code}/edit" not in page.text and "/files/delete" not in page.text
    assert 'action="/evidence/%s/files"' % code not in page.text
    assert other.get(f"/evidence/{code}/edit").status_code == 403
    assert other.post(f"/evidence/{code}/edit", {"kind": "event", "title_vi": "Sửa trộm"}).status_code == 403
    assert other.post(f"/evidence/{code}/remove").status_code == 403
    assert other.post(f"/evidence/{code}/links", {"ref": "kflc:2.6.1"}).status_code == 403
    mine = web.person("ward_a").get(f"/evidence/{code}")
    assert f'href="/evidence/{code}/edit"' in mine.text


def test_a_viewer_reads_but_cannot_post(web: WebWorld) -> None:
    """The viewer gets the record without buttons or comment form; each write is 403."""
    viewer = web.person("viewer")
    page = viewer.get("/evidence/HN-0002")
    assert page.status_code == 200 and "/edit" not in page.text and 'name="text"' not in page.text
    assert viewer.post("/evidence/HN-0002/comments", {"text": "xin chào"}).status_code == 403
    assert viewer.post("/evidence/new", {"kind": "event", "title_vi": "Của tôi"}).status_code == 403
    assert viewer.get("/evidence/HN-0002/edit").status_code == 403


def test_unknown_and_malformed_codes(web: WebWorld) -> None:
    """An unknown id is 404, a malformed one 400; nothing else answers."""
    coord = web.person("coord")
    assert coord.get("/evidence/HN-9999").status_code == 404
    assert coord.get("/evidence/not-a-code!").status_code in (400, 404)
    assert coord.get("/evidence/HN-9999/files/1").status_code == 404


def test_a_contributor_creates_a_record_in_vietnamese_and_reads_it_back(web: WebWorld) -> None:
    """The form offers only ward_a's unit; the record keeps the typed texts and dates."""
    ward = web.person("ward_a")
    form = ward.get("/evidence/new")
    assert form.status_code == 200
    assert f'<option value="{WARD_A}"' in form.text and f'<option value="{WARD_B}"' not in form.text
    reply = ward.post("/evidence/new", {
        "kind": "forum", "title_vi": "Tọa đàm “Học tập suốt đời” tại phường", "summary_vi": "Hơn 120 người dự.",
        "organiser_vi": "UBND phường Hàng Bạc", "start": "01/10/2025", "end": "02/10/2025", "unit": WARD_A,
        "ref": ["kflc:2.6.1", "", ""], "rationale": ["tọa đàm trong tuần lễ", "", ""], "submit": "1"})
    assert reply.status_code == 303, reply.text
    code = reply.headers["location"].split("/")[2].split("?")[0]
    page = ward.get(reply.headers["location"]).text
    assert "Tọa đàm “Học tập suốt đời” tại phường" in page and "Hơn 120 người dự." in page
    assert "01/10/2025" in page and "02/10/2025" in page and "kflc:2.6.1" in page and "đã gửi duyệt" in page
    assert code.startswith("HN-")


def test_a_contributor_cannot_put_a_record_in_another_ward(web: WebWorld) -> None:
    """Posting ward_b's unit by hand is refused by the library: 403, nothing added."""
    ward = web.person("ward_a")
    reply = ward.post("/evidence/new", {"kind": "event", "title_vi": "Không được", "unit": WARD_B})
    assert reply.status_code == 403
    assert "Không được" not in web.person("coord").get("/evidence?q=khong+duoc").text


def test_a_form_with_mistakes_keeps_what_was_typed_and_says_which_field(web: WebWorld) -> None:
    """A bad date on edit: 400, the typed values back, the message beside the start field."""
    code = _add(web, "ward_a", unit=WARD_A)
    ward = web.person("ward_a")
    reply = ward.post(f"/evidence/{code}/edit", {"kind": "event", "title_vi": "Tiêu đề mới đã gõ",
                                                  "start": "31/02/2025", "unit": WARD_A})
    assert reply.status_code == 400
    assert 'value="Tiêu đề mới đã gõ"' in reply.text and 'value="31/02/2025"' in reply.text
    assert 'id="err-start"' in reply.text and 'aria-invalid="true" aria-describedby="err-start' in reply.text
    missing = ward.post("/evidence/new", {"kind": "", "title_vi": "", "unit": WARD_A, "start": "2025"})
    assert missing.status_code == 400 and 'id="err-kind"' in missing.text and 'value="2025"' in missing.text


def test_editing_saves_and_submits(web: WebWorld) -> None:
    """An edit with "submit for review" changes the texts and the status; the history says so."""
    code = _add(web, "ward_a", unit=WARD_A)
    ward = web.person("ward_a")
    form = ward.get(f"/evidence/{code}/edit")
    assert form.status_code == 200 and 'value="Ngày hội học tập"' in form.text
    reply = ward.post(f"/evidence/{code}/edit", {"kind": "event", "title_vi": "Ngày hội đã sửa",
                                                  "title_en": "Learning day", "start": "10/2025", "unit": WARD_A,
                                                  "submit": "1"})
    assert reply.status_code == 303
    page = ward.get(f"/evidence/{code}").text
    assert "Ngày hội đã sửa" in page and "Learning day" in page and "10/2025" in page and "đã gửi duyệt" in page
    assert "sửa" in page


def test_comments_are_added_and_listed(web: WebWorld) -> None:
    """A reviewer's comment appears on the record and in its history; an empty one says why."""
    rev = web.person("rev")
    assert rev.post("/evidence/HN-0002/comments", {"text": "Xin gửi bản có chữ ký <b>gốc</b>"}).status_code == 303
    page = web.person("coord").get("/evidence/HN-0002").text
    assert "Xin gửi bản có chữ ký &lt;b&gt;gốc&lt;/b&gt;" in page
    empty = rev.post("/evidence/HN-0002/comments", {"text": "   "})
    assert empty.status_code == 400 and "comment is empty" in empty.text


def test_links_are_added_and_removed_from_the_edit_page_with_suggestions(web: WebWorld) -> None:
    """The edit page lists suggestions; linking and unlinking go through the library."""
    code = _add(web, "ward_a", unit=WARD_A, title={"vi": "Tuần lễ hưởng ứng học tập suốt đời"})
    ward = web.person("ward_a")
    form = ward.get(f"/evidence/{code}/edit").text
    assert "Tiêu chí gợi ý" in form
    assert ward.post(f"/evidence/{code}/links", {"ref": "kflc:2.6.1", "rationale": "tuần lễ"}).status_code == 303
    assert "kflc:2.6.1" in ward.get(f"/evidence/{code}").text
    bad = ward.post(f"/evidence/{code}/links", {"ref": "kflc:99.99"})
    assert bad.status_code == 400
    assert ward.post(f"/evidence/{code}/links/remove", {"ref": "kflc:2.6.1"}).status_code == 303
    assert "kflc:2.6.1" not in ward.get(f"/evidence/{code}").text.split('id="links"')[1].split("</section>")[0]


def test_removing_a_record(web: WebWorld) -> None:
    """The owner removes a record; it is gone (404) and the list says so."""
    code = _add(web, "ward_a", unit=WARD_A)
    ward = web.person("ward_a")
    reply = ward.post(f"/evidence/{code}/remove")
    assert reply.status_code == 303
    assert code in ward.get(reply.headers["location"]).text
    assert ward.get(f"/evidence/{code}").status_code == 404


def _seed_article() -> Path:
    root = Path(__file__).parents[1] / "data"
    for folder in ("intake_seeds", "intake_real"):
        found = sorted((root / folder).glob("*.txt"))
        if found:
            return found[0]
    raise AssertionError("no seed article in tests/data")


def test_a_draft_from_a_document_is_corrected_and_saved_with_the_document(web: WebWorld) -> None:
    """Upload an article: the form comes back filled; saving makes the record with the article attached."""
    article = _seed_article()
    ward = web.person("ward_a")
    page = ward.get("/evidence/draft")
    assert page.status_code == 200
    data = article.read_bytes()
    reply = ward.client.post("/evidence/draft", data={"csrf": ward.csrf},
                             files={"document": ("bài báo.txt", data, "text/plain")})
    assert reply.status_code == 200, reply.text
    html = reply.text
    token = re.search(r'name="draft" value="([^"]+)"', html).group(1)
    kind = re.search(r'<option value="([a-z]+)" selected>', html.split('id="f-kind"')[1]).group(1)
    title = re.search(r'name="title_(?:vi|en)" value="([^"]+)"', html).group(1)
    assert title
    saved = ward.post("/evidence/new", {"draft": token, "document": "bài báo.txt", "kind": kind,
                                        "title_vi": "Bài báo đã sửa", "unit": WARD_A})
    assert saved.status_code == 303, saved.text
    code = saved.headers["location"].split("/")[2].split("?")[0]
    record = ward.get(f"/evidence/{code}").text
    assert "Bài báo đã sửa" in record and "bài báo.txt" in record
    download = ward.get(f"/evidence/{code}/files/1")
    assert download.content == data
    # the token was used up: another save attaches nothing
    again = ward.post("/evidence/new", {"draft": token, "kind": kind, "title_vi": "Lần hai", "unit": WARD_A})
    code2 = again.headers["location"].split("/")[2].split("?")[0]
    assert "bài báo.txt" not in ward.get(f"/evidence/{code2}").text


def test_a_drafts_form_names_the_other_kinds_it_may_be(web: WebWorld) -> None:
    """The drafted kind is often wrong on real documents: the form says what else it may be."""
    ward = web.person("ward_a")
    text = ("Phường khai mạc Tuần lễ học tập suốt đời\nNgày 1/10/2025, phường tổ chức lễ khai mạc tuần lễ "
            "và trao 20 suất học bổng cho học sinh.\n")
    reply = ward.client.post("/evidence/draft", data={"csrf": ward.csrf},
                             files={"document": ("tuần lễ.txt", text.encode(), "text/plain")})
    assert reply.status_code == 200, reply.text
    notice = reply.text.split('class="notice"')[1].split("</div>")[0]
    assert re.search(r"(?:or perhaps|hoặc có thể là) [^<]*(?:funding|kinh phí)", notice), notice


def test_a_kept_document_belongs_to_its_session(web: WebWorld) -> None:
    """Another person cannot attach the document someone else is drafting from."""
    article = _seed_article()
    ward = web.person("ward_a")
    reply = ward.client.post("/evidence/draft", data={"csrf": ward.csrf},
                             files={"document": ("mật.txt", article.read_bytes(), "text/plain")})
    token = re.search(r'name="draft" value="([^"]+)"', reply.text).group(1)
    coord = web.person("coord")
    saved = coord.post("/evidence/new", {"draft": token, "kind": "report", "title_vi": "Lấy trộm"})
    assert saved.status_code == 303
    code = saved.headers["location"].split("/")[2].split("?")[0]
    assert "mật.txt" not in coord.get(f"/evidence/{code}").text


def test_a_draft_upload_needs_the_csrf_token(web: WebWorld) -> None:
    """Without the token the document is not read: 403."""
    ward = web.person("ward_a")
    reply = ward.client.post("/evidence/draft", files={"document": ("a.txt", b"Hello", "text/plain")})
    assert reply.status_code == 403


def test_pages_in_both_languages_hold_no_inline_script_and_label_their_inputs(web: WebWorld) -> None:
    """The list, a record and the forms: no inline script or style, every input has its label."""
    coord = web.person("coord")
    for lang in ("vi", "en"):
        coord.post("/language", {"lang": lang, "next": "/"})
        for url in ("/evidence", "/evidence/HN-0002", "/evidence/new", "/evidence/HN-0002/edit", "/evidence/draft"):
            html = coord.get(url).text
            assert f'<html lang="{lang}">' in html, url
            assert "<script>" not in html and "style=" not in html and " onclick=" not in html, url
            for ident in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
                assert f'for="{ident}"' in html, (url, ident)
