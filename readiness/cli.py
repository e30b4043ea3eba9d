"""The ``readiness`` command line: parse, call one library function, format.

Nothing heavy is imported at module level (no pydantic, no SQLAlchemy), so ``readiness --help``
answers at once; each command imports what it needs.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import profile as profile_fields  # standard library only: cheap at start-up
from .errors import ProblemsError, ReadinessError
from .output import note

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _ClickHandler(logging.Handler):
    """Log records as lines on stderr, through click so that tests capture them."""

    def emit(self, record: logging.LogRecord) -> None:
        prefix = "" if record.levelno == logging.INFO else f"{record.levelname.lower()}: "
        click.echo(f"{prefix}{record.getMessage()}", err=True)


_HANDLER = _ClickHandler()


def _command_path(group: click.Group, args: list[str]) -> str:
    """The command the words on the line name ("evidence reject"), for errors raised without one."""
    cmd: click.Command = group
    path = []
    for word in args:
        if isinstance(cmd, click.Group) and word in cmd.commands:
            cmd = cmd.commands[word]
            path.append(word)
        elif not word.startswith("-"):
            break
    return " ".join(path)


def _usage_line(exc: click.UsageError, fallback: str = "") -> str:
    """A usage mistake click found, as the one ``error:`` line every other mistake gets.

    A missing option names the option, what to give and what it is for ("evidence reject needs
    --reason "..." (what is wrong, so the owner can fix it)"); the rest keep click's words,
    with the command and where to read more.
    """
    ctx = exc.ctx
    path = ctx.command_path.partition(" ")[2] if ctx is not None else fallback
    where = f"{path} " if path else ""
    see = f"; see `readiness {where}--help`"
    param = getattr(exc, "param", None)
    if isinstance(exc, click.MissingParameter) and param is not None:
        if isinstance(param, click.Option):
            name = max(param.opts, key=len)
            if isinstance(param.type, click.Choice):
                value = "{" + "|".join(str(c) for c in param.type.choices) + "}"
            elif param.type is click.STRING:
                value = '"..."'
            else:
                value = param.make_metavar(ctx) if ctx is not None else "VALUE"
            why = f" ({param.help.rstrip('.')[0].lower() + param.help.rstrip('.')[1:]})" if param.help else ""
            return f"{where}needs {name} {value}{why}{see}"
        return f"{where}needs {param.human_readable_name}{see}"
    message, _, guess = exc.format_message().strip().partition("Did you mean")
    message = message.strip().rstrip("(").strip().rstrip(".")
    message = message[:1].lower() + message[1:]
    guess = f"; did you mean{guess.rstrip(')')}" if guess else ""
    return (f"{where.rstrip()}: " if where else "") + f"{message}{see}{guess}"


class ReadinessGroup(click.Group):
    """Turns a user's mistake (ReadinessError) into plain lines on stderr and exit code 1."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        """Click's own mistakes (a missing or bad option, an unknown command) become one
        ``error:`` line and exit code 1, like every other mistake; ``--help`` still exits 0."""
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:  # `readiness evidence`: the help, no error
            click.echo(exc.ctx.get_help() if exc.ctx is not None else self.get_help(click.Context(self)))
            sys.exit(0)
        except click.UsageError as exc:
            words = kwargs.get("args") if kwargs.get("args") is not None else (args[0] if args else sys.argv[1:])
            click.echo(f"error: {_usage_line(exc, _command_path(self, list(words or ())))}", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(1)
        except click.Abort:
            click.echo("aborted; nothing was changed", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProblemsError as exc:
            for line in exc.lines():
                click.echo(line, err=True)
            if len(exc.problems) > 1:
                click.echo(f"{len(exc.problems)} problems", err=True)
            ctx.exit(1)
        except ReadinessError as exc:
            for line in exc.lines():
                click.echo(f"error: {line}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted; nothing was changed by the unfinished step", err=True)
            ctx.exit(130)


@click.group(cls=ReadinessGroup, context_settings=CONTEXT)
@click.version_option(package_name="readiness", message="readiness %(version)s")
@click.option("-v", "--verbose", count=True, help="Say more on stderr (-vv for debugging).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """Track a city's readiness for the UNESCO Global Network of Learning Cities.

    Frameworks (KFLC, the Guidelines, the application form, the award, your own) say what a
    city must show; evidence records in a workspace show it; readiness scores the gaps and
    writes the dossier.

    \b
    Start here:
      readiness import --sample hanoi
      readiness score --city Hanoi
      readiness gaps --city Hanoi
      readiness dossier --city Hanoi -o hanoi-dossier.pdf
      readiness evidence draft article.pdf --city Hanoi
      readiness criteria show kflc --lang vi
    """
    logger = logging.getLogger("readiness")
    if _HANDLER not in logger.handlers:
        logger.addHandler(_HANDLER)
        logger.propagate = False
    logger.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose > 1 else logging.INFO)


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="readiness")
    except BrokenPipeError:  # `readiness ... | head`
        sys.stderr.close()
        sys.exit(0)


# ---------------------------------------------------------------------------------------------
# Shared options


def workspace_options(func: Callable) -> Callable:
    """--workspace and --database-url; the command receives ``settings``."""

    @click.option("--workspace", "workspace", type=click.Path(file_okay=False, path_type=Path),
                  help="Workspace folder [env READINESS_WORKSPACE; default: your data folder].")
    @click.option("--database-url", help="PostgreSQL URL for a shared workspace, e.g. "
                  "postgresql://user@host/db [env READINESS_DATABASE_URL; default: SQLite in the workspace].")
    @functools.wraps(func)
    def wrapper(*args: Any, workspace: Path | None, database_url: str | None, **kwargs: Any) -> Any:
        from .config import resolve

        return func(*args, settings=resolve(workspace, database_url), **kwargs)

    return wrapper


def format_option(func: Callable) -> Callable:
    return click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                        show_default=True, help="table for people, json for programs.")(func)


def raw_option(func: Callable) -> Callable:
    """--raw: CSV cells exactly as stored, without the ' that stops spreadsheets running formulas."""
    return click.option("--raw", is_flag=True,
                        help="With --format csv: cells exactly as stored. By default a cell starting with "
                             "= + - @ or a tab gets a ' before it, so a spreadsheet shows it as text "
                             "instead of running it (import takes the ' off).")(func)


def lang_option(func: Callable) -> Callable:
    return click.option("--lang", default="en", show_default=True, metavar="CODE",
                        help="Language of titles: en, vi, or any the framework has.")(func)


def criteria_dir_option(func: Callable) -> Callable:
    return click.option("--criteria-dir", "criteria_dirs", multiple=True,
                        type=click.Path(file_okay=False, path_type=Path),
                        help="Another folder of framework files (repeatable); overrides bundled ones with the same id.")(func)


def _open(settings: Any) -> Any:
    from .db import open_workspace

    return open_workspace(settings)


# ---------------------------------------------------------------------------------------------
# criteria


@cli.group(context_settings=CONTEXT)
def criteria() -> None:
    """Frameworks of criteria: list, show and validate them.

    Bundled: kflc, guidelines, gnlc-application, learning-city-award. Your own frameworks go in
    the workspace's criteria/ folder or a folder given with --criteria-dir.
    """


@criteria.command("list")
@workspace_options
@criteria_dir_option
@format_option
@lang_option
def criteria_list(settings: Any, criteria_dirs: tuple[Path, ...], fmt: str, lang: str) -> None:
    """List the frameworks this workspace can use.

    \b
    Example:
      readiness criteria list
      readiness criteria list --format json
    """
    from . import criteria as lib
    from . import output

    rows = output.catalogue_rows(lib.load_catalogue(settings.criteria_dir, criteria_dirs), lang)
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
@lang_option
@click.option("--guidance/--no-guidance", default=True, show_default=True,
              help="Show each criterion's guidance text.")
def criteria_show(framework_id: str, settings: Any, criteria_dirs: tuple[Path, ...], fmt: str,
                  lang: str, guidance: bool) -> None:
    """Show a framework as a tree: areas, criteria, and what evidence satisfies each.

    \b
    Example:
      readiness criteria show kflc
      readiness criteria show guidelines --lang vi --no-guidance
      readiness criteria show gnlc-application --format json
    """
    from . import criteria as lib
    from . import output

    fw = lib.load_catalogue(settings.criteria_dir, criteria_dirs).get(framework_id)
    if fmt == "json":
        output.emit_json(fw.model_dump(mode="json", exclude_none=True))
    else:
        output.framework_tree(fw, lang, guidance)


@criteria.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@workspace_options
@criteria_dir_option
def criteria_validate(paths: tuple[Path, ...], settings: Any, criteria_dirs: tuple[Path, ...]) -> None:
    """Check framework files you wrote; report every problem as FILE:LINE: FIELD: MESSAGE.

    Exit code 0 when every file is sound, 1 otherwise. Crosswalks (maps_to) may point at the
    bundled frameworks, the workspace's, and the files being checked.

    \b
    Example:
      readiness criteria validate my-city.yaml
      readiness criteria validate frameworks/
    """
    from . import criteria as lib

    frameworks, problems = lib.validate(paths, settings.criteria_dir, criteria_dirs)
    if problems:
        from .errors import FrameworkError

        raise FrameworkError(problems)
    for fw in frameworks:
        note(f"ok: {fw.id} {fw.version}: {len(fw.leaf_areas())} areas, {len(fw.criteria)} criteria")


# ---------------------------------------------------------------------------------------------
# city and unit


@cli.group(context_settings=CONTEXT)
def city() -> None:
    """Cities in the workspace and their application profile."""


@city.command("add")
@click.argument("name")
@click.option("--country", required=True, help="Two-letter ISO code, e.g. VN.")
@click.option("--code", help="Short code that starts its evidence ids (HN for HN-0001); made from the name if not given.")
@workspace_options
def city_add(name: str, country: str, code: str | None, settings: Any) -> None:
    """Add a city to the workspace.

    \b
    Example:
      readiness city add "Hà Nội" --country VN --code HN
    """
    from .cities import add_city

    with _open(settings) as ws:
        added = add_city(ws, name, country, code)
    note(f"added city {added.name} ({added.country}); its evidence ids start {added.code}-")


@city.command("list")
@workspace_options
@format_option
def city_list(settings: Any, fmt: str) -> None:
    """List the cities in the workspace.

    \b
    Example:
      readiness city list --format json
    """
    from . import output
    from .cities import list_cities

    with _open(settings) as ws:
        cities = list_cities(ws)
    if fmt == "json":
        output.emit_json([c.model_dump(mode="json", exclude={"name_key"}) for c in cities])
    elif not cities:
        note('no cities yet; add one with: readiness city add "Hà Nội" --country VN')
    else:
        output.table(("NAME", "COUNTRY", "PROFILE FIELDS", "UPDATED"),
                     [(c.name, c.country, len(c.profile), f"{c.updated_at:%Y-%m-%d}") for c in cities])


@city.command("show")
@click.argument("name")
@workspace_options
@format_option
def city_show(name: str, settings: Any, fmt: str) -> None:
    """Show a city's profile and units. The name matches with or without accents.

    \b
    Example:
      readiness city show "Ha Noi"
    """
    from . import output
    from .cities import show_city

    with _open(settings) as ws:
        detail = show_city(ws, name)
    if fmt == "json":
        output.emit_json(detail.as_json())
    else:
        output.city_detail(detail)


@city.command("set", epilog="Fields: " + profile_fields.help_text())
@click.argument("name")
@click.argument("field")
@click.argument("value", required=False)
@click.option("--year", type=int, help="Year the figure's data is from (figures only).")
@click.option("--lang", default="en", show_default=True, help="Language of a text field.")
@click.option("--from-file", "from_file", type=click.Path(dir_okay=False),
              help="Read a text field from a UTF-8 file (motivation, implementation).")
@click.option("--clear", is_flag=True, help="Remove the field's value.")
@workspace_options
@format_option
def city_set(name: str, field: str, value: str | None, year: int | None, lang: str,
             from_file: str | None, clear: bool, settings: Any, fmt: str) -> None:
    """Set one profile field of a city (the facts the GNLC form asks for).

    \b
    Example:
      readiness city set Hanoi population 8587100 --year 2024
      readiness city set Hanoi motivation --from-file motivation.txt
      readiness city set Hanoi challenge.literacy 3
      readiness city set Hanoi website --clear
    """
    from . import output
    from .cities import set_profile
    from .errors import InvalidValueError
    from .text import read_text_file

    given = sum(x is not None for x in (value, from_file)) + clear
    if given != 1:
        raise InvalidValueError(f"{field}: give a VALUE, --from-file PATH or --clear (exactly one)")
    if from_file is not None:
        value = read_text_file(from_file)
    with _open(settings) as ws:
        detail = set_profile(ws, name, field, None if clear else value, year=year, lang=lang)
    if fmt == "json":
        output.emit_json(detail.as_json())
    else:
        note(f"{'cleared' if clear else 'set'} {field} of {detail.city.name}")


@cli.group(context_settings=CONTEXT)
def unit() -> None:
    """Wards, communes, districts, agencies and other units of a city, at any depth."""


@unit.command("add")
@click.argument("name")
@click.option("--city", "city_name", required=True, help="The city the unit belongs to.")
@click.option("--kind", required=True, help="ward, commune, district, town, agency, school, "
              "library, centre, association or other; or in Vietnamese: phường, xã, quận, huyện, "
              "thị xã, sở, trường, thư viện, trung tâm, hội (accents optional).")
@click.option("--parent", help="The unit it sits under, if any.")
@workspace_options
def unit_add(name: str, city_name: str, kind: str, parent: str | None, settings: Any) -> None:
    """Add a unit to a city.

    \b
    Example:
      readiness unit add "Sở Giáo dục và Đào tạo" --city Hanoi --kind agency
      readiness unit add "Phường Hoàn Kiếm" --city Hanoi --kind ward
    """
    from .cities import add_unit

    with _open(settings) as ws:
        added = add_unit(ws, city_name, name, kind, parent)
    note(f"added {added.kind} {added.name}")


@unit.command("list")
@click.option("--city", "city_name", required=True, help="The city whose units to list.")
@workspace_options
@format_option
def unit_list(city_name: str, settings: Any, fmt: str) -> None:
    """List a city's units as a tree.

    \b
    Example:
      readiness unit list --city "Hà Nội"
    """
    from . import output
    from .cities import list_units

    with _open(settings) as ws:
        found, nodes = list_units(ws, city_name)
    if fmt == "json":
        output.emit_json([n.as_json() for n in nodes])
    else:
        click.echo(found.name)
        output.unit_lines(nodes)


# ---------------------------------------------------------------------------------------------
# log and workspace


@cli.command("log")
@click.argument("evidence_id", required=False, metavar="[EVIDENCE_ID]")
@click.option("--record", "record_id", metavar="EVIDENCE_ID",
              help="Only changes to this evidence record, also after it was removed (same as the argument).")
@click.option("--city", "city_name", help="Only changes to this city.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000))
@workspace_options
@format_option
def log_command(evidence_id: str | None, record_id: str | None, city_name: str | None, limit: int, settings: Any,
                fmt: str) -> None:
    """Show the audit log, newest first: who changed what, and when.

    \b
    Example:
      readiness log --city Hanoi --limit 20
      readiness log HN-0010
    """
    from . import output
    from .cities import audit_log
    from .errors import InvalidValueError

    if evidence_id and record_id and evidence_id != record_id:
        raise InvalidValueError(f"give one record: {evidence_id} or --record {record_id}")
    with _open(settings) as ws:
        events = audit_log(ws, city_name, limit, record=evidence_id or record_id)
    if fmt == "json":
        output.emit_json([e.model_dump(mode="json") for e in events])
    else:
        output.table(("WHEN (UTC)", "WHO", "ACTION", "WHAT"),
                     [(f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, output.audit_subject(e)) for e in events])


@cli.command("workspace")
@workspace_options
@format_option
def workspace_command(settings: Any, fmt: str) -> None:
    """Show where the workspace is, its database and its schema version.

    \b
    Example:
      readiness workspace
      READINESS_WORKSPACE=~/hanoi readiness workspace
    """
    from . import output
    from .db import describe

    with _open(settings) as ws:
        info = describe(ws)
    if fmt == "json":
        output.emit_json(info)
    else:
        for key, value in info.items():
            click.echo(f"{key + ':':<20}{value}")


# The evidence commands live in their own module; importing it registers them on `cli`.
from . import cli_evidence  # noqa: E402,F401
from . import cli_score  # noqa: E402,F401
