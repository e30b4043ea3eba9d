"""``readiness serve``: the web app, for officials working together from a browser."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from readiness.cli.options import CONTEXT, workspace_options

if TYPE_CHECKING:
    from readiness.config import Settings


@click.command("serve", context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep 127.0.0.1 behind a reverse proxy that speaks HTTPS; "
                   "0.0.0.0 listens on every network (only inside a trusted network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes, about one per CPU core; each works on 4 requests at once. SQLite lets "
                   "them read beside one writer; many offices writing at once belong on PostgreSQL.")
@click.option("--proxy", "proxies", multiple=True, metavar="ADDRESS",
              help="A reverse proxy whose X-Forwarded-For and X-Forwarded-Proto headers are believed "
                   "(repeatable), so that sign-in limits count the real client and cookies are marked "
                   "Secure behind HTTPS [default: 127.0.0.1].")
@workspace_options
def serve_command(settings: Settings, host: str, port: int, workers: int, proxies: tuple[str, ...]) -> None:
    """Serve the workspace to browsers: evidence, reviews, scores and dossiers.

    Everyone signs in with an account (`readiness user add`); nobody acts without one, whatever the
    command line allows this computer's user. Stop with Ctrl+C.

    \b
    Example:
      readiness user add lan --role admin          # the first account, once
      readiness serve                               # http://127.0.0.1:8000
      readiness serve --database-url postgresql://readiness@db/hanoi --workers 4

    Put it behind a reverse proxy that speaks HTTPS (Caddy, nginx) for anyone outside this
    computer: see "Working together" in the README.
    """
    from readiness.accounts import has_accounts
    from readiness.cli.options import open_workspace
    from readiness.frameworks.loader import load_catalogue
    from readiness.web import server

    ws = open_workspace(settings)  # creates and migrates it now, and fails here, not in a worker
    try:
        accounts = has_accounts(ws)
    finally:
        ws.close()
    load_catalogue(settings.criteria_dir)  # a broken framework file is said here in one line, not by a worker
    where = str(settings.workspace) if settings.is_sqlite else settings.describe_database()
    click.echo(f"readiness serves {where}", err=True)
    click.echo(f"open http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/ in a browser", err=True)
    if not accounts:
        click.echo("this workspace has no accounts yet: create the first with "
                   "`readiness user add NAME --role admin`, then sign in", err=True)
    os.environ["READINESS_WORKSPACE"] = str(settings.workspace)
    os.environ["READINESS_DATABASE_URL"] = settings.database_url
    server.run(host=host, port=port, workers=workers, proxies=list(proxies) or ["127.0.0.1"])
