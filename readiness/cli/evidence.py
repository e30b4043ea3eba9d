"""``readiness evidence ...``: add, list, show, edit, link, attach, verify, draft records."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from readiness.cli.options import (
    CONTEXT,
    DATE_HELP,
    KIND_HELP,
    PARTIAL_DATE,
    actor_of,
    criteria_dir_option,
    framework_option,
    lang_option,
    list_format_option,
    load_catalogue,
    max_size_option,
    open_workspace,
    raw_option,
    text_format_option,
    workspace_options,
)
from readiness.cli.output import note

if TYPE_CHECKING:
    from readiness.config import Settings
    from readiness.dates import PartialDate

log = logging.getLogger(__name__)


def record_options(func: Callable) -> Callable:
    """The fields of a record, shared by ``evidence add`` and ``evidence edit``."""
    options = [
        click.option("--kind", help=f"What it is: {KIND_HELP} (or in Vietnamese: kế hoạch, hội thảo, sự kiện, "
                     "báo cáo..., accents optional)."),
        click.option("--title", help="Title, in the language of --text-lang."),
        click.option("--title-en", help="English title."),
        click.option("--summary", help="What it shows, in your own words (in --text-lang)."),
        click.option("--summary-en", help="English summary."),
        click.option("--organiser", help="Who ran or issued it (in --text-lang)."),
        click.option("--organiser-en", help="Organiser in English."),
        click.option("--text-lang", default="vi", show_default=True,
                     help="Language of --title, --summary, --organiser."),
        click.option("--unit", help="Ward, commune or agency of the city responsible for it."),
        click.option("--start", help=f"When it happened or was adopted: {DATE_HELP}."),
        click.option("--end", help="When it ended (events over several days, plans with a horizon); dates as --start."),
        click.option("--valid-until",
                     help="When it stops counting (a certificate, a plan that expires); dates as --start."),
        click.option("--source-url", help="Where it is published (https://...)."),
        click.option("--language", help="Language of the document itself: vi, en..."),
        click.option("--owner", help="Person or unit responsible for this record."),
        click.option("--tag", "tags", multiple=True, help="A tag (repeatable)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _fields(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The record options that were given, shaped as ``evidence.check_fields`` reads them."""
    lang = kwargs.pop("text_lang")
    raw: dict[str, Any] = {}
    for name in ("title", "summary", "organiser"):
        texts = {}
        if kwargs.get(name) is not None:
            texts[lang] = kwargs[name]
        if kwargs.get(f"{name}_en") is not None:
            texts["en"] = kwargs[f"{name}_en"]
        if texts:
            raw[name] = texts
        kwargs.pop(name, None), kwargs.pop(f"{name}_en", None)
    for name in ("kind", "unit", "start", "end", "valid_until", "source_url", "language", "owner"):
        value = kwargs.pop(name, None)
        if value is not None:
            raw[name] = value
    tags = kwargs.pop("tags", ())
    if tags:
        raw["tags"] = list(tags)
    return raw


def _interactive() -> bool:
    return sys.stdin.isatty()


@click.group(context_settings=CONTEXT)
def evidence() -> None:
    """Evidence records: the proof a city shows for each criterion.

    \b
    A record has an id like HN-0042, a kind, a title and summary in Vietnamese
    and/or English, the dates of what it documents, a status (draft, submitted,
    verified, rejected), attached files and links to criteria (kflc:2.6.1).

    \b
    Example:
      readiness evidence add --city Hanoi --kind event --title "Tuần lễ học tập suốt đời 2025" \\
          --start 01/10/2025 --end 07/10/2025 --link kflc:2.6.1 --file report.pdf
      readiness evidence list --city Hanoi --search "hoc tap"
    """


def _prompt_missing(raw: dict[str, Any]) -> None:
    """At a terminal, ask for the kind, title and date ``evidence add`` was not given."""
    if "kind" not in raw and _interactive():
        raw["kind"] = click.prompt(f"Kind ({KIND_HELP})", err=True)
    if "title" not in raw and _interactive():
        raw["title"] = {"vi": click.prompt("Title (Vietnamese; leave empty for English only)", default="", err=True,
                                           show_default=False),
                        "en": click.prompt("Title (English)", default="", err=True, show_default=False)}
        if "start" not in raw:
            start = click.prompt(f"Date ({DATE_HELP}; empty if none)", default="", err=True, show_default=False)
            if start:
                raw["start"] = start


def _warn(lines: list[str]) -> None:
    for line in lines:
        log.warning("%s", line)


@evidence.command("add")
@click.option("--city", "city_name", required=True, help="The city the evidence belongs to.")
@record_options
@click.option("--link", "links", multiple=True, metavar="FRAMEWORK:CRITERION",
              help="A criterion it supports, e.g. kflc:2.6.1 (repeatable).")
@click.option("--why", help="Why it supports the linked criteria (one short sentence).")
@click.option("--file", "files", multiple=True, type=click.Path(path_type=str),
              help="A file to attach (repeatable).")
@max_size_option
@workspace_options
@criteria_dir_option
@text_format_option
def evidence_add(city_name: str, links: tuple[str, ...], why: str | None, files: tuple[str, ...], max_size: int,
                 settings: Settings, criteria_dirs: tuple[Path, ...], fmt: str, **kwargs: Any) -> None:
    """Add an evidence record; asks for kind and title when run at a terminal without them.

    \b
    Example:
      readiness evidence add --city Hanoi --kind plan --title "Kế hoạch 11/KH-UBND" \\
          --start 07/01/2025 --link kflc:3.1.1 --link guidelines:G1 --file plan.pdf
    """
    from readiness import evidence as lib
    from readiness.cli import output

    raw = _fields(kwargs)
    _prompt_missing(raw)
    catalogue = load_catalogue(settings, criteria_dirs)
    with open_workspace(settings) as ws:
        actor = actor_of(settings, ws)
        view = lib.add_evidence(ws, actor, city_name, raw, catalogue,
                                links=[(ref, why) for ref in links], files=list(files), max_size=max_size)
    _warn(view.warnings)
    if fmt == "json":
        output.emit_json(view.as_json())
        return
    click.echo(view.code)
    note(f"added {view.code}: {view.title()}")
    if not links:  # help the official link it: the criteria its words point to
        from readiness.intake.draft import suggest_for_record

        with open_workspace(settings) as ws:
            found = suggest_for_record(ws, actor, view.code, catalogue, top=3)
        output.suggestions(view.code, found.by_framework, "en")


@evidence.command("list")
@click.option("--city", "city_name", help="Only this city's records.")
@click.option("--unit", help="Only this unit's records (and its sub-units'); needs --city.")
@click.option("--kind", "kinds", multiple=True, help="Only these kinds (repeatable).")
@click.option("--criterion", help="Only records linked to this criterion, e.g. kflc:2.6.1 "
              "(or 2.6.1 when one framework has it).")
@click.option("--status", "statuses", multiple=True, help="draft, submitted, verified or rejected (repeatable).")
@click.option("--since", type=PARTIAL_DATE, help=f"Only what happened on or after this date ({DATE_HELP}).")
@click.option("--until", type=PARTIAL_DATE, help="Only what happened on or before this date.")
@click.option("--search", "text", help="Words to find in titles, summaries, organisers, tags; "
              'accents optional ("hoc tap").')
@click.option("--tag", help="Only records with this tag.")
@lang_option("Language of titles in the table (vi or en).", ("en", "vi"))
@workspace_options
@list_format_option
@raw_option
def evidence_list(city_name: str | None, unit: str | None, kinds: tuple[str, ...], criterion: str | None,
                  statuses: tuple[str, ...], since: PartialDate | None, until: PartialDate | None, text: str | None,
                  tag: str | None, lang: str, settings: Settings, fmt: str, raw: bool) -> None:
    """List evidence records, oldest first; filters combine.

    \b
    Example:
      readiness evidence list --city Hanoi
      readiness evidence list --city Hanoi --kind event --since 2025 --search "tuan le"
      readiness evidence list --criterion kflc:2.6.1 --format csv > week.csv
    """
    from readiness import evidence as lib
    from readiness.cli import output

    flt = lib.EvidenceFilter(city=city_name, unit=unit, kinds=kinds, criterion=criterion, statuses=statuses,
                             since=since, until=until, text=text, tag=tag)
    with open_workspace(settings) as ws:
        views = lib.list_evidence(ws, actor_of(settings, ws), flt)
    if fmt == "json":
        output.emit_json([v.as_json() for v in views])
    elif fmt == "csv":
        output.evidence_csv(views, raw)
    elif not views:
        note("no evidence matches; add some with `readiness evidence add` or `readiness import`")
    else:
        output.evidence_table(views, lang)


@evidence.command("show")
@click.argument("evidence_id")
@lang_option("Language of dates and labels (vi or en).", ("en", "vi"))
@workspace_options
@text_format_option
def evidence_show(evidence_id: str, lang: str, settings: Settings, fmt: str) -> None:
    """Show one record with its links, files, values and status.

    A record that was ever verified says by whom and when, and whether its content is still
    what was verified (else which fields changed since). A removed id says when and by whom.
    A photo taken more than 30 days outside the record's dates is flagged; the JSON lists each
    photo's date under "photos" and the flags under "warnings".

    \b
    Example:
      readiness evidence show HN-0001
      readiness evidence show hn-1 --format json
    """
    from readiness import evidence as lib
    from readiness.cli import output

    with open_workspace(settings) as ws:
        shown = lib.show_evidence(ws, actor_of(settings, ws), evidence_id)
    if fmt == "json":
        output.emit_json(shown.as_json())
    else:
        output.evidence_detail(shown.view, lang, shown.verification, shown.comments)


@evidence.command("comment")
@click.argument("evidence_id")
@click.argument("text")
@workspace_options
@text_format_option
def evidence_comment(evidence_id: str, text: str, settings: Settings, fmt: str) -> None:
    """Comment on a record: ask for a missing document, answer a reviewer.

    The comment is kept with the record (`evidence show`) and in its history (`readiness log
    ID`), under your name. Plain text, several lines allowed, at most 4,000 characters.

    \b
    Example:
      readiness evidence comment HN-0042 "Please attach the signed copy of the plan."
      readiness evidence comment HN-0042 "Đã đính kèm bản có chữ ký."
    """
    from readiness.cli import output
    from readiness.comments import add_comment

    with open_workspace(settings) as ws:
        added = add_comment(ws, actor_of(settings, ws), evidence_id, text)
    if fmt == "json":
        output.emit_json(added.as_json())
    else:
        note(f"commented on {evidence_id.strip().upper()} as {added.author}")


@evidence.command("edit")
@click.argument("evidence_id")
@record_options
@click.option("--add-tag", "add_tags", multiple=True, metavar="TAG",
              help="Add a tag, keeping the others (repeatable).")
@click.option("--remove-tag", "remove_tags", multiple=True, metavar="TAG",
              help="Remove a tag the record has, keeping the others (repeatable).")
@click.option("--status", type=click.Choice(["draft", "submitted"]),
              help="Move between draft and submitted (verify and reject have their own commands).")
@workspace_options
def evidence_edit(evidence_id: str, status: str | None, add_tags: tuple[str, ...], remove_tags: tuple[str, ...],
                  settings: Settings, **kwargs: Any) -> None:
    """Change fields of a record; texts change only in the language given.

    --tag replaces all the tags; --add-tag and --remove-tag change only the ones named
    (the tag case-study marks a record for the progress report's case studies).
    A change to a verified record's content returns it to submitted for review (owner and
    tags do not). A rejected record stays rejected until you resubmit it with --status submitted.

    \b
    Example:
      readiness evidence edit HN-0003 --title-en "Lifelong Learning Week 2025" --end 07/10/2025
      readiness evidence edit HN-0003 --add-tag case-study
      readiness evidence edit HN-0003 --status submitted
    """
    from readiness import evidence as lib

    raw = _fields(kwargs)
    if status:
        raw["status"] = status
    with open_workspace(settings) as ws:
        view = lib.edit_evidence(ws, actor_of(settings, ws), evidence_id, raw, add_tags=add_tags,
                                 remove_tags=remove_tags)
    note(f"changed {view.code}")


@evidence.command("link")
@click.argument("evidence_id")
@click.argument("criteria", nargs=-1, required=True, metavar="FRAMEWORK:CRITERION...")
@click.option("--why", help="Why the record supports them (one short sentence).")
@workspace_options
@criteria_dir_option
def evidence_link(evidence_id: str, criteria: tuple[str, ...], why: str | None, settings: Settings,
                  criteria_dirs: tuple[Path, ...]) -> None:
    """Link a record to criteria of any framework.

    Warns (and still links) when the record can never count for a criterion as it stands:
    a kind it does not take, too old for it today, or no file where one is required.

    \b
    Example:
      readiness evidence link HN-0003 kflc:2.6.1 guidelines:G3 --why "City-wide learning week"
    """
    from readiness import evidence as lib

    catalogue = load_catalogue(settings, criteria_dirs)
    with open_workspace(settings) as ws:
        view = lib.link_evidence(ws, actor_of(settings, ws), evidence_id, criteria, why, catalogue)
    note(f"{view.code} links: {', '.join(lk.criterion for lk in view.links)}")
    _warn(view.warnings)


@evidence.command("unlink")
@click.argument("evidence_id")
@click.argument("criteria", nargs=-1, required=True, metavar="FRAMEWORK:CRITERION...")
@workspace_options
def evidence_unlink(evidence_id: str, criteria: tuple[str, ...], settings: Settings) -> None:
    """Remove links from a record to criteria.

    \b
    Example:
      readiness evidence unlink HN-0003 guidelines:G3
    """
    from readiness import evidence as lib

    with open_workspace(settings) as ws:
        view = lib.unlink_evidence(ws, actor_of(settings, ws), evidence_id, criteria)
    note(f"{view.code} links: {', '.join(lk.criterion for lk in view.links) or 'none'}")


@evidence.command("attach")
@click.argument("evidence_id")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@max_size_option
@workspace_options
def evidence_attach(evidence_id: str, files: tuple[str, ...], max_size: int, settings: Settings) -> None:
    """Attach files to a record: copied into the workspace, named by their SHA-256.

    The same file attached twice is stored once. Links, folders, devices and empty files are refused.

    \b
    Example:
      readiness evidence attach HN-0003 report.pdf photos/opening.jpg
    """
    from readiness import evidence as lib
    from readiness.cli import output

    with open_workspace(settings) as ws, output.progress("copying files in", output.total_size(files)) as advance:
        attached = lib.attach_files(ws, actor_of(settings, ws), evidence_id, files, max_size=max_size, progress=advance)
    for a in attached.view.attachments:
        if a.name in attached.added:
            note(f"attached {output.safe(a.name)} ({a.media_type}, {a.size:,} bytes, sha256 {a.sha256[:12]})")
    if len(attached.added) < len(files):
        note(f"{len(files) - len(attached.added)} file(s) were attached already")


@evidence.command("detach")
@click.argument("evidence_id")
@click.argument("attachment", metavar="NAME_OR_SHA256")
@workspace_options
def evidence_detach(evidence_id: str, attachment: str, settings: Settings) -> None:
    """Remove an attachment from a record (by its name or the start of its SHA-256).

    The bytes stay in the store until `readiness verify --prune` if nothing else uses them.

    \b
    Example:
      readiness evidence detach HN-0003 report.pdf
      readiness evidence detach HN-0003 3fa9c2
    """
    from readiness import evidence as lib

    with open_workspace(settings) as ws:
        view = lib.detach_file(ws, actor_of(settings, ws), evidence_id, attachment)
    note(f"{view.code} has {len(view.attachments)} attachment(s)")


@evidence.command("verify")
@click.argument("evidence_ids", nargs=-1, required=True, metavar="ID...")
@click.option("--note", "check_note", help="What was checked (kept with the decision).")
@workspace_options
def evidence_verify(evidence_ids: tuple[str, ...], check_note: str | None, settings: Settings) -> None:
    """Mark records as verified by you (a reviewer); who and when are kept.

    The verification covers the content you see: any later change to its texts, dates, kind,
    unit, source, links, values or files returns the record to submitted. Several records are
    verified together or not at all: one unknown id leaves every record as it was.

    \b
    Example:
      readiness evidence verify HN-0001 HN-0002 --note "Checked against the signed original"
    """
    from readiness import evidence as lib

    with open_workspace(settings) as ws:
        views = lib.verify_records(ws, actor_of(settings, ws), evidence_ids, check_note)
    for view in views:
        note(f"verified {view.code}")


@evidence.command("reject")
@click.argument("evidence_id")
@click.option("--reason", required=True, help="What is wrong, so the owner can fix it.")
@workspace_options
def evidence_reject(evidence_id: str, reason: str, settings: Settings) -> None:
    """Reject a record, saying why; it no longer counts until fixed and verified.

    \b
    Example:
      readiness evidence reject HN-0004 --reason "Photo only; attach the signed minutes"
    """
    from readiness import evidence as lib

    with open_workspace(settings) as ws:
        view = lib.reject_record(ws, actor_of(settings, ws), evidence_id, reason)
    note(f"rejected {view.code}: {reason}")


@evidence.command("remove")
@click.argument("evidence_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@workspace_options
def evidence_remove(evidence_id: str, yes: bool, settings: Settings) -> None:
    """Remove a record; the audit log keeps what it held, and its files stay until pruned.

    \b
    Example:
      readiness evidence remove HN-0009 --yes
    """
    from readiness import evidence as lib
    from readiness.errors import InvalidValueError

    if not yes:  # the terminal's question, not a rule of the library: a web form asks its own way
        if not _interactive():
            raise InvalidValueError(f"removing {evidence_id} needs --yes when not run at a terminal")
        click.confirm(f"Remove {evidence_id}?", abort=True, err=True)
    with open_workspace(settings) as ws:
        view = lib.remove_evidence(ws, actor_of(settings, ws), evidence_id)
    note(f"removed {view.code}: {view.title()} (kept in the audit log)")


@evidence.command("draft")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--city", "city_name", required=True, help="The city the evidence belongs to.")
@framework_option("Frameworks to suggest criteria from (repeatable) [default: marked `suggest:`; kflc, guidelines].")
@click.option("--dry-run", is_flag=True, help="Show the draft; add nothing.")
@click.option("--link-best", is_flag=True, help="Link the best suggestion of each framework (else only suggest).")
@lang_option("Language of criterion titles: en or vi.", ("en", "vi"))
@text_format_option
@max_size_option
@workspace_options
@criteria_dir_option
def evidence_draft(file: str, city_name: str, framework_ids: tuple[str, ...], dry_run: bool, link_best: bool,
                   lang: str, fmt: str, max_size: int, settings: Settings, criteria_dirs: tuple[Path, ...]) -> None:
    """Draft a record from a document (text, HTML, PDF or DOCX; Vietnamese or English).

    Reads the title (the headline, or an official document's heading with its number), a
    summary of the main text, the dates of what it reports ("from October 1 to October 7",
    "ngày 3 tháng 10 năm 2023", "tháng 10/2021"; not the page's own date), the organiser (a letterhead's issuing body,
    and the unit it names), the source address, numbers worth keeping (participants, classes,
    scholarships, districts) and the kind, and suggests criteria; it warns when the document
    is about another place than the city. It
    prints what it found and how sure it is (for the kind, also the next two it may be), then
    adds a DRAFT record with the file attached
    and the numbers as indicator values, for you to check with `evidence edit` and link with
    `evidence link` before submitting. Works offline.

    \b
    Example:
      readiness evidence draft bao-cao-tuan-le.pdf --city Hanoi --dry-run
      readiness evidence draft article.html --city Hanoi --link-best
    """
    from readiness.cli import output
    from readiness.intake.draft import draft_document

    catalogue = load_catalogue(settings, criteria_dirs)
    with open_workspace(settings) as ws:
        result = draft_document(ws, actor_of(settings, ws), city_name, file, catalogue, framework_ids=framework_ids,
                                dry_run=dry_run, link_best=link_best, max_size=max_size)
    if fmt == "json":
        output.emit_json(result.as_json())
        return
    output.draft(result.draft)
    if result.view is None:
        note("dry run: nothing was added")
        return
    click.echo(result.view.code)
    note(f"added {result.view.code} as a draft with {file} attached; check it with "
         f"`readiness evidence show {result.view.code}`")
    if not link_best:
        output.suggestions(result.view.code, result.draft.suggestions, lang)
    else:
        note("linked: " + ", ".join(lk.criterion for lk in result.view.links))
