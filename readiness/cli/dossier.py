"""``readiness dossier``: the PDF (or HTML) a city hands in or reviews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from readiness.cli.options import (
    AS_OF_HELP,
    CONTEXT,
    DATETIME,
    DAY,
    SIZE,
    actor_of,
    criteria_dir_option,
    framework_option,
    lang_option,
    load_catalogue,
    open_workspace,
    refuse_terminal,
    workspace_options,
    write_to_stdout,
)
from readiness.cli.output import note

if TYPE_CHECKING:
    from readiness.config import Settings


@click.command("dossier", context_settings=CONTEXT)
@click.option("--city", "city_name", required=True, help="The city whose dossier to write.")
@click.option("--kind", type=click.Choice(["application", "readiness", "progress"]), default="readiness",
              show_default=True,
              help="application: the form UNESCO receives, to sign; readiness: the city's own review (scores, "
                   "gaps, actions); progress: a member's report on what it did since joining.")
@click.option("--since", type=DAY, metavar="DATE",
              help="--kind progress: the first day of the report's window [default: the profile's member_since].")
@click.option("--draft", is_flag=True,
              help="--kind application: write it even with items missing, each marked (without it, the command "
                   "lists what is missing and writes nothing); --kind progress: show records not yet verified, "
                   "marked.")
@click.option("--per-criterion", "per_criterion", type=click.IntRange(min=1), default=5, show_default=True,
              help="--kind readiness: records shown in full under each criterion; the rest are counted, and the "
                   "register lists every record.")
@framework_option()
@lang_option("Language of every label; evidence text in that language where it exists. The application is "
             "written in the form's language of communication (the profile's language: en or fr).",
             ("en", "vi", "fr"))
@click.option("--as-of", "as_of", type=DAY, metavar="DATE", help=AS_OF_HELP)
@click.option("--created", type=DATETIME, metavar="DATETIME",
              help="Date the dossier says it was made (2026-06-15 or 2026-06-15T09:00) [default: now]; "
                   "the same workspace, --as-of and --created give the same PDF bytes.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write, - for standard output [default: dossier-CITY-DATE.pdf in this folder; "
                   "application-... and progress-... for those kinds].")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True,
              help="pdf to hand in; html for a browser or a review by e-mail.")
@click.option("--attachments/--no-attachments", default=True, show_default=True,
              help="Embed the attached files in the PDF.")
@click.option("--max-embed", default="100MB", show_default=True, type=SIZE,
              help="Largest total of files to embed, e.g. 500MB.")
@click.option("--pdf-variant", type=click.Choice(["pdf/a-3u", "pdf/a-3b", "pdf/ua-1"]),
              help="pdf/a-3u for archiving (keeps the attachments).")
@click.option("--fingerprint", "fingerprint_only", is_flag=True,
              help="Only print the fingerprint of the city's evidence register now, to check a dossier in hand.")
@criteria_dir_option
@workspace_options
def dossier_command(city_name: str, kind: str, since: dt.date | None, draft: bool, per_criterion: int,
                    framework_ids: tuple[str, ...], lang: str, as_of: dt.date | None,
                    created: dt.datetime | None, output: Path | None, fmt: str, attachments: bool, max_embed: int,
                    pdf_variant: str | None, fingerprint_only: bool, criteria_dirs: tuple[Path, ...],
                    settings: Settings) -> None:
    """Write one of three documents from the city's evidence (PDF or HTML).

    \b
    --kind application  the GNLC membership form UNESCO receives, in the form's order and
                        language (en or fr): Part 1 with the pledge page to date, sign and
                        stamp, Part 2 left for the National Commission, an annex of verified
                        records with their files. No score, gap or command. Refused, with
                        one line per missing item, until the form is complete (--draft: write
                        it anyway, each hole marked).
    --kind readiness    the city's own review (default): verdicts, scores, each criterion with
                        its evidence, gaps with the action that closes each, the register.
    --kind progress     a member's progress report: what was done in the window (--since,
                        default the profile's member_since) by the six Guidelines areas,
                        indicator values and their change, case studies (records tagged
                        case-study), and what is planned (records dated later).

    Every document carries the fingerprint of the evidence register, so a reviewer can confirm
    which state of the workspace it shows. PDF output needs the Pango library (Debian:
    libpango-1.0-0).

    \b
    Example:
      readiness dossier --city Hanoi --kind application --draft
      readiness dossier --city Hanoi --lang vi --as-of 2026-06-15 -o ho-so-ha-noi.pdf
      readiness dossier --city Hanoi --kind progress --since 2025-12-04
      readiness evidence edit HN-0007 --tag case-study --tag forum   (a case study; list every tag to keep)
      readiness dossier --city Hanoi --format html -o hanoi.html
      readiness dossier --city Hanoi -o - | lpr
      readiness dossier --city Hanoi --fingerprint
    """
    if fingerprint_only:
        from readiness.dossier.context import current_fingerprint

        with open_workspace(settings) as ws:
            click.echo(current_fingerprint(ws, actor_of(settings, ws), city_name))
        return
    from readiness.dossier.context import DossierOptions
    from readiness.dossier.render import TO_CALLER, make_dossier

    options = DossierOptions(framework_ids=framework_ids, lang=lang, as_of=as_of, created=created, fmt=fmt,
                             embed=attachments, max_embed=max_embed, pdf_variant=pdf_variant, kind=kind,
                             since=since, draft=draft, per_criterion=per_criterion)
    options.check()  # a wrong combination is refused before the workspace opens
    binary_kind = "PDF" if fmt == "pdf" else None  # HTML is text: a terminal may show it
    if output == TO_CALLER:
        refuse_terminal(binary_kind)  # before the work, not after it
    started = dt.datetime.now()

    def progress(step: str) -> None:
        note(f"{(dt.datetime.now() - started).total_seconds():5.1f}s  {step}...")

    catalogue = load_catalogue(settings, criteria_dirs)
    with open_workspace(settings) as ws:
        result = make_dossier(ws, actor_of(settings, ws), catalogue, city_name, output, options, progress=progress)
    pages = f", {result.pages} pages" if result.pages else ""
    if result.path is None:
        assert result.data is not None
        write_to_stdout(result.data, binary_kind)
        note(f"wrote the dossier to standard output ({result.size:,} bytes{pages})")
        return
    files = f", {result.embedded} file(s) embedded" if result.embedded else ""
    what = {"application": "the application", "progress": "the progress report"}.get(kind, "the dossier")
    note(f"wrote {what} to {result.path} ({result.size:,} bytes{pages}{files})")
    click.echo(str(result.path))
