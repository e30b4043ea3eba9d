"""The ``readiness`` command line: parse, call one library function, format.

Nothing heavy is imported at module level (no pydantic, no SQLAlchemy), so ``readiness --help``
answers at once; each command imports what it needs.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

import click

from readiness.cli.options import CONTEXT
from readiness.errors import NotSignedInError, ProblemsError, ReadinessError


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

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        """Click's own mistakes become one ``error:`` line and exit 1, like every other; ``--help`` exits 0."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `readiness evidence`: the help, no error
            click.echo(exc.ctx.get_help() if exc.ctx is not None else self.get_help(click.Context(self)))
            sys.exit(0)
        except click.UsageError as exc:
            words = args if args is not None else sys.argv[1:]
            click.echo(f"error: {_usage_line(exc, _command_path(self, list(words)))}", err=True)
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
            lines = exc.lines()
            if isinstance(exc, NotSignedInError) and ctx.invoked_subcommand != "login":
                lines[-1] += " (`readiness login NAME`)"
            for line in lines:
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
      readiness serve                     # the web app, for officials in a browser
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


# Every noun's commands, registered on the group; the modules never import this one back.
from readiness.cli import applicability as _applicability  # noqa: E402
from readiness.cli import cities as _cities  # noqa: E402
from readiness.cli import dossier as _dossier  # noqa: E402
from readiness.cli import evidence as _evidence  # noqa: E402
from readiness.cli import files as _files  # noqa: E402
from readiness.cli import frameworks as _frameworks  # noqa: E402
from readiness.cli import scoring as _scoring  # noqa: E402
from readiness.cli import serve as _serve  # noqa: E402
from readiness.cli import transfer as _transfer  # noqa: E402
from readiness.cli import users as _users  # noqa: E402
from readiness.cli import workspace as _workspace  # noqa: E402

cli.add_command(_frameworks.criteria)
cli.add_command(_cities.city)
cli.add_command(_cities.unit)
cli.add_command(_workspace.log_command)
cli.add_command(_workspace.workspace_command)
cli.add_command(_workspace.verify_command)
cli.add_command(_files.files)
cli.add_command(_evidence.evidence)
cli.add_command(_transfer.import_command)
cli.add_command(_serve.serve_command)
cli.add_command(_transfer.export_command)
cli.add_command(_transfer.template_command)
cli.add_command(_scoring.score_command)
cli.add_command(_scoring.gaps_command)
cli.add_command(_scoring.due_command)
cli.add_command(_scoring.suggest_command)
cli.add_command(_applicability.na)
cli.add_command(_dossier.dossier_command)
cli.add_command(_users.user)
cli.add_command(_users.login_command)
cli.add_command(_users.logout_command)
cli.add_command(_users.whoami_command)
