"""Formatting for the terminal (rich) and for programs (JSON). Used by the ``readiness.cli`` commands only.

Tables and trees go to stdout; rich leaves out colour when stdout is not a terminal, so the
output of ``readiness ... | less`` or a CI log stays plain text.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from readiness.numbers import format_number
from readiness.text import BIDI_CONTROLS, in_language

if TYPE_CHECKING:
    from rich.console import Console

    from readiness.cities import CityDetail, UnitNode
    from readiness.comments import CommentView
    from readiness.evidence import EvidenceView, Verification
    from readiness.frameworks.schema import Criterion, Framework
    from readiness.intake.draft import Draft
    from readiness.intake.suggest import Suggestion
    from readiness.store.models import AuditEvent


_MESSAGES = logging.getLogger("readiness.cli")


def note(message: str) -> None:
    """A message for the person at the terminal (what was done, what to do next), on stderr.

    It goes through the ``readiness`` logger, so ``readiness -q`` leaves only warnings and errors.
    """
    _MESSAGES.info(message)


def quiet() -> bool:
    """True under ``readiness -q``: no notes, no progress."""
    return not _MESSAGES.isEnabledFor(logging.INFO)


def console() -> Console:
    from rich.console import Console

    # sys.stdout as it is at call time, so that CliRunner captures it in tests. Piped output has
    # no terminal width; 120 columns keeps table rows on one line in logs and files.
    stream = sys.stdout
    width = None if stream.isatty() else 120
    return Console(file=stream, highlight=False, soft_wrap=False, width=width)


def emit_json(data: Any) -> None:
    """JSON for programs: UTF-8 text as is (no \\u escapes), stable key order, one document."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None) -> None:
    """A plain table; the first column (an id or a name) never wraps."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    t = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False)
    for i, name in enumerate(columns):
        t.add_column(name, no_wrap=i == 0, overflow="fold")
    for row in rows:
        # Text, not markup: a title like "[bold]x" from a user is shown as typed.
        t.add_row(*(Text("" if v is None else safe(str(v))) for v in row))
    console().print(t)


_UNSAFE = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7f, *range(0x80, 0xa0)]}
_UNSAFE.update({ord(c): f"\\u{ord(c):04x}" for c in ("\u200e", "\u200f", *BIDI_CONTROLS)})


def safe(text: str, *, lines: bool = False) -> str:
    """Text for a terminal: control and direction-override characters shown as escapes.

    A file name with an escape sequence or a right-to-left override cannot repaint the
    terminal or disguise ``gpj.exe`` as ``exe.jpg``; everything else (any script) is shown as is.
    With ``lines``, line breaks are kept (text the tool itself laid out in lines).
    """
    if lines:
        return "\n".join(part.translate(_UNSAFE) for part in text.split("\n"))
    return text.translate(_UNSAFE)


def audit_subject(event: AuditEvent) -> str:
    """What an audit event changed, in a few words: "evidence HN-0003", "city Hà Nội".

    A change of a record's status is named: "evidence HN-0003: verified → submitted".
    """
    snapshot = event.after or event.before or {}
    if event.entity == "evidence":
        was, now = (event.before or {}).get("status"), (event.after or {}).get("status")
        moved = f": {was} → {now}" if was and now and was != now else ""
        if event.action == "evidence.comment":
            text = " ".join(str(snapshot.get("comment", "")).split())
            moved = f": comment “{text[:60]}{'…' if len(text) > 60 else ''}”"
        return f"evidence {snapshot.get('id', event.entity_id)}{moved}"
    if event.entity == "not_applicable":
        return f"criterion {snapshot.get('criterion', event.entity_id)} of {snapshot.get('city', '')}"
    return f"{event.entity} {snapshot.get('name', event.entity_id)}"


# ---------------------------------------------------------------------------------------------
# Frameworks


def requirement_text(criterion: Criterion, lang: str = "en", own: bool = False) -> str:
    """What satisfies a criterion, in one line: "evidence: event · 2 records or more · ...".

    ``own``: the framework's counts and ages are its authors' (``own_thresholds``), said after them."""
    from readiness.labels import label

    mark = f" {label('own_threshold', lang)}" if own else ""
    if criterion.evidence is not None:
        ev = criterion.evidence
        parts = [f" {label('or', lang)} ".join(label(k.value, lang) for k in ev.kinds)]
        if ev.min_count > 1:
            parts.append(label("min_count", lang, n=ev.min_count) + (mark if not ev.max_age_years else ""))
        if ev.max_age_years:
            parts.append(label("max_age", lang, n=f"{ev.max_age_years:g}") + mark)
        if ev.file_required:
            parts.append(label("file attached", lang))
        if ev.verified_required:
            parts.append(label("verified", lang))
        return f"{label('evidence', lang)}: " + " · ".join(parts)
    assert criterion.profile is not None
    pr = criterion.profile
    parts = [", ".join(pr.fields), label(pr.check.value, lang)]
    if pr.max_words:
        parts.append(label("max_words", lang, n=pr.max_words))
    if pr.max_age_years:
        parts.append(label("data_age", lang, n=f"{pr.max_age_years:g}") + mark)
    if pr.topics:
        parts.append(f"{label('topics', lang)}: " + ", ".join(
            t.id if t.title is None else f"{t.id} ({t.label(lang)})" for t in pr.topics))
    return f"{label('city profile', lang)}: " + " · ".join(parts)


def framework_tree(fw: Framework, lang: str, guidance: bool) -> None:
    from rich.markup import escape
    from rich.tree import Tree

    from readiness.labels import label

    status = f" [yellow]({escape(label('draft', lang))})[/]" if fw.status == "draft" else ""
    root = Tree(f"[bold]{escape(fw.id)}[/]  {escape(fw.name.get(lang))}  {escape(fw.version)}{status}")
    weight = label("weight", lang)

    def add_areas(node: Tree, areas: Sequence[Any]) -> None:
        for area in areas:
            branch = node.add(f"[bold]{escape(area.id)}[/] {escape(area.title.get(lang))}"
                              + (f"  [dim]{weight} {area.weight:g}[/]" if area.weight != 1 else ""))
            add_areas(branch, area.areas)
            for crit in area.criteria:
                flags = []
                if crit.blocking:
                    own_rule = f" {label('own_rule', lang)}" if fw.own_thresholds else ""
                    flags.append(f"[red]{escape(label('blocking', lang) + own_rule)}[/]")
                if crit.applies_after:
                    flags.append(f"[dim]{escape(label('waits_for', lang, field=crit.applies_after))}[/]")
                if crit.weight != 1:
                    flags.append(f"{weight} {crit.weight:g}")
                leaf = branch.add(f"[cyan]{escape(crit.id)}[/] {escape(crit.title.get(lang))}"
                                  + (f"  {' '.join(flags)}" if flags else ""))
                leaf.add(f"[dim]{escape(requirement_text(crit, lang, fw.own_thresholds))}[/]")
                if guidance and crit.guidance is not None:
                    leaf.add(escape(crit.guidance.get(lang)))
                for ind in crit.indicators:
                    target = f", {label('target', lang)} {ind.target:g}" if ind.target is not None else ""
                    own = f"; {label('own_indicator', lang)}" if ind.own else ""
                    leaf.add(f"[dim]{escape(label('indicator', lang))} {escape(ind.id)}: "
                             f"{escape(ind.title.get(lang))} ({escape(ind.unit)}{target}{escape(own)})[/]")
                if crit.maps_to:
                    leaf.add(f"[dim]{escape(label('also counts for', lang))}: {escape(', '.join(crit.maps_to))}[/]")

    add_areas(root, fw.areas)
    console().print(root)
    click.echo("\n" + label("summary", lang, areas=len(fw.leaf_areas()), criteria=len(fw.criteria),
                            threshold=f"{fw.threshold:.0%}" + (f" {label('own_threshold', lang)}"
                                                               if fw.own_thresholds else "")))
    if fw.eligibility is not None:
        for line in eligibility_rules(fw, lang):
            click.echo(f"{label('eligibility', lang)}: {line}")


def eligibility_rules(fw: Framework, lang: str) -> list[str]:
    """A framework's eligibility rules in words, one line each."""
    from readiness.labels import label

    rules = fw.eligibility
    if rules is None:
        return []
    lines = []
    if rules.member_more_than_months is not None:
        lines.append(label("rule.member_months", lang, months=rules.member_more_than_months))
    if rules.past_winner_wait_years is not None:
        lines.append(label("rule.winner_wait", lang, years=rules.past_winner_wait_years))
    if rules.evidence_since_membership:
        lines.append(label("rule.since_membership", lang))
    lines += [note.get(lang) for note in rules.notes]
    return lines


# ---------------------------------------------------------------------------------------------
# Cities


def city_detail(detail: CityDetail) -> None:
    city = detail.city
    click.echo(f"{city.name} ({city.country})")
    if detail.profile:
        rows = []
        for r in detail.profile:
            source = r.get("source", "")
            if "invalid" in r:  # a bad value an old import stored: shown, not a crash; `city set --clear` removes it
                rows.append((r["field"], f"invalid: {r['value']}", r["invalid"][:60], ""))
            elif "year" in r:
                rows.append((r["field"], f"{format_number(r['value'])} {r['unit']}".strip(), r["year"], source))
            elif "lang" in r:
                text = r["value"] if len(r["value"]) <= 60 else r["value"][:57] + "..."
                rows.append((r["field"], text, f"{r['lang']}, {r['words']} words", source))
            else:
                rows.append((r["field"], r["value"], "", source))
        table(("FIELD", "VALUE", "YEAR / LANGUAGE", "SOURCE"), rows)
    else:
        click.echo("no profile fields set; see `readiness city set --help`")
    if detail.profile and detail.not_set:
        click.echo(f"not set (no source gives them yet): {', '.join(detail.not_set)}")
    if detail.units:
        click.echo("units:")
        unit_lines(detail.units)


def unit_lines(nodes: Sequence[UnitNode], depth: int = 1) -> None:
    for node in nodes:
        click.echo(f"{'  ' * depth}{node.unit.name} ({node.unit.kind})")
        unit_lines(node.children, depth + 1)


# ---------------------------------------------------------------------------------------------
# Evidence

CSV_COLUMNS = ("id", "city", "unit", "kind", "title_vi", "title_en", "summary_vi", "summary_en", "organiser_vi",
               "organiser_en", "start", "end", "valid_until", "source_url", "language", "owner", "tags", "status",
               "criteria", "files")


def evidence_table(views: Sequence[EvidenceView], lang: str) -> None:
    table(("ID", "KIND", "WHEN", "TITLE", "STATUS", "CRITERIA", "FILES"),
          [(v.code, v.row.kind, v.dates_text(lang, compact=True), v.title(lang), v.row.status,
            ", ".join(lk.criterion for lk in v.links), len(v.attachments) or "") for v in views])
    note(f"{len(views)} record(s)")
    for v in views:
        for warning in v.warnings:
            note(f"{v.code}: {warning}")


class _ProtectedWriter:
    def __init__(self, writer: Any):
        self.writer = writer

    def writerow(self, row: Iterable[Any]) -> None:
        from readiness.text import csv_protect

        self.writer.writerow([csv_protect(c) for c in row])


def csv_writer(raw: bool = False) -> Any:
    """The one CSV writer of every ``--format csv`` (stdout, UTF-8, one line per row).

    Cells that a spreadsheet would run as formulas (starting with = + - @, a tab or a carriage
    return: titles, names and justifications come from many hands) get a ``'`` before them, as
    OWASP advises; ``import`` takes it off again. ``raw`` writes the cells exactly as stored.
    """
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    return writer if raw else _ProtectedWriter(writer)


def evidence_csv(views: Sequence[EvidenceView], raw: bool = False) -> None:
    """The records as CSV with the columns `readiness import` reads (UTF-8); see ``csv_writer``."""
    writer = csv_writer(raw)
    writer.writerow(CSV_COLUMNS)
    for v in views:
        r = v.row
        writer.writerow([
            v.code, v.city, v.unit or "", r.kind, r.title.get("vi", ""), r.title.get("en", ""),
            r.summary.get("vi", ""), r.summary.get("en", ""), r.organiser.get("vi", ""), r.organiser.get("en", ""),
            r.start or "", r.end or "", r.valid_until or "", r.source_url or "", r.language or "", r.owner or "",
            "; ".join(r.tags), r.status,
            "; ".join(f"{lk.criterion} ({lk.rationale})" if lk.rationale else lk.criterion for lk in v.links),
            "; ".join(a.name for a in v.attachments),
        ])


def _verification_text(v: Verification | None) -> str | None:
    """What ``evidence show`` says of a record's last verification."""
    from readiness.evidence import verified_by_text

    if v is None:
        return None
    who = verified_by_text(v.by, v.at)
    if not v.changed:
        return f"{who}; the content shown is what was verified"
    return f"{'' if v.current else 'last '}{who}; changed since: {', '.join(v.changed)}"


def evidence_detail(view: EvidenceView, lang: str, verification: Verification | None = None,
                    comments: Sequence[CommentView] = ()) -> None:
    from readiness import dates
    from readiness.store.files import human_size

    r = view.row
    lines = [f"{view.code}  {r.kind}  [{r.status}]"]
    for code, text in r.title.items():
        lines.append(f"  title ({code}):     {text}")
    multiline = set()  # only a summary keeps its line breaks; in a name a break would forge a line
    for name in ("organiser", "summary"):
        for code, text in getattr(r, name).items():
            if name == "summary":
                multiline.add(len(lines))
            lines.append(f"  {name} ({code}): {' ' * (9 - len(name))}{text}")
    rows = [
        ("city", f"{view.city}" + (f" / {view.unit}" if view.unit else "")),
        ("when", view.dates_text(lang)),
        ("valid until", valid.human(lang) if (valid := dates.from_iso(r.valid_until)) else None),
        ("source", r.source_url),
        ("language", r.language),
        ("owner", r.owner),
        ("tags", ", ".join(r.tags) or None),
        ("status", f"{r.status}" + (f" by {r.status_by} on {r.status_at:%Y-%m-%d}" if r.status_at else "")
         + (f": {r.status_reason}" if r.status_reason else "")),
        ("verified", _verification_text(verification)),
        ("entered", f"{r.created_at:%Y-%m-%d} by {r.created_by}"),
    ]
    lines += [f"  {k + ':':<17}{v}" for k, v in rows if v]
    if view.links:
        lines.append("  criteria:")
        lines += [f"    {lk.criterion}" + (f"  {lk.rationale}" if lk.rationale else "") for lk in view.links]
    if view.indicators:
        lines.append("  indicator values:")
        lines += [f"    {i.indicator} = {format_number(i.value, 10)} {i.unit or ''}".rstrip()
                  + (f" ({i.year})" if i.year else "") + (f", {i.source}" if i.source else "") for i in view.indicators]
    if view.attachments:
        lines.append("  attachments:")
        lines += [f"    {a.name}  {a.media_type}  {human_size(a.size)}  sha256:{a.sha256[:16]}"
                  for a in view.attachments]
    if comments:
        lines.append("  comments:")
        for c in comments:  # a comment keeps its line breaks, indented under its author
            multiline.add(len(lines))
            lines.append(f"    {c.created_at:%Y-%m-%d %H:%M} {c.author}: " + c.text.replace("\n", "\n      "))
    for i, line in enumerate(lines):
        click.echo(safe(line, lines=i in multiline))
    for warning in view.warnings:
        click.echo(safe(f"warning: {warning}"), err=True)


def total_size(paths: Iterable[str]) -> int:
    """The bytes of the files a progress bar will count (those that cannot be read count nothing)."""
    import os

    total = 0
    for path in paths:
        try:
            total += os.lstat(path).st_size
        except OSError:
            pass
    return total


@contextmanager
def progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (only at a terminal); yields ``advance(n)``."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    err = Console(stderr=True)
    if not err.is_terminal or quiet() or total < 50_000_000:
        yield lambda n: None
        return
    with Progress("{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


@contextmanager
def steps() -> Iterator[Callable[[str, int, int], None]]:
    """Progress for work counted in steps (files, records); yields ``update(what, done, total)``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    err = Console(stderr=True)
    if not err.is_terminal or quiet():
        yield lambda what, done, total: None
        return
    with Progress("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done)

        yield update


# ---------------------------------------------------------------------------------------------
# Drafts and suggestions (on stderr: what the tool read, beside the id it prints on stdout)


def suggestions(code: str, found: Mapping[str, Sequence[Suggestion]], lang: str) -> None:
    """Suggested criteria on stderr, best first, with the words that matched and the command to link."""
    best = []
    for framework_id, items in found.items():
        if not items:
            continue
        click.echo(f"suggested {framework_id} criteria for {code}:", err=True)
        for s in items:
            title = in_language(s.title, lang)
            click.echo(safe(f"  {s.ref:<18} {title[:60]:<60}  matched: {', '.join(s.words[:4])}"), err=True)
        best.append(items[0].ref)
    # One command per framework: the best criterion of each is judged on its own, since the best
    # of two frameworks need not fit together.
    for ref in best:
        note(f"link with: readiness evidence link {code} {ref} --why \"...\"")


def _sure(value: float) -> str:
    return "sure" if value >= 0.75 else "likely" if value >= 0.5 else "a guess"


def draft(found: Draft) -> None:
    """What ``evidence draft`` read from a document, field by field, with how sure it is, on stderr."""

    def line(name: str, value: Any, how: str = "") -> None:
        click.echo(safe(f"  {name + ':':<12} {value if value not in (None, '') else '(not found)'}"
                        + (f"   [{how}]" if how and value else "")), err=True)

    click.echo("draft:", err=True)
    line("title", found.title)
    line("language", found.language)
    words = f": {', '.join(found.kind.words[:4])}" if found.kind.words else ""  # the cue words, if any
    kind_how = f"{_sure(found.kind.confidence)}{words}" if found.kind.kind else ""
    if found.kind.kind and (others := found.kind.alternatives()):
        kind_how += f"; or: {', '.join(others)}"
    line("kind", found.kind.kind, kind_how)
    when = found.start.iso() + (f" to {found.end.iso()}" if found.end else "") if found.start else None
    line("dates", when, _sure(found.date_confidence))
    line("organiser", found.organiser)
    if found.unit:
        line("unit", found.unit, "the issuing body")
    line("source", found.source_url)
    if found.numbers:
        line("numbers", "; ".join(f"{n.indicator} = {format_number(n.value, 10)} ({n.text})"
                                  for n in found.numbers[:8]))
    for warning in found.warnings:
        click.echo(safe(f"warning: {warning}"), err=True)
