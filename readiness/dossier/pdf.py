"""The dossier as PDF: WeasyPrint, allowed to read only the report assets and the stored files.

``render_pdf`` hands the HTML to WeasyPrint with a URL fetcher (``StoreFetcher``) that serves
only the bundled report assets and the workspace's stored files (folder or database store,
``store.stores.workspace_store``), through the ``dossier:``
scheme, and refuses everything else: ``file://``, the network, ``data:`` included. The attached
files are embedded, each read back and checked against the SHA-256 the register prints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from readiness.dates import as_utc
from readiness.dossier.context import DEFAULT_MAX_EMBED, DocumentContext, attachment_name  # noqa: F401 (its home was here)
from readiness.errors import InvalidValueError

if TYPE_CHECKING:
    from readiness.store.stores import AttachmentStore

SCHEME = "dossier"


class StoreFetcher:
    """Serves ``dossier:assets/NAME`` from the bundled report folder and ``dossier:files/SHA256``
    from the workspace's store; refuses every other address, so a hostile record cannot make
    WeasyPrint read a local file or call the network. ``requests`` records what was asked."""

    def __init__(self, store: AttachmentStore):
        from weasyprint.urls import URLFetcher

        from readiness.resources import bundled

        self.assets = bundled("reports").resolve()
        self.store = store
        self.requests: list[str] = []
        outer = self

        class _Fetcher(URLFetcher):
            def fetch(self, url: str, headers: Any = None) -> Any:
                return outer.fetch(url)

        self.fetcher = _Fetcher()

    def fetch(self, url: str) -> Any:
        from weasyprint.urls import URLFetcherResponse

        self.requests.append(url)
        scheme, _, rest = url.partition(":")
        if scheme != SCHEME:
            raise ValueError(f"the dossier fetches nothing from {scheme!r} addresses")
        kind, _, name = rest.partition("/")
        if kind == "assets" and re.fullmatch(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?", name) and ".." not in name:
            path = (self.assets / name).resolve()
            if path.is_relative_to(self.assets) and path.is_file():
                types = {".css": "text/css", ".ttf": "font/ttf", ".svg": "image/svg+xml"}
                media_type = types.get(path.suffix, "application/octet-stream")
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})
        if kind == "files" and re.fullmatch(r"[0-9a-f]{64}", name):
            # hash checked (and, in the folder store, no link followed)
            data = self.store.read_bytes(name, f"stored file {name[:12]}...")
            return URLFetcherResponse(url, data, {"Content-Type": "application/octet-stream"})
        raise ValueError(f"no such dossier resource: {url}")


@dataclass
class RenderedPdf:
    """A PDF in memory, and the fetcher that served it (what it was asked for, in ``requests``)."""

    data: bytes
    fetcher: StoreFetcher


def render_pdf(context: DocumentContext, html: str, store: AttachmentStore, *, pdf_variant: str | None = None,
               max_embed: int = DEFAULT_MAX_EMBED) -> RenderedPdf:
    """The PDF, with the attached files embedded (unless the context says not to)."""
    try:
        import weasyprint
    except OSError as exc:  # WeasyPrint loads Pango and HarfBuzz from the system
        raise InvalidValueError(f"PDF output needs the Pango library ({exc}); on Debian or Ubuntu: apt install "
                                "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; or write --format html") \
            from None

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = StoreFetcher(store)
    attachments = _attachments(context, store, fetcher, max_embed) if context.embed else []
    import warnings

    with warnings.catch_warnings(), _source_date(context.created):
        # WeasyPrint 70 opens its sRGB colour profile for PDF/A and never closes it.
        warnings.simplefilter("ignore", ResourceWarning)
        document = weasyprint.HTML(string=html, base_url=f"{SCHEME}:assets/", url_fetcher=fetcher.fetcher).render()
        pdf = document.write_pdf(attachments=attachments, pdf_variant=pdf_variant, uncompressed_pdf=False,
                                 custom_metadata=False)
    return RenderedPdf(pdf, fetcher)


def _attachments(context: DocumentContext, store: AttachmentStore, fetcher: StoreFetcher,
                 max_embed: int) -> list[Any]:
    """Each distinct attached file as a WeasyPrint attachment, recorded in ``context.embedded``;
    over ``max_embed`` bytes in all, refused."""
    import weasyprint

    attachments = []
    seen: set[str] = set()
    total = 0
    when = as_utc(context.created).replace(tzinfo=None)  # the PDF's dates are UTC, without a zone
    for r in context.records:
        for a in r.attachments:
            if a["sha256"] in seen or "also" not in a:  # embedded once, under its first name
                continue
            seen.add(a["sha256"])
            total += a["size"]
            if total > max_embed:
                raise InvalidValueError(
                    f"the attached files come to more than {max_embed:,} bytes; raise the cap with "
                    "--max-embed 500MB, or leave them out with --no-attachments (the register still lists "
                    "their names and SHA-256)")
            # no link followed, and the bytes must hash to the SHA-256 the register prints
            data = store.read_bytes(a["sha256"], f"{r.id}: attached file {a['name']!r}", size=a["size"])
            # WeasyPrint 70 writes a non-ASCII name as raw UTF-8 into the PDF's name tree, which
            # readers (pypdf among them) misread: the embedded name is kept ASCII, the original
            # name goes in the description, as the register shows it.
            attachments.append(weasyprint.Attachment(
                file_obj=io.BytesIO(data), url_fetcher=fetcher.fetcher,
                name=a["embedded_as"], description="; ".join([a["name"], *a["also"]]) + f" (SHA-256 {a['sha256']})",
                created=when, modified=when, relationship="Supplement"))
            context.embedded.append({"record": r.id, **a})
    return attachments


@contextlib.contextmanager
def _source_date(created: dt.datetime) -> Iterator[None]:
    """Fix the fonts' timestamps to the dossier's creation time while WeasyPrint writes.

    Without libharfbuzz-subset0, WeasyPrint subsets fonts with fontTools, which stamps each
    subset with the current time unless SOURCE_DATE_EPOCH is set (the reproducible-builds
    convention); the same inputs must give the same bytes on every machine.
    """
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(created.timestamp()))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
