"""Text out of the documents officials collect: plain text, HTML, PDF and DOCX.

``read_document`` returns the text with a title, a source address and a year when the file
itself says them (an HTML <title> and canonical link, PDF or DOCX metadata, a dateline). The
file type comes from its bytes (``files.sniff``), not its name. Nothing is fetched, run or
followed: HTML is parsed as text, a DOCX is read as XML out of its zip, a PDF through pypdf.

A document is untrusted input: it is read in a bounded child process (``bounded.run``: time,
memory and output limits), and each reader caps what it produces, not what the file claims:
text kept (``MAX_CHARS``), a DOCX's XML streamed and inflated up to ``MAX_XML_BYTES``, PDF
pages read (``MAX_PAGES``, a content stream shared by many pages read once), metadata lengths
(``MAX_TITLE``). The HTML reader keeps its open tags counted, so unclosed tags cost linear time.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from readiness.errors import InvalidValueError
from readiness.smallfile import read_small_file
from readiness.text import clean

#: Largest document read for a draft: a news article or a decision is far smaller.
MAX_BYTES = 50 * 1024 * 1024
#: Text kept from a document: enough for any article; a 300-page report is cut here.
MAX_CHARS = 200_000
#: Characters kept of a title or other metadata (a PDF title may hold megabytes).
MAX_TITLE = 1000
#: Pages of a PDF read: the text limit is reached long before by any real report.
MAX_PAGES = 1000
#: Characters of a web page given to trafilatura: a news page is far smaller (the seed articles'
#: pages are under 0.5 MB); a larger page is read by its visible text alone.
MAX_PAGE_CHARS = 5_000_000
#: Bytes a DOCX's document.xml may inflate to (a 300-page report is about 10 MB).
MAX_XML_BYTES = 100 * 1000 * 1000
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


@dataclass
class Document:
    text: str
    title: str | None = None
    url: str | None = None
    year: int | None = None
    media_type: str = "text/plain"
    #: A web page's publication date (ISO) and site name, as the page states them.
    published: str | None = None
    site: str | None = None


def read_document(path: str | Path) -> Document:
    """The text of a document and what its metadata says; a clear error for what cannot be read.

    Read in a bounded child process: a document that takes too long, too much memory or gives
    too much is refused with one error naming it (``bounded.UntrustedInputError``)."""
    from readiness.bounded import run

    return run(_read_document, path, file=path)


def _read_document(path: str | Path) -> Document:
    from readiness.store.files import sniff

    file = Path(path)
    data = read_small_file(path, MAX_BYTES,
                           lambda size: f"{size:,} bytes; a document to draft from is at most {MAX_BYTES:,}",
                           folder="is a folder; give the document's file")
    media_type = sniff(data[:65536], file) if data else "text/plain"
    try:
        if media_type == "application/pdf":
            doc = _pdf(file)
        elif media_type.endswith("wordprocessingml.document"):
            doc = _docx(data)
        elif media_type == "text/html" or data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
            doc = _html(_decode(data, path))
        elif media_type.startswith("text/") or not data or (
                media_type == "application/octet-stream" and b"\x00" not in data[:65536]):  # Windows-1258 text
            doc = Document(_decode(data, path))
        elif file.suffix.lower() in (".pdf", ".docx", ".html", ".htm"):
            raise InvalidValueError(f"{path}: does not read as a {file.suffix[1:].upper()} file (its bytes are "
                                    f"{media_type}); is it complete?")
        else:
            raise InvalidValueError(f"{path}: the file is {media_type}; drafts are made from text, HTML, PDF or DOCX")
    except InvalidValueError:
        raise
    except Exception as exc:  # a broken PDF or zip: say so, in one line
        raise InvalidValueError(f"{path}: cannot read it as {media_type} ({type(exc).__name__}); "
                                "is the file complete?") from None
    doc.media_type = media_type
    doc.text = clean(doc.text[:MAX_CHARS + 1000])[:MAX_CHARS]
    doc.title = clean(doc.title[:MAX_TITLE]) or None if doc.title else None
    if doc.title and doc.site:  # "Headline - Site name" / "Headline | Site name"
        doc.title = re.sub(rf"\s*[-|–]\s*{re.escape(doc.site)}\s*$", "", doc.title) or doc.title
    if doc.url is None:
        found = _URL.search(doc.text)
        doc.url = found[0].rstrip(".,;") if found else None
    return doc


def _decode(data: bytes, path: str | Path) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("cp1258")  # old Vietnamese Windows text
    except UnicodeDecodeError:
        raise InvalidValueError(f"{path}: not text in UTF-8, UTF-16 or Windows-1258; save it as UTF-8") from None


class _Text(HTMLParser):
    """Visible text of an HTML page, its <title>, first <h1> and canonical address."""

    _SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr", "section", "article", "header", "footer"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.h1 = ""
        self.url: str | None = None
        self._stack: list[str] = []
        self._open: dict[str, int] = {}  # open tags by name: membership in O(1), not a scan of the stack
        self._skipping = 0  # open tags of _SKIP
        self._kept = 0  # characters of text kept

    def _push(self, tag: str) -> None:
        self._stack.append(tag)
        self._open[tag] = self._open.get(tag, 0) + 1
        self._skipping += tag in self._SKIP

    def _pop(self) -> str:
        tag = self._stack.pop()
        self._open[tag] -= 1
        self._skipping -= tag in self._SKIP
        return tag

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        href = a.get("href") or ""
        if tag == "link" and (a.get("rel") or "").lower() == "canonical" and href.startswith("http"):
            self.url = href
        if tag == "meta" and a.get("property") == "og:url" and (a.get("content") or "").startswith("http"):
            self.url = self.url or a["content"]
        if tag in self._BLOCK:
            self.parts.append("\n")
        if tag not in ("br", "meta", "link", "img", "input", "hr"):
            self._push(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._open.get(tag):
            while self._pop() != tag:
                pass
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._open.get("title"):
            if len(self.title) < MAX_TITLE:
                self.title += data[:MAX_TITLE]
        elif not self._skipping and self._kept <= MAX_CHARS:
            if self._open.get("h1") and len(self.h1) < MAX_TITLE:
                self.h1 += data[:MAX_TITLE]
            self.parts.append(data)
            self._kept += len(data)


def _html(text: str) -> Document:
    """A web page's main text, headline, date and site, without navigation, footer or comments.

    trafilatura finds the article among the page's blocks; nothing is fetched. Compared with
    readability-lxml on the seed articles set in news pages (``benchmarks/intake.py --pages``),
    both kept every article line and let no menu or footer line through; trafilatura also gives
    the page's date and site name, which a draft uses for the year of "October 3" and which
    readability does not give. A page it finds no article in (a bare list, a short notice) is
    read whole by ``_visible_text``."""
    visible = _visible_text(text)
    if len(text) > MAX_PAGE_CHARS:  # not a news page: read it whole, within the reader's memory limit
        return visible
    import trafilatura

    found = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                        include_tables=True, include_images=False, deduplicate=True)
    meta: dict[str, Any] = (found if isinstance(found, dict) else found.as_dict()) if found is not None else {}
    body = str(meta.get("text") or "")
    # Nothing found, or a sliver of a page that holds much more text (a page nested too deep for
    # trafilatura's tree, a bare list): the page's visible text is the better reading.
    if len(body.strip()) < 80 or len(body) < len(visible.text) // 20:
        return visible
    url = meta.get("url") if str(meta.get("url") or "").startswith("http") else None
    published = str(meta["date"]) if meta.get("date") else None
    year = int(published[:4]) if published and published[:4].isdigit() else None
    return Document(body, title=meta.get("title") or visible.title, url=url or visible.url, year=year,
                    published=published, site=meta.get("sitename") or None)


def _visible_text(text: str) -> Document:
    parser = _Text()
    parser.feed(text)
    parser.close()
    body = re.sub(r"[ \t\r\f\v]+", " ", "".join(parser.parts))
    body = "\n".join(line.strip() for line in body.splitlines() if line.strip())
    title = clean(parser.h1 or parser.title) or None
    return Document(body, title=title, url=parser.url)


def _docx(data: bytes) -> Document:
    import io
    import xml.etree.ElementTree as ET

    from readiness.bounded import CappedStream, read_member

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paragraphs: list[str] = []
    kept = 0
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        # Streamed, and the inflated bytes counted as they come: the XML is never held whole,
        # and a member that inflates far beyond what its header says stops at MAX_XML_BYTES.
        with z.open("word/document.xml") as member:
            stream = CappedStream(member, MAX_XML_BYTES, "word/document.xml")
            body = None
            for event, el in ET.iterparse(stream, events=("start", "end")):
                if event == "start":
                    if el.tag == f"{w}body":
                        body = el
                elif el.tag == f"{w}p":
                    text = "".join(t.text or "" for t in el.iter(f"{w}t"))
                    if body is not None:
                        body.clear()  # what was read is let go (the parser keeps what is still open)
                    if text.strip():
                        paragraphs.append(text)
                        kept += len(text)
                        if kept > MAX_CHARS:
                            break
        title, year = None, None
        if "docProps/core.xml" in z.namelist():
            core = ET.fromstring(read_member(z, "docProps/core.xml", 1_000_000, "docProps/core.xml"))
            for el in core:
                if el.tag.endswith("}title") and el.text:
                    title = el.text[:MAX_TITLE].strip() or None
                if el.tag.endswith("}created") and el.text and el.text[:4].isdigit():
                    year = int(el.text[:4])
    return Document("\n".join(paragraphs), title=title, year=year)


def _pdf(file: Path) -> Document:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable PDFs are common
    reader = PdfReader(str(file))
    pages = []
    total = 0
    seen: set[tuple] = set()
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES:
            break
        # A content stream shared by many pages gives the same text each time: read it once.
        key = _contents_key(page)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        text = page.extract_text() or ""
        pages.append(text[:MAX_CHARS])
        total += len(text)
        if total > MAX_CHARS:
            break
    meta: Mapping[str, Any] = reader.metadata or {}
    title = _meta_text(meta.get("/Title")).strip() or None if meta else None
    year = None
    created = _meta_text(meta.get("/CreationDate"))[:100] if meta else ""
    if m := re.search(r"(19|20)\d\d", created):
        year = int(m[0])
    return Document("\n".join(pages), title=title, year=year)


def _contents_key(page: object) -> tuple | None:
    """The objects holding a page's content stream(s), to tell shared ones; None if direct."""
    raw = page.raw_get("/Contents") if "/Contents" in page else None  # type: ignore[operator, attr-defined]
    refs: list[Any] = raw if isinstance(raw, list) else [raw]
    if not refs or not all(hasattr(r, "idnum") for r in refs):
        return None
    return tuple((r.idnum, r.generation) for r in refs[:1000])


def _meta_text(value: object) -> str:
    """A metadata value as text, cut to MAX_TITLE characters before anything else reads it."""
    return str(value or "")[:MAX_TITLE]
