"""Which file store a workspace's attachments live in, and which stored objects its rows use.

Today every workspace keeps its files in the folder store (``files.FileStore``) beside it; the
store check (``check``), adding and attaching evidence and the import all get it from here, so a
second store (the database, for a shared PostgreSQL workspace) is chosen in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from readiness.store.db import Workspace
from readiness.store.files import FileStore
from readiness.store.models import Attachment


def workspace_store(ws: Workspace) -> FileStore:
    """The workspace's file store, whose undo asks the attachment rows before removing a file."""
    return FileStore(ws.settings.files_dir, in_use=lambda hashes: referenced(ws, hashes))


def referenced(ws: Workspace, hashes: Sequence[str]) -> set[str]:
    """Which of these SHA-256s an attachment row points to (committed rows)."""
    with ws.session() as session:
        return used_hashes(session, hashes)


def used_hashes(session: Session, hashes: Sequence[str]) -> set[str]:
    """Which of these SHA-256s an attachment row points to, in this session."""
    used: set[str] = set()
    for start in range(0, len(hashes), 900):
        chunk = hashes[start:start + 900]
        used.update(session.exec(select(Attachment.sha256).where(col(Attachment.sha256).in_(chunk))))
    return used
