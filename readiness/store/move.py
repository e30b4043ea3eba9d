"""Moving a workspace's attached files between the folder store and the database store.

``move_files`` copies, verifies, switches, then tidies, and may be killed at any point:

1. every object the current store holds here is copied into the other store (one already there,
   from an earlier run, is not copied again) and read back from it, hashed, while commands go on
   attaching beside it;
2. under the workspace lock held exclusively (no command, on any machine, between storing files
   and committing their rows; new ones wait) the files attached meanwhile are copied and read
   back too, and when every attachment's file is in the other store and hashes to its name, the
   workspace setting is switched, in one transaction with its audit event. Until then every
   command keeps using the old store, which keeps every byte;
3. the copies in the old store are removed (``keep_source`` keeps them).

Killed before the switch, the old store is still the workspace's and whole; what was copied is
found on the next run. Killed after it, the next run finds the switch made and finishes step 3.
A file attached from another machine's folder (a PostgreSQL workspace whose machines each kept
their own folder) is not here to copy: the move stops before the switch, naming how many, and
each machine runs it in turn; the last one switches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO, Any, cast

from readiness.access import Actor, Right, require
from readiness.errors import InvalidValueError
from readiness.store.audit import record_event
from readiness.store.db import Workspace
from readiness.store.files import human_size
from readiness.store.stores import (
    KINDS,
    AttachmentStore,
    StoreKind,
    all_used,
    set_store_kind,
    store_kind,
    workspace_store,
)

log = logging.getLogger(__name__)

#: progress(what, done, total), as ``transfer.export.Progress``
Progress = Callable[[str, int, int], None]


@dataclass
class MoveResult:
    """What ``move_files`` did."""

    source: str
    target: str
    #: objects copied into the target by this run; found there already (an earlier run); read back
    copied: int = 0
    found: int = 0
    verified: int = 0
    bytes: int = 0
    switched: bool = False
    already: bool = False
    removed: int = 0
    #: unreferenced objects of the source whose bytes had changed: not copied (nothing used them)
    skipped: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "copied": self.copied, "found": self.found,
                "verified": self.verified, "bytes": self.bytes, "switched": self.switched,
                "already": self.already, "removed": self.removed, "skipped": self.skipped}


def move_files(ws: Workspace, actor: Actor, to: str, *, keep_source: bool = False,
               only_this_machine: bool = False, progress: Progress | None = None) -> MoveResult:
    """Move the workspace's files to the ``to`` store (``folder`` or ``database``); resumable.

    ``actor`` needs the right to administer the workspace, and is recorded in the ``files.move``
    audit event. A PostgreSQL workspace is shared: its files go to this machine's folder only
    when ``only_this_machine`` says no other machine or server uses it (the others would find
    every file missing).
    """
    if to not in KINDS:
        raise InvalidValueError(f"files move --to {to!r}: give one of {', '.join(KINDS)}")
    if to == "folder" and not ws.settings.is_sqlite and not only_this_machine:
        raise InvalidValueError(
            "files move --to folder: this workspace's database is PostgreSQL, which other machines and "
            "servers may reach; its files moved to this machine's folder would be missing on every "
            "other one. If this machine is the only one that uses it, say so with --only-this-machine")
    with ws.session() as session:
        require(session, actor, Right.ADMINISTER, what="the file store")
    target_kind: StoreKind = to
    current = store_kind(ws)
    source_kind: StoreKind = "database" if target_kind == "folder" else "folder"
    source = workspace_store(ws, source_kind)
    target = workspace_store(ws, target_kind)
    result = MoveResult(source.describe(), target.describe())
    if current == target_kind:
        result.already = True
    else:
        verified = _copy_all(source, target, list(source.names()), result, progress)
        _switch(ws, actor, source, target, verified, result, progress)
    if not keep_source:
        result.removed = _tidy(source, target, progress)
    return result


def _copy_all(source: AttachmentStore, target: AttachmentStore, names: list[str], result: MoveResult,
              progress: Progress | None) -> set[str]:
    """Copy (or find) and read back each object; the names now verified in the target."""
    verified: set[str] = set()
    for done, sha in enumerate(names, start=1):
        if _copy_one(source, target, sha, result, required=False):
            verified.add(sha)
        if progress:
            progress("files", done, len(names))
    return verified


def _copy_one(source: AttachmentStore, target: AttachmentStore, sha: str, result: MoveResult, *,
              required: bool) -> bool:
    """One object into the target, checked by reading it back; False for an unused damaged one."""
    what = f"stored file {sha[:12]}..."
    if target.has(sha):
        try:
            result.bytes += _read_back(target, sha, what)
            result.found += 1
            result.verified += 1
            return True
        except InvalidValueError:
            target.remove(sha)  # a damaged copy from an earlier run: copied again below
    try:
        got = target.put_stream(cast(IO[bytes], _Stream(source.read(sha, what))), what, max_size=1 << 62)
    except InvalidValueError:
        if required:
            raise
        result.skipped.append(sha)
        return False
    if got.sha256 != sha:  # cannot happen: read() checks the hash; kept as the last guard
        target.remove(got.sha256)
        raise InvalidValueError(f"{what}: copied bytes hash to {got.sha256[:12]}...; nothing was switched")
    result.copied += 1
    result.bytes += _read_back(target, sha, what)
    result.verified += 1
    return True


def _read_back(store: AttachmentStore, sha: str, what: str) -> int:
    size = 0
    for block in store.read(sha, what):
        size += len(block)
    return size


def _switch(ws: Workspace, actor: Actor, source: AttachmentStore, target: AttachmentStore, verified: set[str],
            result: MoveResult, progress: Progress | None) -> None:
    """Copy what was attached meanwhile, check every attachment's file is there, switch once."""
    from readiness.store.dbfiles import WorkspaceLock

    with ExitStack() as stack:
        waiting = lambda: log.info("waiting for commands that are storing files...")  # noqa: E731
        stack.enter_context(WorkspaceLock(ws.engine).exclusive(waiting=waiting))
        for store in (source, target):
            if store.kind == "folder":
                stack.enter_context(store.exclusive(waiting=waiting))
        with ws.session() as session:
            used = all_used(session)
        missing = []
        late = [sha for sha in sorted(used) if sha not in verified]
        for done, sha in enumerate(late, start=1):
            if source.has(sha) or target.has(sha):
                _copy_one(source, target, sha, result, required=True)
            else:
                missing.append(sha)
            if progress:
                progress("files attached meanwhile", done, len(late))
        if missing:
            raise InvalidValueError(
                f"{len(missing)} attached file(s) are in neither store here (e.g. {missing[0][:12]}...): attached "
                f"from another machine's folder, run `readiness files move --to {target.kind}` there too, or "
                f"`readiness verify`; {result.copied} file(s) copied so far stay, the workspace still uses the "
                f"{source.kind} store")
        with ws.session() as session:
            if store_kind(ws, session) == target.kind:  # another machine's move switched meanwhile
                result.already = True
                return
            set_store_kind(session, target.kind)  # type: ignore[arg-type]
            record_event(session, actor, "files.move", "workspace", None, None, {"name": "file store",
                         "file_store": source.kind}, {"name": "file store", "file_store": target.kind,
                                                      "files": len(used), "bytes": sum(used.values())})
        result.switched = True
    log.debug("moved %d file(s), %s", len(used), human_size(sum(used.values())))


def _tidy(source: AttachmentStore, target: AttachmentStore, progress: Progress | None) -> int:
    """Remove the old store's copies that the new one holds; under the old store's lock."""
    names = [sha for sha in source.names() if target.has(sha)]
    removed = 0
    with source.exclusive():
        for done, sha in enumerate(names, start=1):
            source.remove(sha)
            removed += 1
            if progress:
                progress("removing old copies", done, len(names))
    return removed


class _Stream:
    """The blocks of one store's ``read`` as a readable stream, for the other store's ``put_stream``."""

    def __init__(self, blocks: Iterable[bytes]):
        self.blocks = iter(blocks)
        self.pending = b""

    def read(self, n: int = -1) -> bytes:
        while len(self.pending) < n or n < 0:
            block = next(self.blocks, None)
            if block is None:
                break
            self.pending += block
        if n < 0:
            data, self.pending = self.pending, b""
        else:
            data, self.pending = self.pending[:n], self.pending[n:]
        return data
