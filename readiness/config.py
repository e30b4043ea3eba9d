"""Where the workspace is and which database it uses.

Order of precedence for each setting: the command-line option, then the environment, then the
default.

=====================  ==========================  ==============================================
setting                option / variable           default
=====================  ==========================  ==============================================
workspace folder       --workspace                 the per-user data folder (platformdirs), e.g.
                       READINESS_WORKSPACE         ``~/.local/share/readiness`` on Linux
database               --database-url              SQLite file ``readiness.sqlite3`` in the
                       READINESS_DATABASE_URL      workspace folder
who is acting          READINESS_USER              the operating-system user name (a workspace
                                                   without accounts only; once it has accounts,
                                                   the person signed in with ``readiness login``)
=====================  ==========================  ==============================================

Nothing here opens a database, so the criteria commands stay fast.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from readiness.errors import ConfigError

DATABASE_FILE = "readiness.sqlite3"


@dataclass(frozen=True)
class Settings:
    """A resolved workspace: its folder and its database URL."""

    workspace: Path
    database_url: str
    actor: str

    @property
    def criteria_dir(self) -> Path:
        """The workspace's own frameworks, found beside the bundled ones."""
        return self.workspace / "criteria"

    @property
    def files_dir(self) -> Path:
        """The content-addressed store of attached files."""
        return self.workspace / "files"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def describe_database(self) -> str:
        """The database URL with any password hidden, for messages."""
        return mask_password(self.database_url)


def config_dir() -> Path:
    """The per-user settings folder (platformdirs), e.g. ``~/.config/readiness`` on Linux: where
    ``readiness login`` keeps its sessions, one file per workspace, readable only by the user."""
    import platformdirs

    return Path(platformdirs.user_config_dir("readiness", appauthor=False))


def default_workspace() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("readiness", appauthor=False))


def resolve(
    workspace: str | os.PathLike | None = None,
    database_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from the given options, falling back to the environment and the defaults."""
    env = os.environ if environ is None else environ
    raw = workspace or env.get("READINESS_WORKSPACE") or None
    folder = Path(raw).expanduser() if raw else default_workspace()
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"workspace {folder} is a file, not a folder; give a folder with --workspace")
    folder = folder.absolute()
    url = database_url or env.get("READINESS_DATABASE_URL") or f"sqlite:///{folder / DATABASE_FILE}"
    actor = env.get("READINESS_USER") or _os_user()
    return Settings(folder, normalise_url(url), actor)


#: Query parameters a PostgreSQL URL may carry: how to reach the server safely, nothing that
#: changes which server or database is used or how the session behaves. ``options`` is taken
#: only as ``-c search_path=NAME`` (a workspace in a schema of its own).
URL_PARAMETERS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name", "options")
_SCHEMA_OPTION = re.compile(r"-c\s*search_path=[A-Za-z_][A-Za-z0-9_]{0,62}")


def _check_parameters(url: str) -> None:
    """Refuse query parameters outside ``URL_PARAMETERS``. ``host=`` or ``dbname=`` would reach
    another server or database than the URL shows, and other ``options`` set the session (say
    ``-c session_replication_role=replica``, which turns foreign keys and triggers off); a URL
    often comes from the environment, where nobody looks at it."""
    from urllib.parse import parse_qsl, urlsplit

    try:
        query = urlsplit(url).query
    except ValueError as exc:
        raise ConfigError(f"database URL {mask_password(url)!r}: {exc}") from None
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in URL_PARAMETERS:
            raise ConfigError(
                f"database URL parameter {key!r} is not accepted: it could change the server, database "
                f"or session behind the URL; only {', '.join(URL_PARAMETERS)} are")
        if key == "options" and not _SCHEMA_OPTION.fullmatch(value.strip()):
            raise ConfigError(
                f"database URL options={value[:60]!r} is not accepted: session settings could turn checks off; "
                "only options=-c search_path=SCHEMA (a workspace in its own schema) is")


def normalise_url(url: str) -> str:
    """Accept the URLs people copy from PostgreSQL's docs and use the driver we ship (psycopg 3).

    A PostgreSQL URL may carry only the query parameters of ``URL_PARAMETERS``.
    """
    for prefix in ("postgresql+psycopg2://", "postgresql://", "postgres://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            _check_parameters(url)
            return "postgresql+psycopg://" + url[len(prefix):]
    if url.startswith("sqlite://"):
        return url
    raise ConfigError(
        f"database URL {mask_password(url)!r} is not supported: use postgresql://USER@HOST:PORT/DB "
        "or leave it unset for SQLite in the workspace"
    )


def mask_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user, has_password, _ = credentials.partition(":")
    return f"{scheme}://{user}{':***' if has_password else ''}@{host}"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"
