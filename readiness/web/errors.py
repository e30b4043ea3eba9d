"""The web's own errors (the library's are ``readiness.errors``) and how every error becomes a response."""

from __future__ import annotations

from readiness.errors import ReadinessError


class CsrfError(ReadinessError):
    """A write without the CSRF token its page gave (a forged cross-site request, or a stale page)."""


class UploadTooLargeError(ReadinessError):
    """An upload over the size limit: refused before reading it (Content-Length) or while streaming."""


class BusyError(ReadinessError):
    """The server is doing as much of this work as it will at once (dossier renders): try later.
    ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
