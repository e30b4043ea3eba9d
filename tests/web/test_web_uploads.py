"""Uploads to a record over HTTP: streamed, checked, stored by the library, served only as downloads."""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

from tests.web.conftest import WARD_A, WebWorld


def _record(web: WebWorld) -> str:
    from readiness import api

    ws = web.app.state.readiness.ws
    actor = api.actor_for_session(ws, api.sign_in(ws, "ward_a", "correct horse battery staple").token)
    return api.add_evidence(ws, actor, "Hà Nội", {"kind": "event", "title": {"vi": "Ngày hội"}, "unit": WARD_A},
                            web.app.state.readiness.catalogue).code


def _store_files(web: WebWorld) -> set[str]:
    root = web.settings.files_dir
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _upload(person, code: str, files: list[tuple[str, bytes, str]], *, csrf: str | None = "form",
            headers: dict[str, str] | None = None):
    data = {"csrf": person.csrf} if csrf == "form" else {}
    return person.client.post(f"/evidence/{code}/files", data=data, headers=headers or {},
                              files=[("files", f) for f in files])


def test_three_files_are_uploaded_listed_and_downloaded_only_as_attachments(web: WebWorld) -> None:
    """Three files in one multipart post: all attached, listed, and each download is an attachment,
    octet-stream, nosniff, with the Vietnamese name in filename*."""
    code = _record(web)
    ward = web.person("ward_a")
    files = [("Biên bản họp.pdf", b"%PDF-1.4 bien ban", "application/pdf"),
             ("ảnh khai mạc.jpg", b"\xff\xd8\xff\xe0 jpeg bytes", "image/jpeg"),
             ("danh sách.txt", "Nguyễn Văn A\n".encode(), "text/plain")]
    reply = _upload(ward, code, files)
    assert reply.status_code == 303 and reply.headers["location"] == f"/evidence/{code}?attached=3#files"
    page = ward.get(f"/evidence/{code}?attached=3").text
    assert "Đã đính kèm 3 tệp." in page
    for n, (name, data, _) in enumerate(files, start=1):
        assert name in page
        got = ward.get(f"/evidence/{code}/files/{n}")
        assert got.status_code == 200 and got.content == data
        assert got.headers["content-type"] == "application/octet-stream"
        assert got.headers["x-content-type-options"] == "nosniff"
        disposition = got.headers["content-disposition"]
        assert disposition.startswith("attachment; filename=\"") and "filename*=UTF-8''" in disposition
        assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8\'\'[A-Za-z0-9%._~-]+',
                            disposition), disposition
    by_hash = ward.get(f"/evidence/{code}/files/{hashlib.sha256(files[2][1]).hexdigest()[:10]}")
    assert by_hash.content == files[2][1]


def test_the_script_gets_json_and_sends_the_token_in_a_header(web: WebWorld) -> None:
    """The upload script's request: X-CSRF-Token header, Accept JSON; the answer names what was added."""
    code = _record(web)
    ward = web.person("ward_a")
    reply = _upload(ward, code, [("a.txt", b"hello", "text/plain")], csrf=None,
                    headers={"x-csrf-token": ward.csrf, "accept": "application/json"})
    assert reply.status_code == 200 and reply.json()["added"] == ["a.txt"]


def test_a_name_with_dot_dot_is_kept_as_its_last_part_and_nothing_lands_outside(web: WebWorld, tmp_path: Path) -> None:
    """"../../evil.txt" becomes "evil.txt"; no file appears beside the workspace or in the temp folder."""
    code = _record(web)
    ward = web.person("ward_a")
    temp = Path(tempfile.gettempdir())
    uploads_before = set(temp.glob("readiness-upload-*"))
    reply = _upload(ward, code, [("../../evil.txt", b"not so evil", "text/plain"),
                                 ("..\\..\\win.txt", b"windows path", "text/plain")])
    assert reply.status_code == 303
    page = ward.get(f"/evidence/{code}").text
    assert ">evil.txt<" in page and ">win.txt<" in page and "../" not in page.split('id="files"')[1]
    assert not any(p.name in ("evil.txt", "win.txt") for p in tmp_path.rglob("*"))
    assert not (temp / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    assert set(temp.glob("readiness-upload-*")) <= uploads_before  # the upload's temp folder is gone


def test_html_disguised_as_pdf_is_served_as_a_download(web: WebWorld) -> None:
    """A page of HTML named report.pdf and sent as text/html comes back as octet-stream, attachment."""
    code = _record(web)
    ward = web.person("ward_a")
    html = b"<html><script>alert(document.cookie)</script></html>"
    assert _upload(ward, code, [("report.pdf", html, "text/html")]).status_code == 303
    got = ward.get(f"/evidence/{code}/files/1")
    assert got.content == html
    assert got.headers["content-type"] == "application/octet-stream"
    assert "text/html" not in got.headers["content-type"]
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"


def test_an_empty_file_is_refused_with_the_librarys_words(web: WebWorld) -> None:
    """0 bytes: 400 with "is empty (0 bytes)", nothing attached."""
    code = _record(web)
    ward = web.person("ward_a")
    reply = _upload(ward, code, [("trống.pdf", b"", "application/pdf")])
    assert reply.status_code == 400
    assert "is empty (0 bytes)" in reply.text
    assert "trống.pdf" not in reply.text.split('id="files"')[1].split("<form")[0]


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(web: WebWorld) -> None:
    """With a 1,000-byte limit, a 5,000-byte file is refused while streaming; the store is unchanged."""
    code = _record(web)
    ward = web.person("ward_a")
    web.app.state.max_upload = 1000
    before = _store_files(web)
    reply = _upload(ward, code, [("small.txt", b"x" * 10, "text/plain"), ("big.bin", b"y" * 5000, "application/x")])
    assert reply.status_code == 413
    assert _store_files(web) == before
    assert "small.txt" not in ward.get(f"/evidence/{code}").text


def test_content_length_over_the_limit_is_refused_before_reading(web: WebWorld) -> None:
    """A declared body larger than any upload may be is 413 at once."""
    from readiness.web import uploads

    code = _record(web)
    ward = web.person("ward_a")
    web.app.state.max_upload = 10
    body = b"x" * (10 * uploads.MAX_FILES + uploads.OVERHEAD + 1)
    reply = ward.client.post(f"/evidence/{code}/files", content=body,
                             headers={"content-type": "multipart/form-data; boundary=abc", "x-csrf-token": ward.csrf})
    assert reply.status_code == 413


def test_the_limit_comes_from_the_environment(web: WebWorld, monkeypatch) -> None:
    """READINESS_MAX_UPLOAD sets the limit the page states and the upload applies."""
    monkeypatch.setenv("READINESS_MAX_UPLOAD", "2kB")
    code = _record(web)
    ward = web.person("ward_a")
    assert 'data-max-size="2000"' in ward.get(f"/evidence/{code}").text
    assert _upload(ward, code, [("big.bin", b"y" * 3000, "application/x")]).status_code == 413


def test_an_upload_without_the_csrf_token_is_refused_and_stores_nothing(web: WebWorld) -> None:
    """No token, a wrong header, or the token after the file: 403, nothing stored."""
    code = _record(web)
    ward = web.person("ward_a")
    before = _store_files(web)
    assert _upload(ward, code, [("a.txt", b"forged", "text/plain")], csrf=None).status_code == 403
    assert _upload(ward, code, [("a.txt", b"forged", "text/plain")], csrf=None,
                   headers={"x-csrf-token": "0" * 64}).status_code == 403
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\nforged\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f"name=\"csrf\"\r\n\r\n{ward.csrf}\r\n--{boundary}--\r\n").encode()
    late = ward.client.post(f"/evidence/{code}/files", content=body,
                            headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert late.status_code == 403
    assert _store_files(web) == before
    assert "a.txt" not in ward.get(f"/evidence/{code}").text


def test_others_may_not_upload_or_delete(web: WebWorld) -> None:
    """ward_b and the viewer get 403 on upload and delete; the file stays."""
    code = _record(web)
    ward = web.person("ward_a")
    assert _upload(ward, code, [("giữ.txt", b"keep me", "text/plain")]).status_code == 303
    sha = hashlib.sha256(b"keep me").hexdigest()
    for name in ("ward_b", "viewer"):
        other = web.person(name)
        assert _upload(other, code, [("x.txt", b"intruder", "text/plain")]).status_code == 403
        assert other.post(f"/evidence/{code}/files/delete", {"file": sha}).status_code == 403
        assert other.get(f"/evidence/{code}/files/1").content == b"keep me"  # reading is theirs
    assert "giữ.txt" in ward.get(f"/evidence/{code}").text


def test_a_file_is_deleted_from_the_record(web: WebWorld) -> None:
    """The delete button removes the attachment; its download is then 404."""
    code = _record(web)
    ward = web.person("ward_a")
    _upload(ward, code, [("xóa.txt", b"delete me", "text/plain")])
    sha = hashlib.sha256(b"delete me").hexdigest()
    reply = ward.post(f"/evidence/{code}/files/delete", {"file": sha})
    assert reply.status_code == 303
    page = ward.get(f"/evidence/{code}?detached=1").text
    assert "xóa.txt" not in page and "Đã gỡ tệp khỏi minh chứng." in page
    assert ward.get(f"/evidence/{code}/files/1").status_code == 404


def test_the_upload_form_works_without_javascript(web: WebWorld) -> None:
    """The record page's form posts multipart to the streamed route with the csrf field first."""
    code = _record(web)
    html = web.person("ward_a").get(f"/evidence/{code}").text
    form = html.split(f'action="/evidence/{code}/files"')[1].split("</form>")[0]
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and "multiple" in form
    assert form.index('name="csrf"') < form.index('type="file"')
    assert "<progress" in form
