"""Checking a workspace like ``git fsck``: the file store against the attachment rows.

* every stored object's bytes hash to its name (corruption is reported);
* every attachment row points to an object that is there (a missing file is reported);
* objects no row points to, and temporary files left by a killed process, are listed as
  unreferenced: harmless, and removed by ``prune``, which first waits for every command that
  is between storing files and committing its rows (see ``files.FileStore.batch``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlmodel import col, select

from readiness.access import Actor, Right, require
from readiness.store.db import Workspace
from readiness.store.files import FileStore
from readiness.store.models import Attachment, Evidence
from readiness.store.stores import used_hashes

log = logging.getLogger(__name__)


@dataclass
class Finding:
    kind: str  # corrupt, missing, stray, unreferenced, leftover
    sha256: str | None
    message: str
    path: Path | None = None

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "sha256": self.sha256, "message": self.message,
                "path": str(self.path) if self.path else None}


@dataclass
class Report:
    objects: int = 0
    bytes: int = 0
    attachments: int = 0
    findings: list[Finding] = field(default_factory=list)
    pruned: int = 0

    @property
    def damaged(self) -> list[Finding]:
        return [f for f in self.findings if f.kind in ("corrupt", "missing", "stray")]

    @property
    def unreferenced(self) -> list[Finding]:
        return [f for f in self.findings if f.kind in ("unreferenced", "leftover")]

    @property
    def ok(self) -> bool:
        return not self.damaged

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "objects": self.objects, "bytes": self.bytes, "attachments": self.attachments,
                "pruned": self.pruned, "findings": [f.as_json() for f in self.findings]}


def check_store(ws: Workspace, actor: Actor, *, prune: bool = False,
                progress: Callable[[int], None] | None = None) -> Report:
    """Hash every stored file and compare the store with the attachment rows; ``prune`` the unreferenced.

    Needs the right to administer the workspace: the store holds every city's files, the report
    names their records, and ``prune`` deletes.
    """
    with ws.session() as session:
        require(session, actor, Right.ADMINISTER, what="the file store")
    store = FileStore(ws.settings.files_dir)
    report = Report()
    started = time.time()
    with ws.session() as session:
        rows = session.exec(select(Attachment.sha256, Attachment.name, Evidence.code)
                            .join(Evidence, col(Evidence.id) == col(Attachment.evidence_id))).all()
    report.attachments = len(rows)
    wanted: dict[str, list[str]] = {}
    for sha, name, code in rows:
        wanted.setdefault(sha, []).append(f"{code} {name!r}")
    seen: set[str] = set()
    for name, path in store.objects_on_disk():
        if not path.is_file() or path.is_symlink() or len(name) != 64 or path.parent.name != name[:2]:
            report.findings.append(Finding("stray", None, f"{path}: not a stored file; move it out of the store", path))
            continue
        report.objects += 1
        report.bytes += path.stat().st_size
        actual = store.hash_of(path)
        if progress:
            progress(1)
        seen.add(name)
        if name not in wanted:  # harmless even if damaged: nothing uses it
            note = "" if actual == name else " (and its bytes have changed)"
            report.findings.append(Finding("unreferenced", name, f"{name[:12]}...: no attachment uses it{note}", path))
        elif actual != name:
            report.findings.append(Finding(
                "corrupt", name, f"{path}: bytes changed (their SHA-256 is {actual[:12]}...); used by "
                f"{', '.join(wanted[name])}; attach the original file again", path))
    for sha, users in sorted(wanted.items()):
        if sha not in seen:
            report.findings.append(Finding(
                "missing", sha, f"{sha[:12]}...: file missing from the store; used by {', '.join(users)}; "
                "attach it again or detach it"))
    for path in store.leftovers():
        report.findings.append(Finding("leftover", None, f"{path.name}: partial copy left by an interrupted command",
                                       path))
    if prune:
        report.pruned = _prune(ws, store, report.unreferenced, started)
    return report


def _prune(ws: Workspace, store: FileStore, findings: list[Finding], started: float) -> int:
    """Remove unreferenced files, deciding under locks that keep attachments from being added.

    First the store's exclusive lock: it waits for every command that has stored files and not
    yet committed its rows (a multi-file attach or an import half-way), so no stored but
    uncommitted file is taken. A file stored after the check began is kept all the same (put()
    also touches a file it finds already stored). For the others, the rows are read again while
    no attachment can be inserted (SQLite's write lock; on PostgreSQL a SHARE lock on the table,
    which waits for inserting transactions to end, a killed client's among them), so a file
    whose row was committed meanwhile stays.
    """
    candidates = [f for f in findings if f.path is not None and f.path.exists() and f.path.stat().st_mtime < started]
    if not candidates:
        return 0
    pruned = 0
    with store.exclusive(waiting=lambda: log.info("waiting for another command that is storing files...")), \
            ws.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.exec(text("LOCK TABLE attachment IN SHARE MODE"))  # type: ignore[call-overload]
        used = used_hashes(session, [f.sha256 for f in candidates if f.sha256])
        for finding in candidates:
            if finding.sha256 in used:
                continue
            finding.path.unlink(missing_ok=True)  # type: ignore[union-attr]
            pruned += 1
    return pruned
