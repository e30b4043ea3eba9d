"""Which file store a workspace's attachments live in, and which stored objects its rows use.

Two stores, one interface (``AttachmentStore``): the folder beside the workspace
(``files.FileStore``) and the workspace's database (``dbfiles.DatabaseStore``). Which one is a
setting of the database (``workspace_setting.file_store``), so every machine sharing it agrees:

* a workspace that says nothing uses the database store on PostgreSQL (every machine and server
  process that reaches the database reaches the files) and the folder on SQLite;
* a workspace that had attachments before the database store existed says ``folder`` (migration
  0006) and keeps it until ``readiness files move --to database`` (``store.move``).

Every command that stores, reads or checks files gets its store from ``workspace_store``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import IO, Any, Literal, Protocol

from sqlmodel import Session, col, select

from readiness.errors import WorkspaceError
from readiness.store.db import Workspace
from readiness.store.files import FileStore, Leftover, Scanned, StoredFile
from readiness.store.models import Attachment, WorkspaceSetting

StoreKind = Literal["folder", "database"]
KINDS: tuple[StoreKind, ...] = ("folder", "database")
SETTING = "file_store"


class Batch(Protocol):
    """The files one command stores: undone if the command fails (see ``FileStore.batch``)."""

    def put(self, source: Any, **options: Any) -> StoredFile: ...

    def put_stream(self, stream: IO[bytes], shown: str, **options: Any) -> StoredFile: ...


class AttachmentStore(Protocol):
    """What a content-addressed store of attached files does, wherever it keeps the bytes."""

    kind: str

    def describe(self) -> str: ...

    def has(self, sha256: str) -> bool: ...

    def put(self, source: Any, *, max_size: int = ..., progress: Callable[[int], None] | None = ...) -> StoredFile: ...

    def put_stream(self, stream: IO[bytes], shown: str, *, max_size: int = ...) -> StoredFile: ...

    def batch(self) -> AbstractContextManager[Any]: ...

    def exclusive(self, waiting: Callable[[], None] | None = ...) -> AbstractContextManager[None]: ...

    def read(self, sha256: str, what: str, *, size: int | None = ...) -> Iterator[bytes]: ...

    def read_bytes(self, sha256: str, what: str, *, size: int | None = ...) -> bytes: ...

    def undo(self, stored: Iterable[StoredFile]) -> None: ...

    def remove(self, sha256: str, conn: Any = ...) -> None: ...

    def names(self) -> Iterator[str]: ...

    def scan(self) -> Iterator[Scanned]: ...

    def partial(self) -> list[Leftover]: ...

    def remove_leftover(self, ref: str, conn: Any = ...) -> None: ...


def default_kind(ws: Workspace) -> StoreKind:
    """The store of a workspace whose database names none: the database when shared (PostgreSQL)."""
    return "folder" if ws.settings.is_sqlite else "database"


def store_kind(ws: Workspace, session: Session | None = None) -> StoreKind:
    """The store this workspace's attachments live in (the setting, else ``default_kind``)."""
    if session is None:
        with ws.session() as session:
            return store_kind(ws, session)
    row = session.get(WorkspaceSetting, SETTING)
    if row is not None and row.value in KINDS:
        return row.value
    return default_kind(ws)


def set_store_kind(session: Session, kind: StoreKind) -> None:
    row = session.get(WorkspaceSetting, SETTING)
    if row is None:
        session.add(WorkspaceSetting(name=SETTING, value=kind))
    else:
        row.value = kind
        session.add(row)


def workspace_store(ws: Workspace, kind: StoreKind | None = None) -> AttachmentStore:
    """The workspace's file store (or the one of ``kind``), whose undo asks the attachment rows
    before removing a file and whose batches hold the workspace's lock against a move."""
    from readiness.store.dbfiles import DatabaseStore, WorkspaceLock

    chosen = kind or store_kind(ws)
    lock = WorkspaceLock(ws.engine)

    def expect() -> None:
        now = store_kind(ws)
        if now != chosen:
            raise WorkspaceError(f"the workspace's files moved to the {now} store while this command started; "
                                 "nothing was stored: run it again")

    def in_use(hashes: Sequence[str]) -> set[str]:
        return referenced(ws, hashes)

    if chosen == "database":
        return DatabaseStore(ws.engine, lock, in_use=in_use, expect=expect)

    def guard() -> Callable[[], None]:
        held = lock.shared()
        try:
            expect()
        except BaseException:
            held.release()
            raise
        return held.release

    return FileStore(ws.settings.files_dir, in_use=in_use, guard=guard)


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


def all_used(session: Session) -> dict[str, int]:
    """Every SHA-256 an attachment row points to, with its size."""
    return dict(session.exec(select(Attachment.sha256, Attachment.size).distinct()).all())
