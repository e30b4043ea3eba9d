"""The workspace's store of attached files, addressed by content (SHA-256).

Layout under the workspace's ``files/`` folder::

    objects/ab/ab3f...e9     the bytes of one file, named by its SHA-256
    tmp/                     files being written; anything left here is from a killed process

A file is streamed in 1 MiB blocks (memory stays flat whatever its size), hashed while it is
copied to a temporary name, synced to disk, then renamed into place, so the store never holds a
partial object under a real name. The same bytes are stored once. A file reaches the store
before the database row that points to it: a process killed in between leaves an unreferenced
object, which ``readiness verify`` reports and ``--prune`` removes, never a row without bytes.
An empty file is refused (it would satisfy a "file attached" criterion with nothing), and so is
a file the disk has no room for, with the temporary copy removed.

Removing objects races with commands that are storing them. The store's folder is locked with
``flock``: a command holds it **shared** from before its first stored object until its rows are
committed (``FileStore.batch``), and whoever removes objects takes it **exclusively**
(``verify --prune`` waits for it; a failed command's undo tries once and, when another command
is in flight, leaves its objects for ``--prune``). Under the exclusive lock no object is stored
but uncommitted, so the attachment rows alone say which objects are in use: an undo or a prune
never removes an object a row points to, whichever command stored it. A lock rather than a list
of pending hashes, because a killed process's lock goes with it, where a list would need its own
clean-up, and because commands that store files are short next to the wait they may cause.

Reading goes through ``FileStore.read``: an object is opened without following a link, must be
a regular file, and is hashed while it is read, so replaced bytes are never passed on under the
original SHA-256.

The name a user gave a file is never used as a path; it is kept on the attachment row only.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from readiness.errors import InvalidValueError

try:
    import fcntl
except ImportError:  # Windows: no flock; a single user's workspace there goes unlocked
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

BLOCK = 1 << 20
DEFAULT_MAX_SIZE = 200 * 1000 * 1000
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?", re.IGNORECASE)


@dataclass(frozen=True)
class StoredFile:
    """What the store knows of a file it holds."""

    sha256: str
    size: int
    media_type: str
    #: True when this call put the bytes in the store (they were not there before), so a
    #: command that fails afterwards can take them out again (see ``FileStore.undo``).
    created: bool = field(default=False, compare=False)


def parse_size(text: str | int) -> int:
    """"200MB", "2G", "500k" or a number of bytes -> bytes (decimal units: 1 MB = 1,000,000)."""
    if isinstance(text, int):
        return text
    m = _SIZE.fullmatch(text.strip())
    if not m:
        raise InvalidValueError(f"size {text!r}: write a number of bytes or e.g. 200MB, 2GB")
    factor = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}[m[2].lower()]
    return int(float(m[1]) * factor)


def human_size(size: int) -> str:
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


def display_name(path: str | os.PathLike) -> str:
    """The file's own name as given, kept as text even when its bytes are not valid UTF-8.

    Undecodable bytes (a name from an old system) become ``\\xNN`` so that nothing is lost and
    the database gets valid text; control characters stay as they are (they are escaped only
    when shown).
    """
    raw = os.fsencode(path)
    base = raw.rstrip(b"/").rsplit(b"/", 1)[-1] or raw
    return base.decode("utf-8", "backslashreplace").replace("\x00", "\\x00")


def empty_file(shown: str) -> str:
    """The one line that refuses an empty file, wherever it comes in."""
    return f"{shown} is empty (0 bytes): attach the real document"


#: Longest attachment name, in UTF-8 bytes (what most file systems allow for one name).
MAX_NAME_BYTES = 255


def check_attachment_name(name: str) -> str:
    """An attachment's name: not empty, at most 255 UTF-8 bytes, no NUL. Like ``display_name``
    (what `evidence attach` keeps), other control characters stay as given: every place that
    shows a name escapes them (``output.safe``), so a line break cannot forge a line."""
    if not name or not name.strip():
        raise InvalidValueError("the attachment name is empty")
    size = len(name.encode("utf-8", "surrogatepass"))
    if size > MAX_NAME_BYTES:
        raise InvalidValueError(
            f"the attachment name {name[:40]!r}... is {size:,} bytes long; at most {MAX_NAME_BYTES}")
    if "\x00" in name:
        raise InvalidValueError(f"the attachment name {name[:80]!r} holds a NUL character; rename it")
    return name


@dataclass(frozen=True)
class Scanned:
    """One object a store holds, as ``scan`` found it: ``actual`` is the SHA-256 its bytes have
    now (None when it is not a stored object at all: a stray file in the folder)."""

    name: str
    size: int
    actual: str | None
    where: str
    #: when it was stored or last found already stored (seconds since the epoch): a prune leaves
    #: objects touched after its check began.
    touched: float


@dataclass(frozen=True)
class Leftover:
    """What a killed process left while storing a file: a temporary copy, or chunks without an object."""

    ref: str
    name: str
    size: int
    touched: float


#: Called at a batch's first stored file: takes the workspace's shared lock against a move of the
#: store (and checks the workspace still uses this store); returns what releases it.
Guard = Callable[[], Callable[[], None]]


class FileStore:
    """The content-addressed store in a workspace folder.

    ``in_use`` tells, for some SHA-256s, which ones attachment rows point to (see
    ``store.stores.workspace_store``); without it an undo takes every object the command created.
    ``guard`` is taken by a batch beside the folder's own lock (see ``Guard``).
    """

    kind = "folder"

    def __init__(self, root: Path, in_use: Callable[[Sequence[str]], set[str]] | None = None,
                 guard: Guard | None = None):
        self.root = root
        self.objects = root / "objects"
        self.tmp = root / "tmp"
        self.in_use = in_use
        self.guard = guard

    def describe(self) -> str:
        """Where the files are, for ``readiness workspace`` and messages."""
        return f"folder {self.root}"

    def path_of(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.objects / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def put(self, source: str | os.PathLike, *, max_size: int = DEFAULT_MAX_SIZE,
            progress: Callable[[int], None] | None = None) -> StoredFile:
        """Copy a regular file into the store; refuse links, devices, folders and big files
        (``open_regular``)."""
        shown = os.fsdecode(source)
        with open_regular(source, max_size) as src:
            return self._copy_in(src, shown, max_size, progress)

    def put_stream(self, stream: IO[bytes], shown: str, *, max_size: int = DEFAULT_MAX_SIZE) -> StoredFile:
        """Store what a readable stream holds (a member of a zip being imported)."""
        return self._copy_in(Reader(stream), shown, max_size, None)

    def _copy_in(self, src, shown: str, max_size: int,  # type: ignore[no-untyped-def]
                 progress: Callable[[int], None] | None) -> StoredFile:
        digest = hashlib.sha256()
        size = 0
        head = b""
        buffer = bytearray(BLOCK)
        view = memoryview(buffer)
        tmp_name = None
        try:
            try:
                self.tmp.mkdir(parents=True, exist_ok=True)
                fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="in-")
                out = os.fdopen(fd, "wb", buffering=0)
            except OSError as exc:
                raise _write_error(exc, shown) from None
            with out:
                while True:
                    n = src.readinto(buffer)
                    if not n:
                        break
                    chunk = view[:n]
                    digest.update(chunk)
                    try:
                        out.write(chunk)
                    except OSError as exc:
                        raise _write_error(exc, shown) from None
                    if len(head) < 8192:
                        head += bytes(chunk[: 8192 - len(head)])
                    size += n
                    if size > max_size:  # the file grew while being read
                        _check_size(size, max_size, shown)
                    if progress:
                        progress(n)
                if size == 0:  # a zip member, or a file emptied while being read
                    raise InvalidValueError(empty_file(shown))
                try:
                    os.fsync(out.fileno())
                except OSError as exc:
                    raise _write_error(exc, shown) from None
            sha = digest.hexdigest()
            final = self.path_of(sha)
            created = False
            try:
                if final.is_file() and final.stat().st_size == size:
                    os.unlink(tmp_name)  # the same bytes are there already
                    os.utime(final)  # fresh again, so a concurrent prune leaves it (see store/check.py)
                else:
                    final.parent.mkdir(parents=True, exist_ok=True)
                    os.chmod(tmp_name, 0o444)
                    os.replace(tmp_name, final)
                    _fsync_dir(final.parent)
                    created = True
            except OSError as exc:
                raise _write_error(exc, shown) from None
        except BaseException:
            if tmp_name is not None:
                try:
                    os.unlink(tmp_name)
                except FileNotFoundError:
                    pass
            raise
        return StoredFile(sha, size, sniff(head, final), created)

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Store a command's files while it commits its rows; undo them if it fails.

        The store is locked shared from before the first file is stored until the block ends
        (after the command's transaction has committed), so no prune or undo elsewhere removes
        an object this command has stored, or found already stored, before its row protects it.
        """
        batch = Batch(self)
        try:
            yield batch
        except BaseException:
            if batch.stored:
                self._undo(batch.fd, batch.stored)
            raise
        finally:
            if batch.fd is not None:
                os.close(batch.fd)  # releases the lock
            if batch.release is not None:
                batch.release()

    @contextmanager
    def exclusive(self, waiting: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the store for removing objects: no command is between storing and committing.

        ``waiting`` is called once when another command holds the store and this must wait.
        """
        fd = self._lock(exclusive=True, waiting=waiting)
        try:
            yield
        finally:
            if fd is not None:
                os.close(fd)

    def _lock(self, *, exclusive: bool, waiting: Callable[[], None] | None = None) -> int | None:
        if fcntl is None:
            return None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError as exc:
            raise _write_error(exc, str(self.root)) from None
        return lock_fd(fd, exclusive=exclusive, waiting=waiting, where=self.root, disk="the workspace's disk")

    def _undo(self, fd: int | None, stored: Iterable[StoredFile]) -> None:
        """Take out the objects a failed command created that no attachment row uses.

        Decided under the exclusive lock, tried once: while another command is between
        storing and committing, the objects stay (unreferenced at worst; ``verify --prune``
        takes them later). When the rows cannot be read, the objects stay too.
        """
        created = list(dict.fromkeys(f.sha256 for f in stored if f.created))
        if not created:
            return
        if fcntl is not None:
            try:
                if fd is None:  # the store could not be locked: no undo can be sure
                    raise OSError(errno.ENOLCK, "no lock")
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                log.debug("store busy: %d new file(s) left for `readiness verify --prune`", len(created))
                return
        try:
            used = self.in_use(created) if self.in_use else set()
        except Exception:  # the database is what failed: keep the files rather than guess
            log.debug("attachment rows unreadable: %d new file(s) left for `readiness verify --prune`", len(created))
            return
        for sha in created:
            if sha not in used:
                self.remove(sha)

    def undo(self, stored: Iterable[StoredFile]) -> None:
        """Take out the files a failed command put in that no attachment row uses (see ``batch``)."""
        fd = self._lock(exclusive=False)
        try:
            self._undo(fd, stored)
        finally:
            if fd is not None:
                os.close(fd)

    def read(self, sha256: str, what: str, *, size: int | None = None) -> Iterator[bytes]:
        """The bytes of a stored object, in blocks, checked while they are read.

        The object is opened without following a link and must be a regular file; its bytes
        must hash to its name (and come to ``size`` when given). Otherwise one error names
        ``what`` (the record and file name) and points to ``readiness verify``. The error for
        changed bytes comes after the last block: write them somewhere temporary.
        """
        path = self.path_of(sha256)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            raise InvalidValueError(f"{what} is missing from the store; run `readiness verify`") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InvalidValueError(f"{what}: the store holds a link in place of its file; "
                                        "run `readiness verify`") from None
            raise InvalidValueError(f"{what}: its stored file cannot be read: {exc.strerror}; "
                                    "run `readiness verify`") from None
        with os.fdopen(fd, "rb", buffering=0) as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise InvalidValueError(f"{what}: the store holds something other than a file in its place; "
                                        "run `readiness verify`")
            digest = hashlib.sha256()
            total = 0
            limit = None if size is None else size + 1
            while True:
                block = f.read(BLOCK if limit is None else min(BLOCK, limit - total))
                if not block:
                    break
                digest.update(block)
                total += len(block)
                if size is not None and total > size:
                    break
                yield block
        if digest.hexdigest() != sha256 or (size is not None and total != size):
            raise InvalidValueError(f"{what}: its stored file has changed (the bytes no longer match SHA-256 "
                                    f"{sha256[:12]}...); run `readiness verify`")

    def read_bytes(self, sha256: str, what: str, *, size: int | None = None) -> bytes:
        """``read`` into memory, for a file that is embedded whole (the dossier)."""
        return b"".join(self.read(sha256, what, size=size))

    def remove(self, sha256: str, conn: object = None) -> None:
        """Delete an object (``conn``: the database store's; unused here)."""
        try:
            self.path_of(sha256).unlink()
        except FileNotFoundError:
            pass

    def objects_on_disk(self) -> Iterator[tuple[str, Path]]:
        """Every object file as (name, path); names that are not a SHA-256 are yielded too."""
        if not self.objects.is_dir():
            return
        for folder in sorted(self.objects.iterdir()):
            if not folder.is_dir():
                yield folder.name, folder
                continue
            for path in sorted(folder.iterdir()):
                yield path.name, path

    def leftovers(self) -> list[Path]:
        """Temporary files left by a process that was killed while copying a file in."""
        return sorted(self.tmp.iterdir()) if self.tmp.is_dir() else []

    def scan(self) -> Iterator[Scanned]:
        """Every object, hashed now; a file in ``objects/`` that is not a stored object has ``actual`` None."""
        for name, path in self.objects_on_disk():
            if not path.is_file() or path.is_symlink() or len(name) != 64 or path.parent.name != name[:2]:
                yield Scanned(name, 0, None, str(path), 0.0)
                continue
            info = path.stat()
            yield Scanned(name, info.st_size, self.hash_of(path), str(path), info.st_mtime)

    def partial(self) -> list[Leftover]:
        """What killed processes left (``leftovers``), as ``check`` lists them."""
        found = []
        for path in self.leftovers():
            try:
                info = path.lstat()
            except FileNotFoundError:
                continue
            found.append(Leftover(str(path), path.name, info.st_size, info.st_mtime))
        return found

    def remove_leftover(self, ref: str, conn: object = None) -> None:
        path = Path(ref)
        if path.parent == self.tmp:
            path.unlink(missing_ok=True)

    def names(self) -> Iterator[str]:
        """The SHA-256 of every stored object (what a move copies)."""
        for name, path in self.objects_on_disk():
            if len(name) == 64 and _SHA256.fullmatch(name) and path.is_file() and not path.is_symlink():
                yield name

    def hash_of(self, path: Path) -> str:
        digest = hashlib.sha256()
        buffer = bytearray(BLOCK)
        view = memoryview(buffer)
        with open(path, "rb", buffering=0) as f:
            while n := f.readinto(buffer):
                digest.update(view[:n])
        return digest.hexdigest()


class Batch:
    """The files one command stores (see ``FileStore.batch``): ``put`` and ``put_stream`` as the store's."""

    def __init__(self, store: FileStore):
        self.store = store
        self.stored: list[StoredFile] = []
        self.fd: int | None = None
        self.release: Callable[[], None] | None = None
        self._locked = False

    def _lock(self) -> None:
        if not self._locked:
            if self.store.guard is not None:
                self.release = self.store.guard()
            self._locked = True
            self.fd = self.store._lock(exclusive=False)

    def put(self, source: str | os.PathLike, **options) -> StoredFile:  # type: ignore[no-untyped-def]
        self._lock()
        got = self.store.put(source, **options)
        self.stored.append(got)
        return got

    def put_stream(self, stream: IO[bytes], shown: str, **options) -> StoredFile:  # type: ignore[no-untyped-def]
        self._lock()
        got = self.store.put_stream(stream, shown, **options)
        self.stored.append(got)
        return got


def lock_fd(fd: int, *, exclusive: bool, waiting: Callable[[], None] | None, where: Path | str,
            disk: str) -> int | None:
    """Take ``flock`` on ``fd`` (shared or exclusive, calling ``waiting`` once before blocking):
    ``fd``, or None (``fd`` closed) on a file system without locks, where files are stored but a
    removal (the exclusive lock) is refused, naming ``where`` and the ``disk`` to run it on.
    Shared by the folder store and the database store's SQLite lock file."""
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting()
            fcntl.flock(fd, mode)
    except OSError as exc:  # a file system without locks: store, but never remove
        os.close(fd)
        if exclusive:
            raise InvalidValueError(f"{where}: the file store cannot be locked ({exc.strerror}), so nothing "
                                    f"is removed from it; run this where {disk} is local") from None
        log.debug("the file store cannot be locked (%s); a failed command will leave its files", exc.strerror)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _write_error(exc: OSError, shown: str) -> InvalidValueError:
    """One line for a store that cannot take a file: the disk is full, or another reason."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return InvalidValueError(f"{shown}: the disk is full (no space left for the file store); "
                                 "nothing was stored: free some space and try again")
    return InvalidValueError(f"{shown}: cannot be written to the file store: {exc.strerror or exc}; nothing was stored")


def open_regular(source: str | os.PathLike, max_size: int) -> IO[bytes]:
    """Open a file to store: a regular file, not empty, within ``max_size``; refuse links, devices,
    folders and big files, each in one line naming it.

    The file is opened without following a symbolic link and checked on the open handle, so it
    cannot be swapped for a link between the check and the read.
    """
    shown = os.fsdecode(source)
    try:
        info = os.lstat(source)
    except FileNotFoundError:
        raise InvalidValueError(f"{shown}: no such file") from None
    except OSError as exc:
        raise InvalidValueError(f"{shown}: cannot be read: {exc.strerror}") from None
    _check_kind(info, shown)
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InvalidValueError(f"{shown}: cannot be read: {exc.strerror}") from None
    src = os.fdopen(fd, "rb", buffering=0)
    try:
        info = os.fstat(src.fileno())
        _check_kind(info, shown)
        _check_size(info.st_size, max_size, shown)
        if info.st_size == 0:
            raise InvalidValueError(empty_file(shown))
    except BaseException:
        src.close()
        raise
    return src


class Reader:
    """``readinto`` for streams that only have ``read`` (zip members)."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream

    def readinto(self, buffer: bytearray) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _check_kind(info: os.stat_result, shown: str) -> None:
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        raise InvalidValueError(f"{shown}: is a symbolic link; attach the file it points to instead")
    if stat.S_ISDIR(mode):
        raise InvalidValueError(f"{shown}: is a folder; attach the files in it one by one")
    if not stat.S_ISREG(mode):
        raise InvalidValueError(f"{shown}: is a device, pipe or socket, not a file; only regular files can be attached")


def _check_size(size: int, max_size: int, shown: str) -> None:
    if size > max_size:
        raise InvalidValueError(
            f"{shown}: {human_size(size)} is over the limit of {human_size(max_size)}; "
            "compress or split it, or raise the limit with --max-size (env READINESS_MAX_FILE_SIZE)")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# Media types, from the bytes rather than the name

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # old .doc / .xls
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"\x7fELF", "application/x-executable"),
    (b"MZ", "application/x-msdownload"),
)
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def sniff(head: bytes, path: Path | IO[bytes] | None = None) -> str:
    """The media type of a file from its first bytes (and, for zip files, its member names)."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}[head[8:12]]
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(head, path)
    return _text_type(head)


def _zip_type(head: bytes, path: Path | IO[bytes] | None) -> str:
    if head[30:38] == b"mimetype":  # OpenDocument: the first member names the type
        end = head.find(b"PK", 38)
        declared = head[38:end if end > 0 else 38 + 80].decode("ascii", "replace").strip()
        if declared.startswith("application/vnd.oasis"):
            return declared
    if path is not None:
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return "application/zip"
        for prefix, media_type in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return media_type
    return "application/zip"


def _text_type(head: bytes) -> str:
    if not head:
        return "application/x-empty"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text/plain"
    if b"\x00" in head:
        return "application/octet-stream"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the 8 KiB boundary
            return "application/octet-stream"
        text = head[: exc.start].decode("utf-8")
    start = text.lstrip("\ufeff \t\r\n")[:256].lower()
    if start.startswith(("<!doctype html", "<html")):
        return "text/html"
    if start.startswith("<?xml"):
        return "image/svg+xml" if "<svg" in text[:2048].lower() else "application/xml"
    if start.startswith("<svg"):
        return "image/svg+xml"
    return "text/plain"


def write_atomically(path: Path, data: bytes, *, option: str = "-o") -> Path:
    """Write ``data`` to ``path`` as a whole or not at all: a unique temporary file in the same
    folder (O_EXCL, so a link planted beside it is never followed), synced, then renamed over
    ``path``. The new file gets the mode a newly made file gets under the umask.

    Only a regular file (or nothing) is replaced: a device, a folder or a socket at ``path`` is
    refused, never swapped for a file. Any failure is one error naming ``option`` and ``path``.
    """
    if path.exists() and not path.is_file():
        raise InvalidValueError(f"{option} {path}: is not a regular file (a folder or a device); give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InvalidValueError(f"{option} {path}: no folder {parent}")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o666 & ~_umask())  # mkstemp makes it private
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise InvalidValueError(f"{option} {path}: cannot write it: {exc.strerror}") from None
    return path


def _umask() -> int:
    """The process's umask, read without changing it (Linux shows it in /proc; elsewhere the
    set-and-restore fallback, which briefly changes a process-wide setting)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
