"""Checking a workspace like ``git fsck``: the file store against the attachment rows.

Works on either store (the folder or the database, ``stores.workspace_store``):

* every stored object's bytes hash to its name (corruption is reported), at a rate it reports
  (files and MB per second);
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

from sqlalchemy import text
from sqlmodel import col, select

from readiness.access import Actor, Right, require
from readiness.store.db import Workspace
from readiness.store.models import Attachment, Evidence
from readiness.store.stores import AttachmentStore, used_hashes, workspace_store

log = logging.getLogger(__name__)


@dataclass
class Finding:
    kind: str  # corrupt, missing, stray, unreferenced, leftover
    sha256: str | None
    message: str
    #: where it is: a path in the folder store, "database" in the database store
    where: str | None = None
    #: what ``prune`` removes for a leftover (a temporary file, an upload's chunks)
    ref: str | None = None
    touched: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "sha256": self.sha256, "message": self.message, "path": self.where}


@dataclass
class Report:
    store: str = ""
    objects: int = 0
    bytes: int = 0
    attachments: int = 0
    findings: list[Finding] = field(default_factory=list)
    pruned: int = 0
    #: how long hashing the stored files took, for the rate
    seconds: float = 0.0

    @property
    def damaged(self) -> list[Finding]:
        return [f for f in self.findings if f.kind in ("corrupt", "missing", "stray")]

    @property
    def unreferenced(self) -> list[Finding]:
        return [f for f in self.findings if f.kind in ("unreferenced", "leftover")]

    @property
    def ok(self) -> bool:
        return not self.damaged

    @property
    def files_per_second(self) -> float:
        return self.objects / self.seconds if self.seconds > 0 else 0.0

    @property
    def mb_per_second(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "store": self.store, "objects": self.objects, "bytes": self.bytes,
                "attachments": self.attachments, "pruned": self.pruned, "seconds": round(self.seconds, 3),
                "files_per_second": round(self.files_per_second, 1), "mb_per_second": round(self.mb_per_second, 1),
                "findings": [f.as_json() for f in self.findings]}


def check_store(ws: Workspace, actor: Actor, *, prune: bool = False,
                progress: Callable[[int], None] | None = None) -> Report:
    """Hash every stored file and compare the store with the attachment rows; ``prune`` the unreferenced.

    Works on the workspace's store, folder or database (``stores.workspace_store``). Needs the
    right to administer the workspace: the store holds every city's files, the report names their
    records, and ``prune`` deletes.
    """
    with ws.session() as session:
        require(session, actor, Right.ADMINISTER, what="the file store")
    store = workspace_store(ws)
    report = Report(store=store.describe())
    started = time.time()
    with ws.session() as session:
        rows = session.exec(select(Attachment.sha256, Attachment.name, Evidence.code)
                            .join(Evidence, col(Evidence.id) == col(Attachment.evidence_id))).all()
    report.attachments = len(rows)
    wanted: dict[str, list[str]] = {}
    for sha, name, code in rows:
        wanted.setdefault(sha, []).append(f"{code} {name!r}")
    seen: set[str] = set()
    clock = time.perf_counter()
    for found in store.scan():
        if found.actual is None:
            report.findings.append(Finding("stray", None, f"{found.where}: not a stored file; move it out of the store",
                                           found.where))
            continue
        report.objects += 1
        report.bytes += found.size
        if progress:
            progress(1)
        name = found.name
        seen.add(name)
        if name not in wanted:  # harmless even if damaged: nothing uses it
            note = "" if found.actual == name else " (and its bytes have changed)"
            report.findings.append(Finding("unreferenced", name, f"{name[:12]}...: no attachment uses it{note}",
                                           found.where, touched=found.touched))
        elif found.actual != name:
            report.findings.append(Finding(
                "corrupt", name, f"{found.where if found.where != 'database' else name[:12] + '... (database)'}: "
                f"bytes changed (their SHA-256 is {found.actual[:12]}...); used by "
                f"{', '.join(wanted[name])}; attach the original file again", found.where))
    report.seconds = time.perf_counter() - clock
    for sha, users in sorted(wanted.items()):
        if sha not in seen:
            report.findings.append(Finding(
                "missing", sha, f"{sha[:12]}...: file missing from the store; used by {', '.join(users)}; "
                "attach it again or detach it"))
    # A move killed half-way may have left partial copies in the other store too.
    other = workspace_store(ws, "database" if store.kind == "folder" else "folder")
    for each in (store, other):
        for left in each.partial():
            report.findings.append(Finding(
                "leftover", None, f"{left.name}: partial copy left by an interrupted command"
                + ("" if each is store else f" (in the {each.describe()}, not in use)"),
                left.ref if each.kind == "folder" else "database", ref=f"{each.kind}:{left.ref}", touched=left.touched))
    if prune:
        report.pruned = _prune(ws, {store.kind: store, other.kind: other}, store, report.unreferenced, started)
    return report


def _prune(ws: Workspace, stores: dict[str, AttachmentStore], store: AttachmentStore, findings: list[Finding],
           started: float) -> int:
    """Remove unreferenced files, deciding under locks that keep attachments from being added.

    First the store's exclusive lock: it waits for every command that has stored files and not
    yet committed its rows (a multi-file attach or an import half-way; on the database store, on
    any machine), so no stored but uncommitted file is taken. A file stored after the check
    began is kept all the same (put() also touches a file it finds already stored). For the
    others, the rows are read again while no attachment can be inserted (SQLite's write lock; on
    PostgreSQL a SHARE lock on the table, which waits for inserting transactions to end, a
    killed client's among them), so a file whose row was committed meanwhile stays.
    """
    candidates = [f for f in findings if f.touched < started]
    if not candidates:
        return 0
    pruned = 0
    with store.exclusive(waiting=lambda: log.info("waiting for another command that is storing files...")), \
            ws.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.exec(text("LOCK TABLE attachment IN SHARE MODE"))  # type: ignore[call-overload]
        used = used_hashes(session, [f.sha256 for f in candidates if f.sha256])
        conn = session.connection()  # the database store removes in this transaction (SQLite: its lock)
        for finding in candidates:
            if finding.sha256 in used:
                continue
            if finding.kind == "leftover" and finding.ref:
                kind, _, ref = finding.ref.partition(":")
                stores[kind].remove_leftover(ref, conn)
            elif finding.sha256:
                store.remove(finding.sha256, conn)
            pruned += 1
    return pruned
