"""``readiness import``, ``export`` and ``template``: evidence in and out of a workspace."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import click

from readiness.cli.options import (
    actor_of,
    criteria_dir_option,
    framework_option,
    load_catalogue,
    max_size_option,
    open_workspace,
    workspace_options,
    write_to_stdout,
)
from readiness.cli.output import note

if TYPE_CHECKING:
    from readiness.config import Settings
    from readiness.transfer.export import Progress
    from readiness.transfer.imports import ImportOutcome


@click.command("import")
@click.argument("source", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--sample", type=click.Choice(["hanoi", "vinh"]), help="Load a bundled sample instead of a file.")
@click.option("--city", "city_name", help="The city the rows belong to (when the file does not say).")
@click.option("--encoding", help="Encoding of a CSV file when guessing fails, e.g. cp1258, utf-16.")
@click.option("--dry-run", is_flag=True, help="Check everything and say what would happen; change nothing.")
@click.option("--allow-duplicates", is_flag=True,
              help="Import rows that copy a record already there (same unit, kind, title and dates) anyway.")
@click.option("--renumber", is_flag=True,
              help="Give records that carry ids (a ward's export) new ids from the city's counter; "
                   "prints old -> new, and the audit log keeps the old id.")
@click.option("--strict", is_flag=True, help="Refuse columns that are not known instead of leaving them out.")
@max_size_option
@workspace_options
@criteria_dir_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def import_command(source: Path | None, sample: str | None, city_name: str | None, encoding: str | None,
                   dry_run: bool, allow_duplicates: bool, renumber: bool, strict: bool, max_size: int,
                   settings: Settings, criteria_dirs: tuple[Path, ...], fmt: str) -> None:
    """Import evidence from YAML, CSV, XLSX or an exported zip: all rows or none.

    Every bad row is reported as FILE:ROW: COLUMN: MESSAGE and nothing is written.
    Importing a file twice is harmless: records whose id is already there with the same
    content are left alone, and rows that copy a record already there (same unit, kind,
    title and dates, accents and case aside) are skipped and counted (--allow-duplicates
    imports them). A ward's export whose ids are taken here goes in with --renumber.

    A sheet may have title rows above its header; columns it does not know (STT, Ghi chú)
    are left out with a warning. Kinds in English or Vietnamese (sự kiện, hội thảo); dates
    as 01/10/2025, 01-10-2025, 1/10/25 (2000-2068; 69-99 are 19xx), 10/2025, tháng 10/2025,
    ngày 1 tháng 10 năm 2025, 2025-10-01 or date cells. See README "Import and export formats".

    Review decisions are not imported from elsewhere: a spreadsheet brings draft or
    submitted records; a zip (or YAML) keeps verified statuses and its history only if
    this workspace exported it. From anywhere else a verified record comes in as
    submitted, with a note naming who verified it there, and the history's actions
    are prefixed "imported:".

    \b
    Example:
      readiness import --sample hanoi
      readiness import evidence.xlsx --city Hanoi --dry-run
      readiness import old-list.csv --city "Hà Nội" --encoding cp1258
      readiness import hanoi-export.zip
      readiness import phuong-hang-trong.zip --renumber
    """
    from readiness.transfer.imports import import_evidence
    from readiness.transfer.plan import ImportSource

    what = ImportSource.of(source, sample)
    with open_workspace(settings) as ws, _steps_once_writing() as step:
        outcome = import_evidence(ws, actor_of(settings, ws), what, load_catalogue(settings, criteria_dirs),
                                  city=city_name, encoding=encoding, max_size=max_size, strict=strict,
                                  allow_duplicates=allow_duplicates, renumber=renumber, dry_run=dry_run,
                                  progress=step)
    _report_import(outcome, fmt)


@contextmanager
def _steps_once_writing() -> Iterator[Progress]:
    """A progress bar that opens at its first step (when the import starts writing), not before.

    An open bar runs a thread, and while the file is read and checked, each untrusted file is
    parsed in a forked child (``bounded.run``), which a process with several threads may not
    fork (it would start a fresh interpreter instead, seconds slower): so the bar waits.
    """
    from readiness.cli import output

    with ExitStack() as stack:
        opened: list[Progress] = []

        def step(what: str, done: int, total: int) -> None:
            if not opened:
                opened.append(stack.enter_context(output.steps()))
            opened[0](what, done, total)

        yield step


def _report_import(outcome: ImportOutcome, fmt: str) -> None:
    """An import's (or its dry run's) warnings and notes on standard error; its outcome as JSON."""
    from readiness.cli import output

    for warning in outcome.warnings:
        logging.getLogger("readiness.cli").warning(output.safe(warning))
    dry_run = outcome.dry_run
    if outcome.duplicates:
        there, repeats = outcome.already_there, outcome.repeated_rows
        parts = ([f"{there} row(s) already in the workspace"] if there else []) + (
            [f"{repeats} row(s) repeating an earlier row of the file"] if repeats else [])
        note(f"{' and '.join(parts)} (same city, unit, kind, title and dates): {'would be ' if dry_run else ''}"
             "skipped; --allow-duplicates imports them anyway")
    for old, new in outcome.renumbered.items():
        note(f"{'would renumber' if dry_run else 'renumbered'} {old} -> {new}")
    if fmt == "json":
        output.emit_json(outcome.as_json())
        return
    verb = "would add" if dry_run else "added"
    note(f"{verb} {outcome.records} record(s) to {outcome.city}"
         + (" (a new city)" if outcome.new_city else "")
         + f", {outcome.files} file(s), {outcome.bytes:,} bytes"
         + (f"; {outcome.unchanged} already there" if outcome.unchanged else "")
         + (f"; read as {outcome.encoding}" if outcome.encoding else ""))
    if outcome.added:
        note(f"ids {outcome.added[0]} to {outcome.added[-1]}")
    if outcome.not_reviewed_here:
        waiting = outcome.not_reviewed_here
        note(f"{'would come' if dry_run else 'came'} in as submitted, not verified: {len(waiting)} record(s) "
             f"verified in another workspace, not reviewed here ({', '.join(waiting[:5])}"
             f"{', ...' if len(waiting) > 5 else ''}); a reviewer here decides with `readiness evidence verify`")


@click.command("export")
@click.option("--city", "city_name", required=True, help="The city to export.")
@click.option("-o", "--output", "target", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The zip file to write.")
@workspace_options
def export_command(city_name: str, target: Path, settings: Settings) -> None:
    """Export a city's records, files and audit history to one zip that `import` reads back.

    The zip's digest is logged (a city.export event), so importing it into this
    workspace again keeps its verified statuses; elsewhere they arrive as submitted.

    \b
    Example:
      readiness export --city Hanoi -o hanoi.zip
    """
    from readiness.cli import output
    from readiness.transfer.export import export_city

    with open_workspace(settings) as ws, output.steps() as step:
        info = export_city(ws, actor_of(settings, ws), city_name, target, progress=step)
    note(f"wrote {info['path']}: {info['records']} record(s), {info['files']} file(s), "
         f"{info['audit_events']} audit event(s); digest {info['digest'][:16]}... (in the audit log: "
         "importing this zip here again keeps its statuses)")


@click.command("template")
@click.option("--lang", default="en", show_default=True, type=click.Choice(["en", "vi"]),
              help="Language of the headers, lists and instructions (vi: Vietnamese kind names).")
@click.option("--city", "city_name", help="Offer this city's units in the unit column's drop-down list.")
@framework_option("Offer this framework's criteria (repeatable) [default: marked `suggest:`; kflc, guidelines].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write, - for standard output [default: mau-minh-chung.xlsx (vi) or "
                   "evidence-template.xlsx (en) in this folder].")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True,
              help="xlsx with drop-down lists and instructions; csv is only the header row (UTF-8 with BOM).")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@workspace_options
@criteria_dir_option
def template_command(lang: str, city_name: str | None, framework_ids: tuple[str, ...], output: Path | None,
                     fmt: str, force: bool, settings: Settings, criteria_dirs: tuple[Path, ...]) -> None:
    """Write the spreadsheet a ward fills in, for `readiness import`.

    Row 1 names the columns import reads, in Vietnamese or English; kind, unit, criterion and
    status have drop-down lists, dates keep the DD/MM/YYYY format. A second sheet explains
    every column with an example row (the example is never imported). What it writes, import
    reads back with no warning. An existing file is not replaced without --force.

    \b
    Example:
      readiness template --lang vi --city "Hà Nội" -o mau-minh-chung.xlsx
      readiness import mau-minh-chung.xlsx --city "Hà Nội"
    """
    from readiness.transfer.template import make_template

    # The workspace is opened only for a city's units: a blank template makes no workspace.
    with open_workspace(settings) if city_name else nullcontext() as ws:
        made = make_template(ws, actor_of(settings, ws), load_catalogue(settings, criteria_dirs), lang, fmt=fmt,
                             city=city_name, framework_ids=framework_ids, output=output)
    if made.target is None:
        write_to_stdout(made.data, "workbook" if fmt == "xlsx" else None)
        note(f"wrote the template to standard output ({len(made.data):,} bytes)")
        return
    made.save(force=force)
    if made.city_without_units:
        note(f"{made.city_without_units} has no units yet: the unit column has no list "
             "(add them with `readiness unit add`)")
    note(f"wrote {made.target} ({len(made.data):,} bytes); fill it in, then: {made.import_command()}")
    click.echo(str(made.target))
