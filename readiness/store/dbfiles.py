"""The workspace's attached files kept in its database, so every machine that reaches it reaches them.

Two tables (migration 0006)::

    file_chunk   (upload, seq) -> up to 1 MiB of bytes (bytea on PostgreSQL, BLOB on SQLite)
    file_object  sha256 -> the upload whose chunks are its bytes, its size and chunk count

A file is streamed in: read in 1 MiB blocks, hashed as it goes, each block written as a chunk
row under a new upload id and committed every few blocks, so memory stays flat whatever the
size and no transaction holds the database for long. Only once every chunk is committed does
the ``file_object`` row appear (same bytes already there: the new chunks are deleted again), so
a row never points to missing bytes. A process killed on the way leaves chunks no object names:
``readiness verify`` lists them, ``--prune`` deletes them. Reading goes chunk by chunk, hashed
while read, like the folder store; changed bytes are never passed on under the original SHA-256.

Removing objects races with commands storing them, as in the folder store, but across machines:
``WorkspaceLock`` is a PostgreSQL advisory lock (per schema) that a batch of attaches holds
**shared** until its rows are committed and a prune or a move holds **exclusively**; a killed
client's lock ends with its connection. On SQLite the same is an ``flock`` on a file beside the
database file (``...sqlite3.files-lock``), reachable by every workspace folder that uses it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from readiness.errors import InvalidValueError
from readiness.store.files import (
    _SHA256,
    DEFAULT_MAX_SIZE,
    Leftover,
    Reader,
    Scanned,
    StoredFile,
    _check_size,
    empty_file,
    lock_fd,
    open_regular,
    sniff,
)
from readiness.store.models import FileChunk, FileObject, utcnow

try:
    import fcntl
except ImportError:  # Windows: no flock; a single user's workspace there goes unlocked
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

CHUNK = 1 << 20
#: Chunks are committed every this many bytes: a killed process loses at most this much work,
#: and an SQLite writer waits at most for this much beside it.
COMMIT_BYTES = 16 << 20
#: Objects of one chunk are checked several at a time, up to this many bytes per query.
SCAN_BYTES = 16 << 20
#: First key of the advisory lock ("read"); the second is the hash of the schema's name, so that
#: workspaces in several schemas of one database do not wait for each other.
_LOCK_CLASS = 0x72656164

_CHUNKS = FileChunk.__table__  # type: ignore[attr-defined]
_OBJECTS = FileObject.__table__  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# The lock between storing and removing, across machines


class Held:
    """A shared hold of the workspace lock (see ``WorkspaceLock.shared``)."""

    def __init__(self, release: Callable[[], None], upgrade: Callable[[], bool]):
        self._release = release
        self._upgrade = upgrade
        self.released = False

    def try_upgrade(self) -> bool:
        """Hold it exclusively too, if no other command holds it; never waits."""
        return self._upgrade()

    def release(self) -> None:
        if not self.released:
            self.released = True
            self._release()


class WorkspaceLock:
    """Shared by commands between storing files and committing their rows; exclusive for a prune
    or the switch of a move. PostgreSQL: an advisory lock; SQLite: ``flock`` beside the file."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        self.path = Path(f"{database}.files-lock") if database and database != ":memory:" else None

    def shared(self) -> Held:
        if self.postgres:
            conn = self._pg_connection()
            try:
                self._pg(conn, "pg_advisory_lock_shared")
            except BaseException:
                conn.invalidate()
                conn.close()
                raise
            return Held(lambda: self._pg_release(conn), lambda: bool(self._pg(conn, "pg_try_advisory_lock")))
        fd = self._flock(exclusive=False)
        if fd is None:  # unlocked: alone (no flock here) may undo; beside others (no locks on this disk) not
            alone = fcntl is None or self.path is None
            return Held(lambda: None, lambda: alone)
        return Held(lambda: os.close(fd), lambda: _try_flock(fd))

    @contextmanager
    def exclusive(self, waiting: Callable[[], None] | None = None) -> Iterator[None]:
        """Wait until no command is between storing files and committing, and keep others out."""
        if self.postgres:
            conn = self._pg_connection()
            try:
                if not self._pg(conn, "pg_try_advisory_lock"):
                    if waiting:
                        waiting()
                    self._pg(conn, "pg_advisory_lock")
            except BaseException:
                conn.invalidate()
                conn.close()
                raise
            try:
                yield
            finally:
                self._pg_release(conn)
            return
        fd = self._flock(exclusive=True, waiting=waiting)
        try:
            yield
        finally:
            if fd is not None:
                os.close(fd)

    def _pg_connection(self) -> Connection:
        # Autocommit: the lock belongs to the session and must not keep a transaction open.
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    @staticmethod
    def _pg(conn: Connection, function: str) -> Any:
        from sqlalchemy import text

        return conn.execute(text(f"SELECT {function}(:cls, hashtext(current_schema()))"),
                            {"cls": _LOCK_CLASS}).scalar()

    @staticmethod
    def _pg_release(conn: Connection) -> None:
        from sqlalchemy import text

        try:
            conn.execute(text("SELECT pg_advisory_unlock_all()"))
        except Exception:
            conn.invalidate()  # the session ends, and its locks with it
        finally:
            conn.close()

    def _flock(self, *, exclusive: bool, waiting: Callable[[], None] | None = None) -> int | None:
        if fcntl is None or self.path is None:
            return None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except OSError as exc:
            if exclusive:
                raise InvalidValueError(f"{self.path}: cannot be opened to lock the file store ({exc.strerror}); "
                                        "nothing is removed from it") from None
            log.debug("the file store cannot be locked (%s); a failed command will leave its files", exc.strerror)
            return None
        return lock_fd(fd, exclusive=exclusive, waiting=waiting, where=self.path, disk="the database's disk")


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# The store


class DatabaseStore:
    """The content-addressed store in the workspace's database: the folder store's interface.

    ``in_use`` tells which SHA-256s attachment rows point to (for an undo); ``expect`` is called
    once a batch holds the lock and raises when the workspace no longer uses this store (a move
    switched it meanwhile).
    """

    kind = "database"

    def __init__(self, engine: Engine, lock: WorkspaceLock | None = None,
                 in_use: Callable[[Sequence[str]], set[str]] | None = None,
                 expect: Callable[[], None] | None = None):
        self.engine = engine
        self.lock = lock or WorkspaceLock(engine)
        self.in_use = in_use
        self.expect = expect

    def describe(self) -> str:
        return f"database ({'PostgreSQL' if self.engine.dialect.name == 'postgresql' else 'SQLite'})"

    def has(self, sha256: str) -> bool:
        _check_name(sha256)
        with self.engine.begin() as conn:
            return conn.execute(select(_OBJECTS.c.sha256).where(_OBJECTS.c.sha256 == sha256)).first() is not None

    def put(self, source: str | os.PathLike, *, max_size: int = DEFAULT_MAX_SIZE,
            progress: Callable[[int], None] | None = None) -> StoredFile:
        """Stream a regular file in; refuse links, devices, folders, empty and big files."""
        with open_regular(source, max_size) as src:
            return self._copy_in(src, os.fsdecode(source), max_size, progress)

    def put_stream(self, stream: IO[bytes], shown: str, *, max_size: int = DEFAULT_MAX_SIZE) -> StoredFile:
        """Store what a readable stream holds (a zip member, another store's object)."""
        return self._copy_in(Reader(stream), shown, max_size, None)

    def _copy_in(self, src: Any, shown: str, max_size: int, progress: Callable[[int], None] | None) -> StoredFile:
        upload = uuid.uuid4().hex
        digest = hashlib.sha256()
        size = seq = pending = 0
        head = b""
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        try:
            with self.engine.connect() as conn:
                write = _chunk_writer(conn)
                trans = _begin_chunks(conn)
                while n := _fill(src, view):
                    chunk = view[:n]
                    digest.update(chunk)
                    size += n
                    if size > max_size:  # the file grew while being read, or a stream
                        _check_size(size, max_size, shown)
                    if len(head) < 8192:
                        head += bytes(chunk[: 8192 - len(head)])
                    write(upload, seq, bytes(chunk))
                    seq += 1
                    pending += n
                    if pending >= COMMIT_BYTES:
                        trans.commit()
                        trans = _begin_chunks(conn)
                        pending = 0
                    if progress:
                        progress(n)
                trans.commit()
            if size == 0:  # a zip member, or a file emptied while being read
                raise InvalidValueError(empty_file(shown))
            sha = digest.hexdigest()
            zipped = _ChunkFile(self.engine, upload, size) if head.startswith(b"PK\x03\x04") else None
            media_type = sniff(head, cast(IO[bytes], zipped))
            created = self._publish(sha, upload, size, seq)
        except BaseException:
            self._drop_upload(upload)
            raise
        return StoredFile(sha, size, media_type, created)

    def _publish(self, sha: str, upload: str, size: int, chunks: int) -> bool:
        """The object row for a complete upload; False when the bytes were there already."""
        with self.engine.begin() as conn:
            have = conn.execute(select(func.count()).select_from(_CHUNKS).where(_CHUNKS.c.upload == upload)).scalar()
            if have != chunks:  # a prune took a stalled upload's chunks: no row without its bytes
                raise InvalidValueError(f"{sha[:12]}...: part of the file was removed from the store while it was "
                                        "stored; nothing was kept: run the command again")
            conn.execute(_insert_ignoring_duplicates(conn).values(
                sha256=sha, upload=upload, size=size, chunks=chunks, touched_at=utcnow()))
            owner, owner_chunks = conn.execute(select(_OBJECTS.c.upload, _OBJECTS.c.chunks)
                                               .where(_OBJECTS.c.sha256 == sha)).one()
            if owner == upload:
                return True
            have = conn.execute(select(func.count()).select_from(_CHUNKS).where(_CHUNKS.c.upload == owner)).scalar()
            if have == owner_chunks:  # the same bytes are there already: ours go
                conn.execute(update(_OBJECTS).where(_OBJECTS.c.sha256 == sha).values(touched_at=utcnow()))
                conn.execute(delete(_CHUNKS).where(_CHUNKS.c.upload == upload))
            else:  # the stored copy lost chunks: ours replace it
                conn.execute(update(_OBJECTS).where(_OBJECTS.c.sha256 == sha)
                             .values(upload=upload, chunks=chunks, touched_at=utcnow()))
                conn.execute(delete(_CHUNKS).where(_CHUNKS.c.upload == owner))
        return False

    def _drop_upload(self, upload: str, conn: Connection | None = None) -> None:
        """Delete the chunks of an upload that no object names (a failed put); if the database is
        what failed, they stay for ``verify --prune``."""
        named = select(_OBJECTS.c.upload).where(_OBJECTS.c.upload == upload).exists()
        if conn is not None:
            conn.execute(delete(_CHUNKS).where(_CHUNKS.c.upload == upload, ~named))
            return
        try:
            with self.engine.begin() as own:
                own.execute(delete(_CHUNKS).where(_CHUNKS.c.upload == upload, ~named))
        except Exception:
            log.debug("the chunks of a failed upload are left for `readiness verify --prune`")

    @contextmanager
    def batch(self) -> Iterator[DatabaseBatch]:
        """Store a command's files while it commits its rows; undo them if it fails (see the folder store)."""
        batch = DatabaseBatch(self)
        try:
            yield batch
        except BaseException:
            if batch.stored:
                self._undo(batch.held, batch.stored)
            raise
        finally:
            if batch.held is not None:
                batch.held.release()

    def exclusive(self, waiting: Callable[[], None] | None = None) -> Any:
        return self.lock.exclusive(waiting)

    def _undo(self, held: Held | None, stored: Iterable[StoredFile]) -> None:
        created = list(dict.fromkeys(f.sha256 for f in stored if f.created))
        if not created:
            return
        if held is None or not held.try_upgrade():
            log.debug("store busy: %d new file(s) left for `readiness verify --prune`", len(created))
            return
        try:
            used = self.in_use(created) if self.in_use else set()
        except Exception:
            log.debug("attachment rows unreadable: %d new file(s) left for `readiness verify --prune`", len(created))
            return
        for sha in created:
            if sha not in used:
                self.remove(sha)

    def undo(self, stored: Iterable[StoredFile]) -> None:
        held = self.lock.shared()
        try:
            self._undo(held, stored)
        finally:
            held.release()

    def read(self, sha256: str, what: str, *, size: int | None = None) -> Iterator[bytes]:
        """The bytes of a stored object, chunk by chunk, checked while they are read (see the folder store)."""
        _check_name(sha256)
        changed = InvalidValueError(f"{what}: its stored file has changed (the bytes no longer match SHA-256 "
                                    f"{sha256[:12]}...); run `readiness verify`")
        with self.engine.connect() as conn:
            with conn.begin():
                row = conn.execute(select(_OBJECTS.c.upload, _OBJECTS.c.size, _OBJECTS.c.chunks)
                                   .where(_OBJECTS.c.sha256 == sha256)).first()
            if row is None:
                raise InvalidValueError(f"{what} is missing from the store; run `readiness verify`")
            digest = hashlib.sha256()
            total = 0
            for seq in range(row.chunks):
                with conn.begin():
                    data = conn.execute(select(_CHUNKS.c.data).where(_CHUNKS.c.upload == row.upload,
                                                                     _CHUNKS.c.seq == seq)).scalar()
                if data is None:
                    raise changed
                data = bytes(data)
                digest.update(data)
                total += len(data)
                if size is not None and total > size:
                    break
                yield data
        if digest.hexdigest() != sha256 or total != row.size or (size is not None and total != size):
            raise changed

    def read_bytes(self, sha256: str, what: str, *, size: int | None = None) -> bytes:
        """``read`` into memory, for a file that is embedded whole (the dossier)."""
        return b"".join(self.read(sha256, what, size=size))

    def remove(self, sha256: str, conn: Connection | None = None) -> None:
        """Delete an object and its chunks, in one transaction (``conn``'s, when given: a prune
        removes in the transaction that read the attachment rows, which on SQLite holds the lock)."""
        if conn is None:
            with self.engine.begin() as own:
                return self.remove(sha256, own)
        upload = conn.execute(select(_OBJECTS.c.upload).where(_OBJECTS.c.sha256 == sha256)).scalar()
        if upload is None:
            return
        conn.execute(delete(_OBJECTS).where(_OBJECTS.c.sha256 == sha256))
        conn.execute(delete(_CHUNKS).where(_CHUNKS.c.upload == upload))

    def names(self) -> Iterator[str]:
        with self.engine.begin() as conn:
            names = list(conn.execute(select(_OBJECTS.c.sha256).order_by(_OBJECTS.c.sha256)).scalars())
        yield from names

    def scan(self) -> Iterator[Scanned]:
        """Every object, its chunks hashed now; small ones several to a query."""
        with self.engine.begin() as conn:
            rows = conn.execute(select(_OBJECTS.c.sha256, _OBJECTS.c.upload, _OBJECTS.c.size, _OBJECTS.c.chunks,
                                       _OBJECTS.c.touched_at).order_by(_OBJECTS.c.sha256)).all()
        group: list[Any] = []
        group_bytes = 0
        for row in rows:
            if row.chunks == 1 and row.size <= CHUNK:
                group.append(row)
                group_bytes += row.size
                if group_bytes >= SCAN_BYTES or len(group) >= 500:
                    yield from self._scan_small(group)
                    group, group_bytes = [], 0
                continue
            digest = hashlib.sha256()
            with self.engine.connect() as conn:
                for seq in range(row.chunks):
                    with conn.begin():
                        data = conn.execute(select(_CHUNKS.c.data).where(_CHUNKS.c.upload == row.upload,
                                                                         _CHUNKS.c.seq == seq)).scalar()
                    if data is not None:
                        digest.update(data)
            yield Scanned(row.sha256, row.size, digest.hexdigest(), "database", _seconds(row.touched_at))
        yield from self._scan_small(group)

    def _scan_small(self, rows: list[Any]) -> Iterator[Scanned]:
        if not rows:
            return
        with self.engine.begin() as conn:
            found: dict[str, bytes] = dict(conn.execute(select(_CHUNKS.c.upload, _CHUNKS.c.data).where(
                _CHUNKS.c.upload.in_([r.upload for r in rows]), _CHUNKS.c.seq == 0)).all())
        for row in rows:
            data = found.get(row.upload)
            actual = hashlib.sha256(data).hexdigest() if data is not None else hashlib.sha256().hexdigest()
            yield Scanned(row.sha256, row.size, actual, "database", _seconds(row.touched_at))

    def partial(self) -> list[Leftover]:
        """Uploads whose chunks no object names: left by a killed process (or one storing now)."""
        named = select(_OBJECTS.c.upload).where(_OBJECTS.c.upload == _CHUNKS.c.upload).exists()
        with self.engine.begin() as conn:
            rows = conn.execute(select(_CHUNKS.c.upload, func.count(), func.sum(func.length(_CHUNKS.c.data)),
                                       func.max(_CHUNKS.c.written_at))
                                .where(~named).group_by(_CHUNKS.c.upload).order_by(_CHUNKS.c.upload)).all()
        return [Leftover(upload, f"upload {upload[:12]}... ({count} chunk(s))", int(size or 0), _seconds(at))
                for upload, count, size, at in rows]

    def remove_leftover(self, ref: str, conn: Connection | None = None) -> None:
        self._drop_upload(ref, conn)


class DatabaseBatch:
    """The files one command stores in the database store (see ``DatabaseStore.batch``)."""

    def __init__(self, store: DatabaseStore):
        self.store = store
        self.stored: list[StoredFile] = []
        self.held: Held | None = None

    def _lock(self) -> None:
        if self.held is None:
            self.held = self.store.lock.shared()
            if self.store.expect is not None:
                self.store.expect()

    def put(self, source: str | os.PathLike, **options: Any) -> StoredFile:
        self._lock()
        got = self.store.put(source, **options)
        self.stored.append(got)
        return got

    def put_stream(self, stream: IO[bytes], shown: str, **options: Any) -> StoredFile:
        self._lock()
        got = self.store.put_stream(stream, shown, **options)
        self.stored.append(got)
        return got


class _ChunkFile(io.RawIOBase):
    """A stored upload as a seekable file, one chunk in memory: for reading a zip's member names."""

    def __init__(self, engine: Engine, upload: str, size: int):
        self.engine = engine
        self.upload = upload
        self.size = size
        self.pos = 0
        self.cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, buffer: Any) -> int:
        if self.pos >= self.size:
            return 0
        seq, offset = divmod(self.pos, CHUNK)
        if self.cached is None or self.cached[0] != seq:
            with self.engine.begin() as conn:
                data = conn.execute(select(_CHUNKS.c.data).where(_CHUNKS.c.upload == self.upload,
                                                                 _CHUNKS.c.seq == seq)).scalar()
            self.cached = (seq, bytes(data or b""))
        part = self.cached[1][offset: offset + len(buffer)]
        if not part:
            return 0
        buffer[: len(part)] = part
        self.pos += len(part)
        return len(part)


def _chunk_writer(conn: Connection) -> Callable[[str, int, bytes], None]:
    """Inserts one chunk in ``conn``'s transaction.

    On PostgreSQL the bytes go through the driver in binary (no hex text to encode and decode),
    and the chunks' transactions do not wait for their commit to reach the disk: the object's
    row, committed after them with the default synchronous commit, flushes the log up to and
    including them, so no object row is ever durable without its chunks.
    """
    if conn.dialect.name != "postgresql":
        def write(upload: str, seq: int, data: bytes) -> None:
            conn.execute(_CHUNKS.insert(), {"upload": upload, "seq": seq, "data": data, "written_at": utcnow()})
        return write

    driver: Any = conn.connection.driver_connection

    def write_pg(upload: str, seq: int, data: bytes) -> None:
        driver.execute("INSERT INTO file_chunk (upload, seq, data, written_at) VALUES (%s, %s, %b, %s)",
                       (upload, seq, data, utcnow()))
    return write_pg


def _begin_chunks(conn: Connection) -> Any:
    """A transaction for chunks (see ``_chunk_writer``)."""
    trans = conn.begin()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
    return trans


def _fill(src: Any, view: memoryview) -> int:
    """Read until ``view`` is full or the source ends: every chunk but the last is whole."""
    got = 0
    while got < len(view):
        n = src.readinto(view[got:])
        if not n:
            break
        got += n
    return got


def _insert_ignoring_duplicates(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(_OBJECTS).on_conflict_do_nothing(index_elements=["sha256"])
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(_OBJECTS).on_conflict_do_nothing(index_elements=["sha256"])


def _check_name(sha256: str) -> None:
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")


def _seconds(at: Any) -> float:
    if at is None:
        return 0.0
    from readiness.dates import as_utc

    return as_utc(at).timestamp()
