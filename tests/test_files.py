"""The content-addressed file store, attaching files, and `readiness verify`."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from readiness.errors import InvalidValueError
from readiness.store.files import FileStore, display_name, parse_size, sniff


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


def test_a_file_is_stored_by_its_sha256_once(store: FileStore, tmp_path: Path) -> None:
    """Same bytes, one object; the name is the SHA-256 and nothing is left in tmp/."""
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    data = b"%PDF-1.7\n" + os.urandom(3 << 20)
    a.write_bytes(data)
    b.write_bytes(data)
    first, second = store.put(a), store.put(b)
    assert first == second
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert first.size == len(data) and first.media_type == "application/pdf"
    assert [p.name for p in store.objects.rglob("*") if p.is_file()] == [first.sha256]
    assert store.leftovers() == []


@pytest.mark.parametrize(("head", "media_type"), [
    (b"%PDF-1.4", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "image/png"),
    (b"\xff\xd8\xff\xe0", "image/jpeg"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
    ("Biên bản diễn đàn\n".encode(), "text/plain"),
    (b"<!DOCTYPE html><html>", "text/html"),
    (b"MZ\x90\x00", "application/x-msdownload"),
    (b"\x00\x01\x02\x03", "application/octet-stream"),
    (b"", "application/x-empty"),
])
def test_media_type_comes_from_the_bytes(head: bytes, media_type: str) -> None:
    """A program named photo.jpg is still a program."""
    assert sniff(head) == media_type


def test_office_documents_are_told_apart_from_plain_zips(store: FileStore, tmp_path: Path) -> None:
    """A .docx is a zip with word/ inside; the store says which."""
    import zipfile

    docx = tmp_path / "minutes.bin"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert store.put(docx).media_type.endswith("wordprocessingml.document")


def test_links_devices_folders_and_big_files_are_refused(store: FileStore, tmp_path: Path) -> None:
    """Each refusal names the file and what to do; nothing is stored."""
    real = tmp_path / "real.txt"
    real.write_text("x")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    cases = [(link, "symbolic link"), (Path("/dev/null"), "device, pipe or socket"), (fifo, "device, pipe or socket"),
             (tmp_path, "is a folder"), (tmp_path / "nope.pdf", "no such file")]
    for path, message in cases:
        with pytest.raises(InvalidValueError, match=message):
            store.put(path)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(InvalidValueError, match=r"over the limit of 1.0 kB.*--max-size"):
        store.put(big, max_size=1000)
    assert not store.objects.exists() or not any(store.objects.rglob("*"))


@pytest.mark.parametrize("raw", [
    b"../../etc/passwd", b"/etc/passwd", b"bad\x1b[31mname.txt", b"\xff\xfe-not-utf8.pdf",
    "Biên bản họp – 26/4.pdf".encode(), "تقرير.pdf".encode(), "报告.docx".encode(), b"a" * 300,
    "\u202egpj.exe".encode(),
])
def test_hostile_names_are_kept_as_text_never_as_paths(raw: bytes) -> None:
    """The stored name is the last part only, valid text, with undecodable bytes escaped."""
    name = display_name(os.fsdecode(raw))
    name.encode("utf-8")  # always valid text for the database
    assert "/" not in name and "\x00" not in name
    assert name == raw.rsplit(b"/", 1)[-1].decode("utf-8", "backslashreplace")


def test_sizes_read_as_people_write_them() -> None:
    """200MB, 2GB, 500k and plain bytes."""
    assert [parse_size(s) for s in ("200MB", "2GB", "500k", "1024", "1.5 MB")] == [
        200_000_000, 2_000_000_000, 500_000, 1024, 1_500_000]
    with pytest.raises(InvalidValueError, match="200MB"):
        parse_size("lots")


# ---------------------------------------------------------------------------------------------
# Through the command line


@pytest.fixture
def record(run, folder_store):
    """A record in a workspace on the folder store (these tests look into its objects/ and tmp/)."""
    assert run("city", "add", "Hà Nội", "--country", "VN").exit_code == 0
    result = run("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "Tuần lễ 2025")
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def test_attach_keeps_the_hostile_name_and_shows_it_escaped(run, record, tmp_path: Path, settings) -> None:
    """A name with an escape sequence is stored as given and printed harmlessly."""
    path = tmp_path / "bad\x1b[2Jname\u202e.txt"
    path.write_text("biên bản")
    result = run("evidence", "attach", record, str(path))
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stderr and "\\x1b[2Jname\\u202e.txt" in result.stderr
    shown = run("evidence", "show", record)
    assert "\x1b" not in shown.stdout and "\u202e" not in shown.stdout
    data = json.loads(run("evidence", "show", record, "--format", "json").stdout)
    assert data["attachments"][0]["name"] == "bad\x1b[2Jname\u202e.txt"
    sha = data["attachments"][0]["sha256"]
    assert (settings.files_dir / "objects" / sha[:2] / sha).read_text() == "biên bản"


def test_attach_refuses_over_the_limit_and_changes_nothing(run, record, tmp_path: Path, state) -> None:
    """--max-size (or READINESS_MAX_FILE_SIZE) refuses with a clear line; workspace unchanged."""
    big = tmp_path / "video.mp4"
    big.write_bytes(b"\x00" * 5000)
    before = state()
    result = run("evidence", "attach", record, str(big), "--max-size", "1kB")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"error: {big}: 5.0 kB is over the limit of 1.0 kB")
    assert "Traceback" not in result.stderr
    assert state() == before


def test_verify_finds_corrupt_missing_and_unreferenced_files(run, record, tmp_path: Path, settings) -> None:
    """Like git fsck: changed bytes and missing files fail; unreferenced files are listed and pruned."""
    for name, text in (("a.txt", "one"), ("b.txt", "two")):
        (tmp_path / name).write_text(text)
        assert run("evidence", "attach", record, str(tmp_path / name)).exit_code == 0
    ok = run("verify", "--format", "json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["findings"] == []

    shas = {a["name"]: a["sha256"]
            for a in json.loads(run("evidence", "show", record, "--format", "json").stdout)["attachments"]}
    path_a = settings.files_dir / "objects" / shas["a.txt"][:2] / shas["a.txt"]
    path_a.chmod(0o644)
    path_a.write_text("ONE")
    (settings.files_dir / "objects" / shas["b.txt"][:2] / shas["b.txt"]).unlink()
    damaged = run("verify")
    assert damaged.exit_code == 1
    assert f"corrupt: {path_a}: bytes changed" in damaged.stderr and "used by HN-0001 'a.txt'" in damaged.stderr
    assert f"missing: {shas['b.txt'][:12]}...: file missing from the store; used by HN-0001 'b.txt'" in damaged.stderr

    assert run("evidence", "detach", record, "a.txt").exit_code == 0
    assert run("evidence", "detach", record, shas["b.txt"][:8]).exit_code == 0
    listed = json.loads(run("verify", "--format", "json").stdout)
    assert [f["kind"] for f in listed["findings"]] == ["unreferenced"] and listed["ok"]
    pruned = run("verify", "--prune")
    assert pruned.exit_code == 0 and "1 pruned" in pruned.stderr
    assert json.loads(run("verify", "--format", "json").stdout)["objects"] == 0
