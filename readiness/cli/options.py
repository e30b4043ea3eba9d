"""Options, parameter types and helpers every command shares: written once, refused at the edge once."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
AS_OF_HELP = "Score as on this day (2026-06-15 or 15/06/2026), e.g. an application deadline [default: today]."
KIND_HELP = "plan, policy, forum, event, programme, statistic, structure, partnership, funding, report, media or letter"
DATE_HELP = ("2025, 10/2025, 01/10/2025 or 01-10-2025 (day first; 1/10/25 is 2025), 2025-10-01, "
             "ngày 1 tháng 10 năm 2025 or tháng 10/2025")




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
    from readiness.store.db import open_workspace

    return open_workspace(settings)


def _catalogue(settings: Any, criteria_dirs: tuple[Path, ...]) -> Any:
    from readiness.frameworks.loader import load_catalogue

    return load_catalogue(settings.criteria_dir, criteria_dirs)


def max_size_option(func: Callable) -> Callable:
    return click.option("--max-size", default="200MB", show_default=True, envvar="READINESS_MAX_FILE_SIZE",
                        help="Largest file accepted, e.g. 500MB or 2GB [env READINESS_MAX_FILE_SIZE].")(func)


def list_format_option(func: Callable) -> Callable:
    return click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
                        show_default=True, help="table for people; json or csv for programs and spreadsheets.")(func)


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
        from readiness.errors import InvalidValueError

        if isinstance(value, dt.datetime):
            made = value
        else:
            try:
                made = dt.datetime.fromisoformat(value)
            except ValueError:
                flag = _flag(param, "--created")
                raise InvalidValueError(f"{flag} {value!r}: write 2026-06-15 or 2026-06-15T09:00") from None
        return (made if made.tzinfo else made.replace(tzinfo=dt.timezone.utc)).astimezone(dt.timezone.utc)


def _flag(param: click.Parameter | None, default: str) -> str:
    """The option's long name, as error messages name it."""
    names = [o for o in (param.opts if param is not None else ()) if o.startswith("--")]
    return names[0] if names else default


#: --as-of and the like: a whole day.
DAY = DayType()
#: --created: a moment, in UTC.
DATETIME = DateTimeType()
