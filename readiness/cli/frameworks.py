"""``readiness criteria ...``: list, show and validate frameworks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from readiness.cli.options import (
    CONTEXT,
    criteria_dir_option,
    format_option,
    lang_option,
    load_catalogue,
    workspace_options,
)
from readiness.cli.output import note

if TYPE_CHECKING:
    from readiness.config import Settings


@click.group(context_settings=CONTEXT)
def criteria() -> None:
    """Frameworks of criteria: list, show and validate them.

    Bundled: kflc, guidelines, gnlc-application, learning-city-award. Your own frameworks go in
    the workspace's criteria/ folder or a folder given with --criteria-dir.
    """


@criteria.command("list")
@workspace_options
@criteria_dir_option
@format_option
@lang_option("Language of titles: en, vi, or any the framework has.", choices=None)
def criteria_list(settings: Settings, criteria_dirs: tuple[Path, ...], fmt: str, lang: str) -> None:
    """List the frameworks this workspace can use.

    \b
    Example:
      readiness criteria list
      readiness criteria list --format json
    """
    from readiness.cli import output

    rows = load_catalogue(settings, criteria_dirs).summary(lang)
    if fmt == "json":
        output.emit_json(rows)
        return
    output.table(("ID", "NAME", "VERSION", "AREAS", "CRITERIA", "SOURCE", "FROM"),
                 [(r["id"], r["name"] + (" (draft)" if r["status"] == "draft" else ""), r["version"],
                   r["areas"], r["criteria"], r["source"], r["origin"]) for r in rows])


@criteria.command("show")
@click.argument("framework_id")
@workspace_options
@criteria_dir_option
@format_option
@lang_option("Language of titles: en, vi, or any the framework has.", choices=None)
@click.option("--guidance/--no-guidance", default=True, show_default=True,
              help="Show each criterion's guidance text.")
def criteria_show(framework_id: str, settings: Settings, criteria_dirs: tuple[Path, ...], fmt: str,
                  lang: str, guidance: bool) -> None:
    """Show a framework as a tree: areas, criteria, and what evidence satisfies each.

    \b
    Example:
      readiness criteria show kflc
      readiness criteria show guidelines --lang vi --no-guidance
      readiness criteria show gnlc-application --format json
    """
    from readiness.cli import output

    fw = load_catalogue(settings, criteria_dirs).get(framework_id)
    if fmt == "json":
        output.emit_json(fw.model_dump(mode="json", exclude_none=True))
    else:
        output.framework_tree(fw, lang, guidance)


@criteria.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@workspace_options
@criteria_dir_option
def criteria_validate(paths: tuple[Path, ...], settings: Settings, criteria_dirs: tuple[Path, ...]) -> None:
    """Check framework files you wrote; report every problem as FILE:LINE: FIELD: MESSAGE.

    Exit code 0 when every file is sound, 1 otherwise. Crosswalks (maps_to) may point at the
    bundled frameworks, the workspace's, and the files being checked.

    \b
    Example:
      readiness criteria validate my-city.yaml
      readiness criteria validate frameworks/
    """
    from readiness.frameworks import loader as lib

    for fw in lib.validate_frameworks(paths, settings.criteria_dir, criteria_dirs).sound():
        note(f"ok: {fw.id} {fw.version}: {len(fw.leaf_areas())} areas, {len(fw.criteria)} criteria")
