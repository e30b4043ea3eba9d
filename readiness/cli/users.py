"""``readiness user ...``, ``login``, ``logout`` and ``whoami``: the people of a shared workspace.

Passwords are read from a hidden prompt (typed twice when new) or, for scripts, from standard
input with ``--password-stdin``; never from an argument, which the shell history and the
process list would keep.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from readiness.cli.options import CONTEXT, actor_of, format_option, open_workspace, workspace_options
from readiness.cli.output import note

if TYPE_CHECKING:
    from readiness.accounts import AccountView, RoleSpec
    from readiness.config import Settings

ROLE_SYNTAX = ("admin | coordinator:CITY | contributor:CITY/UNIT | reviewer:CITY | viewer | viewer:CITY "
               "(CITY: a city's name or code, e.g. HN or \"Hà Nội\"; UNIT: a unit's name)")
PASSWORD_STDIN_HELP = "Read the password from the first line of standard input (for scripts), not a prompt."


class RoleType(click.ParamType):
    """A role and its scope (``accounts.RoleSpec``): ``coordinator:HN``, ``contributor:HN/Dịch Vọng``."""

    name = "role"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> RoleSpec:
        from readiness.accounts import RoleSpec

        return value if isinstance(value, RoleSpec) else RoleSpec.parse(value)


ROLE = RoleType()


def _stdin_lines(count: int) -> list[str]:
    """The first ``count`` lines of standard input, without their line ends."""
    from readiness.errors import InvalidValueError

    lines = [sys.stdin.readline().rstrip("\r\n") for _ in range(count)]
    if any(not line for line in lines):
        what = "a password" if count == 1 else f"{count} lines (the current password, then the new one)"
        raise InvalidValueError(f"--password-stdin: standard input gave no {what}")
    return lines


def _new_password(from_stdin: bool, label: str = "New password") -> str:
    if from_stdin:
        return _stdin_lines(1)[0]
    return str(click.prompt(label, hide_input=True, confirmation_prompt="Type it again", err=True))


def _account_table(accounts: list[AccountView]) -> None:
    from readiness.cli import output

    output.table(("NAME", "DISPLAY NAME", "E-MAIL", "ROLES", "ACTIVE", "LAST SIGN-IN (UTC)"),
                 [(a.name, output.safe(a.display_name), a.email or "", ", ".join(output.safe(r) for r in a.roles),
                   "yes" if a.active else "no", f"{a.last_sign_in:%Y-%m-%d %H:%M}" if a.last_sign_in else "never")
                  for a in accounts])


def _said(view: AccountView, fmt: str, what: str) -> None:
    from readiness.cli import output

    if fmt == "json":
        output.emit_json(view.as_json())
    else:
        click.echo(view.name)
        note(f"{what} {view.name} ({output.safe(view.display_name)}): "
             f"{', '.join(output.safe(r) for r in view.roles) or 'no role'}"
             + ("" if view.active else "; disabled"))


@click.group("user", context_settings=CONTEXT, no_args_is_help=True)
def user() -> None:
    """Manage the people of a shared workspace: accounts, roles, passwords.

    A workspace without accounts is one person's: the machine's user (or READINESS_USER) acts
    with every right. The first account must be an admin; from then on everyone signs in with
    `readiness login` and may do what their roles allow, and READINESS_USER is ignored.

    \b
    Roles, each with its scope (repeat --role for several):
      admin                   everything: accounts, cities, frameworks, the file store
      coordinator:CITY        all the city's records, review, not-applicable marks, dossiers,
                              its units and the accounts of its people
      contributor:CITY/UNIT   add, edit, attach and submit the unit's records (and its
                              sub-units'); never verify
      reviewer:CITY           read, verify, reject, comment
      viewer[:CITY]           read one city, or every city
    CITY is a city's name or code ("Hà Nội", HN); UNIT a unit's name.

    \b
    Example:
      readiness user add lan --display-name "Nguyễn Thị Lan" --role admin
      readiness login lan
      readiness user add minh --display-name "Trần Văn Minh" --role coordinator:HN
      readiness user add ward7 --role "contributor:HN/Phường Dịch Vọng"
    """


@user.command("add")
@click.argument("name")
@click.option("--display-name", help="The person's full name, accents and all [default: NAME].")
@click.option("--email", help="Their e-mail address.")
@click.option("--language", type=click.Choice(["en", "vi", "fr"]), help="Language they read the tool in.")
@click.option("--role", "roles", multiple=True, type=ROLE, metavar="ROLE", help=f"A role (repeatable): {ROLE_SYNTAX}.")
@click.option("--password-stdin", is_flag=True, help=PASSWORD_STDIN_HELP)
@click.option("--no-password", is_flag=True,
              help="Set no password now; the person cannot sign in until one is set with "
                   "`readiness user password NAME`.")
@workspace_options
@format_option
def user_add(name: str, display_name: str | None, email: str | None, language: str | None,
             roles: tuple[RoleSpec, ...], password_stdin: bool, no_password: bool, settings: Settings,
             fmt: str) -> None:
    """Add a person's account with their roles.

    You are asked for their first password (typed twice, hidden).
    NAME is what they sign in with and what the history records: 2-40 letters a-z, digits,
    '.', '_' or '-'; it never changes. The first account of a workspace must be an admin, and
    the machine's user may add it while the workspace has no account. After that admins add
    anyone, and a coordinator adds people with roles in their own city.

    \b
    Example:
      readiness user add lan --display-name "Nguyễn Thị Lan" --email lan@hanoi.gov.vn --role admin
      readiness user add hoa --role reviewer:HN --role viewer
      echo "$PASSWORD" | readiness user add ward7 --role "contributor:HN/Phường Dịch Vọng" --password-stdin
    """
    from readiness.accounts import add_account
    from readiness.errors import InvalidValueError

    if not roles:
        raise InvalidValueError(f"user add needs --role ROLE (at least one): {ROLE_SYNTAX}")
    if no_password and password_stdin:
        raise InvalidValueError("give --password-stdin or --no-password, not both")
    password = None if no_password else _new_password(password_stdin, f"Password for {name}")
    with open_workspace(settings) as ws:
        actor = actor_of(settings, ws)
        view = add_account(ws, actor, name, display_name, email=email, roles=roles,
                           password=password, language=language)
    _said(view, fmt, "added")
    if not actor.signed_in:  # the workspace's first account
        note(f"this workspace now has accounts: every command needs a signed-in person and READINESS_USER "
             f"is ignored; sign in with `readiness login {view.name}`")


@user.command("list")
@workspace_options
@format_option
def user_list(settings: Settings, fmt: str) -> None:
    """List the accounts you manage.

    Admins see every account; a coordinator sees the people of their city.

    \b
    Example:
      readiness user list
      readiness user list --format json
    """
    from readiness.accounts import list_accounts
    from readiness.cli import output

    with open_workspace(settings) as ws:
        accounts = list_accounts(ws, actor_of(settings, ws))
    if fmt == "json":
        output.emit_json([a.as_json() for a in accounts])
    elif not accounts:
        note("this workspace has no accounts: one person works in it as the machine's user; "
             "add the first, an admin, with `readiness user add NAME --role admin`")
    else:
        _account_table(accounts)


@user.command("set")
@click.argument("name")
@click.option("--display-name", help="A new full name.")
@click.option("--email", help='A new e-mail address ("" removes it).')
@click.option("--language", type=click.Choice(["en", "vi", "fr"]), help="Language they read the tool in.")
@click.option("--grant", "grants", multiple=True, type=ROLE, metavar="ROLE",
              help=f"Give a role (repeatable): {ROLE_SYNTAX}.")
@click.option("--revoke", "revokes", multiple=True, type=ROLE, metavar="ROLE",
              help="Take a role away (repeatable), written as `user list` shows it.")
@click.option("--active/--inactive", default=None,
              help="Re-activate a disabled account, or disable it (its sessions end).")
@workspace_options
@format_option
def user_set(name: str, display_name: str | None, email: str | None, language: str | None,
             grants: tuple[RoleSpec, ...], revokes: tuple[RoleSpec, ...], active: bool | None,
             settings: Settings, fmt: str) -> None:
    """Change an account: roles, e-mail, full name.

    Everyone may change their own full name, e-mail and language; roles and activity are
    changed by whoever manages the account. The last active admin keeps the admin role.

    \b
    Example:
      readiness user set minh --grant reviewer:HCMC --revoke reviewer:HN
      readiness user set ward7 --active
      readiness user set lan --display-name "Nguyễn Thị Lan" --email ""
    """
    from readiness.accounts import set_account

    with open_workspace(settings) as ws:
        view = set_account(ws, actor_of(settings, ws), name, display_name=display_name, email=email,
                           language=language, grant=grants, revoke=revokes, active=active)
    _said(view, fmt, "changed")


@user.command("disable")
@click.argument("name")
@workspace_options
@format_option
def user_disable(name: str, settings: Settings, fmt: str) -> None:
    """Disable an account; its sessions end.

    It can no longer sign in, and its open sessions end at once.

    Its name stays in the history and is never given to anyone else; `user set NAME --active`
    re-activates it. The last active admin cannot be disabled.

    \b
    Example:
      readiness user disable ward7
    """
    from readiness.accounts import disable_account

    with open_workspace(settings) as ws:
        view = disable_account(ws, actor_of(settings, ws), name)
    _said(view, fmt, "disabled")


@user.command("password")
@click.argument("name", required=False)
@click.option("--password-stdin", is_flag=True,
              help="Read from standard input instead of prompts: the new password on the first line; for "
                   "your own, the current one on the first line and the new one on the second.")
@workspace_options
def user_password(name: str | None, password_stdin: bool, settings: Settings) -> None:
    """Change your password, or reset another's.

    For your own, you are asked for the current one first.

    Passwords are typed at a hidden prompt, twice, never on the command line; at least 10
    characters. Every session of the account ends: sign in again with `readiness login`.
    Admins reset anyone's password; a coordinator resets those of their city's people.

    \b
    Example:
      readiness user password
      readiness user password ward7
    """
    from readiness.accounts import set_password
    from readiness.cli.sessions import forget_session, saved_session

    with open_workspace(settings) as ws:
        actor = actor_of(settings, ws)
        own = name is None or (actor.signed_in and name.strip().lower() == actor.name)
        current = None
        if own and actor.signed_in:
            if password_stdin:
                current, new = _stdin_lines(2)
            else:
                current = str(click.prompt("Current password", hide_input=True, err=True))
                new = _new_password(False)
        else:
            new = _new_password(password_stdin)
        view = set_password(ws, actor, name, new, current_password=current)
    saved = saved_session(settings)
    if saved is not None and saved.name == view.name:
        forget_session(settings)
        note(f"password of {view.name} changed; every session of theirs ended: "
             f"sign in again with `readiness login {view.name}`")
    else:
        note(f"password of {view.name} changed; every session of theirs ended")


@click.command("login", context_settings=CONTEXT)
@click.argument("name", required=False)
@click.option("--hours", type=click.IntRange(1, 24 * 30), default=12, show_default=True,
              help="How long the session lasts (at most 720 hours, 30 days).")
@click.option("--password-stdin", is_flag=True, help=PASSWORD_STDIN_HELP)
@workspace_options
def login_command(name: str | None, hours: int, password_stdin: bool, settings: Settings) -> None:
    """Sign in to a workspace that has accounts; later commands act as you.

    You are asked for your password (hidden). The session is saved in your settings folder,
    one per workspace, in a file only you can read, and ends after --hours, at `readiness
    logout`, when your password changes or your account is disabled.

    \b
    Example:
      readiness login lan
      readiness login lan --hours 2 --database-url postgresql://readiness@db.hanoi.local/readiness
    """
    from readiness.accounts import sign_in, sign_out
    from readiness.cli.sessions import save_session, saved_session

    if name is None:
        name = str(click.prompt("Name", err=True))
    password = _stdin_lines(1)[0] if password_stdin else str(click.prompt("Password", hide_input=True, err=True))
    with open_workspace(settings) as ws:
        signed = sign_in(ws, name, password, "cli", hours)
        previous = saved_session(settings)
        if previous is not None:  # its token is about to be overwritten: end it rather than leave it open
            sign_out(ws, previous.token)
        path = save_session(settings, signed)
    note(f"signed in as {signed.name} ({signed.display_name}) until {signed.expires_at:%Y-%m-%d %H:%M} UTC; "
         f"session saved in {path}")


@click.command("logout", context_settings=CONTEXT)
@workspace_options
def logout_command(settings: Settings) -> None:
    """Sign out of the workspace: the session ends there and its file is removed.

    \b
    Example:
      readiness logout
    """
    from readiness.accounts import sign_out
    from readiness.cli.sessions import forget_session, saved_session

    saved = saved_session(settings)
    if saved is None:
        note("not signed in to this workspace; nothing to do")
        return
    with open_workspace(settings) as ws:
        sign_out(ws, saved.token)
    forget_session(settings)
    note(f"signed out {saved.name}")


@click.command("whoami", context_settings=CONTEXT)
@workspace_options
@format_option
def whoami_command(settings: Settings, fmt: str) -> None:
    """Show who commands act as in this workspace, and their roles.

    \b
    Example:
      readiness whoami
      readiness whoami --format json
    """
    from readiness.accounts import describe_actor
    from readiness.cli import output
    from readiness.cli.sessions import saved_session
    from readiness.dates import iso_time

    with open_workspace(settings) as ws:
        who = describe_actor(ws, actor_of(settings, ws))
    saved = saved_session(settings) if who.signed_in else None
    expires = iso_time(saved.expires_at) if saved is not None else None
    if fmt == "json":
        output.emit_json({**who.as_json(), "session_expires_at": expires})
    elif not who.signed_in:
        click.echo(who.name)
        note(f"{who.name}: this workspace has no accounts, so this computer's user (or READINESS_USER) "
             "acts with every right")
    else:
        click.echo(who.name)
        note(f"{who.name} ({output.safe(who.display_name or '')}), signed in"
             + (f" until {expires[:16].replace('T', ' ')} UTC" if expires else "")
             + f"; roles: {', '.join(output.safe(r) for r in who.roles) or 'none'}")
