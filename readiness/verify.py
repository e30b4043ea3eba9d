"""Checking a workspace like ``git fsck``: the file store against the attachment rows.

* every stored object's bytes hash to its name (corruption is reported);
* every attachment row points to an object that is there (a missing file is reported);
* objects no row points to, and temporary files left by a killed process, are listed as
  unreferenced: harmless, and removed by ``prune`` (except files stored after the check began,
  which may belong to an attach that is still committing).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import col, select

from .db import Workspace
from .files import FileStore
from .models import Attachment, Evidence


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


def check_workspace(ws: Workspace, *, prune: bool = False,
                    progress: Callable[[int], None] | None = None) -> Report:
    """Hash every stored file and compare the store with the attachment rows."""
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
        report.findings.append(Finding("leftover", None, f"{path.name}: partial copy left by an interrupted command", path))
    if prune:
        for finding in report.unreferenced:
            # A file stored after the check began may belong to an attach still committing its
            # row in another process (put() also touches a file it finds already stored).
            if finding.path is not None and finding.path.stat().st_mtime < started:
                finding.path.unlink(missing_ok=True)
                report.pruned += 1
    return report
