"""``readiness na ...``: criteria marked not applicable for a city, with justifications."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from readiness.cli.options import (
    CONTEXT,
    actor_of,
    criteria_dir_option,
    format_option,
    load_catalogue,
    open_workspace,
    workspace_options,
)
from readiness.cli.output import note

if TYPE_CHECKING:
    from readiness.config import Settings


@click.group(context_settings=CONTEXT)
def na() -> None:
    """Criteria marked not applicable for a city, with justifications.

    A criterion marked not applicable leaves every total of the city's scorecard (it is never
    counted as met) and is listed with its justification in scorecards and the dossier.
    """


@na.command("add")
@click.argument("criterion", metavar="FRAMEWORK:CRITERION")
@click.option("--city", "city_name", required=True, help="The city it does not apply to.")
@click.option("--why", required=True, help="Why it does not apply, in a sentence reviewers will read.")
@criteria_dir_option
@workspace_options
def na_add(criterion: str, city_name: str, why: str, criteria_dirs: tuple[Path, ...], settings: Settings) -> None:
    """Mark a criterion not applicable for a city (again: replace the justification).

    \b
    Example:
      readiness na add kflc:1.3.1 --city Hanoi --why "Covered by the national environment programme, not the city's"
    """
    from readiness.applicability import mark_not_applicable

    with open_workspace(settings) as ws:
        m = mark_not_applicable(ws, actor_of(settings, ws), city_name, criterion, why,
                                load_catalogue(settings, criteria_dirs))
    note(f"{m.criterion} is now not applicable for {m.city}")


@na.command("remove")
@click.argument("criterion", metavar="FRAMEWORK:CRITERION")
@click.option("--city", "city_name", required=True, help="The city.")
@criteria_dir_option
@workspace_options
def na_remove(criterion: str, city_name: str, criteria_dirs: tuple[Path, ...], settings: Settings) -> None:
    """Make a criterion applicable again for a city.

    \b
    Example:
      readiness na remove kflc:1.3.1 --city Hanoi
    """
    from readiness.applicability import unmark_not_applicable

    with open_workspace(settings) as ws:
        m = unmark_not_applicable(ws, actor_of(settings, ws), city_name, criterion,
                                  load_catalogue(settings, criteria_dirs))
    note(f"{m.criterion} applies to {m.city} again")


@na.command("list")
@click.option("--city", "city_name", help="Only this city.")
@format_option
@workspace_options
def na_list(city_name: str | None, fmt: str, settings: Settings) -> None:
    """List the criteria marked not applicable, with their justifications.

    \b
    Example:
      readiness na list --city Hanoi
    """
    from readiness.applicability import not_applicable_marks
    from readiness.cli import output

    with open_workspace(settings) as ws:
        found = not_applicable_marks(ws, actor_of(settings, ws), city_name)
    if fmt == "json":
        output.emit_json([m.as_json() for m in found])
    elif not found:
        note("no criterion is marked not applicable")
    else:
        output.table(("CITY", "CRITERION", "JUSTIFICATION", "BY", "ON"),
                     [(m.city, m.criterion, m.justification, m.by, f"{m.at:%Y-%m-%d}") for m in found])
