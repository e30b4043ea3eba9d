"""Text out of the documents officials collect: plain text, HTML, PDF and DOCX.

``read_document`` returns the text with a title, a source address and a year when the file
itself says them (an HTML <title> and canonical link, PDF or DOCX metadata, a dateline). The
file type comes from its bytes (``files.sniff``), not its name. Nothing is fetched, run or
followed: HTML is parsed as text, a DOCX is read as XML out of its zip, a PDF through pypdf.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import InvalidValueError
from .text import clean

#: Largest document read for a draft: a news article or a decision is far smaller.
MAX_BYTES = 50 * 1024 * 1024
#: Text kept from a document: enough for any article; a 300-page report is cut here.
MAX_CHARS = 200_000
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


@dataclass
class Document:
    text: str
    title: str | None = None
    url: str | None = None
    year: int | None = None
    media_type: str = "text/plain"


def read_document(path: str | Path) -> Document:
    """The text of a document and what its metadata says; a clear error for what cannot be read."""
    from .files import sniff

    file = Path(path)
    try:
        if file.is_dir():
            raise InvalidValueError(f"{path}: is a folder; give the document's file")
        if not file.is_file():
            raise InvalidValueError(f"{path}: no such file")
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise InvalidValueError(f"{path}: {size:,} bytes; a document to draft from is at most {MAX_BYTES:,}")
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidValueError(f"{path}: cannot be read: {exc.strerror}") from None
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
    doc.text = clean(doc.text)[:MAX_CHARS]
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and (a.get("rel") or "").lower() == "canonical" and a.get("href", "").startswith("http"):
            self.url = a["href"]
        if tag == "meta" and a.get("property") == "og:url" and (a.get("content") or "").startswith("http"):
            self.url = self.url or a["content"]
        if tag in self._BLOCK:
            self.parts.append("\n")
        if tag not in ("br", "meta", "link", "img", "input", "hr"):
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if "title" in self._stack:
            self.title += data
        elif not self._SKIP.intersection(self._stack):
            if "h1" in self._stack:
                self.h1 += data
            self.parts.append(data)


def _html(text: str) -> Document:
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

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if z.getinfo("word/document.xml").file_size > 20 * MAX_BYTES:
            raise InvalidValueError("word/document.xml is larger than any document should be")
        root = ET.fromstring(z.read("word/document.xml"))
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p")]
        title, year = None, None
        if "docProps/core.xml" in z.namelist():
            core = ET.fromstring(z.read("docProps/core.xml"))
            for el in core:
                if el.tag.endswith("}title") and el.text:
                    title = el.text.strip() or None
                if el.tag.endswith("}created") and el.text and el.text[:4].isdigit():
                    year = int(el.text[:4])
    return Document("\n".join(p for p in paragraphs if p.strip()), title=title, year=year)


def _pdf(file: Path) -> Document:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-but-readable PDFs are common
    reader = PdfReader(str(file))
    pages = []
    total = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        pages.append(text)
        total += len(text)
        if total > MAX_CHARS:
            break
    meta = reader.metadata or {}
    title = (meta.get("/Title") or "").strip() or None if meta else None
    year = None
    created = str(meta.get("/CreationDate") or "") if meta else ""
    if m := re.search(r"(19|20)\d\d", created):
        year = int(m[0])
    return Document("\n".join(pages), title=title, year=year)
