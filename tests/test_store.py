"""The file store under pressure: empty files, failed commands beside others, objects that were
tampered with, a planted temporary name, a prune racing an attach, a full disk."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from contextlib import ExitStack
from pathlib import Path

import pytest

from readiness.errors import InvalidValueError
from readiness.store import files as files_module
from readiness.store.files import FileStore


def _env(settings) -> dict[str, str]:
    env = {**os.environ, "READINESS_WORKSPACE": str(settings.workspace), "READINESS_USER": "t"}
    if not settings.is_sqlite:
        env["READINESS_DATABASE_URL"] = settings.database_url
    return env


@pytest.fixture
def record(run, folder_store):
    """A record in a workspace on the folder store (these tests look into its objects/ and tmp/)."""
    assert run("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    result = run("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "Tuần lễ 2025")
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def _attachments(run, code: str) -> list[dict]:
    return json.loads(run("evidence", "show", code, "--format", "json").stdout)["attachments"]


def _object(settings, sha: str) -> Path:
    return settings.files_dir / "objects" / sha[:2] / sha


# ---------------------------------------------------------------------------------------------
# Empty files


@pytest.mark.parametrize("how", ["attach", "add", "draft"])
def test_an_empty_file_is_refused_wherever_it_comes_in(run, record, state, tmp_path: Path, how: str) -> None:
    """attach, add --file and draft refuse a 0-byte file in one line naming it; nothing changes."""
    empty = tmp_path / "bien-ban.pdf"
    empty.write_bytes(b"")
    before = state()
    args = {"attach": ("evidence", "attach", record, str(empty)),
            "add": ("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "x", "--file", str(empty)),
            "draft": ("evidence", "draft", str(empty), "--city", "Hanoi")}[how]
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {empty} is empty (0 bytes): attach the real document"
    assert state() == before


def test_an_empty_file_among_several_takes_the_others_out_again(run, record, state, tmp_path: Path) -> None:
    """The first file is stored, the second is empty: the command fails whole."""
    (tmp_path / "a.txt").write_text("biên bản")
    (tmp_path / "b.txt").write_bytes(b"")
    before = state()
    result = run("evidence", "attach", record, str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert result.exit_code == 1 and "b.txt is empty (0 bytes)" in result.stderr
    assert state() == before


def test_an_import_reports_an_empty_file_at_its_row_before_writing(record, run, state, tmp_path: Path) -> None:
    """A spreadsheet's file column and a zip's member: FILE:ROW: files: ..., nothing written."""
    (tmp_path / "ok.txt").write_text("ok")
    (tmp_path / "trong.pdf").write_bytes(b"")
    sheet = tmp_path / "in.csv"
    sheet.write_text("kind,title,files\nevent,Một,ok.txt\nevent,Hai,trong.pdf\n", encoding="utf-8")
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("evidence.yaml", "city: Hà Nội\nrecords:\n  - kind: event\n    title: {vi: Ba}\n"
                                    "    attachments:\n      - {file: files/empty, name: empty.pdf}\n")
        z.writestr("files/empty", b"")
    before = state()
    result = run("import", str(sheet), "--city", "Hanoi")
    assert result.exit_code == 1
    assert f"{sheet}:3: files: trong.pdf is empty (0 bytes): attach the real document" in result.stderr
    result = run("import", str(archive))
    assert result.exit_code == 1
    assert "files: files/empty is empty (0 bytes): attach the real document" in result.stderr
    assert "Traceback" not in result.stderr
    assert state() == before


def test_the_store_refuses_an_empty_stream_and_keeps_no_copy(tmp_path: Path) -> None:
    """put_stream (zip members) gets the same check as put; tmp/ is left empty."""
    store = FileStore(tmp_path / "files")
    with pytest.raises(InvalidValueError, match=r"^x.zip:a is empty \(0 bytes\)"):
        store.put_stream(io.BytesIO(b""), "x.zip:a")
    assert store.leftovers() == [] and not store.objects.exists()


# ---------------------------------------------------------------------------------------------
# An undo never deletes another command's file


def _zip_with_a_bad_second_file(tmp_path: Path, first: bytes) -> Path:
    sha = hashlib.sha256(first).hexdigest()
    archive = tmp_path / "ward.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("evidence.yaml", (
            "city: Hà Nội\nrecords:\n  - kind: event\n    title: {vi: Diễn đàn}\n    attachments:\n"
            f"      - {{file: files/a, name: a.pdf, sha256: {sha}}}\n"
            f"      - {{file: files/b, name: b.pdf, sha256: {'ab' * 32}}}\n"))
        z.writestr("files/a", first)
        z.writestr("files/b", b"not what the export recorded")
    return archive


def test_a_failed_import_keeps_a_file_another_command_attached_meanwhile(run, record, settings, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's repro: the attach commits while the import runs; the import's undo leaves the file."""
    from readiness.access import Actor
    from readiness.evidence import attach_files
    from readiness.store.db import open_workspace

    first = b"%PDF-1.7\nbien ban dien dan\n"
    archive = _zip_with_a_bad_second_file(tmp_path, first)
    (tmp_path / "same.pdf").write_bytes(first)
    original = FileStore.put_stream
    calls = []

    def put_stream(self, stream, shown, **options):  # type: ignore[no-untyped-def]
        got = original(self, stream, shown, **options)
        calls.append(shown)
        if len(calls) == 1:  # another official attaches the same bytes now
            with open_workspace(settings) as other:
                attach_files(other, Actor.of(settings), record, [str(tmp_path / "same.pdf")])
        return got

    monkeypatch.setattr(FileStore, "put_stream", put_stream)
    result = run("import", str(archive))
    assert result.exit_code == 1 and "its SHA-256 is" in result.stderr
    monkeypatch.undo()
    assert [a["name"] for a in _attachments(run, record)] == ["same.pdf"]
    assert _object(settings, hashlib.sha256(first).hexdigest()).read_bytes() == first
    check = run("verify", "--format", "json")
    assert check.exit_code == 0 and json.loads(check.stdout)["findings"] == [], check.stdout


def test_an_undo_leaves_its_files_while_another_command_is_storing(run, record, settings, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Another command between storing and committing may need the bytes: the undo leaves them for --prune."""
    first = b"%PDF-1.7\nke hoach\n"
    archive = _zip_with_a_bad_second_file(tmp_path, first)
    (tmp_path / "other.pdf").write_bytes(b"%PDF-1.7\nbao cao\n")
    original = FileStore.put_stream
    with ExitStack() as stack:
        def put_stream(self, stream, shown, **options):  # type: ignore[no-untyped-def]
            got = original(self, stream, shown, **options)
            if not stack._exit_callbacks:  # type: ignore[attr-defined]
                in_flight = stack.enter_context(FileStore(settings.files_dir).batch())
                in_flight.put(tmp_path / "other.pdf")  # an attach stored its file, not yet committed
            return got

        monkeypatch.setattr(FileStore, "put_stream", put_stream)
        result = run("import", str(archive))
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert _object(settings, hashlib.sha256(first).hexdigest()).is_file()
    monkeypatch.undo()
    pruned = run("verify", "--prune")
    assert pruned.exit_code == 0 and "3 pruned" in pruned.stderr  # the import's two, and the never committed one
    assert not _object(settings, hashlib.sha256(first).hexdigest()).exists()


def test_a_failed_attach_keeps_a_file_another_record_uses(run, record, settings, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """An attach whose transaction fails takes out only the objects no row points to."""
    from readiness import evidence
    from readiness.access import Actor

    (tmp_path / "a.txt").write_text("một")
    (tmp_path / "b.txt").write_text("hai")
    original = evidence.store_files
    views: list = []

    def store_then_someone_else_commits(*args, **kwargs):  # type: ignore[no-untyped-def]
        from readiness.store.db import open_workspace

        stored = original(*args, **kwargs)
        if not views:
            views.append(None)
            with open_workspace(settings) as other:  # meanwhile someone attaches a.txt to a new record
                views.append(evidence.add_evidence(other, Actor.of(settings), "Hanoi",
                                                   {"kind": "plan", "title": "Kế hoạch"},
                                                   catalogue=None, files=[str(tmp_path / "a.txt")]))
        return stored

    real_attach = evidence.attach_stored

    def attach_then_fail(session, actor, row, *args):  # type: ignore[no-untyped-def]
        if row.code == "HN-0001":  # the outer attach's transaction fails
            raise RuntimeError("the database went away")
        return real_attach(session, actor, row, *args)

    monkeypatch.setattr(evidence, "store_files", store_then_someone_else_commits)
    monkeypatch.setattr(evidence, "attach_stored", attach_then_fail)
    with pytest.raises(RuntimeError, match="went away"):
        run("evidence", "attach", record, str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    monkeypatch.undo()
    assert views[1].row.code == "HN-0002"
    assert _object(settings, hashlib.sha256("một".encode()).hexdigest()).is_file()
    assert not _object(settings, hashlib.sha256("hai".encode()).hexdigest()).exists()
    assert run("verify").exit_code == 0


def test_on_a_file_system_without_locks_files_are_stored_but_never_removed(run, record, settings, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """flock failing (network disks): attach works, a failed command leaves its files, prune refuses in one line."""
    def no_locks(fd, op):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(files_module.fcntl, "flock", no_locks)
    (tmp_path / "a.txt").write_text("một")
    (tmp_path / "b.txt").write_bytes(b"")
    assert run("evidence", "attach", record, str(tmp_path / "a.txt")).exit_code == 0
    (tmp_path / "c.txt").write_text("ba")
    failed = run("evidence", "attach", record, str(tmp_path / "c.txt"), str(tmp_path / "b.txt"))
    assert failed.exit_code == 1 and "is empty" in failed.stderr
    assert _object(settings, hashlib.sha256(b"ba").hexdigest()).is_file()
    pruned = run("verify", "--prune")
    assert pruned.exit_code == 1 and "Traceback" not in pruned.stderr
    assert "the file store cannot be locked" in pruned.stderr.splitlines()[-1]
    assert _object(settings, hashlib.sha256(b"ba").hexdigest()).is_file()


# ---------------------------------------------------------------------------------------------
# Stored objects are checked when read


def _tamper(settings, sha: str, how: str, tmp_path: Path) -> None:
    path = _object(settings, sha)
    path.unlink()
    if how == "link":
        secret = tmp_path / "secret.txt"
        secret.write_text("the neighbour's password")
        path.symlink_to(secret)
    else:
        path.write_bytes(b"%PDF-1.7\nsomething else entirely\n")


def _attach_then_tamper(run, record: str, settings, tmp_path: Path, how: str) -> None:
    """Attach bien-ban.pdf to the record, then make its stored object a link or change its bytes."""
    (tmp_path / "bien-ban.pdf").write_bytes(b"%PDF-1.7\nbien ban\n")
    assert run("evidence", "attach", record, str(tmp_path / "bien-ban.pdf")).exit_code == 0
    _tamper(settings, _attachments(run, record)[0]["sha256"], how, tmp_path)


@pytest.mark.parametrize("how", ["link", "changed"])
def test_the_dossier_refuses_an_object_that_is_a_link_or_was_changed(run, record, settings, tmp_path: Path,
                                                                    how: str) -> None:
    """One line naming the record and file, pointing to `readiness verify`; no PDF written."""
    _attach_then_tamper(run, record, settings, tmp_path, how)
    out = tmp_path / "out" / "d.pdf"
    out.parent.mkdir()
    result = run("dossier", "--city", "Hanoi", "-o", str(out))
    assert result.exit_code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: {record}: attached file 'bien-ban.pdf'") and "run `readiness verify`" in line
    assert ("link" if how == "link" else "has changed") in line
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("how", ["link", "changed"])
def test_export_refuses_an_object_that_is_a_link_or_was_changed(run, record, settings, tmp_path: Path,
                                                                how: str) -> None:
    """The zip never carries other bytes under an attachment's SHA-256; no zip and no temporary file left."""
    _attach_then_tamper(run, record, settings, tmp_path, how)
    out = tmp_path / "out" / "hanoi.zip"
    out.parent.mkdir()
    result = run("export", "--city", "Hanoi", "-o", str(out))
    assert result.exit_code == 1
    assert f"error: {record}: attached file 'bien-ban.pdf'" in result.stderr
    assert "run `readiness verify`" in result.stderr and "Traceback" not in result.stderr
    assert list(out.parent.iterdir()) == []


def test_reading_an_object_follows_no_link_and_blocks_on_no_pipe(tmp_path: Path) -> None:
    """A FIFO or a link in the store is refused at once; a good object reads back whole."""
    store = FileStore(tmp_path / "files")
    (tmp_path / "a.txt").write_bytes(b"abc")
    good = store.put(tmp_path / "a.txt")
    assert store.read_bytes(good.sha256, "HN-0001", size=3) == b"abc"
    with pytest.raises(InvalidValueError, match="has changed"):
        store.read_bytes(good.sha256, "HN-0001", size=2)  # more bytes than the row says
    fifo_sha = "f" * 64
    store.path_of(fifo_sha).parent.mkdir(parents=True)
    os.mkfifo(store.path_of(fifo_sha))
    with pytest.raises(InvalidValueError, match="something other than a file"):
        store.read_bytes(fifo_sha, "HN-0002")
    with pytest.raises(InvalidValueError, match="is missing from the store"):
        store.read_bytes("e" * 64, "HN-0003")


# ---------------------------------------------------------------------------------------------
# The dossier's temporary file


def test_the_dossier_does_not_follow_a_link_planted_at_its_temporary_name(run, record, tmp_path: Path) -> None:
    """A link at the old fixed name `.NAME.part` is left alone, its target unchanged; nothing else is left."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out_dir / ".d.html.part").symlink_to(victim)
    result = run("dossier", "--city", "Hanoi", "--format", "html", "-o", str(out_dir / "d.html"))
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "precious"
    assert (out_dir / "d.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert sorted(p.name for p in out_dir.iterdir()) == [".d.html.part", "d.html"]
    assert (out_dir / ".d.html.part").is_symlink()
    mask = os.umask(0)
    os.umask(mask)
    assert (out_dir / "d.html").stat().st_mode & 0o777 == 0o666 & ~mask


# ---------------------------------------------------------------------------------------------
# verify --prune while files are being stored


def _wait_for_line(stream, needle: str) -> str:
    seen = ""
    for line in stream:
        seen += line
        if needle in line:
            return seen
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("command", ["attach", "import"])
def test_a_prune_waits_for_files_stored_but_not_yet_committed(run, record, settings, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """A real `verify --prune` process started between a multi-file command's files: it waits, nothing is lost."""
    for name in ("a.pdf", "b.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.7\n" + name.encode() * 100)
    (tmp_path / "in.csv").write_text("kind,title,files\nevent,Một,a.pdf\nevent,Hai,b.pdf\n", encoding="utf-8")
    original = FileStore.put
    procs: list[subprocess.Popen] = []
    seen: list[str] = []

    def put(self, source, **options):  # type: ignore[no-untyped-def]
        got = original(self, source, **options)
        if not procs:  # the first file is stored, not committed: a prune starts now
            os.utime(self.path_of(got.sha256), (1, 1))  # older than the prune's start, as a slow copy would be
            proc = subprocess.Popen([sys.executable, "-m", "readiness", "verify", "--prune"], env=_env(settings),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            procs.append(proc)
            seen.append(_wait_for_line(proc.stderr, "waiting for another command"))
        return got

    monkeypatch.setattr(FileStore, "put", put)
    if command == "attach":
        result = run("evidence", "attach", record, str(tmp_path / "a.pdf"), str(tmp_path / "b.pdf"))
    else:
        result = run("import", str(tmp_path / "in.csv"), "--city", "Hanoi")
    assert result.exit_code == 0, result.stderr
    monkeypatch.undo()
    assert procs[0].wait(timeout=120) == 0
    procs[0].stderr.close()
    assert "waiting for another command that is storing files" in seen[0], seen[0]
    for name in ("a.pdf", "b.pdf"):
        assert _object(settings, hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()).is_file()
    check = run("verify", "--format", "json")
    assert check.exit_code == 0 and json.loads(check.stdout)["findings"] == [], check.stdout


# ---------------------------------------------------------------------------------------------
# Disk full


@pytest.mark.parametrize("how", ["attach", "import"])
def test_a_full_disk_is_one_line_and_nothing_is_stored(run, record, state, settings, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """ENOSPC while copying in: `error: ... the disk is full ... nothing was stored`, temporary file removed."""
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.7\n" + b"x" * 5000)
    (tmp_path / "in.csv").write_text("kind,title,files\nevent,Một,a.pdf\n", encoding="utf-8")
    (settings.files_dir / "tmp").mkdir(parents=True, exist_ok=True)
    before = state()
    real_fdopen = os.fdopen

    def fdopen(fd, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        raw = real_fdopen(fd, mode, *args, **kwargs)
        if "w" in mode:
            def write(data):  # type: ignore[no-untyped-def]
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return _Patched(raw, write)
        return raw

    monkeypatch.setattr(files_module.os, "fdopen", fdopen)
    if how == "attach":
        result = run("evidence", "attach", record, str(tmp_path / "a.pdf"))
    else:
        result = run("import", str(tmp_path / "in.csv"), "--city", "Hanoi")
    monkeypatch.undo()
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith("error: ") and "\n" not in line and "Traceback" not in result.stderr
    assert "the disk is full" in line and "nothing was stored" in line
    assert state() == before
    assert list((settings.files_dir / "tmp").iterdir()) == []


class _Patched:
    """A file object whose write is replaced (FileIO's own cannot be patched)."""

    def __init__(self, raw, write):  # type: ignore[no-untyped-def]
        self.raw, self.write = raw, write

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self.raw, name)

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        self.raw.close()
