"""Options, parameter types and helpers every command shares: written once, refused at the edge once."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

if TYPE_CHECKING:
    from readiness.access import Actor
    from readiness.config import Settings
    from readiness.dates import PartialDate
    from readiness.frameworks.catalogue import Catalogue
    from readiness.store.db import Workspace

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
SCORING_LANG_HELP = "Language of titles, labels and messages: en, vi or fr."
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


class DayType(click.ParamType):
    """A whole day (2026-06-15 or 15/06/2026), as --as-of takes; empty means the default (today)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date | None:
        from readiness.dates import parse_day

        if value is None or isinstance(value, dt.date):
            return value
        if isinstance(value, str) and not value.strip():
            return None
        return parse_day(value, _flag(param, "--as-of"))


class DateTimeType(click.ParamType):
    """A moment (2026-06-15 or 2026-06-15T09:00), in UTC; one without a zone is taken as UTC; empty means
    the default (now)."""

    name = "datetime"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime | None:
        from readiness.dates import parse_moment
        from readiness.errors import InvalidValueError

        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_moment(value)
        except ValueError:
            flag = _flag(param, "--created")
            raise InvalidValueError(f"{flag} {value!r}: write 2026-06-15 or 2026-06-15T09:00") from None


class SpanType(click.ParamType):
    """How far ahead: "90d", "12w", "6m", "1y" or a number of days (``dates.parse_span``)."""

    name = "span"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> dt.timedelta | tuple[int, str]:
        from readiness.dates import parse_span

        if isinstance(value, (dt.timedelta, tuple)):
            return value
        return parse_span(value, _flag(param, "--within"))  # "--within: '5q' is not a span; write 90d, ..."


def _flag(param: click.Parameter | None, default: str) -> str:
    """The option's long name, as error messages name it."""
    names = [o for o in (param.opts if param is not None else ()) if o.startswith("--")]
    return names[0] if names else default


SIZE = SizeType()
PARTIAL_DATE = PartialDateType()
#: --as-of and the like: a whole day.
DAY = DayType()
#: --created: a moment, in UTC.
DATETIME = DateTimeType()
#: --within: a span of days, weeks, months or years.
SPAN = SpanType()
#: The languages of the tool's own words (``labels``: English, Vietnamese, French; a missing label
#: falls back to English). A test keeps it equal to the languages labels.py has.
LABEL_LANGS = ("en", "vi", "fr")
#: The languages a dossier is written in (``dossier.context.LANGUAGES``; a test keeps them equal).
DOSSIER_LANGS = ("en", "vi")


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


def actor_of(settings: Settings, ws: Workspace | None = None) -> Actor:
    """The person the command acts for, built once, here, after the workspace ``ws`` is open.

    With a session saved by ``readiness login`` for this workspace: the signed-in person, as the
    workspace knows them (``accounts.actor_for_session`` refuses an expired or ended session).
    Without one: ``READINESS_USER`` or the machine's user, which is all a workspace without
    accounts needs; once it has accounts, the library refuses that actor (``NotSignedInError``),
    so ``READINESS_USER`` names nobody there.
    """
    from readiness.access import Actor

    if ws is not None:
        from readiness.cli.sessions import saved_session

        saved = saved_session(settings)
        if saved is not None:
            from readiness.accounts import actor_for_session

            return actor_for_session(ws, saved.token)
    return Actor.of(settings)


def _binary_stdout() -> BinaryIO:
    return sys.stdout.buffer


def refuse_terminal(binary_kind: str | None) -> None:
    """Refuse to write ``binary_kind`` (a PDF, a workbook) to standard output when it is a terminal;
    None: the output is text, which a terminal shows."""
    from readiness.errors import InvalidValueError

    if binary_kind is not None and _binary_stdout().isatty():
        raise InvalidValueError(f"-o -: will not write a {binary_kind} to the terminal; pipe it, or give a file name")


def write_to_stdout(data: bytes, binary_kind: str | None) -> None:
    """Write ``data`` to standard output (``-o -``), refusing a terminal when it is ``binary_kind``."""
    refuse_terminal(binary_kind)
    stdout = _binary_stdout()
    stdout.write(data)
    stdout.flush()


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


def lang_option(help_text: str, choices: Sequence[str] | None = LABEL_LANGS) -> Callable[[Callable], Callable]:
    """--lang, default en: one of ``choices`` (the tool's own words: ``LABEL_LANGS``), or any CODE when
    ``choices`` is None (a framework's titles, a text a user writes)."""
    kind: dict[str, Any] = {"metavar": "CODE"} if choices is None else {"type": click.Choice(list(choices))}

    def decorate(func: Callable) -> Callable:
        return click.option("--lang", default="en", show_default=True, help=help_text, **kind)(func)

    return decorate


def framework_option(help_text: str = "Only this framework (repeatable) [default: every framework].",
                     ) -> Callable[[Callable], Callable]:
    """--framework ID (repeatable); the command receives ``framework_ids``."""

    def decorate(func: Callable) -> Callable:
        return click.option("--framework", "framework_ids", multiple=True, metavar="ID", help=help_text)(func)

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


def scoring_options(func: Any) -> Any:
    """--framework, --as-of, --lang, --format, --raw and --criteria-dir, shared by score and gaps."""
    options = [
        framework_option(),
        click.option("--as-of", "as_of", type=DAY, metavar="DATE", help=AS_OF_HELP),
        lang_option(SCORING_LANG_HELP),
        list_format_option,
        raw_option,
        criteria_dir_option,
        workspace_options,
    ]
    for option in reversed(options):
        func = option(func)
    return func
