"""``readiness files move``: where a workspace's attached files live (its folder or its database)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from readiness.cli.options import CONTEXT, actor_of, open_workspace, text_format_option, workspace_options
from readiness.cli.output import note

if TYPE_CHECKING:
    from readiness.config import Settings


@click.group("files", context_settings=CONTEXT)
def files() -> None:
    """Where the workspace's attached files live: its folder or its database."""


@files.command("move")
@click.option("--to", "to", required=True, type=click.Choice(["database", "folder"]),
              help="The store to move the files to.")
@click.option("--keep-source", is_flag=True, help="Leave the old store's copies in place after the switch.")
@click.option("--only-this-machine", is_flag=True,
              help="With --to folder on a PostgreSQL workspace: no other machine or server uses it, so "
                   "its files may leave the database for this machine's folder.")
@workspace_options
@text_format_option
def move_command(to: str, keep_source: bool, only_this_machine: bool, settings: Settings, fmt: str) -> None:
    """Move the attached files to the database store or the folder store.

    Each file is copied, read back and checked against its SHA-256; only when every attached
    file is there does the workspace switch, in one step. Killed half-way, the workspace keeps
    the old store whole; run the command again to resume.

    \b
    Example:
      readiness files move --to database
      readiness files move --to folder --format json
    """
    from readiness.api import move_files
    from readiness.cli import output
    from readiness.store.files import human_size

    with open_workspace(settings) as ws, output.steps() as step:
        result = move_files(ws, actor_of(settings, ws), to, keep_source=keep_source,
                            only_this_machine=only_this_machine, progress=step)
    if fmt == "json":
        output.emit_json(result.as_json())
        return
    if result.already and not result.switched:
        note(f"the workspace already keeps its files in the {result.target}"
             + (f"; removed {result.removed} old cop(ies) from the {result.source}" if result.removed else ""))
        return
    note(f"moved the files to the {result.target}: {result.copied} copied, {result.found} already there, "
         f"{result.verified} checked by SHA-256 ({human_size(result.bytes)})"
         + (f"; {result.removed} old cop(ies) removed from the {result.source}" if result.removed else "")
         + (f"; {len(result.skipped)} unused damaged file(s) left behind" if result.skipped else ""))
