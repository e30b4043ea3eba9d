"""Uploads read as they arrive: files written to a fresh temporary folder, never held in memory.

Starlette's ``request.form()`` spools every part before a route sees it, so a 200 MB file is
read whole before anyone can say it is too large. ``receive`` instead feeds ``request.stream()``
to python-multipart's streaming parser (``python_multipart.MultipartParser``) and writes each
file part to a temporary file of its own (named by its position, never by what the browser
sent), stopping with ``UploadTooLargeError`` (413) as soon as a part passes the limit, or
before reading anything when ``Content-Length`` already says the whole is too large.

CSRF: the ``X-CSRF-Token`` header (the upload script sends it), or the ``csrf`` field when it
comes before the first file (the plain form puts its hidden field first); a file part that
arrives before the token is checked is refused before a byte of it is written.

The size limit is ``DEFAULT_MAX_SIZE`` (what ``attach_files`` and ``--max-size`` use), or the
environment's ``READINESS_MAX_UPLOAD`` (``50MB``, ``2GB``, bytes), or ``app.state.max_upload``
(tests set it). The caller removes the folder (``Upload.close``), whatever happens.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from fastapi import Request

from readiness.errors import InvalidValueError
from readiness.web import security
from readiness.web.errors import CsrfError, UploadTooLargeError

ENV = "READINESS_MAX_UPLOAD"
#: Files one request may carry (the JS sends them all in one request).
MAX_FILES = 50
#: The longest plain field of an upload form (the csrf token, a note).
MAX_FIELD = 10_000
#: Room for the multipart boundaries and part headers on top of the files themselves.
OVERHEAD = 1_000_000


def max_upload(request: Request) -> int:
    """The largest file one may upload to this app, in bytes."""
    from readiness.store.files import DEFAULT_MAX_SIZE, parse_size

    value = getattr(request.app.state, "max_upload", None)
    if value is None:
        text = os.environ.get(ENV)
        value = parse_size(text) if text else DEFAULT_MAX_SIZE
    return int(value)


def file_name(sent: str) -> str:
    """The name to keep for a file a browser sent: its last path part only (``../../x`` is
    ``x``; old browsers send ``C:\\fakepath\\x``), NUL and control characters taken out."""
    base = re.split(r"[\\/]", sent)[-1]
    base = "".join(ch for ch in base if ch >= " " and ch != "\x7f").strip()
    return base if base not in ("", ".", "..") else "file"


@dataclass
class Upload:
    """What an upload brought: its plain fields and its files as (name as sent, temporary path)."""

    folder: Path
    fields: dict[str, str] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def check_csrf_header(request: Request) -> bool:
    """True when the request carries a right ``X-CSRF-Token`` (or is a program's bearer request);
    a wrong header is refused at once; no header leaves the check to the form's field."""
    if security.is_bearer(request):
        return True
    sent = request.headers.get(security.CSRF_HEADER)
    if sent is None:
        return False
    if not security.csrf_matches(security.csrf_source(request), sent):
        raise CsrfError("the upload's CSRF token is wrong")
    return True


def refuse_too_large(request: Request, limit: int) -> None:
    """Refuse, before reading, a body ``Content-Length`` says is larger than any upload may be."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit * MAX_FILES + OVERHEAD:
        raise UploadTooLargeError(f"the upload is {int(length):,} bytes; at most {limit:,} bytes a file")


class _Parts:
    """python-multipart's callbacks for one upload: each file part to its own temporary file,
    each plain field kept (short), the CSRF field checked when it arrives."""

    def __init__(self, request: Request, upload: Upload, limit: int, csrf_checked: bool):
        self.request, self.upload, self.limit, self.csrf = request, upload, limit, csrf_checked
        self.headers: dict[bytes, bytes] = {}
        self.header_field = self.header_value = self.value = b""
        self.name = ""
        self.filename: str | None = None
        self.path: Path | None = None
        self.out: IO[bytes] | None = None
        self.size = 0

    def callbacks(self) -> dict[str, Any]:
        return {"on_part_begin": self.begin, "on_header_field": self.field, "on_header_value": self.field_value,
                "on_header_end": self.header_end, "on_headers_finished": self.headers_finished,
                "on_part_data": self.data, "on_part_end": self.end}

    def begin(self) -> None:
        self.headers, self.value, self.name, self.filename, self.path, self.out, self.size = {}, b"", "", None, None, \
            None, 0

    def field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def field_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field = self.header_value = b""

    def headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _, disposition = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = disposition.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in disposition:
            return
        if not self.csrf:
            raise CsrfError("the upload's CSRF token must come before its files")
        if len(self.upload.files) >= MAX_FILES:
            raise InvalidValueError(f"at most {MAX_FILES} files at once; send the others next")
        self.filename = disposition[b"filename"].decode("utf-8", "replace")
        self.path = self.upload.folder / f"{len(self.upload.files) + 1:03d}"
        self.out = open(self.path, "xb")  # noqa: SIM115 (closed at the part's end, or by close())

    def data(self, data: bytes, start: int, end: int) -> None:
        self.size += end - start
        if self.out is not None:
            if self.size > self.limit:
                raise UploadTooLargeError(f"{file_name(self.filename or '')} is larger than {self.limit:,} bytes, "
                                          "the most a file may be")
            self.out.write(data[start:end])
        elif self.size > MAX_FIELD:
            raise InvalidValueError(f"the field {self.name!r} is too long")
        else:
            self.value += data[start:end]

    def end(self) -> None:
        if self.out is not None:
            self.close()
            assert self.path is not None
            if not self.filename and self.size == 0:  # a file input left empty
                self.path.unlink()
            else:
                self.upload.files.append((file_name(self.filename or ""), str(self.path)))
                self.upload.sizes.append(self.size)
            return
        value = self.value.decode("utf-8", "replace")
        self.upload.fields[self.name] = value
        if self.name == security.CSRF_FIELD and not self.csrf:
            if not security.csrf_matches(security.csrf_source(self.request), value):
                raise CsrfError("the form's CSRF token is missing or wrong")
            self.csrf = True

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


async def receive(request: Request, limit: int, *, csrf_checked: bool) -> Upload:
    """Read a multipart upload from the request's stream into a fresh temporary folder.

    Empty file inputs (a form sent without choosing a file) are left out. The caller closes the
    returned ``Upload``; on an error the folder is removed here.
    """
    from python_multipart.multipart import MultipartParser, parse_options_header

    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InvalidValueError("an upload must be sent as multipart/form-data")
    refuse_too_large(request, limit)
    upload = Upload(Path(tempfile.mkdtemp(prefix="readiness-upload-")))
    parts = _Parts(request, upload, limit, csrf_checked)
    parser = MultipartParser(boundary, parts.callbacks())  # type: ignore[arg-type]
    from python_multipart.exceptions import FormParserError

    try:
        try:
            async for chunk in request.stream():
                parser.write(chunk)
            parser.finalize()
        except FormParserError as exc:
            raise InvalidValueError(f"the upload is not a well-formed multipart form ({exc}); send it again") from None
        if not parts.csrf:
            raise CsrfError("the form's CSRF token is missing or wrong")
    except BaseException:
        parts.close()
        upload.close()
        raise
    return upload


# ---------------------------------------------------------------------------------------------
# Documents kept between "draft from a document" and saving the record

#: How long an uploaded document waits for its record to be saved.
DRAFT_HOURS = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def _drafts_root() -> Path:
    """This user's folder of kept documents in the temporary folder, private (0700). The shared
    temporary folder lets anyone make a folder of that name first: one that is a link or another
    user's is refused rather than written to; one of ours that lets others in is closed first."""
    import stat

    from readiness.errors import WorkspaceError

    root = Path(tempfile.gettempdir()) / f"readiness-drafts-{os.getuid()}"
    try:
        root.mkdir(mode=0o700)
    except FileExistsError:
        pass
    found = os.lstat(root)
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
        raise WorkspaceError(f"{root} is not a folder of this user (a link, or another user's): remove it, or "
                             "point TMPDIR at a private folder, and restart the server")
    if found.st_mode & 0o077:
        os.chmod(root, 0o700)  # ours, made open by an older readiness: close it before anything goes in
    return root


def _owner_folder(session_token: str) -> Path:
    """The person's own folder: named by a hash of their session, so another session (another
    person, or the same after signing in again) cannot name a document kept for this one."""
    import hashlib

    return _drafts_root() / hashlib.sha256(b"readiness-draft\0" + session_token.encode()).hexdigest()[:32]


def keep_draft(session_token: str, name: str, path: str) -> str:
    """Keep an uploaded document (moved from its upload folder) until its record is saved; the
    random token the form carries to find it again."""
    import secrets
    import time

    prune_drafts(time.time() - DRAFT_HOURS * 3600)
    token = secrets.token_urlsafe(32)
    folder = _owner_folder(session_token) / token
    folder.mkdir(parents=True, mode=0o700)
    shutil.move(path, folder / "document")
    (folder / "name").write_text(name, encoding="utf-8")
    return token


def kept_draft(session_token: str, token: str) -> tuple[str, str] | None:
    """(name, path) of the document kept under ``token`` for this session, or None."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    folder = _owner_folder(session_token) / token
    doc, name = folder / "document", folder / "name"
    if not doc.is_file() or not name.is_file():
        return None
    return name.read_text(encoding="utf-8"), str(doc)


def drop_draft(session_token: str, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        shutil.rmtree(_owner_folder(session_token) / token, ignore_errors=True)


def prune_drafts(before: float) -> None:
    """Remove the documents kept since before ``before`` (seconds since the epoch): never saved."""
    root = _drafts_root()
    if not root.is_dir():
        return
    for owner in root.iterdir():
        for folder in owner.iterdir() if owner.is_dir() else ():
            try:
                if folder.stat().st_mtime < before:
                    shutil.rmtree(folder, ignore_errors=True)
            except FileNotFoundError:
                pass


def hand_over_csrf(request: Request, upload: Upload) -> None:
    """Tell ``context.csrf_checked`` (on every write route, after the upload's dependency) that
    this upload's CSRF token was already checked before its files were read, so that it does not
    read the consumed body again."""
    request.scope[security.CSRF_CHECKED] = True
