"""Files every official can reach: the database store beside the folder store, one interface.

Most tests run on both stores (``kind``); on SQLite the database store is chosen with
``readiness files move --to database`` on the empty workspace, on PostgreSQL it is the default.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from readiness.cli import cli
from readiness.config import Settings, resolve
from readiness.errors import InvalidValueError
from readiness.store.db import open_workspace

KINDS = ["folder", "database"]


def _invoke(settings: Settings, *args: str, user: str = "tester"):
    env = {"READINESS_WORKSPACE": str(settings.workspace), "READINESS_USER": user,
           "READINESS_DATABASE_URL": settings.database_url}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "READINESS_WORKSPACE": str(settings.workspace), "READINESS_USER": "t",
            "READINESS_DATABASE_URL": settings.database_url}


def _use(run, kind: str) -> None:
    """Put the (empty) workspace on the ``kind`` store."""
    result = run("files", "move", "--to", kind, *(["--only-this-machine"] if kind == "folder" else []))
    assert result.exit_code == 0, result.stderr
    info = json.loads(run("workspace", "--format", "json").stdout)
    assert info["file store"].startswith(kind)


def _verify(run, *args: str) -> dict:
    result = run("verify", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def _count(settings: Settings, sql: str) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(settings.database_url)  # a plain reader: it waits for no writer's lock
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


@pytest.fixture
def city(run):
    assert run("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    return run


# ---------------------------------------------------------------------------------------------
# Three machines, one database


def test_a_file_attached_on_one_machine_is_shown_verified_and_embedded_on_another(tmp_path: Path, database_url) -> None:
    """Ward A attaches on its machine; the coordinator sees and verifies it, the reviewer's dossier embeds it."""
    from pypdf import PdfReader

    url = database_url or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    ward, coordinator, reviewer = (resolve(tmp_path / name, url) for name in ("ward-a", "coordinator", "reviewer"))
    if database_url is None:  # SQLite keeps the folder store unless told
        assert _invoke(ward, "files", "move", "--to", "database").exit_code == 0
    for machine in (ward, coordinator, reviewer):
        info = json.loads(_invoke(machine, "workspace", "--format", "json").stdout)
        assert info["file store"].startswith("database")
    assert _invoke(ward, "city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    proof = tmp_path / "Biên bản phường A.pdf"
    proof.write_bytes(b"%PDF-1.4\n% ward A's minutes\n" + os.urandom(3 << 20))  # several chunks
    added = _invoke(ward, "evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "Tuần lễ học tập",
                    "--link", "kflc:2.6.1", "--file", str(proof), user="ward-a")
    assert added.exit_code == 0, added.stderr
    sha = hashlib.sha256(proof.read_bytes()).hexdigest()

    shown = json.loads(_invoke(coordinator, "evidence", "show", "HN-0001", "--format", "json").stdout)
    assert [(a["name"], a["sha256"]) for a in shown["attachments"]] == [("Biên bản phường A.pdf", sha)]
    report = json.loads(_invoke(coordinator, "verify", "--format", "json").stdout)
    assert report["ok"] and report["objects"] == 1 and report["findings"] == []
    assert report["store"].startswith("database")
    assert _invoke(coordinator, "evidence", "verify", "HN-0001", user="coordinator").exit_code == 0

    made = _invoke(reviewer, "dossier", "--city", "Hanoi", "-o", str(tmp_path / "dossier.pdf"))
    assert made.exit_code == 0, made.stderr
    embedded = PdfReader(str(tmp_path / "dossier.pdf")).attachments
    assert [name.split(" ", 1)[0] for name in embedded] == ["HN-0001"]
    (contents,) = embedded.values()
    assert hashlib.sha256(contents[0]).hexdigest() == sha
    for machine in (ward, coordinator, reviewer):  # no machine holds the bytes in its folder
        assert not (machine.files_dir / "objects").exists() or not any((machine.files_dir / "objects").rglob("*"))


# ---------------------------------------------------------------------------------------------
# The interface, on both stores


@pytest.fixture(params=KINDS)
def store(request, run, ws):
    from readiness.store.stores import workspace_store

    _use(run, request.param)
    return workspace_store(ws)


def test_same_bytes_are_stored_once_and_read_back_in_blocks(store, tmp_path: Path) -> None:
    """Two names, one content: one object; a file of several chunks comes back whole, in blocks."""
    data = os.urandom((5 << 20) // 2)  # 2.5 MiB: three chunks in the database
    (tmp_path / "a.bin").write_bytes(data)
    (tmp_path / "b.bin").write_bytes(data)
    first, second = store.put(tmp_path / "a.bin"), store.put(tmp_path / "b.bin")
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert first.created and not second.created
    assert list(store.names()) == [first.sha256]
    blocks = list(store.read(first.sha256, "HN-0001", size=len(data)))
    assert len(blocks) >= 3 and max(len(b) for b in blocks) <= 1 << 20 and b"".join(blocks) == data
    assert store.has(first.sha256) and not store.has("0" * 64)
    with pytest.raises(InvalidValueError, match="HN-0002 is missing from the store"):
        store.read_bytes("0" * 64, "HN-0002")


def test_empty_and_over_limit_files_are_refused_while_streaming(store, tmp_path: Path) -> None:
    """An empty stream, and a stream larger than the limit (checked as it streams): nothing kept."""
    with pytest.raises(InvalidValueError, match=r"^x.zip:a is empty \(0 bytes\)"):
        store.put_stream(io.BytesIO(b""), "x.zip:a")
    with pytest.raises(InvalidValueError, match=r"x.zip:b: .* is over the limit of 2.0 MB"):
        store.put_stream(io.BytesIO(os.urandom(3_000_000)), "x.zip:b", max_size=2_000_000)
    (tmp_path / "big.bin").write_bytes(b"x" * 5000)
    with pytest.raises(InvalidValueError, match="over the limit"):
        store.put(tmp_path / "big.bin", max_size=1000)
    assert list(store.names()) == [] and store.partial() == []


def test_an_office_document_is_told_apart_from_a_zip(store, tmp_path: Path) -> None:
    """The media type comes from the bytes, a zip's member names included, in either store."""
    docx = tmp_path / "bao-cao.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert store.put(docx).media_type.endswith("wordprocessingml.document")


def test_changed_bytes_are_refused_on_read_and_reported_by_verify(run, city, ws, tmp_path: Path) -> None:
    """Bytes changed in the database store: read refuses them, verify names the record, exit 1."""
    from readiness.store.stores import workspace_store

    _use(run, "database")
    (tmp_path / "a.txt").write_text("biên bản")
    assert run("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "x",
               "--file", str(tmp_path / "a.txt")).exit_code == 0
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE file_chunk SET data = :d"), {"d": b"changed"})
    sha = hashlib.sha256("biên bản".encode()).hexdigest()
    with pytest.raises(InvalidValueError, match="its stored file has changed"):
        workspace_store(ws).read_bytes(sha, "HN-0001 'a.txt'")
    result = run("verify")
    assert result.exit_code == 1
    assert "corrupt:" in result.stderr and "HN-0001 'a.txt'" in result.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_change_keeps_neither_the_attachment_nor_its_file(run, city, ws, state, monkeypatch,
                                                                   tmp_path: Path, kind: str) -> None:
    """An attach whose record change fails (its audit event here) leaves no row and no stored file."""
    from readiness.store import audit
    from readiness.store.stores import workspace_store

    _use(run, kind)
    assert run("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "x").exit_code == 0
    (tmp_path / "a.txt").write_text("biên bản")
    before = state()

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk failed while writing the audit event")

    import readiness.evidence as evidence

    monkeypatch.setattr(evidence, "record_event", failing)
    with pytest.raises(RuntimeError):
        evidence.attach_files(ws, _actor(), "HN-0001", [str(tmp_path / "a.txt")])
    monkeypatch.setattr(evidence, "record_event", audit.record_event)
    assert state() == before
    assert list(workspace_store(ws).names()) == []


def _actor():
    from readiness.access import Actor

    return Actor("tester")


# ---------------------------------------------------------------------------------------------
# Moving a store


def test_files_move_copies_checks_and_switches_once(run, city, settings, tmp_path: Path) -> None:
    """folder -> database -> folder: every file checked by hash, one audit event per switch, nothing lost."""
    _use(run, "folder")
    for i in range(3):
        (tmp_path / f"f{i}.txt").write_text(f"tệp {i}")
        assert run("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", f"R{i}",
                   "--file", str(tmp_path / f"f{i}.txt")).exit_code == 0
    moved = run("files", "move", "--to", "database", "--format", "json")
    assert moved.exit_code == 0, moved.stderr
    result = json.loads(moved.stdout)
    assert (result["copied"], result["verified"], result["switched"], result["removed"]) == (3, 3, True, 3)
    report = _verify(run)
    assert report["ok"] and report["objects"] == 3 and report["store"].startswith("database")
    assert report["findings"] == []
    again = json.loads(run("files", "move", "--to", "database", "--format", "json").stdout)
    assert again["already"] and not again["switched"] and again["copied"] == 0
    shared = run("files", "move", "--to", "folder")  # PostgreSQL: the other machines would lose the files
    if settings.is_sqlite:
        back = shared
    else:
        assert shared.exit_code == 1 and "--only-this-machine" in shared.stderr, shared.stderr
        assert _verify(run)["store"].startswith("database")
        back = run("files", "move", "--to", "folder", "--only-this-machine")
    assert back.exit_code == 0 and "3 copied" in back.stderr
    assert _verify(run)["objects"] == 3
    events = json.loads(run("log", "--format", "json").stdout)
    moves = [(e["before"]["file_store"], e["after"]["file_store"]) for e in events if e["action"] == "files.move"]
    assert moves[:2] == [("database", "folder"), ("folder", "database")]  # newest first
    assert run("evidence", "show", "HN-0002").exit_code == 0


def test_a_move_that_cannot_find_a_file_switches_nothing(run, city, settings, tmp_path: Path) -> None:
    """A file missing from the folder (attached on another machine): one line, the workspace stays on its folder."""
    _use(run, "folder")
    (tmp_path / "a.txt").write_text("a")
    assert run("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "x",
               "--file", str(tmp_path / "a.txt")).exit_code == 0
    for path in (settings.files_dir / "objects").rglob("*"):
        if path.is_file():
            path.chmod(0o644)
            path.unlink()
    result = run("files", "move", "--to", "database")
    assert result.exit_code == 1
    assert "1 attached file(s) are in neither store here" in result.stderr
    assert "run `readiness files move --to database` there too" in result.stderr
    assert json.loads(run("workspace", "--format", "json").stdout)["file store"].startswith("folder")


def test_a_store_verifies_with_a_rate(run, city, tmp_path: Path) -> None:
    """verify says which store it checked and how fast, as text and as JSON."""
    (tmp_path / "a.txt").write_text("a")
    assert run("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", "x",
               "--file", str(tmp_path / "a.txt")).exit_code == 0
    result = run("verify")
    assert result.exit_code == 0 and "files/s" in result.stderr and "MB/s" in result.stderr
    report = _verify(run)
    assert report["objects"] == 1 and report["seconds"] >= 0 and "files_per_second" in report


# ---------------------------------------------------------------------------------------------
# Several officials at once, and processes killed half-way



@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_two_contributors_attach_while_a_prune_runs_and_nothing_is_lost(run, city, settings, tmp_path: Path,
                                                                        kind: str) -> None:
    """Two processes attach 12 files each (some the same bytes) while a third prunes in a loop: all kept."""
    _use(run, kind)
    for n in range(2):
        assert run("evidence", "add", "--city", "Hanoi", "--kind", "event", "--title", f"Phường {n}").exit_code == 0
    scripts = []
    for n in range(2):
        paths = []
        for i in range(12):
            path = tmp_path / f"c{n}-{i}.bin"
            path.write_bytes(f"shared {i}".encode() if i % 3 == 0 else os.urandom(200_000 + i))
            paths.append(str(path))
        scripts.append(
            "from readiness.cli import cli\n"
            f"for p in {paths!r}:\n"
            "    try:\n"
            f"        cli(['evidence', 'attach', 'HN-000{n + 1}', p], standalone_mode=False)\n"
            "    except SystemExit as e:\n"
            "        if e.code: raise\n")
    pruner = ("import sys, time\nfrom readiness.cli import cli\n"
              "end = time.monotonic() + 60\n"
              "while time.monotonic() < end:\n"
              "    try:\n"
              "        cli(['verify', '--prune'], standalone_mode=False)\n"
              "    except SystemExit as e:\n"
              "        if e.code: sys.exit(e.code)\n"
              "    if open(sys.argv[1]).read() == 'done': break\n")
    flag = tmp_path / "flag"
    flag.write_text("")
    prune = subprocess.Popen([sys.executable, "-c", pruner, str(flag)], env=_env(settings),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    attachers = [subprocess.Popen([sys.executable, "-c", s], env=_env(settings), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for s in scripts]
    for proc in attachers:
        _out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    flag.write_text("done")
    _out, err = prune.communicate(timeout=240)
    assert prune.returncode == 0, err
    for n in range(2):
        shown = json.loads(run("evidence", "show", f"HN-000{n + 1}", "--format", "json").stdout)
        assert len(shown["attachments"]) == 12
    report = _verify(run)
    assert report["ok"] and report["attachments"] == 24 and report["objects"] == 20  # 4 shared contents
    assert [f for f in report["findings"] if f["kind"] != "leftover"] == []


def _wait_for(predicate, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"{what} never happened before the process ended")


@pytest.mark.slow
def test_an_attach_killed_half_way_leaves_only_chunks_that_prune_clears(run, city, settings, tmp_path: Path) -> None:
    """SIGKILL while a large file streams into the database: verify passes, lists the chunks, prune clears them."""
    _use(run, "database")
    assert run("evidence", "add", "--city", "Hanoi", "--kind", "media", "--title", "Video").exit_code == 0
    video = tmp_path / "video.mp4"
    with open(video, "wb") as f:
        f.truncate(1_500_000_000)  # sparse: quick to make, slow enough to store
    proc = subprocess.Popen([sys.executable, "-m", "readiness", "evidence", "attach", "HN-0001", str(video),
                             "--max-size", "2GB"], env=_env(settings), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _wait_for(lambda: _count(settings, "SELECT count(*) FROM file_chunk") >= 40, proc, "40 chunks stored")
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    report = _verify(run)
    assert report["ok"] and report["attachments"] == 0
    assert [f["kind"] for f in report["findings"]] == ["leftover"]
    assert run("verify", "--prune").exit_code == 0
    assert _verify(run)["findings"] == []
    assert _count(settings, "SELECT count(*) FROM file_chunk") == 0
    assert json.loads(run("evidence", "show", "HN-0001", "--format", "json").stdout)["attachments"] == []


@pytest.mark.slow
def test_a_move_killed_half_way_resumes_and_loses_nothing(run, city, settings, tmp_path: Path) -> None:
    """SIGKILL during `files move --to database`: the folder still serves every file, verify passes
    (at most partial chunks, which prune clears), and running the move again completes it."""
    _use(run, "folder")
    paths = []
    for i in range(40):
        path = tmp_path / f"f{i}.bin"
        path.write_bytes(os.urandom(1_500_000 + i))
        paths.append(str(path))
    assert run("evidence", "add", "--city", "Hanoi", "--kind", "report", "--title", "Many").exit_code == 0
    assert run("evidence", "attach", "HN-0001", *paths).exit_code == 0
    proc = subprocess.Popen([sys.executable, "-m", "readiness", "files", "move", "--to", "database"],
                            env=_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(lambda: _count(settings, "SELECT count(*) FROM file_object") >= 5, proc, "5 files copied")
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    report = _verify(run)
    assert report["ok"] and report["store"].startswith("folder") and report["objects"] == 40
    assert {f["kind"] for f in report["findings"]} <= {"leftover"}
    assert run("verify", "--prune").exit_code == 0
    assert _verify(run)["findings"] == []
    resumed = json.loads(run("files", "move", "--to", "database", "--format", "json").stdout)
    assert resumed["switched"] and resumed["found"] >= 5 and resumed["found"] + resumed["copied"] == 40
    report = _verify(run)
    assert report["ok"] and report["store"].startswith("database") and report["objects"] == 40
    assert report["findings"] == []
    for path in paths[:3]:
        sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        from readiness.store.stores import workspace_store

        with open_workspace(settings) as ws:
            assert workspace_store(ws).read_bytes(sha, "x") == Path(path).read_bytes()


# ---------------------------------------------------------------------------------------------
# A workspace made before the database store


def _workspace_at_0004(settings: Settings, with_file: bool) -> bytes:
    """A workspace at revision 0004 (today's main before this store) with a record and, if asked,
    an attached file in its folder, written the way that revision's schema holds them."""
    from readiness.store import db

    data = "Biên bản họp phường".encode() + os.urandom(2 << 20)
    sha = hashlib.sha256(data).hexdigest()
    settings.workspace.mkdir(parents=True)
    engine = db.make_engine(settings.database_url)
    with engine.connect() as conn:
        db.migrate(conn, "0004")
    now = "2025-10-01 00:00:00"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO city (name, name_key, code, country, profile, next_number, created_at, "
                          "updated_at) VALUES ('Hà Nội', 'ha noi', 'HN', 'VN', '{}', 2, :t, :t)"), {"t": now})
        conn.execute(text(
            "INSERT INTO evidence (code, city_id, number, kind, title, summary, organiser, status, tags, search_key, "
            "created_at, created_by, updated_at) VALUES ('HN-0001', 1, 1, 'event', :title, '{}', '{}', 'draft', "
            "'[]', 'tuan le', :t, 'lan', :t)"), {"t": now, "title": json.dumps({"vi": "Tuần lễ"})})
        if with_file:
            conn.execute(text("INSERT INTO attachment (evidence_id, sha256, name, media_type, size, added_at, "
                              "added_by) VALUES (1, :sha, 'biên bản.pdf', 'application/pdf', :size, :t, 'lan')"),
                         {"sha": sha, "size": len(data), "t": now})
    engine.dispose()
    if with_file:
        target = settings.files_dir / "objects" / sha[:2] / sha
        target.parent.mkdir(parents=True)
        target.write_bytes(data)
    return data


def test_a_workspace_with_files_from_before_keeps_its_folder_until_moved(settings, run, tmp_path: Path) -> None:
    """Revision 0004 with a file in the folder: upgraded, it keeps the folder store (on both databases), the
    file verifies, exports and moves to the database readable."""
    from readiness.store import db

    data = _workspace_at_0004(settings, with_file=True)
    info = json.loads(run("workspace", "--format", "json").stdout)
    assert info["schema revision"] == db.HEAD_REVISION and info["file store"].startswith("folder")
    report = _verify(run)
    assert report["ok"] and report["objects"] == 1 and report["findings"] == []
    assert run("export", "--city", "Hanoi", "-o", str(tmp_path / "hn.zip")).exit_code == 0
    with zipfile.ZipFile(tmp_path / "hn.zip") as z:
        assert z.read(f"files/{hashlib.sha256(data).hexdigest()}") == data
    assert run("files", "move", "--to", "database").exit_code == 0
    report = _verify(run)
    assert report["ok"] and report["objects"] == 1 and report["store"].startswith("database")
    assert run("export", "--city", "Hanoi", "-o", str(tmp_path / "again.zip")).exit_code == 0
    with zipfile.ZipFile(tmp_path / "again.zip") as z:
        assert z.read(f"files/{hashlib.sha256(data).hexdigest()}") == data


def test_a_workspace_without_files_from_before_takes_its_databases_default(settings, run) -> None:
    """Revision 0004 with records but no file: PostgreSQL moves to the database store, SQLite stays on its folder."""
    _workspace_at_0004(settings, with_file=False)
    info = json.loads(run("workspace", "--format", "json").stdout)
    assert info["file store"].startswith("folder" if settings.is_sqlite else "database")
    assert json.loads(run("evidence", "show", "HN-0001", "--format", "json").stdout)["title"]["vi"] == "Tuần lễ"


def test_only_an_admin_moves_the_files(ws, monkeypatch) -> None:
    """Once a workspace has accounts, moving its file store needs the admin's right; a coordinator is refused."""
    from argon2 import PasswordHasher

    from readiness import accounts
    from readiness.access import Actor
    from readiness.accounts import actor_for_session, add_account, sign_in
    from readiness.cities import add_city
    from readiness.errors import PermissionDeniedError
    from readiness.store.move import move_files
    from readiness.store.stores import store_kind

    monkeypatch.setattr(accounts, "_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    machine = Actor("tester")
    add_city(ws, machine, "Hà Nội", "VN", "HN")
    add_account(ws, machine, "lan", "Nguyễn Thị Lan", roles=["admin"], password="correct horse battery")
    lan = actor_for_session(ws, sign_in(ws, "lan", "correct horse battery").token)
    add_account(ws, lan, "minh", roles=["coordinator:HN"], password="correct horse battery")
    minh = actor_for_session(ws, sign_in(ws, "minh", "correct horse battery").token)
    other = "database" if store_kind(ws) == "folder" else "folder"
    with pytest.raises(PermissionDeniedError, match="minh may not administer the workspace on the file store"):
        move_files(ws, minh, other, only_this_machine=True)
    assert store_kind(ws) != other
    assert move_files(ws, lan, other, only_this_machine=True).switched and store_kind(ws) == other
