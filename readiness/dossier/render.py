"""The dossier: the document a city hands in, as HTML and as PDF; ``make_dossier`` is its use case.

``context.build_context`` gathers what the templates show into one ``DossierContext``;
``render_html`` fills the Jinja2 templates of ``reports/`` (autoescape on, undefined names an
error); ``pdf.render_pdf`` lays it out with WeasyPrint, which reads nothing but the report assets
and the stored files. ``render_dossier`` puts them together into bytes, and ``make_dossier``
writes them to a file whole, or hands them back for the caller to send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readiness.dossier.context import DocumentContext, DossierOptions, build_document, label_d, plain_reason, safe_url
from readiness.errors import InvalidValueError
from readiness.frameworks.catalogue import Catalogue
from readiness.labels import LABELS, label
from readiness.text import in_language, word_count

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.store.db import Workspace

log = logging.getLogger(__name__)

#: ``make_dossier``'s output that writes no file: the bytes come back for the caller to send
#: (``-o -``: standard output; a web response).
TO_CALLER = Path("-")


# ---------------------------------------------------------------------------------------------
# HTML


#: The template of each kind of document.
TEMPLATES = {"readiness": "dossier.html.j2", "application": "application.html.j2", "progress": "progress.html.j2"}


def _environment(lang: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from readiness.resources import bundled

    env = Environment(loader=FileSystemLoader(str(bundled("reports"))), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.0f}%"
    env.filters["size"] = _human_size
    env.filters["safe_url"] = safe_url
    env.filters["day"] = lambda d: format_day(d, lang)
    env.filters["moment"] = lambda m: m.strftime("%d/%m/%Y %H:%M" if lang in ("vi", "fr") else "%Y-%m-%d %H:%M")
    env.filters["number"] = lambda n: _number(n, lang)
    return env


def _number(n: float, lang: str) -> str:
    """8,587,100 and 67.5 in English; 8.587.100 and 67,5 in Vietnamese; 60.0 as 60."""
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    text = f"{n:,}"
    return text if lang == "en" else text.translate(str.maketrans(",.", ".,"))


def format_day(day: Any, lang: str) -> str:
    """A day as the reader writes it: 2026-01-15 in English, 15/01/2026 in Vietnamese and French."""
    return day.strftime("%d/%m/%Y") if lang in ("vi", "fr") else day.isoformat()


def _human_size(n: int) -> str:
    from readiness.store.files import human_size

    return human_size(n)


def render_html(context: DocumentContext, *, inline_css: bool = False) -> str:
    """The document as one HTML page (the template of its kind); ``inline_css`` for a browser."""
    from readiness.resources import bundled

    lang = context.lang
    env = _environment(lang)
    css = (bundled("reports") / "dossier.css").read_text(encoding="utf-8") if inline_css else None
    names = getattr(context, "field_labels", {})
    return env.get_template(TEMPLATES[context.kind]).render(
        c=context, css=css, d=lambda key, **kw: label_d(key, lang, **kw),
        l=lambda key, **kw: label(key, lang, **kw) if key in LABELS else key,
        plain=lambda r: plain_reason(r, lang, names, context.city), pick=lambda texts: in_language(texts, lang),
        words=lambda r: word_count(r.summary))


# ---------------------------------------------------------------------------------------------
# The use case


@dataclass
class RenderedDossier:
    """A dossier in memory: its bytes and what the command reports about them."""

    data: bytes
    pages: int | None
    embedded: int
    fingerprint: str
    default_name: str


@dataclass
class DossierResult:
    """What ``make_dossier`` made: the file it wrote (None: ``data`` holds the bytes), its size,
    pages, the files embedded and the fingerprint of the evidence register."""

    path: Path | None
    pages: int | None
    size: int
    embedded: int
    fingerprint: str
    data: bytes | None = None


def render_dossier(ws: Workspace, catalogue: Catalogue, city_name: str, options: DossierOptions | None = None,
                   progress: Callable[[str], None] = lambda step: None) -> RenderedDossier:
    """The dossier of a city as PDF (or HTML) bytes, with its page count and fingerprint."""
    options = options or DossierOptions()
    options.check()
    progress("scoring and gathering the evidence")
    context = build_document(ws, catalogue, city_name, options)
    from readiness.text import fold

    stem = {"readiness": "dossier", "application": "application", "progress": "progress"}[options.kind]
    default_name = f"{stem}-{fold(context.city) or 'city'}-{context.as_of.isoformat()}.{options.fmt}"
    progress("writing the HTML")
    if options.fmt == "html":
        html = render_html(context, inline_css=True)
        return RenderedDossier(html.encode("utf-8"), None, 0, context.fingerprint, default_name)
    html = render_html(context)
    progress("laying out the PDF (WeasyPrint)")
    from readiness.dossier.pdf import page_count, render_pdf
    from readiness.store.stores import workspace_store

    pdf = render_pdf(context, html, workspace_store(ws), pdf_variant=options.pdf_variant,
                     max_embed=options.max_embed)
    return RenderedDossier(pdf.data, page_count(pdf.data), len(context.embedded), context.fingerprint, default_name)


def make_dossier(ws: Workspace, actor: Actor, catalogue: Catalogue, city_name: str, output: Path | None,
                 options: DossierOptions | None = None, *,
                 progress: Callable[[str], None] = lambda step: None) -> DossierResult:
    """Write the dossier of a city to ``output`` (a name made from the city and day when None;
    ``TO_CALLER``: no file, the bytes come back in the result's ``data``).

    The file appears whole or not at all: it is written to a new temporary file of a unique name
    beside the target (created exclusively, so a link planted there is never followed), synced,
    and renamed over it.
    """
    from readiness.access import Right
    from readiness.cities import city_for

    with ws.session() as session:  # the city's coordinators make its dossier
        city_for(session, actor, city_name, Right.DOSSIER)
    to_caller = output is not None and Path(output) == TO_CALLER
    if output is not None and not to_caller and Path(output).is_dir():
        raise InvalidValueError(f"-o {output}: is a folder; give a file name")
    rendered = render_dossier(ws, catalogue, city_name, options, progress)
    if to_caller:
        return DossierResult(None, rendered.pages, len(rendered.data), rendered.embedded, rendered.fingerprint,
                             rendered.data)
    path = Path(output if output is not None else rendered.default_name)
    from readiness.store.files import write_atomically

    write_atomically(path, rendered.data)
    return DossierResult(path, rendered.pages, len(rendered.data), rendered.embedded, rendered.fingerprint)

