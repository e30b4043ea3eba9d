"""Several officials at once, and processes killed half-way: nothing lost, nothing half-written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _env(settings) -> dict[str, str]:
    env = {**os.environ, "READINESS_WORKSPACE": str(settings.workspace), "READINESS_USER": "t"}
    if not settings.is_sqlite:
        env["READINESS_DATABASE_URL"] = settings.database_url
    return env


def test_two_processes_adding_evidence_at_once_both_succeed(run, settings, tmp_path: Path) -> None:
    """Two officials adding records to one city at the same moment: all kept, ids unique, no lock errors."""
    assert run("city", "add", "Hà Nội", "--country", "VN", "--code", "HN").exit_code == 0
    procs = []
    for n in range(2):
        attachment = tmp_path / f"proof-{n}.txt"
        attachment.write_text(f"proof {n}")
        script = (
            "from readiness.cli import cli\n"
            "import sys\n"
            "for i in range(20):\n"
            "    try:\n"
            f"        cli(['evidence', 'add', '--city', 'Hanoi', '--kind', 'event', '--title', f'P{n} {{i}}',\n"
            f"             '--link', 'kflc:2.6.1', '--file', {str(attachment)!r}], standalone_mode=False)\n"
            "    except SystemExit as e:\n"
            "        sys.exit(e.code)\n"
        )
        procs.append(subprocess.Popen([sys.executable, "-c", script], env=_env(settings),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for proc in procs:
        _out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    found = json.loads(run("evidence", "list", "--format", "json").stdout)
    assert sorted(r["id"] for r in found) == [f"HN-{n:04d}" for n in range(1, 41)]
    assert sorted(r["title"]["vi"] for r in found) == sorted(f"P{n} {i}" for n in range(2) for i in range(20))
    assert all(len(r["attachments"]) == 1 and len(r["links"]) == 1 for r in found)
    events = json.loads(run("log", "--format", "json", "--limit", "1000").stdout)
    assert sum(e["action"] == "evidence.add" for e in events) == 40
    assert run("verify").exit_code == 0


def _big_import(folder: Path, rows: int, files: int, file_size: int) -> Path:
    folder.mkdir()
    lines = ["kind,title,start,criteria,files"]
    for i in range(rows):
        attached = f"f{i}.bin" if i < files else ""
        if attached:
            (folder / attached).write_bytes(os.urandom(file_size))
        lines.append(f"event,Hoạt động {i},2025-10-01,kflc:2.6.1,{attached}")
    sheet = folder / "many.csv"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sheet


def _assert_recoverable(run, settings) -> None:
    """verify passes (at most unreferenced files), --prune clears them, and no record is half there."""
    report = run("verify", "--format", "json")
    assert report.exit_code == 0, report.stdout + report.stderr
    kinds = {f["kind"] for f in json.loads(report.stdout)["findings"]}
    assert kinds <= {"unreferenced", "leftover"}
    assert run("verify", "--prune").exit_code == 0
    assert json.loads(run("verify", "--format", "json").stdout)["findings"] == []
    found = json.loads(run("evidence", "list", "--format", "json").stdout)
    assert len(found) in (0, 400)  # all or nothing
    if found:
        assert sum(len(r["attachments"]) for r in found) == 100


def _stored_count(settings, kind: str) -> int:
    if kind == "folder":
        objects = settings.files_dir / "objects"
        return sum(1 for p in objects.rglob("*") if p.is_file()) if objects.exists() else 0
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.database_url)  # a plain reader: it must not wait for the import's write lock
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM file_object")).scalar() or 0)
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["folder", "database"])
@pytest.mark.parametrize("when", ["copying files", "0.2 s after the files", "1.0 s after the files"])
def test_an_import_killed_half_way_leaves_a_workspace_that_verifies(run, settings, tmp_path: Path, when: str,
                                                                    kind: str) -> None:
    """SIGKILL while files are copied in, or while rows are written: the workspace stays sound, on either store."""
    assert run("files", "move", "--to", kind, "--only-this-machine").exit_code == 0
    assert run("city", "add", "Hà Nội", "--country", "VN").exit_code == 0
    sheet = _big_import(tmp_path / "in", rows=2_000, files=100, file_size=200_000)  # rows take seconds to write
    proc = subprocess.Popen([sys.executable, "-m", "readiness", "import", str(sheet), "--city", "Hanoi"],
                            env=_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        stored = _stored_count(settings, kind)
        if (when == "copying files" and stored >= 20) or stored >= 100:
            break
        time.sleep(0.005)
    if when != "copying files":
        time.sleep(float(when.split()[0]))
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL, "the import finished before it could be killed"
    _assert_recoverable(run, settings)


def test_an_attach_killed_half_way_leaves_a_workspace_that_verifies(run, settings, folder_store,
                                                                    tmp_path: Path) -> None:
    """SIGKILL while a large file streams in: only a partial temporary file is left, and prune clears it."""
    assert run("city", "add", "Hà Nội", "--country", "VN").exit_code == 0
    assert run("evidence", "add", "--city", "Hanoi", "--kind", "media", "--title", "Video").exit_code == 0
    video = tmp_path / "video.mp4"
    with open(video, "wb") as f:
        f.truncate(1_500_000_000)  # sparse: quick to make, slow enough to copy
    proc = subprocess.Popen([sys.executable, "-m", "readiness", "evidence", "attach", "HN-0001", str(video),
                             "--max-size", "2GB"], env=_env(settings), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    tmp = settings.files_dir / "tmp"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if tmp.exists() and any(p.stat().st_size > 10_000_000 for p in tmp.iterdir()):
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL, "the attach finished before it could be killed"
    report = json.loads(run("verify", "--format", "json").stdout)
    assert report["ok"] and report["attachments"] == 0
    assert [f["kind"] for f in report["findings"]] == ["leftover"]
    assert run("verify", "--prune").exit_code == 0
    assert not any(tmp.iterdir())
    assert json.loads(run("evidence", "show", "HN-0001", "--format", "json").stdout)["attachments"] == []
