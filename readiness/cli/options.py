"""Options, parameter types and helpers every command shares: written once, refused at the edge once."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.config import Settings
    from readiness.dates import PartialDate
    from readiness.frameworks.catalogue import Catalogue
    from readiness.store.db import Workspace

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
AS_OF_HELP = "Score as on this day (2026-06-15 or 15/06/2026), e.g. an application deadline [default: today]."
KIND_HELP = "plan, policy, forum, event, programme, statistic, structure, partnership, funding, report, media or letter"
DATE_HELP = ("2025, 10/2025, 01/10/2025 or 01-10-2025 (day first; 1/10/25 is 2025), 2025-10-01, "
             "ngày 1 tháng 10 năm 2025 or tháng 10/2025")


# ---------------------------------------------------------------------------------------------
# Parameter types: a value is read once, here; a bad one is refused with the library's own line


class SizeType(click.ParamType):
    """A size in bytes, written "200MB", "2GB", "500k" or a number (``store.files.parse_size``)."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from readiness.store.files import parse_size

        return parse_size(value)  # InvalidValueError: "size 'x': write a number of bytes or e.g. 200MB, 2GB"


class PartialDateType(click.ParamType):
    """A day, a month or a year as officials write them (``dates.parse``); errors name the option."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> PartialDate | None:
        from readiness import dates

        if value is None or isinstance(value, dates.PartialDate):
            return value
        name = max(param.opts, key=len) if param is not None and param.opts else "date"
        return dates.parse_optional(value, name)


SIZE = SizeType()
PARTIAL_DATE = PartialDateType()
#: The languages a command writes its own words in (labels, dates): a fixed set.
LANG = click.Choice(["en", "vi"])


# ---------------------------------------------------------------------------------------------
# The workspace, its frameworks and the acting person, as every command gets them


def workspace_options(func: Callable) -> Callable:
    """--workspace and --database-url; the command receives ``settings``."""

    @click.option("--workspace", "workspace", type=click.Path(file_okay=False, path_type=Path),
                  help="Workspace folder [env READINESS_WORKSPACE; default: your data folder].")
    @click.option("--database-url", help="PostgreSQL URL for a shared workspace, e.g. "
                  "postgresql://user@host/db [env READINESS_DATABASE_URL; default: SQLite in the workspace].")
    @functools.wraps(func)
    def wrapper(*args: Any, workspace: Path | None, database_url: str | None, **kwargs: Any) -> Any:
        from readiness.config import resolve

        return func(*args, settings=resolve(workspace, database_url), **kwargs)

    return wrapper


def open_workspace(settings: Settings) -> Workspace:
    """The workspace the settings name, open (created and migrated if need be); close it after use."""
    from readiness.store.db import open_workspace as open_store

    return open_store(settings)


def load_catalogue(settings: Settings, criteria_dirs: tuple[Path, ...] = ()) -> Catalogue:
    """The bundled frameworks, the workspace's, and those of each ``--criteria-dir``."""
    from readiness.frameworks.loader import load_catalogue as load

    return load(settings.criteria_dir, criteria_dirs)


def actor_of(settings: Settings) -> Actor:
    """The person the command acts for (``READINESS_USER`` or the machine's user): built once, here."""
    from readiness.access import Actor

    return Actor.of(settings)




# ---------------------------------------------------------------------------------------------
# Options shared by several commands


def format_option(func: Callable) -> Callable:
    """--format table|json."""
    return click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                        show_default=True, help="table for people, json for programs.")(func)


def list_format_option(func: Callable) -> Callable:
    """--format table|json|csv, for lists a spreadsheet may want."""
    return click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
                        show_default=True, help="table for people; json or csv for programs and spreadsheets.")(func)


def text_format_option(func: Callable) -> Callable:
    """--format text|json, for a command that says what it did or shows one thing."""
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True)(func)


def raw_option(func: Callable) -> Callable:
    """--raw: CSV cells exactly as stored, without the ' that stops spreadsheets running formulas."""
    return click.option("--raw", is_flag=True,
                        help="With --format csv: cells exactly as stored. By default a cell starting with "
                             "= + - @ or a tab gets a ' before it, so a spreadsheet shows it as text "
                             "instead of running it (import takes the ' off).")(func)


def lang_option(func: Callable) -> Callable:
    """--lang CODE for framework titles: any language a framework has."""
    return click.option("--lang", default="en", show_default=True, metavar="CODE",
                        help="Language of titles: en, vi, or any the framework has.")(func)


def lang_choice_option(help_text: str) -> Callable[[Callable], Callable]:
    """--lang en|vi, for what the command itself writes in a language (labels, dates)."""

    def decorate(func: Callable) -> Callable:
        return click.option("--lang", default="en", show_default=True, type=LANG, help=help_text)(func)

    return decorate


def criteria_dir_option(func: Callable) -> Callable:
    """--criteria-dir DIR (repeatable): more framework files."""
    return click.option("--criteria-dir", "criteria_dirs", multiple=True,
                        type=click.Path(file_okay=False, path_type=Path),
                        help="Another folder of framework files (repeatable); "
                             "overrides bundled ones with the same id.")(func)


def max_size_option(func: Callable) -> Callable:
    """--max-size SIZE: the largest file accepted, read once (``SIZE``); the command gets bytes."""
    return click.option("--max-size", default="200MB", show_default=True, envvar="READINESS_MAX_FILE_SIZE",
                        type=SIZE, help="Largest file accepted, e.g. 500MB or 2GB [env READINESS_MAX_FILE_SIZE].")(func)


def _as_of(value: str | None) -> dt.date:
    from readiness.dates import parse_day

    return parse_day(value) if value else dt.date.today()


def scoring_options(func: Any) -> Any:
    """--framework, --as-of, --lang, --format, --raw and --criteria-dir, shared by score and gaps."""
    options = [
        click.option("--framework", "framework_ids", multiple=True, metavar="ID",
                     help="Only this framework (repeatable) [default: every framework]."),
        click.option("--as-of", "as_of", type=DAY, metavar="DATE", help=AS_OF_HELP),
        click.option("--lang", default="en", show_default=True, metavar="CODE",
                     help="Language of titles, labels and messages: en or vi."),
        click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
                     show_default=True, help="table for people; json or csv for programs and spreadsheets."),
        raw_option,
        criteria_dir_option,
        workspace_options,
    ]
    for option in reversed(options):
        func = option(func)
    return func


# ParamTypes of scoring and dossier


class DayType(click.ParamType):
    """A whole day (2026-06-15 or 15/06/2026), as --as-of takes; a bad one is the usual one-line error."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        from readiness.dates import parse_day

        if isinstance(value, dt.date):
            return value
        return parse_day(value, _flag(param, "--as-of"))


class DateTimeType(click.ParamType):
    """A moment (2026-06-15 or 2026-06-15T09:00), in UTC; one without a zone is taken as UTC."""

    name = "datetime"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime:
        from readiness.dates import as_utc
        from readiness.errors import InvalidValueError

        if isinstance(value, dt.datetime):
            made = value
        else:
            try:
                made = dt.datetime.fromisoformat(value)
            except ValueError:
                flag = _flag(param, "--created")
                raise InvalidValueError(f"{flag} {value!r}: write 2026-06-15 or 2026-06-15T09:00") from None
        return as_utc(made)


def _flag(param: click.Parameter | None, default: str) -> str:
    """The option's long name, as error messages name it."""
    names = [o for o in (param.opts if param is not None else ()) if o.startswith("--")]
    return names[0] if names else default


#: --as-of and the like: a whole day.
DAY = DayType()
#: --created: a moment, in UTC.
DATETIME = DateTimeType()
