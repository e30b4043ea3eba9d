"""What a stranger or a hostile client can make the server do before any check: nothing costly."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, WebWorld


def test_a_huge_json_body_is_refused_before_it_is_read(web: WebWorld) -> None:
    anon = web.anonymous()
    body = b'{"name": "coord", "password": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    reply = anon.client.post("/api/v1/session", content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 413
    assert reply.headers["x-content-type-options"] == "nosniff"


def test_a_body_without_its_length_is_cut_off_at_the_limit(web: WebWorld) -> None:
    anon = web.anonymous()

    def chunks():
        for _ in range(40):
            yield b"a" * 65536  # 2.5 MB, no Content-Length: sent chunked

    reply = anon.client.post("/api/v1/session", content=chunks(), headers={"content-type": "application/json"})
    assert reply.status_code == 413


def test_a_file_sent_to_a_form_that_takes_none_is_refused_unread(web: WebWorld) -> None:
    anon = web.anonymous()
    reply = anon.client.post("/sign-in", data={"csrf": anon.csrf, "name": "coord", "password": PASSWORD},
                             files={"x": ("big.bin", b"\0" * 1000)})
    assert reply.status_code == 415
    assert "readiness_session" not in reply.headers.get("set-cookie", "")


def test_a_broken_multipart_upload_is_a_mistake_not_a_server_error(web: WebWorld) -> None:
    ward = web.person("ward_a")
    reply = ward.client.post("/evidence/draft", content=b"--xyz\r\nContent-Disposition: form-data; name=\x00\r\n",
                             headers={"content-type": "multipart/form-data; boundary=xyz",
                                      "x-csrf-token": ward.csrf})
    assert reply.status_code == 400


def test_only_someone_who_may_add_records_may_draft_from_a_document(web: WebWorld) -> None:
    viewer = web.person("viewer")
    reply = viewer.client.post("/evidence/draft", files={"document": ("a.txt", "Tuần lễ học tập suốt đời".encode())},
                               headers={"x-csrf-token": viewer.csrf})
    assert reply.status_code == 403


def test_an_ipv6_network_counts_as_one_address_for_the_sign_in_limit() -> None:
    from readiness.accounts import address_key

    assert address_key("2001:db8::1") == address_key("2001:db8::ffff:13") == "2001:db8::/64"
    assert address_key("2001:db8:0:1::1") != address_key("2001:db8::1")
    assert address_key("203.0.113.7") == "203.0.113.7" == address_key("::ffff:203.0.113.7")
    assert address_key(None) == "-"


def test_dossier_renders_wait_their_turn_and_a_flood_is_refused(web: WebWorld, monkeypatch) -> None:
    import threading

    from readiness import api
    from readiness.web import jobs

    release = threading.Event()
    monkeypatch.setattr(api, "make_dossier", lambda *a, **k: release.wait(30) and None)
    coord = web.person("coord")
    answers = [coord.post("/dossier", {"city": "Hà Nội", "kind": kind, "lang": lang}).status_code
               for kind, lang in (("readiness", "vi"), ("readiness", "en"), ("progress", "vi"), ("progress", "en"))]
    release.set()
    assert answers[:jobs.MAX_PENDING] == [303] * jobs.MAX_PENDING
    assert answers[jobs.MAX_PENDING] == 429


def test_a_drafts_folder_planted_in_the_shared_temporary_folder_is_refused(tmp_path, monkeypatch) -> None:
    """Documents kept between drafting and saving live in this user's folder of the temporary
    folder: a link planted there under its name is refused, not written through; a folder of ours
    left open to others is closed before anything goes in."""
    import os
    import tempfile

    import pytest

    from readiness.errors import WorkspaceError
    from readiness.web import uploads

    shared, elsewhere = tmp_path / "tmp", tmp_path / "attacker"
    shared.mkdir()
    elsewhere.mkdir()
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(shared))
    planted = shared / f"readiness-drafts-{os.getuid()}"
    planted.symlink_to(elsewhere, target_is_directory=True)
    document = tmp_path / "bien-ban.pdf"
    document.write_bytes(b"%PDF-1.4 minutes")
    with pytest.raises(WorkspaceError, match="not a folder of this user"):
        uploads.keep_draft("session-token", "bien-ban.pdf", str(document))
    assert list(elsewhere.iterdir()) == [] and document.exists()

    planted.unlink()
    planted.mkdir(mode=0o777)
    os.chmod(planted, 0o777)
    token = uploads.keep_draft("session-token", "bien-ban.pdf", str(document))
    assert planted.stat().st_mode & 0o777 == 0o700
    assert uploads.kept_draft("session-token", token) is not None
    assert uploads.kept_draft("another-session", token) is None


def test_another_citys_record_is_answered_as_an_id_nobody_has(web: WebWorld) -> None:
    """Someone of Huế trying Hà Nội's ids learns nothing: its records' pages, files, edit forms and API
    answers are 404s with the words an unused id gets (a 403 would say the record exists)."""
    from readiness import api

    with api.open_workspace(web.settings) as ws:
        admin = api.actor_for_session(ws, api.sign_in(ws, "admin", PASSWORD).token)
        api.add_city(ws, admin, "Huế", "VN")
        api.add_account(ws, admin, "hue", "Hồ Văn Huế", roles=["coordinator:Huế"], password=PASSWORD)
        code = api.list_evidence(ws, admin)[0].code
    hue = web.person("hue")
    unused = code.split("-")[0] + "-9999"
    for path in ("/evidence/{}", "/evidence/{}/files/1", "/evidence/{}/edit"):
        there, nowhere = hue.get(path.format(code)), hue.get(path.format(unused))
        assert (there.status_code, nowhere.status_code) == (404, 404), path
        assert there.text.replace(code, unused) == nowhere.text, path
    from fastapi.testclient import TestClient

    api_client = TestClient(web.app, base_url="http://testserver", follow_redirects=False)
    web.clients.append(api_client)
    signed = api_client.post("/api/v1/session", json={"name": "hue", "password": PASSWORD})
    assert signed.status_code == 201, signed.text
    token = signed.json()["token"]
    bearer = {"authorization": f"Bearer {token}"}
    there = api_client.get(f"/api/v1/evidence/{code}", headers=bearer)
    nowhere = api_client.get(f"/api/v1/evidence/{unused}", headers=bearer)
    assert (there.status_code, nowhere.status_code) == (404, 404)
    assert there.text.replace(code, unused) == nowhere.text
    # the coordinator of Hà Nội still sees it
    assert web.person("coord").get(f"/evidence/{code}").status_code == 200
