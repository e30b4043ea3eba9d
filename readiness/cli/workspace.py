"""``readiness log``, ``readiness workspace`` and ``readiness verify``: the workspace itself."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from readiness.cli.options import actor_of, format_option, open_workspace, text_format_option, workspace_options
from readiness.cli.output import note

if TYPE_CHECKING:
    from readiness.config import Settings


@click.command("log")
@click.argument("evidence_id", required=False, metavar="[EVIDENCE_ID]")
@click.option("--record", "record_id", metavar="EVIDENCE_ID",
              help="Only changes to this evidence record, also after it was removed (same as the argument).")
@click.option("--city", "city_name", help="Only changes to this city.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@workspace_options
@format_option
def log_command(evidence_id: str | None, record_id: str | None, city_name: str | None, limit: int,
                settings: Settings, fmt: str) -> None:
    """Show the audit log, newest first: who changed what, and when.

    \b
    Example:
      readiness log --city Hanoi --limit 20
      readiness log HN-0010
    """
    from readiness.cities import audit_log
    from readiness.cli import output
    from readiness.errors import InvalidValueError
    from readiness.store.audit import event_json

    if evidence_id and record_id and evidence_id != record_id:  # the same thing given twice on the line
        raise InvalidValueError(f"give one record: {evidence_id} or --record {record_id}")
    with open_workspace(settings) as ws:
        events = audit_log(ws, actor_of(settings, ws), city_name, limit, record=evidence_id or record_id)
    if fmt == "json":
        output.emit_json([event_json(e) for e in events])
    else:
        output.table(("WHEN (UTC)", "WHO", "ACTION", "WHAT"),
                     [(f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, output.audit_subject(e)) for e in events])


@click.command("workspace")
@workspace_options
@format_option
def workspace_command(settings: Settings, fmt: str) -> None:
    """Show where the workspace is, its database and its schema version.

    \b
    Example:
      readiness workspace
      READINESS_WORKSPACE=~/hanoi readiness workspace
    """
    from readiness.cli import output
    from readiness.store.db import describe_workspace

    with open_workspace(settings) as ws:
        info = describe_workspace(ws, actor_of(settings, ws))
    if fmt == "json":
        output.emit_json(info)
    else:
        for key, value in info.items():
            click.echo(f"{key + ':':<20}{value}")


@click.command("verify")
@click.option("--prune", is_flag=True, help="Remove unreferenced files (waits for commands that are storing files).")
@workspace_options
@text_format_option
def verify_command(prune: bool, settings: Settings, fmt: str) -> None:
    """Check every attached file against its SHA-256 and every attachment against the store.

    Works on the folder store and the database store alike, and says how fast it checked.

    Exit code 0 when nothing is damaged (unreferenced files are listed but harmless), 1 when
    a file is corrupt or missing.

    \b
    Example:
      readiness verify
      readiness verify --prune
    """
    from readiness.cli import output
    from readiness.store.check import check_store

    with open_workspace(settings) as ws:
        report = check_store(ws, actor_of(settings, ws), prune=prune)
    if fmt == "json":
        output.emit_json(report.as_json())
    else:
        for finding in report.findings:
            click.echo(f"{finding.kind}: {output.safe(finding.message)}", err=True)
        note(f"{report.store}: {report.objects} file(s), {report.bytes:,} bytes, {report.attachments} attachment(s); "
             f"{len(report.damaged)} damaged, {len(report.unreferenced)} unreferenced"
             + (f", {report.pruned} pruned" if prune else "")
             + f"; checked at {report.files_per_second:,.0f} files/s, {report.mb_per_second:,.1f} MB/s")
    if not report.ok:
        sys.exit(1)
