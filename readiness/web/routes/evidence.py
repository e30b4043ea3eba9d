"""Pages of the web app: evidence records.

- ``GET /evidence`` the list (filters, accent-blind search, 50 a page) and ``/evidence.csv``;
- ``GET /evidence/{code}`` a record: texts, status and history, links and whether each counts,
  files, comments; ``GET /evidence/{code}/files/{n}`` a file, only ever as a download;
- ``/evidence/new``, ``/evidence/{code}/edit``: the record's form; ``/evidence/draft``: a record
  drafted from a document, corrected, then saved with the document attached;
- ``POST /evidence/{code}/files``: uploads, streamed (``readiness.web.uploads``).

Every route calls the library (``readiness.api``), which checks the person's rights; a code in
the address is only passed on, never trusted.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse

from readiness.errors import InvalidValueError, NotFoundError
from readiness.web import i18n, security, uploads
from readiness.web.context import Me, Who, csrf_checked, render

router = APIRouter(include_in_schema=False)

PAGE = 50
STATUSES = ("draft", "submitted", "verified", "rejected")
LINK_ROWS = 3
#: The rationale of a link the person took from the draft's suggestions.
SUGGESTED = "suggested from the document's words"


# ---------------------------------------------------------------------------------------------
# Helpers: labels, cities, filters


def kind_label(kind: str, lang: str) -> str:
    from readiness.labels import LABELS

    return LABELS.get(kind, {}).get(lang) or kind


def kinds() -> tuple[str, ...]:
    from readiness.evidence import KINDS

    return KINDS


def title_of(view: Any, lang: str) -> str:
    """A record's title (an ``EvidenceView`` or an ``EvidenceLine``) in the page's language, else
    the other one."""
    t = view.title if isinstance(view.title, dict) else view.row.title
    return t.get(lang) or t.get("vi" if lang == "en" else "en") or next(iter(t.values()), "")


def in_lang(value: Any, lang: str) -> str:
    """A text given in several languages (a dict, or a framework's ``Text``) in ``lang``, else another."""
    from readiness.text import in_language

    value = getattr(value, "root", value)
    return in_language(value, lang, ("en", "vi")) if isinstance(value, dict) else str(value or "")


def readable_city_names(me: Who) -> list[str]:
    from readiness import api

    return [c.name for c in api.list_cities(me.ws, me.actor)]


def parse_date(text: str, name: str) -> Any:
    from readiness import dates

    return dates.parse_optional(text, name)


FILTER_KEYS = ("city", "unit", "kind", "criterion", "status", "since", "until", "q")


def filter_of(me: Who, params: dict[str, str], city: str | None = None) -> Any:
    """The ``EvidenceFilter`` the query string asks for; ``city`` when it names none (the city
    ``listing_choices`` lists)."""
    from readiness import api

    city = params.get("city") or city
    return api.EvidenceFilter(
        city=city or None, unit=params.get("unit") or None,
        kinds=(params["kind"],) if params.get("kind") else (),
        criterion=params.get("criterion") or None,
        statuses=(params["status"],) if params.get("status") else (),
        since=parse_date(params.get("since", ""), "from"), until=parse_date(params.get("until", ""), "to"),
        text=params.get("q") or None)


def query_params(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip()[:300] for k in FILTER_KEYS}


def page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return max(1, int(text)) if text.isdigit() and len(text) < 7 else 1


# ---------------------------------------------------------------------------------------------
# The list and its CSV


@router.get("/evidence", response_class=HTMLResponse)
def evidence_list(request: Request, me: Me) -> Response:
    from readiness import api

    params = query_params(request)
    page = page_number(request)
    error, result, status = None, None, 200
    try:
        listing = api.evidence_listing(me.ws, me.actor, filter_of(me, params), offset=(page - 1) * PAGE, limit=PAGE)
        result, cities, units = listing.page, listing.cities, listing.units
    except (InvalidValueError, NotFoundError) as exc:  # a filter typed wrong: said above the filters
        error, status = str(exc), 400
        try:
            choices = api.listing_choices(me.ws, me.actor, params["city"] or None)
            cities, units = choices.cities, choices.units
        except NotFoundError:  # the city typed is the mistake
            cities, units = api.listing_choices(me.ws, me.actor).cities, []
    total = result.total if result else 0
    pages = max(1, (total + PAGE - 1) // PAGE)
    shown = {k: v for k, v in params.items() if v}
    return render(request, "evidence_list.html.j2", me, status=status, params=params, cities=cities,
                  units=units, kinds=kinds(), statuses=STATUSES, kind_label=kind_label, title_of=title_of,
                  result=result, error=error, page=page, pages=pages, total=total,
                  query=urlencode(shown), page_url=lambda n: "/evidence?" + urlencode({**shown, "page": n}),
                  notice=request.query_params.get("removed"))


CSV_COLUMNS = ("id", "city", "unit", "kind", "title_vi", "title_en", "organiser", "start", "end", "status",
               "criteria", "files")


@router.get("/evidence.csv")
def evidence_csv(request: Request, me: Me) -> Response:
    """The records the list's filters match (every page), for a spreadsheet: UTF-8 with a BOM,
    cells that look like formulas made text (``text.csv_protect``)."""
    from readiness import api
    from readiness.evidence import MAX_PAGE
    from readiness.text import csv_protect

    params = query_params(request)
    flt = filter_of(me, params, api.listing_choices(me.ws, me.actor, params["city"] or None).city)
    first = api.page_evidence(me.ws, me.actor, flt, offset=0, limit=MAX_PAGE)  # errors before the first byte

    def rows() -> Iterator[str]:
        yield "\ufeff"
        page, offset = first, 0
        while True:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            if offset == 0:
                writer.writerow(CSV_COLUMNS)
            for v in page.views:
                r = v.row
                writer.writerow([csv_protect(c) for c in (
                    v.code, v.city, v.unit or "", r.kind, r.title.get("vi", ""), r.title.get("en", ""),
                    " / ".join(r.organiser.values()), r.start or "", r.end or "", r.status,
                    " ".join(lk.criterion for lk in v.links), len(v.attachments))])
            yield out.getvalue()
            offset += MAX_PAGE
            if offset >= page.total:
                return
            page = api.page_evidence(me.ws, me.actor, flt, offset=offset, limit=MAX_PAGE)

    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8",
                             headers={"content-disposition": 'attachment; filename="evidence.csv"'})


# ---------------------------------------------------------------------------------------------
# A record


def _sheet(me: Who, code: str) -> Any:
    from readiness import api

    return api.record_sheet(me.ws, me.actor, code, me.catalogue)


def record_page(request: Request, me: Me, code: str, *, status: int = 200, error: Any = None,
                notice: Any = None, comment: str = "") -> Response:
    sheet = _sheet(me, code)
    return render(request, "evidence_record.html.j2", me, status=status, sheet=sheet, view=sheet.shown.view,
                  kind_label=kind_label, title_of=title_of, error=error, notice=notice, comment=comment,
                  max_upload=uploads.max_upload(request), max_files=uploads.MAX_FILES,
                  human_size=lambda n: i18n.format_size(n, me.lang),
                  known_keys=i18n.strings(), criterion_title=lambda ref: _criterion_title(me, ref))


def _criterion_title(me: Who, ref: str) -> str:
    """A criterion's title in the page's language (the other as fallback); empty for an area."""
    criterion = me.catalogue.resolve(ref)
    return criterion.title.get(me.lang, "en", "vi") if criterion is not None else ""


def evidence_record(request: Request, code: str, me: Me) -> Response:
    q = request.query_params
    notice = None
    if q.get("attached", "").isdigit():
        notice = ("evidence.attached", {"n": int(q["attached"])})
    elif q.get("saved"):
        notice = ("evidence.saved", {})
    elif q.get("detached"):
        notice = ("evidence.detached", {})
    elif q.get("commented"):
        notice = ("evidence.commented", {})
    elif q.get("linked"):
        notice = ("evidence.linked", {})
    return record_page(request, me, code, notice=notice)


def ascii_name(name: str) -> str:
    """A file name any browser takes in ``filename=``: ASCII letters, digits, ``.-_`` only."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._") or "file"
    return plain[-100:]


def content_disposition(name: str) -> str:
    """``attachment`` with a safe ASCII name and the real one for browsers that read RFC 5987."""
    shown = "".join(ch for ch in name if ch >= " " and ch != "\x7f")
    return f"attachment; filename=\"{ascii_name(shown)}\"; filename*=UTF-8''{quote(shown, safe='')}"


@router.get("/evidence/{code}/files/{which}")
def evidence_file(code: str, which: str, me: Me) -> Response:
    """A file of a record, only ever as a download (never the stored media type, never inline)."""
    from readiness import api

    found = api.read_attachment(me.ws, me.actor, code, which[:64])
    blocks = found.blocks
    first = next(blocks, b"")  # a file missing from the store is an error page, not a cut download

    def body() -> Iterator[bytes]:
        yield first
        yield from blocks

    return StreamingResponse(body(), media_type="application/octet-stream", headers={
        "content-disposition": content_disposition(found.name), "content-length": str(found.size),
        "x-content-type-options": "nosniff", "cache-control": "private, no-store"})


@router.post("/evidence/{code}/files/delete", dependencies=[Depends(csrf_checked)])
def evidence_file_delete(request: Request, code: str, file: Annotated[str, Form(max_length=64)], me: Me) -> Response:
    from readiness import api

    view = api.detach_file(me.ws, me.actor, code, file)
    return RedirectResponse(f"/evidence/{view.code}?detached=1#files", status_code=303)


@router.post("/evidence/{code}/comments", dependencies=[Depends(csrf_checked)])
def evidence_comment(request: Request, code: str, me: Me,
                     text: Annotated[str, Form(max_length=10_000)] = "") -> Response:
    from readiness import api

    try:
        api.add_comment(me.ws, me.actor, code, text)
    except InvalidValueError as exc:
        return record_page(request, me, code, status=400, error=str(exc), comment=text)
    return RedirectResponse(f"/evidence/{quote(code.strip().upper())}?commented=1#comments", status_code=303)


@router.post("/evidence/{code}/links", dependencies=[Depends(csrf_checked)])
def evidence_link(request: Request, code: str, me: Me, ref: Annotated[str, Form(max_length=200)] = "",
                  rationale: Annotated[str, Form(max_length=2000)] = "") -> Response:
    from readiness import api

    try:
        view = api.link_evidence(me.ws, me.actor, code, [ref], rationale or None, me.catalogue)
    except InvalidValueError as exc:
        return edit_page(request, me, code, status=400, error=str(exc))
    return RedirectResponse(f"/evidence/{view.code}/edit?linked=1#links", status_code=303)


@router.post("/evidence/{code}/links/remove", dependencies=[Depends(csrf_checked)])
def evidence_unlink(request: Request, code: str, me: Me, ref: Annotated[str, Form(max_length=200)]) -> Response:
    from readiness import api

    view = api.unlink_evidence(me.ws, me.actor, code, [ref])
    return RedirectResponse(f"/evidence/{view.code}/edit#links", status_code=303)


@router.post("/evidence/{code}/remove", dependencies=[Depends(csrf_checked)])
def evidence_remove(request: Request, code: str, me: Me) -> Response:
    from readiness import api

    view = api.remove_evidence(me.ws, me.actor, code)
    return RedirectResponse(f"/evidence?{urlencode({'removed': view.code})}", status_code=303)


# ---------------------------------------------------------------------------------------------
# Uploads


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def record_upload(request: Request, code: str, me: Me) -> AsyncIterator[tuple[Any, uploads.Upload]]:
    """The record's upload, read from the stream to temporary files (removed after the route):
    CSRF (header, or the form's field before any file) and the right to change the record are
    checked before a file byte is read. Listed before ``csrf_checked``, which then finds the token
    already read (``uploads.hand_over_csrf``) instead of spooling the body with ``request.form()``."""
    from readiness import api

    header_ok = uploads.check_csrf_header(request)
    view = await run_in_threadpool(api.evidence_to_change, me.ws, me.actor, code)
    upload = await uploads.receive(request, uploads.max_upload(request), csrf_checked=header_ok)
    try:
        uploads.hand_over_csrf(request, upload)
        yield view, upload
    finally:
        upload.close()


@router.post("/evidence/{code}/files", dependencies=[Depends(record_upload), Depends(csrf_checked)])
async def evidence_upload(request: Request, me: Me,
                          received: Annotated[tuple[Any, uploads.Upload], Depends(record_upload)]) -> Response:
    """Files for a record, streamed to temporary files (``record_upload``), then attached in one call;
    ``attach_files`` checks the names, sizes and rights again."""
    from readiness import api

    view, upload = received
    try:
        if not upload.files:
            raise InvalidValueError("no file was chosen: pick or drop the files to attach")
        attached = await run_in_threadpool(api.attach_files, me.ws, me.actor, view.code, upload.files,
                                           max_size=uploads.max_upload(request))
    except InvalidValueError as exc:
        if wants_json(request):
            return JSONResponse({"error": type(exc).__name__, "message": str(exc)}, status_code=400)
        message = str(exc)
        return await run_in_threadpool(lambda: record_page(request, me, view.code, status=400, error=message))
    target = f"/evidence/{view.code}?attached={len(attached.added)}#files"
    if wants_json(request):
        return JSONResponse({"added": attached.added, "location": target})
    return RedirectResponse(target, status_code=303)


# ---------------------------------------------------------------------------------------------
# New record, edit


def blank_form() -> dict[str, Any]:
    return {"kind": "", "title_vi": "", "title_en": "", "summary_vi": "", "summary_en": "", "organiser_vi": "",
            "organiser_en": "", "start": "", "end": "", "unit": "", "submit": "", "city": "",
            "links": [("", "") for _ in range(LINK_ROWS)], "draft": "", "document": ""}


def form_from_view(view: Any) -> dict[str, Any]:
    r = view.row
    return {**blank_form(), "kind": r.kind, "title_vi": r.title.get("vi", ""), "title_en": r.title.get("en", ""),
            "summary_vi": r.summary.get("vi", ""), "summary_en": r.summary.get("en", ""),
            "organiser_vi": r.organiser.get("vi", ""), "organiser_en": r.organiser.get("en", ""),
            "start": _typed_date(r.start), "end": _typed_date(r.end), "unit": view.unit or "",
            "submit": "1" if r.status == "submitted" else "", "city": view.city}


def _typed_date(iso: str | None) -> str:
    """A stored date as officials type it (DD/MM/YYYY, MM/YYYY, YYYY), which the form reads back."""
    from readiness.web.i18n import format_date

    return format_date(iso, "vi") if iso else ""


async def read_form(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in blank_form() if k != "links"}
    refs, whys = form.getlist("ref"), form.getlist("rationale")
    links = [(str(r).strip(), str(w).strip()) for r, w in zip(refs, whys, strict=False)]
    links += [(str(r).strip(), SUGGESTED) for r in form.getlist("suggested")[:20] if str(r).strip()]
    while len(links) < LINK_ROWS:
        links.append(("", ""))
    values["links"] = links
    return values


def raw_fields(values: dict[str, Any], *, new: bool) -> dict[str, Any]:
    """The record's fields as the library reads them, from the form."""
    raw: dict[str, Any] = {"kind": values["kind"],
                           "title": {"vi": values["title_vi"], "en": values["title_en"]},
                           "summary": {"vi": values["summary_vi"], "en": values["summary_en"]},
                           "organiser": {"vi": values["organiser_vi"], "en": values["organiser_en"]},
                           "start": values["start"], "end": values["end"], "unit": values["unit"] or None}
    if values["submit"]:
        raw["status"] = "submitted"
    elif new:
        raw["status"] = "draft"
    return raw


def field_errors(exc: InvalidValueError) -> dict[str, str]:
    """Each problem by the form field it belongs to (``title.vi`` is ``title_vi``)."""
    from readiness.evidence import FieldProblemsError

    if isinstance(exc, FieldProblemsError):
        return {p.field.replace(".", "_"): p.message for p in exc.problems}
    return {}


def form_page(request: Request, me: Who, *, values: dict[str, Any], code: str | None, status: int = 200,
              error: Any = None, fields: dict[str, str] | None = None, city: str | None = None,
              sheet: Any = None, suggestions: Any = None, draft: Any = None, notice: Any = None) -> Response:
    from readiness import api

    cities = readable_city_names(me)
    chosen = city or values.get("city") or (cities[0] if cities else "")
    units = api.contributable_units(me.ws, me.actor, chosen) if chosen else None
    return render(request, "evidence_form.html.j2", me, status=status, values=values, code=code, error=error,
                  fields=fields or {}, cities=cities, city=chosen, units=units, kinds=kinds(), kind_label=kind_label,
                  sheet=sheet, suggestions=suggestions, draft=draft, notice=notice, in_lang=in_lang,
                  max_upload=uploads.max_upload(request))


@router.get("/evidence/new", response_class=HTMLResponse)
def new_page(request: Request, me: Me, city: str = "") -> Response:
    from readiness.access import Right, require_somewhere

    require_somewhere(me.actor, Right.CONTRIBUTE)  # a reviewer or a viewer has no form to fill
    return form_page(request, me, values={**blank_form(), "city": city[:200]}, code=None)


def _session(request: Request) -> str:
    return security.session_token(request) or ""


@router.post("/evidence/new", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
async def new_record(request: Request, me: Me) -> Response:
    from readiness import api

    values = await read_form(request)
    kept = uploads.kept_draft(_session(request), values["draft"]) if values["draft"] else None
    files = [kept] if kept else []
    links = [(ref, why or None) for ref, why in values["links"] if ref]
    cities = readable_city_names(me)
    city = values["city"] or (cities[0] if cities else "")

    def add() -> Any:
        return api.add_evidence(me.ws, me.actor, city, raw_fields(values, new=True), me.catalogue, links=links,
                                files=files, max_size=uploads.max_upload(request))

    try:
        view = await run_in_threadpool(add)
    except InvalidValueError as exc:
        message, fields = str(exc), field_errors(exc)
        return await run_in_threadpool(lambda: form_page(
            request, me, values=values, code=None, status=400, error=message, fields=fields, city=city))
    if kept:
        uploads.drop_draft(_session(request), values["draft"])
    return RedirectResponse(f"/evidence/{view.code}?saved=1", status_code=303)


def edit_page(request: Request, me: Who, code: str, *, values: dict[str, Any] | None = None, status: int = 200,
              error: Any = None, fields: dict[str, str] | None = None, notice: Any = None) -> Response:
    from readiness import api

    view = api.evidence_to_change(me.ws, me.actor, code)
    sheet = _sheet(me, view.code)
    suggestions = api.suggest_for_record(me.ws, me.actor, view.code, me.catalogue)
    return form_page(request, me, values=values or form_from_view(view), code=view.code, status=status,
                     error=error, fields=fields, city=view.city, sheet=sheet, suggestions=suggestions,
                     notice=notice)


@router.get("/evidence/{code}/edit", response_class=HTMLResponse)
def edit_form(request: Request, code: str, me: Me) -> Response:
    notice: Any = ("evidence.linked", {}) if request.query_params.get("linked") else None
    return edit_page(request, me, code, notice=notice)


@router.post("/evidence/{code}/edit", response_class=HTMLResponse, dependencies=[Depends(csrf_checked)])
async def edit_record(request: Request, code: str, me: Me) -> Response:
    from readiness import api

    values = await read_form(request)
    try:
        view = await run_in_threadpool(api.edit_evidence, me.ws, me.actor, code, raw_fields(values, new=False))
    except InvalidValueError as exc:
        message, fields = str(exc), field_errors(exc)
        return await run_in_threadpool(lambda: edit_page(
            request, me, code, values=values, status=400, error=message, fields=fields))
    return RedirectResponse(f"/evidence/{view.code}?saved=1", status_code=303)


# ---------------------------------------------------------------------------------------------
# Draft from a document


@router.get("/evidence/draft", response_class=HTMLResponse)
def draft_page(request: Request, me: Me) -> Response:
    from readiness.access import Right, require_somewhere

    require_somewhere(me.actor, Right.CONTRIBUTE)
    return render(request, "evidence_draft.html.j2", me, error=None, cities=readable_city_names(me),
                  max_upload=uploads.max_upload(request), human_size=lambda n: i18n.format_size(n, me.lang))


async def draft_upload_received(request: Request, me: Me) -> AsyncIterator[uploads.Upload]:
    """The document of a draft, streamed to a temporary folder (removed after the route); CSRF
    checked before its bytes (see ``record_upload``); only for someone who may add records."""
    from readiness.access import Right, require_somewhere

    require_somewhere(me.actor, Right.CONTRIBUTE)
    header_ok = uploads.check_csrf_header(request)
    upload = await uploads.receive(request, uploads.max_upload(request), csrf_checked=header_ok)
    try:
        uploads.hand_over_csrf(request, upload)
        yield upload
    finally:
        upload.close()


@router.post("/evidence/draft", response_class=HTMLResponse,
             dependencies=[Depends(draft_upload_received), Depends(csrf_checked)])
async def draft_upload(request: Request, me: Me,
                       upload: Annotated[uploads.Upload, Depends(draft_upload_received)]) -> Response:
    """Read an uploaded document into a draft (nothing is stored yet), keep the document for this
    session, and show the new-record form filled from the draft for correction."""
    from readiness import api

    limit = uploads.max_upload(request)
    cities = readable_city_names(me)
    try:
        city = upload.fields.get("city") or (cities[0] if cities else "")
        if len(upload.files) != 1:
            raise InvalidValueError("choose one document to draft a record from")
        name, path = upload.files[0]
        result = await run_in_threadpool(api.draft_document, me.ws, me.actor, city, path, me.catalogue,
                                         dry_run=True, max_size=limit)
        token = uploads.keep_draft(_session(request), name, path)
    except InvalidValueError as exc:
        return render(request, "evidence_draft.html.j2", me, status=400, error=str(exc), cities=cities,
                      max_upload=limit, human_size=lambda n: i18n.format_size(n, me.lang))
    draft = result.draft
    lang = draft.language if draft.language in ("vi", "en") else "vi"
    values = {**blank_form(), "city": city, "kind": draft.kind.kind or "report", f"title_{lang}": draft.title[:500],
              f"summary_{lang}": draft.summary, f"organiser_{lang}": draft.organiser or "",
              "start": _typed_date(draft.start.iso() if draft.start else None),
              "end": _typed_date(draft.end.iso() if draft.end else None), "unit": draft.unit or "",
              "draft": token, "document": name}
    return await run_in_threadpool(lambda: form_page(request, me, values=values, code=None, city=city, draft=draft))


# Last, so that /evidence/new and /evidence/draft are not taken for a record's code.
router.add_api_route("/evidence/{code}", evidence_record, methods=["GET"], response_class=HTMLResponse)
